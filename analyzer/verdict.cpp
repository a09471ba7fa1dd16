#include "analyzer/verdict.h"

#include <map>

namespace pgsafe {

std::vector<FileVerdict> verdicts(const LintResult& result, Severity threshold) {
  std::vector<FileVerdict> out;
  std::map<std::string, size_t> index;
  for (const auto& path : result.linted_paths) {
    index[path] = out.size();
    out.push_back(FileVerdict{path, true, {}, {}});
  }
  for (const auto& d : result.diagnostics) {
    if (d.suppression || !at_least(d.severity, threshold)) continue;
    auto it = index.find(d.file);
    if (it == index.end()) continue;
    out[it->second].passes = false;
    out[it->second].blocking.push_back(d);
  }
  for (const auto& e : result.errors) {
    auto it = index.find(e.file);
    if (it == index.end()) continue;
    out[it->second].passes = false;
    out[it->second].errors.push_back(e);
  }
  return out;
}

}  // namespace pgsafe
