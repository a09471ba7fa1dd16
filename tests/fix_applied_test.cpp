// `lint --fix` never edits a migration that may already be applied (issue 12): an edited applied
// file fails its checksum in `pgsafe apply` (exit 3) and its change never runs. Without a
// database, only files the default branch does not have yet are rewritten; --fix-applied is the
// explicit way to rewrite the others. (With --db, the applier tests cover pending files.)
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

const char* kMerged = "CREATE TABLE t (id bigint PRIMARY KEY, created timestamp);\n";
const char* kNew = "ALTER TABLE t ADD COLUMN seen timestamp;\n";

bool mentions(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

ProcessResult fix(const std::string& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"lint", "--select", "prefer-timestamptz", "--fix"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("migrations");
  return run_pgsafe(args, "", dir);
}

// A repository whose main branch has one migration, and a second one not committed yet.
std::string repo_with_merged_migration(const std::string& hint) {
  std::string dir = temp_dir(hint);
  write_file(dir + "/migrations/20240101000000_create.sql", kMerged);
  git(dir, {"init", "-q", "."});
  git(dir, {"add", "migrations"});
  git(dir, {"commit", "-q", "-m", "create"});
  write_file(dir + "/migrations/20240102000000_seen.sql", kNew);
  return dir;
}

}  // namespace

TEST_CASE("--fix rewrites only migrations the default branch does not have", "[fix][applied]") {
  std::string dir = repo_with_merged_migration("fixnew");
  auto r = fix(dir);
  INFO(r.err << r.out);
  CHECK(read_file(dir + "/migrations/20240101000000_create.sql") == kMerged);
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == "ALTER TABLE t ADD COLUMN seen timestamptz;\n");
  CHECK(mentions(r.err, "migrations/20240101000000_create.sql: not fixed (1 fix): the default branch (main) already has it"));
  CHECK(mentions(r.err, "--fix-applied"));
  CHECK(mentions(r.err, "fixed 1 finding in 1 file"));
  // The finding left in the merged file is still reported (info: exit 0 at the default --fail-on).
  CHECK(mentions(r.out, "20240101000000_create.sql"));
  CHECK(r.exit_code == 0);

  // --diff writes nothing, so it shows every fix, the merged file's included.
  write_file(dir + "/migrations/20240102000000_seen.sql", kNew);
  auto d = run_pgsafe({"lint", "--select", "prefer-timestamptz", "--diff", "migrations"}, "", dir);
  CHECK(mentions(d.out, "migrations/20240102000000_seen.sql"));
  CHECK(mentions(d.out, "migrations/20240101000000_create.sql"));
  CHECK(read_file(dir + "/migrations/20240101000000_create.sql") == kMerged);
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == kNew);
  REQUIRE(fix(dir).exit_code == 0);

  // Committed on a feature branch, the new file is still new: main does not have it.
  git(dir, {"checkout", "-q", "-b", "feature"});
  git(dir, {"add", "migrations"});
  git(dir, {"commit", "-q", "-m", "seen"});
  auto f = fix(dir);
  INFO(f.err);
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == "ALTER TABLE t ADD COLUMN seen timestamptz;\n");
  CHECK(read_file(dir + "/migrations/20240101000000_create.sql") == kMerged);

  // In a clone, the remote's default branch (origin/HEAD) is the one that counts.
  std::string clone = temp_dir("fixclone");
  ProcessResult c = run_command({"git", "clone", "-q", dir, clone + "/repo"});
  REQUIRE(c.exit_code == 0);
  std::string repo = clone + "/repo";
  auto g = fix(repo);
  INFO(g.err);
  CHECK(mentions(g.err, "the default branch (origin/"));

  // --fix-applied rewrites the merged file too, having been told.
  auto a = fix(dir, {"--fix-applied"});
  INFO(a.err);
  CHECK(read_file(dir + "/migrations/20240101000000_create.sql") ==
        "CREATE TABLE t (id bigint PRIMARY KEY, created timestamptz);\n");
}

TEST_CASE("--fix outside a git work tree rewrites nothing without --fix-applied", "[fix][applied]") {
  std::string dir = temp_dir("fixnogit");
  write_file(dir + "/migrations/20240102000000_seen.sql", kNew);
  auto r = fix(dir);
  INFO(r.err);
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == kNew);
  CHECK(mentions(r.err, "not in a git work tree"));
  auto a = fix(dir, {"--fix-applied"});
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == "ALTER TABLE t ADD COLUMN seen timestamptz;\n");
  // stdin is never a file on disk: it is fixed (printed) as before.
  auto s = run_pgsafe({"lint", "--select", "prefer-timestamptz", "--fix", "-"}, kNew, dir);
  CHECK(s.out == "ALTER TABLE t ADD COLUMN seen timestamptz;\n");
}

TEST_CASE("--fix in a repository without a default branch keeps every file", "[fix][applied]") {
  std::string dir = temp_dir("fixnobranch");
  write_file(dir + "/migrations/20240102000000_seen.sql", kNew);
  git(dir, {"init", "-q", "-b", "topic", "."});
  auto r = fix(dir);
  INFO(r.err);
  CHECK(read_file(dir + "/migrations/20240102000000_seen.sql") == kNew);
  CHECK(mentions(r.err, "no default branch"));
}
