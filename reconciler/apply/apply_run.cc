#include "reconciler/apply/apply_run.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "reconciler/apply/applied_labels.h"
#include "reconciler/apply/convergence_target.h"
#include "reconciler/apply/rollback.h"
#include "reconciler/apply/service_update.h"
#include "reconciler/apply/stale_check.h"
#include "reconciler/engine/spec_create.h"
#include "reconciler/model/owned_fields.h"
#include "reconciler/model/quantity.h"

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
  ServiceResult r{c.name, c.action, Outcome::failed, ""};
  ConvergenceOptions wait;
  wait.timeout = options.timeout;
  wait.stop = options.stop;
  const engine::Labels labels = applied_labels(plan, c);
  const model::OwnedFields& desired = c.desired;

  nlohmann::json service;
  bool posted = true;  // false only for an update the engine already held
  if (plan::removes(c.action)) {
    const model::LiveService* s = find_live(live, c.live_id);
    auto done = delete_service(client, c.live_id, s ? model::owned_fields_of(*s) : model::OwnedFields{});
    if (!done) {
      r.detail = done.error().message;
      return r;
    }
    r.outcome = Outcome::applied;
    r.changed = true;
    report.line("- " + c.name + ": deleted");
    return r;
  }
  if (plan::creates(c.action)) {
    auto created = create_service(client, engine::create_spec(*c.create, c.live_name, desired), labels);
    if (!created) {
      r.detail = created.error().message;
      return r;
    }
    service = *created;
    r.changed = true;
    report.line("+ " + c.name + ": created");
  } else {
    const model::LiveService* s = find_live(live, c.live_id);
    if (s == nullptr) {
      r.detail = c.name + ": not in the swarm any more";
      return r;
    }
    // Guard only what this change writes: an undeclared field (replicas
    // scaled by someone else) is not ours to defend.
    const model::OwnedFields before = model::only_owned_by(model::owned_fields_of(*s), desired);
    auto updated = update_service(client, c.live_id, before, desired, labels);
    if (!updated) {
      r.detail = updated.error().message;
      return r;
    }
    service = updated->service;
    posted = updated->posted;
    r.changed = posted;
    report.line("~ " + c.name + (posted ? ": updated" : ": already as planned, nothing posted") +
                (updated->attempts > 1 ? " (after " + std::to_string(updated->attempts - 1) + " version retries)" : ""));
  }

  auto target = convergence_target(service);
  if (!target) {
    r.detail = target.error().message;
    return r;
  }
  auto converged = wait_for_convergence(client, *target, wait, report.progress());
  if (converged) {
    r.outcome = Outcome::applied;
    report.line("  " + c.name + ": converged, " + std::to_string(converged->running) + " running (" +
                std::to_string(converged->elapsed.count() / 1000) + "s)");
    return r;
  }
  r.detail = converged.error().message;
  if (options.stop.stop_requested() && r.detail.find("stopped") != std::string::npos) {
    r.outcome = Outcome::interrupted;
    return r;
  }
  // Changed by someone else while we waited: theirs is the newer word, not rolled back over.
  bool theirs = converged.error().kind == ErrorKind::conflict;
  if (theirs) {
    r.detail += "; left as they made it, not rolled back";
    r.changed = false;  // the swarm holds their spec, not ours
  }
  report.line("! " + c.name + ": " + r.detail);
  // Roll back only what this run posted: PreviousSpec is otherwise somebody else's.
  if (theirs || !options.rollback_on_failure || !plan::updates(c.action) || !posted) return r;
  report.line("  " + c.name + ": rolling back to its previous spec");
  ConvergenceOptions back = wait;
  back.stop = {};  // a rollback in progress is always waited for
  auto rolled = rollback(client, c.live_id, desired, back, report.progress());
  if (rolled) {
    r.outcome = Outcome::rolled_back;
    r.changed = false;
    std::string back_to = "rolled back: previous spec restored, " + std::to_string(rolled->converged.running) +
                          " running after " + std::to_string(rolled->converged.elapsed.count() / 1000) + "s";
    r.detail += "; " + back_to;
    report.line("  " + c.name + ": " + back_to);
  } else {
    r.detail += "; rollback failed: " + rolled.error().message;
  }
  return r;
}

}  // namespace

bool releases_capacity(const plan::ServiceChange& c, const model::LiveService* live) {
  if (plan::removes(c.action)) return true;
  if (plan::creates(c.action) || live == nullptr || c.from_host != c.to_host) return false;
  const auto& d = c.desired;
  uint64_t tasks_before = live->replicas.value_or(1);
  uint64_t tasks_after = d.replicas.value_or(tasks_before);
  // Exact comparisons of per-task value x tasks, in model's checked arithmetic.
  auto at_most = [&](int64_t after, int64_t before) {
    return model::product_at_most(tasks_after, after, tasks_before, before);
  };
  // A limit of 0 is "no limit": going from a limit to none releases nothing.
  bool limit_removed = (d.limits.nano_cpus == 0 && live->limits.nano_cpus != 0) ||
                       (d.limits.memory_bytes == 0 && live->limits.memory_bytes != 0);
  return !limit_removed && at_most(d.limits.nano_cpus.value_or(live->limits.nano_cpus), live->limits.nano_cpus) &&
         at_most(d.limits.memory_bytes.value_or(live->limits.memory_bytes), live->limits.memory_bytes) &&
         at_most(d.reservations.nano_cpus.value_or(live->reservations.nano_cpus), live->reservations.nano_cpus) &&
         at_most(d.reservations.memory_bytes.value_or(live->reservations.memory_bytes),
                 live->reservations.memory_bytes);
}

std::vector<ServiceResult> run_apply(const plan::Plan& plan, const model::LiveState& live,
                                     const ClientFactory& connect, const ApplyOptions& options,
                                     const Reporter& reporter) {
  SafeReporter report(reporter);
  std::vector<ServiceResult> results;
  std::vector<const plan::ServiceChange*> changes;
  std::vector<size_t> waves[3];  // releases, moves, the rest
  for (const plan::ServiceChange& c : plan.services) {
    if (!plan::is_change(c.action)) continue;
    size_t index = results.size();
    results.push_back({c.name, c.action, Outcome::not_started, "", false});
    changes.push_back(&c);
    int wave = releases_capacity(c, find_live(live, c.live_id)) ? 0
               : (plan::updates(c.action) && c.from_host != c.to_host) ? 1
                                                                        : 2;
    waves[wave].push_back(index);
  }

  std::set<std::string> unreleased;  // hosts where a releasing change failed
  for (int w = 0; w < 3; ++w) {
    std::vector<size_t> wave;
    for (size_t index : waves[w]) {
      const plan::ServiceChange& c = *changes[index];
      if (w > 0 && !c.to_host.empty() && unreleased.contains(c.to_host)) {
        results[index].detail = "not started: an earlier change that frees capacity on " + c.to_host + " failed";
        report.line("  " + c.name + ": " + results[index].detail);
        continue;
      }
      wave.push_back(index);
    }
    if (wave.empty() || options.stop.stop_requested()) continue;
    if (options.before_wave && !options.before_wave()) break;
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
            results[index] = apply_one(*client, plan, *changes[index], live, options, report);
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
    if (w == 0) {
      for (size_t index : wave) {
        const plan::ServiceChange& c = *changes[index];
        bool ok = results[index].outcome == Outcome::applied;
        if (!ok && !c.from_host.empty()) unreleased.insert(c.from_host);
      }
    }
  }
  return results;
}

}  // namespace swarmform::apply
