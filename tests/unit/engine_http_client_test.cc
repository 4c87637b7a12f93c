#include <gtest/gtest.h>

#include <string>

#include "reconciler/engine/http_client.h"
#include "support/fake_stream.h"

namespace swarmform::engine {
namespace {

using swarmform::testing::FakeConnection;
using swarmform::testing::FakeServer;
using swarmform::testing::split_at;

const std::string kChunked =
    "HTTP/1.1 200 OK\r\n"
    "Api-Version: 1.41\r\n"
    "Content-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5\r\n[{\"a\"\r\n"
    "a\r\n:1},{\"b\":2\r\n"
    "2\r\n}]\r\n"
    "0\r\n"
    "\r\n";
const std::string kChunkedBody = R"([{"a":1},{"b":2}])";

const std::string kSized =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 17\r\n"
    "\r\n"
    "[{\"a\":1},{\"b\":2}]";

std::string ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

Result<Response> get_once(const std::vector<std::string>& fragments) {
  FakeServer server;
  server.connection(FakeConnection{{fragments}});
  HttpClient client(server.dialer());
  return client.request("GET", "/v1.41/services");
}

TEST(HttpClient, ChunkedBodySplitAtEveryByteBoundary) {
  for (std::size_t at = 1; at < kChunked.size(); ++at) {
    auto r = get_once(split_at(kChunked, {at}));
    ASSERT_TRUE(r) << "split at " << at << ": " << r.error().message;
    EXPECT_EQ(r->status, 200) << "split at " << at;
    EXPECT_EQ(r->body, kChunkedBody) << "split at " << at;
  }
}

TEST(HttpClient, ChunkedBodyOneByteAtATime) {
  std::vector<std::size_t> every;
  for (std::size_t at = 1; at < kChunked.size(); ++at) every.push_back(at);
  auto r = get_once(split_at(kChunked, every));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, kChunkedBody);
}

TEST(HttpClient, ContentLengthBodySplitAtEveryByteBoundary) {
  for (std::size_t at = 1; at < kSized.size(); ++at) {
    auto r = get_once(split_at(kSized, {at}));
    ASSERT_TRUE(r) << "split at " << at << ": " << r.error().message;
    EXPECT_EQ(r->body, kChunkedBody) << "split at " << at;
  }
}

TEST(HttpClient, HeaderLookupIgnoresCase) {
  auto r = get_once({kChunked});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->headers.get("api-version"), "1.41");
  EXPECT_EQ(r->headers.get("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(r->headers.get("X-Missing"));
}

TEST(HttpClient, SendsHostUserAgentAndJsonBody) {
  FakeServer server;
  server.connection_with({ok("{}")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(
      client.request("POST", "/v1.41/services/create", std::string_view(R"({"Name":"x"})")));
  ASSERT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(server.requests()[0],
            "POST /v1.41/services/create HTTP/1.1\r\n"
            "Host: docker\r\n"
            "User-Agent: swarmform/" SWARMFORM_VERSION
            "\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 12\r\n"
            "\r\n"
            R"({"Name":"x"})");
}

TEST(HttpClient, TwoRequestsOverOneKeptAliveStreamUseOneDial) {
  FakeServer server;
  server.connection_with({kChunked, ok("second")});
  HttpClient client(server.dialer());
  auto first = client.request("GET", "/a");
  auto second = client.request("GET", "/b");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(first->body, kChunkedBody);
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(server.dials(), 1);
}

TEST(HttpClient, ServerClosedKeepAliveIsRedialedOnceAndResent) {
  FakeServer server;
  server.connection_with({ok("first")});  // then EOF: the engine closed the idle connection
  server.connection_with({ok("second")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(client.request("GET", "/a"));
  auto second = client.request("GET", "/b");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(server.dials(), 2);
  ASSERT_EQ(server.requests().size(), 3U);
  EXPECT_EQ(server.requests()[1], server.requests()[2]);
}

TEST(HttpClient, FailedWriteOnKeptAliveStreamIsRedialedOnce) {
  FakeServer server;
  server.connection(FakeConnection{{{ok("first")}}, 1});
  server.connection_with({ok("second")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(client.request("GET", "/a"));
  auto second = client.request("GET", "/b");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(server.dials(), 2);
}

TEST(HttpClient, RedialsOnlyOnce) {
  FakeServer server;
  server.connection_with({ok("first")});
  server.connection_with({});  // the fresh connection closes too
  server.connection_with({ok("never")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(client.request("GET", "/a"));
  auto second = client.request("GET", "/b");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, "no response from fake engine #2 (connection closed)");
  EXPECT_EQ(server.dials(), 2);
}

TEST(HttpClient, FreshConnectionClosedIsNotRetried) {
  FakeServer server;
  server.connection_with({});
  server.connection_with({ok("never")});
  HttpClient client(server.dialer());
  auto r = client.request("GET", "/a");
  ASSERT_FALSE(r);
  EXPECT_EQ(server.dials(), 1);
}

TEST(HttpClient, ConnectionCloseHeaderMakesTheNextRequestDialAfresh) {
  FakeServer server;
  server.connection_with({"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx"});
  server.connection_with({ok("y")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(client.request("GET", "/a"));
  auto second = client.request("GET", "/b");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(server.dials(), 2);
  EXPECT_EQ(server.requests().size(), 2U);
}

TEST(HttpClient, BodyUntilCloseIsComplete) {
  auto r = get_once({"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "all of it");
}

TEST(HttpClient, NoContentResponseHasEmptyBody) {
  FakeServer server;
  server.connection_with({"HTTP/1.1 204 No Content\r\n\r\n", ok("next")});
  HttpClient client(server.dialer());
  auto r = client.request("DELETE", "/v1.41/services/x");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->body, "");
  ASSERT_TRUE(client.request("GET", "/b"));
  EXPECT_EQ(server.dials(), 1);
}

TEST(HttpClient, TruncatedHeadersAreAnError) {
  auto r = get_once({"HTTP/1.1 200 OK\r\nContent-Le"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "truncated response from fake engine #1");
}

TEST(HttpClient, TruncatedContentLengthBodyIsAnError) {
  auto r = get_once({kSized.substr(0, kSized.size() - 3)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "truncated response from fake engine #1");
}

TEST(HttpClient, TruncatedChunkedBodyIsAnError) {
  for (std::size_t cut : {kChunked.size() - 1, kChunked.size() - 5, kChunked.size() - 12}) {
    auto r = get_once({kChunked.substr(0, cut)});
    ASSERT_FALSE(r) << "cut at " << cut;
    EXPECT_EQ(r.error().message, "truncated response from fake engine #1") << "cut at " << cut;
  }
}

TEST(HttpClient, TruncatedResponseOnReusedConnectionIsNotRetried) {
  FakeServer server;
  FakeConnection c;
  c.responses = {{ok("first")}, {kSized.substr(0, 30)}};
  server.connection(c);
  server.connection_with({ok("never")});
  HttpClient client(server.dialer());
  ASSERT_TRUE(client.request("GET", "/a"));
  auto r = client.request("GET", "/b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "truncated response from fake engine #1");
  EXPECT_EQ(server.dials(), 1);
}

TEST(HttpClient, OversizedHeadersAreAnError) {
  std::string big = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 70; ++i)
    big += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'x') + "\r\n";
  big += "Content-Length: 0\r\n\r\n";
  auto r = get_once({big});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "oversized response headers (over 65536 bytes) from fake engine #1");
}

TEST(HttpClient, HeadersJustUnderTheLimitAreAccepted) {
  std::string big = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 60; ++i)
    big += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'x') + "\r\n";
  big += "Content-Length: 0\r\n\r\n";
  auto r = get_once({big});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->headers.get("x-filler-59")->size(), 1000U);
}

TEST(HttpClient, DeclaredOversizedBodyIsRefusedBeforeReadingIt) {
  auto r = get_once({"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\nabc"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "oversized response body (over 268435456 bytes) from fake engine #1");
}

TEST(HttpClient, ChunkedBodyOverTheLimitIsAnError) {
  FakeServer server;
  server.connection_with({kChunked});
  HttpClient client(server.dialer(), HttpLimits{64 * 1024, 10});
  auto r = client.request("GET", "/a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "oversized response body (over 10 bytes) from fake engine #1");
}

TEST(HttpClient, MalformedResponseIsAnError) {
  auto r = get_once({"SSH-2.0-OpenSSH_9.2\r\n"});
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("malformed response (")) << r.error().message;
}

TEST(HttpClient, DialFailureIsReturned) {
  FakeServer server;
  HttpClient client(server.dialer());
  auto r = client.request("GET", "/a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "fake engine: connection refused");
}

}  // namespace
}  // namespace swarmform::engine
