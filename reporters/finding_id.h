#pragma once
// Where a finding is and which finding it is, as every repository-facing format names them: SARIF
// artifact URIs and partialFingerprints, GitLab Code Quality paths and fingerprints, markdown links.
// One definition, so the formats agree on the path and the identity of a finding.
#include <string>
#include <vector>

#include "reporters/reporter.h"

namespace pgsafe::report {

// A diagnostic's file as the repository sees it. Relative paths in diagnostics are relative to
// opts.sarif_root (the working directory); the result is relative to opts.sarif_source_root (the
// repository root; "" = sarif_root), with '/' separators, or a "../" path for a file beside it.
// `relative` is false when no common root exists: `path` is then the absolute path.
struct SourcePath {
  std::string path;
  bool relative = false;
};
SourcePath source_path(const std::string& file, const ReportOptions& opts);

// The SARIF artifact URI of a source path: the percent-encoded relative path, or a file:// URI.
std::string source_uri(const SourcePath& p);

// The stable identity of every diagnostic (parallel to in.diagnostics), "pgsafeFindingHash/v1":
// FNV-1a of the rule, the file's URI (source_uri) and the flagged text with whitespace runs
// collapsed, never a line number or the message (which may name one), followed by ":<n>" for the
// n-th finding with that hash in the file. Lines inserted above a finding leave it unchanged and
// two findings never share one. Suppressed findings count too, so the numbers do not depend on
// whether they are written. "" where the flagged text is not at hand (no source).
std::vector<std::string> finding_hashes(const ReportInput& in, const ReportOptions& opts);

}  // namespace pgsafe::report
