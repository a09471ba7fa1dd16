#include "applier/recovery.h"

#include "applier/hints.h"

namespace pgsafe::applier {

namespace {

// "a.b" as written (the parser has folded case and removed quotes): each part quoted, so
// to_regclass reads it back exactly.
std::string quoted_name(const std::string& schema, const std::string& name) {
  return schema.empty() ? quote_ident(name) : quote_ident(schema) + "." + quote_ident(name);
}

std::string quoted_dotted(const std::string& dotted) {
  size_t dot = dotted.rfind('.');
  if (dot == std::string::npos) return quote_ident(dotted);
  return quoted_name(dotted.substr(0, dot), dotted.substr(dot + 1));
}

}  // namespace

std::vector<InvalidIndex> invalid_indexes(Connection& conn, const LocalMigration& m, bool on_tables, PgError* err) {
  std::vector<InvalidIndex> out;
  const std::string sep = "\x1f";
  std::string names, tables;
  for (const auto& s : m.statements) {
    if (!s.summary.index_name.empty())
      names += (names.empty() ? "" : sep) + quoted_name(s.summary.index_schema, s.summary.index_name);
    if (on_tables)
      for (const auto& t : s.summary.tables) tables += (tables.empty() ? "" : sep) + quoted_dotted(t);
  }
  if (names.empty() && tables.empty()) return out;
  // Names that no longer resolve are simply absent (to_regclass gives NULL).
  Result r = conn.exec_params(
      "WITH n AS (SELECT pg_catalog.to_regclass(x) AS oid FROM pg_catalog.unnest(pg_catalog.string_to_array($1, "
      "E'\\x1f')) x), t AS (SELECT pg_catalog.to_regclass(x) AS oid FROM "
      "pg_catalog.unnest(pg_catalog.string_to_array($2, E'\\x1f')) x) "
      "SELECT i.indexrelid::pg_catalog.regclass::text, i.indrelid::pg_catalog.regclass::text, i.indisunique, i.indisready "
      "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
      "WHERE NOT i.indisvalid AND c.relkind = 'i' "
      "AND (i.indexrelid IN (SELECT oid FROM n) OR i.indrelid IN (SELECT oid FROM t)) ORDER BY 1",
      {names, tables}, err);
  if (!r) return out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back({field(r.get(), i, 0), field(r.get(), i, 1), field(r.get(), i, 2) == "t", field(r.get(), i, 3) == "t"});
  return out;
}

nlohmann::json invalid_json(const std::vector<InvalidIndex>& indexes) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& ix : indexes)
    list.push_back({{"index", ix.name}, {"table", ix.table}, {"unique", ix.unique}, {"ready", ix.ready}});
  return list;
}

std::string describe_invalid(const std::vector<InvalidIndex>& indexes) {
  std::string s;
  for (const auto& ix : indexes) {
    if (!s.empty()) s += "\n";
    s += "INVALID index " + ix.name + " on " + ix.table + " (left by a failed build): queries never use it";
    if (ix.ready)
      s += ", yet every write to " + ix.table + " maintains it" + (ix.unique ? " and it rejects new duplicates" : "");
    else if (ix.unique)
      s += ", and it does not enforce uniqueness";
    s += "; IF NOT EXISTS would skip it on a re-run";
  }
  return s;
}

std::vector<std::string> recovery_steps(const LocalMigration* m, const std::string& version,
                                        const std::vector<InvalidIndex>& invalid, int failed_statement,
                                        const std::string& cause_hint) {
  std::vector<std::string> steps;
  for (const auto& ix : invalid) steps.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + ix.name + ";");
  steps.push_back(cause_hint.empty() ? "fix the cause of the failure (in the data, or in a new migration)"
                                     : "fix the cause: " + cause_hint);
  bool partial = failed_statement > 1 || (failed_statement == 0 && m && m->statements.size() > 1);
  if (partial) {
    std::string done = failed_statement > 1 ? "statements 1-" + std::to_string(failed_statement - 1) + " of " +
                                                  (m ? std::to_string(m->statements.size()) : std::string("the file")) +
                                                  " are applied"
                                            : "part of the file may be applied";
    steps.push_back(done + ": undo them, then `pgsafe repair --mark-rolled-back " + version +
                    " --reason \"...\"` so the whole file runs again; or complete the rest by hand and `pgsafe repair "
                    "--mark-applied " + version + " --reason \"...\"` (`pgsafe rollback-plan " + version +
                    "` lists the statements that reverse them)");
  } else {
    steps.push_back("`pgsafe repair --mark-rolled-back " + version + " --reason \"" +
                    (invalid.empty() ? std::string("nothing of it was applied") : "dropped the invalid index") +
                    "\"` so it runs again");
  }
  steps.push_back("`pgsafe apply`");
  return steps;
}

namespace {

std::string cause_of(const Entry& e, const History& history) {
  auto it = history.last_failure.find(e.version);
  // No failure event (it could not be recorded): the hint for the error on the row.
  if (it == history.last_failure.end()) return e.row ? fix_hint(e.row->error_sqlstate) : "";
  const auto& d = it->second.detail;
  std::string fix = d.contains("fix") && d["fix"].is_string() ? d["fix"].get<std::string>() : "";
  std::string message = d.contains("message") && d["message"].is_string() ? d["message"].get<std::string>() : "";
  // A failure pgsafe found itself (an INVALID index) has its own steps; its message is no cause.
  if (d.contains("invalid_indexes") && d.value("sqlstate", std::string()).empty()) return "";
  return fix.empty() ? message : fix;
}

}  // namespace

std::vector<std::string> next_steps(const Entry& e, const std::string& label, const History& history,
                                    const std::vector<InvalidIndex>& invalid) {
  const std::string v = e.version;
  if (label == "in-progress") return {};
  // The file ran to its end but an index it names is INVALID: the steps recorded with the failure.
  if (auto f = history.last_failure.find(v); f != history.last_failure.end() && (label == "rolled-back" || label == "failed")) {
    const auto& d = f->second.detail;
    if (d.contains("invalid_indexes") && d.value("sqlstate", std::string("x")).empty() && d.contains("next") &&
        d["next"].is_array()) {
      std::vector<std::string> steps;
      for (const auto& step : d["next"])
        if (step.is_string()) steps.push_back(step.get<std::string>());
      return steps;
    }
  }
  if (label == "rolled-back") {
    std::string cause = cause_of(e, history);
    return {cause.empty() ? "fix the cause of the failure" : "fix the cause: " + cause,
            "`pgsafe apply` (the file runs again from the start: nothing of it was applied)"};
  }
  if (label == "failed" || label == "partial")
    return recovery_steps(e.local, v, invalid, failed_statement(e, history), cause_of(e, history));
  if (label == "running") {
    std::vector<std::string> steps;
    for (const auto& ix : invalid) steps.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + ix.name + ";");
    steps.push_back(fix_for(e));
    steps.push_back("`pgsafe apply`");
    return steps;
  }
  if (label == "modified" || label == "missing" || label == "out-of-order") return {fix_for(e)};
  if (label == "pending") return {"`pgsafe apply`"};
  return {};
}

std::string numbered_steps(const std::vector<std::string>& steps, const std::string& indent) {
  std::string s;
  for (size_t i = 0; i < steps.size(); ++i) s += (i ? "\n" : "") + indent + std::to_string(i + 1) + ". " + steps[i];
  return s;
}

}  // namespace pgsafe::applier
