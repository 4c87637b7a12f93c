// What apply shows while it waits: plain lines in a log, a status line
// redrawn in place on a terminal.

#include <gtest/gtest.h>

#include <sstream>

#include "reconciler/cli/apply_progress.h"

namespace swarmform::cli {
namespace {

using namespace std::chrono_literals;

plan::Plan three_changes() {
  plan::Plan p;
  for (const char* name : {"saleor-api", "web", "worker"}) {
    plan::ServiceChange c;
    c.name = name;
    c.live_name = std::string("infra-") + name;
    c.action = plan::Action::update;
    p.services.push_back(c);
  }
  plan::ServiceChange same;
  same.name = "redis";
  p.services.push_back(same);  // a no-op: not counted
  return p;
}

apply::Progress progress(const std::string& live_name, uint64_t running, uint64_t desired, std::chrono::milliseconds t) {
  return apply::Progress{live_name, running, desired, "kvm2", t, {}};
}

TEST(ApplyProgress, OnATerminalAStatusLineIsRedrawnBelowTheSteps) {
  std::ostringstream out;
  ApplyProgress shown(out, /*tty=*/true, three_changes());
  auto r = shown.reporter();
  r.line("~ saleor-api: updated");
  r.progress(progress("infra-saleor-api", 0, 2, 1200ms));
  EXPECT_EQ(shown.status_line(), "[--------------------] 0/3 done  waiting: infra-saleor-api 0/2 on kvm2 1s");
  r.progress(progress("infra-web", 1, 1, 300ms));
  r.finished({"web", plan::Action::update, apply::Outcome::applied, "", true});
  EXPECT_EQ(shown.status_line(), "[######--------------] 1/3 done  waiting: infra-saleor-api 0/2 on kvm2 1s");
  r.line("  saleor-api: converged, 2 running (4s)");
  shown.done();
  const std::string text = out.str();
  // Each step line clears the status line, prints, and the status comes back.
  EXPECT_NE(text.find("\r\x1b[K~ saleor-api: updated\n\r\x1b[K[--------------------] 0/3 done"), std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with("\r\x1b[K[######--------------] 1/3 done  waiting: infra-saleor-api 0/2 on kvm2 1s\n"))
      << text;
}

TEST(ApplyProgress, ManyWaitingAreCounted) {
  std::ostringstream out;
  plan::Plan p;
  for (int i = 0; i < 5; ++i) {
    plan::ServiceChange c;
    c.name = "s" + std::to_string(i);
    c.action = plan::Action::update;
    p.services.push_back(c);
    }
  ApplyProgress shown(out, true, p);
  for (int i = 0; i < 5; ++i) shown.progress(progress("s" + std::to_string(i), 0, 1, 2s));
  EXPECT_EQ(shown.status_line(),
            "[--------------------] 0/5 done  waiting: s0 0/1 on kvm2 2s, s1 0/1 on kvm2 2s, s2 0/1 on kvm2 2s, "
            "+2 more");
}

TEST(ApplyProgress, InALogPlainLinesWhenTheCountChangesAndEvery10s) {
  std::ostringstream out;
  ApplyProgress shown(out, /*tty=*/false, three_changes());
  shown.line("~ web: updated");
  shown.progress(progress("infra-web", 0, 1, 0ms));
  shown.progress(progress("infra-web", 0, 1, 3s));   // same count, 3 s later: nothing
  shown.progress(progress("infra-web", 0, 1, 11s));  // 10 s later: again
  shown.progress(progress("infra-web", 1, 1, 12s));  // the count changed
  shown.finished({"web", plan::Action::update, apply::Outcome::applied, "", true});
  shown.done();
  EXPECT_EQ(out.str(),
            "~ web: updated\n"
            "  infra-web  0/1 running on kvm2  0s\n"
            "  infra-web  0/1 running on kvm2  11s\n"
            "  infra-web  1/1 running on kvm2  12s\n");
}

}  // namespace
}  // namespace swarmform::cli
