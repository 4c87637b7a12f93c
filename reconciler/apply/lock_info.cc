#include "reconciler/apply/lock_info.h"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "reconciler/engine/json_field.h"
#include "reconciler/util/base64.h"
#include "reconciler/util/json_depth.h"
#include "reconciler/util/text_sanitize.h"

namespace swarmform::apply {

using engine::JsonField;

namespace {

std::string user_name() {
  if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
  std::array<char, 1024> buf{};
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return fmt::format("uid{}", getuid());
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "unknown-host";
  return buf.data();
}

}  // namespace

Result<LockInfo> new_lock_info(std::string commit) {
  std::array<unsigned char, 8> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return fail("generating a lock id: OpenSSL RAND_bytes failed");
  }
  LockInfo info;
  for (unsigned char b : bytes) info.id += fmt::format("{:02x}", b);
  info.who = printable(user_name() + "@" + host_name());
  info.pid = getpid();
  info.created = format_rfc3339_utc(std::chrono::system_clock::now());
  info.commit = printable(commit);
  return info;
}

nlohmann::json lock_json(const LockInfo& info) {
  return {{"id", info.id},
          {"who", info.who},
          {"pid", info.pid},
          {"created", info.created},
          {"commit", info.commit}};
}

Result<LockInfo> parse_lock_json(const nlohmann::json& j) {
  JsonField root(&j, "lock");
  if (!j.is_object()) return fail("lock: expected an object");
  LockInfo info;
  SF_TRY_ASSIGN(JsonField id, root.at({"id"}));
  SF_TRY(id.required());
  SF_TRY_ASSIGN(info.id, id.string());
  SF_TRY_ASSIGN(info.who, root.string_at({"who"}));
  SF_TRY_ASSIGN(info.pid, root.int64_at({"pid"}));
  SF_TRY_ASSIGN(info.created, root.string_at({"created"}));
  SF_TRY_ASSIGN(info.commit, root.string_at({"commit"}));
  return info;
}

nlohmann::json lock_config_spec(const LockInfo& info, std::string_view config_name) {
  return {{"Name", config_name},
          {"Labels",
           {{"swarmform.lock.id", info.id},
            {"swarmform.lock.who", info.who},
            {"swarmform.lock.pid", std::to_string(info.pid)},
            {"swarmform.lock.created", info.created},
            {"swarmform.lock.commit", info.commit}}},
          {"Data", base64_encode(lock_json(info).dump())}};
}

Result<LockInfo> lock_from_config(const nlohmann::json& config) {
  JsonField c(&config, "config");
  SF_TRY_ASSIGN(std::string data, c.string_at({"Spec", "Data"}));
  auto bytes = base64_decode(data);
  if (!bytes) return fail("config.Spec.Data: not base64");
  if (!json_depth_within(*bytes)) return fail("config.Spec.Data: JSON nested too deep");
  auto parsed = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return fail("config.Spec.Data: not JSON");
  return parse_lock_json(parsed);
}

std::string format_rfc3339_utc(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<std::chrono::system_clock::time_point> parse_rfc3339_utc(std::string_view text) {
  auto bad = [&] { return fail(fmt::format("\"{}\" is not an RFC 3339 UTC time", text)); };
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  if (text.size() < 20 || text.back() != 'Z') return bad();
  std::string head(text.substr(0, 19));
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest.front() != '.' || rest.size() == 1) return bad();
    for (char ch : rest.substr(1)) {
      if (ch < '0' || ch > '9') return bad();
    }
  }
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(head.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19 || head[4] != '-' || head[7] != '-' || head[10] != 'T') {
    return bad();
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return bad();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string format_age(std::chrono::seconds age) {
  int64_t s = std::max<int64_t>(0, age.count());
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  return fmt::format("{}d{:02}h", s / 86400, s % 86400 / 3600);
}

HolderState holder_state(const LockInfo& holder) {
  auto at = holder.who.rfind('@');
  if (at == std::string::npos || holder.who.substr(at + 1) != host_name() || holder.pid <= 0) {
    return HolderState::elsewhere;
  }
  if (holder.pid == getpid()) return HolderState::running_here;
  if (kill(static_cast<pid_t>(holder.pid), 0) == 0 || errno == EPERM) return HolderState::running_here;
  return HolderState::gone_here;
}

std::string lock_held_message(const LockInfo& holder, std::chrono::system_clock::time_point now,
                              HolderState state) {
  std::string age = "unknown age";
  if (auto created = parse_rfc3339_utc(holder.created)) {
    age = format_age(std::chrono::duration_cast<std::chrono::seconds>(now - *created)) + " ago";
  }
  std::string commit =
      holder.commit.empty() ? "" : fmt::format(", commit {}", printable(holder.commit));
  std::string head = fmt::format(
      "another apply holds the lock on this swarm: lock {} taken by {} (pid {}) {} ({}){}",
      printable(holder.id), holder.who.empty() ? "(unknown)" : printable(holder.who), holder.pid,
      age, printable(holder.created), commit);
  if (state == HolderState::gone_here) {
    return fmt::format(
        "{}. The holder is gone (no process {} on this host: that apply died without releasing "
        "the lock): run `swarmform unlock {}`",
        head, holder.pid, printable(holder.id));
  }
  return fmt::format(
      "{}. If that apply is no longer running, remove the lock with: swarmform unlock {}", head,
      printable(holder.id));
}

}  // namespace swarmform::apply
