#include "applier/history.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace pgsafe::applier {

std::set<std::string> History::applied_versions() const {
  std::set<std::string> out;
  for (const auto& row : rows)
    if (row.status == "applied" || row.status == "baseline") out.insert(row.version);
  return out;
}

const HistoryRow* History::find(const std::string& version) const {
  for (const auto& r : rows)
    if (r.version == version) return &r;
  return nullptr;
}

Actor Actor::current() {
  Actor a;
  if (const passwd* pw = getpwuid(geteuid())) a.os_user = pw->pw_name;
  else if (const char* u = std::getenv("USER")) a.os_user = u;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) a.host = host;
  a.tool_version = std::string("pgsafe/") + PGSAFE_VERSION;
  return a;
}

std::string HistoryStore::table(const char* name) const { return quote_ident(schema_) + "." + quote_ident(name); }

bool HistoryStore::read(History& out, PgError& err) {
  out = History{};
  auto reg = conn_.scalar("SELECT pg_catalog.to_regclass($1) IS NOT NULL AND pg_catalog.to_regclass($2) IS NOT NULL",
                          {table("pgsafe_meta"), table("pgsafe_migrations")}, &err);
  if (!reg) return false;
  if (*reg != "t") return true;
  out.exists = true;
  Result meta = conn_.exec("SELECT key, value FROM " + table("pgsafe_meta"), &err);
  if (!meta) return false;
  for (int i = 0; i < PQntuples(meta.get()); ++i) out.meta[field(meta.get(), i, 0)] = field(meta.get(), i, 1);
  out.format = out.meta.count("history_format") ? std::atoi(out.meta["history_format"].c_str()) : 0;
  Result rows = conn_.exec(
      "SELECT version, name, file, checksum, tx_mode, status, started_at::text, finished_at::text, "
      "coalesce(plan_hash, ''), coalesce(approved_by, ''), coalesce(error_sqlstate, ''), coalesce(error_message, '') "
      "FROM " + table("pgsafe_migrations") + " ORDER BY version",
      &err);
  if (!rows) return false;
  for (int i = 0; i < PQntuples(rows.get()); ++i) {
    HistoryRow r;
    const PGresult* p = rows.get();
    r.version = field(p, i, 0);
    r.name = field(p, i, 1);
    r.file = field(p, i, 2);
    r.checksum = field(p, i, 3);
    r.tx_mode = field(p, i, 4);
    r.status = field(p, i, 5);
    r.started_at = field(p, i, 6);
    r.finished_at = field(p, i, 7);
    r.plan_hash = field(p, i, 8);
    r.approved_by = field(p, i, 9);
    r.error_sqlstate = field(p, i, 10);
    r.error_message = field(p, i, 11);
    out.rows.push_back(std::move(r));
  }
  if (auto n = conn_.scalar("SELECT count(*) FROM " + table("pgsafe_migration_events"), {}, &err)) out.events = std::atoll(n->c_str());
  else return false;
  Result last = conn_.exec(
      "SELECT version, at::text, detail::text FROM (SELECT DISTINCT ON (version) version, kind, at, detail FROM " +
          table("pgsafe_migration_events") +
          " WHERE version IS NOT NULL AND kind IN ('apply', 'fail', 'baseline', 'repair') ORDER BY version, id DESC) e "
          "WHERE kind = 'fail'",
      &err);
  if (!last) return false;
  for (int i = 0; i < PQntuples(last.get()); ++i) {
    nlohmann::json detail = nlohmann::json::parse(field(last.get(), i, 2), nullptr, false);
    out.last_failure[field(last.get(), i, 0)] = {field(last.get(), i, 1),
                                                 detail.is_discarded() ? nlohmann::json::object() : detail};
  }
  return true;
}

bool HistoryStore::ensure(PgError& err, std::string& problem) {
  auto fail = [&] {
    conn_.exec("ROLLBACK");
    return false;
  };
  if (!conn_.exec("BEGIN", &err)) return false;
  if (!conn_.exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema_), &err)) return fail();
  if (!conn_.exec("CREATE TABLE IF NOT EXISTS " + table("pgsafe_meta") +
                      " (key text PRIMARY KEY, value text NOT NULL, "
                      "updated_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp())",
                  &err))
    return fail();
  auto fmt = conn_.scalar("SELECT value FROM " + table("pgsafe_meta") + " WHERE key = 'history_format'", {}, &err);
  if (!fmt && !err.message.empty()) return fail();
  int format = fmt ? std::atoi(fmt->c_str()) : 0;
  if (format > kHistoryFormat) {
    problem = "the history in schema " + schema_ + " has format " + *fmt + ", written by a newer pgsafe (this one knows " +
              std::to_string(kHistoryFormat) + "); upgrade pgsafe";
    return fail();
  }
  if (format < 1) {
    const std::string m = table("pgsafe_migrations"), e = table("pgsafe_migration_events");
    const std::string guard = quote_ident(schema_) + ".pgsafe_events_append_only";
    std::vector<std::string> ddl{
        "CREATE TABLE " + m +
            " (version text PRIMARY KEY, name text NOT NULL, file text NOT NULL, checksum text NOT NULL, "
            "tx_mode text NOT NULL CHECK (tx_mode IN ('transaction', 'none', 'baseline')), "
            "status text NOT NULL CHECK (status IN ('running', 'applied', 'failed', 'baseline')), "
            "statements integer NOT NULL DEFAULT 0, "
            "started_at timestamptz NOT NULL DEFAULT pg_catalog.now(), finished_at timestamptz, duration_ms bigint, "
            "db_user text NOT NULL DEFAULT current_user, os_user text, host text, tool_version text, "
            "plan_hash text, approved_by text, "
            "error_sqlstate text, error_message text, error_position text)",
        "CREATE TABLE " + e +
            " (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(), "
            "kind text NOT NULL CHECK (kind IN ('apply', 'fail', 'baseline', 'repair', 'approve', 'emergency')), "
            "version text, checksum text, plan_hash text, reason text, detail jsonb NOT NULL DEFAULT '{}', "
            "db_user text NOT NULL DEFAULT current_user, os_user text, host text, tool_version text)",
        "CREATE FUNCTION " + guard +
            "() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
            "RAISE EXCEPTION 'pgsafe_migration_events is append-only (the audit trail of pgsafe)'; END $f$",
        "CREATE TRIGGER pgsafe_events_append_only BEFORE UPDATE OR DELETE ON " + e +
            " FOR EACH ROW EXECUTE FUNCTION " + guard + "()",
        "CREATE TRIGGER pgsafe_events_no_truncate BEFORE TRUNCATE ON " + e +
            " FOR EACH STATEMENT EXECUTE FUNCTION " + guard + "()",
        "INSERT INTO " + table("pgsafe_meta") + " (key, value) VALUES ('history_format', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = pg_catalog.clock_timestamp()",
    };
    for (const auto& sql : ddl)
      if (!conn_.exec(sql, &err)) return fail();
  }
  Result c = conn_.exec("COMMIT", &err);
  if (!c) return false;
  if (std::string(PQcmdStatus(c.get())) != "COMMIT") {
    err.message = "creating the history tables was rolled back";
    return false;
  }
  return true;
}

bool HistoryStore::set_meta(const std::string& key, const std::string& value, PgError& err) {
  return static_cast<bool>(conn_.exec_params(
      "INSERT INTO " + table("pgsafe_meta") +
          " (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
          "updated_at = pg_catalog.clock_timestamp()",
      {key, value}, &err));
}

namespace {
std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }
}  // namespace

bool HistoryStore::add_event(const Event& ev, const Actor& who, PgError& err) {
  return static_cast<bool>(conn_.exec_params(
      "INSERT INTO " + table("pgsafe_migration_events") +
          " (kind, version, checksum, plan_hash, reason, detail, os_user, host, tool_version) "
          "VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)",
      {ev.kind, opt(ev.version), opt(ev.checksum), opt(ev.plan_hash), opt(ev.reason), ev.detail.dump(),
       opt(who.os_user), opt(who.host), who.tool_version},
      &err));
}

bool HistoryStore::insert_row(const RowWrite& r, const Actor& who, PgError& err) {
  bool finished = r.status != "running";
  return static_cast<bool>(conn_.exec_params(
      "INSERT INTO " + table("pgsafe_migrations") +
          " (version, name, file, checksum, tx_mode, status, statements, started_at, finished_at, duration_ms, "
          "os_user, host, tool_version, plan_hash, approved_by) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7::integer, pg_catalog.now(), "
          "CASE WHEN $8::boolean THEN pg_catalog.clock_timestamp() END, $9::bigint, $10, $11, $12, $13, $14)",
      {r.version, r.name, r.file, r.checksum, r.tx_mode, r.status, std::to_string(r.statements),
       finished ? "true" : "false", r.duration_ms ? std::optional<std::string>(std::to_string(*r.duration_ms)) : std::nullopt,
       opt(who.os_user), opt(who.host), who.tool_version, opt(r.plan_hash), opt(r.approved_by)},
      &err));
}

bool HistoryStore::finish_row(const std::string& version, const std::string& status, long long duration_ms, PgError& err) {
  return static_cast<bool>(conn_.exec_params(
      "UPDATE " + table("pgsafe_migrations") +
          " SET status = $2, finished_at = pg_catalog.clock_timestamp(), duration_ms = $3::bigint, "
          "error_sqlstate = NULL, error_message = NULL, error_position = NULL WHERE version = $1",
      {version, status, std::to_string(duration_ms)}, &err));
}

bool HistoryStore::fail_row(const std::string& version, const std::string& sqlstate, const std::string& message,
                            const std::string& position, PgError& err) {
  return static_cast<bool>(conn_.exec_params(
      "UPDATE " + table("pgsafe_migrations") +
          " SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), error_sqlstate = $2, error_message = $3, "
          "error_position = $4 WHERE version = $1",
      {version, opt(sqlstate), message, opt(position)}, &err));
}

bool HistoryStore::update_checksum(const std::string& version, const std::string& checksum, const std::string& file,
                                   PgError& err) {
  return static_cast<bool>(conn_.exec_params(
      "UPDATE " + table("pgsafe_migrations") + " SET checksum = $2, file = $3 WHERE version = $1", {version, checksum, file},
      &err));
}

bool HistoryStore::delete_row(const std::string& version, PgError& err) {
  return static_cast<bool>(
      conn_.exec_params("DELETE FROM " + table("pgsafe_migrations") + " WHERE version = $1", {version}, &err));
}

bool HistoryStore::user_relations(long long& count, std::vector<std::string>& examples, PgError& err) {
  Result r = conn_.exec_params(
      "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1) "
      "AND n.nspname !~ '^pg_(toast|temp_)' "
      // Schemas a platform creates before any migration (Supabase's auth, storage, realtime, ...,
      // pg_cron's cron, pg_net's net): their tables say nothing about which migrations ran.
      "AND n.nspname NOT IN ('auth', 'storage', 'realtime', '_realtime', 'extensions', 'graphql', 'graphql_public', "
      "'vault', 'pgsodium', 'pgsodium_masks', 'supabase_functions', 'supabase_migrations', '_analytics', 'net', "
      "'cron', 'pgbouncer') "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass "
      "AND d.objid = c.oid AND d.deptype = 'e') "
      "ORDER BY 1",
      {schema_}, &err);
  if (!r) return false;
  count = PQntuples(r.get());
  for (int i = 0; i < PQntuples(r.get()) && i < 3; ++i) examples.push_back(field(r.get(), i, 0));
  return true;
}

}  // namespace pgsafe::applier
