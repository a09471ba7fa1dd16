// Guardrails: dry-run changes nothing; production needs the approval of this exact plan.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
using nlohmann::json;

namespace {
std::string plan_hash(const Project& p, const std::string& db, std::vector<std::string> extra = {}) {
  extra.insert(extra.end(), {"--dry-run", "--format", "json"});
  auto r = do_apply(p, db, extra);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out)["plan_hash"].get<std::string>();
}
}  // namespace

TEST_CASE("guard: dry-run prints the plan and leaves history byte-identical", "[guard]") {
  std::string db = create_database("dryrun");
  Project p = make_project("dryrun");

  // On a database without history, not even the schema appears.
  p.write("20240101000001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  auto fresh = do_apply(p, db, {"--dry-run"});
  INFO(fresh.out << fresh.err);
  CHECK(fresh.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgsafe'") == "0");
  REQUIRE(do_apply(p, db).exit_code == 0);

  p.write("20240101000002_email.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  p.write("20240101000003_email_idx.sql", "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
  std::string before = dump_history(db);
  auto r = do_apply(p, db, {"--dry-run"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("20240101000002_email.sql") != std::string::npos);
  CHECK(r.out.find("users.email") != std::string::npos);
  CHECK(r.out.find("no transaction (CREATE INDEX CONCURRENTLY)") != std::string::npos);
  CHECK(r.out.find("Plan ") != std::string::npos);
  CHECK(dump_history(db) == before);
  CHECK(scalar(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'") == "0");

  auto j = do_apply(p, db, {"--dry-run", "--format", "json"});
  REQUIRE(j.exit_code == 0);
  json plan = json::parse(j.out)["plan"];
  REQUIRE(plan["files"].size() == 2);
  CHECK(plan["files"][0]["tx_mode"] == "transaction");
  CHECK(plan["files"][1]["tx_mode"] == "none");
  CHECK(plan["files"][0]["statements"][0]["kind"] == "ALTER TABLE");
  CHECK(dump_history(db) == before);

  // Dry-run reports the same validation failures as apply, still without changing anything.
  p.write("20240101000001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, x int);\n");
  CHECK(do_apply(p, db, {"--dry-run"}).exit_code == 3);
  CHECK(dump_history(db) == before);
}

TEST_CASE("guard: production refuses without approval, with a stale hash, and applies with the right one", "[guard]") {
  std::string db = create_database("prod");
  Project p = make_project("prod");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");

  auto none = do_apply(p, db, {"--env", "production"});
  INFO(none.out << none.err);
  CHECK(none.exit_code == 8);
  CHECK(none.err.find("--approve") != std::string::npos);
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");
  // Refused, but the database now knows it is production: forgetting --env does not help.
  CHECK(scalar(db, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'environment'") == "production");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations") == "0");
  auto forgot = do_apply(p, db);
  INFO(forgot.out << forgot.err);
  CHECK(forgot.exit_code == 8);
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");

  std::string stale = plan_hash(p, db, {"--env", "production"});
  CHECK(stale.size() == 16);
  CHECK(none.out.find(stale) != std::string::npos);  // the refusal shows the plan and its hash
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  auto old = do_apply(p, db, {"--env", "production", "--approve", stale});
  INFO(old.out << old.err);
  CHECK(old.exit_code == 8);
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");

  std::string fresh = plan_hash(p, db, {"--env", "production"});
  CHECK(fresh != stale);
  auto ok = do_apply(p, db, {"--env", "production", "--approve", fresh});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE plan_hash = '" + fresh + "' AND approved_by <> ''") == "2");
  CHECK(scalar(db, "SELECT count(*) FROM pgsafe.pgsafe_migration_events WHERE kind = 'approve' AND plan_hash = '" + fresh + "'") == "1");
  CHECK(scalar(db, "SELECT value FROM pgsafe.pgsafe_meta WHERE key = 'environment'") == "production");

  // The database now carries the tag: a run without --env still needs approval.
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY);\n");
  auto untagged = do_apply(p, db);
  INFO(untagged.out << untagged.err);
  CHECK(untagged.exit_code == 8);
  CHECK(do_apply(p, db, {"--env", "staging"}).exit_code == 3);
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NULL") == "t");

  // Emergencies bypass approval only with a reason, and are logged.
  CHECK(do_apply(p, db, {"--emergency"}).exit_code == 2);
  auto em = do_apply(p, db, {"--emergency", "--reason", "hotfix for incident 123"});
  INFO(em.out << em.err);
  CHECK(em.exit_code == 0);
  CHECK(scalar(db, "SELECT reason FROM pgsafe.pgsafe_migration_events WHERE kind = 'emergency'") == "hotfix for incident 123");
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NOT NULL") == "t");
}
