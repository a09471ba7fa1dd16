#pragma once
// The lint engine: files are read and parsed in parallel (bounded read-ahead, so memory stays
// flat), then replayed in order through the catalog, the per-file state and the rules.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzer/config.h"
#include "analyzer/diagnostic.h"
#include "analyzer/history_cache.h"
#include "analyzer/migration_set.h"
#include "analyzer/plan.h"
#include "parser/source_text.h"

namespace pgsafe {

// The state after a set's history files, kept in memory between runs by a long-lived caller (the
// language server: a keystroke re-lints one file against the same history). A run restores it
// when it was recorded for the same history files (paths, in order) under the same options, and
// records it otherwise. Whether those files' bytes changed is the caller's to know: it must
// reset() the memo when one of them did.
struct HistoryMemo {
  std::optional<HistorySnapshot> snapshot;
  std::vector<std::string> paths;  // the history files it was recorded for, in order
  std::string options_key;
  void reset() {
    snapshot.reset();
    paths.clear();
    options_key.clear();
  }
};

// What one statement of a linted file does, as `pgsafe plan` says it (LintOptions::statement_plans).
struct StatementPlan {
  uint32_t begin = 0, end = 0;  // the statement's bytes
  int parent = -1;              // the DO statement holding it (an index into the same list), -1 at top level
  std::string kind;             // "ALTER TABLE", ...; "" for a statement that did not parse
  std::vector<PlanLock> locks;
  bool rewrites = false;
};

struct LintOptions {
  Config config;
  std::vector<std::string> select;   // only these rules (opt-in ones included)
  std::vector<std::string> ignore;   // never these
  int jobs = 0;                      // 0: one per core
  // Keep the text of files with findings in LintResult::sources (for source snippets). Without
  // it memory holds only the diagnostics, however large the set.
  bool keep_sources = true;
  // Files larger than four times this are parsed and checked in windows of about this many bytes,
  // so memory holds one window's parse trees, not a whole large file's (see
  // parser::ParsedFile::windowed). 0: every file whole.
  size_t parse_window_bytes = 128 * 1024;
  // Called once every file has been read and analysed, before findings are placed (some are
  // placed by reading a file again): lets a test change a file at that moment, as another
  // process could. Not used by the CLI.
  std::function<void()> after_files_analysed;
  // The history cache file (analyzer/history_cache.h, docs/cache.md): the state after the history
  // files at the start of the set is restored from it when it matches them, and written to it
  // when it does not. "" (the default): no cache, the history is always replayed. The CLI sets it
  // (not with --no-cache).
  std::string history_cache_file;
  // Also (or instead) keep the history's state in memory (see HistoryMemo). null: not kept.
  std::shared_ptr<HistoryMemo> history_memo;
  // Record what each statement of the linted files locks and rewrites (LintResult::statement_plans).
  bool statement_plans = false;
  // Give statement findings the places that created the tables, views and indexes the statement
  // locks, when another file of the set created them (Diagnostic::related).
  bool related = false;
};

struct LintResult {
  std::vector<Diagnostic> diagnostics;   // sorted, suppressed ones included
  std::vector<InputError> errors;        // files that could not be read or decoded
  size_t files = 0;                      // files linted (history excluded)
  std::vector<std::string> linted_paths; // in set order
  std::map<std::string, SourceText> sources;  // texts of files with diagnostics, for snippets
  // Whether the RLS, grant and view checks ran on which schemas, and why (for the summary):
  // e.g. "on for public: a policy (...) in x.sql", "off: nothing shows an API serves public".
  std::string exposure_note;
  // History files at the start of the set whose state came from the history cache: they were
  // neither read nor parsed. 0 without a cache, or when it did not match.
  size_t history_files_from_cache = 0;
  // Whether this run wrote the history cache (it did not match, or there was none).
  bool history_cache_written = false;
  // History files whose state came from LintOptions::history_memo (0 when it did not match).
  size_t history_files_from_memo = 0;
  // With LintOptions::statement_plans: per linted file, every statement in the order (and with the
  // indexes) of Diagnostic::statement.
  std::map<std::string, std::vector<StatementPlan>> statement_plans;
};

// Rule ids that select/ignore/config name but no rule has; empty when all are known.
std::vector<std::string> unknown_rule_ids(const LintOptions& opts);

LintResult lint(const MigrationSet& set, const LintOptions& opts);

// Whether a rule runs under these options.
bool rule_enabled(std::string_view id, const LintOptions& opts);
// The severity a rule's findings get under these options.
Severity effective_severity(std::string_view id, const LintOptions& opts);

}  // namespace pgsafe
