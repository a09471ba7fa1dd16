// Hostile inputs from the robustness review (issue 15): each was a crash, a hang, or findings
// silently lost. Each case runs the real binary, or the engine on real files on disk.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <string>
#include <thread>

#include "analyzer/concurrency.h"
#include "analyzer/engine.h"
#include "analyzer/migration_set.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// `SELECT 1+1+...+1;` with n terms: a left-nested expression n levels deep.
std::string deep_sum(size_t n) {
  std::string s = "SELECT 1";
  s.reserve(n * 2 + 16);
  for (size_t i = 1; i < n; ++i) s += "+1";
  return s + ";\n";
}

// Runs the binary as an unprivileged user when we are root (root ignores process limits and
// file permissions), with prlimit's limits.
ProcessResult run_limited(const std::vector<std::string>& limits, const std::vector<std::string>& args,
                          const std::string& cwd = "") {
  std::vector<std::string> argv;
  if (geteuid() == 0) argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  argv.push_back("prlimit");
  argv.insert(argv.end(), limits.begin(), limits.end());
  argv.push_back("--");
  argv.push_back(PGSAFE_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, "", cwd, 120);
}

// A folder everyone can read (the limited runs may be as nobody).
std::string shared_temp(const std::string& hint) {
  std::string dir = temp_dir(hint);
  chmod(dir.c_str(), 0755);
  for (fs::path p = dir; p.has_parent_path() && p != p.parent_path(); p = p.parent_path()) {
    struct stat st {};
    if (stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH)) chmod(p.c_str(), st.st_mode | S_IXOTH);
  }
  return dir;
}

}  // namespace

TEST_CASE("a NUL byte anywhere in a file is an input error, also after the first 8 KiB", "[bad-input][robustness]") {
  std::string dir = temp_dir("nul");
  std::string file = dir + "/20240101000000_hidden.sql";
  std::string text = "SELECT 1;\n";
  while (text.size() < 9000) text += "-- padding comment line\n";
  size_t line = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  text.push_back('\0');
  text += " DROP TABLE users;\n";
  write_file(file, text);
  auto r = run_pgsafe({"lint", "--format", "json", file});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, file + ":" + std::to_string(line) + ":1: "));
  CHECK(mentions(r.err, "NUL byte"));
}

TEST_CASE("a named pipe given as a path is refused at once, not read forever", "[bad-input][robustness]") {
  std::string dir = temp_dir("fifo");
  std::string fifo = dir + "/20240101000000_pipe.sql";
  REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
  auto r = run_command({PGSAFE_BINARY, "lint", fifo}, "", "", 20);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, fifo));
  CHECK(mentions(r.err, "named pipe"));
}

TEST_CASE("dangling, looping and non-regular .sql entries in a folder are named, the rest linted", "[bad-input][robustness]") {
  std::string dir = temp_dir("links");
  write_file(dir + "/20240101000000_ok.sql", "DROP TABLE users;\n");
  fs::create_symlink(dir + "/nowhere.sql", dir + "/20240102000000_dangling.sql");
  fs::create_symlink(dir + "/20240103000000_loop_b.sql", dir + "/20240103000000_loop_a.sql");
  fs::create_symlink(dir + "/20240103000000_loop_a.sql", dir + "/20240103000000_loop_b.sql");
  REQUIRE(mkfifo((dir + "/20240104000000_pipe.sql").c_str(), 0644) == 0);
  auto r = run_command({PGSAFE_BINARY, "lint", "--format", "concise", dir}, "", "", 20);
  CHECK(r.exit_code == 1);  // the DROP TABLE is still found
  CHECK(mentions(r.out, "ban-drop-table"));
  CHECK(mentions(r.err, "20240102000000_dangling.sql: skipped: a symbolic link to nothing"));
  CHECK(mentions(r.err, "20240103000000_loop_a.sql: skipped: a symbolic link that loops"));
  CHECK(mentions(r.err, "20240104000000_pipe.sql: skipped: not a regular file"));
}

TEST_CASE("a file changed or removed while it is linted is an input error, not lost findings", "[bad-input][robustness]") {
  std::string dir = temp_dir("vanish");
  std::string a = dir + "/20240101000000_tables.sql";
  // The missing index on the foreign key is only known at the end of the set, when the file's
  // text has been let go, so the finding is placed by reading the file again.
  write_file(a, "CREATE TABLE a (id bigint PRIMARY KEY);\nCREATE TABLE b (id bigint PRIMARY KEY, a_id bigint REFERENCES a (id));\n");
  std::vector<InputError> errors;
  MigrationSet set = discover({dir}, DiscoverOptions{}, errors);
  REQUIRE(errors.empty());
  LintOptions opts;
  opts.keep_sources = false;

  LintResult before = lint(set, opts);
  REQUIRE(before.errors.empty());
  bool had_late_finding = false;
  for (const auto& d : before.diagnostics) had_late_finding |= d.rule == "unindexed-foreign-key";
  REQUIRE(had_late_finding);

  SECTION("changed") {
    opts.after_files_analysed = [&] { write_file(a, "-- rewritten by someone else\nSELECT 1;\n"); };
    LintResult r = lint(set, opts);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].file == a);
    CHECK(mentions(r.errors[0].message, "changed while pgsafe was linting it"));
  }
  SECTION("removed") {
    opts.after_files_analysed = [&] { fs::remove(a); };
    LintResult r = lint(set, opts);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].file == a);
    CHECK(mentions(r.errors[0].message, "vanished or became unreadable"));
  }
}

TEST_CASE("deep nesting: a diagnostic with a position, other files still linted, whatever the stack limit", "[bad-input][robustness]") {
  std::string dir = shared_temp("deep");
  write_file(dir + "/20240101000000_deep.sql", deep_sum(24000));
  write_file(dir + "/20240102000000_drop.sql", "DROP TABLE users;\n");
  chmod((dir + "/20240101000000_deep.sql").c_str(), 0644);
  chmod((dir + "/20240102000000_drop.sql").c_str(), 0644);
  auto normal = run_pgsafe({"lint", "--format", "concise", dir});
  CHECK(normal.exit_code == 1);
  CHECK(mentions(normal.out, "20240101000000_deep.sql:1:1: error[syntax-error] statement is nested too deeply to parse"));
  CHECK(mentions(normal.out, "20240102000000_drop.sql:1:1: error[ban-drop-table]"));
  // A 64 KiB stack (the review's crash was a SIGSEGV) and an unlimited one (threads then get
  // glibc's small default) give the same answer, for one job and for several.
  for (const std::string stack : {"--stack=65536", "--stack=unlimited"}) {
    for (const std::string jobs : {"1", "4"}) {
      auto r = run_limited({stack}, {"lint", "--format", "concise", "-j", jobs, dir});
      INFO(stack << " -j " << jobs << "\n" << r.err);
      CHECK(r.exit_code == normal.exit_code);
      CHECK(r.out == normal.out);
    }
  }
}

TEST_CASE("no thread can be created: the run falls back to one thread, same results", "[robustness]") {
  std::string dir = shared_temp("nothreads");
  for (int i = 0; i < 6; ++i)
    write_file(dir + "/2024010100000" + std::to_string(i) + "_m.sql", "DROP TABLE t" + std::to_string(i) + ";\n");
  for (const auto& e : fs::directory_iterator(dir)) chmod(e.path().c_str(), 0644);
  auto normal = run_pgsafe({"lint", "--format", "concise", "-j", "4", dir});
  // One process allowed for the user: the process itself, so every thread creation fails.
  auto r = run_limited({"--nproc=1"}, {"lint", "--format", "concise", "-j", "4", dir});
  INFO(r.err);
  CHECK(r.exit_code == normal.exit_code);
  CHECK(r.out == normal.out);
  CHECK(!mentions(r.err, "terminate called"));
}

TEST_CASE("the default job count respects the CPUs this process may use", "[robustness]") {
  unsigned n = usable_cpus();
  CHECK(n >= 1);
  CHECK(n <= std::max(1u, std::thread::hardware_concurrency()));
  // Pinned to one CPU (as taskset or a container's cpuset does), the answer is one.
  cpu_set_t saved;
  REQUIRE(sched_getaffinity(0, sizeof saved, &saved) == 0);
  int first = -1;
  for (int c = 0; c < CPU_SETSIZE && first < 0; ++c)
    if (CPU_ISSET(c, &saved)) first = c;
  REQUIRE(first >= 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);
  unsigned pinned = usable_cpus();
  sched_setaffinity(0, sizeof saved, &saved);
  CHECK(pinned == 1);
}

TEST_CASE("folder listing: nested folders, dot entries, links, and a target inside its history", "[discover]") {
  std::string dir = temp_dir("walk");
  fs::create_directories(dir + "/m/2024-01-02-000000_b");
  fs::create_directories(dir + "/m/2024-01-01-000000_a");
  fs::create_directories(dir + "/m/.hidden");
  fs::create_directories(dir + "/elsewhere");
  write_file(dir + "/m/2024-01-01-000000_a/up.sql", "SELECT 1;\n");
  write_file(dir + "/m/2024-01-01-000000_a/down.sql", "SELECT 1;\n");
  write_file(dir + "/m/2024-01-02-000000_b/up.sql", "SELECT 2;\n");
  write_file(dir + "/m/2024-01-02-000000_b/notes.txt", "not SQL\n");
  write_file(dir + "/m/.hidden/up.sql", "SELECT 3;\n");
  write_file(dir + "/m/.dot.sql", "SELECT 4;\n");
  write_file(dir + "/elsewhere/up.sql", "SELECT 5;\n");
  write_file(dir + "/elsewhere/x.sql", "SELECT 6;\n");
  // A linked folder is not followed (as before: it would list a folder twice, or loop).
  fs::create_directory_symlink(dir + "/elsewhere", dir + "/m/2024-01-03-000000_linked");
  // A linked file is taken; two broken links are named, in path order whatever the listing's.
  fs::create_directories(dir + "/m/2024-01-04-000000_d");
  fs::create_symlink(dir + "/elsewhere/x.sql", dir + "/m/2024-01-04-000000_d/up.sql");
  fs::create_symlink(dir + "/nowhere.sql", dir + "/m/2024-01-04-000000_d/zz.sql");
  fs::create_symlink(dir + "/nowhere.sql", dir + "/m/2024-01-04-000000_d/aa.sql");

  DiscoverOptions opts;
  opts.migrations_dir = dir + "/m/";
  std::vector<InputError> errors;
  // The target is inside the history folder, named by another spelling: listed once.
  MigrationSet set = discover({dir + "/m/./2024-01-02-000000_b/up.sql"}, opts, errors);
  REQUIRE(errors.empty());
  CHECK(set.layout == Layout::Diesel);
  std::vector<std::string> paths;
  for (const auto& f : set.files) paths.push_back(f.path.substr(dir.size()) + (f.history_only ? "" : " (target)"));
  CHECK(paths == std::vector<std::string>{"/m/2024-01-01-000000_a/up.sql", "/m/2024-01-01-000000_a/down.sql",
                                          "/m/./2024-01-02-000000_b/up.sql (target)",
                                          "/m/2024-01-04-000000_d/up.sql"});
  REQUIRE(set.skipped.size() == 2);
  CHECK(set.skipped[0].file == dir + "/m/2024-01-04-000000_d/aa.sql");
  CHECK(set.skipped[1].file == dir + "/m/2024-01-04-000000_d/zz.sql");
  CHECK(mentions(set.skipped[0].message, "dangling"));
  CHECK(set.files[0].version == "2024-01-01-000000");
  CHECK(set.files[0].name == "a");
  CHECK(set.files[1].direction == Direction::Down);

  SECTION("a history folder that is a file is an error naming it") {
    std::vector<InputError> errs;
    DiscoverOptions o;
    o.migrations_dir = dir + "/elsewhere/x.sql";
    discover({dir + "/elsewhere/up.sql"}, o, errs);
    REQUIRE(errs.size() == 1);
    CHECK(mentions(errs[0].message, "does not exist"));
  }
}
