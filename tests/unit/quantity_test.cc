#include "reconciler/model/quantity.h"

#include <gtest/gtest.h>

#include <limits>

namespace swarmform::model {
namespace {

struct Case {
  const char* text;
  int64_t want;             // when error_contains is empty
  const char* error_contains;
};

constexpr int64_t kMi = 1024 * 1024;
constexpr int64_t kGi = 1024 * kMi;

TEST(ParseNanoCpus, Table) {
  const Case cases[] = {
      {"2", 2 * kNano, ""},
      {"1.5", 1'500'000'000, ""},
      {"0.25", 250'000'000, ""},
      {"0.1", 100'000'000, ""},  // exact: no binary floating point
      {"0.000000001", 1, ""},
      {"500m", 500'000'000, ""},
      {"1m", 1'000'000, ""},
      {"2000m", 2 * kNano, ""},
      {"9.5", 9'500'000'000, ""},
      {"0010", 10 * kNano, ""},
      {"0", 0, "zero"},
      {"0.0", 0, "zero"},
      {"0m", 0, "zero"},
      {"", 0, "empty CPU quantity"},
      {"-1", 0, "negative"},
      {"-0.5", 0, "negative"},
      {"1e300", 0, "expected a number of CPUs"},
      {"1.5e3", 0, "expected a number of CPUs"},
      {"0.0000000001", 0, "more than 9 decimal places"},
      {"1.", 0, "expected a number of CPUs"},
      {".5", 0, "expected a number of CPUs"},
      {"1.5m", 0, "expected a number of CPUs"},
      {"m", 0, "expected a number of CPUs"},
      {"two", 0, "expected a number of CPUs"},
      {"+1", 0, "expected a number of CPUs"},
      {" 1", 0, "expected a number of CPUs"},
      {"1,5", 0, "expected a number of CPUs"},
      {"99999999999999999999", 0, "too large"},
      {"9223372037", 0, "too large"},
      {"0x10", 0, "expected a number of CPUs"},
  };
  for (const Case& c : cases) {
    auto got = parse_nano_cpus(c.text);
    if (std::string(c.error_contains).empty()) {
      ASSERT_TRUE(got.has_value()) << "'" << c.text << "': " << got.error().message;
      EXPECT_EQ(*got, c.want) << "'" << c.text << "'";
    } else {
      ASSERT_FALSE(got.has_value()) << "'" << c.text << "' parsed as " << *got;
      EXPECT_NE(got.error().message.find(c.error_contains), std::string::npos)
          << "'" << c.text << "': " << got.error().message;
    }
  }
}

TEST(ParseMemoryBytes, Table) {
  const Case cases[] = {
      {"1024", 1024, ""},
      {"512M", 512 * kMi, ""},
      {"512MiB", 512 * kMi, ""},
      {"512MB", 512 * kMi, ""},  // docker reads MB as binary, like --limit-memory
      {"512m", 512 * kMi, ""},
      {"512mb", 512 * kMi, ""},
      {"1G", kGi, ""},
      {"1GB", kGi, ""},
      {"1GiB", kGi, ""},
      {"16GiB", 16 * kGi, ""},
      {"1.5G", kGi + kGi / 2, ""},
      {"1.5GiB", kGi + kGi / 2, ""},
      {"64k", 64 * 1024, ""},
      {"64K", 64 * 1024, ""},
      {"64KB", 64 * 1024, ""},
      {"64KiB", 64 * 1024, ""},
      {"2T", 2 * 1024 * kGi, ""},
      {"2TiB", 2 * 1024 * kGi, ""},
      {"100b", 100, ""},
      {"100B", 100, ""},
      {"512 MB", 512 * kMi, ""},
      {"0.5k", 512, ""},
      {"0", 0, "zero"},
      {"0M", 0, "zero"},
      {"", 0, "empty memory quantity"},
      {"-1", 0, "negative"},
      {"-512M", 0, "negative"},
      {"512X", 0, "expected bytes or a number with a unit"},
      {"512MiBs", 0, "expected bytes or a number with a unit"},
      {"1e300", 0, "expected bytes or a number with a unit"},
      {"M", 0, "expected bytes or a number with a unit"},
      {"1.5", 0, "not a whole number of bytes"},
      {"0.3k", 0, "not a whole number of bytes"},
      {"1.2.3M", 0, "expected bytes or a number with a unit"},
      {"25276026880", 25276026880, ""},  // a node's MemTotal, in bytes
      {"1152921504606846976", int64_t{1} << 60, ""},  // 1 EiB: more than any machine has
      {"1152921504606846977", 0, "too large"},
      {"9223372036854775807", 0, "too large"},
      {"9223372036854775808", 0, "too large"},
      {"99999999999999999999", 0, "too large"},
      {"9000000P", 0, "too large"},
      {"1024P", int64_t{1024} << 50, ""},
      {"8191P", 0, "too large"},
      {"8E", 0, "expected bytes or a number with a unit"},
  };
  for (const Case& c : cases) {
    auto got = parse_memory_bytes(c.text);
    if (std::string(c.error_contains).empty()) {
      ASSERT_TRUE(got.has_value()) << "'" << c.text << "': " << got.error().message;
      EXPECT_EQ(*got, c.want) << "'" << c.text << "'";
    } else {
      ASSERT_FALSE(got.has_value()) << "'" << c.text << "' parsed as " << *got;
      EXPECT_NE(got.error().message.find(c.error_contains), std::string::npos)
          << "'" << c.text << "': " << got.error().message;
    }
  }
}

TEST(ParseRatio, AcceptsPositiveDecimalsOnly) {
  EXPECT_EQ(parse_ratio("1").value(), kNano);
  EXPECT_EQ(parse_ratio("1.25").value(), 1'250'000'000);
  EXPECT_FALSE(parse_ratio("0").has_value());
  EXPECT_FALSE(parse_ratio("-1").has_value());
  EXPECT_FALSE(parse_ratio("2x").has_value());
}

TEST(ZeroAllowed, WhenTheCallerSaysSo) {
  EXPECT_EQ(parse_nano_cpus("0", true).value(), 0);
  EXPECT_EQ(parse_memory_bytes("0", true).value(), 0);
}

TEST(Format, RoundTripsWhatUsersWrite) {
  EXPECT_EQ(format_cpus(1'500'000'000), "1.5");
  EXPECT_EQ(format_cpus(2 * kNano), "2");
  EXPECT_EQ(format_cpus(250'000'000), "0.25");
  EXPECT_EQ(format_cpus(1), "0.000000001");
  EXPECT_EQ(format_memory(512 * kMi), "512MiB");
  EXPECT_EQ(format_memory(kGi + kGi / 2), "1.5GiB");
  EXPECT_EQ(format_memory(16 * kGi), "16GiB");
  EXPECT_EQ(format_memory(kGi + kGi / 4), "1.25GiB");
  EXPECT_EQ(format_memory(100), "100B");
  EXPECT_EQ(format_memory(1000 * kMi), "1000MiB");
  // The largest memory a quantity may hold prints in a unit the parser reads
  // (found by fuzz_quantity: "1024Pi" printed as 1EiB, which did not read back).
  EXPECT_EQ(format_memory(kMaxMemoryBytes), "1024PiB");
  EXPECT_EQ(parse_memory_bytes(format_memory(kMaxMemoryBytes)).value(), kMaxMemoryBytes);
  for (const char* text : {"1.5", "0.25", "3", "0.125"}) {
    EXPECT_EQ(format_cpus(parse_nano_cpus(text).value()), text);
  }
}

// Tables print memory for people: the largest binary unit, one decimal at
// most, no "24683620KiB" for a node's MemTotal.
TEST(MemoryReadable, Table) {
  constexpr int64_t kKi = 1024;
  constexpr int64_t kTi = 1024 * kGi;
  constexpr int64_t kPi = 1024 * kTi;
  const struct {
    int64_t bytes;
    const char* want;
  } cases[] = {
      {0, "0B"},
      {1, "1B"},
      {1023, "1023B"},
      {kKi, "1KiB"},
      {kMi + kMi / 2, "1.5MiB"},
      {512 * kMi, "512MiB"},
      {24683620 * kKi, "23.5GiB"},  // a VPS's MemTotal as the engine reports it
      {16 * kGi, "16GiB"},
      {kGi + kGi / 4, "1.3GiB"},            // half up at one decimal
      {kGi + kGi / 20 + 1, "1.1GiB"},       // just over 1.05: up
      {kGi + kGi / 100, "1GiB"},            // 1.01: trailing .0 dropped
      {kTi + kTi / 5, "1.2TiB"},
      {kPi + kPi / 2, "1.5PiB"},
      {kMaxMemoryBytes, "1EiB"},
      {kGi - 1, "1GiB"},                     // 1023.99...MiB rounds to 1024MiB: the next unit
      {kGi - kMi, "1023MiB"},
      {1000 * kMi, "1000MiB"},
      {kMi - 52 * kKi, "972KiB"},            // below 1MiB stays in KiB
      {-(kMi + kMi / 2), "-1.5MiB"},
      {std::numeric_limits<int64_t>::max(), "8EiB"},
      {std::numeric_limits<int64_t>::min(), "-8EiB"},
  };
  for (const auto& c : cases) EXPECT_EQ(memory_readable(c.bytes), c.want) << c.bytes;
}

TEST(Ratio, ExactComparisonsAndRounding) {
  // The report's KVM4: 9.5 CPUs of limits on 4 CPUs.
  EXPECT_EQ(format_ratio(9'500'000'000, 4 * kNano), "2.38x");
  EXPECT_EQ(format_ratio(3'500'000'000, 2 * kNano), "1.75x");
  EXPECT_EQ(format_ratio(1, 0), "-");
  EXPECT_TRUE(within_budget(4 * kNano, 4 * kNano, kNano));
  EXPECT_FALSE(within_budget(4 * kNano + 1, 4 * kNano, kNano));
  EXPECT_TRUE(within_budget(6 * kNano, 4 * kNano, 1'500'000'000));
  EXPECT_EQ(ratio_nano(9'500'000'000, 4 * kNano), 2'375'000'000);
}

}  // namespace
}  // namespace swarmform::model
