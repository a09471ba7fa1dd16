// The database password never leaves pgsafe: the real binary, given connection strings that do
// not parse (or parse into something odd), in every command that takes one, in text and JSON;
// the history it writes; and --wait / --lock-wait values that are not a number of seconds.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Project one_file_project(const std::string& hint) {
  Project p = make_project(hint);
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  return p;
}

// Every command that takes a connection string, in each of its output formats.
std::vector<std::vector<std::string>> commands_with(const std::string& db, const Project& p) {
  return {{"apply", "--db", db, "--dir", p.dir()},
          {"apply", "--db", db, "--dir", p.dir(), "--format", "json"},
          {"apply", "--db", db, "--dir", p.dir(), "--dry-run", "--format", "json"},
          {"status", "--db", db, "--dir", p.dir()},
          {"status", "--db", db, "--dir", p.dir(), "--format", "json"},
          {"repair", "--db", db, "--dir", p.dir(), "--mark-applied", "20240101000001", "--reason", "test"},
          {"plan", "--db", db, "--dir", p.dir()},
          {"plan", "--db", db, "--dir", p.dir(), "--format", "json"}};
}

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + (a.find('\n') == std::string::npos ? a : "<multi-line>");
  return out;
}


}  // namespace

TEST_CASE("secrets: a connection string that does not parse exits 2 and prints no part of the password",
          "[secrets][connect]") {
  Project p = one_file_project("badurl");
  struct Bad {
    std::string conninfo;
    std::vector<std::string> secret_parts;  // none may appear in stdout or stderr
  };
  std::string hostport = "127.0.0.1:" + std::to_string(port());
  std::vector<Bad> cases = {
      // The issue's three: an unencoded '%', a scheme typo, an unquoted blank in key=value.
      {"postgresql://pgsafe_test:S3cr3t%zz@" + hostport + "/x", {"S3cr3t", "3cr3t%zz"}},
      {"postgersql://pgsafe_test:Typo5ecret@" + hostport + "/x", {"Typo5ecret", "postgersql://pgsafe_test"}},
      {"host=127.0.0.1 port=" + std::to_string(port()) + " password=Blank5ecret Tail9Half", {"Blank5ecret", "Tail9Half"}},
      // libpq quotes the whole URL when an IPv6 bracket is not closed.
      {"postgresql://pgsafe_test:Brack5ecret@[::1/x", {"Brack5ecret"}},
      // An '@' left unencoded: libpq would take "Half2@127..." as the host, and print it.
      {"postgresql://pgsafe_test:At5ecret@Half2@" + hostport + "/x", {"At5ecret", "Half2"}},
      {"postgresql://pgsafe_test:Slash5ecret/Half3@" + hostport + "/x", {"Slash5ecret", "Half3"}},
      {"host=127.0.0.1 password='Quote5ecret", {"Quote5ecret"}},
      // Not a connection string at all: libpq would take it as a database name and echo it.
      {"pgsafe_test:Bare5ecret@" + hostport + "/x", {"Bare5ecret"}},
  };
  for (const auto& c : cases) {
    for (const auto& args : commands_with(c.conninfo, p)) {
      auto r = cli(args, p.root, 30);
      INFO(joined(args) << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err);
      CHECK(r.exit_code == 2);
      CHECK(has(r.err, "pgsafe: error: --db "));
      CHECK_FALSE(has(r.err, "cannot connect"));
      for (const auto& s : c.secret_parts) {
        CHECK_FALSE(has(r.out, s));
        CHECK_FALSE(has(r.err, s));
      }
    }
  }
}

TEST_CASE("secrets: a newline in the connection string is refused, so nothing is injected", "[secrets][connect]") {
  Project p = one_file_project("newline");
  std::string db = create_database("newline");
  std::string injected = url(db) + "\npgsafe: applied 20240101000001_a.sql in 1 ms";
  for (const auto& args : commands_with(injected, p)) {
    auto r = cli(args, p.root, 30);
    INFO(joined(args) << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "line feed"));
    CHECK_FALSE(has(r.err, "applied 20240101000001"));
    CHECK_FALSE(has(r.out, "applied 20240101000001"));
    CHECK_FALSE(has(r.err, kPassword));
    CHECK_FALSE(has(r.out, kPassword));
    // One error line, and its indented continuation at most: no line of the argument's own.
    size_t lines = 0;
    for (char ch : r.err) lines += ch == '\n';
    CHECK(lines == 1);
  }
  // Nothing ran, nothing was recorded.
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");
  CHECK(dump_history(db) == "<no history tables>");
}

TEST_CASE("secrets: $DATABASE_URL is checked the same way and named as the source", "[secrets][connect]") {
  Project p = one_file_project("envurl");
  ScopedEnv env("DATABASE_URL", "postgresql://pgsafe_test:Env5ecret%zz@127.0.0.1:" + std::to_string(port()) + "/x");
  for (const char* cmd : {"apply", "status"}) {
    auto r = cli({cmd, "--dir", p.dir(), "--format", "json"}, p.root, 30);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "$DATABASE_URL"));
    CHECK_FALSE(has(r.err, "Env5ecret"));
    CHECK_FALSE(has(r.out, "Env5ecret"));
  }
}

TEST_CASE("secrets: connection errors after parsing are redacted too", "[secrets][connect]") {
  Project p = one_file_project("afterparse");
  // A port libpq rejects only when connecting: the target and the message name the host, not
  // the password.
  std::string bad_port = "postgresql://pgsafe_test:Port5ecret@127.0.0.1:99999999/x";
  // A database name that is itself a URL (libpq does not expand it again): the server's
  // `database "..." does not exist` would quote it.
  std::string nested = "host=127.0.0.1 port=" + std::to_string(port()) + " user=pgsafe_test password=" + kPassword +
                       " dbname=postgresql://pgsafe_test:Inner5ecret@elsewhere/y connect_timeout=5";
  for (const auto& db : {bad_port, nested}) {
    for (const auto& args : commands_with(db, p)) {
      auto r = cli(args, p.root, 30);
      INFO(joined(args) << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err);
      CHECK(r.exit_code == 5);
      CHECK(has(r.err, "cannot connect"));
      for (const char* s : {"Port5ecret", "Inner5ecret", kPassword}) {
        CHECK_FALSE(has(r.out, s));
        CHECK_FALSE(has(r.err, s));
      }
    }
  }
}

TEST_CASE("secrets: the history and the output of a successful run hold no password", "[secrets]") {
  std::string db = create_database("nopw");
  Project p = one_file_project("nopw");
  auto r = cli({"apply", "--db", url(db), "--dir", p.dir(), "--format", "json"}, p.root);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Through key=value and $PGPASSWORD too, for a second file.
  p.write("20240101000002_b.sql", "CREATE TABLE b (id bigint PRIMARY KEY);\n");
  {
    ScopedEnv env("PGPASSWORD", kPassword);
    std::string kv = "host=127.0.0.1 port=" + std::to_string(port()) + " user=pgsafe_test dbname=" + db;
    auto r2 = cli({"apply", "--db", kv, "--dir", p.dir()}, p.root);
    INFO(r2.out << r2.err);
    REQUIRE(r2.exit_code == 0);
    CHECK_FALSE(has(r2.out + r2.err, kPassword));
  }
  auto st = cli({"status", "--db", url(db), "--dir", p.dir(), "--format", "json"}, p.root);
  CHECK(st.exit_code == 0);
  std::string history = dump_history(db);
  INFO(history);
  CHECK(has(history, "20240101000002"));
  for (const auto& out : {r.out, r.err, st.out, st.err, history}) CHECK_FALSE(has(out, kPassword));
}

TEST_CASE("wait: --wait and --lock-wait take a bounded number of seconds, checked before connecting",
          "[usage][wait]") {
  Project p = one_file_project("waitvalues");
  // An unreachable server: a value that slipped through would end in "cannot connect" (exit 5).
  std::string dead = "postgresql://pgsafe_test:" + std::string(kPassword) + "@127.0.0.1:" +
                     std::to_string(unused_port()) + "/x";
  for (const char* value : {"inf", "nan", "1e300", "-1", "abc", "86401", "5s", "0x10", "", "1e3"}) {
    std::vector<std::vector<std::string>> runs = {
        {"apply", "--db", dead, "--dir", p.dir(), "--wait", value},
        {"status", "--db", dead, "--dir", p.dir(), "--wait", value},
        {"repair", "--db", dead, "--dir", p.dir(), "--wait", value, "--mark-applied", "1", "--reason", "r"},
        {"apply", "--db", dead, "--dir", p.dir(), "--lock-wait", value},
        {"repair", "--db", dead, "--dir", p.dir(), "--lock-wait", value, "--mark-applied", "1", "--reason", "r"}};
    for (const auto& args : runs) {
      auto r = cli(args, p.root, 30);
      INFO(joined(args) << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err);
      CHECK(r.exit_code == 2);
      CHECK(has(r.err, "wait"));
      CHECK_FALSE(has(r.err, "cannot connect"));
      CHECK_FALSE(has(r.err, kPassword));
    }
  }
  // In range, it is taken: the server is unreachable, so this is a connection failure.
  auto ok = cli({"status", "--db", dead, "--dir", p.dir(), "--wait", "0.5"}, p.root, 30);
  CHECK(ok.exit_code == 5);
}

TEST_CASE("secrets: a URL given where no argument is expected is not echoed with its password", "[secrets][usage]") {
  Project p = one_file_project("stray");
  // --db forgotten: CLI11 names the argument it did not expect.
  std::string stray = "postgresql://pgsafe_test:Stray5ecret@127.0.0.1:" + std::to_string(port()) + "/x";
  for (const char* cmd : {"apply", "status", "repair"}) {
    auto r = cli({cmd, stray, "--dir", p.dir()}, p.root, 30);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "postgresql://pgsafe_test:***@"));
    CHECK_FALSE(has(r.err + r.out, "Stray5ecret"));
  }
}

TEST_CASE("secrets: a connection string that is not UTF-8 still gives a JSON document", "[secrets][connect]") {
  Project p = one_file_project("notutf8");
  // libpq quotes the host it could not resolve, bytes as they are.
  auto r = cli({"apply", "--db", "host=\xff\xfe.invalid connect_timeout=2 password=Utf5ecret", "--dir", p.dir(),
                "--format", "json"},
               p.root, 30);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(has(r.out, "\"result\": \"connection-failed\""));
  CHECK_FALSE(has(r.err, "internal error"));
  CHECK_FALSE(has(r.out + r.err, "Utf5ecret"));
}

TEST_CASE("secrets: a URL given as the command is not repeated", "[secrets][usage]") {
  for (const std::string& first : {std::string("postgresql://pgsafe_test:First5ecret@127.0.0.1/x"),
                                   std::string("host=127.0.0.1 password=First5ecret")}) {
    auto r = cli({first}, source_dir(), 30);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, "unknown command"));
    CHECK(has(r.err, "--db"));
    CHECK_FALSE(has(r.out + r.err, "First5ecret"));
  }
}
