#include "applier/local_set.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string_view>
#include <sstream>

#include "analyzer/engine.h"
#include "analyzer/file_bytes.h"
#include "analyzer/statement_facts.h"
#include "analyzer/suppressions.h"
#include "analyzer/verdict.h"
#include "applier/checksum.h"
#include "parser/parser.h"

namespace fs = std::filesystem;

namespace pgsafe::applier {

const char* to_string(TxMode m) { return m == TxMode::Transaction ? "transaction" : "none"; }

const LocalMigration* LocalSet::find(const std::string& version) const {
  for (const auto& m : migrations)
    if (m.version == version) return &m;
  return nullptr;
}

namespace {

std::optional<std::string> default_dir() {
  for (const char* d : {"supabase/migrations", "migrations"}) {
    std::error_code ec;
    if (fs::is_directory(d, ec)) return std::string(d);
  }
  return std::nullopt;
}

void analyse(LocalMigration& m) {
  std::string text = m.bytes;
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text[0] = text[1] = text[2] = ' ';
  m.source = SourceText(m.path, text);
  parser::ParsedFile parsed = parser::parse_sql(m.source.text());
  const auto& stmts = parsed.statements();
  std::vector<int> top_index(stmts.size(), -1);
  const pg_query::Node* only = nullptr;
  for (size_t i = 0; i < stmts.size(); ++i) {
    const auto& s = stmts[i];
    if (s.parent >= 0) {
      int top = s.parent;
      while (top >= 0 && stmts[static_cast<size_t>(top)].parent >= 0) top = stmts[static_cast<size_t>(top)].parent;
      if (top >= 0 && top_index[static_cast<size_t>(top)] >= 0 && s.node)
        merge_summary(m.statements[static_cast<size_t>(top_index[static_cast<size_t>(top)])].summary,
                      summarize_statement(*s.node));
      continue;
    }
    LocalStatement ls;
    ls.begin = s.begin;
    ls.end = s.end;
    ls.start = m.source.position(s.begin);
    if (s.node) ls.summary = summarize_statement(*s.node);
    top_index[i] = static_cast<int>(m.statements.size());
    m.statements.push_back(std::move(ls));
    only = s.node;
  }
  FileDirectives directives = collect_directives(m.source, parsed);
  if (directives.no_transaction) {
    m.tx_mode = TxMode::None;
    m.no_tx_reason = "-- pgsafe:no-transaction";
  } else if (m.statements.size() == 1 && only && cannot_run_in_transaction(*only)) {
    m.tx_mode = TxMode::None;
    m.no_tx_reason = no_transaction_reason(*only);
  }
}

}  // namespace

bool load_local(const LocalOptions& opts, LocalSet& out, std::vector<std::string>& errors) {
  std::vector<ConfigError> cerrors;
  if (opts.config) {
    std::error_code ec;
    if (!fs::is_regular_file(*opts.config, ec)) {
      errors.push_back(*opts.config + ": config file not found");
      return false;
    }
    load_config(*opts.config, out.config, cerrors);
  } else if (auto found = find_config(fs::current_path())) {
    load_config(*found, out.config, cerrors);
  }
  for (const auto& e : cerrors)
    errors.push_back(e.file + (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "") + ": " +
                     e.message);
  if (!cerrors.empty()) return false;

  std::optional<std::string> dir = opts.dir ? opts.dir : out.config.migrations_dir ? out.config.migrations_dir : default_dir();
  if (!dir) {
    errors.push_back("no migrations folder: pass --dir, set migrations_dir in .pgsafe.toml, or create supabase/migrations or migrations");
    return false;
  }
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) {
    errors.push_back(*dir + ": not a directory");
    return false;
  }
  out.dir = *dir;
  DiscoverOptions dopts;
  dopts.layout = out.config.layout;
  std::vector<InputError> derrors;
  out.set = discover({*dir}, dopts, derrors);
  for (const auto& e : derrors) {
    // A folder without any .sql file is simply a project with nothing to apply yet.
    if (e.message.find("no .sql") != std::string::npos || e.message.find("no migration") != std::string::npos) continue;
    errors.push_back(e.file + ": " + e.message);
  }
  if (!errors.empty()) return false;

  std::map<std::string, std::string> seen;
  for (auto& f : out.set.files) {
    auto bytes = read_file_bytes(f.path);
    if (!bytes) {
      errors.push_back(f.path + ": cannot read file");
      continue;
    }
    f.contents = *bytes;
    if (f.direction != Direction::Up) continue;
    if (!f.name_matches_layout || f.version.empty()) {
      errors.push_back(f.path + ": the name carries no version for the " + std::string(to_string(out.set.layout)) +
                       " layout, so pgsafe cannot order it (rename it, e.g. 20240101120000_" +
                       fs::path(f.path).stem().string() + ".sql)");
      continue;
    }
    if (auto it = seen.find(f.version); it != seen.end()) {
      errors.push_back(f.path + ": version " + f.version + " is also used by " + it->second);
      continue;
    }
    seen[f.version] = f.path;
    LocalMigration m;
    m.version = f.version;
    m.name = f.name;
    m.path = f.path;
    m.file = fs::path(f.path).lexically_relative(*dir).generic_string();
    if (m.file.empty() || m.file.rfind("..", 0) == 0) m.file = fs::path(f.path).filename().generic_string();
    m.bytes = std::move(*bytes);
    m.checksum = migration_checksum(m.bytes);
    analyse(m);
    out.migrations.push_back(std::move(m));
  }
  std::stable_sort(out.migrations.begin(), out.migrations.end(),
                   [](const LocalMigration& a, const LocalMigration& b) { return compare_versions(a.version, b.version) < 0; });
  return errors.empty();
}

MigrationSet judged_set(const LocalSet& local, const std::vector<const LocalMigration*>& judged) {
  std::set<std::string_view> paths;
  for (const auto* m : judged) paths.insert(m->path);
  MigrationSet set = local.set;
  for (auto& f : set.files) f.history_only = f.history_only || !paths.count(f.path);
  return set;
}

std::vector<std::string> refusal_lines(const LintResult& result) {
  std::vector<std::string> out;
  for (const auto& v : verdicts(result, Severity::Error)) {
    for (const auto& e : v.errors)
      out.push_back(e.file + (e.line ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "") + ": " + e.message);
    for (const auto& d : v.blocking)
      out.push_back(d.file + ":" + std::to_string(d.range.start.line) + ":" + std::to_string(d.range.start.column) + ": " +
                    d.rule + ": " + d.message);
  }
  return out;
}

std::vector<std::string> lint_gate(const LocalSet& local, const std::vector<const LocalMigration*>& judged) {
  if (judged.empty()) return {};
  LintOptions opts;
  opts.config = local.config;
  opts.jobs = 2;
  std::vector<std::string> out = refusal_lines(lint(judged_set(local, judged), opts));
  // A transactional file must not end pgsafe's transaction itself: its history row would be
  // written outside the migration's transaction.
  for (const auto* mp : judged) {
    const LocalMigration& m = *mp;
    if (m.tx_mode != TxMode::Transaction) continue;
    for (const auto& s : m.statements)
      if (s.summary.transaction_control)
        out.push_back(m.path + ":" + std::to_string(s.start.line) + ":" + std::to_string(s.start.column) +
                      ": pgsafe-transaction-control: `" + m.statement_text(s).substr(0, 40) +
                      "` would end the transaction pgsafe runs this file in; remove BEGIN/COMMIT (each file is "
                      "already atomic) or mark the file `-- pgsafe:no-transaction`");
  }
  return out;
}

}  // namespace pgsafe::applier
