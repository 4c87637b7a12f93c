#pragma once
// Typed reads from parsed engine JSON whose errors name the JSON path
// ("services[3].Spec.Mode.Replicated.Replicas: expected a number").  Absent
// and null values read as the caller's default; a value of the wrong type is
// an error, never an exception.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reconciler/util/result.h"

namespace swarmform::engine {

/// A view of one value (possibly absent) inside a JSON document, with its
/// path.  Borrows the document: it must outlive the field.
class JsonField {
 public:
  JsonField(const nlohmann::json* value, std::string path)
      : value_(value != nullptr && !value->is_null() ? value : nullptr), path_(std::move(path)) {}

  /// True when the value exists and is not null.
  [[nodiscard]] bool present() const { return value_ != nullptr; }
  [[nodiscard]] const std::string& path() const { return path_; }
  /// The value.  REQUIRES: present().
  [[nodiscard]] const nlohmann::json& json() const { return *value_; }

  /// The member at the end of `keys`; absent when any step is absent.  Fails
  /// when a step that is present is not an object.
  [[nodiscard]] Result<JsonField> at(std::initializer_list<std::string_view> keys) const;
  /// Fails with "<path>: missing" when absent.
  [[nodiscard]] Result<JsonField> required() const;

  [[nodiscard]] Result<std::string> string(std::string_view fallback = {}) const;
  [[nodiscard]] Result<int64_t> int64(int64_t fallback = 0) const;
  [[nodiscard]] Result<uint64_t> uint64(uint64_t fallback = 0) const;
  /// An object of strings; absent gives an empty map.
  [[nodiscard]] Result<std::map<std::string, std::string>> string_map() const;
  /// An array of strings; absent gives an empty vector.
  [[nodiscard]] Result<std::vector<std::string>> strings() const;
  /// The elements of an array, with paths "<path>[i]"; absent gives none.
  [[nodiscard]] Result<std::vector<JsonField>> elements() const;

  /// Shorthands for at(keys) followed by the typed read.
  [[nodiscard]] Result<std::string> string_at(std::initializer_list<std::string_view> keys,
                                              std::string_view fallback = {}) const;
  [[nodiscard]] Result<int64_t> int64_at(std::initializer_list<std::string_view> keys) const;
  [[nodiscard]] Result<uint64_t> uint64_at(std::initializer_list<std::string_view> keys) const;

 private:
  [[nodiscard]] std::unexpected<Error> type_error(std::string_view expected) const;

  const nlohmann::json* value_;
  std::string path_;
};

}  // namespace swarmform::engine
