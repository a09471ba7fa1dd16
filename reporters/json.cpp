#include "reporters/reporter.h"
// Placeholder until the real reporter lands.
namespace pgsafe::report {
void write_json(std::ostream& out, const ReportInput& in, const ReportOptions&) {
  for (const auto& d : in.diagnostics)
    out << d.file << ":" << d.range.start.line << ":" << d.range.start.column << ": " << to_string(d.severity) << " [" << d.rule << "] " << d.message << (d.suppression ? " (suppressed)" : "") << "\n";
}
}
