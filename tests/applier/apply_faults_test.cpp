// Faults: pgsafe killed in the middle of a file, appliers racing for the lock, CREATE INDEX
// CONCURRENTLY while another applier waits, and a lock that is never free.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "applier/lock.h"
#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;

namespace {

// Faults leave appliers waiting on each other: give the lock a longer wait than the other suites.
std::vector<std::string> slow_apply_args(const Project& p, const std::string& db, std::vector<std::string> extra = {}) {
  return apply_args(p, db, std::move(extra), 60);
}

// Whether pgsafe's session is inside the file's pg_sleep right now.
bool sleeping_in(const std::string& db) {
  return scalar(db,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                "AND application_name LIKE 'pgsafe/%' AND query LIKE '%pg_sleep%'") != "0";
}

bool no_pgsafe_backends_busy(const std::string& db) { return !sleeping_in(db); }

void sleepy_project(const Project& p, bool transactional) {
  p.write("20240101000001_control.sql",
          "CREATE TABLE sleep_control (seconds float8 NOT NULL);\nINSERT INTO sleep_control VALUES (30);\n");
  p.write("20240101000002_slow.sql",
          std::string(transactional ? "" : "-- pgsafe:no-transaction\n") +
              "CREATE TABLE slow (id bigint PRIMARY KEY);\n"
              "SELECT pg_sleep((SELECT seconds FROM sleep_control));\n"
              "INSERT INTO slow VALUES (1);\n");
  p.write("20240101000003_after.sql", "CREATE TABLE after_slow (id bigint PRIMARY KEY);\n");
}

}  // namespace

TEST_CASE("faults: kill -9 during a transactional file leaves nothing of it; the next run completes", "[faults]") {
  std::string db = create_database("kill_tx");
  Project p = make_project("kill_tx");
  sleepy_project(p, true);
  {
    Background bg(slow_apply_args(p, db), p.root);
    REQUIRE(eventually([&] { return sleeping_in(db); }, 30));
    bg.kill9();
    CHECK(bg.wait(10) == 128 + 9);
  }
  // The server notices the dead client and rolls its transaction back.
  REQUIRE(eventually([&] { return no_pgsafe_backends_busy(db); }, 15));
  CHECK(scalar(db, "SELECT to_regclass('public.slow') IS NULL") == "t");
  CHECK(scalar(db, "SELECT string_agg(version || ':' || status, ' ') FROM pgsafe.pgsafe_migrations") == "20240101000001:applied");

  exec(db, "UPDATE sleep_control SET seconds = 0");
  auto r = cli(slow_apply_args(p, db), p.root);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE status = 'applied'") == "3");
  CHECK(scalar(db, "SELECT count(*) FROM slow") == "1");
}

TEST_CASE("faults: kill -9 during a non-transactional file leaves it running; apply refuses with the repair hint", "[faults]") {
  std::string db = create_database("kill_notx");
  Project p = make_project("kill_notx");
  sleepy_project(p, false);
  {
    Background bg(slow_apply_args(p, db), p.root);
    REQUIRE(eventually([&] { return sleeping_in(db); }, 30));
    // While it runs, status says so (the lock is held): no repair steps for a live file.
    auto live = cli({"status", "--db", url(db), "--dir", p.dir()}, p.root);
    INFO(live.out << live.err);
    CHECK(live.out.find("in-progress") != std::string::npos);
    CHECK(live.out.find("being applied now") != std::string::npos);
    CHECK(live.out.find("repair") == std::string::npos);
    bg.kill9();
    CHECK(bg.wait(10) == 128 + 9);
  }
  REQUIRE(eventually([&] { return no_pgsafe_backends_busy(db); }, 15));
  CHECK(scalar(db, "SELECT status FROM pgsafe.pgsafe_migrations WHERE version = '20240101000002'") == "running");
  CHECK(scalar(db, "SELECT to_regclass('public.slow') IS NOT NULL") == "t");  // ran outside a transaction

  exec(db, "UPDATE sleep_control SET seconds = 0");
  auto refused = cli(slow_apply_args(p, db), p.root);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 7);
  CHECK(refused.err.find("pgsafe repair --mark-applied 20240101000002") != std::string::npos);
  CHECK(refused.err.find("--mark-rolled-back 20240101000002") != std::string::npos);
  CHECK(scalar(db, "SELECT to_regclass('public.after_slow') IS NULL") == "t");
  auto st = cli({"status", "--db", url(db), "--dir", p.dir(), "--exit-code"}, p.root);
  CHECK(st.exit_code == 7);
  CHECK(st.out.find("running") != std::string::npos);

  // The user undoes what ran and says so; the file runs again from the start.
  exec(db, "DROP TABLE slow");
  CHECK(cli({"repair", "--db", url(db), "--dir", p.dir(), "--mark-rolled-back", "20240101000002"}, p.root).exit_code == 2);
  auto rep = cli({"repair", "--db", url(db), "--dir", p.dir(), "--mark-rolled-back", "20240101000002", "--reason",
                     "dropped the half-built table"},
                    p.root);
  INFO(rep.out << rep.err);
  CHECK(rep.exit_code == 0);
  auto r = cli(slow_apply_args(p, db), p.root);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT string_agg(status, ' ' ORDER BY version) FROM pgsafe.pgsafe_migrations") == "applied applied applied");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'repair' AND version = '20240101000002'") == "1");
}

TEST_CASE("faults: a failing non-transactional file is marked failed and needs repair", "[faults]") {
  std::string db = create_database("fail_notx");
  Project p = make_project("fail_notx");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, code text);\nINSERT INTO t VALUES (1, 'x'), (2, 'x');\n");
  p.write("20240101000002_idx.sql", "CREATE UNIQUE INDEX CONCURRENTLY t_code_key ON t (code);\n");
  auto r = cli(slow_apply_args(p, db), p.root);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 7);
  CHECK(r.err.find("23505") != std::string::npos);
  CHECK(scalar(db, "SELECT status || ' ' || error_sqlstate FROM pgsafe.pgsafe_migrations WHERE version = '20240101000002'") ==
        "failed 23505");
  CHECK(cli(slow_apply_args(p, db), p.root).exit_code == 7);
}

namespace {
void race(int appliers) {
  std::string db = create_database("race" + std::to_string(appliers));
  Project p = make_project("race");
  for (int i = 1; i <= 5; ++i)
    p.write("2024010100000" + std::to_string(i) + "_f.sql",
            "CREATE TABLE f" + std::to_string(i) + " (id bigint PRIMARY KEY);\nSELECT pg_sleep(0.2);\n");
  std::vector<std::unique_ptr<Background>> procs;
  for (int i = 0; i < appliers; ++i) procs.push_back(std::make_unique<Background>(slow_apply_args(p, db), p.root));
  for (auto& b : procs) {
    int code = b->wait(90);
    INFO(b->out() << b->err());
    CHECK(code == 0);
  }
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE status = 'applied'") == "5");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'apply'") == "5");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'fail'") == "0");
}
}  // namespace

TEST_CASE("faults: two appliers racing apply each file exactly once", "[faults][race]") { race(2); }
TEST_CASE("faults: five appliers racing apply each file exactly once", "[faults][race]") { race(5); }

TEST_CASE("faults: CREATE INDEX CONCURRENTLY while another applier waits does not deadlock", "[faults][race]") {
  std::string db = create_database("cic");
  Project p = make_project("cic");
  p.write("20240101000001_big.sql",
          "CREATE TABLE big (id bigint PRIMARY KEY, v text);\n"
          "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 100000) g;\n"
          "SELECT pg_sleep(1.5);\n");
  p.write("20240101000002_idx.sql", "CREATE INDEX CONCURRENTLY big_v_idx ON big (v);\n");
  p.write("20240101000003_idx2.sql", "CREATE INDEX CONCURRENTLY big_v2_idx ON big (v, id);\n");
  auto t0 = std::chrono::steady_clock::now();
  Background first(slow_apply_args(p, db), p.root);
  REQUIRE(eventually([&] { return sleeping_in(db); }, 30));
  Background second(slow_apply_args(p, db), p.root);
  int a = first.wait(60), b = second.wait(60);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(first.err() << second.err());
  CHECK(a == 0);
  CHECK(b == 0);
  CHECK(secs < 30);
  CHECK(second.err().find("waiting up to") != std::string::npos);
  CHECK(scalar(db, "SELECT count(*) FROM pg_index WHERE indrelid = 'big'::regclass AND indisvalid AND NOT indisprimary") == "2");
}

TEST_CASE("faults: a lock that stays taken times out with exit 4 naming the holder", "[faults]") {
  std::string db = create_database("lockwait");
  Project p = make_project("lockwait");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  auto key = pgsafe::applier::lock_key("pgsafe");
  Session holder(db);
  holder.exec("SET application_name = 'someone-else'");
  holder.exec("SELECT pg_advisory_lock(" + std::to_string(key.classid) + ", " + std::to_string(key.objid) + ")");
  auto t0 = std::chrono::steady_clock::now();
  auto r = cli({"apply", "--db", url(db), "--dir", p.dir(), "--lock-wait", "1"}, p.root);
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.err.find("someone-else") != std::string::npos);
  CHECK(r.err.find("pid ") != std::string::npos);
  CHECK(secs < 10);
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");
}
