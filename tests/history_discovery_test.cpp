// `pgsafe lint FILE...` finds the history itself (issue 8, section 5.1): the config's
// migrations_dir, else the files' own migrations folder, else a known layout; and in a commit hook
// it builds that history from what is staged, so an untracked file cannot make a commit pass.
//
// The probe is unknown-dependency: a new migration that says `-- depends-on: <version>` is
// flagged exactly when the migration it names is not part of the set or its history.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "analyzer/history.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;
using Json = nlohmann::json;

namespace {

const char* kCreate = "CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\n";
const char* kDependent = "-- depends-on: 20240101000000\nALTER TABLE invoices ADD COLUMN IF NOT EXISTS due date;\n";

// The rules a finding came from, for a lint run with --format json.
std::vector<std::string> rules_of(const ProcessResult& r) {
  std::vector<std::string> out;
  Json j = Json::parse(r.out);
  for (const auto& d : j["diagnostics"]) out.push_back(d["rule"]);
  return out;
}

bool flags_dependency(const ProcessResult& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code != 2);
  for (const auto& rule : rules_of(r))
    if (rule == "unknown-dependency") return true;
  return false;
}

ProcessResult lint(const std::string& dir, std::vector<std::string> extra) {
  std::vector<std::string> args{"lint", "--format", "json", "--select", "unknown-dependency"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_pgsafe(args, "", dir);
}

}  // namespace

TEST_CASE("history: the folders of known layouts", "[history]") {
  std::string dir = temp_dir("known");
  CHECK_FALSE(find_known_migrations_dir(dir));
  fs::create_directories(dir + "/prisma/migrations");
  CHECK(find_known_migrations_dir(dir) == dir + "/prisma/migrations");
  fs::create_directories(dir + "/supabase/migrations");
  CHECK(find_known_migrations_dir(dir) == dir + "/supabase/migrations");
  CHECK(known_migrations_dirs().front() == "supabase/migrations");
}

TEST_CASE("history: a file's own migrations folder, by layout", "[history]") {
  std::string dir = temp_dir("own");
  // Timestamped files: the folder holding them.
  CHECK(own_migrations_dir(dir + "/supabase/migrations/20240102000000_due.sql", Layout::Auto) == dir + "/supabase/migrations");
  CHECK(own_migrations_dir("20240102000000_due.sql", Layout::Auto) == ".");
  // Prisma and Diesel keep one folder per migration: the folder above.
  CHECK(own_migrations_dir(dir + "/prisma/migrations/20240102000000_due/migration.sql", Layout::Auto) ==
        dir + "/prisma/migrations");
  CHECK(own_migrations_dir("migrations/2024-01-02-000000_due/up.sql", Layout::Auto) == "migrations");
  CHECK(own_migrations_dir("db/migrations/000002_due.up.sql", Layout::Auto) == "db/migrations");
  CHECK(own_migrations_dir("sql/V2__due.sql", Layout::Auto) == "sql");
  // A badly named file in a folder of well-named migrations still belongs to it.
  write_file(dir + "/m/20240101000000_create.sql", kCreate);
  write_file(dir + "/m/add_due.sql", kDependent);
  CHECK(own_migrations_dir(dir + "/m/add_due.sql", Layout::Auto) == dir + "/m");
  // A scratch file among other scratch files is not a migration.
  write_file(dir + "/scratch/notes.sql", "SELECT 1;\n");
  write_file(dir + "/scratch/more.sql", "SELECT 2;\n");
  CHECK_FALSE(own_migrations_dir(dir + "/scratch/notes.sql", Layout::Auto));
}

TEST_CASE("history: config first, then the files' folder, then a known folder", "[history]") {
  std::string dir = temp_dir("choice");
  fs::create_directories(dir + "/supabase/migrations");
  write_file(dir + "/scratch/notes.sql", "SELECT 1;\n");
  using From = HistoryChoice::From;

  HistoryChoice c = find_history({dir + "/supabase/migrations/20240102000000_due.sql"}, std::string("db"), Layout::Auto, dir);
  CHECK(c.from == From::Config);
  CHECK(c.dir == "db");

  c = find_history({"a/20240102000000_x.sql", "a/./20240103000000_y.sql"}, std::nullopt, Layout::Auto, dir);
  CHECK(c.from == From::OwnFolder);
  CHECK(c.dir == "a");

  // Files from two folders, or a file of no layout: the known folder.
  c = find_history({"a/20240102000000_x.sql", "b/20240103000000_y.sql"}, std::nullopt, Layout::Auto, dir);
  CHECK(c.from == From::KnownFolder);
  CHECK(c.dir == dir + "/supabase/migrations");
  c = find_history({dir + "/scratch/notes.sql"}, std::nullopt, Layout::Auto, dir);
  CHECK(c.from == From::KnownFolder);

  fs::remove_all(dir + "/supabase");
  c = find_history({dir + "/scratch/notes.sql"}, std::nullopt, Layout::Auto, dir);
  CHECK(c.from == From::None);
  CHECK_FALSE(c.dir);
}

TEST_CASE("history: lint FILE in a Supabase project replays the folder's earlier migrations", "[history][cli]") {
  std::string dir = temp_dir("supabase");
  write_file(dir + "/supabase/migrations/20240101000000_create.sql", kCreate);
  write_file(dir + "/supabase/migrations/20240102000000_due.sql", kDependent);
  const std::string file = "supabase/migrations/20240102000000_due.sql";

  // No --migrations-dir and no config: the file's own folder is its history (the old manifest's
  // hard-coded `--migrations-dir migrations` was a usage error here).
  auto r = lint(dir, {file});
  CHECK_FALSE(flags_dependency(r));
  CHECK(Json::parse(r.out)["summary"]["files"] == 1);  // history is replayed, not reported

  // From a subfolder, with the config naming the folder.
  write_file(dir + "/.pgsafe.toml", "migrations_dir = \"supabase/migrations\"\n");
  fs::create_directories(dir + "/app");
  CHECK_FALSE(flags_dependency(lint(dir + "/app", {"../" + file})));

  // A file of no layout outside the folder, linted from the project root: the known folder.
  fs::remove(dir + "/.pgsafe.toml");
  write_file(dir + "/drafts/add_due.sql", kDependent);
  CHECK_FALSE(flags_dependency(lint(dir, {"drafts/add_due.sql"})));

  // The control: the same file with an empty history is flagged.
  fs::create_directories(dir + "/empty");
  CHECK(flags_dependency(lint(dir, {"--migrations-dir", "empty", file})));
}

TEST_CASE("history: lint FILE in a Prisma project replays the migration folders above it", "[history][cli]") {
  std::string dir = temp_dir("prisma");
  write_file(dir + "/prisma/migrations/20240101000000_create/migration.sql", kCreate);
  write_file(dir + "/prisma/migrations/20240102000000_due/migration.sql", kDependent);
  write_file(dir + "/prisma/schema.prisma", "// not SQL\n");
  auto r = lint(dir, {"prisma/migrations/20240102000000_due/migration.sql"});
  CHECK_FALSE(flags_dependency(r));
  CHECK(Json::parse(r.out)["summary"]["files"] == 1);
  // Linting from inside the project's folder works the same.
  CHECK_FALSE(flags_dependency(lint(dir + "/prisma", {"migrations/20240102000000_due/migration.sql"})));
  fs::create_directories(dir + "/empty");
  CHECK(flags_dependency(lint(dir, {"--migrations-dir", "empty", "prisma/migrations/20240102000000_due/migration.sql"})));
}

TEST_CASE("history: from a commit hook the history is what is staged", "[history][cli][git]") {
  std::string dir = temp_dir("staged");
  git(dir, {"init", "-q", "."});
  write_file(dir + "/supabase/migrations/20231201000000_init.sql", "CREATE TABLE IF NOT EXISTS users (id bigint);\n");
  git(dir, {"add", "supabase/migrations/20231201000000_init.sql"});
  git(dir, {"commit", "-q", "-m", "init"});

  // The new migration is staged; the migration it depends on exists only in the work tree.
  const std::string file = "supabase/migrations/20240102000000_due.sql";
  write_file(dir + "/" + file, kDependent);
  git(dir, {"add", file});
  write_file(dir + "/supabase/migrations/20240101000000_create.sql", kCreate);

  // Read from the work tree, the untracked file hides the problem...
  CHECK_FALSE(flags_dependency(lint(dir, {file})));
  // ...read from the index, it does not: with --staged, and when git's hook environment says so.
  CHECK(flags_dependency(lint(dir, {"--staged", file})));
  auto hook = run_command({"env", "GIT_INDEX_FILE=.git/index", PGSAFE_BINARY, "lint", "--format", "json", "--select",
                           "unknown-dependency", file},
                          "", dir);
  CHECK(flags_dependency(hook));

  // Staged, it counts.
  git(dir, {"add", "supabase/migrations/20240101000000_create.sql"});
  CHECK_FALSE(flags_dependency(lint(dir, {"--staged", file})));

  // An unstaged edit cannot make a commit pass either: the staged text is what is linted.
  write_file(dir + "/" + file, "ALTER TABLE invoices ADD COLUMN IF NOT EXISTS due date;\n");
  git(dir, {"rm", "-q", "--cached", "supabase/migrations/20240101000000_create.sql"});
  CHECK_FALSE(flags_dependency(lint(dir, {file})));
  auto staged = lint(dir, {"--staged", file});
  CHECK(flags_dependency(staged));
  CHECK(Json::parse(staged.out)["diagnostics"][0]["file"] == file);

  // A folder under --staged lints its staged files.
  auto folder = lint(dir, {"--staged", "supabase/migrations"});
  CHECK(flags_dependency(folder));
  CHECK(Json::parse(folder.out)["summary"]["files"] == 2);

  // Outside a git work tree --staged is a usage error; the hook variable alone changes nothing.
  std::string plain = temp_dir("not-a-repo");
  write_file(plain + "/20240101000000_a.sql", kCreate);
  CHECK(lint(plain, {"--staged", "20240101000000_a.sql"}).exit_code == 2);
  auto outside = run_command({"env", "GIT_INDEX_FILE=/nonexistent/index", PGSAFE_BINARY, "lint", "--format", "json",
                              "20240101000000_a.sql"},
                             "", plain);
  CHECK(outside.exit_code != 2);
}

TEST_CASE("history: a real git pre-commit hook rejects the commit an untracked file would pass", "[history][cli][git]") {
  std::string dir = temp_dir("hook");
  git(dir, {"init", "-q", "."});
  const std::string file = "supabase/migrations/20240102000000_due.sql";
  write_file(dir + "/" + file, kDependent);
  write_file(dir + "/supabase/migrations/20240101000000_create.sql", kCreate);  // untracked
  git(dir, {"add", file});
  // No --staged: git's own hook environment (GIT_INDEX_FILE) is what tells pgsafe.
  write_file(dir + "/.git/hooks/pre-commit",
             std::string("#!/bin/sh\nexec '") + PGSAFE_BINARY +
                 "' lint --format concise --select unknown-dependency $(git diff --cached --name-only --diff-filter=ACM)\n");
  REQUIRE(fs::exists(dir + "/.git/hooks/pre-commit"));
  fs::permissions(dir + "/.git/hooks/pre-commit", fs::perms::owner_all);
  std::vector<std::string> commit{"git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c",
                                  "commit.gpgsign=false", "commit", "-q", "-m", "add due date"};
  ProcessResult rejected = run_command(commit, "", dir);
  INFO(rejected.out << rejected.err);
  CHECK(rejected.exit_code != 0);
  CHECK((rejected.out + rejected.err).find("unknown-dependency") != std::string::npos);  // git sends hook output to stderr
  git(dir, {"add", "supabase/migrations/20240101000000_create.sql"});
  ProcessResult accepted = run_command(commit, "", dir);
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
}

TEST_CASE("pre-commit manifest lets pgsafe find the history and reads the index", "[history]") {
  std::string manifest = read_file(source_dir() + "/.pre-commit-hooks.yaml");
  CHECK(manifest.find("--migrations-dir") == std::string::npos);
  CHECK(manifest.find("entry: pgsafe lint --staged") != std::string::npos);
  CHECK(manifest.find("rev: v0.1.0") == std::string::npos);  // no such tag exists
}
