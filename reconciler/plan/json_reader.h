#pragma once
// Reading a decoded JSON document field by field, with errors that name the
// field ("services[2].version_index: expected an unsigned integer").  Never
// throws.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reconciler/util/result.h"

namespace swarmform::plan {

class JsonReader {
 public:
  /// `json` must outlive the reader and everything read from it.
  JsonReader(const nlohmann::json& json, std::string path) : json_(&json), path_(std::move(path)) {}

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const nlohmann::json& json() const { return *json_; }

  /// The member `key` of this object; an error when this is not an object or
  /// the member is missing or null.
  [[nodiscard]] Result<JsonReader> field(const std::string& key) const;
  /// The member `key`, or nullopt when it is missing or null; an error when
  /// this is not an object.
  [[nodiscard]] Result<std::optional<JsonReader>> optional_field(const std::string& key) const;

  [[nodiscard]] Result<std::string> string() const;
  [[nodiscard]] Result<bool> boolean() const;
  [[nodiscard]] Result<uint64_t> uint64() const;
  /// A non-negative integer that fits int64 (nano-CPUs, bytes).
  [[nodiscard]] Result<int64_t> non_negative() const;
  [[nodiscard]] Result<std::vector<JsonReader>> elements() const;
  [[nodiscard]] Result<std::vector<std::string>> strings() const;
  [[nodiscard]] Result<std::map<std::string, std::string>> string_map() const;

  /// An error "<path>: <message>".
  [[nodiscard]] Error error(const std::string& message) const;

 private:
  const nlohmann::json* json_;
  std::string path_;
};

}  // namespace swarmform::plan
