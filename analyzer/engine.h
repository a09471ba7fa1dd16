#pragma once
// The lint engine: files are read and parsed in parallel (bounded read-ahead, so memory stays
// flat), then replayed in order through the catalog, the per-file state and the rules.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analyzer/config.h"
#include "analyzer/diagnostic.h"
#include "analyzer/migration_set.h"
#include "parser/source_text.h"

namespace pgsafe {

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
};

// Rule ids that select/ignore/config name but no rule has; empty when all are known.
std::vector<std::string> unknown_rule_ids(const LintOptions& opts);

LintResult lint(const MigrationSet& set, const LintOptions& opts);

// Whether a rule runs under these options.
bool rule_enabled(std::string_view id, const LintOptions& opts);
// The severity a rule's findings get under these options.
Severity effective_severity(std::string_view id, const LintOptions& opts);

}  // namespace pgsafe
