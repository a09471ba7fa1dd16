#include "reporters/sarif_root.h"

#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace pgsafe::report {

namespace {

fs::path absolute_of(const std::string& path, const std::string& working_dir) {
  fs::path p{path};
  if (p.is_absolute()) return p.lexically_normal();
  return (fs::path(working_dir) / p).lexically_normal();
}

std::optional<fs::path> top_level_from(fs::path dir, std::map<fs::path, std::optional<fs::path>>& cache) {
  std::vector<fs::path> visited;
  std::optional<fs::path> found;
  for (;;) {
    auto hit = cache.find(dir);
    if (hit != cache.end()) {
      found = hit->second;
      break;
    }
    visited.push_back(dir);
    std::error_code ec;
    if (fs::exists(dir / ".git", ec)) {
      found = dir;
      break;
    }
    fs::path parent = dir.parent_path();
    if (parent.empty() || parent == dir) break;
    dir = parent;
  }
  for (const auto& v : visited) cache[v] = found;
  return found;
}

// "/a/b/" and "/a/b" name the same folder; URIs are computed against the form without the slash.
std::string folder_string(const fs::path& p) {
  std::string s = p.generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> git_top_level(const std::string& path, const std::string& working_dir) {
  std::map<fs::path, std::optional<fs::path>> cache;
  auto top = top_level_from(absolute_of(path, working_dir).parent_path(), cache);
  if (!top) return std::nullopt;
  return folder_string(*top);
}

std::string sarif_source_root(const std::vector<std::string>& files, const std::string& working_dir) {
  std::map<fs::path, std::optional<fs::path>> cache;
  std::map<std::string, size_t> votes;
  for (const auto& f : files)
    if (auto top = top_level_from(absolute_of(f, working_dir).parent_path(), cache)) ++votes[folder_string(*top)];
  std::string best;
  size_t most = 0;
  for (const auto& [root, n] : votes)  // sorted, so a tie keeps the first
    if (n > most) {
      best = root;
      most = n;
    }
  return most > 0 ? best : folder_string(fs::path(working_dir).lexically_normal());
}

}  // namespace pgsafe::report
