// SARIF 2.1.0 as GitHub code scanning ingests it, built through the typed model in sarif_model.h.
//
// What code scanning relies on, beyond the schema: artifact URIs relative to the repository root
// under uriBaseId %SRCROOT% (never absolute, so the file is the same from any machine or working
// directory), partialFingerprints that survive edits above a finding, and security-severity on
// security rules so their alerts are ranked Critical to Low.
#include <map>

#include "reporters/finding_id.h"
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

// The file's URI relative to the source root, under %SRCROOT% (finding_id.h). A file outside the
// root gets a "../" reference, still relative: an absolute path would name one machine's folders
// and differ from checkout to checkout. Only with no common root at all is it a file:// URI.
sarif::ArtifactLocation artifact(const std::string& file, const ReportOptions& opts) {
  SourcePath p = source_path(file, opts);
  if (p.relative) return {source_uri(p), kSourceRoot, std::nullopt};
  return {source_uri(p), std::nullopt, std::nullopt};
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
  std::vector<sarif::ArtifactLocation> wheres(in.diagnostics.size());
  for (size_t i = 0; i < in.diagnostics.size(); ++i) {
    if (i > 0 && in.diagnostics[i].file == in.diagnostics[i - 1].file) {
      wheres[i] = wheres[i - 1];
    } else {
      wheres[i] = artifact(in.diagnostics[i].file, opts);
    }
  }
  // partialFingerprints: where the text is not at hand there is none, and code scanning then
  // computes its own.
  std::vector<std::string> prints = finding_hashes(in, opts);

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
