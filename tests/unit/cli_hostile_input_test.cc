// Issue 11's reproductions through the real binary: hostile desired states
// give a located error and exit 1, never a crash.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/process.h"

namespace swarmform::testing {
namespace {

TEST(CliHostileInput, The148ByteOverflowIsALocatedErrorNotACrash) {
  // Before: SIGSEGV (4096P x 2 wrapped to INT64_MIN; format_memory recursed).
  std::string dir = make_temp_dir("sf-hostile-148");
  write_file(
      dir + "/state.yaml",
      "version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 4, memory: 1G}}}\n"
      "services: {s: {host: h, replicas: 2, limits: {memory: 4096P}}}\n");
  auto r = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("state.yaml:4:55: error: service 's' limits.memory: memory quantity '4096P' "
                       "is too large: "
                       "no machine has more than 1024PiB"),
            std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

TEST(CliHostileInput, AHugeCapacityIsALocatedErrorNotANonsenseRatio) {
  // Before: `cpus: 5000000000` overflowed the ratio formatter ("-1.-42x").
  std::string dir = make_temp_dir("sf-hostile-ratio");
  write_file(dir + "/state.yaml",
             "version: 1\ncluster: {manager: h}\nhosts: {h: {ssh: 1, capacity: {cpus: 5000000000, "
             "memory: 1G}}}\n"
             "services: {s: {host: h, limits: {cpus: 2, memory: 64M}}}\n");
  auto r = run_swarmform({"validate", "-C", dir});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(
      r.err.find(
          "state.yaml:3:38: error: host 'h' capacity.cpus: CPU quantity '5000000000' is too large"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find(".-"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace swarmform::testing
