#include "reconciler/plan/plan.h"

#include <algorithm>
#include <array>
#include <utility>

namespace swarmform::plan {
namespace {

constexpr std::array<std::pair<Action, std::string_view>, 4> kActions{{
    {Action::noop, "no-op"},
    {Action::create, "create"},
    {Action::update, "update"},
    {Action::remove, "delete"},
}};

constexpr std::array<std::pair<Drift, std::string_view>, 4> kDrifts{{
    {Drift::none, "none"},
    {Drift::changed_outside, "changed_outside"},
    {Drift::changed_in_git, "changed_in_git"},
    {Drift::both, "both"},
}};

constexpr std::array<std::pair<DesiredChange::Kind, std::string_view>, 3> kKinds{{
    {DesiredChange::Kind::added, "added"},
    {DesiredChange::Kind::removed, "removed"},
    {DesiredChange::Kind::changed, "changed"},
}};

}  // namespace

std::string_view action_name(Action a) {
  for (const auto& [action, name] : kActions) {
    if (action == a) return name;
  }
  return "no-op";
}

char action_symbol(Action a) {
  switch (a) {
    case Action::create:
      return '+';
    case Action::update:
      return '~';
    case Action::remove:
      return '-';
    case Action::noop:
      break;
  }
  return ' ';
}

std::optional<Action> parse_action(std::string_view name) {
  for (const auto& [action, n] : kActions) {
    if (n == name) return action;
  }
  return std::nullopt;
}

std::string_view drift_name(Drift d) {
  for (const auto& [drift, name] : kDrifts) {
    if (drift == d) return name;
  }
  return "none";
}

std::optional<Drift> parse_drift(std::string_view name) {
  for (const auto& [drift, n] : kDrifts) {
    if (n == name) return drift;
  }
  return std::nullopt;
}

std::string_view desired_change_kind_name(DesiredChange::Kind k) {
  for (const auto& [kind, name] : kKinds) {
    if (kind == k) return name;
  }
  return "changed";
}

std::optional<DesiredChange::Kind> parse_desired_change_kind(std::string_view name) {
  for (const auto& [kind, n] : kKinds) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

size_t Plan::count(Action a) const {
  return static_cast<size_t>(std::count_if(services.begin(), services.end(),
                                           [a](const ServiceChange& s) { return s.action == a; }));
}

size_t Plan::restarting() const {
  return static_cast<size_t>(std::count_if(
      services.begin(), services.end(), [](const ServiceChange& s) { return s.restarts_tasks; }));
}

size_t Plan::count(model::Severity sev) const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [sev](const Finding& f) { return f.severity == sev; }));
}

bool Plan::empty() const {
  return std::none_of(services.begin(), services.end(),
                      [](const ServiceChange& s) { return is_change(s.action); });
}

}  // namespace swarmform::plan
