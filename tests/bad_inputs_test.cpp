// Bad inputs get a clear error naming the file (and line/column where there is one) and exit 2;
// never a crash, a hang or a silent skip. Each runs the real binary.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {
bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }
}  // namespace

TEST_CASE("missing path is a usage error naming the path", "[bad-input]") {
  auto r = run_pgsafe({"lint", "does/not/exist.sql"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "does/not/exist.sql"));
  CHECK(mentions(r.err, "no such file"));
  CHECK(r.out.empty());
}

TEST_CASE("directory without .sql files is an error", "[bad-input]") {
  std::string dir = temp_dir("nosql");
  write_file(dir + "/README.md", "# not sql\n");
  auto r = run_pgsafe({"lint", dir});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "contains no .sql files"));
}

TEST_CASE("unreadable file is an I/O error", "[bad-input]") {
  std::string dir = temp_dir("unreadable");
  std::string file = dir + "/20240101000000_secret.sql";
  write_file(file, "SELECT 1;\n");
  chmod(file.c_str(), 0);
  chmod(dir.c_str(), 0755);
  ProcessResult r;
  if (geteuid() == 0) {
    // root reads anything: drop to nobody for this run, as an ordinary user would be.
    r = run_command({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PGSAFE_BINARY, "lint", file});
  } else {
    r = run_pgsafe({"lint", file});
  }
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, file));
  CHECK(mentions(r.err, "cannot read file"));
}

TEST_CASE("empty file is reported by empty-migration, not a crash", "[bad-input]") {
  std::string dir = temp_dir("empty");
  write_file(dir + "/20240101000000_nothing.sql", "");
  auto r = run_pgsafe({"lint", "--format", "json", dir});
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  CHECK(mentions(r.out, "\"diagnostics\""));
}

TEST_CASE("binary file is refused with its position", "[bad-input]") {
  std::string dir = temp_dir("binary");
  std::string bytes = "SELECT 1;\n";
  bytes += std::string("\x7f" "ELF\0\0\0\x01", 8);
  write_file(dir + "/20240101000000_blob.sql", bytes);
  auto r = run_pgsafe({"lint", dir});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "20240101000000_blob.sql:2:5"));
  CHECK(mentions(r.err, "NUL byte: binary, not SQL text"));
}

TEST_CASE("invalid UTF-8 is refused with line and column", "[bad-input]") {
  std::string dir = temp_dir("latin1");
  write_file(dir + "/20240101000000_latin1.sql", "SELECT 1;\nCOMMENT ON TABLE t IS 'caf\xe9';\n");
  auto r = run_pgsafe({"lint", dir});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "20240101000000_latin1.sql:2:27"));
  CHECK(mentions(r.err, "not valid UTF-8 (byte 0xE9)"));
}

TEST_CASE("a good file beside a bad one is still linted", "[bad-input]") {
  std::string dir = temp_dir("mixed");
  write_file(dir + "/20240101000000_latin1.sql", "SELECT '\xff';\n");
  write_file(dir + "/20240102000000_drop.sql", "DROP TABLE accounts;\n");
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", dir});
  CHECK(r.exit_code == 2);  // the input error wins over findings
  CHECK(mentions(r.out, "DROP TABLE accounts"));
  CHECK(mentions(r.err, "not valid UTF-8"));
}

TEST_CASE("a 50 MB file is refused quickly with a clear limit", "[bad-input]") {
  std::string dir = temp_dir("huge");
  std::string line = "INSERT INTO t VALUES (1, 'padding padding padding');\n";
  std::string big;
  big.reserve(50u * 1024 * 1024 + line.size());
  while (big.size() < 50u * 1024 * 1024) big += line;
  write_file(dir + "/20240101000000_huge.sql", big);
  auto r = run_pgsafe({"lint", dir});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "20240101000000_huge.sql"));
  CHECK(mentions(r.err, "larger than the limit"));
}

TEST_CASE("a statement nested thousands deep is a finding, not a crash", "[bad-input]") {
  std::string dir = temp_dir("deep");
  std::string sum = "SELECT 1";
  for (int i = 0; i < 5000; ++i) sum += "+1";
  std::string subs = "SELECT ";
  for (int i = 0; i < 5000; ++i) subs += "(SELECT ";
  subs += "1";
  for (int i = 0; i < 5000; ++i) subs += ")";
  write_file(dir + "/20240101000000_deep.sql", sum + ";\n" + subs + ";\nDROP TABLE after_the_deep_ones;\n");
  for (const char* jobs : {"1", "2"}) {
    auto r = run_pgsafe({"lint", "-j", jobs, "--select", "syntax-error,ban-drop-table", dir});
    CHECK(r.exit_code == 1);
    CHECK(mentions(r.out, "nested too deeply"));
    // The statements after it are still analysed.
    CHECK(mentions(r.out, "after_the_deep_ones"));
  }
}

TEST_CASE("unknown rule id in config names the file, line and column", "[bad-input]") {
  std::string dir = temp_dir("badcfg");
  write_file(dir + "/.pgsafe.toml", "pg_version = 15\n\n[rules]\nban-drop-colum = \"warning\"\n");
  write_file(dir + "/migrations/20240101000000_init.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  auto r = run_pgsafe({"lint", "migrations"}, "", dir);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, ".pgsafe.toml:4:"));
  CHECK(mentions(r.err, "unknown rule 'ban-drop-colum'"));
}

TEST_CASE("unknown config key and malformed TOML are errors with positions", "[bad-input]") {
  std::string dir = temp_dir("badkey");
  write_file(dir + "/.pgsafe.toml", "pg_versoin = 15\n");
  write_file(dir + "/m/20240101000000_init.sql", "SELECT 1;\n");
  auto r = run_pgsafe({"lint", "m"}, "", dir);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, ".pgsafe.toml:1:"));
  CHECK(mentions(r.err, "unknown key 'pg_versoin'"));

  write_file(dir + "/.pgsafe.toml", "[rules\nban-drop-table = \"off\"\n");
  r = run_pgsafe({"lint", "m"}, "", dir);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, ".pgsafe.toml:1:"));
}

TEST_CASE("unknown rule on the command line and bad flags are usage errors", "[bad-input]") {
  CHECK(run_pgsafe({"lint", "--select", "no-such-rule", "testdata"}).exit_code == 2);
  CHECK(run_pgsafe({"lint", "--format", "xml", "testdata"}).exit_code == 2);
  CHECK(run_pgsafe({"lint", "--fail-on", "fatal", "testdata"}).exit_code == 2);
  CHECK(run_pgsafe({"explain", "no-such-rule"}).exit_code == 2);
  CHECK(run_pgsafe({"lint", "--no-such-flag"}).exit_code == 2);
  CHECK(run_pgsafe({}).exit_code == 2);
}
