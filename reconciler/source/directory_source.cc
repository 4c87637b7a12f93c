#include "reconciler/source/directory_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace swarmform::source {

namespace fs = std::filesystem;

Result<std::vector<model::SourceFile>> read_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(dir + ": not a directory" + (ec ? " (" + ec.message() + ")" : "") +
                    "; point -C at the folder that holds the desired-state YAML files",
                ErrorKind::not_found);
  }
  std::vector<model::SourceFile> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (file.starts_with(".") || (ext != ".yaml" && ext != ".yml")) continue;
    if (!entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) return fail(entry.path().string() + ": cannot read: " + std::strerror(errno));
    // Read one byte past the limit so the loader can refuse an oversized file
    // without this process ever holding more of it.
    auto size = static_cast<size_t>(entry.file_size(ec));
    std::string content(std::min(size, model::kMaxSourceFileBytes) + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    files.push_back({dir == "." ? file : (fs::path(dir) / file).string(), std::move(content)});
  }
  if (ec) return fail(dir + ": cannot list: " + ec.message());
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

}  // namespace swarmform::source
