#include "reconciler/source/directory_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "reconciler/source/size_cap.h"

namespace swarmform::source {

namespace fs = std::filesystem;

Result<std::vector<model::SourceFile>> read_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fail(dir + ": not a directory" + (ec ? " (" + ec.message() + ")" : "") +
                    "; point -C at the folder that holds the desired-state YAML files",
                ErrorKind::not_found);
  }
  std::vector<fs::directory_entry> entries;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (file.starts_with(".") || (ext != ".yaml" && ext != ".yml")) continue;
    if (!entry.is_regular_file(ec)) continue;
    entries.push_back(entry);
  }
  if (ec) return fail(dir + ": cannot list: " + ec.message());
  // Read in name order, so the file at which the total cap is crossed is
  // the same on every run.
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  std::vector<model::SourceFile> files;
  TotalSizeCap cap;
  for (const auto& entry : entries) {
    const std::string file = entry.path().filename().string();
    const std::string name = dir == "." ? file : (fs::path(dir) / file).string();
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) return fail(entry.path().string() + ": cannot read: " + std::strerror(errno));
    // Read one byte past the limit so the loader can refuse an oversized file
    // without this process ever holding more of it.
    auto size = static_cast<size_t>(entry.file_size(ec));
    std::string content(std::min(size, model::kMaxSourceFileBytes) + 1, '\0');
    SF_TRY(cap.add(name, std::min(size, model::kMaxSourceFileBytes + 1)));
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    files.push_back({name, std::move(content)});
  }
  return files;
}

}  // namespace swarmform::source
