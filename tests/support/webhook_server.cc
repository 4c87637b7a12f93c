#include "support/webhook_server.h"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>

namespace swarmform::testing {
namespace {

struct ParseState {
  ReceivedRequest request;
  std::string header_name;
  bool done = false;
};

int on_url(http_parser* p, const char* at, size_t n) {
  static_cast<ParseState*>(p->data)->request.path.append(at, n);
  return 0;
}
int on_header_field(http_parser* p, const char* at, size_t n) {
  auto* s = static_cast<ParseState*>(p->data);
  s->header_name.assign(at, n);
  for (char& c : s->header_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return 0;
}
int on_header_value(http_parser* p, const char* at, size_t n) {
  auto* s = static_cast<ParseState*>(p->data);
  s->request.headers[s->header_name].append(at, n);
  return 0;
}
int on_body(http_parser* p, const char* at, size_t n) {
  static_cast<ParseState*>(p->data)->request.body.append(at, n);
  return 0;
}
int on_complete(http_parser* p) {
  auto* s = static_cast<ParseState*>(p->data);
  s->request.method = http_method_str(static_cast<http_method>(p->method));
  s->done = true;
  return 0;
}

}  // namespace

WebhookServer::WebhookServer(int status) : status_(status) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

WebhookServer::~WebhookServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
  for (int fd : held_) ::close(fd);
}

std::string WebhookServer::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook/s3cr3t-token"; }

std::vector<ReceivedRequest> WebhookServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool WebhookServer::wait_for(size_t n, int seconds) const {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, std::chrono::seconds(seconds), [&] { return requests_.size() >= n; });
}

void WebhookServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) handle(fd);
  }
}

void WebhookServer::handle(int fd) {
  http_parser_settings settings{};
  settings.on_url = on_url;
  settings.on_header_field = on_header_field;
  settings.on_header_value = on_header_value;
  settings.on_body = on_body;
  settings.on_message_complete = on_complete;
  ParseState state;
  http_parser parser{};
  http_parser_init(&parser, HTTP_REQUEST);
  parser.data = &state;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!state.done && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    http_parser_execute(&parser, &settings, buf, static_cast<size_t>(n));
    if (parser.http_errno != HPE_OK) break;
  }
  if (state.done) {
    std::lock_guard lock(mutex_);
    requests_.push_back(state.request);
    arrived_.notify_all();
  }
  if (status_ == 0) {  // a hung webhook: keep the connection, never answer
    held_.push_back(fd);
    return;
  }
  std::string body = status_ < 300 ? "ok" : "nope";
  std::string answer = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nConnection: close\r\n\r\n" + body;
  (void)::write(fd, answer.data(), answer.size());
  ::close(fd);
}

}  // namespace swarmform::testing
