#pragma once
// The migration files on disk, read once: every later step (lint gate, checksum, plan, execute)
// uses these exact bytes, so what was linted is what runs.
#include <optional>
#include <string>
#include <vector>

#include "analyzer/config.h"
#include "analyzer/engine.h"
#include "analyzer/migration_set.h"
#include "parser/source_text.h"
#include "applier/statement_summary.h"

namespace pgsafe::applier {

enum class TxMode { Transaction, None };
const char* to_string(TxMode m);

struct LocalStatement {
  uint32_t begin = 0, end = 0;   // byte range in the file (';' excluded)
  Position start;                // where it starts, for messages
  StatementSummary summary;
};

struct LocalMigration {
  std::string version;
  std::string name;
  std::string file;        // relative to the migrations folder, '/' separators: what history stores
  std::string path;        // as discovered (for messages)
  std::string bytes;       // as read
  std::string checksum;    // SHA-256, BOM stripped and CRLF -> LF
  TxMode tx_mode = TxMode::Transaction;
  std::string no_tx_reason;  // why it runs outside a transaction
  std::vector<LocalStatement> statements;  // top-level statements, each sent as its own command
  SourceText source;       // bytes with a BOM blanked (offsets unchanged), for positions and text

  std::string statement_text(const LocalStatement& s) const { return source.text().substr(s.begin, s.end - s.begin); }
};

struct LocalOptions {
  std::optional<std::string> dir;
  std::optional<std::string> config;
};

struct LocalSet {
  std::string dir;
  Config config;
  MigrationSet set;                       // everything discovered, with contents in memory
  std::vector<LocalMigration> migrations; // up migrations, in version order
  const LocalMigration* find(const std::string& version) const;
};

struct LocalError {
  std::string message;  // "file:line:col: what" or a plain message
};

// Read config and files. False with errors (exit 2) when the set cannot be used.
bool load_local(const LocalOptions& opts, LocalSet& out, std::vector<std::string>& errors);

// The lint gate: lint the set with the project config and judge only the files that will run
// (`judged`: the pending files of the plan). Every other file is history: replayed into the
// catalog so the judged files are checked against the schema they build on, never a reason to
// refuse (an applied file cannot be changed, and a file being baselined is not run). Down files
// never run here and are not judged. Error-level findings and files pgsafe could not run safely
// are returned as "file:line:col: rule: message" lines.
std::vector<std::string> lint_gate(const LocalSet& set, const std::vector<const LocalMigration*>& judged);

// Error-level findings and unreadable files of a lint, as "file:line:col: rule: message" lines:
// what the lint gate and the seed lint refuse.
std::vector<std::string> refusal_lines(const LintResult& result);

// The set with every file outside `judged` marked history (replayed, not reported).
MigrationSet judged_set(const LocalSet& local, const std::vector<const LocalMigration*>& judged);

}  // namespace pgsafe::applier
