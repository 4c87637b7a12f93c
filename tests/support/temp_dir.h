#pragma once
// Temporary directories for tests: a fresh empty directory under the test
// temp dir ($TMPDIR or /tmp), either removed by the caller (make_temp_dir) or
// with its contents when a TempDir goes out of scope.

#include <string>

namespace swarmform::testing {

/// A fresh empty directory "<temp dir>/<prefix>-XXXXXX", removed by the caller.
std::string make_temp_dir(const std::string& prefix);

/// A temporary folder removed (with everything in it) on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sf-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  /// path() + "/" + relative
  [[nodiscard]] std::string operator/(const std::string& relative) const {
    return path_ + "/" + relative;
  }

 private:
  std::string path_;
};

}  // namespace swarmform::testing
