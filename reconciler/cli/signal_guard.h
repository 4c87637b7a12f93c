#pragma once
// Signals as stop requests for commands that change the swarm (apply, the
// agent): the lock is released and the summary says what was done.

#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stop_token>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace swarmform::cli {

/// SIGINT/SIGTERM/SIGHUP (the terminal closed): a stop request instead of
/// death, so the lock is released and the summary says what was done.
/// SIGPIPE is ignored from then on (also at exit, when stdio flushes what is
/// left, so it is never restored): a write to a closed pipe
/// (`apply | head`) fails with EPIPE instead, and apply stops printing and
/// stops as on SIGTERM (apply_flow.cc).  The signals are
/// blocked in every thread (workers inherit the mask) and taken by one
/// watcher with sigtimedwait, so no request in flight ever sees EINTR.  A
/// second SIGINT/SIGTERM ends the process at once, as a user pressing Ctrl-C
/// twice expects; SIGHUP never does (a closed terminal can send it twice:
/// the shell passes its own on, and the kernel sends one when the shell
/// exits), so a hangup always finishes safely.
class SignalGuard {
 public:
  SignalGuard() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
    watcher_ = std::jthread([this](std::stop_token done) {
      const timespec tick{0, 50'000'000};
      while (!done.stop_requested()) {
        int sig = sigtimedwait(&set_, nullptr, &tick);
        if (sig <= 0) continue;
        if (stop_.stop_requested() && sig == SIGHUP) continue;
        if (stop_.stop_requested()) {
          std::cerr << "\nswarmform: second signal: exiting now; the lock may stay (swarmform unlock)\n";
          std::_Exit(128 + sig);
        }
        std::cerr << (sig == SIGHUP ? "\nswarmform: hangup: " : "\nswarmform: interrupted: ")
                  << "starting nothing new; waiting for requests in flight (SIGINT or SIGTERM again to exit at "
                     "once)\n";
        stop_.request_stop();
      }
    });
  }
  ~SignalGuard() {
    watcher_.request_stop();
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  [[nodiscard]] std::stop_token token() const { return stop_.get_token(); }
  [[nodiscard]] bool interrupted() const { return stop_.stop_requested(); }
  /// Waits up to `d` or until a stop is requested; true when stopped.
  template <class Duration>
  bool sleep_for(Duration d) const {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop_.get_token(), d, [] { return false; });
    return stop_.stop_requested();
  }

 private:
  sigset_t set_{};
  sigset_t old_mask_{};
  std::stop_source stop_;
  std::jthread watcher_;
};

}  // namespace swarmform::cli
