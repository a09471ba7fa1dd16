#include "reporters/finding_id.h"

#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include "analyzer/fingerprint.h"
#include "reporters/format_util.h"

namespace pgsafe::report {

namespace {

// Every run of whitespace one space, trimmed: re-indenting or re-wrapping a statement is not a
// change of what it does.
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool gap = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

// The flagged text of a finding: its range in the file's source, or "" for a finding about the
// whole file (an empty range). nullopt when the text is needed but not at hand.
std::optional<std::string> flagged_text(const Diagnostic& d, const ReportInput& in) {
  if (d.range.end.offset <= d.range.start.offset) return std::string();
  auto src = in.sources.find(d.file);
  if (src == in.sources.end() || d.range.end.offset > src->second.size()) return std::nullopt;
  return collapse_whitespace(
      std::string_view(src->second.text()).substr(d.range.start.offset, d.range.end.offset - d.range.start.offset));
}

}  // namespace

SourcePath source_path(const std::string& file, const ReportOptions& opts) {
  namespace fs = std::filesystem;
  const std::string& root = opts.sarif_source_root.empty() ? opts.sarif_root : opts.sarif_source_root;
  if (root.empty()) {
    // Nothing to anchor to (a library caller that set no root): paths as given.
    auto rooted = util::relative_to_root(file, "");
    return {rooted.path, rooted.inside_root};
  }
  fs::path p{file};
  fs::path base{opts.sarif_root.empty() ? root : opts.sarif_root};
  fs::path abs = (p.is_absolute() ? p : base / p).lexically_normal();
  fs::path rel = abs.lexically_relative(fs::path(root).lexically_normal());
  if (rel.empty()) return {abs.generic_string(), false};  // no common root
  return {rel.generic_string(), true};
}

std::string source_uri(const SourcePath& p) {
  return p.relative ? util::percent_encode_path(p.path) : util::file_uri(p.path);
}

std::vector<std::string> finding_hashes(const ReportInput& in, const ReportOptions& opts) {
  std::vector<std::string> out(in.diagnostics.size());
  std::map<std::tuple<std::string, std::string>, size_t> seen;  // (uri, hash) -> findings so far
  std::string uri;
  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    const Diagnostic& d = in.diagnostics[i];
    if (i == 0 || d.file != in.diagnostics[i - 1].file) uri = source_uri(source_path(d.file, opts));
    auto text = flagged_text(d, in);
    if (!text) continue;
    std::string key = d.rule;
    key += '\0';
    key += uri;
    key += '\0';
    key += *text;
    std::string hash = fnv1a_hex(key);
    size_t n = ++seen[{uri, hash}];
    out[i] = hash + ":" + std::to_string(n);
  }
  return out;
}

}  // namespace pgsafe::report
