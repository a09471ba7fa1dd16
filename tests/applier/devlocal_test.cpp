// The local half of the lifecycle, run as a user runs it: `pgsafe dev start` makes a real private
// PostgreSQL for a copy of examples/saas, then apply, seed, a row by hand, reset --keep-data,
// reset --seed test, the refusals (another host, a staging or production tag), dev stop.
#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <regex>

#include <nlohmann/json.hpp>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Rows of a query on any server (the dev server is not the suite's).
std::vector<std::vector<std::string>> query_url(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error("connect " + url + ": " + PQerrorMessage(c.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  auto st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw std::runtime_error(sql + ": " + PQerrorMessage(c.get()));
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    rows.emplace_back();
    for (int j = 0; j < PQnfields(r.get()); ++j) rows.back().push_back(PQgetvalue(r.get(), i, j));
  }
  return rows;
}
std::string scalar_url(const std::string& url, const std::string& sql) {
  auto rows = query_url(url, sql);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0];
}

// A copy of examples/saas (migrations, seeds, .pgsafe.toml) in a fresh folder.
std::string saas_project(const std::string& hint) {
  std::string root = temp_dir("dev-" + hint);
  fs::copy(source_dir() + "/examples/saas", root, fs::copy_options::recursive);
  fs::remove_all(root + "/.pgsafe");  // a dev server the repository's copy may have
  return root;
}

// Every dev server a test starts is destroyed, whatever the test does.
struct DevServer {
  std::string root;
  explicit DevServer(std::string r) : root(std::move(r)) {}
  ~DevServer() { cli({"dev", "destroy", "--yes"}, root, 60); }
  ProcessResult run(const std::vector<std::string>& args, int timeout = 120) const { return cli(args, root, timeout); }
  std::string url() const {
    ProcessResult r = run({"dev", "url"});
    REQUIRE(r.exit_code == 0);
    std::string u = r.out;
    while (!u.empty() && u.back() == '\n') u.pop_back();
    return u;
  }
};

long long count(const std::string& url, const std::string& table) {
  return std::stoll(scalar_url(url, "SELECT count(*) FROM " + table));
}

}  // namespace

TEST_CASE("dev: start, apply, seed, generate, a row by hand, reset --keep-data, reset --seed test, stop", "[dev][scenario]") {
  ScopedEnv no_url("DATABASE_URL", std::nullopt);
  ScopedEnv no_host("PGHOST", std::nullopt);
  DevServer dev(saas_project("scenario"));

  ProcessResult start = dev.run({"dev", "start"});
  INFO(start.out << start.err);
  REQUIRE(start.exit_code == 0);
  CHECK(has(start.out, "dev server running: PostgreSQL"));
  CHECK(has(start.out, "environment: local"));
  // Starting twice is harmless.
  ProcessResult again = dev.run({"dev", "start"});
  CHECK(again.exit_code == 0);
  CHECK(has(again.out, "already running"));
  std::string url = dev.url();
  CHECK(url.rfind("postgresql://postgres@localhost:", 0) == 0);
  CHECK(has(url, "?host=/"));
  CHECK(scalar_url(url, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'environment'") == "local");
  // The TCP URL works with the generated password; the socket needs none.
  ProcessResult tcp = dev.run({"dev", "url", "--tcp"});
  REQUIRE(tcp.exit_code == 0);
  std::string tcp_url = tcp.out.substr(0, tcp.out.find('\n'));
  CHECK(scalar_url(tcp_url, "SELECT inet_server_addr() IS NOT NULL") == "t");
  CHECK_THROWS(query_url(std::regex_replace(tcp_url, std::regex(":[^:@/]+@"), ":wrong@"), "SELECT 1"));

  // No --db, no DATABASE_URL: the project's running dev server, and it says so.
  ProcessResult apply = dev.run({"apply"});
  INFO(apply.out << apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(has(apply.err, "database: the project's dev server"));
  CHECK(has(apply.out, "Applied 6"));

  ProcessResult status = dev.run({"dev", "status", "--format", "json"});
  REQUIRE(status.exit_code == 0);
  json st = json::parse(status.out);
  CHECK(st["running"] == true);
  CHECK(st["migrations_applied"] == 6);
  CHECK(st["data_bytes"].get<long long>() > 1000000);

  ProcessResult seeded = dev.run({"seed"});
  INFO(seeded.out << seeded.err);
  REQUIRE(seeded.exit_code == 0);
  CHECK(has(seeded.out, "seed dev: 2 file(s), 19 row(s) in 5 table(s)"));
  // 100 generated rows per table on top of the seed, deterministic for a seed.
  ProcessResult generated = dev.run({"seed", "--generate", "100", "--seed", "42"});
  INFO(generated.out << generated.err);
  REQUIRE(generated.exit_code == 0);
  CHECK(count(url, "accounts") == 103);
  CHECK(count(url, "users") == 106);
  CHECK(count(url, "comments") == 101);
  ProcessResult sql1 = dev.run({"seed", "--generate", "5", "--out", "-"});
  ProcessResult sql2 = dev.run({"seed", "--generate", "5", "--out", "-"});
  REQUIRE(sql1.exit_code == 0);
  CHECK(sql1.out == sql2.out);
  CHECK(has(sql1.out, "INSERT INTO"));
  query_url(url, "INSERT INTO accounts (name, slug) VALUES ('Made by hand', 'by-hand')");
  long long accounts = count(url, "accounts"), users = count(url, "users"), tasks = count(url, "tasks");

  // reset --keep-data: the migrations again, every row back, the seed not loaded on top.
  ProcessResult keep = dev.run({"reset", "--keep-data", "--yes"});
  INFO(keep.out << keep.err);
  REQUIRE(keep.exit_code == 0);
  CHECK(has(keep.out, "applied 6 migration(s)"));
  CHECK(has(keep.out, "public.accounts: 104/104"));
  CHECK(count(url, "accounts") == accounts);
  CHECK(count(url, "users") == users);
  CHECK(count(url, "tasks") == tasks);
  CHECK(scalar_url(url, "SELECT name FROM accounts WHERE slug = 'by-hand'") == "Made by hand");
  // Identity columns continue after the kept rows.
  CHECK(scalar_url(url, "INSERT INTO accounts (name, slug) VALUES ('Next', 'next') RETURNING id > 104") == "t");
  CHECK(scalar_url(url, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'environment'") == "local");

  // reset --seed test: exactly the test seed.
  ProcessResult test_seed = dev.run({"reset", "--seed", "test", "--yes"});
  INFO(test_seed.out << test_seed.err);
  REQUIRE(test_seed.exit_code == 0);
  CHECK(has(test_seed.out, "seed test: 1 file(s), 7 row(s) in 4 table(s)"));
  CHECK(scalar_url(url, "SELECT string_agg(slug, ',' ORDER BY slug) FROM accounts") == "acme,globex");
  CHECK(count(url, "users") == 3);
  CHECK(count(url, "projects") == 1);
  CHECK(count(url, "tasks") == 1);
  CHECK(count(url, "comments") == 0);
  CHECK(scalar_url(url, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE status = 'applied'") == "6");

  // Without a terminal, a reset needs --yes, and changes nothing.
  ProcessResult no_yes = dev.run({"reset"});
  CHECK(no_yes.exit_code == 2);
  CHECK(has(no_yes.err, "--yes"));
  CHECK(count(url, "users") == 3);

  ProcessResult stop = dev.run({"dev", "stop"});
  CHECK(stop.exit_code == 0);
  CHECK(has(stop.out, "dev server stopped"));
  ProcessResult stopped = dev.run({"dev", "status"});
  CHECK(stopped.exit_code == 3);
  CHECK(has(stopped.out, "stopped"));
  CHECK(dev.run({"dev", "url"}).exit_code == 3);
  // Started again, the data is still there.
  REQUIRE(dev.run({"dev", "start"}).exit_code == 0);
  CHECK(count(dev.url(), "users") == 3);
}

TEST_CASE("reset refuses a database that is not local, or is tagged staging or production", "[dev][reset]") {
  ScopedEnv no_url("DATABASE_URL", std::nullopt);
  std::string root = saas_project("refuse");
  // Another host: refused before connecting (nothing listens there; the refusal is immediate).
  for (const std::string& remote :
       {std::string("postgresql://postgres@db.example.com/postgres"), std::string("host=10.255.255.1 dbname=x"),
        std::string("postgresql://u@localhost/x?hostaddr=192.0.2.7"), std::string("host=/tmp,db.example.com dbname=x")}) {
    INFO(remote);
    ProcessResult r = cli({"reset", "--db", remote, "--yes"}, root, 30);
    CHECK(r.exit_code == 9);
    CHECK(has(r.err, "is not this machine"));
    ProcessResult s = cli({"seed", "--profile", "test", "--db", remote}, root, 30);
    CHECK(s.exit_code == 9);
  }
  // A local database tagged production or staging by a real apply: refused whatever the flags.
  for (const std::string env : {"staging", "production"}) {
    INFO(env);
    std::string db = create_database("tagged_" + env);
    std::vector<std::string> apply{"apply", "--db", url(db), "--env", env, "--dir", root + "/migrations"};
    if (env == "production") apply.push_back("--emergency"), apply.push_back("--reason"), apply.push_back("test");
    ProcessResult a = cli(apply, root);
    INFO(a.out << a.err);
    REQUIRE(a.exit_code == 0);
    ProcessResult r = cli({"reset", "--db", url(db), "--yes", "--seed", "none"}, root);
    CHECK(r.exit_code == 9);
    CHECK(has(r.err, "tagged '" + env + "'"));
    CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations") == "6");
    ProcessResult s = cli({"seed", "--profile", "test", "--db", url(db)}, root);
    CHECK(s.exit_code == 9);
    CHECK(scalar(db, "SELECT count(*) FROM accounts") == "0");
  }
  // --history-schema cannot hide a tag: every pgsafe history in the database has its say.
  {
    std::string db = create_database("tagged_other");
    REQUIRE(cli({"apply", "--db", url(db), "--env", "staging", "--dir", root + "/migrations"}, root).exit_code == 0);
    ProcessResult r = cli({"reset", "--db", url(db), "--yes", "--history-schema", "elsewhere"}, root);
    CHECK(r.exit_code == 9);
    CHECK(has(r.err, "tagged 'staging' (pgsafe.pgsafe_meta)"));
    CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations") == "6");
  }
  // A database on 127.0.0.1 with a history but no tag could be a server behind a tunnel: refused
  // until it is tagged as a development database once.
  std::string db = create_database("local_tcp");
  REQUIRE(cli({"apply", "--db", url(db), "--dir", root + "/migrations"}, root).exit_code == 0);
  ProcessResult untagged = cli({"reset", "--db", url(db), "--yes", "--seed", "test"}, root);
  CHECK(untagged.exit_code == 9);
  CHECK(has(untagged.err, "pgsafe apply --env local"));
  REQUIRE(cli({"apply", "--db", url(db), "--env", "local", "--dir", root + "/migrations"}, root).exit_code == 0);
  // Relations in other schemas (a platform's, like Supabase's auth) survive and do not stop the
  // re-apply; a table there that a migration only alters keeps its rows.
  exec(db, "CREATE SCHEMA platform; CREATE TABLE platform.users (id bigint PRIMARY KEY); "
           "INSERT INTO platform.users VALUES (1), (2)");
  ProcessResult r = cli({"reset", "--db", url(db), "--yes", "--seed", "test"}, root);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM accounts") == "2");
  CHECK(scalar(db, "SELECT count(*) FROM platform.users") == "2");
}

TEST_CASE("dev: a server record naming folders that are not the project's is ignored", "[dev]") {
  std::string root = saas_project("record");
  std::string victim = temp_dir("dev-victim");
  write_file(victim + "/precious", "keep me");
  fs::create_directories(root + "/.pgsafe/dev");
  write_file(root + "/.pgsafe/dev/server.json",
             "{\"home\": \"" + victim + "\", \"socket_dir\": \"" + victim + "\", \"port\": 5432, \"major\": 15, "
             "\"bin_dir\": \"/bin\", \"server_user\": \"\"}\n");
  ProcessResult r = cli({"dev", "destroy", "--yes"}, root, 60);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "no dev server"));
  CHECK(read_file(victim + "/precious") == "keep me");
  CHECK(cli({"dev", "status"}, root, 60).exit_code == 3);
}

TEST_CASE("reset --keep-data: dropped columns, new required columns, rows that no longer fit", "[dev][reset]") {
  ScopedEnv no_url("DATABASE_URL", std::nullopt);
  Project p = make_project("keep");
  std::string db = create_database("keep");
  p.write("20240101000001_items.sql",
          "CREATE TABLE items (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL, "
          "legacy text, qty integer NOT NULL);\n"
          "CREATE TABLE tags (id bigint PRIMARY KEY, label text NOT NULL);\n"
          "CREATE TABLE notes (id bigint PRIMARY KEY, item_id bigint REFERENCES items (id), body text);\n"
          "CREATE INDEX notes_item_id_idx ON notes (item_id);\n"
          "CREATE TABLE lookup (id serial PRIMARY KEY, label text NOT NULL);\n");
  REQUIRE(do_apply(p, db, {"--env", "local"}).exit_code == 0);
  // id 0 is below the serial's MINVALUE: moving the sequence must not cost the other rows.
  exec(db, "INSERT INTO lookup VALUES (0, 'none'), (5, 'five')");
  exec(db, "INSERT INTO items (name, legacy, qty) SELECT 'item ' || g, 'old', g * 1000 FROM generate_series(1, 40) g;"
           "INSERT INTO tags VALUES (1, 'red'), (2, 'blue');"
           "INSERT INTO notes SELECT g, g, 'note' FROM generate_series(1, 10) g;");
  // Later migrations: a dropped column, a required column without default, a narrower type.
  p.write("20240101000002_drop_legacy.sql",
          "-- pgsafe-ignore ban-drop-column: nothing reads legacy any more\nALTER TABLE items DROP COLUMN legacy;\n");
  p.write("20240101000003_tag_color.sql",
          "-- pgsafe-ignore adding-required-field: tags is empty in every environment but dev\n"
          "ALTER TABLE tags ADD COLUMN color text NOT NULL;\n");
  p.write("20240101000004_small_qty.sql",
          "-- pgsafe-ignore changing-column-type: quantities above 32767 are data errors\n"
          "ALTER TABLE items ALTER COLUMN qty TYPE smallint;\n");
  ProcessResult r = cli({"reset", "--db", url(db), "--dir", p.dir(), "--keep-data", "--yes"}, p.root);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "public.items: 32/40; column(s) dropped by the migrations, values not loaded: legacy; 8 row(s) not loaded"));
  CHECK(has(r.out, "public.tags: 0/2; blocked: new NOT NULL column(s) without a default: color"));
  CHECK(has(r.out, "public.notes: 10/10"));
  CHECK(has(r.out, "public.lookup: 2/2"));
  CHECK(scalar(db, "INSERT INTO lookup (label) VALUES ('next') RETURNING id") == "6");
  CHECK(has(r.err, "10 kept row(s) could not be loaded"));
  CHECK(scalar(db, "SELECT count(*) FROM items") == "32");
  CHECK(scalar(db, "SELECT max(qty) FROM items") == "32000");
  CHECK(scalar(db, "SELECT count(*) FROM tags") == "0");
  // Nothing is lost silently: the rejected rows and the reasons are on disk, named in the output.
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("public\\.items: [^\\n]*kept in (\\S+/rejected/[0-9]+\\.tsv)")));
  std::string rejected = read_file(m[1].str());
  CHECK(std::count(rejected.begin(), rejected.end(), '\n') == 8);
  CHECK(has(rejected, "33000"));
  std::string reasons = read_file(std::regex_replace(m[1].str(), std::regex("\\.tsv$"), ".errors.txt"));
  CHECK(has(reasons, "out of range for type smallint"));
  REQUIRE(std::regex_search(r.out, m, std::regex("public\\.tags: [^\\n]*kept in (\\S+\\.tsv)")));
  CHECK(has(read_file(m[1].str()), "blue"));
  // The identity continues after the highest id loaded.
  CHECK(scalar(db, "INSERT INTO items (name, qty) VALUES ('new', 1) RETURNING id") == "33");

  // --keep-data naming a table keeps only that one; an unknown table changes nothing.
  ProcessResult unknown = cli({"reset", "--db", url(db), "--dir", p.dir(), "--keep-data", "nosuch", "--yes"}, p.root);
  CHECK(unknown.exit_code == 2);
  CHECK(has(unknown.err, "nosuch"));
  CHECK(scalar(db, "SELECT count(*) FROM items") == "33");
  ProcessResult only = cli({"reset", "--db", url(db), "--dir", p.dir(), "--keep-data", "notes,items", "--yes"}, p.root);
  INFO(only.out << only.err);
  REQUIRE(only.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM items") == "33");
  CHECK(scalar(db, "SELECT count(*) FROM notes") == "10");
}

TEST_CASE("reset --keep-data: foreign-key cycles and self-references keep every row that still fits", "[dev][reset]") {
  ScopedEnv no_url("DATABASE_URL", std::nullopt);
  Project p = make_project("cycle");
  std::string db = create_database("cycle");
  p.write("20240101000001_cycle.sql",
          "CREATE TABLE orgs (id bigint PRIMARY KEY, owner_id bigint);\n"
          "CREATE TABLE members (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs (id));\n"
          "ALTER TABLE orgs ADD CONSTRAINT orgs_owner_fk FOREIGN KEY (owner_id) REFERENCES members (id);\n"
          "CREATE INDEX members_org_id_idx ON members (org_id);\n"
          "CREATE INDEX orgs_owner_id_idx ON orgs (owner_id);\n"
          "CREATE TABLE tree (id bigint PRIMARY KEY, parent_id bigint REFERENCES tree (id), size integer NOT NULL);\n"
          "CREATE INDEX tree_parent_id_idx ON tree (parent_id);\n");
  REQUIRE(do_apply(p, db, {"--env", "local"}).exit_code == 0);
  exec(db, "INSERT INTO orgs VALUES (1, NULL), (2, NULL); INSERT INTO members VALUES (10, 1), (20, 2);"
           "UPDATE orgs SET owner_id = id * 10;"
           "INSERT INTO tree VALUES (1, NULL, 1), (2, 1, 40000), (3, 2, 3), (4, 1, 4)");
  // Node 2 no longer fits; node 3 hangs under it.
  p.write("20240101000002_small.sql",
          "-- pgsafe-ignore changing-column-type: sizes above 32767 are data errors\n"
          "ALTER TABLE tree ALTER COLUMN size TYPE smallint;\n");
  ProcessResult r = cli({"reset", "--db", url(db), "--dir", p.dir(), "--keep-data", "--yes"}, p.root);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "public.orgs: 2/2"));
  CHECK(has(r.out, "public.members: 2/2"));
  CHECK(has(r.out, "public.tree: 2/4"));
  CHECK(scalar(db, "SELECT string_agg(id || ':' || owner_id, ',' ORDER BY id) FROM orgs") == "1:10,2:20");
  CHECK(scalar(db, "SELECT string_agg(id::text, ',' ORDER BY id) FROM tree") == "1,4");
  // Every key holds: the server agrees once the checks are back on.
  CHECK(scalar(db, "SELECT count(*) FROM tree c WHERE parent_id IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM tree p WHERE p.id = c.parent_id)") == "0");
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, std::regex("public\\.tree: [^\\n]*kept in (\\S+\\.tsv)")));
  std::string rejected = read_file(m[1].str());
  CHECK(has(rejected, "40000"));
  CHECK(has(rejected, "3\t2\t3"));
}

TEST_CASE("seed: profiles from [seeds], linted with the data rules, errors with file:line:col", "[dev][seed]") {
  ScopedEnv no_url("DATABASE_URL", std::nullopt);
  Project p = make_project("seed");
  std::string db = create_database("seed");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL);\n");
  REQUIRE(do_apply(p, db, {"--env", "dev"}).exit_code == 0);
  write_file(p.root + "/.pgsafe.toml", "exposed_schemas = []\n[seeds]\ndemo = [\"data/b.sql\", \"data/more\"]\n");
  fs::create_directories(p.root + "/data/more");
  write_file(p.root + "/data/b.sql", "INSERT INTO t VALUES (1, 'one');\n");
  write_file(p.root + "/data/more/2.sql", "INSERT INTO t VALUES (3, 'three');\n");
  write_file(p.root + "/data/more/1.sql", "INSERT INTO t VALUES (2, 'two');\n");
  ProcessResult ok = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(has(ok.out, "seed demo: 3 file(s), 3 row(s) in 1 table(s)"));
  // Order: the configured file, then the folder's files by name.
  CHECK(ok.out.find("data/b.sql") < ok.out.find("more/1.sql"));
  CHECK(ok.out.find("more/1.sql") < ok.out.find("more/2.sql"));

  // A seed that empties a table is refused unless an ignore gives the reason.
  write_file(p.root + "/data/b.sql", "TRUNCATE t;\nINSERT INTO t VALUES (1, 'one');\n");
  ProcessResult refused = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  CHECK(refused.exit_code == 1);
  CHECK(has(refused.err, "data/b.sql:1:1: ban-truncate"));
  CHECK(scalar(db, "SELECT count(*) FROM t") == "3");
  write_file(p.root + "/data/b.sql",
             "-- pgsafe-ignore ban-truncate: the demo profile starts from an empty table\nTRUNCATE t CASCADE;\n"
             "INSERT INTO t VALUES (1, 'one');\n");
  CHECK(cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root).exit_code == 0);

  // A seed's own BEGIN/COMMIT would commit part of it before a later error: refused.
  write_file(p.root + "/data/more/3.sql", "BEGIN;\nINSERT INTO t VALUES (9, 'nine');\nCOMMIT;\n");
  ProcessResult tx = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  CHECK(tx.exit_code == 1);
  CHECK(has(tx.err, "data/more/3.sql:1:1: pgsafe-transaction-control"));
  fs::remove(p.root + "/data/more/3.sql");

  // A failing statement: its line and column, and nothing of the profile stays.
  write_file(p.root + "/data/more/2.sql", "INSERT INTO t VALUES (4, 'four');\n\nINSERT INTO t VALUES (5, NULL);\n");
  ProcessResult failed = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  CHECK(failed.exit_code == 6);
  CHECK(has(failed.err, "data/more/2.sql:3:1: null value in column \"v\""));
  CHECK(scalar(db, "SELECT count(*) FROM t WHERE id = 4") == "0");
  // An unknown profile, and a configured path that is missing, are usage errors.
  CHECK(cli({"seed", "--profile", "nosuch", "--db", url(db), "--dir", p.dir()}, p.root).exit_code == 2);
  write_file(p.root + "/.pgsafe.toml", "exposed_schemas = []\n[seeds]\ndemo = \"missing.sql\"\n");
  ProcessResult missing = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  CHECK(missing.exit_code == 2);
  CHECK(has(missing.err, "missing.sql does not exist"));
  write_file(p.root + "/.pgsafe.toml", "exposed_schemas = []\n[seeds]\ndemo = 3\n");
  ProcessResult bad = cli({"seed", "--profile", "demo", "--db", url(db), "--dir", p.dir()}, p.root);
  CHECK(bad.exit_code == 2);
  CHECK(has(bad.err, ".pgsafe.toml:3:8: seeds.demo must be a path"));
}
