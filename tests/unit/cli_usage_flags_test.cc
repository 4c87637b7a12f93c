// `swarmform usage` flags: nonsense is refused before anything is dialled,
// with what to do; an unreachable swarm is exit 1 naming the host, with the
// report still printed for every host.  No lab needed.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reconciler/cli/duration.h"
#include "support/metrics_text.h"
#include "support/process.h"

namespace swarmform::testing {
namespace {

TEST(CliDuration, DaysHoursMinutesAndSecondsAddUp) {
  EXPECT_EQ(cli::parse_duration("7d").value(), std::chrono::hours(24 * 7));
  EXPECT_EQ(cli::parse_duration("1d12h").value(), std::chrono::hours(36));
  EXPECT_EQ(cli::parse_duration("1m30s").value(), std::chrono::seconds(90));
  EXPECT_EQ(cli::parse_duration("45").value(), std::chrono::seconds(45));
  for (const char* bad : {"", "0s", "d", "7w", "1.5h", "-1s"}) {
    auto r = cli::parse_duration(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("such as 90s, 5m, 1h, 1m30s or 7d"), std::string::npos) << r.error().message;
  }
}

struct Refusal {
  std::vector<std::string> args;
  std::string says;
};

TEST(CliUsageFlags, NonsenseIsRefusedBeforeAnythingIsDialled) {
  TempDir dir;
  write_file(dir / "swarmform.yaml", kUnreachableState);
  const Refusal cases[] = {
      {{"--window", "2h"}, "--window 2h: a window is 1s to 1h (use --since for days of history)"},
      {{"--window", "fast"}, "--window: expected a duration"},
      {{"--since", "7d", "--record"}, "--since reads the recorded history"},
      {{"--since", "7d", "--window", "5s"}, "--since reads the recorded history"},
      {{"--since", "7d", "--metrics-file", dir / "m.prom"}, "--since reads the recorded history"},
      {{"--db", dir / "u.db"}, "--db goes with --record or --since"},
      {{"--retain", "forever", "--record"}, "--retain: expected a duration"},
      {{"--target", "web-["}, "--target web-["},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"usage", "-C", dir.path(), "--connect-timeout", "2"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run_swarmform(args);
    EXPECT_EQ(r.exit_code, 1) << c.says << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    // Refused before dialling: no connection error beside it.
    EXPECT_EQ(r.err.find("connect failed"), std::string::npos) << r.err;
  }
  auto bad_format = run_swarmform({"usage", "-C", dir.path(), "--format", "yaml"});
  EXPECT_NE(bad_format.exit_code, 0);
}

TEST(CliUsageFlags, AnUnreachableHostIsExitOneNamingItAndTheReportIsStillPrinted) {
  TempDir dir;
  write_file(dir / "swarmform.yaml", kUnreachableState);
  auto r = run_swarmform({"usage", "-C", dir.path(), "--window", "1s", "--format", "json", "--connect-timeout", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("swarmform: error: kvm4 was not measured: kvm4 (root@127.0.0.1:1): connect failed"),
            std::string::npos)
      << r.err;
  const auto report = nlohmann::json::parse(r.out);
  ASSERT_EQ(report["hosts"].size(), 1u) << r.out;
  EXPECT_EQ(report["hosts"][0]["name"], "kvm4");
  EXPECT_TRUE(report["hosts"][0]["error"].is_string()) << r.out;
  EXPECT_TRUE(report["services"].empty()) << r.out;
}

}  // namespace
}  // namespace swarmform::testing
