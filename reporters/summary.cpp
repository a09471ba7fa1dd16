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

std::string summary_line(const Summary& s) {
  auto plural = [](size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  std::string line = plural(s.errors, "error") + ", " + plural(s.warnings, "warning") + ", " + plural(s.infos, "info") +
                     " in " + plural(s.files, "file");
  if (s.suppressed) line += " (" + std::to_string(s.suppressed) + " suppressed)";
  return line;
}

}  // namespace pgsafe::report
