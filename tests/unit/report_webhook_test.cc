// Posting the drift report to a webhook: a real HTTP exchange with a
// loopback server; a refusing, failing and hanging webhook.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reconciler/report/webhook.h"
#include "support/webhook_server.h"

namespace swarmform::report {
namespace {

using namespace std::chrono_literals;

TEST(Webhook, PostsTheJsonBody) {
  testing::WebhookServer server(200);
  auto sent = post_json(server.url(), R"({"status":"drift"})", 5s);
  ASSERT_TRUE(sent) << sent.error().message;
  auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/hook/s3cr3t-token");
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  EXPECT_EQ(got[0].body, R"({"status":"drift"})");
}

TEST(Webhook, AnErrorStatusIsReportedWithoutTheSecretPath) {
  testing::WebhookServer server(500);
  auto sent = post_json(server.url(), "{}", 5s);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("HTTP 500"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("s3cr3t"), std::string::npos) << sent.error().message;
}

TEST(Webhook, AHungServerTimesOut) {
  testing::WebhookServer server(0);
  auto sent = post_json(server.url(), "{}", 500ms);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, ErrorKind::timeout);
  EXPECT_NE(sent.error().message.find("no answer within 500 ms"), std::string::npos) << sent.error().message;
}

TEST(Webhook, NobodyListening) {
  // A port that was free a moment ago: bind, read the port, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  auto sent = post_json("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x", "{}", 2s);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("notify http://127.0.0.1:"), std::string::npos) << sent.error().message;
}

TEST(Webhook, OnlyHttpAndHttpsSpelledOut) {
  testing::WebhookServer server(200);
  for (const std::string& url : {std::string("file:///etc/passwd"),
                                 "127.0.0.1:" + std::to_string(server.port()) + "/hook/s3cr3t-token"}) {
    auto sent = post_json(url, "{}", 1s);
    ASSERT_FALSE(sent) << url;
    EXPECT_NE(sent.error().message.find("must start with https://"), std::string::npos) << sent.error().message;
  }
  EXPECT_TRUE(server.requests().empty());  // a scheme-less URL is not guessed as plain http
}

TEST(Webhook, CredentialsInTheUrlAreNotShown) {
  testing::WebhookServer server(401);
  auto sent = post_json("http://bot:hunter2@127.0.0.1:" + std::to_string(server.port()) + "/hook?token=s3cr3t", "{}",
                        5s);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("notify http://127.0.0.1:"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("hunter2"), std::string::npos) << sent.error().message;
  EXPECT_EQ(sent.error().message.find("s3cr3t"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace swarmform::report
