// The data generator (analyzer/synth.h) without a database: determinism, types and lengths,
// dependency order, unique values, CHECK handling and the problems it reports. Loading what it
// generates into a real server is tests/applier/generate_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "analyzer/plan.h"
#include "analyzer/synth.h"
#include "analyzer/synth_check.h"
#include "analyzer/synth_time.h"
#include "tests/support.h"

namespace pgsafe {
namespace {

Catalog catalog_of(const std::string& sql) {
  MigrationSet set = set_from_memory({{"20240101000000_schema.sql", sql}}, Layout::Timestamp);
  return build_plan(set).catalog;
}

synth::Generated gen(const Catalog& c, size_t rows = 20, uint64_t seed = 42, std::vector<std::string> tables = {}) {
  synth::Options o;
  o.rows = rows;
  o.seed = seed;
  o.tables = std::move(tables);
  return synth::generate(c, o);
}

std::string script(const Catalog& c, size_t rows = 20, uint64_t seed = 42) {
  synth::Options o;
  o.rows = rows;
  o.seed = seed;
  return synth::render_script(synth::generate(c, o), o);
}

const synth::TableInsert* table(const synth::Generated& g, const std::string& name) {
  for (const auto& t : g.tables)
    if (t.table == name) return &t;
  return nullptr;
}

std::string all_sql(const synth::TableInsert& t) {
  std::string out;
  for (const auto& s : t.statements) out += s;
  return out;
}

std::string problems(const synth::Generated& g) {
  std::string out;
  for (const auto& p : g.problems)
    out += p.table + (p.column.empty() ? "" : "." + p.column) + ": " + p.message + (p.skipped ? " [skipped]" : "") + "\n";
  return out;
}

// The VALUES rows of a plain INSERT (one table without foreign keys), split into fields.
std::vector<std::vector<std::string>> value_rows(const std::string& script) {
  std::vector<std::vector<std::string>> rows;
  for (size_t at = script.find("INSERT INTO"); at != std::string::npos;) {
    size_t next = script.find("INSERT INTO", at + 1);
    std::string sql = script.substr(at, next == std::string::npos ? std::string::npos : next - at);
    at = next;
    size_t i = sql.find("VALUES");
    while (i != std::string::npos && (i = sql.find('(', i)) != std::string::npos) {
      std::vector<std::string> row;
      std::string cur;
      bool quoted = false;
      size_t j = i + 1;
      for (; j < sql.size(); ++j) {
        char c = sql[j];
        if (quoted) {
          if (c == '\'' && j + 1 < sql.size() && sql[j + 1] == '\'') cur += c, ++j;
          else if (c == '\'') quoted = false;
          else cur += c;
        } else if (c == '\'') quoted = true;
        else if (c == ',') row.push_back(cur), cur.clear(), j += sql[j + 1] == ' ';
        else if (c == ')') break;
        else cur += c;
      }
      row.push_back(cur);
      rows.push_back(row);
      i = j;
    }
  }
  return rows;
}

const char* kShop = R"SQL(
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(80) NOT NULL UNIQUE,
  first_name text NOT NULL,
  last_name text NOT NULL,
  phone text,
  city text,
  country_code char(2) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz
);
CREATE TABLE products (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sku varchar(12) NOT NULL UNIQUE,
  title varchar(40) NOT NULL,
  description text,
  price numeric(8,2) NOT NULL CHECK (price > 0 AND price < 5000),
  stock positive_int NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  attributes jsonb,
  active boolean NOT NULL
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status order_status NOT NULL,
  placed_on date NOT NULL,
  ships_on date,
  note varchar(200),
  CHECK (ships_on >= placed_on)
);
CREATE TABLE order_lines (
  order_id bigint NOT NULL REFERENCES orders (id),
  product_id uuid NOT NULL REFERENCES products (id),
  quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 20),
  PRIMARY KEY (order_id, product_id)
);
)SQL";

TEST_CASE("synth: every keyword PostgreSQL does not take as a bare column name is quoted", "[synth]") {
  for (const char* kw : {"left", "right", "is", "similar", "current_date", "verbose", "join", "like", "full", "inner",
                         "cross", "natural", "freeze", "binary", "returning", "fetch", "some", "variadic", "lateral",
                         "authorization", "analyze", "current_user", "session_user", "user", "select", "between",
                         "overlaps", "tablesample", "collation", "concurrently", "ilike", "isnull", "notnull", "outer"})
    CHECK(quote_ident(kw) == std::string("\"") + kw + "\"");
  for (const char* ok : {"name", "id", "value", "key", "data", "type", "comment"}) CHECK(quote_ident(ok) == ok);
  Catalog c = catalog_of(R"SQL(CREATE TABLE nested (id serial PRIMARY KEY, "left" int NOT NULL, "right" int NOT NULL, "is" boolean NOT NULL DEFAULT false, "similar" text);)SQL");
  auto g = gen(c, 5);
  REQUIRE(table(g, "public.nested"));
  std::string sql = all_sql(*table(g, "public.nested"));
  CHECK(sql.find("\"left\", \"right\"") != std::string::npos);
  CHECK(sql.find("\"similar\"") != std::string::npos);
}

TEST_CASE("synth: a unique generated column is never given a value; its source column is made unique", "[synth]") {
  Catalog c = catalog_of(R"SQL(CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL, email_lower text GENERATED ALWAYS AS (lower(email)) STORED UNIQUE);
CREATE TABLE flags (on_off boolean NOT NULL, neg boolean GENERATED ALWAYS AS (NOT on_off) STORED UNIQUE);)SQL");
  auto g = gen(c, 50);
  REQUIRE(table(g, "public.people"));
  std::string sql = all_sql(*table(g, "public.people"));
  CHECK(sql.find("email_lower") == std::string::npos);
  CHECK(table(g, "public.people")->rows == 50);
  if (auto f = table(g, "public.flags")) CHECK(all_sql(*f).find("neg") == std::string::npos);
}

TEST_CASE("synth: a CHECK between two foreign-key columns filters the joined rows", "[synth]") {
  Catalog c = catalog_of(R"SQL(CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE dm (id serial PRIMARY KEY, sender_id int NOT NULL REFERENCES users, recipient_id int NOT NULL REFERENCES users,
  CHECK (sender_id <> recipient_id));)SQL");
  auto g = gen(c, 10);
  REQUIRE(table(g, "public.dm"));
  std::string sql = all_sql(*table(g, "public.dm"));
  CHECK(sql.find(") AS s\nWHERE (sender_id <> recipient_id) IS NOT FALSE") != std::string::npos);
  CHECK(!table(g, "public.dm")->exact);
}

TEST_CASE("synth: problem messages in the SQL file stay comments, whatever their text holds", "[synth]") {
  Catalog c = catalog_of("CREATE TABLE \"evil\nDROP TABLE x;\" (id int PRIMARY KEY, code text NOT NULL CHECK (code ~ E'^a\\nDROP TABLE y; --'));\n"
                         "CREATE TABLE ok (id int PRIMARY KEY);");
  std::string sql = script(c, 5);
  std::istringstream in(sql);
  std::string line;
  bool in_statement = false;
  while (std::getline(in, line)) {
    if (line.rfind("INSERT INTO", 0) == 0) in_statement = true;
    INFO(line);
    if (!in_statement && !line.empty() && line != "BEGIN;" && line != "COMMIT;") CHECK(line.rfind("-- ", 0) == 0);
    if (line.find(';') != std::string::npos) in_statement = false;
  }
  CHECK(sql.find("\nDROP TABLE") == std::string::npos);
}

}  // namespace

TEST_CASE("synth: the same seed gives byte-identical SQL, another seed other rows", "[synth]") {
  Catalog c = catalog_of(kShop);
  std::string a = script(c, 50, 42), b = script(c, 50, 42), other = script(c, 50, 43);
  CHECK(a == b);
  CHECK(a != other);
  CHECK(a.find("seed 42") != std::string::npos);
  // Determinism does not depend on which other tables are generated.
  auto only = gen(c, 50, 42, {"public.customers"});
  auto full = gen(c, 50, 42);
  REQUIRE(table(only, "public.customers"));
  CHECK(all_sql(*table(only, "public.customers")) == all_sql(*table(full, "public.customers")));
}

TEST_CASE("synth: tables come in foreign-key order, every column it can fill is filled", "[synth]") {
  Catalog c = catalog_of(kShop);
  auto g = gen(c);
  INFO(problems(g));
  std::vector<std::string> order;
  for (const auto& t : g.tables) order.push_back(t.table);
  auto pos = [&](const std::string& t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  REQUIRE(order.size() == 4);
  CHECK(pos("public.customers") < pos("public.orders"));
  CHECK(pos("public.orders") < pos("public.order_lines"));
  CHECK(pos("public.products") < pos("public.order_lines"));
  CHECK(g.problems.empty());
  const std::string customers = all_sql(*table(g, "public.customers"));
  // Identity left to the database; the insertion-time default generated for realism.
  CHECK(customers.find("(\"id\"") == std::string::npos);
  CHECK(customers.find("INSERT INTO public.customers (email, first_name, last_name, phone, city, country_code, created_at, updated_at) VALUES") != std::string::npos);
  // Foreign keys join the parents' rows.
  const std::string orders = all_sql(*table(g, "public.orders"));
  CHECK(orders.find("JOIN (SELECT q.id AS r0, row_number() OVER (ORDER BY q.id) - 1 AS rn FROM public.customers AS q") != std::string::npos);
  CHECK(!table(g, "public.orders")->exact);
  CHECK(table(g, "public.orders")->required_parents == std::vector<std::string>{"public.customers"});
}

TEST_CASE("synth: values respect lengths, precision, enums, domains and look like their column", "[synth]") {
  Catalog c = catalog_of(kShop);
  auto g = gen(c, 200);
  auto rows = value_rows(all_sql(*table(g, "public.customers")));
  REQUIRE(rows.size() == 200);
  std::set<std::string> emails;
  for (const auto& r : rows) {
    REQUIRE(r.size() == 8);
    CHECK(r[0].size() <= 80);
    CHECK(std::regex_match(r[0], std::regex(R"([a-z]+\.[a-z]+\.[0-9a-z]+@example\.(com|org|net))")));
    emails.insert(r[0]);
    // email agrees with the first and last name of the same row
    std::string first = r[1], last = r[2];
    std::transform(first.begin(), first.end(), first.begin(), ::tolower);
    std::transform(last.begin(), last.end(), last.begin(), ::tolower);
    CHECK(r[0].rfind(first + "." + last + ".", 0) == 0);
    CHECK(r[5].size() == 2);
    // created_at <= updated_at (text order is time order in this format)
    if (r[7] != "NULL") CHECK(r[6] <= r[7]);
  }
  CHECK(emails.size() == 200);

  auto products = value_rows(all_sql(*table(g, "public.products")));
  REQUIRE(products.size() == 200);
  std::set<std::string> skus;
  for (const auto& r : products) {
    skus.insert(r[0]);
    CHECK(r[0].size() <= 12);
    CHECK(std::regex_match(r[0], std::regex(R"([A-Z]{2}-\d{4}-[0-9a-z]+)")));
    CHECK(r[1].size() <= 40);
    long double price = std::stold(r[3]);
    CHECK(price > 0);
    CHECK(price < 5000);
    CHECK(std::regex_match(r[3], std::regex(R"(\d+\.\d\d)")));
    CHECK(std::stol(r[4]) > 0);  // the domain's CHECK (VALUE > 0)
    CHECK((r[6] == "true" || r[6] == "false"));
  }
  CHECK(skus.size() == 200);

  const std::string orders = all_sql(*table(g, "public.orders"));
  CHECK(orders.find("::public.order_status") != std::string::npos);  // first row casts
  for (const char* label : {"'paid'", "'shipped'", "'cancelled'"}) CHECK(orders.find(label) != std::string::npos);
}

TEST_CASE("synth: a CHECK between two columns holds on every row", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE events (
  id int PRIMARY KEY,
  title text NOT NULL CHECK (title <> ''),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  capacity int NOT NULL CHECK (capacity IN (10, 20, 50)),
  level smallint CHECK (level >= 3 AND level <= 5),
  code varchar(8) NOT NULL CHECK (length(code) >= 6),
  CONSTRAINT ends_after_start CHECK (ends_at > starts_at)
);)SQL");
  auto g = gen(c, 300);
  INFO(problems(g));
  CHECK(g.problems.empty());
  auto rows = value_rows(all_sql(*table(g, "public.events")));
  REQUIRE(rows.size() == 300);
  std::set<std::string> ids;
  for (const auto& r : rows) {
    ids.insert(r[0]);
    CHECK(!r[1].empty());
    auto start = synth::parse_time_constant(r[2], false), end = synth::parse_time_constant(r[3], false);
    REQUIRE(start);
    REQUIRE(end);
    CHECK(*end > *start);
    CHECK((r[4] == "10" || r[4] == "20" || r[4] == "50"));
    if (r[5] != "NULL") CHECK((std::stoi(r[5]) >= 3 && std::stoi(r[5]) <= 5));
    CHECK(r[6].size() >= 6);
    CHECK(r[6].size() <= 8);
  }
  CHECK(ids.size() == 300);
}

TEST_CASE("synth: a CHECK it cannot evaluate: NULL in a nullable column, the table skipped on a NOT NULL one", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE accounts (
  id int PRIMARY KEY,
  nickname text CHECK (nickname ~ '^[a-z]+$'),
  code text NOT NULL CHECK (code ~ '^[A-Z]{3}$')
);
CREATE TABLE notes (id int PRIMARY KEY, memo text CHECK (memo ~ '^x'));
)SQL");
  auto g = gen(c);
  std::string p = problems(g);
  INFO(p);
  CHECK(!table(g, "public.accounts"));
  CHECK(p.find("public.accounts.code: skipped: CHECK (code ~ '^[A-Z]{3}$') uses a regular expression match (~)") != std::string::npos);
  CHECK(p.find("column code cannot be NULL") != std::string::npos);
  REQUIRE(table(g, "public.notes"));
  CHECK(p.find("public.notes.memo: left NULL: CHECK (memo ~ '^x') uses a regular expression match (~)") != std::string::npos);
  for (const auto& r : value_rows(all_sql(*table(g, "public.notes")))) CHECK(r[1] == "NULL");
}

TEST_CASE("synth: an impossible CHECK skips the table, naming column and constraint", "[synth]") {
  Catalog c = catalog_of("CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL CHECK (n > 10 AND n < 5));");
  auto g = gen(c);
  std::string p = problems(g);
  INFO(p);
  CHECK(g.tables.empty());
  CHECK(p.find("public.t.n: skipped: no row pgsafe generates satisfies CHECK ((n > 10) AND (n < 5)) of t_n_check") != std::string::npos);
}

TEST_CASE("synth: a varchar too short for distinct values says so; small unique domains cap the rows", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE short_codes (code varchar(2) PRIMARY KEY);
CREATE TABLE flags (on_off boolean PRIMARY KEY);
CREATE TYPE size AS ENUM ('s', 'm', 'l');
CREATE TABLE sizes (s size UNIQUE NOT NULL, label text);
)SQL");
  auto g = gen(c, 2000);
  std::string p = problems(g);
  INFO(p);
  REQUIRE(table(g, "public.short_codes"));
  CHECK(table(g, "public.short_codes")->rows == 1296);  // 36^2
  CHECK(p.find("public.short_codes.code: only 1296 of 2000 rows generated: its unique values allow 1296 distinct rows (code is varchar(2))") != std::string::npos);
  std::set<std::string> codes;
  for (const auto& r : value_rows(all_sql(*table(g, "public.short_codes")))) {
    CHECK(r[0].size() <= 2);
    codes.insert(r[0]);
  }
  CHECK(codes.size() == 1296);
  CHECK(table(g, "public.flags")->rows == 2);
  CHECK(table(g, "public.sizes")->rows == 3);
  // With 1296 rows already there, nothing is left.
  synth::Options o;
  o.rows = 10;
  o.offsets["public.short_codes"] = 1296;
  auto again = synth::generate(c, o);
  CHECK(!table(again, "public.short_codes"));
  CHECK(problems(again).find("public.short_codes.code: only 0 of 10 rows generated") != std::string::npos);
}

TEST_CASE("synth: offsets move unique values past the rows a table has", "[synth]") {
  Catalog c = catalog_of("CREATE TABLE u (id int PRIMARY KEY, email text UNIQUE NOT NULL);");
  synth::Options o;
  o.rows = 100;
  auto first = value_rows(all_sql(*table(synth::generate(c, o), "public.u")));
  o.offsets["public.u"] = 100;
  auto second = value_rows(all_sql(*table(synth::generate(c, o), "public.u")));
  std::set<std::string> ids, emails;
  for (const auto& r : first) ids.insert(r[0]), emails.insert(r[1]);
  for (const auto& r : second) ids.insert(r[0]), emails.insert(r[1]);
  CHECK(ids.size() == 200);
  CHECK(emails.size() == 200);
}

TEST_CASE("synth: self-references and cycles", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE categories (id int PRIMARY KEY, parent_id int REFERENCES categories (id), name text NOT NULL);
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id));
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);
CREATE TABLE x (id int PRIMARY KEY, y_id int NOT NULL);
CREATE TABLE y (id int PRIMARY KEY, x_id int NOT NULL REFERENCES x (id));
ALTER TABLE x ADD FOREIGN KEY (y_id) REFERENCES y (id);
CREATE TABLE selfish (id int PRIMARY KEY, boss_id int NOT NULL REFERENCES selfish (id));
)SQL");
  auto g = gen(c);
  std::string p = problems(g);
  INFO(p);
  REQUIRE(table(g, "public.categories"));
  for (const auto& r : value_rows(all_sql(*table(g, "public.categories")))) CHECK(r[1] == "NULL");
  // a -> b -> a with a nullable a.b_id: a first (b_id NULL), then b.
  std::vector<std::string> order;
  for (const auto& t : g.tables) order.push_back(t.table);
  auto pos = [&](const std::string& t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  CHECK(pos("public.a") < pos("public.b"));
  CHECK(p.find("public.a.b_id: left NULL: its foreign key a_b_id_fkey to public.b is part of a cycle") != std::string::npos);
  CHECK(!table(g, "public.x"));
  CHECK(!table(g, "public.y"));
  CHECK(p.find("public.x: skipped: its NOT NULL foreign keys form a cycle (through public.y)") != std::string::npos);
  CHECK(!table(g, "public.selfish"));
  CHECK(p.find("public.selfish.boss_id: skipped: its foreign key selfish_boss_id_fkey references the table itself through NOT NULL columns") != std::string::npos);
}

TEST_CASE("synth: references outside the migration set", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE profiles (id uuid PRIMARY KEY REFERENCES auth.users (id), inviter uuid REFERENCES auth.users (id), bio text);
)SQL");
  auto g = gen(c);
  std::string p = problems(g);
  INFO(p);
  REQUIRE(table(g, "public.profiles"));
  CHECK(p.find("public.profiles.id: references auth.users, which the migration set does not create") != std::string::npos);
  CHECK(p.find("public.profiles.inviter: left NULL: it references auth.users") != std::string::npos);
  // One profile per user: users nobody references yet come first.
  std::string sql = all_sql(*table(g, "public.profiles"));
  CHECK(sql.find("ORDER BY EXISTS (SELECT 1 FROM public.profiles AS c WHERE c.id = q.id), q.id") != std::string::npos);
  CHECK(sql.find("ON CONFLICT DO NOTHING") != std::string::npos);
  // Loading into a database without auth.users: the table is skipped, not failed.
  synth::Options o;
  o.existing = std::set<std::string>{"public.profiles"};
  auto loaded = synth::generate(c, o);
  CHECK(loaded.tables.empty());
  CHECK(problems(loaded).find("public.profiles.id: skipped: it references auth.users, which is not in the migration set and does not exist in the database") != std::string::npos);
}

TEST_CASE("synth: a unique key made of foreign keys takes distinct parent combinations", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE groups (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE memberships (person_id int NOT NULL REFERENCES people, group_id int NOT NULL REFERENCES groups,
  role text NOT NULL DEFAULT 'member', PRIMARY KEY (person_id, group_id));
)SQL");
  auto g = gen(c);
  std::string sql = all_sql(*table(g, "public.memberships"));
  CHECK(sql.find("CROSS JOIN (SELECT (SELECT count(*) FROM public.people WHERE id IS NOT NULL) AS n0, "
                 "(SELECT count(*) FROM public.groups WHERE id IS NOT NULL) AS n1) AS n") != std::string::npos);
  CHECK(sql.find("p0.rn = v.g % NULLIF(n.n0, 0)") != std::string::npos);
  CHECK(sql.find("WHERE v.g < n.n0 * n.n1") != std::string::npos);
  CHECK(sql.find("ON CONFLICT DO NOTHING") != std::string::npos);
}

TEST_CASE("synth: alternatives of a CHECK choose the row's shape (num_nonnulls, IS NULL pairs)", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TYPE kind AS ENUM ('post', 'comment', 'both');
CREATE TABLE posts (id serial PRIMARY KEY, title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, body text NOT NULL);
CREATE TABLE reports (
  id serial PRIMARY KEY,
  kind kind NOT NULL,
  post_id int REFERENCES posts,
  comment_id int REFERENCES comments,
  liked boolean,
  liked_at timestamptz,
  CHECK ((kind = 'post' AND num_nonnulls(post_id, comment_id) = 1 AND post_id IS NOT NULL)
      OR (kind = 'comment' AND comment_id IS NOT NULL AND post_id IS NULL)
      OR (kind = 'both' AND num_nonnulls(post_id, comment_id) = 2)),
  CHECK ((liked IS NULL) = (liked_at IS NULL))
);)SQL");
  auto g = gen(c, 200);
  std::string p = problems(g);
  INFO(p);
  CHECK(g.problems.empty());
  std::string sql = all_sql(*table(g, "public.reports"));
  // Rows whose intended parent did not resolve are dropped, not inserted with a NULL.
  CHECK(sql.find("WHERE (v.k0 IS NULL OR p0.rn IS NOT NULL) AND (v.k1 IS NULL OR p1.rn IS NOT NULL)") != std::string::npos);
  for (const char* k : {"'post'", "'comment'", "'both'"}) CHECK(sql.find(k) != std::string::npos);
}

TEST_CASE("synth: unsupported types: NULL where allowed, else the table is skipped naming the column", "[synth]") {
  Catalog c = catalog_of(R"SQL(
CREATE TYPE pair AS (a int, b int);
CREATE TABLE shapes (id int PRIMARY KEY, box box, p pair);
CREATE TABLE strict_shapes (id int PRIMARY KEY, p pair NOT NULL);
)SQL");
  auto g = gen(c);
  std::string p = problems(g);
  INFO(p);
  CHECK(table(g, "public.shapes"));
  CHECK(p.find("public.shapes.box: left NULL: pgsafe does not generate values of type box") != std::string::npos);
  CHECK(p.find("public.strict_shapes.p: skipped: pgsafe does not generate values of type pair and the column is NOT NULL without a default") != std::string::npos);
}

TEST_CASE("synth: --table selects by qualified or bare name and reports unknown names", "[synth]") {
  Catalog c = catalog_of("CREATE SCHEMA app; CREATE TABLE app.items (id int PRIMARY KEY); CREATE TABLE items (id int PRIMARY KEY); CREATE TABLE other (id int);");
  std::vector<std::string> unknown;
  CHECK(synth::select_tables(c, {"items"}, unknown) == std::vector<std::string>{"app.items", "public.items"});
  CHECK(synth::select_tables(c, {"app.items", "nope", "public.nope"}, unknown) == std::vector<std::string>{"app.items"});
  CHECK(unknown == std::vector<std::string>{"nope", "public.nope"});
  unknown.clear();
  CHECK(synth::select_tables(c, {}, unknown).size() == 3);
}

TEST_CASE("synth: CHECK expressions evaluate with SQL's three-valued logic", "[synth]") {
  auto eval = [](const std::string& sql, std::map<std::string, synth::Cell> row) {
    std::string error;
    auto e = synth::parse_check(sql, error);
    REQUIRE(e);
    return synth::evaluate(synth::negation_normal_form(*e), [&](const std::string& n) -> const synth::Cell* {
      auto it = row.find(n);
      return it == row.end() ? nullptr : &it->second;
    });
  };
  using synth::Cell;
  using synth::Truth;
  CHECK(eval("a > 0", {{"a", Cell::num(1)}}) == Truth::True);
  CHECK(eval("a > 0", {{"a", Cell::null()}}) == Truth::Null);
  CHECK(eval("NOT (a > 0 AND b IS NULL)", {{"a", Cell::num(1)}, {"b", Cell::null()}}) == Truth::False);
  CHECK(eval("a IN (1, 2)", {{"a", Cell::num(3)}}) == Truth::False);
  CHECK(eval("a = ANY (ARRAY['x', 'y'])", {{"a", Cell::str("y")}}) == Truth::True);
  CHECK(eval("a NOT BETWEEN 1 AND 5", {{"a", Cell::num(3)}}) == Truth::False);
  CHECK(eval("char_length(btrim(s)) > 2", {{"s", Cell::str("  ab ")}}) == Truth::False);
  CHECK(eval("num_nonnulls(a, b) = 1", {{"a", Cell::opaque()}, {"b", Cell::null()}}) == Truth::True);
  CHECK(eval("a < b", {{"a", Cell::opaque()}, {"b", Cell::num(1)}}) == Truth::Unknown);
  CHECK(eval("d >= '2024-01-01'", {{"d", Cell::at(synth::days_from_civil(2024, 3, 1) * 86400)}}) == Truth::True);
  CHECK(eval("x IS DISTINCT FROM NULL", {{"x", Cell::num(1)}}) == Truth::True);
  CHECK(eval("s ~ 'a'", {{"s", Cell::str("a")}}) == Truth::Unknown);
  CHECK(eval("NOT flag", {{"flag", Cell::flag(false)}}) == Truth::True);
}

TEST_CASE("synth: calendar arithmetic round-trips", "[synth]") {
  for (int64_t d = synth::days_from_civil(1899, 12, 30); d < synth::days_from_civil(2101, 1, 2); d += 37) {
    auto c = synth::civil_from_days(d);
    CHECK(synth::days_from_civil(c.year, c.month, c.day) == d);
  }
  CHECK(synth::format_timestamp(synth::days_from_civil(2024, 2, 29) * 86400 + 3661, true) == "2024-02-29 01:01:01+00");
}


// Development aid (hidden): PGSAFE_SYNTH_SQL=file PGSAFE_SYNTH_ROWS=n pgsafe_tests "[.synth-dump]"
TEST_CASE("synth: dump", "[.synth-dump]") {
  const char* f = std::getenv("PGSAFE_SYNTH_SQL");
  if (!f) return;
  Catalog c = catalog_of(test::read_file(f));
  synth::Options o;
  o.rows = std::getenv("PGSAFE_SYNTH_ROWS") ? std::stoul(std::getenv("PGSAFE_SYNTH_ROWS")) : 5;
  std::cout << synth::render_script(synth::generate(c, o), o);
}

}  // namespace pgsafe
