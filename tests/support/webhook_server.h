#pragma once
// A loopback HTTP server for webhook tests: listens on 127.0.0.1 on a free
// port, records every request (parsed by libhttp-parser), and answers each
// with a fixed status -- or, when silent, never answers (a hung webhook).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace swarmform::testing {

struct ReceivedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
};

class WebhookServer {
 public:
  /// Starts listening at once; `status` 0 means never answer.
  explicit WebhookServer(int status = 200);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT/hook/TOKEN"
  [[nodiscard]] std::string url() const;
  /// The requests received so far.
  [[nodiscard]] std::vector<ReceivedRequest> requests() const;
  /// Waits up to `seconds` for at least `n` requests; true when they came.
  bool wait_for(size_t n, int seconds) const;

 private:
  void serve();
  void handle(int fd);

  int status_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> held_;  ///< silent mode: connections kept open, unanswered
  std::thread thread_;
};

}  // namespace swarmform::testing
