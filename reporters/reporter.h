#pragma once
// Reporters only format: a list of diagnostics plus rule metadata in, text out. They never see
// the engine or a parse tree; SourceText is used only for its bytes (snippets).
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostic.h"
#include "analyzer/migration_set.h"
#include "analyzer/rule_meta.h"
#include "parser/source_text.h"

namespace pgsafe::report {

enum class Format { Text, Json, Sarif, Github, Concise, Markdown, Gitlab };

// "text", "concise", "json", "sarif", "github", "markdown", "gitlab" (the --format words).
std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format f);
// Every format's name, comma-separated, for messages ("text, concise, json, ...").
std::string format_names();

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

// What a linted file does to one table, from the migration plan (analyzer/plan.h). The CLI derives
// it and hands it over as plain data: reporters never build a plan.
struct TableChange {
  std::string table;             // "schema.name"
  bool creates = false;
  bool alters = false;
  bool drops = false;
  bool rewrites = false;         // a statement rewrites the whole table
  std::string strongest_lock;    // e.g. "ACCESS EXCLUSIVE"; "" when the file takes no lock on it (a new table)
};

struct FileTables {
  std::string file;              // the path as diagnostics name it
  std::vector<TableChange> tables;  // in the order the file first touches them
};

struct ReportInput {
  const std::vector<Diagnostic>& diagnostics;          // sorted
  const std::map<std::string, SourceText>& sources;    // for source snippets (may lack a file)
  std::vector<const RuleMeta*> rules;                  // the rules that ran (SARIF tool.driver.rules)
  Summary summary;
  std::string tool_version;
  // Context a person should know about the run (text only), e.g. whether the RLS checks ran and why.
  std::string note = {};
  // The tables each linted (non-history) file touches (markdown). nullopt: not computed, and the
  // section is left out; an empty list: computed, and no file touches a table.
  std::optional<std::vector<FileTables>> affected_tables = std::nullopt;
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
  // Markdown: links to a finding's line are <link_base>/<repository-relative path>#L<line>, e.g.
  // "https://github.com/o/r/blob/<sha>" (the CLI: --link-base, else GitHub Actions' variables).
  // "" = no links, the location as plain `path:line`.
  std::string link_base;
  // Markdown: the report stays under this many bytes (GitHub comments hold 65536 characters);
  // the findings table is cut first, with a line saying how many were left out.
  size_t markdown_max_bytes = 60000;
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
// `--format markdown`: a GitHub-flavoured markdown summary for a pull request comment or a job
// summary: counts, a findings table, the affected tables, and each fired rule's help, collapsed.
void write_markdown(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
// `--format gitlab`: a GitLab Code Quality report (a JSON array of Code Climate issues).
void write_gitlab(std::ostream& out, const ReportInput& in, const ReportOptions& opts);
// Any of the above by format (text never in colour unless opts.color says so).
void write_report(std::ostream& out, Format f, const ReportInput& in, const ReportOptions& opts);

}  // namespace pgsafe::report
