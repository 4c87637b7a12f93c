#include "support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

namespace swarmform::testing {

std::string make_temp_dir(const std::string& prefix) {
  std::string base = std::filesystem::temp_directory_path() / (prefix + "-XXXXXX");
  if (mkdtemp(base.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return base;
}

TempDir::TempDir(const std::string& prefix) : path_(make_temp_dir(prefix)) {}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace swarmform::testing
