#pragma once
// What apply shows while it works.  Not on a terminal (CI logs, cron mail):
// plain lines, a service's progress when its count changes and every 10 s.
// On a terminal: the same step lines, with one status line kept at the
// bottom and redrawn in place -- a bar of finished changes and the services
// still waiting, e.g.
//   [########------------] 8/20 done  waiting: saleor-api 1/2 on kvm2 12s, web 0/1 3s, +2 more

#include <cstddef>
#include <map>
#include <ostream>
#include <string>

#include "reconciler/apply/apply_run.h"
#include "reconciler/plan/plan.h"

namespace swarmform::cli {

class ApplyProgress {
 public:
  /// Shows the apply of `plan`'s changes; `tty`: draw the status line.
  ApplyProgress(std::ostream& out, bool tty, const plan::Plan& plan);

  void line(const std::string& text);
  void progress(const apply::Progress& p);
  void finished(const apply::ServiceResult& r);
  /// Clears the status line (tty), before the summary.
  void done();

  /// The reporter apply::run_apply calls (serialised by it).
  apply::Reporter reporter();

  /// The status line for the current state (no escape codes).
  [[nodiscard]] std::string status_line() const;

 private:
  struct Waiting {
    uint64_t running = ~0ull;
    uint64_t desired = ~0ull;
    int64_t secs = 0;
    std::string node;
  };
  void redraw();

  std::ostream& out_;
  bool tty_;
  size_t total_;
  size_t finished_ = 0;
  bool drawn_ = false;
  std::map<std::string, Waiting> waiting_;       ///< tty: services converging now
  std::map<std::string, Waiting> last_printed_;  ///< plain: what each service last printed
  std::map<std::string, std::string> live_names_;  ///< declared name -> swarm name (progress uses the latter)
};

}  // namespace swarmform::cli
