#include "applier/devdata.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <map>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"
#include "analyzer/engine.h"
#include "analyzer/plan.h"
#include "analyzer/verdict.h"
#include "applier/devserver.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/lock.h"
#include "applier/seed.h"
#include "applier/session.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgsafe::applier {

namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

std::string seconds_text(long long ms) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(ms < 10000 ? 2 : 1) << ms / 1000.0 << " s";
  return s.str();
}

bool loopback(const std::string& host) {
  if (host.empty()) return true;                         // libpq's default: the Unix socket
  if (host[0] == '/' || host[0] == '@') return true;     // a socket folder, an abstract socket
  std::string h = host;
  std::transform(h.begin(), h.end(), h.begin(), ::tolower);
  if (h == "localhost" || h == "::1" || h == "[::1]" || h == "0:0:0:0:0:0:0:1") return true;
  static const std::regex v4("^127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$");
  return std::regex_match(h, v4);
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) out.push_back(part);
  if (out.empty()) out.push_back("");
  return out;
}

std::string quote_q(const std::string& schema, const std::string& name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

// COMMIT that fails when the transaction did not commit: a COMMIT of an aborted transaction
// "succeeds" with the tag ROLLBACK.
bool commit(Connection& conn, PgError& e) {
  if (PQtransactionStatus(conn.get()) == PQTRANS_INERROR) {
    e.message = "an earlier statement failed, so the transaction was rolled back";
    return false;
  }
  Result r = conn.exec("COMMIT", &e);
  if (!r) return false;
  if (std::string(PQcmdStatus(r.get())) != "COMMIT") {
    e.message = "the transaction was rolled back";
    return false;
  }
  return true;
}

// COPY ... TO STDOUT into a file; rows copied, or -1 with err.
long long copy_out(Connection& conn, const std::string& sql, std::ostream& to, PgError& err) {
  Result r(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_OUT) {
    err = error_of(r.get(), conn.get());
    return -1;
  }
  long long rows = 0;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn.get(), &buf, 0);
    if (n == -1) break;
    if (n == -2) {
      err.message = PQerrorMessage(conn.get());
      return -1;
    }
    to.write(buf, n);
    ++rows;
    PQfreemem(buf);
  }
  Result end(PQgetResult(conn.get()));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) {
    err = error_of(end.get(), conn.get());
    while (Result more{PQgetResult(conn.get())}) {
    }
    return -1;
  }
  while (Result more{PQgetResult(conn.get())}) {
  }
  return rows;
}

// COPY ... FROM STDIN with these text-format lines (each ending in '\n').
bool copy_in(Connection& conn, const std::string& sql, const std::string& data, PgError& err) {
  Result r(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
    err = error_of(r.get(), conn.get());
    return false;
  }
  bool sent = true;
  for (size_t at = 0; sent && at < data.size(); at += 1 << 20) {
    size_t n = std::min<size_t>(1 << 20, data.size() - at);
    sent = PQputCopyData(conn.get(), data.data() + at, static_cast<int>(n)) == 1;
  }
  PQputCopyEnd(conn.get(), sent ? nullptr : "pgsafe could not send the rows");
  bool ok = true;
  while (Result res{PQgetResult(conn.get())}) {
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      if (ok) err = error_of(res.get(), conn.get());
      ok = false;
    }
  }
  return ok;
}

// The migrations' schemas (as the catalog replays them), plus public and the history schema.
struct DropPlan {
  std::vector<std::string> schemas;       // dropped with CASCADE (those that exist)
  std::vector<std::string> extensions;    // the set creates them: dropped so the set can again
  std::vector<std::string> statements;    // other objects the set makes outside those schemas
};

// `CREATE PUBLICATION name`, `CREATE EVENT TRIGGER name`: objects of the database, not of a
// schema, that a DROP SCHEMA leaves behind and a second CREATE would fail on.
void database_objects(const LocalSet& local, DropPlan& plan) {
  static const std::regex pub(R"(^\s*create\s+publication\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))",
                              std::regex::icase);
  static const std::regex evt(R"(^\s*create\s+event\s+trigger\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))",
                              std::regex::icase);
  std::set<std::string> seen;
  for (const auto& m : local.migrations)
    for (const auto& s : m.statements) {
      std::string text = m.statement_text(s);
      std::string lower = text.substr(0, 400);
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower.find("publication") == std::string::npos && lower.find("event") == std::string::npos) continue;
      // Comments before the statement belong to it: skip them.
      size_t at = 0;
      while (at < text.size()) {
        while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
        if (text.compare(at, 2, "--") == 0) at = text.find('\n', at) == std::string::npos ? text.size() : text.find('\n', at);
        else if (text.compare(at, 2, "/*") == 0) at = text.find("*/", at) == std::string::npos ? text.size() : text.find("*/", at) + 2;
        else break;
      }
      std::smatch mt;
      std::string rest = text.substr(at);
      if (std::regex_search(rest, mt, pub) && seen.insert("p" + mt[1].str()).second)
        plan.statements.push_back("DROP PUBLICATION IF EXISTS " + mt[1].str());
      else if (std::regex_search(rest, mt, evt) && seen.insert("e" + mt[1].str()).second)
        plan.statements.push_back("DROP EVENT TRIGGER IF EXISTS " + mt[1].str());
    }
}

// "schema.name" of what a CREATE statement makes, as the catalog keys it (unqualified: public).
std::string created_key(const std::string& written) {
  std::string key = written;
  key.erase(std::remove(key.begin(), key.end(), '"'), key.end());
  if (key.find('.') == std::string::npos) key = "public." + key;
  std::transform(key.begin(), key.end(), key.begin(), ::tolower);
  return key;
}

DropPlan drop_plan(const LocalSet& local, const Catalog& catalog, const std::string& history_schema) {
  DropPlan p;
  std::set<std::string> schemas{"public", history_schema};
  for (const auto& [name, s] : catalog.schemas()) schemas.insert(name);
  for (const char* system : {"pg_catalog", "information_schema", "pg_toast"}) schemas.erase(system);
  p.schemas.assign(schemas.begin(), schemas.end());
  // Outside those schemas only what a migration CREATEs is dropped: a table a migration merely
  // alters (ALTER TABLE auth.users ADD COLUMN ...) belongs to someone else and keeps its rows.
  std::set<std::string> created_tables, created_views;
  static const std::regex ext(R"(^\s*create\s+extension\s+(?!if\s+not\s+exists)("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$-]*))",
                              std::regex::icase);
  std::set<std::string> plain_extensions;
  for (const auto& m : local.migrations)
    for (const auto& st : m.statements) {
      const std::string& kind = st.summary.kind;
      if (kind == "CREATE TABLE" && !st.summary.tables.empty()) created_tables.insert(created_key(st.summary.tables[0]));
      if ((kind == "CREATE VIEW" || kind == "CREATE MATERIALIZED VIEW") && !st.summary.tables.empty())
        created_views.insert(created_key(st.summary.tables[0]));
      if (kind == "CREATE EXTENSION") {
        std::smatch mt;
        std::string text = m.statement_text(st);
        if (std::regex_search(text, mt, ext)) {
          std::string name = mt[1].str();
          if (name.size() > 1 && name.front() == '"') name = name.substr(1, name.size() - 2);
          plain_extensions.insert(name);
        }
      }
    }
  // An extension created without IF NOT EXISTS fails when it runs again: dropped (it did not
  // exist before, or that migration could not have run). One created IF NOT EXISTS stays.
  for (const auto& [name, e] : catalog.extensions())
    if (plain_extensions.count(name)) p.extensions.push_back(name);
  auto outside = [&](const std::string& schema) { return !schemas.count(schema) && schema != "pg_catalog"; };
  for (const auto& [key, v] : catalog.views())
    if (outside(v.schema) && created_views.count(created_key(v.schema + "." + v.name)))
      p.statements.push_back("DROP VIEW IF EXISTS " + quote_q(v.schema, v.name) + " CASCADE");
  for (const auto& [key, t] : catalog.tables())
    if (outside(t.schema) && created_tables.count(created_key(t.schema + "." + t.name)))
      p.statements.push_back("DROP TABLE IF EXISTS " + quote_q(t.schema, t.name) + " CASCADE");
  database_objects(local, p);
  return p;
}

// One table's rows, kept across a reset in a file of COPY text format.
struct Kept {
  std::string schema, name;
  std::vector<std::string> columns;
  long long rows = 0;
  std::string file;
  std::string qualified() const { return schema + "." + name; }
};

struct KeepOutcome {
  std::string table;
  long long kept = 0, loaded = 0, rejected = 0;
  std::vector<std::string> dropped_columns;
  std::string blocked;          // why no row was loaded
  std::string rejected_file;    // rows that could not be loaded
};

// Split a COPY text line into its fields (tabs inside values are escaped as \t).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

class Reset {
 public:
  Reset(const ResetOptions& o, std::ostream& out, std::ostream& err) : o_(o), out_(out), err_(err) {}
  int run();

 private:
  const ResetOptions& o_;
  std::ostream& out_;
  std::ostream& err_;
  std::string keep_dir_;

  int keep(Connection& conn, const DropPlan& plan, std::vector<Kept>& kept);
  std::vector<KeepOutcome> load_kept(Connection& conn, const std::vector<Kept>& kept);
  KeepOutcome load_one(Connection& conn, const Kept& k);
  // Rows of tables loaded without foreign-key checks that break a key: moved to the rejected files.
  void check_foreign_keys(Connection& conn, const std::vector<std::pair<const Kept*, size_t>>& unchecked,
                          std::vector<KeepOutcome>& outcomes);
};

int Reset::keep(Connection& conn, const DropPlan& plan, std::vector<Kept>& kept) {
  std::vector<std::optional<std::string>> params;
  std::string list;
  for (const auto& s : plan.schemas) {
    if (s == o_.history_schema) continue;
    list += (list.empty() ? "" : ",") + s;
  }
  PgError e;
  Result tables = conn.exec_params(
      "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname = ANY(string_to_array($1, ',')) "
      "ORDER BY 1, 2",
      {list}, &e);
  if (!tables) {
    print_error(err_, "cannot list the tables to keep: " + e.message);
    return exit_code::kConnection;
  }
  std::set<std::string> wanted, matched;
  for (const auto& t : o_.keep_tables) wanted.insert(t);
  struct Candidate {
    std::string schema, name, kind;
  };
  std::vector<Candidate> chosen;
  for (int i = 0; i < PQntuples(tables.get()); ++i) {
    Candidate c{field(tables.get(), i, 0), field(tables.get(), i, 1), field(tables.get(), i, 2)};
    if (!wanted.empty()) {
      std::string q = c.schema + "." + c.name;
      if (wanted.count(q)) matched.insert(q);
      else if (wanted.count(c.name)) matched.insert(c.name);
      else continue;
    }
    chosen.push_back(c);
  }
  for (const auto& w : wanted)
    if (!matched.count(w)) {
      print_error(err_, "--keep-data names " + w + ", which is not a table in the schemas a reset drops (" + list +
                            "); nothing was changed");
      return exit_code::kUsage;
    }
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  keep_dir_ = dev::project_root(o_.config) + "/.pgsafe/keep/" + stamp + "-" + std::to_string(getpid());
  std::error_code ec;
  fs::create_directories(keep_dir_, ec);
  if (ec) {
    print_error(err_, "cannot create " + keep_dir_ + " for the kept rows: " + ec.message() + "; nothing was changed");
    return exit_code::kUsage;
  }
  if (!chosen.empty()) {
    std::string names;
    for (const auto& c : chosen) names += (names.empty() ? "" : ", ") + quote_q(c.schema, c.name);
    if (!conn.exec("LOCK TABLE " + names + " IN SHARE MODE", &e)) {
      print_error(err_, "cannot lock the tables to keep against writes: " + e.message + "; nothing was changed");
      return exit_code::kConnection;
    }
  }
  json manifest = json::array();
  int number = 0;
  for (const auto& c : chosen) {
    // Numbered files: a table's name may hold '/' or '.', which a file name must not confuse.
    char numbered[32];
    std::snprintf(numbered, sizeof numbered, "/%04d.tsv", ++number);
    Kept k{c.schema, c.name, {}, 0, keep_dir_ + numbered};
    Result cols = conn.exec_params(
        "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        {quote_q(c.schema, c.name)}, &e);
    if (!cols) {
      print_error(err_, "cannot read the columns of " + k.qualified() + ": " + e.message);
      return exit_code::kConnection;
    }
    std::string select;
    for (int i = 0; i < PQntuples(cols.get()); ++i) {
      k.columns.push_back(field(cols.get(), i, 0));
      select += (i ? ", " : "") + quote_ident(k.columns.back());
    }
    std::ofstream file(k.file, std::ios::binary);
    std::string sql = "COPY (SELECT " + (select.empty() ? std::string("1") : select) + " FROM " +
                      (c.kind == "r" ? "ONLY " : "") + quote_q(c.schema, c.name) + ") TO STDOUT";
    k.rows = copy_out(conn, sql, file, e);
    file.close();
    if (k.rows < 0 || !file) {
      print_error(err_, "cannot copy the rows of " + k.qualified() + " to " + k.file + ": " +
                            (k.rows < 0 ? e.message : std::string("write failed")) + "; nothing was changed");
      return exit_code::kConnection;
    }
    manifest.push_back({{"table", k.qualified()}, {"columns", k.columns}, {"rows", k.rows}, {"file", k.file}});
    kept.push_back(std::move(k));
  }
  std::ofstream(keep_dir_ + "/manifest.json") << manifest.dump(2) << "\n";
  long long rows = 0;
  for (const auto& k : kept) rows += k.rows;
  out_ << "kept " << rows << " row(s) of " << kept.size() << " table(s) in " << keep_dir_ << "\n";
  return 0;
}

KeepOutcome Reset::load_one(Connection& conn, const Kept& k) {
  KeepOutcome r;
  r.table = k.qualified();
  r.kept = k.rows;
  PgError e;
  std::string target = quote_q(k.schema, k.name);
  Result cols = conn.exec_params(
      "SELECT a.attname, a.attnotnull, a.atthasdef, a.attidentity <> '', a.attgenerated <> '' "
      "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      {target}, &e);
  if (!cols || PQntuples(cols.get()) == 0) {
    r.blocked = "the table no longer exists after the migrations";
    r.rejected = k.rows;
    r.rejected_file = k.file;
    return r;
  }
  std::map<std::string, bool> generated;
  std::set<std::string> present;
  std::vector<std::string> required;
  for (int i = 0; i < PQntuples(cols.get()); ++i) {
    std::string name = field(cols.get(), i, 0);
    present.insert(name);
    bool notnull = field(cols.get(), i, 1) == "t", hasdef = field(cols.get(), i, 2) == "t";
    bool identity = field(cols.get(), i, 3) == "t", gen = field(cols.get(), i, 4) == "t";
    generated[name] = gen;
    if (notnull && !hasdef && !identity && !gen &&
        std::find(k.columns.begin(), k.columns.end(), name) == k.columns.end())
      required.push_back(name);
  }
  std::vector<size_t> keep_fields;
  std::string column_list;
  for (size_t i = 0; i < k.columns.size(); ++i) {
    const std::string& c = k.columns[i];
    if (!present.count(c)) {
      r.dropped_columns.push_back(c);
      continue;
    }
    if (generated[c]) continue;
    keep_fields.push_back(i);
    column_list += (column_list.empty() ? "" : ", ") + quote_ident(c);
  }
  if (!required.empty()) {
    std::string names;
    for (const auto& c : required) names += (names.empty() ? "" : ", ") + c;
    r.blocked = "new NOT NULL column(s) without a default: " + names + "; no kept row has a value for them";
    r.rejected = k.rows;
    r.rejected_file = k.file;
    return r;
  }
  if (k.rows == 0) return r;
  // The kept lines, with only the columns that still exist.
  std::vector<std::string> lines;
  {
    std::ifstream in(k.file, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      if (keep_fields.size() == k.columns.size()) {
        lines.push_back(line + "\n");
        continue;
      }
      std::vector<std::string> f = fields_of(line);
      std::string projected;
      for (size_t j = 0; j < keep_fields.size(); ++j)
        projected += (j ? "\t" : "") + (keep_fields[j] < f.size() ? f[keep_fields[j]] : std::string("\\N"));
      lines.push_back(projected + "\n");
    }
  }
  std::string copy = "COPY " + target + " (" + column_list + ") FROM STDIN";
  conn.exec("SAVEPOINT pgsafe_keep");
  std::string all;
  for (const auto& l : lines) all += l;
  if (copy_in(conn, copy, all, e)) {
    conn.exec("RELEASE SAVEPOINT pgsafe_keep");
    r.loaded = static_cast<long long>(lines.size());
    return r;
  }
  // Row by row, to keep every row that can be kept and set aside the others with the reason.
  conn.exec("ROLLBACK TO SAVEPOINT pgsafe_keep");
  fs::create_directories(keep_dir_ + "/rejected");
  std::string base = fs::path(k.file).stem().string();
  r.rejected_file = keep_dir_ + "/rejected/" + base + ".tsv";
  std::ofstream rejected(r.rejected_file, std::ios::binary);
  std::ofstream reasons(keep_dir_ + "/rejected/" + base + ".errors.txt");
  reasons << "# " << k.qualified() << "\n# columns: ";
  for (size_t j = 0; j < keep_fields.size(); ++j) reasons << (j ? "\t" : "") << k.columns[keep_fields[j]];
  reasons << "\n";
  for (size_t i = 0; i < lines.size(); ++i) {
    conn.exec("SAVEPOINT pgsafe_row");
    PgError row_error;
    if (copy_in(conn, copy, lines[i], row_error)) {
      conn.exec("RELEASE SAVEPOINT pgsafe_row");
      ++r.loaded;
    } else {
      conn.exec("ROLLBACK TO SAVEPOINT pgsafe_row");
      ++r.rejected;
      rejected << lines[i];
      reasons << "row " << (i + 1) << ": " << row_error.message
              << (row_error.detail.empty() ? "" : " (" + row_error.detail + ")") << "\n";
    }
  }
  conn.exec("RELEASE SAVEPOINT pgsafe_keep");
  return r;
}

void Reset::check_foreign_keys(Connection& conn, const std::vector<std::pair<const Kept*, size_t>>& unchecked,
                               std::vector<KeepOutcome>& outcomes) {
  struct Key {
    std::string condition;  // rows of the child (alias c) that break the key
    const Kept* kept;
    size_t outcome;
  };
  std::vector<Key> keys;
  for (const auto& [k, index] : unchecked) {
    Result r = conn.exec_params(
        "SELECT k.confrelid::regclass::text, "
        "  (SELECT array_to_json(array_agg(quote_ident(a.attname) ORDER BY o.i)) FROM unnest(k.conkey) WITH ORDINALITY o(n, i) "
        "     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = o.n), "
        "  (SELECT array_to_json(array_agg(quote_ident(a.attname) ORDER BY o.i)) FROM unnest(k.confkey) WITH ORDINALITY o(n, i) "
        "     JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = o.n) "
        "FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = $1::regclass",
        {quote_q(k->schema, k->name)});
    if (!r) continue;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      json from = json::parse(field(r.get(), i, 1), nullptr, false), to = json::parse(field(r.get(), i, 2), nullptr, false);
      if (!from.is_array() || !to.is_array() || from.size() != to.size()) continue;
      // MATCH SIMPLE: a key with a NULL column references nothing.
      std::string all_set, match;
      for (size_t j = 0; j < from.size(); ++j) {
        all_set += (j ? " AND " : "") + std::string("c.") + from[j].get<std::string>() + " IS NOT NULL";
        match += (j ? " AND " : "") + std::string("p.") + to[j].get<std::string>() + " = c." + from[j].get<std::string>();
      }
      keys.push_back({all_set + " AND NOT EXISTS (SELECT 1 FROM " + field(r.get(), i, 0) + " p WHERE " + match + ")", k, index});
    }
  }
  for (int pass = 0; pass < 20; ++pass) {
    bool removed = false;
    for (const auto& key : keys) {
      const Kept& k = *key.kept;
      KeepOutcome& o = outcomes[key.outcome];
      std::string target = quote_q(k.schema, k.name);
      std::string cols;
      for (const auto& c : k.columns) cols += (cols.empty() ? "" : ", ") + std::string("c.") + quote_ident(c);
      fs::create_directories(keep_dir_ + "/rejected");
      std::string base = fs::path(k.file).stem().string();
      std::ofstream rejected(keep_dir_ + "/rejected/" + base + ".tsv", std::ios::binary | std::ios::app);
      PgError e;
      long long n = copy_out(conn, "COPY (SELECT " + cols + " FROM " + target + " c WHERE " + key.condition + ") TO STDOUT",
                             rejected, e);
      if (n <= 0) continue;
      std::ofstream(keep_dir_ + "/rejected/" + base + ".errors.txt", std::ios::app)
          << n << " row(s): a foreign key references a row that was not kept or could not be loaded\n";
      conn.exec("DELETE FROM " + target + " c WHERE " + key.condition);
      o.loaded -= n;
      o.rejected += n;
      o.rejected_file = keep_dir_ + "/rejected/" + base + ".tsv";
      removed = true;
    }
    if (!removed) break;
  }
}

std::vector<KeepOutcome> Reset::load_kept(Connection& conn, const std::vector<Kept>& kept) {
  // Parents before children: the foreign keys among the kept tables, as the migrations left them.
  std::map<std::string, std::set<std::string>> parents;
  std::set<std::string> names;
  for (const auto& k : kept) names.insert(k.qualified());
  Result fks = conn.exec(
      "SELECT cn.nspname || '.' || c.relname, pn.nspname || '.' || p.relname FROM pg_constraint k "
      "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace "
      "JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE k.contype = 'f'");
  std::set<std::string> self_referencing;
  if (fks)
    for (int i = 0; i < PQntuples(fks.get()); ++i) {
      std::string child = field(fks.get(), i, 0), parent = field(fks.get(), i, 1);
      if (child == parent) self_referencing.insert(child);
      else if (names.count(child) && names.count(parent)) parents[child].insert(parent);
    }
  // Tables on a cycle of foreign keys (or referencing themselves) cannot be loaded parents
  // first: their keys are checked once everything is loaded, after every kept row that breaks
  // a key has been taken out (to the rejected file), until none does.
  std::set<std::string> cyclic = self_referencing;
  for (const auto& k : kept) {
    std::set<std::string> seen;
    std::vector<std::string> todo(parents[k.qualified()].begin(), parents[k.qualified()].end());
    while (!todo.empty()) {
      std::string t = todo.back();
      todo.pop_back();
      if (t == k.qualified()) {
        cyclic.insert(t);
        break;
      }
      if (!seen.insert(t).second) continue;
      todo.insert(todo.end(), parents[t].begin(), parents[t].end());
    }
  }
  std::vector<const Kept*> order;
  std::set<std::string> placed;
  std::function<void(const Kept&, std::set<std::string>&)> visit = [&](const Kept& k, std::set<std::string>& path) {
    if (placed.count(k.qualified()) || path.count(k.qualified())) return;  // a cycle: load in name order
    path.insert(k.qualified());
    for (const auto& p : parents[k.qualified()])
      for (const auto& other : kept)
        if (other.qualified() == p) visit(other, path);
    placed.insert(k.qualified());
    order.push_back(&k);
  };
  for (const auto& k : kept) {
    std::set<std::string> path;
    visit(k, path);
  }
  std::vector<KeepOutcome> outcomes;
  std::vector<std::pair<const Kept*, size_t>> unchecked;  // loaded with their foreign keys deferred
  conn.exec("BEGIN");
  // The cycle's keys are checked at the end instead of row by row: made deferrable for this
  // transaction (the table's owner may; no superuser needed), and made as they were after.
  std::vector<std::pair<std::string, std::string>> made_deferrable;  // table, constraint
  for (const auto& t : cyclic) {
    if (!names.count(t)) continue;
    Result r = conn.exec_params(
        "SELECT conrelid::regclass::text, quote_ident(conname) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = to_regclass($1) AND NOT condeferrable",
        {t});
    for (int i = 0; r && i < PQntuples(r.get()); ++i) {
      std::string table = field(r.get(), i, 0), name = field(r.get(), i, 1);
      if (conn.exec("ALTER TABLE " + table + " ALTER CONSTRAINT " + name + " DEFERRABLE INITIALLY DEFERRED"))
        made_deferrable.push_back({table, name});
    }
  }
  conn.exec("SET CONSTRAINTS ALL DEFERRED");
  // Restored rows are not new events: the tables' own triggers (updated_at, audit logs) stay
  // quiet while they load, switched off before any row (a table with pending key checks cannot
  // be altered) and on again once the checks have run. Foreign keys are not user triggers.
  std::vector<std::string> quiet;
  for (const Kept* k : order) {
    std::string target = quote_q(k->schema, k->name);
    conn.exec("SAVEPOINT pgsafe_quiet");
    if (conn.exec("ALTER TABLE " + target + " DISABLE TRIGGER USER")) {
      conn.exec("RELEASE SAVEPOINT pgsafe_quiet");
      quiet.push_back(target);
    } else {
      conn.exec("ROLLBACK TO SAVEPOINT pgsafe_quiet");  // the table is gone: load_one says so
    }
  }
  for (const Kept* k : order) {
    outcomes.push_back(load_one(conn, *k));
    if (cyclic.count(k->qualified())) unchecked.push_back({k, outcomes.size() - 1});
    // Identity and serial columns continue after the kept rows, not from 1.
    if (outcomes.back().loaded > 0) {
      std::string target = quote_q(k->schema, k->name);
      Result seqs = conn.exec_params(
          "SELECT a.attname, pg_get_serial_sequence($1, a.attname) FROM pg_attribute a "
          "WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped "
          "AND pg_get_serial_sequence($1, a.attname) IS NOT NULL",
          {target});
      if (seqs)
        for (int i = 0; i < PQntuples(seqs.get()); ++i) {
          // Within the sequence's bounds (a kept id 0 is below a serial's MINVALUE of 1): a
          // failure here must not abort the transaction that holds every loaded row.
          conn.exec("SAVEPOINT pgsafe_seq");
          PgError se;
          if (conn.exec_params("SELECT setval(s.seq, greatest(m, q.min_value)) FROM (SELECT $1::regclass AS seq, max(" +
                                   quote_ident(field(seqs.get(), i, 0)) + ")::bigint AS m FROM " + target +
                                   ") s JOIN pg_sequences q ON format('%I.%I', q.schemaname, q.sequencename)::regclass = s.seq "
                                   "WHERE m IS NOT NULL AND m <= q.max_value",
                               {field(seqs.get(), i, 1)}, &se))
            conn.exec("RELEASE SAVEPOINT pgsafe_seq");
          else {
            conn.exec("ROLLBACK TO SAVEPOINT pgsafe_seq");
            err_ << "pgsafe: warning: could not move " << field(seqs.get(), i, 1) << " past the kept rows: " << se.message
                 << "\n";
          }
        }
    }
  }
  if (!unchecked.empty()) check_foreign_keys(conn, unchecked, outcomes);
  conn.exec("SET CONSTRAINTS ALL IMMEDIATE");  // the deferred checks run now, on what is left
  for (const auto& target : quiet) conn.exec("ALTER TABLE " + target + " ENABLE TRIGGER USER");
  for (const auto& [table, name] : made_deferrable)
    conn.exec("ALTER TABLE " + table + " ALTER CONSTRAINT " + name + " NOT DEFERRABLE");
  PgError e;
  if (!commit(conn, e)) {
    conn.exec("ROLLBACK");
    print_error(err_, "the kept rows could not be committed: " + e.message + "; they are all in " + keep_dir_);
    for (auto& o : outcomes) {
      o.rejected = o.kept;
      o.loaded = 0;
      o.rejected_file = keep_dir_;
    }
  }
  return outcomes;
}

int Reset::run() {
  auto t0 = Clock::now();
  if (!check_common(o_, err_)) return exit_code::kUsage;
  // Everything that could stop the reset is checked before anything is dropped.
  LocalSet local;
  std::vector<std::string> errors;
  if (!load_local({o_.dir, o_.config}, local, errors)) {
    for (const auto& e : errors) print_error(err_, e);
    return exit_code::kUsage;
  }
  std::string profile = o_.seed ? *o_.seed : (o_.keep_data ? "none" : "dev");
  SeedProfile seeds;
  if (profile != "none") {
    std::string why;
    if (!resolve_seed_profile(local.config, dev::project_root(o_.config), profile, /*required=*/o_.seed.has_value(),
                              seeds, why)) {
      print_error(err_, why);
      return exit_code::kUsage;
    }
  }
  std::vector<const LocalMigration*> all;
  for (const auto& m : local.migrations) all.push_back(&m);
  std::vector<std::string> refused = lint_gate(local, all);
  if (!refused.empty()) {
    for (const auto& r : refused) err_ << r << "\n";
    print_error(err_, "the lint gate refused " + std::to_string(refused.size()) +
                          " finding(s) at error level in the migrations; nothing was dropped");
    return exit_code::kLintRefused;
  }
  if (!seeds.files.empty()) {
    std::vector<std::string> bad = lint_seeds(local, seeds);
    if (!bad.empty()) {
      for (const auto& r : bad) err_ << r << "\n";
      print_error(err_, "the seed profile " + profile + " was refused (" + std::to_string(bad.size()) +
                            " finding(s)); nothing was dropped");
      return exit_code::kLintRefused;
    }
  }

  ConnSource source = resolve_conninfo(o_);
  Connection conn;
  std::string environment;
  if (int code = open_local_database(o_, "a reset drops every table the migrations made", conn, environment, err_))
    return code;
  conn.on_notice([](const std::string&) {});  // "drop cascades to ..." for every object: the summary says it
  std::string database = conn.scalar("SELECT current_database()").value_or("");
  Catalog catalog = build_plan(local.set).catalog;
  DropPlan plan = drop_plan(local, catalog, o_.history_schema);
  // Only the schemas that exist.
  std::vector<std::string> existing;
  for (const auto& s : plan.schemas)
    if (conn.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", {s})) existing.push_back(s);
  std::string schema_list;
  for (const auto& s : existing) schema_list += (schema_list.empty() ? "" : ", ") + s;
  if (!o_.yes) {
    if (!dev::interactive()) {
      print_error(err_, "reset drops schemas " + schema_list + " of database \"" + database +
                            "\" and everything in them; pass --yes when stdin is not a terminal");
      return exit_code::kUsage;
    }
    if (!dev::ask("reset database \"" + database + "\": drop schemas " + schema_list +
                      " and everything in them, then apply " + std::to_string(local.migrations.size()) +
                      " migration(s)" + (o_.keep_data ? ", keeping the rows" : "") + "?",
                  err_)) {
      out_ << "nothing was changed\n";
      return exit_code::kOk;
    }
  }
  // No applier may run while the schema is dropped under it.
  Connection lock_conn;
  if (!open_connection(o_, lock_conn, err_ /* quiet enough: said once above */)) return exit_code::kConnection;
  LockAttempt lock = acquire_lock(lock_conn, lock_key(o_.history_schema), o_.lock_wait, [&](const std::string& holder) {
    err_ << "pgsafe: waiting for the migration lock" << (holder.empty() ? "" : ", held by " + holder) << "\n";
  });
  if (lock.outcome != LockOutcome::Acquired) {
    print_error(err_, lock.outcome == LockOutcome::TimedOut ? "another applier holds the migration lock; nothing was dropped"
                                                             : "cannot take the migration lock: " + lock.error.message);
    return lock.outcome == LockOutcome::TimedOut ? exit_code::kLockTimeout : exit_code::kConnection;
  }

  // The rows kept and the drop are one transaction: the tables are locked against writes first,
  // so a row written meanwhile is neither lost between the copy and the drop nor half-kept.
  PgError e;
  if (!conn.exec("BEGIN", &e)) {
    print_error(err_, "cannot start the reset: " + e.message);
    return exit_code::kConnection;
  }
  std::vector<Kept> kept;
  if (o_.keep_data)
    if (int code = keep(conn, plan, kept)) {
      conn.exec("ROLLBACK");
      return code;
    }

  auto t_drop = Clock::now();
  long long relations = 0;
  if (auto n = conn.scalar(
          "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') "
          "AND n.nspname = ANY(string_to_array($1, ','))",
          {[&] {
            std::string l;
            for (const auto& s : existing) l += (l.empty() ? "" : ",") + s;
            return l;
          }()}))
    relations = std::stoll(*n);
  size_t other_objects = 0;
  for (const auto& sql : plan.statements) {
    conn.exec("SAVEPOINT pgsafe_drop");
    if (conn.exec(sql)) {
      conn.exec("RELEASE SAVEPOINT pgsafe_drop");
      ++other_objects;
    } else {
      conn.exec("ROLLBACK TO SAVEPOINT pgsafe_drop");
    }
  }
  bool dropped = true;
  for (const auto& ext : plan.extensions)
    if (!conn.exec("DROP EXTENSION IF EXISTS " + quote_ident(ext) + " CASCADE", &e)) dropped = false;
  for (const auto& s : existing)
    if (dropped && !conn.exec("DROP SCHEMA " + quote_ident(s) + " CASCADE", &e)) dropped = false;
  // public as a new cluster has it (PostgreSQL 15 changed its owner and its CREATE grant).
  if (dropped) {
    bool v15 = conn.server_version() >= 150000;
    dropped = conn.exec(std::string("CREATE SCHEMA public AUTHORIZATION ") + (v15 ? "pg_database_owner" : "CURRENT_USER"), &e) &&
              conn.exec(v15 ? "GRANT USAGE ON SCHEMA public TO PUBLIC" : "GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC", &e) &&
              conn.exec("COMMENT ON SCHEMA public IS 'standard public schema'", &e);
  }
  if (!dropped || !commit(conn, e)) {
    conn.exec("ROLLBACK");
    print_error(err_, "the drop failed and was rolled back: " + e.message + (e.hint.empty() ? "" : " (" + e.hint + ")") +
                          "; the database is as it was");
    return exit_code::kFailed;
  }
  long long drop_ms = ms_since(t_drop);
  out_ << "dropped schema(s) " << schema_list << " (" << relations << " table(s))";
  if (!plan.extensions.empty()) out_ << ", " << plan.extensions.size() << " extension(s)";
  if (other_objects) out_ << ", " << other_objects << " other object(s)";
  out_ << " in " << drop_ms << " ms\n";
  lock_conn = Connection();  // the applier takes the lock itself

  auto t_apply = Clock::now();
  ApplyOptions apply;
  static_cast<CommonOptions&>(apply) = o_;
  apply.db = source.conninfo.empty() ? std::nullopt : std::optional<std::string>(source.conninfo);
  apply.format = "text";
  apply.env = environment.empty() ? "local" : environment;
  apply.lock_wait = o_.lock_wait;
  apply.after_reset = true;
  std::ostringstream apply_out, apply_err;  // its progress lines repeat its report; shown when it fails
  int code = run_apply(apply, apply_out, apply_err);
  std::string text = apply_out.str();
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out_ << "  " << line << "\n";
  if (code != 0) {
    err_ << apply_err.str();
    print_error(err_, "the migrations did not apply (exit " + std::to_string(code) + "); the database holds what ran" +
                          (kept.empty() ? std::string() : ", and the kept rows are in " + keep_dir_));
    return code;
  }
  long long apply_ms = ms_since(t_apply);
  out_ << "applied " << local.migrations.size() << " migration(s) in " << apply_ms << " ms\n";

  int result = exit_code::kOk;
  if (o_.keep_data) {
    auto t_load = Clock::now();
    std::vector<KeepOutcome> outcomes = load_kept(conn, kept);
    long long kept_rows = 0, loaded = 0, rejected = 0;
    for (const auto& k : outcomes) {
      kept_rows += k.kept;
      loaded += k.loaded;
      rejected += k.rejected;
    }
    out_ << "loaded " << loaded << " of " << kept_rows << " kept row(s) in " << ms_since(t_load) << " ms:\n";
    for (const auto& k : outcomes) {
      out_ << "  " << k.table << ": " << k.loaded << "/" << k.kept;
      if (!k.dropped_columns.empty()) {
        std::string cols;
        for (const auto& c : k.dropped_columns) cols += (cols.empty() ? "" : ", ") + c;
        out_ << "; column(s) dropped by the migrations, values not loaded: " << cols;
      }
      if (!k.blocked.empty()) out_ << "; blocked: " << k.blocked;
      if (k.rejected) out_ << "; " << k.rejected << " row(s) not loaded, kept in " << k.rejected_file;
      out_ << "\n";
    }
    if (rejected) err_ << "pgsafe: warning: " << rejected << " kept row(s) could not be loaded; they are in " << keep_dir_
                       << " (with the reasons in rejected/*.errors.txt)\n";
  }
  if (!seeds.files.empty()) {
    auto t_seed = Clock::now();
    SeedRun sr = run_seed_files(conn, seeds, err_);
    if (!sr.ok) {
      print_error(err_, "the seed profile " + profile + " failed and was rolled back: " + sr.error);
      return exit_code::kFailed;
    }
    out_ << "seed " << profile << ": " << seeds.files.size() << " file(s), " << sr.rows << " row(s) in " << sr.tables
         << " table(s), " << ms_since(t_seed) << " ms\n";
  } else if (profile != "none") {
    out_ << "seed " << profile << ": no seed files (" << seeds.looked_in << ")\n";
  }
  out_ << "reset database \"" << database << "\" in " << seconds_text(ms_since(t0)) << "\n";
  return result;
}

}  // namespace

bool development_tag(const std::string& environment) {
  static const std::set<std::string> ok{"", "local", "dev", "development", "test", "testing", "ci"};
  std::string e = environment;
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return ok.count(e) > 0;
}

std::optional<std::string> non_local_target(const std::string& conninfo) {
  std::string hosts, hostaddrs;
  if (conninfo.empty()) {
    if (const char* h = std::getenv("PGHOST")) hosts = h;
    if (const char* a = std::getenv("PGHOSTADDR")) hostaddrs = a;
  } else {
    char* errmsg = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &errmsg);
    if (errmsg) PQfreemem(errmsg);
    if (!opts) return "the connection string cannot be parsed";
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (!o->val) continue;
      if (std::string(o->keyword) == "host") hosts = o->val;
      if (std::string(o->keyword) == "hostaddr") hostaddrs = o->val;
    }
    PQconninfoFree(opts);
    if (hosts.empty())
      if (const char* h = std::getenv("PGHOST")) hosts = h;
  }
  for (const auto& h : split_list(hosts))
    if (!loopback(h)) return "host " + h + " is not this machine";
  if (!hostaddrs.empty())
    for (const auto& a : split_list(hostaddrs))
      if (!a.empty() && !loopback(a)) return "hostaddr " + a + " is not this machine";
  return std::nullopt;
}

std::optional<std::string> non_local_connection(const Connection& conn) {
  const char* host = PQhost(conn.get());
  if (host && !loopback(host)) return std::string("connected to host ") + host + ", which is not this machine";
  const char* addr = PQhostaddr(conn.get());
  if (addr && *addr && !loopback(addr)) return std::string("connected to address ") + addr + ", which is not this machine";
  return std::nullopt;
}

int open_local_database(const CommonOptions& opts, const std::string& what, Connection& conn, std::string& environment,
                        std::ostream& err) {
  ConnSource source = resolve_conninfo(opts);
  if (auto why = non_local_target(source.conninfo)) {
    print_error(err, "refused: " + *why + " (" + source.label + "); " + what +
                         ", so it runs only on a local development database (a Unix socket, localhost, 127.0.0.1 or ::1)");
    return exit_code::kNotLocal;
  }
  if (!open_connection(opts, conn, err)) return exit_code::kConnection;
  if (auto why = non_local_connection(conn)) {
    print_error(err, "refused: " + *why + "; " + what + ", so it runs only on a local development database");
    return exit_code::kNotLocal;
  }
  // Every pgsafe history in the database has its say, whatever --history-schema names.
  PgError e;
  Result metas = conn.exec(
      "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname = 'pgsafe_meta' AND c.relkind = 'r' ORDER BY 1",
      &e);
  if (!metas) {
    print_error(err, "cannot look for pgsafe's history tables: " + e.message);
    return exit_code::kConnection;
  }
  bool tagged = false, has_history = false;
  for (int i = 0; i < PQntuples(metas.get()); ++i) {
    std::string schema = field(metas.get(), i, 0);
    History h;
    HistoryStore store(conn, schema);
    if (!store.read(h, e)) {
      print_error(err, "cannot read the history in schema " + schema + ": " + e.message);
      return exit_code::kConnection;
    }
    has_history = has_history || !h.rows.empty() || h.events > 0;
    std::string tag = h.meta.count("environment") ? h.meta.at("environment") : "";
    if (!development_tag(tag)) {
      print_error(err, "refused: this database is tagged '" + tag + "' (" + schema + ".pgsafe_meta); " + what +
                           ", so it never runs on a database tagged as anything but local, dev or test, whatever the flags");
      return exit_code::kNotLocal;
    }
    if (!tag.empty()) {
      tagged = true;
      if (schema == opts.history_schema || environment.empty()) environment = tag;
    }
  }
  // A database with a migration history but no tag could be anything seen through a tunnel on
  // localhost: it must have been tagged as a development database once.
  if (has_history && !tagged) {
    print_error(err, "refused: this database has a pgsafe history but is not tagged as a development database; " + what +
                         ". If it is one, tag it once: pgsafe apply --env local");
    return exit_code::kNotLocal;
  }
  return exit_code::kOk;
}

int run_reset(const ResetOptions& opts, std::ostream& out, std::ostream& err) { return Reset(opts, out, err).run(); }

}  // namespace pgsafe::applier
