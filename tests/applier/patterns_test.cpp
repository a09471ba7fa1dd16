// `pgsafe new --pattern`: every pattern, written into a real project by the CLI, lints clean with
// the default rules, applies through `pgsafe apply` on a real PostgreSQL, and does what it
// promises, checked with SQL as the users it protects: under RLS user A cannot read, change or
// delete user B's rows and can do all of that to their own; the admin can; updated_at moves on
// update and not on insert; a soft-deleted row is hidden and its unique value can be reused; a
// foreign key has its index and ends up validated; a renamed column is readable by old and new
// code during the transition; a required column is filled and NOT NULL.
#include <catch2/catch.hpp>

#include <libpq-fe.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/applier/harness.h"
#include "tests/support.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

// A project whose migrations live in `migrations_dir` (relative to its root), with a config.
struct PatternProject {
  std::string root, migrations;
  std::string db;

  std::vector<std::string> run_new(const std::vector<std::string>& args) const {
    std::vector<std::string> a{"new"};
    a.insert(a.end(), args.begin(), args.end());
    a.push_back("--dir");
    a.push_back(migrations);
    auto r = cli(a, root);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return lines(r.out);
  }

  // Every finding of the default rules over the whole set, as "rule file:line" lines.
  std::vector<std::string> lint() const {
    auto r = cli({"lint", "--format", "json", "--fail-on", "info", migrations}, root);
    INFO(r.err);
    REQUIRE((r.exit_code == 0 || r.exit_code == 1));
    auto j = nlohmann::json::parse(r.out);
    std::vector<std::string> found;
    for (const auto& d : j["diagnostics"]) {
      if (!d["suppression"].is_null()) continue;  // suppressed with a reason in the file (rename's drop)
      found.push_back(d["rule"].get<std::string>() + " " + d["file"].get<std::string>() + ":" +
                      std::to_string(d["range"]["start"]["line"].get<int>()) + " " + d["message"].get<std::string>());
    }
    return found;
  }

  // `pgsafe new` refused: exit 2, the reason said, nothing written.
  void refuse(const std::vector<std::string>& args, const std::string& says) const {
    auto count = [&] {
      size_t n = 0;
      for (const auto& e : fs::recursive_directory_iterator(root + "/" + migrations)) n += e.is_regular_file();
      return n;
    };
    size_t before = count();
    std::vector<std::string> a{"new", "refused", "--dir", migrations};
    a.insert(a.end(), args.begin(), args.end());
    auto r = cli(a, root);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(says) != std::string::npos);
    CHECK(count() == before);
  }

  void apply() const {
    auto r = cli({"apply", "--db", url(db), "--dir", migrations, "--lock-wait", "20"}, root);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  void write(const std::string& name, const std::string& sql) const { write_file(root + "/" + migrations + "/" + name, sql); }
  std::string read(const std::string& rel) const { return read_file(root + "/" + rel); }
};

void check_clean(const PatternProject& p) {
  auto found = p.lint();
  std::string all;
  for (const auto& f : found) all += f + "\n";
  INFO(all);
  CHECK(found.empty());
}

PatternProject make_pattern_project(const std::string& hint, const std::string& migrations, const std::string& config) {
  PatternProject p;
  p.root = temp_dir("patterns-" + hint);
  p.migrations = migrations;
  fs::create_directories(p.root + "/" + migrations);
  write_file(p.root + "/.pgsafe.toml", config);
  p.db = create_database(hint);
  return p;
}

// Runs statements in one transaction as `role` with the given JWT claims (PostgREST's and
// Supabase's request.jwt.claims). Returns the rows of the last statement, or throws with the
// server's message.
struct Outcome {
  std::vector<std::vector<std::string>> rows;
  std::string error;  // "" when it worked
  long affected = -1;
};

Outcome as_user(const std::string& db, const std::string& role, const std::string& claims, const std::string& sql) {
  PGconn* c = PQconnectdb(url(db).c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  Outcome o;
  auto step = [&](const std::string& s, bool last) {
    PGresult* r = PQexec(c, s.c_str());
    auto st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) o.error = PQresultErrorMessage(r);
    if (ok && last) {
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetisnull(r, i, j) ? "<null>" : PQgetvalue(r, i, j));
        o.rows.push_back(row);
      }
      std::string n = PQcmdTuples(r);
      o.affected = n.empty() ? -1 : std::stol(n);
    }
    PQclear(r);
    return ok;
  };
  bool ok = step("BEGIN", false) && step("SET LOCAL ROLE " + role, false) &&
            step("SELECT set_config('request.jwt.claims', '" + claims + "', true)", false) && step(sql, true);
  step(ok ? "COMMIT" : "ROLLBACK", false);
  PQfinish(c);
  return o;
}

long rows_of(const Outcome& o) {
  INFO(o.error);
  REQUIRE(o.error.empty());
  return static_cast<long>(o.rows.size());
}

long affected(const Outcome& o) {
  INFO(o.error);
  REQUIRE(o.error.empty());
  return o.affected;
}

void create_role(const std::string& role) {
  exec("postgres", "DO $$ BEGIN CREATE ROLE " + role + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  // The test's sessions SET ROLE to it.
  exec("postgres", "DO $$ BEGIN IF NOT pg_has_role('" + std::string(kUser) + "', '" + role + "', 'MEMBER') THEN "
                   "EXECUTE 'GRANT " + role + " TO " + std::string(kUser) + "'; END IF; END $$");
}

// What Supabase provides before any migration runs: the auth schema with its users table and
// JWT helpers (reading request.jwt.claims, as Supabase's own do), and the API roles.
void supabase_platform(const std::string& db) {
  create_role("anon");
  create_role("authenticated");
  exec(db,
       "CREATE SCHEMA auth;"
       "CREATE TABLE auth.users (id uuid PRIMARY KEY);"
       "CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS "
       "$$ SELECT nullif(current_setting('request.jwt.claims', true), '')::jsonb $$;"
       "CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS "
       "$$ SELECT (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid $$;"
       "GRANT USAGE ON SCHEMA auth TO anon, authenticated;"
       "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA auth TO anon, authenticated;"
       "GRANT USAGE ON SCHEMA public TO anon, authenticated;"
       "ALTER DEFAULT PRIVILEGES FOR ROLE " + std::string(kUser) + " IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated;"
       "GRANT USAGE ON SCHEMA auth TO " + std::string(kUser) + ";"
       "GRANT SELECT, REFERENCES ON auth.users TO " + std::string(kUser) + ";");
}

const char* kUserA = "00000000-0000-0000-0000-00000000000a";
const char* kUserB = "00000000-0000-0000-0000-00000000000b";
std::string claims_of(const std::string& sub, const std::string& extra = "") {
  return "{\"sub\":\"" + sub + "\"" + extra + "}";
}

const char* kSupabaseBase =
    "-- intent: notes belong to their author\n"
    "CREATE TABLE public.notes (\n"
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  user_id uuid NOT NULL REFERENCES auth.users (id),\n"
    "  body text NOT NULL,\n"
    "  created_at timestamptz NOT NULL DEFAULT now()\n"
    ");\n";

}  // namespace

TEST_CASE("rls-owner and rls-admin on Supabase: each user has only their rows, the admin has all", "[patterns][rls]") {
  auto p = make_pattern_project("rls_supabase", "supabase/migrations", "");
  supabase_platform(p.db);
  p.write("20240101000000_notes.sql", kSupabaseBase);
  auto owner = p.run_new({"notes owner access", "--pattern", "rls-owner", "--table", "notes"});
  REQUIRE(owner.size() == 2);  // the owner column's index (concurrently, its own file), then the policies
  CHECK(p.read(owner[0]).find("CREATE INDEX CONCURRENTLY") != std::string::npos);
  CHECK(p.read(owner[0]).find("-- pgsafe:no-transaction") != std::string::npos);
  std::string policies = p.read(owner[1]);
  CHECK(policies.find("(select auth.uid())") != std::string::npos);
  CHECK(policies.find("REVOKE ALL ON public.notes FROM anon") != std::string::npos);
  auto admin = p.run_new({"admins manage notes", "--pattern", "rls-admin", "--table", "notes"});
  REQUIRE(admin.size() == 1);
  CHECK(p.read(admin[0]).find("app_metadata") != std::string::npos);
  check_clean(p);
  p.apply();

  exec(p.db, std::string("INSERT INTO auth.users VALUES ('") + kUserA + "'), ('" + kUserB + "');"
             "INSERT INTO notes (user_id, body) VALUES ('" + kUserA + "', 'a1'), ('" + kUserA + "', 'a2'), ('" + kUserB + "', 'b1')");
  std::string a = claims_of(kUserA), b = claims_of(kUserB);
  // A sees and changes only A's rows.
  CHECK(rows_of(as_user(p.db, "authenticated", a, "SELECT body FROM notes")) == 2);
  CHECK(rows_of(as_user(p.db, "authenticated", b, "SELECT body FROM notes")) == 1);
  CHECK(affected(as_user(p.db, "authenticated", a, "UPDATE notes SET body = 'x' WHERE body = 'b1'")) == 0);
  CHECK(affected(as_user(p.db, "authenticated", a, "DELETE FROM notes WHERE body = 'b1'")) == 0);
  CHECK(affected(as_user(p.db, "authenticated", a, "UPDATE notes SET body = 'a1!' WHERE body = 'a1'")) == 1);
  CHECK(affected(as_user(p.db, "authenticated", a, "DELETE FROM notes WHERE body = 'a2'")) == 1);
  CHECK(affected(as_user(p.db, "authenticated", a,
                         "INSERT INTO notes (user_id, body) VALUES ('" + std::string(kUserA) + "', 'a3')")) == 1);
  // A cannot write a row as B, nor hand a row over to B.
  CHECK_FALSE(as_user(p.db, "authenticated", a, "INSERT INTO notes (user_id, body) VALUES ('" + std::string(kUserB) + "', 'forged')")
                  .error.empty());
  CHECK_FALSE(as_user(p.db, "authenticated", a, "UPDATE notes SET user_id = '" + std::string(kUserB) + "' WHERE body = 'a3'")
                  .error.empty());
  // Signed out: nothing, not even an error-free read (anon lost its grants).
  CHECK_FALSE(as_user(p.db, "anon", "{}", "SELECT * FROM notes").error.empty());
  // No claims at all (a pooled connection where nothing was set): no rows, no failure.
  CHECK(rows_of(as_user(p.db, "authenticated", "", "SELECT * FROM notes")) == 0);
  // user_metadata is editable by users: it never makes an admin.
  CHECK(rows_of(as_user(p.db, "authenticated", claims_of(kUserA, ",\"user_metadata\":{\"role\":\"admin\"}"),
                        "SELECT * FROM notes")) == 2);
  // The admin (app_metadata, set by the server) reads, changes and deletes everyone's rows.
  std::string adm = claims_of("00000000-0000-0000-0000-0000000000ad", ",\"app_metadata\":{\"role\":\"admin\"}");
  CHECK(rows_of(as_user(p.db, "authenticated", adm, "SELECT * FROM notes")) == 3);
  CHECK(affected(as_user(p.db, "authenticated", adm, "UPDATE notes SET body = 'moderated' WHERE body = 'b1'")) == 1);
  CHECK(affected(as_user(p.db, "authenticated", adm, "DELETE FROM notes WHERE body = 'moderated'")) == 1);
  // The owner column got its index, and the policies use it.
  CHECK(scalar(p.db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'notes' AND indexdef LIKE '%(user_id)%'") == "1");
}

TEST_CASE("rls-owner and rls-admin with a PostgREST claim and an admin role, outside Supabase", "[patterns][rls]") {
  auto p = make_pattern_project("rls_claim", "migrations", "");
  create_role("pat_api");
  create_role("pat_admin");
  p.write("20240101000000_items.sql",
          "-- intent: items owned by accounts\n"
          "CREATE TABLE items (\n"
          "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
          "  account_id bigint NOT NULL,\n"
          "  name text NOT NULL\n"
          ");\n"
          "CREATE INDEX items_account_id_idx ON items (account_id);\n"
          "GRANT SELECT ON items TO pat_api;\n");
  // pat_api is the role the migrations grant to: found without --role.
  auto owner = p.run_new({"items per account", "--pattern", "rls-owner", "--table", "items", "--column", "account_id",
                          "--claim", "account"});
  REQUIRE(owner.size() == 1);  // account_id already leads an index: no index migration
  std::string sql = p.read(owner[0]);
  CHECK(sql.find("TO pat_api") != std::string::npos);
  CHECK(sql.find("->> 'account')::bigint") != std::string::npos);
  auto admin = p.run_new({"support sees items", "--pattern", "rls-admin", "--table", "items", "--admin-role", "pat_admin"});
  REQUIRE(admin.size() == 1);
  check_clean(p);
  p.apply();
  exec(p.db, "INSERT INTO items (account_id, name) VALUES (1, 'one'), (1, 'uno'), (2, 'two');"
             "GRANT pat_api TO pat_admin");
  std::string one = "{\"account\":\"1\"}", two = "{\"account\":\"2\"}";
  CHECK(rows_of(as_user(p.db, "pat_api", one, "SELECT * FROM items")) == 2);
  CHECK(rows_of(as_user(p.db, "pat_api", two, "SELECT * FROM items")) == 1);
  CHECK(affected(as_user(p.db, "pat_api", one, "UPDATE items SET name = 'x' WHERE account_id = 2")) == 0);
  CHECK(affected(as_user(p.db, "pat_api", one, "DELETE FROM items WHERE account_id = 2")) == 0);
  CHECK(affected(as_user(p.db, "pat_api", one, "UPDATE items SET name = 'eins' WHERE name = 'one'")) == 1);
  CHECK(affected(as_user(p.db, "pat_api", one, "DELETE FROM items WHERE name = 'uno'")) == 1);
  CHECK_FALSE(as_user(p.db, "pat_api", one, "INSERT INTO items (account_id, name) VALUES (2, 'forged')").error.empty());
  CHECK(affected(as_user(p.db, "pat_api", one, "INSERT INTO items (account_id, name) VALUES (1, 'mine')")) == 1);
  // An empty setting (RESET on a pooled connection leaves '') denies instead of failing.
  CHECK(rows_of(as_user(p.db, "pat_api", "", "SELECT * FROM items")) == 0);
  // The admin role sees and changes everything.
  CHECK(rows_of(as_user(p.db, "pat_admin", "", "SELECT * FROM items")) == 3);
  CHECK(affected(as_user(p.db, "pat_admin", "", "DELETE FROM items WHERE account_id = 2")) == 1);
}

TEST_CASE("table pattern: key, timestamps kept by the shared trigger, RLS where exposed", "[patterns][table]") {
  SECTION("a plain project: bigint identity, no RLS, the trigger function created once") {
    auto p = make_pattern_project("table_plain", "migrations", "");
    auto first = p.run_new({"create projects", "--pattern", "table", "--table", "projects"});
    auto second = p.run_new({"create tasks", "--pattern", "table", "--table", "app.tasks"});
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    std::string a = p.read(first[0]), b = p.read(second[0]);
    CHECK(a.find("GENERATED ALWAYS AS IDENTITY PRIMARY KEY") != std::string::npos);
    CHECK(a.find("CREATE OR REPLACE FUNCTION public.set_updated_at()") != std::string::npos);
    CHECK(b.find("set_updated_at()") != std::string::npos);
    CHECK(b.find("CREATE OR REPLACE FUNCTION") == std::string::npos);  // reused, not created twice
    CHECK(b.find("CREATE TABLE app.tasks") != std::string::npos);
    CHECK(a.find("ROW LEVEL SECURITY") == std::string::npos);
    // app.tasks needs its schema: created by hand before the pattern's file.
    p.write("20000101000000_app_schema.sql", "-- intent: a schema for the app's tables\nCREATE SCHEMA app;\n");
    check_clean(p);
    p.apply();
    // updated_at: the default on insert (and a given value kept), the transaction time on update.
    exec(p.db, "INSERT INTO projects DEFAULT VALUES; INSERT INTO app.tasks (updated_at) VALUES ('2000-01-01')");
    CHECK(scalar(p.db, "SELECT updated_at = created_at FROM projects") == "t");
    CHECK(scalar(p.db, "SELECT updated_at FROM app.tasks")  .rfind("2000-01-01", 0) == 0);
    exec(p.db, "UPDATE projects SET created_at = created_at - interval '1 day'");
    CHECK(scalar(p.db, "SELECT updated_at > created_at + interval '23 hours' FROM projects") == "t");
    exec(p.db, "UPDATE app.tasks SET updated_at = '1999-01-01'");
    CHECK(scalar(p.db, "SELECT updated_at > '2020-01-01' FROM app.tasks") == "t");
  }
  SECTION("Supabase: uuid keys followed, RLS on; deny-all without an owner, isolation with one") {
    auto p = make_pattern_project("table_supabase", "supabase/migrations", "");
    supabase_platform(p.db);
    p.write("20240101000000_profiles.sql",
            "-- intent: profiles\nCREATE TABLE public.profiles (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), bio text);\n"
            "ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY profiles_read ON public.profiles FOR SELECT TO authenticated USING (true);\n");
    auto locked = p.run_new({"create audit log", "--pattern", "table", "--table", "audit_log"});
    auto owned = p.run_new({"create projects", "--pattern", "table", "--table", "projects", "--owner", "user_id"});
    std::string a = p.read(locked[0]), b = p.read(owned[0]);
    CHECK(a.find("id uuid PRIMARY KEY DEFAULT gen_random_uuid()") != std::string::npos);
    CHECK(a.find("CREATE TABLE public.audit_log") != std::string::npos);  // the project writes public.
    CHECK(a.find("ENABLE ROW LEVEL SECURITY") != std::string::npos);
    CHECK(b.find("REFERENCES auth.users (id)") != std::string::npos);
    // The one finding: the deny-all table has no policy yet, the reminder its comment announces.
    auto found = p.lint();
    REQUIRE(found.size() == 1);
    CHECK(found[0].rfind("rls-without-policy " + locked[0], 0) == 0);
    p.apply();
    exec(p.db, std::string("INSERT INTO auth.users VALUES ('") + kUserA + "'), ('" + kUserB + "');"
               "INSERT INTO audit_log DEFAULT VALUES;"
               "INSERT INTO projects (user_id) VALUES ('" + kUserA + "'), ('" + kUserB + "')");
    CHECK(rows_of(as_user(p.db, "authenticated", claims_of(kUserA), "SELECT * FROM audit_log")) == 0);
    CHECK(rows_of(as_user(p.db, "authenticated", claims_of(kUserA), "SELECT * FROM projects")) == 1);
    // The owner column defaults to the requesting user.
    CHECK(affected(as_user(p.db, "authenticated", claims_of(kUserB), "INSERT INTO projects DEFAULT VALUES")) == 1);
    CHECK(scalar(p.db, "SELECT count(*) FROM projects WHERE user_id = '" + std::string(kUserB) + "'") == "2");
  }
}

TEST_CASE("timestamps pattern: updated_at added and maintained, the function shared", "[patterns][timestamps]") {
  auto p = make_pattern_project("timestamps", "migrations", "");
  p.write("20240101000000_base.sql",
          "-- intent: base\nCREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total bigint NOT NULL);\n"
          "CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, updated_at timestamptz);\n"
          "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);\n");
  auto one = p.run_new({"orders updated_at", "--pattern", "timestamps", "--table", "orders"});
  auto two = p.run_new({"invoices updated_at", "--pattern", "timestamps", "--table", "invoices"});
  // Another column gets its own function: the shared set_updated_at() keeps setting updated_at.
  auto three = p.run_new({"notes modified_at", "--pattern", "timestamps", "--table", "notes", "--column", "modified_at"});
  CHECK(p.read(three[0]).find("CREATE OR REPLACE FUNCTION public.set_modified_at()") != std::string::npos);
  std::string a = p.read(one[0]), b = p.read(two[0]);
  CHECK(a.find("ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()") != std::string::npos);
  CHECK(a.find("SET search_path = ''") != std::string::npos);
  CHECK(b.find("ADD COLUMN") == std::string::npos);         // invoices has the column
  CHECK(b.find("CREATE OR REPLACE FUNCTION") == std::string::npos);  // created once
  check_clean(p);
  p.apply();
  exec(p.db, "INSERT INTO orders (total) VALUES (1); INSERT INTO invoices (updated_at) VALUES (NULL)");
  CHECK(scalar(p.db, "SELECT updated_at IS NULL FROM invoices") == "t");  // not on insert
  std::string before = scalar(p.db, "SELECT updated_at FROM orders");
  exec(p.db, "SELECT pg_sleep(0.01); UPDATE orders SET total = 2; UPDATE invoices SET updated_at = NULL");
  CHECK(scalar(p.db, "SELECT updated_at > '" + before + "'::timestamptz FROM orders") == "t");
  CHECK(scalar(p.db, "SELECT updated_at IS NOT NULL FROM invoices") == "t");
  exec(p.db, "INSERT INTO notes (body) VALUES ('x'); UPDATE notes SET body = 'y'");
  CHECK(scalar(p.db, "SELECT modified_at IS NOT NULL FROM notes") == "t");
}

TEST_CASE("foreign-key pattern: column, index, NOT VALID, VALIDATE on a live table", "[patterns][fk]") {
  auto p = make_pattern_project("fk", "migrations", "");
  p.write("20240101000000_base.sql",
          "-- intent: base\n"
          "CREATE TABLE customers (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);\n"
          "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total bigint NOT NULL);\n");
  p.apply();
  exec(p.db, "INSERT INTO orders (total) SELECT g FROM generate_series(1, 500) g");
  auto files = p.run_new({"orders belong to customers", "--pattern", "foreign-key", "--table", "orders", "--references",
                          "customers", "--on-delete", "set-null"});
  REQUIRE(files.size() == 4);
  CHECK(p.read(files[0]).find("ADD COLUMN customer_id uuid;") != std::string::npos);  // the referenced key's type
  CHECK(p.read(files[1]).find("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx") != std::string::npos);
  CHECK(p.read(files[2]).find("ON DELETE SET NULL NOT VALID") != std::string::npos);
  CHECK(p.read(files[3]).find("VALIDATE CONSTRAINT orders_customer_id_fkey") != std::string::npos);
  // A serial key is referenced by a plain integer column, not a second serial.
  p.write("20240101000001_legacy.sql", "-- intent: legacy\n-- pgsafe-ignore-file prefer-identity: a legacy table, kept as it is\n"
                                       "CREATE TABLE legacy_users (id serial PRIMARY KEY);\n");
  auto legacy = p.run_new({"orders legacy user", "--pattern", "foreign-key", "--table", "orders", "--references", "legacy_users"});
  CHECK(p.read(legacy[0]).find("ADD COLUMN legacy_user_id integer;") != std::string::npos);
  check_clean(p);
  p.apply();
  CHECK(scalar(p.db, "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'") == "t");
  CHECK(scalar(p.db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_customer_id_idx'::regclass") == "t");
  CHECK(scalar(p.db, "SELECT pg_get_indexdef('orders_customer_id_idx'::regclass)").find("(customer_id)") != std::string::npos);
  auto bad = as_user(p.db, "NONE", "", "INSERT INTO orders (total, customer_id) VALUES (1, gen_random_uuid())");
  CHECK(bad.error.find("orders_customer_id_fkey") != std::string::npos);
}

TEST_CASE("soft-delete pattern: hidden rows, reusable unique values, the everyday index", "[patterns][soft-delete]") {
  SECTION("through a view") {
    auto p = make_pattern_project("soft_view", "migrations", "");
    p.write("20240101000000_base.sql",
            "-- intent: base\n"
            "CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,\n"
            "  created_at timestamptz NOT NULL DEFAULT now());\n"
            "CREATE UNIQUE INDEX accounts_handle_key ON accounts (lower(email));\n");
    auto files = p.run_new({"soft delete accounts", "--pattern", "soft-delete", "--table", "accounts"});
    REQUIRE(files.size() == 4);  // column + view, partial unique index, everyday index, old key dropped
    CHECK(p.read(files[0]).find("WITH (security_invoker = true)") != std::string::npos);
    check_clean(p);
    p.apply();
    exec(p.db, "DROP INDEX accounts_handle_key");  // an expression key is left alone by the pattern; not this test's subject
    exec(p.db, "INSERT INTO accounts (email) VALUES ('a@x.io'), ('b@x.io')");
    exec(p.db, "UPDATE accounts SET deleted_at = now() WHERE email = 'a@x.io'");
    CHECK(scalar(p.db, "SELECT count(*) FROM accounts_active") == "1");
    CHECK(scalar(p.db, "SELECT count(*) FROM accounts_active WHERE email = 'a@x.io'") == "0");
    exec(p.db, "INSERT INTO accounts (email) VALUES ('a@x.io')");  // the deleted row's value is free again
    CHECK(scalar(p.db, "SELECT count(*) FROM accounts_active WHERE email = 'a@x.io'") == "1");
    auto dup = as_user(p.db, "NONE", "", "INSERT INTO accounts (email) VALUES ('a@x.io')");
    CHECK(dup.error.find("accounts_email_active_key") != std::string::npos);  // still unique among live rows
    CHECK(scalar(p.db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'accounts_active_created_at_idx'")
              .find("WHERE (deleted_at IS NULL)") != std::string::npos);
  }
  SECTION("on a Supabase table with RLS: the view keeps each user's rows their own") {
    auto p = make_pattern_project("soft_rls", "supabase/migrations", "");
    supabase_platform(p.db);
    p.write("20240101000000_notes.sql", kSupabaseBase);
    p.run_new({"notes owner access", "--pattern", "rls-owner", "--table", "notes"});
    auto files = p.run_new({"archive notes", "--pattern", "soft-delete", "--table", "notes", "--column", "archived_at",
                            "--index-on", "user_id,created_at"});
    REQUIRE(files.size() == 2);  // no unique key to replace: column + view, everyday index
    CHECK(p.read(files[0]).find("GRANT SELECT ON public.notes_active TO authenticated") != std::string::npos);
    CHECK(p.read(files[1]).find("(user_id, created_at) WHERE archived_at IS NULL") != std::string::npos);
    check_clean(p);
    p.apply();
    exec(p.db, std::string("INSERT INTO auth.users VALUES ('") + kUserA + "'), ('" + kUserB + "');"
               "INSERT INTO notes (user_id, body) VALUES ('" + kUserA + "', 'keep'), ('" + kUserA + "', 'old'), ('" +
               kUserB + "', 'theirs')");
    std::string a = claims_of(kUserA);
    CHECK(affected(as_user(p.db, "authenticated", a, "UPDATE notes SET archived_at = now() WHERE body = 'old'")) == 1);
    CHECK(rows_of(as_user(p.db, "authenticated", a, "SELECT body FROM notes_active")) == 1);  // B's row stays B's
    CHECK(rows_of(as_user(p.db, "authenticated", claims_of(kUserB), "SELECT body FROM notes_active")) == 1);
    CHECK(scalar(p.db, "SELECT count(*) FROM notes") == "3");  // archived, not deleted
    // Before PostgreSQL 15 the view would bypass RLS: refused.
    p.refuse({"--pg-version", "14", "--pattern", "soft-delete", "--table", "notes", "--column", "gone_at"}, "PostgreSQL 15");
  }
}

TEST_CASE("not-null-column pattern: default, batched backfill, validated NOT NULL", "[patterns][not-null]") {
  auto p = make_pattern_project("not_null", "migrations", "");
  p.write("20240101000000_base.sql",
          "-- intent: base\nCREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total_cents bigint);\n");
  p.apply();
  exec(p.db, "INSERT INTO orders (total_cents) SELECT g FROM generate_series(1, 2500) g");
  auto currency = p.run_new({"orders currency", "--pattern", "not-null-column", "--table", "orders", "--column",
                             "currency", "--type", "text", "--default", "'EUR'"});
  REQUIRE(currency.size() == 4);  // a constant default fills existing rows: no backfill migration
  auto total = p.run_new({"orders total", "--pattern", "not-null-column", "--table", "orders", "--column", "total",
                          "--type", "numeric(12,2)", "--backfill", "coalesce(total_cents, 0) / 100.0", "--batch-size", "1000"});
  REQUIRE(total.size() == 5);
  CHECK(p.read(total[1]).find("-- pgsafe:no-transaction") != std::string::npos);
  // A constant default for new rows and a computed value for existing ones: both hold.
  auto region = p.run_new({"orders region", "--pattern", "not-null-column", "--table", "orders", "--column", "region",
                           "--type", "text", "--default", "'EU'", "--backfill", "'R' || (total_cents % 3)::text"});
  REQUIRE(region.size() == 5);
  auto token = p.run_new({"orders token", "--pattern", "not-null-column", "--table", "orders", "--column", "token",
                          "--type", "uuid", "--default", "gen_random_uuid()"});
  REQUIRE(token.size() == 5);  // volatile default: set for new rows, existing rows backfilled
  CHECK(p.read(token[0]).find("SET DEFAULT gen_random_uuid()") != std::string::npos);
  check_clean(p);
  p.apply();
  for (const char* col : {"currency", "total", "token", "region"}) {
    INFO(col);
    CHECK(scalar(p.db, std::string("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = '") +
                           col + "'") == "t");
  }
  CHECK(scalar(p.db, "SELECT count(*) FROM orders WHERE currency = 'EUR'") == "2500");
  CHECK(scalar(p.db, "SELECT total FROM orders WHERE total_cents = 1234") == "12.34");
  CHECK(scalar(p.db, "SELECT count(DISTINCT token) FROM orders") == "2500");
  CHECK(scalar(p.db, "SELECT count(*) FROM orders WHERE region = 'R' || (total_cents % 3)::text") == "2500");
  CHECK(scalar(p.db, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c'") == "0");
  exec(p.db, "INSERT INTO orders (total_cents, total) VALUES (99999, 999.99)");
  CHECK(scalar(p.db, "SELECT currency || region FROM orders WHERE total_cents = 99999") == "EUREU");
  // Refused before anything is written: a required column needs a value for existing rows.
  p.refuse({"--pattern", "not-null-column", "--table", "orders", "--column", "note", "--type", "text"},
           "--default or --backfill");
  p.refuse({"--pattern", "not-null-column", "--table", "orders", "--column", "note", "--type", "text", "--default",
            "'a'); DROP TABLE orders; SELECT ('"},
           "not one SQL expression");
}

TEST_CASE("rename-column pattern: old and new code both work during the transition", "[patterns][rename]") {
  auto p = make_pattern_project("rename", "migrations", "");
  p.write("20240101000000_base.sql",
          "-- intent: base\n"
          "CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT '');\n"
          "CREATE INDEX users_name_idx ON users (name);\n");
  p.apply();
  exec(p.db, "INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 1500) g");
  auto expand = p.run_new({"rename users name", "--pattern", "rename-column", "--table", "users", "--column", "name",
                           "--to", "full_name", "--batch-size", "500"});
  REQUIRE(expand.size() == 3);  // column + sync trigger, backfill, index
  check_clean(p);
  p.apply();
  // Backfilled, indexed.
  CHECK(scalar(p.db, "SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM name") == "0");
  CHECK(scalar(p.db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'users_full_name_idx'") == "1");
  // Old code writes name, new code reads full_name; and the other way round.
  exec(p.db, "INSERT INTO users (name) VALUES ('old writer')");
  CHECK(scalar(p.db, "SELECT count(*) FROM users WHERE full_name = 'old writer'") == "1");
  exec(p.db, "INSERT INTO users (full_name) VALUES ('new writer')");
  CHECK(scalar(p.db, "SELECT count(*) FROM users WHERE name = 'new writer'") == "1");
  exec(p.db, "UPDATE users SET name = 'renamed by old' WHERE name = 'old writer'");
  CHECK(scalar(p.db, "SELECT full_name FROM users WHERE name = 'renamed by old'") == "renamed by old");
  exec(p.db, "UPDATE users SET full_name = 'renamed by new' WHERE full_name = 'new writer'");
  CHECK(scalar(p.db, "SELECT name FROM users WHERE full_name = 'renamed by new'") == "renamed by new");

  auto contract = p.run_new({"rename users name", "--pattern", "rename-column", "--table", "users", "--column", "name",
                             "--to", "full_name", "--phase", "contract"});
  REQUIRE(contract.size() == 3);  // trigger dropped + CHECK NOT VALID, VALIDATE, SET NOT NULL + drop
  check_clean(p);
  p.apply();
  CHECK(scalar(p.db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'") == "0");
  CHECK(scalar(p.db, "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'full_name'") == "NO");
  exec(p.db, "INSERT INTO users DEFAULT VALUES");  // the default moved over
  CHECK(scalar(p.db, "SELECT count(*) FROM users WHERE full_name = ''") == "1");
  // A column a foreign key or several-column index holds is refused with the reason.
  p.write("20990101000000_more.sql", "-- intent: more\nCREATE INDEX users_pair_idx ON users (full_name, id);\n");
  p.refuse({"--pattern", "rename-column", "--table", "users", "--column", "full_name", "--to", "display_name"},
           "users_pair_idx");
}

TEST_CASE("enum-value pattern: its own migration, usable by the next one", "[patterns][enum]") {
  auto p = make_pattern_project("enum", "migrations", "");
  p.write("20240101000000_base.sql",
          "-- intent: base\nCREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');\n"
          "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status order_status NOT NULL);\n");
  auto files = p.run_new({"order status refunded", "--pattern", "enum-value", "--type", "order_status", "--value",
                          "refunded", "--after", "paid"});
  REQUIRE(files.size() == 1);
  CHECK(p.read(files[0]).find("-- pgsafe:no-transaction") != std::string::npos);
  auto use = p.run_new({"refund old orders"});
  REQUIRE(use.size() == 1);
  write_file(p.root + "/" + use[0], read_file(p.root + "/" + use[0]) +
                                        "UPDATE orders SET status = 'refunded' WHERE id < 0;\n");
  check_clean(p);
  p.apply();
  CHECK(scalar(p.db, "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                     "WHERE enumtypid = 'order_status'::regtype") == "new,paid,refunded,shipped");
  p.refuse({"--pattern", "enum-value", "--type", "order_status", "--value", "refunded"}, "already has this value");
}

TEST_CASE("every layout: pgsafe new and a pattern, linted and applied in order", "[patterns][layouts]") {
  struct Case {
    const char* layout;
    const char* folder;
    const char* base;  // the first migration's path in the folder
  };
  const Case cases[] = {
      {"timestamp", "db/migrations", "20240101000000_base.sql"},
      {"prisma", "prisma/migrations", "20240101000000_base/migration.sql"},
      {"diesel", "migrations", "2024-01-01-000000_base/up.sql"},
      {"golang-migrate", "migrations", "000001_base.up.sql"},
      {"flyway", "db/migration", "V1__base.sql"},
      {"drizzle", "drizzle", "0000_base.sql"},
  };
  for (const auto& c : cases) {
    INFO(c.layout);
    auto p = make_pattern_project(std::string("layout_") + (c.layout[0] == 'g' ? "golang" : c.layout), c.folder, "");
    p.write(c.base, "-- intent: base\n"
                    "CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n"
                    "CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);\n");
    // The layout comes from the folder's files (no --layout, no config).
    auto files = p.run_new({"orders belong to customers", "--pattern", "foreign-key", "--table", "orders", "--references",
                            "customers"});
    auto plain = p.run_new({"use it"});
    size_t ups = 0;
    for (const auto& f : files) ups += f.find("down") == std::string::npos && f.find("metadata.toml") == std::string::npos;
    CHECK(ups == 4);
    REQUIRE(plain.size() == 1);
    write_file(p.root + "/" + plain[0], read_file(p.root + "/" + plain[0]) + "ALTER TABLE orders ADD COLUMN note text;\n");
    check_clean(p);
    p.apply();
    CHECK(scalar(p.db, "SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'") == "t");
    CHECK(scalar(p.db, "SELECT count(*) FROM pgsafe.pgsafe_migrations") == "6");
  }
}
