// SARIF 2.1.0 as GitHub code scanning ingests it, built through the typed model in sarif_model.h.
//
// What code scanning relies on, beyond the schema: artifact URIs relative to the repository root
// under uriBaseId %SRCROOT% (never absolute, so the file is the same from any machine or working
// directory), partialFingerprints that survive edits above a finding, and security-severity on
// security rules so their alerts are ranked Critical to Low.
#include <cstdio>
#include <filesystem>
#include <map>
#include <tuple>

#include "analyzer/fingerprint.h"
#include "reporters/format_util.h"
#include "reporters/reporter.h"
#include "reporters/sarif_model.h"

namespace pgsafe::report {

namespace {

std::string level_of(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "note";
    case Severity::Off: return "none";
  }
  return "none";
}

std::string sql_block(std::string_view sql) { return "```sql\n" + std::string(sql) + "\n```\n"; }

// The rule's help as code scanning shows it beside an alert: why, what to do, and an example.
sarif::MultiformatMessageString rule_help(const RuleMeta& m) {
  std::string text, md;
  if (!m.rationale.empty()) {
    text += std::string(m.rationale) + "\n\n";
    md += "## Why this is dangerous\n\n" + std::string(m.rationale) + "\n\n";
  }
  if (!m.locks.empty()) {
    text += "Lock taken: " + std::string(m.locks) + "\n\n";
    md += "**Lock taken:** " + std::string(m.locks) + "\n\n";
  }
  if (!m.help.empty()) {
    text += std::string(m.help) + "\n\n";
    md += "## What to do instead\n\n" + std::string(m.help) + "\n\n";
  }
  if (!m.bad_example.empty()) {
    text += "Flagged:\n" + std::string(m.bad_example) + "\n\n";
    md += "## Flagged\n\n" + sql_block(m.bad_example) + "\n";
  }
  if (!m.good_example.empty()) {
    text += "Safe alternative:\n" + std::string(m.good_example) + "\n\n";
    md += "## Safe alternative\n\n" + sql_block(m.good_example) + "\n";
  }
  md += "[Rule documentation](" + rule_url(m.id) + ")\n";
  while (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.empty()) text = std::string(m.summary);
  return {text, md};
}

constexpr const char* kSourceRoot = "%SRCROOT%";
constexpr const char* kFingerprintKey = "pgsafeFindingHash/v1";

// Tags code scanning filters and groups by. "security" is what files a rule's alerts under
// security and makes GitHub read its security-severity; a security rule's category already
// is that word, so the tag is added once (tags must be distinct).
sarif::PropertyBag rule_properties(std::string_view category, Severity severity) {
  sarif::PropertyBag props;
  if (!category.empty()) props.category = std::string(category);
  props.add_tag("postgresql");
  props.add_tag("migrations");
  if (!category.empty()) props.add_tag(std::string(category));
  if (category == "security") {
    props.add_tag("security");
    // From the rule's severity, so any security rule, present or future, is ranked: an error
    // leaves data open to every API caller or lets a role escalate (Critical), a warning exposes
    // rows under conditions a reviewer must judge (Medium), an info fails closed (Low).
    switch (severity) {
      case Severity::Error: props.security_severity = "9.1"; break;
      case Severity::Warning: props.security_severity = "6.5"; break;
      case Severity::Info:
      case Severity::Off: props.security_severity = "3.0"; break;
    }
  }
  return props;
}

sarif::ReportingDescriptor descriptor(const RuleMeta& m) {
  sarif::ReportingDescriptor d;
  d.id = std::string(m.id);
  d.name = util::pascal_case(m.id);
  d.short_description = sarif::MultiformatMessageString{std::string(m.summary), std::nullopt};
  d.full_description =
      sarif::MultiformatMessageString{std::string(m.rationale.empty() ? m.summary : m.rationale), std::nullopt};
  d.help = rule_help(m);
  d.help_uri = rule_url(m.id);
  d.default_configuration = sarif::ReportingConfiguration{level_of(m.default_severity)};
  d.properties = rule_properties(m.category, m.default_severity);
  return d;
}

// A rule that produced findings but is missing from ReportInput.rules still needs a descriptor,
// or ruleIndex would point nowhere.
sarif::ReportingDescriptor bare_descriptor(const Diagnostic& diag) {
  sarif::ReportingDescriptor d;
  d.id = diag.rule;
  d.name = util::pascal_case(diag.rule);
  if (!diag.url.empty()) d.help_uri = diag.url;
  if (!diag.category.empty()) d.properties = rule_properties(diag.category, diag.severity);
  return d;
}

// The file's URI relative to the source root, under %SRCROOT%. Relative paths in diagnostics are
// relative to sarif_root (the working directory); URIs are relative to sarif_source_root (the
// repository root) when given. A file outside the root gets a "../" reference, still relative:
// an absolute path would name one machine's folders and differ from checkout to checkout.
sarif::ArtifactLocation artifact(const std::string& file, const ReportOptions& opts) {
  namespace fs = std::filesystem;
  const std::string& root = opts.sarif_source_root.empty() ? opts.sarif_root : opts.sarif_source_root;
  if (root.empty()) {
    // Nothing to anchor to (a library caller that set no root): paths as given.
    auto rooted = util::relative_to_root(file, "");
    if (rooted.inside_root) return {util::percent_encode_path(rooted.path), kSourceRoot, std::nullopt};
    return {util::file_uri(rooted.path), std::nullopt, std::nullopt};
  }
  fs::path p{file};
  fs::path base{opts.sarif_root.empty() ? root : opts.sarif_root};
  fs::path abs = (p.is_absolute() ? p : base / p).lexically_normal();
  fs::path rel = abs.lexically_relative(fs::path(root).lexically_normal());
  if (rel.empty()) return {util::file_uri(abs.generic_string()), std::nullopt, std::nullopt};  // no common root
  return {util::percent_encode_path(rel.generic_string()), kSourceRoot, std::nullopt};
}

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

// partialFingerprints for every diagnostic (parallel to in.diagnostics; empty where the text is
// not at hand, and code scanning then computes its own). The value hashes the rule, the file's
// URI and the flagged text, never a line number or the message (which may name one), followed
// by ":<n>" for the n-th finding with that hash in the file: lines inserted above a finding leave
// it unchanged, and two findings never share one. Suppressed findings count too, so the numbers
// do not depend on --sarif-include-suppressed.
std::vector<std::string> fingerprints(const ReportInput& in, const std::vector<std::string>& uris) {
  std::vector<std::string> out(in.diagnostics.size());
  std::map<std::tuple<std::string, std::string>, size_t> seen;  // (uri, hash) -> findings so far
  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    const Diagnostic& d = in.diagnostics[i];
    auto text = flagged_text(d, in);
    if (!text) continue;
    std::string key = d.rule;
    key += '\0';
    key += uris[i];
    key += '\0';
    key += *text;
    std::string hash = fnv1a_hex(key);
    size_t n = ++seen[{uris[i], hash}];
    out[i] = hash + ":" + std::to_string(n);
  }
  return out;
}

sarif::Region region(const Range& r) {
  sarif::Region g;
  g.start_line = r.start.line;
  g.start_column = r.start.column;
  bool ordered = r.end.offset >= r.start.offset;
  g.end_line = ordered ? r.end.line : r.start.line;
  g.end_column = ordered ? r.end.column : r.start.column;
  g.byte_offset = r.start.offset;
  g.byte_length = ordered ? r.end.offset - r.start.offset : 0;
  return g;
}

}  // namespace

void write_sarif(std::ostream& out, const ReportInput& in, const ReportOptions& opts) {
  sarif::Run run;
  run.tool.driver.name = "pgsafe";
  run.tool.driver.version = in.tool_version;
  run.tool.driver.semantic_version = in.tool_version;
  run.tool.driver.information_uri = opts.information_uri;

  run.original_uri_base_ids[kSourceRoot] = sarif::ArtifactLocation{
      std::nullopt, std::nullopt,
      sarif::Message{"The root of the source tree: the git top level of the linted files, or the working directory "
                     "when they are not in a repository. Result URIs are relative to it.",
                     std::nullopt}};

  // One URI per file, computed once; findings are sorted by file.
  std::vector<std::string> uris(in.diagnostics.size());
  std::vector<sarif::ArtifactLocation> wheres(in.diagnostics.size());
  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    if (i > 0 && in.diagnostics[i].file == in.diagnostics[i - 1].file) {
      wheres[i] = wheres[i - 1];
    } else {
      wheres[i] = artifact(in.diagnostics[i].file, opts);
    }
    uris[i] = wheres[i].uri.value_or("");
  }
  std::vector<std::string> prints = fingerprints(in, uris);

  std::map<std::string, int, std::less<>> index;
  for (const RuleMeta* m : in.rules) {
    if (!m || index.count(m->id)) continue;
    index.emplace(std::string(m->id), static_cast<int>(run.tool.driver.rules.size()));
    run.tool.driver.rules.push_back(descriptor(*m));
  }

  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    const Diagnostic& d = in.diagnostics[i];
    if (d.suppression && !opts.sarif_include_suppressed) continue;
    auto it = index.find(d.rule);
    if (it == index.end()) {
      it = index.emplace(d.rule, static_cast<int>(run.tool.driver.rules.size())).first;
      run.tool.driver.rules.push_back(bare_descriptor(d));
    }
    sarif::Result r;
    r.rule_id = d.rule;
    r.rule_index = it->second;
    r.level = level_of(d.severity);
    r.message.text = d.message;
    const sarif::ArtifactLocation& where = wheres[i];
    r.locations.push_back(sarif::Location{sarif::PhysicalLocation{where, region(d.range)}});
    if (!prints[i].empty()) r.partial_fingerprints[kFingerprintKey] = prints[i];
    if (d.suppression) {
      sarif::Suppression s;
      s.kind = d.suppression->kind == Suppression::Kind::External ? "external" : "inSource";
      if (!d.suppression->justification.empty()) s.justification = d.suppression->justification;
      r.suppressions.push_back(std::move(s));
    }
    // SARIF requires at least one replacement per change, so an edit-less fix has nothing to say.
    if (d.fix && !d.fix->edits.empty()) {
      sarif::Fix f;
      f.description = sarif::Message{d.fix->description, std::nullopt};
      sarif::ArtifactChange change{where, {}};
      for (const Edit& e : d.fix->edits)
        change.replacements.push_back(sarif::Replacement{region(e.range), sarif::ArtifactContent{e.new_text}});
      f.artifact_changes.push_back(std::move(change));
      r.fixes.push_back(std::move(f));
    }
    run.results.push_back(std::move(r));
  }

  sarif::Log log;
  log.runs.push_back(std::move(run));
  sarif::Json j = log;
  out << j.dump(2, ' ', false, sarif::Json::error_handler_t::replace) << "\n";
}

}  // namespace pgsafe::report
