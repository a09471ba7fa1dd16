// out-of-order-migration through the real lint path: the committed history comes from a real git
// repository (the default branch's tree) or from the versions a database applied (lint --db hands
// them to run_lint as LintArgs::applied_versions). With neither, the rule says nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

const char* kRule = "out-of-order-migration";
const char* kOld = "migrations/20240101000000_create_users.sql";
const char* kNewest = "migrations/20240301000000_create_teams.sql";
const char* kLate = "migrations/20240201000000_add_email.sql";   // older than kNewest
const char* kLater = "migrations/20240401000000_add_team_name.sql";

bool mentions(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// Findings of the rule in the concise output (one line per finding).
size_t findings(const ProcessResult& r) {
  size_t n = 0;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) n += mentions(line, kRule);
  return n;
}

ProcessResult lint(const std::string& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"lint", "--format", "concise", "--no-cache"};
  args.insert(args.end(), extra.begin(), extra.end());
  if (extra.empty() || extra.back().rfind("migrations", 0) != 0) args.push_back("migrations");
  return run_pgsafe(args, "", dir);
}

// A repository whose main branch has two migrations, the newest 20240301000000.
std::string repo_with_history(const std::string& hint) {
  std::string dir = temp_dir(hint);
  write_file(dir + "/" + kOld, "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  write_file(dir + "/" + kNewest, "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  git(dir, {"init", "-q", "."});
  git(dir, {"add", "migrations"});
  git(dir, {"commit", "-q", "-m", "history"});
  return dir;
}

}  // namespace

TEST_CASE("out-of-order-migration: a new file older than the newest one on main is reported", "[out-of-order][git]") {
  std::string dir = repo_with_history("ooo-new");
  write_file(dir + "/" + kLate, "ALTER TABLE users ADD COLUMN email text;\n");
  auto r = lint(dir);
  INFO(r.out << r.err);
  CHECK(findings(r) == 1);
  CHECK(mentions(r.out, std::string(kLate) + ":1:1: error[out-of-order-migration] new migration version 20240201000000 is "
                        "older than " + kNewest + " (version 20240301000000), already on main"));
  CHECK(r.exit_code == 1);

  // Linting the one file (its folder is the history) finds it too; so does the commit hook.
  auto one = lint(dir, {kLate});
  INFO(one.out << one.err);
  CHECK(findings(one) == 1);
  git(dir, {"add", kLate});
  auto staged = lint(dir, {"--staged"});
  INFO(staged.out << staged.err);
  CHECK(findings(staged) == 1);

  // Committed on a feature branch, it is still not merged: still reported.
  git(dir, {"checkout", "-q", "-b", "feature"});
  git(dir, {"commit", "-q", "-m", "email"});
  auto branch = lint(dir);
  INFO(branch.out << branch.err);
  CHECK(findings(branch) == 1);

  // Only that rule off: no finding (and no git run needed).
  auto off = lint(dir, {"--ignore", kRule});
  CHECK(findings(off) == 0);

  // Suppressed with a reason, it no longer fails the run.
  write_file(dir + "/" + kLate,
             "-- pgsafe-ignore-file out-of-order-migration: independent of create_teams\n"
             "ALTER TABLE users ADD COLUMN email text;\n");
  auto sup = lint(dir, {"--select", kRule});
  INFO(sup.out << sup.err);
  CHECK(findings(sup) == 0);
  CHECK(sup.exit_code == 0);
}

TEST_CASE("out-of-order-migration: a new file newer than main, or a file main has, is not reported",
          "[out-of-order][git]") {
  std::string dir = repo_with_history("ooo-newer");
  write_file(dir + "/" + kLater, "ALTER TABLE teams ADD COLUMN name text;\n");
  auto r = lint(dir, {"--select", kRule});
  INFO(r.out << r.err);
  CHECK(findings(r) == 0);
  CHECK(r.exit_code == 0);

  // Merged into main already (even though older than the newest): nothing left to act on.
  write_file(dir + "/" + kLate, "ALTER TABLE users ADD COLUMN email text;\n");
  git(dir, {"add", kLate});
  git(dir, {"commit", "-q", "-m", "email, merged late"});
  auto merged = lint(dir, {"--select", kRule});
  INFO(merged.out << merged.err);
  CHECK(findings(merged) == 0);
  CHECK(merged.exit_code == 0);
}

TEST_CASE("out-of-order-migration: a Prisma folder merged late is a warning", "[out-of-order][git]") {
  std::string dir = temp_dir("ooo-prisma");
  write_file(dir + "/migrations/20240301000000_create_teams/migration.sql", "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  git(dir, {"init", "-q", "."});
  git(dir, {"add", "migrations"});
  git(dir, {"commit", "-q", "-m", "history"});
  write_file(dir + "/migrations/20240201000000_add_name/migration.sql", "ALTER TABLE teams ADD COLUMN name text;\n");
  auto r = lint(dir, {"--select", kRule});
  INFO(r.out << r.err);
  CHECK(findings(r) == 1);
  CHECK(mentions(r.out, "warning[out-of-order-migration]"));
  CHECK(mentions(r.out, "Prisma applies it after that one"));
}

TEST_CASE("out-of-order-migration: silent without a history to judge against", "[out-of-order][git]") {
  // Outside any git repository: nothing is known to be committed.
  std::string plain = temp_dir("ooo-nogit");
  write_file(plain + "/" + kNewest, "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  write_file(plain + "/" + kLate, "ALTER TABLE users ADD COLUMN email text;\n");
  auto r = lint(plain, {"--select", kRule});
  INFO(r.out << r.err);
  CHECK(findings(r) == 0);
  CHECK(r.exit_code == 0);

  // A repository without a default branch (main, master or origin's): no history either.
  std::string topic = temp_dir("ooo-nobranch");
  write_file(topic + "/" + kNewest, "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  git(topic, {"init", "-q", "-b", "topic", "."});
  git(topic, {"add", "migrations"});
  git(topic, {"commit", "-q", "-m", "history"});
  write_file(topic + "/" + kLate, "ALTER TABLE users ADD COLUMN email text;\n");
  auto t = lint(topic, {"--select", kRule});
  INFO(t.out << t.err);
  CHECK(findings(t) == 0);
}

TEST_CASE("out-of-order-migration: with --db, pending files older than the newest applied one", "[out-of-order][db]") {
  // What `lint --db` does after reading the history table: run_lint with the applied versions.
  std::string dir = temp_dir("ooo-db");
  write_file(dir + "/migrations/000001_create_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  write_file(dir + "/migrations/000002_add_email.up.sql", "ALTER TABLE users ADD COLUMN email text;\n");
  write_file(dir + "/migrations/000003_create_teams.up.sql", "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  write_file(dir + "/migrations/000004_add_team_name.up.sql", "ALTER TABLE teams ADD COLUMN name text;\n");
  write_file(dir + "/.pgsafe.toml", "");
  pgsafe::cli::LintArgs args;
  args.paths = {dir + "/migrations"};
  args.config = dir + "/.pgsafe.toml";
  args.format = "concise";
  args.select = {kRule};
  args.no_cache = true;
  args.quiet = true;
  args.applied_database = "app";
  args.applied_versions = std::set<std::string>{"000001", "000003"};
  std::istringstream in;
  std::ostringstream out, err;
  int code = pgsafe::cli::run_lint(args, in, out, err);
  INFO(out.str() << err.str());
  CHECK(code == 1);
  CHECK(mentions(out.str(), "000002_add_email.up.sql:1:1: error[out-of-order-migration] pending migration version 000002 "
                            "is older than " + dir + "/migrations/000003_create_teams.up.sql (version 000003), the "
                            "newest migration database \"app\" has applied"));
  CHECK(!mentions(out.str(), "000004_add_team_name"));

  // The database applied a version no file has any more: it is still the newest applied one.
  std::ostringstream out2, err2;
  args.applied_versions = std::set<std::string>{"000001", "000005"};
  code = pgsafe::cli::run_lint(args, in, out2, err2);
  INFO(out2.str() << err2.str());
  CHECK(mentions(out2.str(), "pending migration version 000004 is older than version 000005"));
  size_t n = 0;
  std::istringstream lines(out2.str());
  for (std::string line; std::getline(lines, line);) n += mentions(line, kRule);
  CHECK(n == 3);  // 000002, 000003 and 000004

  // Nothing applied yet: nothing is out of order.
  std::ostringstream out3, err3;
  args.applied_versions = std::set<std::string>{};
  code = pgsafe::cli::run_lint(args, in, out3, err3);
  INFO(out3.str() << err3.str());
  CHECK(!mentions(out3.str(), kRule));
  CHECK(code == 0);
}
