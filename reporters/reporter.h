#pragma once
// Reporters only format: a list of diagnostics plus rule metadata in, text out. They never see
// the engine or a parse tree; SourceText is used only for its bytes (snippets).
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "analyzer/diagnostic.h"
#include "analyzer/migration_set.h"
#include "analyzer/rule_meta.h"
#include "parser/source_text.h"

namespace pgsafe::report {

enum class Format { Text, Json, Sarif, Github, Concise };

struct Summary {
  size_t files = 0;
  size_t errors = 0;
  size_t warnings = 0;
  size_t infos = 0;
  size_t suppressed = 0;
  size_t baselined = 0;   // hidden by --baseline (not in the diagnostics; not a JSON contract field)
};

// Findings of one rule, for the text report's closing table.
struct RuleCount {
  std::string rule;
  Severity severity = Severity::Warning;  // the most severe of its active findings
  size_t active = 0;
  size_t suppressed = 0;
};

struct ReportInput {
  const std::vector<Diagnostic>& diagnostics;          // sorted
  const std::map<std::string, SourceText>& sources;    // for source snippets (may lack a file)
  std::vector<const RuleMeta*> rules;                  // the rules that ran (SARIF tool.driver.rules)
  Summary summary;
  std::string tool_version;
  // Context a person should know about the run (text only), e.g. whether the RLS checks ran and why.
  std::string note = {};
};

struct ReportOptions {
  bool color = false;                   // ANSI colours (text)
  bool sarif_include_suppressed = false;
  std::string sarif_root;               // the working directory: relative paths in diagnostics are relative
                                        // to it; GitHub annotation paths are made relative to it ("" = as given)
  std::string information_uri = "https://github.com/pgsafe/pgsafe";  // SARIF tool.driver.informationUri
  size_t text_width = 100;              // text: help is wrapped to this many columns
  // SARIF artifact URIs are relative to this directory, under uriBaseId %SRCROOT%: the repository
  // root the CLI finds with sarif_source_root() (reporters/sarif_root.h). "" = sarif_root. Relative
  // paths in diagnostics are still taken relative to sarif_root, the working directory.
  std::string sarif_source_root;
};

// Counts active findings per severity and suppressed ones.
Summary summarize(const std::vector<Diagnostic>& diags, size_t files);
// Findings per rule: most severe first, then the most frequent, then by id.
std::vector<RuleCount> count_by_rule(const std::vector<Diagnostic>& diags);

void write_text(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
// The one-line summary for stderr ("3 errors, 1 warning in 2 files").
std::string summary_line(const Summary& s);
void write_json(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
void write_sarif(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
void write_github(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
// `--format concise`: one line per active finding, `file:line:col: severity[rule] message`.
void write_concise(std::ostream& out, const ReportInput& in, const ReportOptions& opts);

}  // namespace pgsafe::report
