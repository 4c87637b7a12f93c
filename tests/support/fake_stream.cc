#include "support/fake_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace swarmform::testing {
namespace {

class FakeStream final : public transport::Stream {
 public:
  FakeStream(std::shared_ptr<FakeServer::State> state, FakeConnection script, int number)
      : state_(std::move(state)), script_(std::move(script)), number_(number) {}

  Result<void> write_all(std::string_view data) override {
    if (writes_ >= script_.writes_before_failing) return fail("fake write failed: broken pipe");
    ++writes_;
    state_->requests.emplace_back(data);
    if (next_response_ < script_.responses.size()) {
      for (auto& f : script_.responses[next_response_]) readable_.push_back(f);
      ++next_response_;
    }
    return {};
  }

  Result<std::size_t> read_some(std::span<char> buf) override {
    while (!readable_.empty() && readable_.front().empty()) readable_.pop_front();
    if (readable_.empty()) return 0;
    std::string& front = readable_.front();
    std::size_t n = std::min(buf.size(), front.size());
    std::memcpy(buf.data(), front.data(), n);
    front.erase(0, n);
    return n;
  }

  [[nodiscard]] std::string describe() const override {
    return "fake engine #" + std::to_string(number_);
  }

 private:
  std::shared_ptr<FakeServer::State> state_;
  FakeConnection script_;
  int number_;
  std::size_t next_response_ = 0;
  std::size_t writes_ = 0;
  std::deque<std::string> readable_;
};

}  // namespace

FakeServer& FakeServer::connection(FakeConnection c) {
  state_->pending.push_back(std::move(c));
  return *this;
}

FakeServer& FakeServer::connection_with(std::vector<std::string> whole_responses) {
  FakeConnection c;
  for (auto& r : whole_responses) c.responses.push_back({std::move(r)});
  return connection(std::move(c));
}

transport::Dialer FakeServer::dialer() {
  return [state = state_]() -> Result<std::unique_ptr<transport::Stream>> {
    if (state->pending.empty()) return fail("fake engine: connection refused");
    FakeConnection c = std::move(state->pending.front());
    state->pending.pop_front();
    ++state->dials;
    return std::make_unique<FakeStream>(state, std::move(c), state->dials);
  };
}

std::vector<std::string> split_at(const std::string& s, const std::vector<std::size_t>& offsets) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at : offsets) {
    parts.push_back(s.substr(from, at - from));
    from = at;
  }
  parts.push_back(s.substr(from));
  return parts;
}

}  // namespace swarmform::testing
