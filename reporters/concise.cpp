// `--format concise`: one line per active finding, the way compilers print them, so editors,
// grep and `sort | uniq -c` work on it:
//
//   migrations/001_init.sql:3:1: error[ban-drop-table] DROP TABLE users deletes the table ...
//
// Suppressed findings are left out (they were accepted on purpose), and so is the help:
// `pgsafe explain <id>` prints it.
#include "reporters/format_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

// A message on one line: a line break or tab becomes a space (one, however many there are).
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void write_concise(std::ostream& out, const ReportInput& in, const ReportOptions&) {
  for (const Diagnostic& d : in.diagnostics) {
    if (d.suppression) continue;
    out << d.file << ":" << d.range.start.line << ":" << d.range.start.column << ": "
        << util::severity_name(d.severity) << "[" << d.rule << "] " << one_line(d.message) << "\n";
  }
}

}  // namespace pgsafe::report
