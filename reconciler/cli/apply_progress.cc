#include "reconciler/cli/apply_progress.h"

#include <algorithm>

#include "reconciler/util/text_sanitize.h"

namespace swarmform::cli {
namespace {

constexpr size_t kBarWidth = 20;
constexpr size_t kWaitingShown = 3;
constexpr const char* kClearLine = "\r\x1b[K";

std::string progress_words(const std::string& service, uint64_t running, uint64_t desired, const std::string& node,
                           int64_t secs) {
  return printable(service) + " " + std::to_string(running) + "/" + std::to_string(desired) +
         (node.empty() ? "" : " on " + printable(node)) + " " + std::to_string(secs) + "s";
}

}  // namespace

ApplyProgress::ApplyProgress(std::ostream& out, bool tty, const plan::Plan& plan) : out_(out), tty_(tty) {
  total_ = plan.services.size() - plan.count(plan::Action::noop);
  for (const auto& c : plan.services) live_names_[c.name] = c.live_name.empty() ? c.name : c.live_name;
}

std::string ApplyProgress::status_line() const {
  size_t filled = total_ == 0 ? kBarWidth : std::min(kBarWidth, finished_ * kBarWidth / total_);
  std::string s = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '-') + "] " +
                  std::to_string(finished_) + "/" + std::to_string(total_) + " done";
  if (waiting_.empty()) return s;
  s += "  waiting: ";
  size_t shown = 0;
  for (const auto& [name, w] : waiting_) {
    if (shown == kWaitingShown) break;
    s += (shown++ ? ", " : "") + progress_words(name, w.running, w.desired, w.node, w.secs);
  }
  if (waiting_.size() > kWaitingShown) s += ", +" + std::to_string(waiting_.size() - kWaitingShown) + " more";
  return s;
}

void ApplyProgress::redraw() {
  out_ << kClearLine << status_line() << std::flush;
  drawn_ = true;
}

void ApplyProgress::line(const std::string& text) {
  if (!tty_) {
    out_ << printable(text) << std::endl;
    return;
  }
  out_ << kClearLine << printable(text) << "\n";
  redraw();
}

void ApplyProgress::progress(const apply::Progress& p) {
  const int64_t secs = p.elapsed.count() / 1000;
  if (tty_) {
    waiting_[p.service] = {p.running, p.desired, secs, p.node};
    redraw();
    return;
  }
  auto& last = last_printed_[p.service];
  if (last.running == p.running && last.desired == p.desired && secs - last.secs < 10) return;
  last = {p.running, p.desired, secs, p.node};
  std::string text = "  " + printable(p.service) + "  " + std::to_string(p.running) + "/" +
                     std::to_string(p.desired) + " running" + (p.node.empty() ? "" : " on " + printable(p.node)) +
                     "  " + std::to_string(secs) + "s";
  if (!p.messages.empty()) text += "  (" + printable(p.messages.front()) + ")";
  out_ << text << std::endl;
}

void ApplyProgress::finished(const apply::ServiceResult& r) {
  ++finished_;
  auto live = live_names_.find(r.name);
  waiting_.erase(live == live_names_.end() ? r.name : live->second);
  if (tty_) redraw();
}

void ApplyProgress::done() {
  if (tty_ && drawn_) out_ << kClearLine << status_line() << "\n" << std::flush;
  drawn_ = false;
}

apply::Reporter ApplyProgress::reporter() {
  return apply::Reporter{[this](const std::string& text) { line(text); },
                         [this](const apply::Progress& p) { progress(p); },
                         [this](const apply::ServiceResult& r) { finished(r); }};
}

}  // namespace swarmform::cli
