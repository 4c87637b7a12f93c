#include "reconciler/engine/usage_reader.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

#include "reconciler/engine/json_field.h"
#include "reconciler/engine/query.h"

namespace swarmform::engine {
namespace {

constexpr std::string_view kServiceLabel = "com.docker.swarm.service.name";
constexpr std::string_view kTaskLabel = "com.docker.swarm.task.id";
constexpr std::string_view kNodeLabel = "com.docker.swarm.node.id";
/// Go's zero time.Time, which the engine sends as "read" for a container
/// that is not running.
constexpr std::string_view kZeroTime = "0001-01-01T00:00:00Z";
/// At most this many connections to one engine read stats at once.  On the
/// lab (80 containers on one engine, over SSH): 64 took two rounds, 2.3 s a
/// reading; 128, one round, 1.4 s.  Opening them costs the first reading
/// ~25 ms each on the lab (a busy 2-core machine).
constexpr std::size_t kStatsConnections = 128;

/// Days from 1970-01-01 to the civil date (proleptic Gregorian; H. Hinnant's
/// days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Reads `n` digits at `at` into *out; false when they are not all digits.
bool digits(std::string_view s, std::size_t at, std::size_t n, int64_t* out) {
  if (at + n > s.size()) return false;
  int64_t v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

/// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" (RFC 3339, as Go's
/// RFC3339Nano writes it: up to 9 fraction digits) as ns since the epoch.
/// Fails on anything else, and on times int64 nanoseconds cannot hold
/// (before 1677 or after 2262).
Result<int64_t> parse_rfc3339_ns(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return fail(fmt::format("\"{}\" is not an RFC 3339 time ({})", text, why));
  };
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, &hour) || text[13] != ':' ||
      !digits(text, 14, 2, &minute) || text[16] != ':' || !digits(text, 17, 2, &second)) {
    return bad("expected YYYY-MM-DDTHH:MM:SS");
  }
  constexpr std::array<int64_t, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return bad("no such month");
  const int64_t month_days = kDays[static_cast<std::size_t>(month - 1)] + (month == 2 && leap(year) ? 1 : 0);
  if (day < 1 || day > month_days) return bad("no such day");
  if (hour > 23 || minute > 59 || second > 59) return bad("no such time of day");
  std::size_t at = 19;
  int64_t fraction_ns = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    int64_t scale = 100'000'000;
    std::size_t n = 0;
    for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++n) {
      if (n == 9) return bad("more than 9 fraction digits");
      fraction_ns += (text[at] - '0') * scale;
      scale /= 10;
    }
    if (n == 0) return bad("no digits after the decimal point");
  }
  int64_t offset_s = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int64_t oh = 0, om = 0;
    if (!digits(text, at + 1, 2, &oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, &om) || oh > 23 || om > 59) {
      return bad("bad time zone offset");
    }
    offset_s = (oh * 3600 + om * 60) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return bad("no time zone");
  }
  if (at != text.size()) return bad("text after the time");
  // Years 0000-9999: the seconds fit int64 with room to spare.
  const int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1'000'000'000 - 1;
  if (seconds < -kMaxSeconds || seconds > kMaxSeconds) {
    return bad("too far from 1970 for int64 nanoseconds");
  }
  return seconds * 1'000'000'000 + fraction_ns;
}

Result<model::ContainerSample> container_sample_from_json(const nlohmann::json& container_summary,
                                                          const nlohmann::json& stats) {
  model::ContainerSample s;
  JsonField container(&container_summary, "container");
  SF_TRY_ASSIGN(JsonField id_field, container.at({"Id"}));
  SF_TRY(id_field.required());
  SF_TRY_ASSIGN(s.container_id, id_field.string());
  const std::string who = "container " + s.container_id.substr(0, 12);
  auto sample = [&]() -> Result<model::ContainerSample> {
    SF_TRY_ASSIGN(JsonField labels, container.at({"Labels"}));
    SF_TRY_ASSIGN(JsonField service, labels.at({kServiceLabel}));
    SF_TRY(service.required());
    SF_TRY_ASSIGN(s.service, service.string());
    SF_TRY_ASSIGN(s.task_id, labels.string_at({kTaskLabel}));
    SF_TRY_ASSIGN(s.node_id, labels.string_at({kNodeLabel}));

    JsonField root(&stats, "stats");
    if (!root.present() || !root.json().is_object()) {
      return fail("stats: expected an object");
    }
    SF_TRY_ASSIGN(std::string stats_id, root.string_at({"id"}));
    if (!stats_id.empty() && stats_id != s.container_id) {
      return fail(fmt::format("stats.id: \"{}\" is not the listed container", stats_id));
    }
    SF_TRY_ASSIGN(JsonField read, root.at({"read"}));
    SF_TRY(read.required());
    SF_TRY_ASSIGN(std::string read_text, read.string());
    if (read_text == kZeroTime) {
      return fail("the container is not running (its stats have no \"read\" time)",
                  ErrorKind::not_found);
    }
    auto read_at = parse_rfc3339_ns(read_text);
    if (!read_at) return fail(read.path() + ": " + read_at.error().message);
    s.read_at_ns = *read_at;

    SF_TRY_ASSIGN(JsonField total, root.at({"cpu_stats", "cpu_usage", "total_usage"}));
    SF_TRY(total.required());
    SF_TRY_ASSIGN(s.cpu_total_ns, total.uint64());
    SF_TRY_ASSIGN(JsonField throttling, root.at({"cpu_stats", "throttling_data"}));
    SF_TRY_ASSIGN(s.periods, throttling.uint64_at({"periods"}));
    SF_TRY_ASSIGN(s.throttled_periods, throttling.uint64_at({"throttled_periods"}));
    SF_TRY_ASSIGN(s.throttled_ns, throttling.uint64_at({"throttled_time"}));

    SF_TRY_ASSIGN(JsonField memory, root.at({"memory_stats"}));
    SF_TRY_ASSIGN(JsonField usage, memory.at({"usage"}));
    SF_TRY_ASSIGN(JsonField memory_stats, memory.at({"stats"}));
    if (usage.present()) {
      SF_TRY_ASSIGN(uint64_t used, usage.uint64());
      // cgroup v1 reports the page cache as "cache"; v2 has no "cache" and
      // its reclaimable part is "inactive_file".
      SF_TRY_ASSIGN(JsonField cache, memory_stats.at({"cache"}));
      SF_TRY_ASSIGN(JsonField inactive, memory_stats.at({"inactive_file"}));
      SF_TRY_ASSIGN(uint64_t page_cache, cache.present() ? cache.uint64() : inactive.uint64());
      s.memory_used_bytes = used > page_cache ? used - page_cache : 0;
    }
    SF_TRY_ASSIGN(JsonField oom, memory_stats.at({"oom_kill"}));
    if (oom.present()) {
      SF_TRY_ASSIGN(uint64_t kills, oom.uint64());
      s.oom_kills = kills;
    }
    return s;
  }();
  if (!sample) return fail(sample.error().wrap(who));
  return sample;
}

Result<std::vector<model::ContainerSample>> read_task_containers(DockerClient& client) {
  auto read = [&]() -> Result<std::vector<model::ContainerSample>> {
    std::vector<model::ContainerSample> samples;
    // Running containers only (the list's default), those of swarm tasks.
    SF_TRY_ASSIGN(nlohmann::json list,
                  client.get_json("/containers/json?" +
                                  filters_query({{"label", {std::string(kServiceLabel)}}})));
    JsonField containers(&list, "containers");
    if (!containers.present() || !containers.json().is_array()) {
      return fail("containers: expected an array");
    }
    SF_TRY_ASSIGN(std::vector<JsonField> entries, containers.elements());
    std::vector<std::string> paths;
    paths.reserve(entries.size());
    for (const JsonField& entry : entries) {
      SF_TRY_ASSIGN(JsonField id_field, entry.at({"Id"}));
      SF_TRY(id_field.required());
      SF_TRY_ASSIGN(std::string id, id_field.string());
      paths.push_back("/containers/" + url_encode(id) + "/stats?stream=false&one-shot=true");
    }
    // All at once: dockerd answers stats from a collector that runs once a
    // second, so one after another N containers would take N seconds.
    std::vector<Result<nlohmann::json>> answers = client.get_json_each(paths, kStatsConnections);
    samples.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Result<nlohmann::json>& stats = answers[i];
      if (!stats && stats.error().kind == ErrorKind::not_found) {
        spdlog::trace("{}: {}: the container went away before its stats: skipped",
                      client.describe(), paths[i]);
        continue;
      }
      if (!stats) return fail(stats.error());
      auto sample = container_sample_from_json(entries[i].json(), *stats);
      if (!sample && sample.error().kind == ErrorKind::not_found) {
        spdlog::trace("{}: {}: skipped", client.describe(), sample.error().message);
        continue;
      }
      if (!sample) return fail(sample.error());
      samples.push_back(std::move(*sample));
    }
    return samples;
  };
  auto samples = read();
  if (!samples) {
    return fail(samples.error().wrap("reading container stats from " + client.describe()));
  }
  return samples;
}

}  // namespace swarmform::engine
