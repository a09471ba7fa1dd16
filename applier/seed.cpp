#include "applier/seed.h"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "analyzer/engine.h"
#include "analyzer/file_bytes.h"
#include "analyzer/plan.h"
#include "analyzer/verdict.h"
#include <pg_query/pg_query.pb.h>

#include "parser/parser.h"
#include "parser/source_text.h"
#include "applier/devdata.h"
#include "applier/devserver.h"
#include "applier/exit_codes.h"
#include "applier/local_set.h"
#include "applier/session.h"

namespace fs = std::filesystem;

namespace pgsafe::applier {

namespace {

// The byte offset in UTF-8 text of a 1-based character position (as the server reports one).
size_t byte_of_char(const std::string& text, int position) {
  int chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == position) return i;
  }
  return text.size();
}

}  // namespace

bool resolve_seed_profile(const Config& config, const std::string& project_root, const std::string& profile,
                          bool required, SeedProfile& out, std::string& why) {
  out = SeedProfile{profile, {}, ""};
  std::vector<std::string> paths;
  bool configured = config.seeds.count(profile) > 0;
  if (configured) paths = config.seeds.at(profile);
  else paths.push_back((fs::path(project_root) / "seeds" / profile).lexically_normal().string());
  for (const auto& p : paths) out.looked_in += (out.looked_in.empty() ? "" : ", ") + p;
  if (configured) out.looked_in += " ([seeds] " + profile + " in " + config.path + ")";
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".sql" && it->is_regular_file()) found.push_back(it->path().string());
      std::sort(found.begin(), found.end());
      out.files.insert(out.files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      out.files.push_back(p);
    } else if (configured || required) {
      why = "seed profile " + profile + ": " + p + " does not exist" +
            (configured ? " (named in " + config.path + " [seeds])" : " (create it, or name the files in .pgsafe.toml [seeds])");
      return false;
    }
  }
  if (out.files.empty() && required) {
    why = "seed profile " + profile + " has no .sql file (looked in " + out.looked_in + ")";
    return false;
  }
  return true;
}

const std::vector<std::string>& seed_rules() {
  static const std::vector<std::string> rules{
      "syntax-error",          "psql-meta-command",        "ban-uncommitted-transaction",
      "ban-drop-table",        "ban-drop-column",          "ban-drop-schema",
      "ban-drop-database",     "ban-truncate",             "ban-delete-without-where",
      "ban-update-without-where"};
  return rules;
}

std::vector<std::string> lint_seeds(const LocalSet& local, const SeedProfile& profile) {
  MigrationSet set = local.set;
  for (auto& f : set.files) f.history_only = true;
  std::vector<std::string> out;
  for (const auto& path : profile.files) {
    auto read = read_file_bytes(path);
    if (!read) {
      out.push_back(path + ": cannot read file");
      continue;
    }
    std::string bytes = std::move(*read);
    // A seed runs inside pgsafe's transaction: its own BEGIN/COMMIT would commit part of it
    // before a later error, breaking the all-or-nothing promise.
    {
      SourceText source(path, bytes);
      parser::ParsedFile parsed = parser::parse_sql(source.text());
      for (const auto& stmt : parsed.statements()) {
        if (stmt.parent >= 0 || !stmt.node || !stmt.node->has_transaction_stmt()) continue;
        auto kind = stmt.node->transaction_stmt().kind();
        if (kind == pg_query::TRANS_STMT_SAVEPOINT || kind == pg_query::TRANS_STMT_RELEASE ||
            kind == pg_query::TRANS_STMT_ROLLBACK_TO)
          continue;
        Position at = source.position(stmt.begin);
        out.push_back(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                      ": pgsafe-transaction-control: a seed profile runs in one transaction, all or nothing; "
                      "remove BEGIN/COMMIT/ROLLBACK from seed files");
      }
    }
    MigrationFile f;
    f.path = path;
    f.name = fs::path(path).stem().string();
    f.index = static_cast<int>(set.files.size());
    f.contents = std::move(bytes);
    set.files.push_back(std::move(f));
  }
  LintOptions opts;
  opts.config = local.config;
  opts.select = seed_rules();
  opts.jobs = 2;
  std::vector<std::string> refused = refusal_lines(lint(set, opts));
  out.insert(out.end(), refused.begin(), refused.end());
  return out;
}

SeedRun run_seed_files(Connection& conn, const SeedProfile& profile, std::ostream& err) {
  SeedRun r;
  PgError e;
  if (!conn.exec("BEGIN", &e)) {
    r.error = "cannot start a transaction: " + e.message;
    return r;
  }
  std::string current;
  conn.on_notice([&](const std::string& m) { err << "pgsafe: " << current << ": " << m << "\n"; });
  struct QuietAgain {  // the callback refers to this frame: removed on every way out
    Connection& c;
    ~QuietAgain() { c.on_notice(nullptr); }
  } quiet_again{conn};
  for (const auto& path : profile.files) {
    current = path;
    auto read = read_file_bytes(path);
    if (!read) {
      r.error = path + ": cannot read file";
      conn.exec("ROLLBACK");
      return r;
    }
    std::string text = std::move(*read);
    // Statement by statement, so that a failure names the statement's line and column.
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text[0] = text[1] = text[2] = ' ';
    SourceText source(path, text);
    parser::ParsedFile parsed = parser::parse_sql(source.text());
    for (const auto& stmt : parsed.statements()) {
      if (stmt.parent >= 0) continue;
      std::string sql = source.text().substr(stmt.begin, stmt.end - stmt.begin);
      Result res(PQexec(conn.get(), sql.c_str()));
      ExecStatusType st = PQresultStatus(res.get());
      auto where = [&](int char_position) {
        size_t byte = stmt.begin;
        if (char_position > 0) byte += byte_of_char(sql, char_position);
        Position p = source.position(byte);
        return path + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
      };
      if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
        if (st == PGRES_COPY_IN) PQputCopyEnd(conn.get(), "COPY FROM STDIN is not supported in seed files");
        while (Result more{PQgetResult(conn.get())}) {
        }
        conn.exec("ROLLBACK");
        r.error = where(0) + ": COPY ... FROM STDIN / TO STDOUT needs psql; write the rows as INSERT statements (or "
                             "COPY from a file the server can read)";
        return r;
      }
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        PgError pe = error_of(res.get(), conn.get());
        if (pe.position == 0 && !pe.context.empty()) pe.message += " (" + pe.context + ")";
        r.error = where(pe.position) + ": " + pe.message + (pe.detail.empty() ? "" : " (" + pe.detail + ")") +
                  (pe.hint.empty() ? "" : "\n  hint: " + pe.hint);
        conn.exec("ROLLBACK");
        return r;
      }
      if (PQtransactionStatus(conn.get()) != PQTRANS_INTRANS) {
        conn.exec("ROLLBACK");
        r.error = where(0) + ": this statement ended the seed's transaction; remove transaction control from seed files";
        return r;
      }
    }
  }
  Result counts = conn.exec("SELECT coalesce(sum(n_tup_ins), 0), count(*) FROM pg_stat_xact_user_tables WHERE n_tup_ins > 0");
  if (counts && PQntuples(counts.get()) == 1) {
    r.rows = std::stoll(field(counts.get(), 0, 0));
    r.tables = static_cast<size_t>(std::stoll(field(counts.get(), 0, 1)));
  }
  Result done = conn.exec("COMMIT", &e);
  if (!done || std::string(PQcmdStatus(done.get())) != "COMMIT") {
    r.error = "the seed could not be committed: " + (done ? std::string("the transaction was rolled back") : e.message);
    return r;
  }
  r.ok = true;
  return r;
}

int run_seed(const SeedOptions& o, std::ostream& out, std::ostream& err) {
  auto t0 = std::chrono::steady_clock::now();
  if (!check_common(o, err)) return exit_code::kUsage;
  if (o.generate && o.profile) {
    print_error(err, "--profile and --generate are two ways to seed; give one");
    return exit_code::kUsage;
  }
  if (!o.generate && (!o.tables.empty() || o.out)) {
    print_error(err, "--table and --out go with --generate N");
    return exit_code::kUsage;
  }
  LocalSet local;
  std::vector<std::string> errors;
  if (!load_local({o.dir, o.config}, local, errors)) {
    for (const auto& e : errors) print_error(err, e);
    return exit_code::kUsage;
  }
  if (o.generate) return run_generate_seed(o, local, out, err);
  std::string profile = o.profile.value_or("dev");
  SeedProfile seeds;
  std::string why;
  if (!resolve_seed_profile(local.config, dev::project_root(o.config), profile, true, seeds, why)) {
    print_error(err, why);
    return exit_code::kUsage;
  }
  std::vector<std::string> bad = lint_seeds(local, seeds);
  if (!bad.empty()) {
    for (const auto& b : bad) err << b << "\n";
    print_error(err, "the seed profile " + profile + " was refused (" + std::to_string(bad.size()) +
                         " finding(s)); nothing was loaded (fix them, or suppress with `-- pgsafe-ignore <rule>: <reason>`)");
    return exit_code::kLintRefused;
  }
  Connection conn;
  std::string environment;
  if (int code = open_local_database(o, "seeding writes development data", conn, environment, err)) return code;
  SeedRun sr = run_seed_files(conn, seeds, err);
  if (!sr.ok) {
    print_error(err, "the seed profile " + profile + " failed and was rolled back: " + sr.error);
    return exit_code::kFailed;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  out << "seed " << profile << ": " << seeds.files.size() << " file(s), " << sr.rows << " row(s) in " << sr.tables
      << " table(s), " << ms << " ms\n";
  for (const auto& f : seeds.files) out << "  " << f << "\n";
  return exit_code::kOk;
}

}  // namespace pgsafe::applier
