// The lifecycle where migration files and a live database meet (issue 12): the lint gate judges
// only what will run, `lint --db` lints applied files as history, a baseline is not judged, and a
// failed CONCURRENTLY index build is found, named, and recovered from with exact steps.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;
using nlohmann::json;

namespace {

bool mentions(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

void config(const Project& p, const std::string& extra) {
  write_file(p.root + "/.pgsafe.toml", "exposed_schemas = []\n" + extra);
}

ProcessResult status(const Project& p, const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"status", "--db", url(db), "--dir", p.dir()};
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args, p.root);
}

json status_entry(const Project& p, const std::string& db, const std::string& version) {
  auto r = status(p, db, {"--format", "json"});
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.out);
  for (const auto& m : doc["migrations"])
    if (m["version"] == version) return m;
  FAIL("no status entry for " << version);
  return {};
}

ProcessResult repair(const Project& p, const std::string& db, std::vector<std::string> extra) {
  std::vector<std::string> args{"repair", "--db", url(db), "--dir", p.dir()};
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args, p.root);
}

}  // namespace

TEST_CASE("lifecycle: an applied file is history for the gate, even after a rule is turned back on", "[lifecycle]") {
  std::string db = create_database("gate_history");
  Project p = make_project("gate_history");
  config(p, "[rules.ban-drop-table]\nseverity = \"off\"\n");
  p.write("20240101000001_ab.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_drop_b.sql", "DROP TABLE b;\n");
  auto first = do_apply(p, db);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);

  // The rule is back on, and a clean file is added: the applied DROP is no reason to refuse it.
  config(p, "");
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id));\n"
                                  "CREATE INDEX c_a_id_idx ON c (a_id);\n");
  auto lint_all = cli({"lint", "--format", "json", p.dir()}, p.root);
  CHECK(lint_all.exit_code == 1);  // the files alone: the DROP is an error
  CHECK(mentions(lint_all.out, "ban-drop-table"));

  auto lint_db = cli({"lint", "--format", "json", "--db", url(db), p.dir()}, p.root);
  INFO(lint_db.out << lint_db.err);
  CHECK(lint_db.exit_code == 0);
  CHECK_FALSE(mentions(lint_db.out, "ban-drop-table"));
  CHECK(mentions(lint_db.err, "has applied 2 of these file(s)"));
  // The pending file is still judged against the schema the applied ones built (table a exists).
  CHECK(json::parse(lint_db.out)["summary"]["files"] == 1);

  auto dry = do_apply(p, db, {"--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NOT NULL") == "t");

  // A pending file with an error is still refused, and named; the applied ones are not.
  p.write("20240101000004_drop_c.sql", "DROP TABLE c;\n");
  auto refused = do_apply(p, db);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(mentions(refused.err, "20240101000004_drop_c.sql:1:1: ban-drop-table"));
  CHECK_FALSE(mentions(refused.err, "20240101000002_drop_b.sql"));
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NOT NULL") == "t");
  auto lint_refused = cli({"lint", "--format", "json", "--db", url(db), p.dir()}, p.root);
  CHECK(lint_refused.exit_code == 1);
  CHECK(mentions(lint_refused.out, "20240101000004_drop_c.sql"));
}

TEST_CASE("lifecycle: lint --db names a pending file older than the newest applied one, as apply refuses it",
          "[lifecycle][out-of-order]") {
  std::string db = create_database("out_of_order");
  Project p = make_project("out_of_order");
  config(p, "");
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY);\n");
  auto first = do_apply(p, db);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);

  // A branch merged late brings version ...02: the database already has ...03.
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  auto files_alone = cli({"lint", "--format", "concise", "--select", "out-of-order-migration", p.dir()}, p.root);
  INFO(files_alone.out << files_alone.err);
  CHECK_FALSE(mentions(files_alone.out, "out-of-order-migration"));  // no git, no database: nothing known
  auto lint_db = cli({"lint", "--format", "concise", "--db", url(db), p.dir()}, p.root);
  INFO(lint_db.out << lint_db.err);
  CHECK(lint_db.exit_code == 1);
  CHECK(mentions(lint_db.out, "20240101000002_b.sql:1:1: error[out-of-order-migration] pending migration version "
                              "20240101000002 is older than"));
  CHECK(mentions(lint_db.out, "20240101000003_c.sql (version 20240101000003), the newest migration database"));

  // apply refuses it for the same reason (exit 3); with --allow-out-of-order the lint gate does
  // not stand in the way (the gate judges the files, not their order).
  auto refused = do_apply(p, db);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 3);
  auto allowed = do_apply(p, db, {"--allow-out-of-order"});
  INFO(allowed.out << allowed.err);
  CHECK(allowed.exit_code == 0);
  CHECK(scalar(db, "SELECT to_regclass('public.b') IS NOT NULL") == "t");
  auto after = cli({"lint", "--format", "concise", "--db", url(db), p.dir()}, p.root);
  INFO(after.out << after.err);
  CHECK_FALSE(mentions(after.out, "out-of-order-migration"));
}

TEST_CASE("lifecycle: --baseline records files without judging them", "[lifecycle]") {
  std::string db = create_database("baseline_judge");
  Project p = make_project("baseline_judge");
  p.write("20240101000001_ab.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY);\n");
  p.write("20240101000002_drop_b.sql", "DROP TABLE b;\n");
  p.write("20240101000003_c.sql", "CREATE TABLE c (id bigint PRIMARY KEY);\n");
  exec(db, "CREATE TABLE a (id bigint PRIMARY KEY)");  // the database the project already has

  auto r = do_apply(p, db, {"--baseline", "20240101000002", "--reason", "adopting pgsafe"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(scalar(db, "SELECT string_agg(version || ':' || status, ' ' ORDER BY version) FROM pgsafe.pgsafe_migrations") ==
        "20240101000001:baseline 20240101000002:baseline 20240101000003:applied");
  CHECK(scalar(db, "SELECT to_regclass('public.c') IS NOT NULL") == "t");

  // A finding in a pending file above the baseline still stops the run.
  std::string db2 = create_database("baseline_judge2");
  exec(db2, "CREATE TABLE a (id bigint PRIMARY KEY)");
  p.write("20240101000003_c.sql", "DROP TABLE a;\n");
  auto refused = do_apply(p, db2, {"--baseline", "20240101000002"});
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(mentions(refused.err, "20240101000003_c.sql"));
  CHECK(scalar(db2, "SELECT to_regclass('pgsafe.pgsafe_migrations') IS NULL") == "t");
}

TEST_CASE("lifecycle: a failed unique CONCURRENTLY build is named with its INVALID index and recovered", "[lifecycle][recovery]") {
  std::string db = create_database("invalid_index");
  Project p = make_project("invalid_index");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, code text);\n"
                                  "INSERT INTO t VALUES (1, 'x'), (2, 'x');\n");
  p.write("20240101000002_idx.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_code_key ON t (code);\n");

  auto failed = do_apply(p, db);
  INFO(failed.out << failed.err);
  CHECK(failed.exit_code == 7);
  CHECK(mentions(failed.err, "INVALID index t_code_key on t"));
  CHECK(mentions(failed.err, "1. DROP INDEX CONCURRENTLY IF EXISTS t_code_key;"));
  CHECK(mentions(failed.err, "pgsafe repair --mark-rolled-back 20240101000002"));
  CHECK(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_code_key'::regclass") == "f");

  // status: failed (at its first statement), the index it left, and the steps.
  auto st = status(p, db);
  INFO(st.out);
  CHECK(mentions(st.out, "failed        20240101000002_idx.sql"));
  CHECK(mentions(st.out, "left behind: INVALID index t_code_key"));
  CHECK(mentions(st.out, "1. DROP INDEX CONCURRENTLY IF EXISTS t_code_key;"));
  json entry = status_entry(p, db, "20240101000002");
  CHECK(entry["state"] == "failed");
  CHECK(entry["failed_statement"] == 1);
  CHECK(entry["invalid_indexes"][0]["index"] == "t_code_key");
  CHECK(entry["invalid_indexes"][0]["unique"] == true);
  CHECK(entry["next"][0] == "DROP INDEX CONCURRENTLY IF EXISTS t_code_key;");
  // apply refuses (exit 7) with the same steps.
  auto again = do_apply(p, db);
  CHECK(again.exit_code == 7);
  CHECK(mentions(again.err, "DROP INDEX CONCURRENTLY IF EXISTS t_code_key;"));

  // The trap: repair without dropping the index, fix the data, re-run. IF NOT EXISTS skips the
  // INVALID index; pgsafe must not record the file as applied.
  REQUIRE(repair(p, db, {"--mark-rolled-back", "20240101000002", "--reason", "retry"}).exit_code == 0);
  exec(db, "DELETE FROM t WHERE id = 2");
  // The INVALID index, no longer part of any applied file, is drift: apply stops before running.
  auto drifted = do_apply(p, db);
  INFO(drifted.out << drifted.err);
  CHECK(drifted.exit_code == 3);
  CHECK(mentions(drifted.err, "t_code_key"));
  // Even told the drift is known, the re-run whose IF NOT EXISTS skips the index is not recorded.
  auto skipped = do_apply(p, db, {"--allow-drift"});
  INFO(skipped.out << skipped.err);
  CHECK(skipped.exit_code == 7);
  CHECK(mentions(skipped.err, "not recorded as applied: index t_code_key that it creates exists but is INVALID"));
  CHECK(scalar(db, "SELECT status FROM pgsafe.pgsafe_migrations WHERE version = '20240101000002'") == "failed");
  // What the trap would let through: the unique index exists only in name, so duplicates get in.
  CHECK(mentions(skipped.err, "it does not enforce uniqueness"));
  exec(db, "INSERT INTO t VALUES (3, 'x')");
  CHECK(scalar(db, "SELECT count(*) FROM t WHERE code = 'x'") == "2");

  // The steps, followed: drop, fix, repair, apply; the index is built and valid.
  exec(db, "DELETE FROM t WHERE id = 3");
  exec(db, "DROP INDEX CONCURRENTLY IF EXISTS t_code_key");
  REQUIRE(repair(p, db, {"--mark-rolled-back", "20240101000002", "--reason", "dropped the invalid index"}).exit_code == 0);
  auto done = do_apply(p, db);
  INFO(done.out << done.err);
  CHECK(done.exit_code == 0);
  CHECK(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_code_key'::regclass") == "t");
  CHECK(status_entry(p, db, "20240101000002")["state"] == "applied");
}

TEST_CASE("lifecycle: status tells rolled back, failed and partially applied files apart", "[lifecycle][status]") {
  std::string db = create_database("states");
  Project p = make_project("states");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, n int);\nINSERT INTO t VALUES (1, NULL);\n");
  // Transactional, fails: rolled back.
  p.write("20240101000002_nn.sql", "ALTER TABLE t ADD COLUMN m int;\nALTER TABLE t ALTER COLUMN n SET NOT NULL;\n");
  auto r = do_apply(p, db);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 6);
  json rolled = status_entry(p, db, "20240101000002");
  CHECK(rolled["state"] == "rolled-back");
  CHECK(rolled["last_failure"]["sqlstate"] == "23502");
  CHECK(mentions(rolled["next"][1].get<std::string>(), "pgsafe apply"));
  auto text = status(p, db);
  CHECK(mentions(text.out, "rolled-back   20240101000002_nn.sql"));
  CHECK(mentions(text.out, "the last attempt failed and was rolled back; nothing of it is applied"));
  CHECK(mentions(text.out, "23502"));
  // --exit-code: pending work (3), not a repair (7).
  CHECK(status(p, db, {"--exit-code"}).exit_code == 3);

  // Fixed and applied: the failure is history, the file is applied.
  exec(db, "UPDATE t SET n = 0");
  REQUIRE(do_apply(p, db).exit_code == 0);
  CHECK(status_entry(p, db, "20240101000002")["state"] == "applied");

  // Without a transaction, failing at statement 2 of 2: partially applied.
  p.write("20240101000003_two.sql", "-- pgsafe:no-transaction\nCREATE TABLE u (id bigint PRIMARY KEY);\n"
                                    "INSERT INTO u VALUES (1), (1);\n");
  auto partial = do_apply(p, db);
  INFO(partial.out << partial.err);
  CHECK(partial.exit_code == 7);
  CHECK(mentions(partial.err, "statements 1-1 of 2 are applied"));
  json e = status_entry(p, db, "20240101000003");
  CHECK(e["state"] == "partial");
  CHECK(e["failed_statement"] == 2);
  auto text2 = status(p, db);
  CHECK(mentions(text2.out, "partial       20240101000003_two.sql"));
  CHECK(mentions(text2.out, "failed at statement 2: the statements before it are applied"));
  CHECK(mentions(text2.out, "pgsafe repair --mark-applied 20240101000003"));
  CHECK(status(p, db, {"--exit-code"}).exit_code == 7);
}

TEST_CASE("lifecycle: rollback-plan's fix-forward migration reverses an applied file", "[lifecycle][rollback]") {
  std::string db = create_database("rollback");
  Project p = make_project("rollback");
  p.write("20240101000001_t.sql", "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x');\n");
  p.write("20240101000002_change.sql",
          "ALTER TABLE t ADD COLUMN email text;\n"
          "ALTER TABLE t ALTER COLUMN name DROP NOT NULL;\n"
          "ALTER TABLE t ALTER COLUMN name SET DEFAULT 'y';\n"
          "ALTER TABLE t ADD CONSTRAINT t_email_check CHECK (email <> '');\n"
          "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\n"
          "CREATE POLICY t_read ON t FOR SELECT USING (true);\n"
          "ALTER TABLE t RENAME COLUMN name TO title;\n"
          "CREATE TABLE u (id bigint PRIMARY KEY);\n"
          "ALTER TABLE t ADD COLUMN u_id bigint REFERENCES u (id), ADD COLUMN code text UNIQUE;\n"
          "CREATE TABLE scratch (id int);\nDROP TABLE scratch;\n");
  REQUIRE(do_apply(p, db).exit_code == 0);

  auto text = cli({"rollback-plan", "20240101000002", "--dir", p.dir()}, p.root);
  INFO(text.out << text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(mentions(text.out, "DROP TABLE public.u;"));
  CHECK_FALSE(mentions(text.out, "scratch"));  // made and dropped in the file: nothing to reverse, nothing lost
  // The constraints go before the columns they sit on.
  CHECK(text.out.find("DROP CONSTRAINT IF EXISTS t_code_key") < text.out.find("DROP COLUMN code"));
  CHECK(mentions(text.out, "ALTER TABLE public.t RENAME COLUMN title TO name;"));
  CHECK(mentions(text.out, "every row becomes visible"));
  // The file in the command works as well as the version.
  auto by_file = cli({"rollback-plan", p.dir() + "/20240101000002_change.sql", "--format", "json"}, p.root);
  auto by_version = cli({"rollback-plan", "20240101000002", "--dir", p.dir(), "--format", "json"}, p.root);
  CHECK(by_file.exit_code == 0);
  CHECK(json::parse(by_file.out) == json::parse(by_version.out));

  auto sql = cli({"rollback-plan", "20240101000002", "--dir", p.dir(), "--format", "sql"}, p.root);
  REQUIRE(sql.exit_code == 0);
  CHECK(sql.out.rfind("-- intent: reverse", 0) == 0);
  // Saved as the next migration and applied like any other, it gives back the schema of file 1.
  p.write("20240101000003_revert_change.sql", sql.out);
  auto r = do_apply(p, db);
  INFO(sql.out << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(scalar(db, "SELECT string_agg(column_name || ':' || is_nullable || ':' || coalesce(column_default, ''), ' ' "
                   "ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 't'") ==
        "id:NO: name:NO:'x'::text");
  CHECK(scalar(db, "SELECT relrowsecurity FROM pg_class WHERE oid = 'public.t'::regclass") == "f");
  CHECK(scalar(db, "SELECT count(*) FROM pg_policies WHERE tablename = 't'") == "0");
  CHECK(scalar(db, "SELECT count(*) FROM pg_constraint WHERE conname = 't_email_check'") == "0");
  CHECK(scalar(db, "SELECT to_regclass('public.u') IS NULL") == "t");

  // What no migration can undo is said, not hidden; an unknown version is a usage error.
  p.write("20240101000004_data.sql", "UPDATE t SET name = 'z';\nDROP TABLE t;\n");
  auto irreversible = cli({"rollback-plan", "20240101000004", "--dir", p.dir(), "--format", "json"}, p.root);
  json j = json::parse(irreversible.out);
  CHECK(j["irreversible"].size() == 2);
  CHECK(j["fix_forward"].empty());
  auto unknown = cli({"rollback-plan", "20990101000000", "--dir", p.dir()}, p.root);
  CHECK(unknown.exit_code == 2);
  CHECK(mentions(unknown.err, "no up migration with this version"));
}

TEST_CASE("lifecycle: lint --fix --db rewrites only what the database has not applied", "[lifecycle][fix]") {
  std::string db = create_database("fix_db");
  Project p = make_project("fix_db");
  const std::string applied = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n";
  p.write("20240101000001_t.sql", applied);
  REQUIRE(do_apply(p, db).exit_code == 0);
  p.write("20240101000002_seen.sql", "ALTER TABLE t ADD COLUMN seen timestamp;\n");
  auto r = cli({"lint", "--select", "prefer-timestamptz", "--fix", "--db", url(db), p.dir()}, p.root);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(p.dir() + "/20240101000001_t.sql") == applied);
  CHECK(read_file(p.dir() + "/20240101000002_seen.sql") == "ALTER TABLE t ADD COLUMN seen timestamptz;\n");
  // The applied file is untouched, so apply still trusts its checksum.
  CHECK(do_apply(p, db).exit_code == 0);
}

// The whole lifecycle as a new user lives it, end to end against one database.
TEST_CASE("lifecycle: apply, rule change, new file, baseline, hand change, drift captured, failed index recovered",
          "[lifecycle][scenario]") {
  std::string db = create_database("scenario");
  Project p = make_project("scenario");
  auto drift = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"drift", "--db", url(db), "--dir", p.dir()};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args, p.root);
  };
  // 1. Applied while a rule was off.
  config(p, "[rules.ban-drop-column]\nseverity = \"off\"\n");
  p.write("20240101000001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, legacy text, email text);\n");
  p.write("20240101000002_drop_legacy.sql", "ALTER TABLE users DROP COLUMN legacy;\n");
  REQUIRE(do_apply(p, db).exit_code == 0);

  // 2. The rule is back on; a clean new file applies: the applied DROP COLUMN is history.
  config(p, "");
  p.write("20240101000003_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL "
                                       "REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);\n");
  auto r3 = do_apply(p, db);
  INFO(r3.out << r3.err);
  REQUIRE(r3.exit_code == 0);
  CHECK(drift().exit_code == 0);

  // 3. Adopting pgsafe on a copy made without it: --baseline records the files, judging none.
  std::string copy = create_database("scenario_copy");
  exec(copy, "CREATE TABLE users (id bigint PRIMARY KEY, email text); ALTER TABLE users OWNER TO pgsafe_test;");
  auto b = do_apply(p, copy, {"--baseline", "20240101000002", "--reason", "adopting pgsafe"});
  INFO(b.out << b.err);
  CHECK(b.exit_code == 0);
  CHECK(scalar(copy, "SELECT count(*) FROM pgsafe.pgsafe_migrations WHERE status = 'baseline'") == "2");

  // 4. A hotfix by hand in the dashboard: drift finds it, apply refuses, status says so.
  exec(db, "ALTER TABLE users ADD COLUMN phone text; CREATE INDEX users_phone_idx ON users (phone);");
  p.write("20240101000004_orders_total.sql", "ALTER TABLE orders ADD COLUMN total numeric;\n");
  auto d = drift();
  INFO(d.out << d.err);
  CHECK(d.exit_code == 1);
  CHECK(mentions(d.out, "phone"));
  auto refused = do_apply(p, db);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 3);
  CHECK(mentions(refused.err, "differs from the applied migrations in 2 place(s)"));
  CHECK(mentions(refused.err, "--allow-drift"));
  CHECK(scalar(db, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'") == "0");
  auto st = status(p, db);
  CHECK(mentions(st.out, "Drift: the schema differs from the applied migrations in 2 place(s)"));
  CHECK(status(p, db, {"--exit-code"}).exit_code == 3);
  CHECK(status(p, db, {"--format", "json"}).out.find("\"drift\"") != std::string::npos);
  // The plan for an approval is refused the same way, unless the drift is said to be known.
  CHECK(cli({"plan", "--db", url(db), "--dir", p.dir()}, p.root).exit_code == 3);
  auto known = cli({"plan", "--db", url(db), "--dir", p.dir(), "--allow-drift"}, p.root);
  INFO(known.out << known.err);
  CHECK(known.exit_code == 0);
  CHECK(mentions(known.out, "20240101000004_orders_total.sql"));

  // 5. The hotfix captured as code: the pending capture accounts for the drift, so apply runs it
  //    and the new file; afterwards nothing differs.
  auto e = drift({"--emit-migration", p.dir()});
  INFO(e.out << e.err);
  CHECK(e.exit_code == 1);
  auto captured = do_apply(p, db);
  INFO(captured.out << captured.err);
  CHECK(captured.exit_code == 0);
  CHECK(mentions(captured.err, "the pending file(s) account for 2 difference(s)"));
  CHECK(drift().exit_code == 0);
  CHECK(mentions(status(p, db).out, "Drift: none"));

  // A pending IF NOT EXISTS that Postgres would skip does not explain a hand-made object away.
  exec(db, "ALTER TABLE orders ADD COLUMN discount integer;");
  p.write("20991230000000_discount.sql", "ALTER TABLE orders ADD COLUMN IF NOT EXISTS discount numeric;\n");
  auto skipped = do_apply(p, db);
  INFO(skipped.out << skipped.err);
  CHECK(skipped.exit_code == 3);
  CHECK(mentions(skipped.err, "discount"));
  exec(db, "ALTER TABLE orders DROP COLUMN discount;");
  REQUIRE(do_apply(p, db).exit_code == 0);

  // 6. Another hand change, applied past knowingly.
  exec(db, "CREATE TABLE scratch (id int);");
  p.write("20991231000001_orders_note.sql", "ALTER TABLE orders ADD COLUMN note text;\n");
  CHECK(do_apply(p, db).exit_code == 3);
  auto allowed = do_apply(p, db, {"--allow-drift"});
  INFO(allowed.out << allowed.err);
  CHECK(allowed.exit_code == 0);
  CHECK(mentions(allowed.err, "applying anyway (--allow-drift)"));
  exec(db, "DROP TABLE scratch;");

  // 7. A unique index built CONCURRENTLY fails on duplicates, leaves an INVALID index; recovered.
  exec(db, "INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'a@x');");
  p.write("20991231000002_users_email_key.sql",
          "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n");
  auto f = do_apply(p, db);
  INFO(f.out << f.err);
  CHECK(f.exit_code == 7);
  CHECK(mentions(f.err, "DROP INDEX CONCURRENTLY IF EXISTS users_email_key;"));
  exec(db, "DROP INDEX CONCURRENTLY IF EXISTS users_email_key");
  exec(db, "DELETE FROM users WHERE id = 2");
  REQUIRE(repair(p, db, {"--mark-rolled-back", "20991231000002", "--reason", "dropped the invalid index, deduplicated"})
              .exit_code == 0);
  auto fixed = do_apply(p, db);
  INFO(fixed.out << fixed.err);
  CHECK(fixed.exit_code == 0);
  CHECK(scalar(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_key'::regclass") == "t");
  CHECK(drift().exit_code == 0);
}
