// Issue 15's property: every advice that says it fits validates under the
// same policy.  Random desired states (as YAML text, read by the real
// loader) and random measurements; when advise() fits, its edits are made
// by the YAML editor, the edited text is loaded again, and validate's
// budget check (config::check_budgets over model::desired_host_loads) finds
// nothing, and every service reads back as advised.

#include <gtest/gtest.h>

#include <random>

#include "reconciler/adopt/value_edit.h"
#include "reconciler/advise/advice.h"
#include "reconciler/advise/advice_edits.h"
#include "reconciler/config/budget.h"
#include "reconciler/config/loader.h"
#include "reconciler/model/capacity.h"

namespace swarmform::advise {
namespace {

constexpr const char* kFile = "desired.yaml";
constexpr double kMiB = 1024.0 * 1024.0;

struct Case {
  std::string yaml;
  MeasuredInput input;
  AdviseOptions options;
};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(1, 100) <= percent; }
  template <class T, size_t N>
  const T& one_of(const T (&values)[N]) {
    return values[static_cast<size_t>(pick(0, static_cast<int>(N) - 1))];
  }

  Case make() {
    Case c;
    const char* host_names[] = {"kvm2", "kvm4", "edge", "db-1"};
    const int hosts = pick(2, 4);
    std::vector<std::string> names(host_names, host_names + hosts);
    std::string y = "version: 1\ncluster:\n  manager: " + names[0] + "\nhosts:\n";
    const char* cpus[] = {"2", "4", "8", "1.5", "3", "6"};
    const char* memories[] = {"4GiB", "8GiB", "16GiB", "3G", "32GiB"};
    const char* budgets[] = {"1", "1.5", "2", "1.25"};
    for (const auto& h : names) {
      y += "  " + h + ":\n    ssh: root@203.0.113.4\n";
      if (chance(50)) {
        y += std::string("    capacity: {cpus: ") + one_of(cpus) + ", memory: " + one_of(memories) +
             "}\n";
      } else {
        y += std::string("    capacity:\n      cpus: ") + one_of(cpus) +
             "   # what the VPS has\n      memory: " + one_of(memories) + "\n";
      }
      if (chance(25)) y += std::string("    cpu_overcommit: ") + one_of(budgets) + "\n";
      if (chance(15)) y += std::string("    memory_overcommit: ") + one_of(budgets) + "\n";
    }
    if (chance(50)) {
      y += "policy:\n";
      y += std::string("  cpu_overcommit: ") + one_of(budgets) + "\n";
      if (chance(50)) y += std::string("  memory_overcommit: ") + one_of(budgets) + "\n";
    }
    y += "services:\n";
    const int services = pick(3, 12);
    // Limits as a person writes them; reservations at most the limit.
    const char* cpu_values[] = {"0.1", "0.25", "0.5", "1", "1.5", "2", "500m", "0.05"};
    const int64_t cpu_nanos[] = {100'000'000,   250'000'000,   500'000'000, 1'000'000'000,
                                 1'500'000'000, 2'000'000'000, 500'000'000, 50'000'000};
    const char* memory_values[] = {"64MiB", "128MiB", "256MiB", "512MiB", "1GiB", "1.5GiB", "100M"};
    const int64_t memory_bytes[] = {64 << 20,   128 << 20,  256 << 20, 512 << 20,
                                    1024 << 20, 1536 << 20, 100 << 20};
    const char* targets_cpu[] = {"0.01", "0.05", "0.1", "0.25"};
    const int64_t targets_cpu_nano[] = {10'000'000, 50'000'000, 100'000'000, 250'000'000};
    const char* targets_memory[] = {"4MiB", "16MiB", "32MiB", "64MiB"};
    const int64_t targets_memory_bytes[] = {4 << 20, 16 << 20, 32 << 20, 64 << 20};
    for (int s = 0; s < services; ++s) {
      const std::string name = "svc-" + std::to_string(s);
      std::vector<std::string> fields;
      const int kind = pick(1, 100);
      std::string mode;
      if (kind <= 70) {
        fields.push_back("host: " + names[static_cast<size_t>(pick(0, hosts - 1))]);
      } else if (kind <= 80) {
        mode = "global";
      } else if (kind <= 90) {
        // replicated, no host: counts on no host
      } else if (kind <= 95) {
        mode = "global-job";
        fields.push_back("host: " + names[static_cast<size_t>(pick(0, hosts - 1))]);
      } else {
        mode = "replicated-job";
        fields.push_back("host: " + names[static_cast<size_t>(pick(0, hosts - 1))]);
      }
      if (!mode.empty()) fields.push_back("mode: " + mode);
      if (mode.empty() && chance(70)) fields.push_back("replicas: " + std::to_string(pick(1, 3)));
      if (chance(20)) fields.push_back("allow_data_move: true");
      std::optional<int64_t> cpu_limit, memory_limit;
      std::vector<std::string> limits, reservations;
      if (chance(80)) {
        const auto i = static_cast<size_t>(pick(0, 7));
        limits.push_back(std::string("cpus: ") + cpu_values[i]);
        cpu_limit = cpu_nanos[i];
      }
      if (chance(80)) {
        const auto i = static_cast<size_t>(pick(0, 6));
        limits.push_back(std::string("memory: ") + memory_values[i]);
        memory_limit = memory_bytes[i];
      }
      if (chance(30)) {
        const auto i = static_cast<size_t>(pick(0, 3));
        if (!cpu_limit || targets_cpu_nano[i] <= *cpu_limit)
          reservations.push_back(std::string("cpus: ") + targets_cpu[i]);
      }
      if (chance(30)) {
        const auto i = static_cast<size_t>(pick(0, 3));
        if (!memory_limit || targets_memory_bytes[i] <= *memory_limit) {
          reservations.push_back(std::string("memory: ") + targets_memory[i]);
        }
      }
      const auto map = [&](const std::string& key, const std::vector<std::string>& entries) {
        if (entries.empty()) return;
        if (chance(50)) {
          std::string flow = key + ": {";
          for (size_t i = 0; i < entries.size(); ++i) flow += (i ? ", " : "") + entries[i];
          fields.push_back(flow + "}");
        } else {
          std::string block = key + ":";
          for (const auto& e : entries) block += "\n      " + e;
          fields.push_back(block);
        }
      };
      map("limits", limits);
      map("reservations", reservations);
      if (chance(10)) y += "  # " + name + " is important\n";
      y += "  " + name + ":" + (chance(15) ? "   # a comment\n" : "\n");
      if (fields.empty()) fields.push_back("image: nginx:1");
      for (const auto& f : fields) y += "    " + f + "\n";
      if (chance(20)) y += "\n";

      if (chance(85)) c.input.services[name] = measured();
      if (chance(15)) c.input.local_data.insert(name);
      if (chance(10)) c.options.keep.push_back(name);
    }
    for (int f = pick(0, 2); f > 0; --f) {
      c.input.fixed.push_back({"unmanaged-" + std::to_string(f),
                               names[static_cast<size_t>(pick(0, hosts - 1))], real(0, 0.6),
                               chance(50) ? "not declared" : "not pinned to a host"});
    }
    const double targets[] = {0.7, 0.8, 0.9, 1.0};
    c.options.target_utilization = one_of(targets);
    c.yaml = y;
    return c;
  }

 private:
  Measured measured() {
    Measured m;
    m.samples = chance(10) ? pick(5, 59) : pick(60, 10080);
    m.span_seconds = chance(5) ? real(60, 3000) : real(3600, 7 * 86400);
    m.tasks = chance(5) ? 0 : pick(1, 3);
    m.cpu_p95 = chance(10) ? real(0, 0.02) : real(0, 1.2);
    m.cpu_p50 = m.cpu_p95 * real(0, 1);
    m.cpu_max = m.cpu_p95 * real(1, 2);
    m.memory_peak = real(2, 900) * kMiB;
    m.memory_p50 = m.memory_peak * real(0.1, 1);
    if (chance(30)) {
      m.throttled_share = real(0.25, 0.9);
      m.throttled_cpus = real(0, 0.8);
    } else {
      m.throttled_share = real(0, 0.2);
      m.throttled_cpus = real(0, 0.05);
    }
    if (chance(10)) m.oom_kills = static_cast<uint64_t>(pick(1, 3));
    return m;
  }

  std::mt19937 rng_;
};

std::string diagnostics(const model::Diagnostics& d) {
  std::string out;
  for (const auto& item : d.items()) out += model::format_diagnostic(item) + "\n";
  return out;
}

config::Loaded load(const std::string& text) {
  return config::load_desired_state({model::SourceFile{kFile, text}}, config::LoadOptions{});
}

TEST(AdviseProperty, EveryAdviceThatFitsValidatesUnderTheSamePolicy) {
  int fits = 0, moved = 0, changed = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    Gen gen(seed);
    const Case c = gen.make();
    SCOPED_TRACE("seed " + std::to_string(seed) + "\n" + c.yaml);
    const config::Loaded loaded = load(c.yaml);
    ASSERT_TRUE(loaded.state) << diagnostics(loaded.diagnostics);
    const model::DesiredState& desired = *loaded.state;
    const Advice advice = advise(desired, c.input, c.options);
    const std::vector<adopt::ValueEdit> edits = advice_edits(desired, advice);

    ASSERT_EQ(advice.services.size(), desired.services.size());
    for (const ServiceAdvice& s : advice.services) {
      const model::Service& declared = desired.services.at(s.name);
      if (declared.host.empty()) {
        EXPECT_FALSE(s.moves()) << s.name << " is not pinned: it never moves";
      }
      if (s.moves()) {
        EXPECT_TRUE(advice.placement.fits) << s.name;
        EXPECT_FALSE(std::find(c.options.keep.begin(), c.options.keep.end(), s.name) !=
                     c.options.keep.end())
            << s.name << " is kept (--keep)";
        EXPECT_FALSE(c.input.local_data.contains(s.name) && !declared.allow_data_move)
            << s.name << " has local data";
      }
      if (!s.measured) {
        EXPECT_FALSE(s.limits_change() || s.reservations_change()) << s.name;
      }
    }
    if (!advice.placement.fits) {
      EXPECT_TRUE(edits.empty());
      EXPECT_FALSE(advice.has_changes());
      continue;
    }
    ++fits;
    if (!advice.placement.moves.empty()) ++moved;
    if (advice.has_changes()) ++changed;
    EXPECT_EQ(edits.empty(), !advice.has_changes());

    for (const auto& e : edits) ASSERT_EQ(e.file, kFile);
    auto edited = adopt::apply_edits(kFile, c.yaml, edits);
    ASSERT_TRUE(edited) << edited.error().message;
    const config::Loaded again = load(*edited);
    ASSERT_TRUE(again.state) << diagnostics(again.diagnostics) << "edited:\n" << *edited;
    const model::DesiredState& after = *again.state;

    // validate's budget check, as cli/ runs it.
    model::Diagnostics diags;
    const std::vector<model::HostLoad> loads = model::desired_host_loads(after);
    config::check_budgets(after, loads, diags);
    EXPECT_FALSE(diags.has_errors()) << diagnostics(diags) << "edited:\n" << *edited;
    for (const auto& load : loads)
      EXPECT_TRUE(load.fits()) << load.host << "\nedited:\n" << *edited;

    for (const ServiceAdvice& s : advice.services) {
      const model::Service& read = after.services.at(s.name);
      EXPECT_EQ(read.host, s.host_after) << s.name;
      EXPECT_EQ(read.limits, s.sizing.limits) << s.name;
      EXPECT_EQ(read.reservations, s.sizing.reservations) << s.name;
    }
    if (testing::Test::HasFailure()) return;  // the first failing seed is enough to read
  }
  // Not vacuous: the generator makes fitting advice often, with moves.
  EXPECT_GE(fits, 120);
  EXPECT_GE(moved, 50);
  EXPECT_GE(changed, 120);
  std::printf("fits %d of 300, with moves %d, with changes %d\n", fits, moved, changed);
}

}  // namespace
}  // namespace swarmform::advise
