// The YAML editor on the example desired states: many random edits of
// services' replicas, host, limits and reservations and of hosts' capacity
// (declared keys and missing ones), then the edited files loaded with the real
// loader must give exactly the values set and every other value unchanged;
// and each edit must leave every line it did not edit as it was, in order.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "reconciler/config/loader.h"
#include "reconciler/config/yaml_edit.h"
#include "reconciler/model/quantity.h"

namespace swarmform::config {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kSeed = 20261201;
constexpr int kTrialsPerExample = 30;

std::vector<model::SourceFile> read_example(const std::string& dir) {
  std::vector<model::SourceFile> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SWARMFORM_SOURCE_DIR) / "examples" / dir)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    files.push_back({entry.path().filename().string(), bytes.str()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

std::string crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string diagnostics(const Loaded& l) {
  std::string out;
  for (const auto& d : l.diagnostics.items()) out += model::format_diagnostic(d) + "\n";
  return out;
}

void expect_same_service(const model::Service& want, const model::Service& got, const std::string& why) {
  SCOPED_TRACE(why + " service " + want.name);
  EXPECT_EQ(got.match, want.match);
  EXPECT_EQ(got.host, want.host);
  EXPECT_EQ(got.replicas, want.replicas);
  EXPECT_EQ(got.mode, want.mode);
  EXPECT_EQ(got.limits, want.limits);
  EXPECT_EQ(got.reservations, want.reservations);
  EXPECT_EQ(got.allow_data_move, want.allow_data_move);
  EXPECT_EQ(got.image, want.image);
  EXPECT_EQ(got.command, want.command);
  EXPECT_EQ(got.env, want.env);
  EXPECT_EQ(got.labels, want.labels);
  ASSERT_EQ(got.ports.size(), want.ports.size());
  for (size_t i = 0; i < want.ports.size(); ++i) {
    EXPECT_EQ(got.ports[i].published, want.ports[i].published);
    EXPECT_EQ(got.ports[i].target, want.ports[i].target);
    EXPECT_EQ(got.ports[i].protocol, want.ports[i].protocol);
  }
  EXPECT_EQ(got.where.file, want.where.file);
}

void expect_same_host(const model::Host& want, const model::Host& got, const std::string& why) {
  SCOPED_TRACE(why + " host " + want.name);
  EXPECT_EQ(got.ssh.user, want.ssh.user);
  EXPECT_EQ(got.ssh.address, want.ssh.address);
  EXPECT_EQ(got.ssh.port, want.ssh.port);
  EXPECT_EQ(got.identity, want.identity);
  EXPECT_EQ(got.node, want.node);
  EXPECT_EQ(got.docker_socket, want.docker_socket);
  EXPECT_EQ(got.transport, want.transport);
  EXPECT_EQ(got.capacity.nano_cpus, want.capacity.nano_cpus);
  EXPECT_EQ(got.capacity.memory_bytes, want.capacity.memory_bytes);
  EXPECT_EQ(got.cpu_overcommit, want.cpu_overcommit);
  EXPECT_EQ(got.memory_overcommit, want.memory_overcommit);
  EXPECT_EQ(got.where.file, want.where.file);
}

/// One random edit: the path, the value, and the model changed to match.
struct Edit {
  std::string file;
  YamlPath path;
  std::string value;
  size_t missing = 0;  ///< how many keys of the path the file did not have
};

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& from) {
  return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
}

/// Picks an edit the loader will accept (reservations within limits), and
/// applies it to `want`.  False when the edit drawn does not fit; draw again.
bool random_edit(std::mt19937& rng, model::DesiredState& want, Edit& edit) {
  static const std::vector<std::string> kLimitCpus{"1", "1.5", "2", "3", "2500m"};
  static const std::vector<std::string> kReservationCpus{"0.05", "0.1", "0.25", "100m"};
  static const std::vector<std::string> kLimitMemory{"512MiB", "768MiB", "1GiB", "2GiB", "1536M"};
  static const std::vector<std::string> kReservationMemory{"16MiB", "32MiB", "64MiB", "128MiB"};
  static const std::vector<std::string> kCapacityCpus{"1", "2", "4", "8"};
  static const std::vector<std::string> kCapacityMemory{"4GiB", "8GiB", "16GiB", "24683620KiB"};
  std::vector<std::string> services;
  for (const auto& [name, s] : want.services) services.push_back(name);
  std::vector<std::string> hosts;
  for (const auto& [name, h] : want.hosts) hosts.push_back(name);

  const int what = std::uniform_int_distribution<int>(0, 7)(rng);
  if (what == 7) {
    model::Host& h = want.hosts.at(pick(rng, hosts));
    edit.file = h.where.file;
    const bool cpus = std::uniform_int_distribution<int>(0, 1)(rng) == 0;
    edit.value = pick(rng, cpus ? kCapacityCpus : kCapacityMemory);
    edit.path = {"hosts", h.name, "capacity", cpus ? "cpus" : "memory"};
    if (cpus) h.capacity.nano_cpus = *model::parse_nano_cpus(edit.value);
    else h.capacity.memory_bytes = *model::parse_memory_bytes(edit.value);
    return true;
  }
  model::Service& s = want.services.at(pick(rng, services));
  edit.file = s.where.file;
  switch (what) {
    case 0: {
      edit.path = {"services", s.name, "replicas"};
      const uint64_t n = std::uniform_int_distribution<uint64_t>(0, 5)(rng);
      edit.value = std::to_string(n);
      edit.missing = s.replicas ? 0 : 1;
      s.replicas = n;
      return true;
    }
    case 1: {
      edit.path = {"services", s.name, "host"};
      edit.value = pick(rng, hosts);
      s.host = edit.value;
      return true;
    }
    case 2:
    case 3: {
      const bool cpus = what == 2;
      edit.path = {"services", s.name, "limits", cpus ? "cpus" : "memory"};
      edit.value = pick(rng, cpus ? kLimitCpus : kLimitMemory);
      auto& field = cpus ? s.limits.nano_cpus : s.limits.memory_bytes;
      const auto reserved = cpus ? s.reservations.nano_cpus : s.reservations.memory_bytes;
      const int64_t v = cpus ? *model::parse_nano_cpus(edit.value) : *model::parse_memory_bytes(edit.value);
      if (reserved && *reserved > v) return false;
      edit.missing = field ? 0 : s.limits == model::ResourceSpec{} ? 2 : 1;
      field = v;
      return true;
    }
    default: {
      const bool cpus = what == 4 || what == 5;
      edit.path = {"services", s.name, "reservations", cpus ? "cpus" : "memory"};
      edit.value = pick(rng, cpus ? kReservationCpus : kReservationMemory);
      auto& field = cpus ? s.reservations.nano_cpus : s.reservations.memory_bytes;
      const auto limit = cpus ? s.limits.nano_cpus : s.limits.memory_bytes;
      const int64_t v = cpus ? *model::parse_nano_cpus(edit.value) : *model::parse_memory_bytes(edit.value);
      if (limit && *limit < v) return false;
      edit.missing = field ? 0 : s.reservations == model::ResourceSpec{} ? 2 : 1;
      field = v;
      return true;
    }
  }
}

/// What one edit may do to the lines of the text before it: replacing a
/// declared value changes its one line (to one holding the value); adding a
/// key to a flow map inserts into that one line; adding keys in block style
/// inserts one line per missing key and changes none.  Every other line is
/// kept, in order.  Returns whether a line of `before` changed.
bool expect_local_change(const std::string& before, const std::string& after, const Edit& edit) {
  const auto a = lines_of(before);
  const auto b = lines_of(after);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const size_t changed = a.size() - prefix - suffix;
  const size_t added = b.size() - prefix - suffix;
  if (edit.missing == 0) {
    EXPECT_LE(changed, 1U) << "replacing a value changed more than its line:\n" << after;
    EXPECT_EQ(added, changed) << "replacing a value added lines:\n" << after;
  } else if (changed == 0) {
    EXPECT_EQ(added, edit.missing) << "adding keys in block style added other lines:\n" << after;
  } else {
    EXPECT_EQ(changed, 1U) << "adding to a flow map changed more than its line:\n" << after;
    EXPECT_EQ(added, 1U) << "adding to a flow map added lines:\n" << after;
    if (changed == 1 && added == 1 && b[prefix].size() > a[prefix].size()) {
      // The new line is the old one with text inserted at one place.
      const std::string& old_line = a[prefix];
      const std::string& new_line = b[prefix];
      size_t head = 0;
      while (head < old_line.size() && old_line[head] == new_line[head]) ++head;  // new_line is longer
      EXPECT_EQ(new_line.substr(new_line.size() - (old_line.size() - head)), old_line.substr(head))
          << "adding to a flow map rewrote its line: '" << old_line << "' -> '" << new_line << "'";
    }
  }
  if (added > 0) {
    EXPECT_NE(b[prefix + added - 1].find(edit.value), std::string::npos)
        << "the last line changed does not hold the value:\n" << after;
  }
  return changed > 0;
}

/// The lines of `original` not in the longest common subsequence with `now`.
size_t lines_lost(const std::vector<std::string>& original, const std::vector<std::string>& now) {
  std::vector<std::vector<size_t>> lcs(original.size() + 1, std::vector<size_t>(now.size() + 1, 0));
  for (size_t i = original.size(); i-- > 0;) {
    for (size_t j = now.size(); j-- > 0;) {
      lcs[i][j] = original[i] == now[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  return original.size() - lcs[0][0];
}

void run_example(const std::string& dir, bool use_crlf, unsigned seed) {
  std::vector<model::SourceFile> original = read_example(dir);
  ASSERT_FALSE(original.empty()) << dir;
  if (use_crlf) {
    for (auto& f : original) f.content = crlf(f.content);
  }
  const Loaded loaded = load_desired_state(original, LoadOptions{});
  ASSERT_TRUE(loaded.state) << dir << ":\n" << diagnostics(loaded);

  std::mt19937 rng(seed);
  for (int trial = 0; trial < kTrialsPerExample; ++trial) {
    SCOPED_TRACE("example " + dir + (use_crlf ? " (CRLF)" : "") + ", seed " + std::to_string(seed) + ", trial " +
                 std::to_string(trial));
    model::DesiredState want = *loaded.state;
    std::map<std::string, YamlEditor> editors;
    for (const auto& f : original) editors.emplace(f.name, *YamlEditor::open(f.name, f.content));
    std::map<std::string, size_t> edits_per_file;
    std::string log;
    const int count = std::uniform_int_distribution<int>(1, 12)(rng);
    for (int i = 0; i < count; ++i) {
      Edit edit;
      if (!random_edit(rng, want, edit)) continue;
      log += "  " + edit.file + ": set " + edit.path[0] + "." + edit.path[1] + "." + edit.path[2] +
             (edit.path.size() > 3 ? "." + edit.path[3] : "") + " = " + edit.value + "\n";
      YamlEditor& editor = editors.at(edit.file);
      const std::string before = editor.text();
      auto done = editor.set(edit.path, edit.value);
      ASSERT_TRUE(done) << done.error().message << "\nedits:\n" << log;
      if (expect_local_change(before, editor.text(), edit)) ++edits_per_file[edit.file];
    }
    std::vector<model::SourceFile> edited;
    for (const auto& f : original) {
      const std::string& now = editors.at(f.name).text();
      edited.push_back({f.name, now});
      EXPECT_LE(lines_lost(lines_of(f.content), lines_of(now)), edits_per_file[f.name])
          << f.name << " lost lines it was not asked to edit; edits:\n"
          << log << "now:\n"
          << now;
      EXPECT_EQ(now.ends_with(use_crlf ? "\r\n" : "\n"), f.content.ends_with(use_crlf ? "\r\n" : "\n"));
      if (use_crlf) {
        size_t bare = 0;  // '\n' without '\r' before it
        for (size_t i = 0; i < now.size(); ++i) bare += now[i] == '\n' && (i == 0 || now[i - 1] != '\r');
        EXPECT_EQ(bare, 0U) << f.name << ": a line ends without CRLF\n" << now;
      }
    }
    const Loaded reloaded = load_desired_state(edited, LoadOptions{});
    ASSERT_TRUE(reloaded.state) << diagnostics(reloaded) << "edits:\n" << log;
    const model::DesiredState& got = *reloaded.state;
    ASSERT_EQ(got.services.size(), want.services.size());
    for (const auto& [name, s] : want.services) expect_same_service(s, got.services.at(name), "edits:\n" + log);
    ASSERT_EQ(got.hosts.size(), want.hosts.size());
    for (const auto& [name, h] : want.hosts) expect_same_host(h, got.hosts.at(name), "edits:\n" + log);
    EXPECT_EQ(got.manager, want.manager);
    EXPECT_EQ(got.known_hosts, want.known_hosts);
    EXPECT_EQ(got.policy.cpu_overcommit, want.policy.cpu_overcommit);
    EXPECT_EQ(got.policy.memory_overcommit, want.policy.memory_overcommit);
    EXPECT_EQ(got.policy.unmanaged, want.policy.unmanaged);
    EXPECT_EQ(got.policy.require_limits, want.policy.require_limits);
    EXPECT_EQ(got.policy.prune, want.policy.prune);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(YamlEditProperty, RandomEditsOfTheExamplesReloadToTheValuesSet) {
  unsigned seed = kSeed;
  for (const char* dir : {"kvm", "kvm-balanced", "lab"}) {
    for (bool use_crlf : {false, true}) {
      run_example(dir, use_crlf, seed++);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace swarmform::config
