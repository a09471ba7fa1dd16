// The catalog, one DDL form at a time: what each statement leaves in the model.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "analyzer/catalog.h"
#include "parser/parser.h"

namespace pgsafe {
namespace {

// Replay files (one string each) into a fresh catalog, the way the engine does.
Catalog replay(const std::vector<std::string>& files) {
  Catalog c;
  for (size_t i = 0; i < files.size(); ++i) {
    parser::ParsedFile parsed = parser::parse_sql(files[i]);
    for (const auto& st : parsed.statements())
      if (st.node) c.apply(*st.node, SourceRef{static_cast<int>(i), st.begin, st.end, st.base}, files[i]);
  }
  return c;
}
Catalog replay(const std::string& sql) { return replay(std::vector<std::string>{sql}); }

const Table& table(const Catalog& c, const std::string& key) {
  const Table* t = c.find_table(key);
  INFO("table " << key);
  REQUIRE(t != nullptr);
  return *t;
}
const Column& column(const Table& t, const std::string& name) {
  const Column* c = t.find_column(name);
  INFO("column " << name << " of " << t.qualified());
  REQUIRE(c != nullptr);
  return *c;
}

}  // namespace

TEST_CASE("catalog: CREATE TABLE columns with types, typmods, arrays, defaults, identity, generated", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE app.orders (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code varchar(50) NOT NULL,
      amount numeric(10,2) DEFAULT 0,
      tags text[],
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      total numeric GENERATED ALWAYS AS (amount * 2) STORED,
      legacy serial
    );)");
  const Table& t = table(c, "app.orders");
  CHECK(t.known);
  CHECK(t.columns_known);
  CHECK(t.columns.size() == 7);
  const Column& id = column(t, "id");
  CHECK(id.type.name == "int8");
  CHECK(id.identity);
  CHECK(id.identity_kind == "ALWAYS");
  CHECK(id.not_null);
  const Column& code = column(t, "code");
  CHECK(code.type.name == "varchar");
  CHECK(code.type.mods == std::vector<int>{50});
  CHECK(code.not_null);
  const Column& amount = column(t, "amount");
  CHECK(amount.type.mods == std::vector<int>{10, 2});
  CHECK(amount.has_default);
  CHECK(amount.default_expr == "0");
  CHECK(column(t, "tags").type.array_dims == 1);
  CHECK(column(t, "tags").type.name == "text");
  CHECK(column(t, "created_at").type.mods == std::vector<int>{3});
  CHECK(column(t, "created_at").default_expr == "now()");
  CHECK(column(t, "total").generated);
  CHECK(column(t, "total").generated_expr == "amount * 2");
  CHECK(column(t, "legacy").type.name == "int4");
  CHECK(column(t, "legacy").has_default);
  REQUIRE(t.primary_key());
  CHECK(t.primary_key()->name == "orders_pkey");
  const Index* pk = c.find_index("app.orders_pkey");
  REQUIRE(pk);
  CHECK(pk->primary);
  CHECK(pk->constraint == "orders_pkey");
}

TEST_CASE("catalog: partitioned, unlogged, temporary tables, partitions", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    CREATE UNLOGGED TABLE cache (k text);
    CREATE TEMP TABLE scratch (x int);)");
  CHECK(table(c, "public.events").partitioned);
  const Table& part = table(c, "public.events_2024");
  CHECK(part.partition_of == "public.events");
  CHECK(part.columns.size() == 2);
  CHECK(part.primary_key() != nullptr);
  CHECK(c.find_index("public.events_2024_pkey") != nullptr);
  CHECK(table(c, "public.cache").unlogged);
  CHECK(c.find_table("public.scratch") == nullptr);
}

TEST_CASE("catalog: constraints PK, FK (NOT VALID, VALIDATE), UNIQUE, CHECK, EXCLUDE", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, age int CHECK (age > 0));
    CREATE TABLE posts (
      id bigint PRIMARY KEY,
      author_id bigint REFERENCES users ON DELETE CASCADE,
      during tstzrange,
      EXCLUDE USING gist (during WITH &&)
    );
    ALTER TABLE posts ADD CONSTRAINT posts_editor_fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;
    ALTER TABLE posts ADD CONSTRAINT posts_id_positive CHECK (id > 0) NOT VALID;)");
  const Table& users = table(c, "public.users");
  REQUIRE(users.find_constraint("users_email_key"));
  CHECK(users.find_constraint("users_email_key")->kind == ConstraintKind::Unique);
  CHECK(c.find_index("public.users_email_key") != nullptr);
  REQUIRE(users.find_constraint("users_age_check"));
  CHECK(users.find_constraint("users_age_check")->expr == "age > 0");
  const Table& posts = table(c, "public.posts");
  const Constraint* fk = posts.find_constraint("posts_author_id_fkey");
  REQUIRE(fk);
  CHECK(fk->kind == ConstraintKind::ForeignKey);
  CHECK(fk->ref_table == "public.users");
  CHECK(fk->ref_columns == std::vector<std::string>{"id"});  // the referenced primary key
  CHECK(fk->on_delete == "CASCADE");
  CHECK(fk->validated);
  const Constraint* nv = posts.find_constraint("posts_editor_fk");
  REQUIRE(nv);
  CHECK_FALSE(nv->validated);
  REQUIRE(posts.find_constraint("posts_during_excl"));
  CHECK(posts.find_constraint("posts_during_excl")->kind == ConstraintKind::Exclusion);
  CHECK(c.find_index("public.posts_during_excl")->method == "gist");

  Catalog v = replay(std::vector<std::string>{
      "CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE posts (id bigint, author_id bigint);"
      "ALTER TABLE posts ADD CONSTRAINT fk FOREIGN KEY (author_id) REFERENCES users (id) NOT VALID;",
      "ALTER TABLE posts VALIDATE CONSTRAINT fk;"});
  CHECK(table(v, "public.posts").find_constraint("fk")->validated);
}

TEST_CASE("catalog: FK definition is located at its own line", "[catalog]") {
  std::string sql = "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (\n  id int,\n  a_id int REFERENCES a (id)\n);";
  Catalog c = replay(sql);
  const Constraint* fk = table(c, "public.b").find_constraint("b_a_id_fkey");
  REQUIRE(fk);
  CHECK(sql.substr(fk->source.begin, fk->source.end - fk->source.begin) == "REFERENCES a (id)");
}

TEST_CASE("catalog: indexes with columns, expressions, partial, unique, validity, default names", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE t (id int, email text, deleted_at timestamptz) PARTITION BY RANGE (id);
    CREATE UNIQUE INDEX t_email_idx ON t (lower(email)) WHERE deleted_at IS NULL;
    CREATE INDEX ON t (id, email);
    CREATE INDEX CONCURRENTLY t_id_desc ON t (id DESC);
    CREATE INDEX t_only ON ONLY t (email);
    CREATE INDEX IF NOT EXISTS t_id_desc ON t (email);)");
  const Index* ix = c.find_index("public.t_email_idx");
  REQUIRE(ix);
  CHECK(ix->unique);
  CHECK(ix->partial);
  CHECK(ix->predicate == "deleted_at IS NULL");
  CHECK(ix->keys == std::vector<std::string>{"(lower(email))"});
  CHECK(ix->columns == std::vector<std::string>{""});
  const Index* unnamed = c.find_index("public.t_id_email_idx");
  REQUIRE(unnamed);
  CHECK(unnamed->columns == std::vector<std::string>{"id", "email"});
  CHECK(c.find_index("public.t_id_desc")->keys == std::vector<std::string>{"id DESC"});
  CHECK(c.find_index("public.t_id_desc")->concurrently);
  CHECK_FALSE(c.find_index("public.t_only")->valid);
  CHECK(c.indexes_on("public.t").size() == 4);
}

TEST_CASE("catalog: ALTER TABLE column forms", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE t (id int, name varchar(20), note text DEFAULT 'x', n int);
    ALTER TABLE t ADD COLUMN email text NOT NULL DEFAULT '';
    ALTER TABLE t ALTER COLUMN name TYPE varchar(100);
    ALTER TABLE t ALTER COLUMN id SET NOT NULL;
    ALTER TABLE t ALTER COLUMN note DROP DEFAULT;
    ALTER TABLE t ALTER COLUMN n ADD GENERATED BY DEFAULT AS IDENTITY;
    ALTER TABLE t ALTER COLUMN name SET DEFAULT 'anon';
    ALTER TABLE t DROP COLUMN email;
    ALTER TABLE t SET UNLOGGED;)");
  const Table& t = table(c, "public.t");
  CHECK(t.find_column("email") == nullptr);
  CHECK(column(t, "name").type.mods == std::vector<int>{100});
  CHECK(column(t, "name").default_expr == "'anon'");
  CHECK(column(t, "id").not_null);
  CHECK_FALSE(column(t, "note").has_default);
  CHECK(column(t, "n").identity);
  CHECK(column(t, "n").identity_kind == "BY DEFAULT");
  CHECK(t.unlogged);
}

TEST_CASE("catalog: dropping a column drops its indexes and constraints", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE, b int);
    CREATE INDEX t_ab ON t (a, b);
    ALTER TABLE t DROP COLUMN a;)");
  CHECK(c.find_index("public.t_ab") == nullptr);
  CHECK(c.find_index("public.t_a_key") == nullptr);
  CHECK(table(c, "public.t").find_constraint("t_a_key") == nullptr);
  CHECK(c.find_index("public.t_pkey") != nullptr);
}

TEST_CASE("catalog: RLS enabled, forced, disabled; policies", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE notes (id int, owner uuid);
    ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    ALTER TABLE notes FORCE ROW LEVEL SECURITY;
    CREATE POLICY own ON notes FOR UPDATE TO authenticated USING (owner = auth.uid()) WITH CHECK (true);
    CREATE POLICY everyone ON notes USING ('t'::boolean);
    ALTER POLICY own ON notes TO authenticated, service_role;
    ALTER POLICY everyone ON notes RENAME TO all_rows;)");
  const Table& t = table(c, "public.notes");
  CHECK(t.rls_enabled);
  CHECK(t.rls_forced);
  REQUIRE(t.policies.size() == 2);
  const Policy* own = t.find_policy("own");
  REQUIRE(own);
  CHECK(own->command == "update");
  CHECK(own->roles == std::vector<std::string>{"authenticated", "service_role"});
  CHECK(own->using_expr == "owner = auth.uid()");
  CHECK_FALSE(own->using_true);
  CHECK(own->check_true);
  const Policy* all = t.find_policy("all_rows");
  REQUIRE(all);
  CHECK(all->command == "all");
  CHECK(all->roles == std::vector<std::string>{"public"});
  CHECK(all->using_true);

  Catalog off = replay(std::vector<std::string>{"CREATE TABLE n (id int); ALTER TABLE n ENABLE ROW LEVEL SECURITY;",
                                                "ALTER TABLE n DISABLE ROW LEVEL SECURITY; DROP POLICY IF EXISTS p ON n;"});
  CHECK_FALSE(table(off, "public.n").rls_enabled);
  CHECK(table(off, "public.n").rls_known);
}

TEST_CASE("catalog: tables from outside the set are stubs, marked unknown", "[catalog]") {
  Catalog c = replay(R"(
    ALTER TABLE auth.users ADD COLUMN nickname text;
    CREATE POLICY p ON profiles USING (true);
    ALTER TABLE IF EXISTS ghosts ADD COLUMN x int;)");
  const Table& users = table(c, "auth.users");
  CHECK_FALSE(users.known);
  CHECK_FALSE(users.columns_known);
  CHECK_FALSE(users.rls_known);
  CHECK(column(users, "nickname").type.name == "text");
  const Table& profiles = table(c, "public.profiles");
  CHECK_FALSE(profiles.known);
  CHECK(profiles.policies.size() == 1);
  CHECK(c.find_table("public.ghosts") == nullptr);
}

TEST_CASE("catalog: grants, revokes, ALL TABLES IN SCHEMA, default privileges", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE a (id int);
    CREATE TABLE b (id int);
    GRANT SELECT, INSERT ON a TO authenticated;
    GRANT ALL ON TABLE a TO service_role;
    REVOKE INSERT ON a FROM authenticated;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO anon;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reporting;
    CREATE TABLE c (id int);
    GRANT UPDATE (id) ON b TO PUBLIC;)");
  const Table& a = table(c, "public.a");
  CHECK(a.grants.at("authenticated") == std::set<std::string>{"select"});
  CHECK(a.grants.at("service_role").size() == 7);
  CHECK(a.grants.at("anon") == std::set<std::string>{"select"});
  CHECK(table(c, "public.b").grants.at("public") == std::set<std::string>{"update(id)"});
  CHECK(table(c, "public.c").grants.count("reporting") == 1);
  CHECK(table(c, "public.c").grants.count("anon") == 0);
  CHECK(table(c, "public.b").grants.count("reporting") == 0);
}

TEST_CASE("catalog: views and security_invoker", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE t (id int, secret text);
    CREATE VIEW v AS SELECT id FROM t;
    CREATE VIEW w WITH (security_invoker = true) AS SELECT * FROM t;
    CREATE VIEW x WITH (security_invoker) AS SELECT 1 AS one;
    ALTER VIEW v SET (security_invoker = on);
    CREATE OR REPLACE VIEW x AS SELECT 2 AS two;
    CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
    ALTER VIEW w RENAME TO w2;)");
  REQUIRE(c.find_view("public.v"));
  CHECK(c.find_view("public.v")->security_invoker);
  CHECK(c.find_view("public.v")->columns == std::vector<std::string>{"id"});
  REQUIRE(c.find_view("public.w2"));
  CHECK(c.find_view("public.w2")->security_invoker);
  CHECK(c.find_view("public.w2")->columns == std::vector<std::string>{"id", "secret"});
  CHECK_FALSE(c.find_view("public.x")->security_invoker);  // OR REPLACE resets the options
  CHECK(c.find_view("public.m")->materialized);
  CHECK(c.find_view("public.w") == nullptr);
}

TEST_CASE("catalog: functions, SECURITY DEFINER and search_path", "[catalog]") {
  Catalog c = replay(R"(
    CREATE FUNCTION public.f(a integer, OUT b text) RETURNS text LANGUAGE sql SECURITY DEFINER AS 'select 1';
    CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$ begin end $$;
    CREATE FUNCTION h(int4) RETURNS int LANGUAGE sql AS 'select 1';
    ALTER FUNCTION f(int) SET search_path = public, pg_temp;
    ALTER FUNCTION h SECURITY DEFINER;
    ALTER FUNCTION g() RENAME TO g2;)");
  const Function* f = c.find_function("public.f(int4)");
  REQUIRE(f);
  CHECK(f->security_definer);
  CHECK(f->sets_search_path);
  CHECK(f->search_path == "public, pg_temp");
  CHECK(f->language == "sql");
  const Function* g = c.find_function("public.g2()");
  REQUIRE(g);
  CHECK(g->sets_search_path);
  CHECK(g->search_path == "''");
  const Function* h = c.find_function("public.h(int4)");
  REQUIRE(h);
  CHECK(h->security_definer);
  CHECK_FALSE(h->sets_search_path);

  Catalog d = replay("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'; DROP FUNCTION f;");
  CHECK(d.functions().empty());
}

TEST_CASE("catalog: function volatility and extensions", "[catalog]") {
  Catalog c = replay(R"(
    CREATE FUNCTION v() RETURNS int LANGUAGE sql AS 'select 1';
    CREATE FUNCTION s() RETURNS int LANGUAGE sql STABLE AS 'select 1';
    CREATE FUNCTION i() RETURNS int LANGUAGE sql IMMUTABLE AS 'select 1';
    ALTER FUNCTION s() IMMUTABLE;
    CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
    CREATE EXTENSION pg_trgm;
    CREATE EXTENSION ltree;
    DROP EXTENSION ltree;)");
  CHECK(c.find_function("public.v()")->volatility == "volatile");
  CHECK(c.find_function("public.s()")->volatility == "immutable");
  CHECK(c.find_function("public.i()")->volatility == "immutable");
  REQUIRE(c.extensions().size() == 2);
  CHECK(c.extensions().at("pgcrypto").schema == "extensions");
  CHECK(c.extensions().at("pg_trgm").schema.empty());
}

TEST_CASE("catalog: expressions follow renamed and dropped columns, defaults follow renamed enum values", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TYPE mode AS ENUM ('open', 'closed');
    CREATE TABLE t (a int, b text, m mode NOT NULL DEFAULT 'open', CONSTRAINT t_a_check CHECK ((a IS NULL) = (m IS NULL)));
    CREATE INDEX t_lower_b ON t (lower(b)) WHERE a IS NOT NULL;
    CREATE INDEX t_a_idx ON t (a);
    ALTER TABLE t ENABLE ROW LEVEL SECURITY;
    CREATE POLICY p ON t USING (a > 0);
    ALTER TABLE t RENAME COLUMN a TO a_at;
    ALTER TYPE mode RENAME VALUE 'open' TO 'Open';
    CREATE INDEX t_upper_b ON t (upper(b));
    ALTER TABLE t DROP COLUMN b;)");
  const Table* t = c.find_table("public.t");
  REQUIRE(t);
  const Constraint* k = t->find_constraint("t_a_check");
  REQUIRE(k);
  CHECK(k->expr == "(a_at IS NULL) = (m IS NULL)");
  CHECK(t->find_policy("p")->using_expr == "a_at > 0");
  CHECK(t->find_column("m")->default_expr == "'Open'");
  // Dropping b drops the indexes whose expressions use it, not the others.
  CHECK(c.find_index("public.t_lower_b") == nullptr);
  CHECK(c.find_index("public.t_upper_b") == nullptr);
  REQUIRE(c.find_index("public.t_a_idx"));
  CHECK(c.find_index("public.t_a_idx")->keys == std::vector<std::string>{"a_at"});
}

TEST_CASE("catalog: enums, domains, composite types, and their renames", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
    ALTER TYPE mood ADD VALUE 'awful' BEFORE 'sad';
    ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
    CREATE DOMAIN email AS varchar(200) NOT NULL CHECK (VALUE LIKE '%@%');
    CREATE TYPE pair AS (a int, b text);
    CREATE TABLE people (m mood, e email);
    ALTER TYPE mood RENAME TO feeling;)");
  const UserType* mood = c.find_type("public.feeling");
  REQUIRE(mood);
  CHECK(mood->labels == std::vector<std::string>{"awful", "sad", "fine", "happy"});
  CHECK(column(table(c, "public.people"), "m").type.name == "feeling");
  const UserType* email = c.find_type("public.email");
  REQUIRE(email);
  CHECK(email->kind == UserTypeKind::Domain);
  CHECK(email->not_null);
  CHECK(email->checks.size() == 1);
  CHECK(c.resolve_domain(column(table(c, "public.people"), "e").type).name == "varchar");
  CHECK(c.find_type("public.pair")->attributes.size() == 2);
}

TEST_CASE("catalog: schemas, CREATE SCHEMA elements, renames and drops", "[catalog]") {
  Catalog c = replay(R"(
    CREATE SCHEMA billing CREATE TABLE invoices (id int PRIMARY KEY) CREATE VIEW open_invoices AS SELECT id FROM invoices;
    CREATE SCHEMA tmp;
    CREATE TABLE tmp.t (id int);
    ALTER SCHEMA billing RENAME TO finance;
    DROP SCHEMA tmp CASCADE;)");
  CHECK(c.schemas().count("finance") == 1);
  CHECK(c.schemas().count("billing") == 0);
  CHECK(c.find_table("finance.invoices") != nullptr);
  CHECK(c.find_index("finance.invoices_pkey") != nullptr);
  CHECK(c.find_view("finance.open_invoices") != nullptr);
  CHECK(c.find_table("tmp.t") == nullptr);
  CHECK(c.schemas().count("tmp") == 0);
}

TEST_CASE("catalog: renames of tables, columns, constraints, indexes follow everything", "[catalog]") {
  Catalog c = replay(std::vector<std::string>{
      "CREATE TABLE users (id int PRIMARY KEY, mail text); CREATE TABLE posts (id int, uid int REFERENCES users (id));"
      "CREATE INDEX posts_uid_idx ON posts (uid);",
      "ALTER TABLE users RENAME TO accounts; ALTER TABLE accounts RENAME COLUMN id TO account_id;"
      "ALTER TABLE posts RENAME COLUMN uid TO account_id; ALTER INDEX posts_uid_idx RENAME TO posts_account_idx;"
      "ALTER TABLE accounts RENAME CONSTRAINT users_pkey TO accounts_pkey; ALTER TABLE accounts SET SCHEMA auth;"});
  CHECK(c.find_table("public.users") == nullptr);
  const Table& acc = table(c, "auth.accounts");
  CHECK(acc.find_column("account_id") != nullptr);
  CHECK(acc.find_constraint("accounts_pkey") != nullptr);
  CHECK(c.find_index("auth.accounts_pkey") != nullptr);
  CHECK(c.find_index("auth.accounts_pkey")->table == "auth.accounts");
  const Table& posts = table(c, "public.posts");
  const Constraint& fk = posts.constraints.front();
  CHECK(fk.ref_table == "auth.accounts");
  CHECK(fk.ref_columns == std::vector<std::string>{"account_id"});
  CHECK(fk.columns == std::vector<std::string>{"account_id"});
  const Index* ix = c.find_index("public.posts_account_idx");
  REQUIRE(ix);
  CHECK(ix->columns == std::vector<std::string>{"account_id"});
}

TEST_CASE("catalog: drops of tables, indexes, views, types, policies, constraints", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE a (id int PRIMARY KEY);
    CREATE TABLE b (id int, a_id int REFERENCES a, CONSTRAINT b_pos CHECK (id > 0));
    CREATE INDEX b_a ON b (a_id);
    CREATE VIEW v AS SELECT 1;
    CREATE TYPE e AS ENUM ('x');
    CREATE POLICY p ON b USING (true);
    ALTER TABLE b DROP CONSTRAINT b_pos;
    DROP INDEX b_a;
    DROP VIEW v;
    DROP TYPE e;
    DROP POLICY p ON b;
    DROP TABLE a CASCADE;)");
  CHECK(c.find_table("public.a") == nullptr);
  CHECK(c.find_index("public.a_pkey") == nullptr);
  CHECK(c.find_index("public.b_a") == nullptr);
  CHECK(c.find_view("public.v") == nullptr);
  CHECK(c.find_type("public.e") == nullptr);
  const Table& b = table(c, "public.b");
  CHECK(b.policies.empty());
  CHECK(b.constraints.empty());  // the CHECK was dropped, the FK went with table a
}

TEST_CASE("catalog: CREATE TABLE LIKE and AS where knowable", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE src (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x', CHECK (id > 0));
    CREATE TABLE copy_all (LIKE src INCLUDING ALL);
    CREATE TABLE copy_plain (LIKE src, extra int);
    CREATE TABLE copy_unknown (LIKE elsewhere);
    CREATE TABLE snapshot AS SELECT id, name AS label FROM src;
    CREATE TABLE computed AS SELECT count(*) FROM src;)");
  const Table& all = table(c, "public.copy_all");
  CHECK(all.columns.size() == 2);
  CHECK(column(all, "name").default_expr == "'x'");
  CHECK(all.primary_key() != nullptr);
  CHECK(c.find_index("public.copy_all_pkey") != nullptr);
  const Table& plain = table(c, "public.copy_plain");
  CHECK(plain.columns.size() == 3);
  CHECK(column(plain, "name").not_null);
  CHECK_FALSE(column(plain, "name").has_default);
  CHECK(plain.primary_key() == nullptr);
  CHECK_FALSE(table(c, "public.copy_unknown").columns_known);
  const Table& snap = table(c, "public.snapshot");
  CHECK(snap.columns_known);
  CHECK(column(snap, "label").type.name == "text");
  CHECK_FALSE(table(c, "public.computed").columns_known);
}

TEST_CASE("catalog: DDL inside DO blocks is replayed", "[catalog]") {
  Catalog c = replay(R"(
    CREATE TABLE t (id int);
    DO $$
    BEGIN
      ALTER TABLE t ENABLE ROW LEVEL SECURITY;
      CREATE INDEX t_id ON t (id);
    END
    $$;)");
  CHECK(table(c, "public.t").rls_enabled);
  CHECK(c.find_index("public.t_id") != nullptr);
}

TEST_CASE("catalog: copies are independent (down files lint against a scratch copy)", "[catalog]") {
  Catalog c = replay("CREATE TABLE t (id int);");
  Catalog copy = c;
  parser::ParsedFile p = parser::parse_sql("DROP TABLE t;");
  copy.apply(*p.statements().front().node, SourceRef{});
  CHECK(copy.find_table("public.t") == nullptr);
  CHECK(c.find_table("public.t") != nullptr);
}

}  // namespace pgsafe
