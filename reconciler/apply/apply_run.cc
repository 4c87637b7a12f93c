#include "reconciler/apply/apply_run.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "reconciler/apply/await_or_roll_back.h"
#include "reconciler/apply/change_steps.h"
#include "reconciler/apply/wave_plan.h"

namespace swarmform::apply {
namespace {

/// Serialises a Reporter across workers.
class SafeReporter {
 public:
  explicit SafeReporter(const Reporter& r) : r_(r) {}
  void line(const std::string& s) {
    std::lock_guard lock(mu_);
    if (r_.line) r_.line(s);
  }
  ProgressFn progress() {
    return [this](const Progress& p) {
      std::lock_guard lock(mu_);
      if (r_.progress) r_.progress(p);
    };
  }
  void finished(const ServiceResult& r) {
    std::lock_guard lock(mu_);
    if (r_.finished) r_.finished(r);
  }

 private:
  const Reporter& r_;
  std::mutex mu_;
};

/// One change, start to end, on `client`.
ServiceResult apply_one(engine::DockerClient& client, const plan::Plan& plan, const plan::ServiceChange& c,
                        const model::LiveState& live, const ApplyOptions& options, SafeReporter& report) {
  auto posted = plan::removes(c.action)   ? delete_step(client, c, live)
                : plan::creates(c.action) ? create_step(client, plan, c)
                                          : update_step(client, plan, c, live);
  if (!posted) return {c.name, c.action, Outcome::failed, posted.error().message, false};
  report.line(posted->line);
  if (plan::removes(c.action)) return {c.name, c.action, Outcome::applied, "", true};
  ConvergenceOptions wait;
  wait.timeout = options.timeout;
  wait.stop = options.stop;
  return await_or_roll_back(client, c, *posted, wait,
                            options.rollback_on_failure ? RollbackOnFailure::yes : RollbackOnFailure::no,
                            [&](const std::string& s) { report.line(s); }, report.progress());
}

/// One run of a plan: its waves and the results so far, one per change.
struct Run {
  const plan::Plan& plan;
  const model::LiveState& live;
  const Waves& waves;
  const ClientFactory& connect;
  const ApplyOptions& options;
  SafeReporter& report;
  std::vector<ServiceResult>& results;

  /// Runs the changes `wave` names, `parallelism` at a time, each worker on
  /// its own client; returns once every worker is done.
  void run_wave(const std::vector<size_t>& wave) {
    std::atomic<size_t> next{0};
    int workers = std::max(1, std::min<int>(options.parallelism, static_cast<int>(wave.size())));
    std::vector<std::jthread> pool;
    for (int n = 0; n < workers; ++n) {
      pool.emplace_back([&] {
        std::optional<engine::DockerClient> client;
        for (size_t i = next++; i < wave.size(); i = next++) {
          if (options.stop.stop_requested()) return;  // the rest stay not_started
          size_t index = wave[i];
          if (auto lost = options.link ? options.link->lost() : std::nullopt) {
            results[index].detail = "not started: " + lost->message;
            continue;
          }
          try {
            if (!client) {
              auto made = connect();
              if (!made) {
                // Never attempted: the swarm holds nothing of it.
                results[index].detail = "not started: " + made.error().message;
                continue;
              }
              client.emplace(std::move(*made));
            }
            results[index] = apply_one(*client, plan, plan.services[waves.changes[index]], live, options, report);
          } catch (const std::exception& e) {
            // Nothing may escape a worker: the caller must still release the lock.
            results[index].outcome = Outcome::failed;
            results[index].detail = std::string("internal error: ") + e.what();
          }
          report.finished(results[index]);
        }
      });
    }
    pool.clear();  // joins
  }
};

}  // namespace

std::vector<ServiceResult> run_apply(const plan::Plan& plan, const model::LiveState& live,
                                     const ClientFactory& connect, const ApplyOptions& options,
                                     const Reporter& reporter) {
  SafeReporter report(reporter);
  const Waves waves = plan_waves(plan, live);
  std::vector<ServiceResult> results;
  for (size_t index : waves.changes) {
    const plan::ServiceChange& c = plan.services[index];
    results.push_back({c.name, c.action, Outcome::not_started, "", false});
  }
  Run run{plan, live, waves, connect, options, report, results};
  std::set<std::string> unreleased;  // hosts where a releasing change failed
  for (size_t w = 0; w < kWaveCount; ++w) {
    WaveStart start = start_wave(plan, waves, w, unreleased);
    for (const HeldBack& held : start.held_back) {
      results[held.change].detail = held.reason;
      report.line("  " + results[held.change].name + ": " + held.reason);
    }
    if (start.start.empty() || options.stop.stop_requested()) continue;
    if (options.before_wave && !options.before_wave()) break;
    run.run_wave(start.start);
    if (w == kReleasingWave) unreleased = unreleased_hosts(plan, waves, results);
  }
  return results;
}

}  // namespace swarmform::apply
