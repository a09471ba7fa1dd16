#include <algorithm>
#include <map>

#include "reporters/reporter.h"

namespace pgsafe::report {

Summary summarize(const std::vector<Diagnostic>& diags, size_t files) {
  Summary s;
  s.files = files;
  for (const auto& d : diags) {
    if (d.suppression) { ++s.suppressed; continue; }
    switch (d.severity) {
      case Severity::Error: ++s.errors; break;
      case Severity::Warning: ++s.warnings; break;
      case Severity::Info: ++s.infos; break;
      case Severity::Off: break;
    }
  }
  return s;
}

std::vector<RuleCount> count_by_rule(const std::vector<Diagnostic>& diags) {
  std::map<std::string, RuleCount> by_rule;
  for (const auto& d : diags) {
    RuleCount& c = by_rule[d.rule];
    c.rule = d.rule;
    if (d.suppression) {
      ++c.suppressed;
      continue;
    }
    if (c.active == 0 || static_cast<int>(d.severity) > static_cast<int>(c.severity)) c.severity = d.severity;
    ++c.active;
  }
  std::vector<RuleCount> out;
  for (auto& [id, c] : by_rule) out.push_back(std::move(c));
  // Rules with active findings first (most severe, then most frequent); suppressed-only ones last.
  std::stable_sort(out.begin(), out.end(), [](const RuleCount& a, const RuleCount& b) {
    if ((a.active > 0) != (b.active > 0)) return a.active > 0;
    if (a.severity != b.severity) return static_cast<int>(a.severity) > static_cast<int>(b.severity);
    if (a.active != b.active) return a.active > b.active;
    return a.rule < b.rule;
  });
  return out;
}

std::string summary_line(const Summary& s) {
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string line = plural(s.errors, "error") + ", " + plural(s.warnings, "warning") + ", " + plural(s.infos, "info") +
                     " in " + plural(s.files, "file");
  std::string hidden;
  if (s.suppressed) hidden += std::to_string(s.suppressed) + " suppressed";
  if (s.baselined) hidden += (hidden.empty() ? "" : ", ") + std::to_string(s.baselined) + " in the baseline";
  if (!hidden.empty()) line += " (" + hidden + ")";
  return line;
}

}  // namespace pgsafe::report
