// apply against a real PostgreSQL: the happy path, failures in the middle of a set, and the
// validation that protects history (edited, deleted, out-of-order files, unknown databases).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
using nlohmann::json;

namespace {


ProcessResult status_json(const Project& p, const std::string& db) {
  return cli({"status", "--db", url(db), "--dir", p.dir(), "--format", "json"}, p.root);
}

std::string applied_versions(const std::string& db) {
  std::string out;
  for (const auto& r : query(db, "SELECT version, status FROM pgsafe.pgsafe_migrations ORDER BY version"))
    out += r[0] + ":" + r[1] + " ";
  return out;
}

void five_files(const Project& p, const std::string& third) {
  p.write("20240101000001_one.sql", "CREATE TABLE one (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_two.sql", "CREATE TABLE two (id bigint PRIMARY KEY);\n");
  p.write("20240101000003_three.sql", third);
  p.write("20240101000004_four.sql", "CREATE TABLE four (id bigint PRIMARY KEY);\n");
  p.write("20240101000005_five.sql", "CREATE TABLE five (id bigint PRIMARY KEY);\n");
}

}  // namespace

TEST_CASE("apply: happy path applies every file once, a re-run skips them", "[apply]") {
  std::string db = create_database("happy");
  Project p = make_project("happy");
  p.write("20240101000001_create_users.sql",
          "-- the users\nCREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);\n"
          "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b');\n");
  p.write("20240101000002_add_email.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  p.write("20240101000003_index_email.sql", "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");

  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Applied 3") != std::string::npos);
  CHECK(applied_versions(db) == "20240101000001:applied 20240101000002:applied 20240101000003:applied ");
  CHECK(scalar(db, "SELECT tx_mode FROM pgsafe.pgsafe_migrations WHERE version = '20240101000003'") == "none");
  CHECK(scalar(db, "SELECT tx_mode FROM pgsafe.pgsafe_migrations WHERE version = '20240101000001'") == "transaction");
  CHECK(scalar(db, "SELECT statements FROM pgsafe.pgsafe_migrations WHERE version = '20240101000001'") == "2");
  CHECK(scalar(db, "SELECT count(*) FROM users") == "2");
  CHECK(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass") == "t");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'apply'") == "3");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE checksum ~ '^[0-9a-f]{64}$' AND db_user = 'pgsafe_test' "
                   "AND tool_version LIKE 'pgsafe/%' AND finished_at IS NOT NULL AND duration_ms >= 0") == "3");

  std::string before = dump_history(db);
  auto again = do_apply(p, db);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("Nothing to apply") != std::string::npos);
  CHECK(dump_history(db) == before);

  auto st = status_json(p, db);
  REQUIRE(st.exit_code == 0);
  json j = json::parse(st.out);
  REQUIRE(j["migrations"].size() == 3);
  for (const auto& m : j["migrations"]) {
    CHECK(m["state"] == "applied");
    CHECK(m["checksum"].get<std::string>().size() == 64);
    CHECK(!m["applied_at"].is_null());
  }
  CHECK(j["summary"]["applied"] == 3);
  CHECK(j["summary"]["pending"] == 0);

  // JSON output of apply itself.
  p.write("20240101000004_more.sql", "ALTER TABLE users ADD COLUMN note text;\n");
  auto js = do_apply(p, db, {"--format", "json"});
  INFO(js.out << js.err);
  REQUIRE(js.exit_code == 0);
  json a = json::parse(js.out);
  CHECK(a["result"] == "applied");
  CHECK(a["summary"]["applied"] == 1);
  CHECK(a["summary"]["skipped"] == 3);
  CHECK(a["migrations"][0]["file"] == "20240101000004_more.sql");
  CHECK(a["migrations"][0]["status"] == "applied");
}

TEST_CASE("apply: a syntax error in pending file 3 of 5 stops the run before anything is applied", "[apply]") {
  std::string db = create_database("syntax");
  Project p = make_project("syntax");
  five_files(p, "CREATE TABLE three (id bigint PRIMARY KEY);\nALTER TABLE three ADD COLUMN x int4 NOT NULL DEFAULT,;\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("20240101000003_three.sql:2:") != std::string::npos);
  CHECK(r.err.find("syntax-error") != std::string::npos);
  CHECK(scalar(db, "SELECT count(*) FROM pg_tables WHERE tablename IN ('one', 'two', 'three', 'four', 'five')") == "0");
  CHECK(scalar(db, "SELECT to_regclass('pgsafe.pgsafe_migrations') IS NULL") == "t");
}

TEST_CASE("apply: a runtime error in file 3 of 5 commits 1-2, rolls back 3, leaves 4-5", "[apply]") {
  std::string db = create_database("runtime");
  Project p = make_project("runtime");
  five_files(p,
             "CREATE TABLE three (id bigint PRIMARY KEY);\n"
             "INSERT INTO three (id) VALUES (1);\n"
             "INSERT INTO three (id)\n  VALUES (1);\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("20240101000003_three.sql:3:") != std::string::npos);
  CHECK(r.err.find("23505") != std::string::npos);
  CHECK(r.err.find("ON CONFLICT") != std::string::npos);  // the fix hint for unique_violation
  CHECK(applied_versions(db) == "20240101000001:applied 20240101000002:applied ");
  CHECK(scalar(db, "SELECT to_regclass('public.three') IS NULL") == "t");
  CHECK(scalar(db, "SELECT to_regclass('public.four') IS NULL") == "t");
  auto ev = query(db, "SELECT version, detail->>'sqlstate', detail->>'line' FROM pgsafe.pgsafe_migration_events WHERE kind = 'fail'");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0][0] == "20240101000003");
  CHECK(ev[0][1] == "23505");
  CHECK(ev[0][2] == "3");

  // Fixed, the next run continues where it stopped.
  five_files(p, "CREATE TABLE three (id bigint PRIMARY KEY);\n");
  auto again = do_apply(p, db);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE status = 'applied'") == "5");
}

TEST_CASE("apply: a deferred constraint failing at COMMIT rolls the file back", "[apply]") {
  std::string db = create_database("deferred");
  Project p = make_project("deferred");
  p.write("20240101000001_parent.sql", "CREATE TABLE parent (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_child.sql",
          "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);\n"
          "INSERT INTO child (id, parent_id) VALUES (1, 42);\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("at COMMIT") != std::string::npos);
  CHECK(r.err.find("23503") != std::string::npos);
  CHECK(applied_versions(db) == "20240101000001:applied ");
  CHECK(scalar(db, "SELECT to_regclass('public.child') IS NULL") == "t");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'fail' AND version = '20240101000002'") == "1");
}

TEST_CASE("apply: lock_timeout stops a file blocked by an open transaction", "[apply]") {
  std::string db = create_database("locktimeout");
  Project p = make_project("locktimeout");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  REQUIRE(do_apply(p, db).exit_code == 0);
  p.write("20240101000002_alter.sql", "ALTER TABLE t ADD COLUMN note text;\n");
  Session holder(db);
  holder.exec("BEGIN");
  holder.exec("SELECT * FROM t");  // ACCESS SHARE until the transaction ends
  auto t0 = std::chrono::steady_clock::now();
  auto r = do_apply(p, db, {"--lock-timeout", "1s"});
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  CHECK(r.err.find("55P03") != std::string::npos);
  CHECK(r.err.find("retry later") != std::string::npos);
  CHECK(secs < 15);
  holder.exec("ROLLBACK");
  CHECK(applied_versions(db) == "20240101000001:applied ");
  CHECK(do_apply(p, db).exit_code == 0);
}

TEST_CASE("apply: a session setting in file 1 does not leak into file 2", "[apply]") {
  std::string db = create_database("leak");
  Project p = make_project("leak");
  p.write("20240101000001_set.sql",
          "CREATE SCHEMA elsewhere;\n"
          "SET search_path TO elsewhere;\n"
          "SET work_mem = '77MB';\n"
          "CREATE TEMPORARY TABLE scratch (x int);\n");
  p.write("20240101000002_see.sql",
          "CREATE TABLE public.seen AS SELECT current_setting('work_mem') AS work_mem, "
          "current_setting('search_path') AS search_path, "
          "(SELECT count(*) FROM pg_class WHERE relname = 'scratch' AND relpersistence = 't') AS temp_tables;\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto row = query(db, "SELECT work_mem, search_path, temp_tables FROM public.seen");
  REQUIRE(row.size() == 1);
  CHECK(row[0][0] != "77MB");
  CHECK(row[0][1].find("elsewhere") == std::string::npos);
  CHECK(row[0][2] == "0");
}

TEST_CASE("apply: an applied file that was edited is refused; a CRLF-only change is not", "[apply][validate]") {
  std::string db = create_database("edited");
  Project p = make_project("edited");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY);\n");
  REQUIRE(do_apply(p, db).exit_code == 0);

  // Same statements, CRLF line endings and a BOM: the checksum is unchanged.
  p.write("20240101000001_a.sql", "\xEF\xBB\xBF" "CREATE TABLE a (id bigint PRIMARY KEY);\r\nCREATE TABLE b (id bigint PRIMARY KEY);\r\n");
  auto crlf = do_apply(p, db);
  INFO(crlf.out << crlf.err);
  CHECK(crlf.exit_code == 0);

  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE c (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_next.sql", "CREATE TABLE d (id bigint PRIMARY KEY);\n");
  auto edited = do_apply(p, db);
  INFO(edited.out << edited.err);
  CHECK(edited.exit_code == 3);
  CHECK(edited.err.find("20240101000001_a.sql") != std::string::npos);
  CHECK(edited.err.find("repair --accept-checksum 20240101000001") != std::string::npos);
  CHECK(scalar(db, "SELECT to_regclass('public.d') IS NULL") == "t");

  auto st = status_json(p, db);
  json j = json::parse(st.out);
  CHECK(j["migrations"][0]["state"] == "modified");
  CHECK(j["migrations"][1]["state"] == "pending");
  CHECK(cli({"status", "--db", url(db), "--dir", p.dir(), "--exit-code"}, p.root).exit_code == 3);

  // An explicit, logged acceptance lets the run go on.
  auto rep = cli({"repair", "--db", url(db), "--dir", p.dir(), "--accept-checksum", "20240101000001", "--reason",
                     "comment-only edit"},
                    p.root);
  INFO(rep.out << rep.err);
  CHECK(rep.exit_code == 0);
  CHECK(scalar(db, "SELECT reason FROM pgsafe.pgsafe_migration_events WHERE kind = 'repair'") == "comment-only edit");
  // The edit was not cosmetic (table c instead of b): the database now differs from what the
  // applied files say, and apply says so until told the drift is known.
  auto drifted = do_apply(p, db);
  INFO(drifted.err);
  CHECK(drifted.exit_code == 3);
  CHECK(drifted.err.find("table public.b: extra in database") != std::string::npos);
  CHECK(do_apply(p, db, {"--allow-drift"}).exit_code == 0);
  CHECK(scalar(db, "SELECT to_regclass('public.d') IS NOT NULL") == "t");
}

TEST_CASE("apply: an applied file that was deleted is refused", "[apply][validate]") {
  std::string db = create_database("deleted");
  Project p = make_project("deleted");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  REQUIRE(do_apply(p, db).exit_code == 0);
  p.remove("20240101000001_a.sql");
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY);\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("20240101000001_a.sql") != std::string::npos);
  CHECK(r.err.find("no longer exists") != std::string::npos);
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NULL") == "t");
  json j = json::parse(status_json(p, db).out);
  CHECK(j["migrations"][0]["state"] == "missing");
  CHECK(j["summary"]["missing"] == 1);
}

TEST_CASE("apply: an out-of-order file is refused unless allowed", "[apply][validate]") {
  std::string db = create_database("ooo");
  Project p = make_project("ooo");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY);\n");
  REQUIRE(do_apply(p, db).exit_code == 0);
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("20240101000002_b.sql") != std::string::npos);
  CHECK(r.err.find("--allow-out-of-order") != std::string::npos);
  CHECK(json::parse(status_json(p, db).out)["migrations"][1]["state"] == "out-of-order");
  auto ok = do_apply(p, db, {"--allow-out-of-order"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(scalar(db, "SELECT status FROM pgsafe.pgsafe_migrations WHERE version = '20240101000002'") == "applied");
}

TEST_CASE("apply: a non-empty database without history needs --baseline", "[apply][validate]") {
  std::string db = create_database("nonempty");
  exec(db, "CREATE TABLE legacy (id bigint PRIMARY KEY)");
  exec(db, "ALTER TABLE legacy OWNER TO pgsafe_test");
  Project p = make_project("nonempty");
  p.write("20240101000001_legacy.sql", "CREATE TABLE legacy (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_new.sql", "ALTER TABLE legacy ADD COLUMN note text;\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("public.legacy") != std::string::npos);
  CHECK(r.err.find("--baseline") != std::string::npos);
  CHECK(scalar(db, "SELECT to_regclass('pgsafe.pgsafe_migrations') IS NULL") == "t");

  auto b = do_apply(p, db, {"--baseline", "20240101000001", "--reason", "existing production schema"});
  INFO(b.out << b.err);
  CHECK(b.exit_code == 0);
  CHECK(applied_versions(db) == "20240101000001:baseline 20240101000002:applied ");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'baseline'") == "1");
  CHECK(scalar(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'legacy' AND column_name = 'note'") == "1");
  json j = json::parse(status_json(p, db).out);
  CHECK(j["migrations"][0]["state"] == "baseline");
  CHECK(j["migrations"][1]["state"] == "applied");
}

TEST_CASE("apply: the event log is append-only", "[apply]") {
  std::string db = create_database("appendonly");
  Project p = make_project("appendonly");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  REQUIRE(do_apply(p, db).exit_code == 0);
  CHECK_THROWS(exec(db, "DELETE FROM pgsafe.pgsafe_migration_events"));
  CHECK_THROWS(exec(db, "UPDATE pgsafe.pgsafe_migration_events SET kind = 'apply'"));
  CHECK_THROWS(exec(db, "TRUNCATE pgsafe.pgsafe_migration_events"));
  CHECK(scalar(db, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'history_format'") == "1");
}

TEST_CASE("status: the text view shows each file's state at a glance", "[status]") {
  std::string db = create_database("statustext");
  Project p = make_project("statustext");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  auto fresh = cli({"status", "--db", url(db), "--dir", p.dir()}, p.root);
  INFO(fresh.out << fresh.err);
  CHECK(fresh.exit_code == 0);
  CHECK(fresh.out.find("no pgsafe history yet") != std::string::npos);
  CHECK(fresh.out.find("pending") != std::string::npos);
  CHECK(scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgsafe'") == "0");  // status writes nothing
  REQUIRE(do_apply(p, db).exit_code == 0);
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  auto st = cli({"status", "--db", url(db), "--dir", p.dir()}, p.root);
  INFO(st.out << st.err);
  CHECK(st.out.find("applied       20240101000001_a.sql") != std::string::npos);
  CHECK(st.out.find("pending       20240101000002_b.sql") != std::string::npos);
  CHECK(st.out.find("1 applied, 1 pending") != std::string::npos);
}
