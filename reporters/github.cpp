// `--format github`: GitHub Actions workflow commands, one annotation per active finding, carrying
// the finding's message and a link to the rule's page (not the help paragraph).
#include <algorithm>

#include "reporters/finding_id.h"
#include "reporters/format_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

// The Actions toolkit's escaping (toolkit/packages/core/src/command.ts): the runner splits a
// command at "::" and its properties at ',' and '=' before unescaping, so these must be encoded.
std::string escape_data(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : escape_data(s)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view command_of(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    default: return "notice";
  }
}

}  // namespace

void write_github(std::ostream& out, const ReportInput& in, const ReportOptions& opts) {
  for (const Diagnostic& d : in.diagnostics) {
    // A suppressed finding was accepted on purpose; annotating it would nag on every run.
    if (d.suppression) continue;
    const Range& r = d.range;
    // GitHub places an annotation by its path from the repository's root, whichever folder
    // pgsafe ran in (a project inside a larger repository).
    // A file outside the repository (no annotation can point at it) keeps its path as given.
    SourcePath in_repo = source_path(d.file, opts);
    std::string file = in_repo.relative && !in_repo.path.starts_with("../") ? in_repo.path
                                                                            : util::relative_to_root(d.file, opts.sarif_root).path;
    out << "::" << command_of(d.severity) << " file=" << escape_property(file) << ",line=" << r.start.line
        << ",endLine=" << std::max(r.end.line, r.start.line);
    // GitHub honours columns only on single-line annotations and reads endColumn as the last
    // column covered, so the exclusive end of our range becomes end - 1.
    if (r.end.line == r.start.line) {
      uint32_t last = std::max(r.start.column, r.end.column > 1 ? r.end.column - 1 : 1u);
      out << ",col=" << r.start.column << ",endColumn=" << last;
    }
    out << ",title=" << escape_property("pgsafe: " + d.rule) << "::";
    // Only the message: an annotation sits inline in a pull request's diff, and a help paragraph
    // on every one of them buries the code. The help is one click or one command away.
    std::string message = d.message;
    if (!d.url.empty()) message += "\n\nWhy and what to do instead: " + d.url + " (or `pgsafe explain " + d.rule + "`)";
    out << escape_data(message) << "\n";
  }
}

}  // namespace pgsafe::report
