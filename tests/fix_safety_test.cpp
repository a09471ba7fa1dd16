// `lint --fix` never loses or damages a migration (issue 15, "Data loss and file safety"): a write
// that fails (full disk, ulimit -f) leaves the original and no temporary file; links, hard-linked
// and read-only files are refused unless --fix-force; mode, owner and line endings are kept;
// configured values written into SQL are durations, checked when the config is read, and quoted.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "analyzer/atomic_write.h"
#include "analyzer/config.h"
#include "analyzer/duration.h"
#include "analyzer/fix.h"
#include "analyzer/registry.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;

namespace {

bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

// A migration prefer-timestamptz fixes, and what the fix makes of it.
const std::string kTimestamp = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n";
const std::string kTimestamptz = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);\n";

std::vector<std::string> fix_args(const std::string& file, std::vector<std::string> extra = {}) {
  std::vector<std::string> a{"lint", "--select", "prefer-timestamptz", "--fix", "--fix-applied"};
  a.insert(a.end(), extra.begin(), extra.end());
  a.push_back(file);
  return a;
}

// The names in a folder (temporary files start with a dot, so list everything).
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// pgsafe run with a file size limit of 0 bytes (`ulimit -f 0`) and SIGXFSZ at its default
// action (termination), as a shell would start it: stderr and the exit code (128 + signal when
// killed).
ProcessResult run_with_no_file_size(const std::vector<std::string>& args, const std::string& cwd) {
  int err_pipe[2];
  REQUIRE(::pipe(err_pipe) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(err_pipe[1], 2);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    ::signal(SIGXFSZ, SIG_DFL);
    struct rlimit lim {0, 0};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0 || ::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> argv{const_cast<char*>(PGSAFE_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  ProcessResult r;
  char buf[4096];
  for (ssize_t n; (n = ::read(err_pipe[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    r.err.append(buf, static_cast<size_t>(n));
  }
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace

TEST_CASE("--fix on a full file system (ulimit -f 0) leaves the migration and no temporary file", "[fix][safety]") {
  std::string dir = temp_dir("fixfull");
  std::string file = dir + "/20240101000000_a.sql";
  write_file(file, kTimestamp);
  auto r = run_with_no_file_size(fix_args("20240101000000_a.sql"), dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);  // not killed by SIGXFSZ (153), not "fixed"
  CHECK(read_file(file) == kTimestamp);
  CHECK(names_in(dir) == std::vector<std::string>{"20240101000000_a.sql"});
  CHECK(mentions(r.err, "pgsafe: error: 20240101000000_a.sql: not fixed, the file is unchanged:"));
  CHECK(mentions(r.err, "File too large"));
  CHECK(!mentions(r.err, "fixed 1 finding"));

  // The same run without the limit fixes it: the failure was the limit.
  auto ok = run_pgsafe(fix_args("20240101000000_a.sql"), "", dir);
  CHECK(ok.exit_code == 0);
  CHECK(read_file(file) == kTimestamptz);
}

TEST_CASE("--fix writes through a new random temporary file, never a planted one", "[fix][safety]") {
  std::string dir = temp_dir("fixplant");
  std::string file = dir + "/20240101000000_a.sql";
  std::string victim = dir + "/victim.txt";
  write_file(file, kTimestamp);
  write_file(victim, "keep me\n");
  // Names an older pgsafe (and many tools) would use for the temporary file, as links to a victim.
  for (const char* name : {"20240101000000_a.sql.pgsafe-fix.tmp", ".20240101000000_a.sql.pgsafe.tmp",
                           "20240101000000_a.sql.tmp", "20240101000000_a.sql~"})
    fs::create_symlink(victim, dir + "/" + name);
  auto r = run_pgsafe(fix_args(file));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(file) == kTimestamptz);
  CHECK(!fs::is_symlink(file));
  CHECK(read_file(victim) == "keep me\n");
  CHECK(names_in(dir).size() == 6);  // nothing left behind
}

TEST_CASE("--fix refuses a migration that is a symbolic link; --fix-force writes its target", "[fix][safety]") {
  std::string dir = temp_dir("fixlink");
  std::string target = dir + "/shared/a.sql";
  std::string link = dir + "/migrations/20240101000000_a.sql";
  write_file(target, kTimestamp);
  fs::create_directories(dir + "/migrations");
  fs::create_symlink("../shared/a.sql", link);

  auto r = run_pgsafe(fix_args(link));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, link + ": not fixed: it is a symbolic link to "));
  CHECK(mentions(r.err, "--fix-force rewrites it anyway"));
  CHECK(fs::is_symlink(link));
  CHECK(read_file(target) == kTimestamp);

  auto f = run_pgsafe(fix_args(link, {"--fix-force"}));
  INFO(f.err);
  CHECK(f.exit_code == 0);
  CHECK(fs::is_symlink(link));  // still the link ...
  CHECK(fs::read_symlink(link) == "../shared/a.sql");
  CHECK(read_file(target) == kTimestamptz);  // ... to the fixed file
  CHECK(names_in(dir + "/shared") == std::vector<std::string>{"a.sql"});
  CHECK(names_in(dir + "/migrations") == std::vector<std::string>{"20240101000000_a.sql"});
}

TEST_CASE("--fix refuses a migration with other hard links; --fix-force fixes this name only", "[fix][safety]") {
  std::string dir = temp_dir("fixhard");
  std::string file = dir + "/20240101000000_a.sql";
  std::string other = dir + "/backup.sql";
  write_file(file, kTimestamp);
  fs::create_hard_link(file, other);

  auto r = run_pgsafe(fix_args(file));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, file + ": not fixed: it has 1 other hard link"));
  CHECK(read_file(file) == kTimestamp);
  CHECK(fs::hard_link_count(file) == 2);

  auto f = run_pgsafe(fix_args(file, {"--fix-force"}));
  INFO(f.err);
  CHECK(f.exit_code == 0);
  CHECK(read_file(file) == kTimestamptz);
  CHECK(read_file(other) == kTimestamp);
  CHECK(fs::hard_link_count(other) == 1);
}

TEST_CASE("--fix refuses a read-only migration; --fix-force fixes it and keeps it read-only", "[fix][safety]") {
  std::string dir = temp_dir("fixro");
  std::string file = dir + "/20240101000000_a.sql";
  write_file(file, kTimestamp);
  fs::permissions(file, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

  auto r = run_pgsafe(fix_args(file));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, file + ": not fixed: it is read-only (mode 0444)"));
  CHECK(read_file(file) == kTimestamp);

  auto f = run_pgsafe(fix_args(file, {"--fix-force"}));
  INFO(f.err);
  CHECK(f.exit_code == 0);
  CHECK(read_file(file) == kTimestamptz);
  CHECK(mode_of(file) == 0444);
  CHECK(names_in(dir).size() == 1);

  // --fix-force is a modifier of --fix, not a way to write on its own.
  auto alone = run_pgsafe({"lint", "--select", "prefer-timestamptz", "--fix-force", file});
  CHECK(alone.exit_code == 2);
  CHECK(mentions(alone.err, "--fix-force goes with --fix"));
}

TEST_CASE("one refused file means no file of the run is written", "[fix][safety]") {
  std::string dir = temp_dir("fixall");
  std::string a = dir + "/20240101000000_a.sql", b = dir + "/20240102000000_b.sql";
  std::string b_text = "CREATE TABLE u (id bigint PRIMARY KEY, at timestamp);\n";
  write_file(a, kTimestamp);
  write_file(b, b_text);
  fs::permissions(b, fs::perms::owner_read);
  auto r = run_pgsafe(fix_args(dir));
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, b + ": not fixed: it is read-only (mode 0400)"));
  CHECK(mentions(r.err, "nothing fixed"));
  CHECK(read_file(a) == kTimestamp);
  CHECK(read_file(b) == b_text);
}

TEST_CASE("--fix keeps the file's mode, and its owner when run as root", "[fix][safety]") {
  std::string dir = temp_dir("fixmeta");
  std::string file = dir + "/20240101000000_a.sql";
  write_file(file, kTimestamp);
  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  bool root = ::geteuid() == 0;
  if (root) REQUIRE(::chown(file.c_str(), 4242, 4343) == 0);
  auto r = run_pgsafe(fix_args(file));
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(file) == kTimestamptz);
  CHECK(mode_of(file) == 0640);
  if (root) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    CHECK(st.st_uid == 4242u);
    CHECK(st.st_gid == 4343u);
  }
}

TEST_CASE("rewrite_file: a file changed since it was read is not overwritten", "[fix][safety]") {
  std::string dir = temp_dir("fixchanged");
  std::string file = dir + "/a.sql";
  write_file(file, "SELECT 2;\n");
  std::string why;
  RewriteOptions o;
  o.expected = std::string_view("SELECT 1;\n");
  CHECK_FALSE(rewrite_file(file, "SELECT 3;\n", o, why));
  CHECK(mentions(why, "changed on disk since pgsafe read it"));
  CHECK(read_file(file) == "SELECT 2;\n");
  o.expected = std::string_view("SELECT 2;\n");
  CHECK(rewrite_file(file, "SELECT 3;\n", o, why));
  CHECK(read_file(file) == "SELECT 3;\n");
  CHECK(names_in(dir) == std::vector<std::string>{"a.sql"});
  // A path that is not there is an error, not a new file.
  CHECK_FALSE(rewrite_file(dir + "/missing.sql", "x", RewriteOptions{}, why));
  CHECK(!fs::exists(dir + "/missing.sql"));
}

TEST_CASE("inserted lines follow the file's line endings", "[fix][safety]") {
  Diagnostic d;
  d.rule = "r";
  // Insert a line before the second line, as require-lock-timeout does.
  auto insert_before_line_2 = [&](const std::string& text) {
    uint32_t at = static_cast<uint32_t>(text.find('\n') + 1);
    d.fix = Fix{"insert", true, {Edit{Range{{2, 1, at}, {2, 1, at}}, "SET lock_timeout = '2s';\n"}}};
    return apply_fixes(text, {&d}, false).text;
  };
  CHECK(insert_before_line_2("SELECT 1;\r\nALTER TABLE t ADD c int;\r\n") ==
        "SELECT 1;\r\nSET lock_timeout = '2s';\r\nALTER TABLE t ADD c int;\r\n");
  CHECK(insert_before_line_2("SELECT 1;\nALTER TABLE t ADD c int;\n") ==
        "SELECT 1;\nSET lock_timeout = '2s';\nALTER TABLE t ADD c int;\n");
  // Mixed: the line edited decides.
  CHECK(insert_before_line_2("SELECT 1;\r\nALTER TABLE t ADD c int;\nSELECT 2;\r\n") ==
        "SELECT 1;\r\nSET lock_timeout = '2s';\nALTER TABLE t ADD c int;\nSELECT 2;\r\n");
  // At the end of a file whose last line has no ending: the file's majority.
  std::string tail = "SELECT 1;\r\nSELECT 2;\r\nBEGIN;";
  uint32_t end = static_cast<uint32_t>(tail.size());
  d.fix = Fix{"commit", true, {Edit{Range{{3, 7, end}, {3, 7, end}}, "\nCOMMIT;\n"}}};
  CHECK(apply_fixes(tail, {&d}, false).text == "SELECT 1;\r\nSELECT 2;\r\nBEGIN;\r\nCOMMIT;\r\n");
}

TEST_CASE("--fix keeps a CRLF migration CRLF", "[fix][safety][cli]") {
  std::string dir = temp_dir("fixcrlf");
  write_file(dir + "/.pgsafe.toml", "[rules.require-lock-timeout]\nseverity = \"warning\"\n");
  write_file(dir + "/migrations/20240101000000_a.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\r\n");
  std::string b = dir + "/migrations/20240102000000_b.sql";
  write_file(b, "-- add a note\r\nALTER TABLE orders ADD COLUMN note text;\r\n");
  auto r = run_pgsafe({"lint", "--select", "require-lock-timeout", "--fix", "--fix-applied", "migrations"}, "", dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(b) == "-- add a note\r\nSET lock_timeout = '2s';\r\nALTER TABLE orders ADD COLUMN note text;\r\n");
}

TEST_CASE("durations written into SQL: PostgreSQL's syntax only", "[fix][safety][config]") {
  for (const char* ok : {"2s", "500ms", "5min", "1h", "1d", "2500us", "1500", "1.5s", "5 min", "0.5s", ".5s"}) {
    INFO(ok);
    CHECK(!timeout_problem(ok));
  }
  for (const char* bad : {"", "2s'; DROP TABLE users; --", "2s'", "'2s'", "2 s s", "2sec", "2S", "-1s", "+2s", " 2s",
                          "2s ", "1e3", "2s;", "5 ", "1.s", "0", "0ms", "100us", "25d", "99999999999999999999",
                          "2s\n", "2s\\", "two seconds"}) {
    INFO(bad);
    CHECK(timeout_problem(bad));
  }
  CHECK(parse_duration_ms("1.5s").value_or(-1) == Approx(1500));
  CHECK(parse_duration_ms("5min").value_or(-1) == Approx(300000));
  CHECK(parse_duration_ms("1500us").value_or(-1) == Approx(2));  // rounded as the server does
  CHECK(parse_duration_ms("1500").value_or(-1) == Approx(1500));  // no unit: milliseconds
}

TEST_CASE("a timeout value that is not a duration is a config error naming the file and option", "[fix][safety][config]") {
  for (const char* rule : {"require-lock-timeout", "require-statement-timeout"}) {
    INFO(rule);
    std::string dir = temp_dir("fixinject");
    write_file(dir + "/.pgsafe.toml", std::string("[rules.") + rule + "]\nseverity = \"warning\"\n" +
                                          "value = \"2s'; DROP TABLE users; --\"\n");
    write_file(dir + "/migrations/20240101000000_a.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
    std::string b = dir + "/migrations/20240102000000_b.sql";
    std::string text = "ALTER TABLE users ADD COLUMN note text;\n";
    write_file(b, text);
    for (const char* mode : {"--fix", "--diff"}) {
      auto r = run_pgsafe({"lint", "--select", rule, mode, "migrations"}, "", dir);
      INFO(mode << "\n" << r.err << r.out);
      CHECK(r.exit_code == 2);
      CHECK(mentions(r.err, ".pgsafe.toml:3:9: option 'value' of rule '" + std::string(rule) +
                                "' cannot be '2s'; DROP TABLE users; --': it is not a PostgreSQL duration"));
      CHECK(!mentions(r.out, "DROP TABLE"));
      CHECK(read_file(b) == text);
    }
    // Without fixing, the config is just as wrong.
    auto l = run_pgsafe({"lint", "migrations"}, "", dir);
    CHECK(l.exit_code == 2);
  }
}

TEST_CASE("a configured timeout is written quoted, and a bad one that bypasses the loader gets no fix", "[fix][safety]") {
  std::string dir = temp_dir("fixvalue");
  write_file(dir + "/.pgsafe.toml", "[rules.require-statement-timeout]\nseverity = \"warning\"\nvalue = \"90 s\"\n");
  write_file(dir + "/migrations/20240101000000_a.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  std::string b = dir + "/migrations/20240102000000_b.sql";
  write_file(b, "ALTER TABLE users ADD COLUMN note text;\n");
  auto r = run_pgsafe({"lint", "--select", "require-statement-timeout", "--fix", "--fix-applied", "migrations"}, "", dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(b) == "SET statement_timeout = '90 s';\nALTER TABLE users ADD COLUMN note text;\n");

  // Options handed to the engine directly (no config file): the rule checks again.
  LintOptions opts;
  opts.select = {"require-lock-timeout"};
  opts.config.rules["require-lock-timeout"].options["value"] = "2s'; DROP TABLE users; --";
  LintResult res = lint_memory({{"m/20240101000000_a.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n"},
                                {"m/20240102000000_b.sql", "ALTER TABLE users ADD COLUMN note text;\n"}},
                               opts);
  INFO(golden_lines(res));
  bool reported = false;
  for (const auto& d : res.diagnostics) {
    if (d.rule != "require-lock-timeout") continue;
    reported = true;
    CHECK(!d.fix);
  }
  CHECK(reported);
}

TEST_CASE("every duration option's default passes its own check", "[fix][safety][config]") {
  size_t durations = 0;
  for (const RuleDef* def : all_rules())
    for (const auto& o : meta_of(*def).options) {
      if (o.type != "duration") continue;
      ++durations;
      INFO(meta_of(*def).id << " " << o.name);
      Config c;
      std::vector<ConfigError> errors;
      std::string toml = "[rules." + std::string(meta_of(*def).id) + "]\n" + std::string(o.name) + " = " +
                         std::string(o.default_value) + "\n";
      CHECK(load_config_text(toml, "x.toml", c, errors));
      CHECK(errors.empty());
    }
  CHECK(durations == 2);
}
