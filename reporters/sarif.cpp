// SARIF 2.1.0 as GitHub code scanning ingests it, built through the typed model in sarif_model.h.
#include <map>

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
  sarif::PropertyBag props;
  props.category = std::string(m.category);
  props.tags = {"postgresql", "migrations", std::string(m.category)};
  // Code scanning files rules tagged "security" under security alerts.
  if (m.category == "security") props.tags.push_back("security");
  d.properties = std::move(props);
  return d;
}

// A rule that produced findings but is missing from ReportInput.rules still needs a descriptor,
// or ruleIndex would point nowhere.
sarif::ReportingDescriptor bare_descriptor(const Diagnostic& diag) {
  sarif::ReportingDescriptor d;
  d.id = diag.rule;
  d.name = util::pascal_case(diag.rule);
  if (!diag.url.empty()) d.help_uri = diag.url;
  if (!diag.category.empty()) d.properties = sarif::PropertyBag{diag.category, {"postgresql", "migrations", diag.category}};
  return d;
}

sarif::ArtifactLocation artifact(const std::string& file, const ReportOptions& opts) {
  auto rooted = util::relative_to_root(file, opts.sarif_root);
  if (rooted.inside_root) return {util::percent_encode_path(rooted.path), "%SRCROOT%"};
  // Outside the root a relative URI would resolve against the wrong base: use an absolute one.
  if (!rooted.path.empty() && rooted.path.front() == '/') return {util::file_uri(rooted.path), std::nullopt};
  return {util::percent_encode_path(rooted.path), std::nullopt};
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

  std::map<std::string, int, std::less<>> index;
  for (const RuleMeta* m : in.rules) {
    if (!m || index.count(m->id)) continue;
    index.emplace(std::string(m->id), static_cast<int>(run.tool.driver.rules.size()));
    run.tool.driver.rules.push_back(descriptor(*m));
  }

  for (const Diagnostic& d : in.diagnostics) {
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
    sarif::ArtifactLocation where = artifact(d.file, opts);
    r.locations.push_back(sarif::Location{sarif::PhysicalLocation{where, region(d.range)}});
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
