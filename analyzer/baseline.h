#pragma once
// A baseline: the findings a project had when it adopted pgsafe, so that only new ones are
// reported (`pgsafe lint --write-baseline FILE`, then `--baseline FILE`).
//
// A finding is recorded by what survives unrelated edits: its file relative to the baseline
// file's folder, its rule, a fingerprint of the flagged statement's text (comments dropped,
// whitespace collapsed) and its occurrence among findings with the same file, rule and
// fingerprint. Never by line: adding a statement above an old finding does not make it new.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostic.h"
#include "parser/source_text.h"

namespace pgsafe {

inline constexpr int kBaselineVersion = 1;

struct BaselineEntry {
  std::string file;         // relative to the baseline file's folder, '/' separators
  std::string rule;
  std::string fingerprint;  // 16 hex digits
  size_t occurrence = 0;    // 0 for the first finding with this file, rule and fingerprint
  std::string message;      // for the person reading the file; not used to match

  bool same_key(const BaselineEntry& o) const {
    return file == o.file && rule == o.rule && fingerprint == o.fingerprint && occurrence == o.occurrence;
  }
};

struct Baseline {
  std::vector<BaselineEntry> entries;
};

// The statement text a fingerprint is taken from, normalized: comments removed, every run of
// whitespace one space, trimmed.
std::string normalize_statement(std::string_view sql);
// The fingerprint of the finding at byte `offset` of a file's text: the normalized text of the
// statement holding it (or of its line when it lies outside every statement, e.g. a comment).
std::string statement_fingerprint(std::string_view text, size_t offset);

// A key for every diagnostic, in the same order. Suppressed findings get a key too but do not
// count towards occurrences (only active findings are ever baselined). `sources` must hold the
// text of every file with a finding that is not file-level; `base_dir` is the baseline file's
// folder, and relative diagnostic paths are taken relative to `cwd`.
std::vector<BaselineEntry> baseline_keys(const std::vector<Diagnostic>& diags,
                                         const std::map<std::string, SourceText>& sources,
                                         const std::filesystem::path& base_dir,
                                         const std::filesystem::path& cwd);

// A path as the baseline records it (relative to base_dir when it can be).
std::string baseline_path(std::string_view file, const std::filesystem::path& base_dir,
                          const std::filesystem::path& cwd);

// Read a baseline file; false with a message naming the problem when it cannot be used.
bool read_baseline(const std::string& path, Baseline& out, std::string& error);
bool parse_baseline(std::string_view json_text, Baseline& out, std::string& error);
// The file's text: versioned JSON, entries sorted so a re-run gives a small diff.
std::string baseline_json(const Baseline& b);

// Drops the active diagnostics the baseline holds (keys parallel to diags); returns how many.
size_t apply_baseline(std::vector<Diagnostic>& diags, const std::vector<BaselineEntry>& keys, const Baseline& b);

// The baseline to write after a run: every active finding of this run, plus the previous
// baseline's entries for files this run did not lint or rules it did not run (a run over one file
// must not forget the rest of the project). Entries that no longer match anything are dropped.
Baseline next_baseline(const std::vector<Diagnostic>& diags, const std::vector<BaselineEntry>& keys,
                       const Baseline& previous, const std::set<std::string>& linted_files,
                       const std::function<bool(std::string_view rule)>& rule_ran);

}  // namespace pgsafe
