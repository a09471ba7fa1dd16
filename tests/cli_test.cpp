// The CLI as a user runs it: exit codes, formats, stdin, history, config discovery.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support.h"

using namespace pgsafe::test;

namespace {
bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::string project_with_drop() {
  std::string dir = temp_dir("cli");
  write_file(dir + "/migrations/20240101000000_create_users.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  write_file(dir + "/migrations/20240102000000_drop_users.sql", "DROP TABLE users;\n");
  return dir;
}
}  // namespace

TEST_CASE("exit code does not depend on the format", "[cli]") {
  std::string dir = project_with_drop();
  for (const char* fmt : {"text", "json", "sarif", "github"}) {
    INFO(fmt);
    auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", fmt, "migrations"}, "", dir);
    CHECK(r.exit_code == 1);
    CHECK(!r.out.empty());
  }
}

TEST_CASE("--fail-on and --exit-zero", "[cli]") {
  std::string dir = temp_dir("failon");
  write_file(dir + "/m/20240101000000_x.sql", "SELECT 1;\n");
  // No findings: 0 at every threshold.
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "--fail-on", "info", "m"}, "", dir).exit_code == 0);
  write_file(dir + "/m/20240102000000_y.sql", "DROP TABLE t;\n");
  write_file(dir + "/.pgsafe.toml", "[rules]\nban-drop-table = \"info\"\n");
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "m"}, "", dir).exit_code == 0);  // info < warning
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "--fail-on", "info", "m"}, "", dir).exit_code == 1);
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "--fail-on", "info", "--exit-zero", "m"}, "", dir).exit_code == 0);
  write_file(dir + "/.pgsafe.toml", "[rules]\nban-drop-table = \"warning\"\n");
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "--fail-on", "error", "m"}, "", dir).exit_code == 0);
  CHECK(run_pgsafe({"lint", "--select", "ban-drop-table", "m"}, "", dir).exit_code == 1);
}

TEST_CASE("severity off in config disables a rule; --ignore too", "[cli]") {
  std::string dir = project_with_drop();
  write_file(dir + "/.pgsafe.toml", "[rules.ban-drop-table]\nseverity = \"off\"\n");
  auto r = run_pgsafe({"lint", "--format", "json", "migrations"}, "", dir);
  CHECK(!mentions(r.out, "ban-drop-table"));
  write_file(dir + "/.pgsafe.toml", "");
  r = run_pgsafe({"lint", "--format", "json", "--ignore", "ban-drop-table", "migrations"}, "", dir);
  CHECK(!mentions(r.out, "ban-drop-table"));
  r = run_pgsafe({"lint", "--format", "json", "migrations"}, "", dir);
  CHECK(mentions(r.out, "ban-drop-table"));
}

TEST_CASE("stdin with --stdin-filename", "[cli]") {
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", "json", "--stdin-filename",
                       "migrations/20240101000000_drop.sql", "-"},
                      "-- cleanup\nDROP TABLE sessions;\n");
  CHECK(r.exit_code == 1);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["file"] == "migrations/20240101000000_drop.sql");
  CHECK(j["diagnostics"][0]["range"]["start"]["line"] == 2);
}

TEST_CASE("--migrations-dir replays history without reporting it", "[cli]") {
  std::string dir = temp_dir("history");
  // History creates and drops a table (a finding there is not reported now).
  write_file(dir + "/migrations/20240101000000_init.sql", "CREATE TABLE a (id bigint);\nDROP TABLE old_stuff;\n");
  write_file(dir + "/new/20240201000000_next.sql", "DROP TABLE a;\n");
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", "json", "--migrations-dir", "migrations",
                       "new/20240201000000_next.sql"},
                      "", dir);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["file"] == "new/20240201000000_next.sql");
  CHECK(j["summary"]["files"] == 1);

  // The pre-commit shape: the new file is also inside the history folder; it is linted once.
  write_file(dir + "/migrations/20240201000000_next.sql", "DROP TABLE a;\n");
  r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", "json", "--migrations-dir", "migrations",
                  "migrations/20240201000000_next.sql"},
                 "", dir);
  j = nlohmann::json::parse(r.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["file"] == "migrations/20240201000000_next.sql");
}

TEST_CASE("config is found upward and migrations_dir is the default path", "[cli]") {
  std::string dir = project_with_drop();
  write_file(dir + "/.pgsafe.toml", "migrations_dir = \"migrations\"\n");
  write_file(dir + "/sub/deeper/.keep", "");
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", "json"}, "", dir + "/sub/deeper");
  CHECK(r.exit_code == 1);
  CHECK(mentions(r.out, "DROP TABLE users"));
}

TEST_CASE("globs and directories expand to .sql files in version order", "[cli]") {
  std::string dir = project_with_drop();
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--format", "json", "migrations/*.sql"}, "", dir);
  CHECK(r.exit_code == 1);
  CHECK(nlohmann::json::parse(r.out)["summary"]["files"] == 2);
  r = run_pgsafe({"lint", "--select", "ban-drop-table", "migrations/*.nothing"}, "", dir);
  CHECK(r.exit_code == 2);
}

TEST_CASE("rules, explain, --version, --help", "[cli]") {
  auto r = run_pgsafe({"rules"});
  CHECK(r.exit_code == 0);
  CHECK(mentions(r.out, "ban-drop-table"));
  r = run_pgsafe({"rules", "--format", "json"});
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["rules"].size() >= 2);
  r = run_pgsafe({"explain", "ban-drop-table"});
  CHECK(r.exit_code == 0);
  CHECK(mentions(r.out, "ACCESS EXCLUSIVE"));
  r = run_pgsafe({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(mentions(r.out, "pgsafe "));
  r = run_pgsafe({"lint", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(mentions(r.out, "--fail-on"));
}

TEST_CASE("parallel and serial runs give identical output", "[cli]") {
  std::string dir = temp_dir("parallel");
  for (int i = 0; i < 40; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "/m/202401%02d%06d_step_%d.sql", 1 + i % 28, i, i);
    write_file(dir + name, "CREATE TABLE t" + std::to_string(i) + " (id bigint);\nDROP TABLE x" + std::to_string(i) +
                               ";\nSELEC " + std::to_string(i) + ";\n");
  }
  auto a = run_pgsafe({"lint", "-j", "1", "--format", "json", "m"}, "", dir);
  auto b = run_pgsafe({"lint", "-j", "2", "--format", "json", "m"}, "", dir);
  auto c = run_pgsafe({"lint", "-j", "8", "--format", "json", "m"}, "", dir);
  CHECK(a.exit_code == 1);
  CHECK(a.out == b.out);
  CHECK(a.out == c.out);
}

TEST_CASE("files are assumed to run in a transaction unless told otherwise", "[cli]") {
  std::string dir = temp_dir("tx");
  // CONCURRENTLY in a file the applier wraps fails; outside a transaction it is fine.
  write_file(dir + "/m/20240101000000_idx.sql",
             "CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY);\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n");
  auto def = run_pgsafe({"lint", "--select", "ban-concurrent-index-creation-in-transaction", "m"}, "", dir);
  CHECK(def.exit_code == 1);
  auto yes = run_pgsafe({"lint", "--assume-in-transaction", "--select", "ban-concurrent-index-creation-in-transaction", "m"}, "", dir);
  CHECK(yes.exit_code == 1);
  auto no = run_pgsafe({"lint", "--no-assume-in-transaction", "--select", "ban-concurrent-index-creation-in-transaction", "m"}, "", dir);
  CHECK(no.exit_code == 0);
  write_file(dir + "/.pgsafe.toml", "assume_in_transaction = false\n");
  auto cfg = run_pgsafe({"lint", "--select", "ban-concurrent-index-creation-in-transaction", "m"}, "", dir);
  CHECK(cfg.exit_code == 0);
  auto both = run_pgsafe({"lint", "--assume-in-transaction", "--no-assume-in-transaction", "m"}, "", dir);
  CHECK(both.exit_code == 2);
}
