#include "applier/generate.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "analyzer/synth.h"
#include "applier/exit_codes.h"

namespace pgsafe::applier {

namespace {

using nlohmann::json;

std::string where(const synth::Problem& p) { return p.table + (p.column.empty() ? "" : "." + p.column); }

bool check_usage(const Catalog& catalog, const GenerateOptions& opts, std::vector<std::string>& tables, std::ostream& err) {
  if (opts.format != "text" && opts.format != "json") {
    err << "pgsafe: error: unknown --format '" << opts.format << "' (text, json)\n";
    return false;
  }
  if (opts.rows == 0 || opts.rows > kMaxGenerateRows) {
    err << "pgsafe: error: --generate takes 1 to " << kMaxGenerateRows << " rows per table, not " << opts.rows << "\n";
    return false;
  }
  std::vector<std::string> unknown;
  tables = synth::select_tables(catalog, opts.tables, unknown);
  for (const auto& u : unknown)
    err << "pgsafe: error: --table " << u << ": the migration set creates no such table"
        << (u.find('.') == std::string::npos ? " in any schema" : "") << "\n";
  if (!unknown.empty()) return false;
  if (tables.empty()) {
    err << "pgsafe: error: the migration set creates no tables to generate rows for\n";
    return false;
  }
  return true;
}

json problems_json(const std::vector<synth::Problem>& problems) {
  json out = json::array();
  for (const auto& p : problems)
    out.push_back({{"table", p.table}, {"column", p.column.empty() ? json(nullptr) : json(p.column)},
                   {"message", p.message}, {"skipped", p.skipped}});
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// What the server said, with the objects it named.
std::string describe(const PgError& e) {
  std::string out = e.message;
  std::string objects;
  if (!e.table.empty()) objects += "table " + e.table;
  if (!e.column.empty()) objects += (objects.empty() ? "" : ", ") + std::string("column ") + e.column;
  if (!e.constraint.empty()) objects += (objects.empty() ? "" : ", ") + std::string("constraint ") + e.constraint;
  if (!objects.empty()) out += " (" + objects + ")";
  if (!e.sqlstate.empty()) out += " [" + e.sqlstate + "]";
  if (!e.detail.empty()) out += "; " + e.detail;
  return out;
}

struct TableResult {
  std::string table;
  std::string status;     // loaded, empty, failed, skipped
  size_t generated = 0;
  uint64_t inserted = 0;
  uint64_t existing = 0;
  std::string reason;
};

}  // namespace

int generate_sql(const Catalog& catalog, const GenerateOptions& opts, std::ostream& out, std::ostream& err) {
  std::vector<std::string> tables;
  if (!check_usage(catalog, opts, tables, err)) return exit_code::kUsage;
  bool to_stdout = !opts.out || *opts.out == "-";
  if (!to_stdout) {
    struct stat st {};
    if (lstat(opts.out->c_str(), &st) == 0) {
      err << "pgsafe: error: " << *opts.out << " exists: seed --generate does not overwrite a file (remove it or name another)\n";
      return exit_code::kUsage;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  synth::Options so;
  so.rows = opts.rows;
  so.seed = opts.seed;
  so.tables = tables;
  synth::Generated g = synth::generate(catalog, so);
  std::string script = synth::render_script(g, so);
  size_t rows = 0;
  for (const auto& t : g.tables) rows += t.rows;
  if (to_stdout) {
    out << script;
    out.flush();
  } else {
    std::string error;
    if (!write_file_atomically(*opts.out, script, error)) {
      err << "pgsafe: error: cannot write " << *opts.out << ": " << error << "\n";
      return exit_code::kUsage;
    }
  }
  std::ostream& summary = to_stdout ? err : out;
  double secs = seconds_since(t0);
  if (opts.format == "json") {
    json tables_json = json::array();
    for (const auto& t : g.tables) tables_json.push_back({{"table", t.table}, {"rows", t.rows}});
    json j = {{"seed", opts.seed},           {"rows_per_table", opts.rows}, {"file", to_stdout ? json(nullptr) : json(*opts.out)},
              {"tables", tables_json},       {"rows", rows},                {"problems", problems_json(g.problems)},
              {"seconds", secs}};
    summary << j.dump(2) << "\n";
  } else {
    for (const auto& p : g.problems) summary << "pgsafe: warning: " << where(p) << ": " << p.message << "\n";
    summary << "Generated " << rows << " rows for " << g.tables.size() << " of " << tables.size() << " tables (seed "
            << opts.seed << ") in " << fixed(secs, 2) << " s" << (to_stdout ? "" : " into " + *opts.out) << "\n";
  }
  return exit_code::kOk;
}

int generate_load(Connection& conn, const Catalog& catalog, const GenerateOptions& opts, std::ostream& out,
                  std::ostream& err) {
  std::vector<std::string> tables;
  if (!check_usage(catalog, opts, tables, err)) return exit_code::kUsage;
  auto t0 = std::chrono::steady_clock::now();
  PgError e;
  auto fail = [&](const std::string& what) {
    err << "pgsafe: error: " << what << ": " << describe(e) << "\n";
    conn.exec("ROLLBACK");
    return exit_code::kFailed;
  };
  if (!conn.exec("BEGIN", &e)) return fail("cannot start a transaction");
  // A dev database can still have a session holding a lock: fail instead of waiting forever.
  if (!conn.exec("SET LOCAL lock_timeout = '30s'", &e)) return fail("cannot set lock_timeout");
  Result rel = conn.exec(
      "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'f', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg_toast%'",
      &e);
  if (!rel) return fail("cannot list the database's tables");
  std::set<std::string> existing;
  for (int i = 0; i < PQntuples(rel.get()); ++i) existing.insert(field(rel.get(), i, 0) + "." + field(rel.get(), i, 1));

  std::vector<TableResult> results;
  std::vector<synth::Problem> problems;
  synth::Options so;
  so.rows = opts.rows;
  so.seed = opts.seed;
  so.existing = existing;
  auto count_rows = [&](const std::string& table) -> std::optional<uint64_t> {
    auto v = conn.scalar("SELECT count(*) FROM " + quote_qualified(table), {}, &e);
    if (!v) return std::nullopt;
    uint64_t n = std::stoull(*v);
    // Numeric unique keys start past the largest value in use (rows deleted since the last
    // generation leave count(*) below it): the offset is the larger of the two.
    auto maxes = conn.scalar(
        "SELECT string_agg(DISTINCT format('max(%I)', a.attname), ', ') FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisunique "
        "AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype)",
        {quote_qualified(table)}, &e);
    if (maxes && !maxes->empty()) {
      auto m = conn.scalar("SELECT floor(GREATEST(0, " + *maxes + "))::int8 FROM " + quote_qualified(table), {}, &e);
      if (m && !m->empty()) n = std::max<uint64_t>(n, std::stoull(*m));
    }
    return n;
  };
  for (const auto& t : tables) {
    if (!existing.count(t)) {
      problems.push_back({t, "", "skipped: the table does not exist in the database (are the migrations applied?)", true});
      results.push_back({t, "skipped", 0, 0, 0, "the table does not exist in the database (are the migrations applied?)"});
      continue;
    }
    auto n = count_rows(t);
    if (!n) return fail("cannot count the rows of " + t);
    if (synth::needs_database_columns(*catalog.find_table(t))) {
      // CREATE TABLE AS and the like: the database knows the columns the catalog could not infer.
      Result cols = conn.exec_params(
          "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef, a.attidentity <> '', "
          "a.attgenerated <> '' FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 "
          "AND NOT a.attisdropped ORDER BY a.attnum",
          {quote_qualified(t)}, &e);
      if (!cols) return fail("cannot read the columns of " + t);
      auto& list = so.database_columns[t];
      for (int i = 0; i < PQntuples(cols.get()); ++i)
        list.push_back({field(cols.get(), i, 0), field(cols.get(), i, 1), field(cols.get(), i, 2) == "t",
                        field(cols.get(), i, 3) == "t", field(cols.get(), i, 4) == "t", field(cols.get(), i, 5) == "t"});
    }
    so.offsets[t] = *n;
    so.tables.push_back(t);
  }
  if (so.tables.empty()) {
    conn.exec("ROLLBACK");
  } else {
    synth::Generated g = synth::generate(catalog, so);
    problems.insert(problems.end(), g.problems.begin(), g.problems.end());
    for (const auto& p : g.problems)
      if (p.skipped) results.push_back({p.table, "skipped", 0, 0, so.offsets[p.table], p.message.substr(p.message.find(": ") + 2)});
    for (const auto& ti : g.tables) {
      TableResult r{ti.table, "loaded", ti.rows, 0, so.offsets[ti.table], ""};
      if (!conn.exec("SAVEPOINT pgsafe_seed", &e)) return fail("cannot set a savepoint");
      bool ok = true;
      for (const auto& stmt : ti.statements) {
        Result res = conn.exec(stmt, &e);
        if (!res) {
          ok = false;
          break;
        }
        const char* tuples = PQcmdTuples(res.get());
        r.inserted += tuples && *tuples ? std::stoull(tuples) : 0;
      }
      if (!ok) {
        r.status = "failed";
        r.reason = describe(e);
        r.inserted = 0;
        PgError ignored;
        if (!conn.exec("ROLLBACK TO SAVEPOINT pgsafe_seed", &ignored)) return fail("cannot roll back to the savepoint");
      } else {
        conn.exec("RELEASE SAVEPOINT pgsafe_seed");
        if (r.inserted < ti.rows) {
          // Say which parent ran out: an empty one gives no rows.
          std::string empty;
          for (const auto& parent : ti.required_parents) {
            auto n = conn.scalar("SELECT count(*) FROM " + quote_qualified(parent), {}, &e);
            if (n && *n == "0") empty += (empty.empty() ? "" : ", ") + parent;
          }
          if (r.inserted == 0) r.status = "empty";
          std::string missing = std::to_string(ti.rows - r.inserted) + " rows not inserted: ";
          if (!empty.empty()) r.reason = "no rows to reference in " + empty;
          else if (ti.required_parents.empty()) r.reason = missing + "rows whose unique values the table already holds were left out";
          else r.reason = missing + "the parent rows (or their distinct combinations, for a unique key) ran out";
        }
      }
      results.push_back(r);
    }
    if (!conn.exec("COMMIT", &e)) return fail("the transaction did not commit (nothing was loaded)");
  }

  // Tables in the order they were loaded, then the skipped ones.
  std::stable_partition(results.begin(), results.end(), [](const TableResult& r) { return r.status != "skipped"; });
  uint64_t inserted = 0;
  bool all_ok = true;
  for (const auto& r : results) {
    inserted += r.inserted;
    if (r.status == "failed" || r.status == "skipped") all_ok = false;
  }
  double secs = seconds_since(t0);
  if (opts.format == "json") {
    json tj = json::array();
    for (const auto& r : results)
      tj.push_back({{"table", r.table}, {"status", r.status}, {"generated", r.generated}, {"inserted", r.inserted},
                    {"existing", r.existing}, {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)}});
    json j = {{"seed", opts.seed}, {"rows_per_table", opts.rows}, {"tables", tj}, {"inserted", inserted},
              {"problems", problems_json(problems)}, {"seconds", secs}, {"ok", all_ok}};
    out << j.dump(2) << "\n";
  } else {
    size_t width = 0;
    for (const auto& r : results) width = std::max(width, r.table.size());
    for (const auto& r : results) {
      out << "  " << r.table << std::string(width - r.table.size() + 2, ' ');
      if (r.status == "loaded") out << r.inserted << " rows";
      else out << r.status;
      if (!r.reason.empty()) out << (r.status == "loaded" ? " (" : ": ") << r.reason << (r.status == "loaded" ? ")" : "");
      out << "\n";
    }
    for (const auto& p : problems)
      if (!p.skipped) err << "pgsafe: warning: " << where(p) << ": " << p.message << "\n";
    size_t loaded = 0;
    for (const auto& r : results) loaded += r.status == "loaded";
    out << "Inserted " << inserted << " rows into " << loaded << " of " << tables.size() << " tables (seed " << opts.seed
        << ") in " << fixed(secs, 2) << " s\n";
  }
  return all_ok ? exit_code::kOk : exit_code::kFailed;
}

}  // namespace pgsafe::applier
