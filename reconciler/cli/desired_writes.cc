#include "reconciler/cli/desired_writes.h"

#include <sys/stat.h>

#include <filesystem>

#include "reconciler/util/file.h"

namespace swarmform::cli {
namespace {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec1;
  std::error_code ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return st.st_mode & 07777;
  return kReadableFileMode;
}

}  // namespace

const model::SourceFile* desired_file(const DesiredInput& in, const std::string& path) {
  for (const auto& f : in.files) {
    if (same_file(f.name, path)) return &f;
  }
  return nullptr;
}

Result<void> make_edits(const DesiredInput& in, const std::string& dir, const std::vector<adopt::ValueEdit>& edits,
                        Writes& writes) {
  std::map<std::string, std::vector<adopt::ValueEdit>> by_file;
  for (const auto& e : edits) by_file[e.file].push_back(e);
  for (const auto& [file, file_edits] : by_file) {
    const model::SourceFile* f = desired_file(in, file);
    if (!f) return fail(file + " is not a desired-state file read from " + dir);
    SF_TRY_ASSIGN(std::string text, adopt::apply_edits(file, writes.at(file, f->content), file_edits));
    writes.at(file, f->content) = std::move(text);
  }
  return {};
}

Result<void> write_all(const Writes& writes) {
  std::vector<FileWrite> files;
  for (const auto& path : writes.order) files.push_back({path, writes.content.at(path), mode_of(path)});
  return write_files_atomically(files);
}

}  // namespace swarmform::cli
