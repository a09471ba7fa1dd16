// Connection failures: each has its own exit code (5) and a message that never shows the password.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/applier/harness.h"

using namespace pgsafe::test;
using namespace pgsafe::test::pg;

namespace {
Project one_file_project(const std::string& hint) {
  Project p = make_project(hint);
  p.write("20240101000001_a.sql", "CREATE TABLE a (id bigint PRIMARY KEY);\n");
  return p;
}
void no_password_in(const ProcessResult& r, const std::string& password) {
  CHECK(r.out.find(password) == std::string::npos);
  CHECK(r.err.find(password) == std::string::npos);
}
}  // namespace

TEST_CASE("connect: an unreachable server exits 5 at once, or after --wait", "[connect]") {
  Project p = one_file_project("unreachable");
  std::string dead = "postgresql://pgsafe_test:" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(unused_port()) + "/x";
  auto t0 = std::chrono::steady_clock::now();
  auto r = cli({"apply", "--db", dead, "--dir", p.dir()}, p.root, 30);
  auto quick = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("cannot connect") != std::string::npos);
  CHECK(quick < 5000);
  no_password_in(r, kPassword);

  t0 = std::chrono::steady_clock::now();
  auto w = cli({"status", "--db", dead, "--dir", p.dir(), "--wait", "2"}, p.root, 30);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  INFO(w.out << w.err);
  CHECK(w.exit_code == 5);
  CHECK(waited >= 1000);
  CHECK(waited < 10000);
  no_password_in(w, kPassword);
}

TEST_CASE("connect: a wrong password exits 5 without printing any password", "[connect]") {
  std::string db = create_database("wrongpw");
  Project p = one_file_project("wrongpw");
  const std::string wrong = "Not-The-Right-0ne-42";
  for (const char* cmd : {"apply", "status"}) {
    auto r = cli({cmd, "--db", url(db, wrong), "--dir", p.dir(), "--wait", "5"}, p.root, 30);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);
    CHECK(r.err.find("password authentication failed") != std::string::npos);
    no_password_in(r, wrong);
    no_password_in(r, kPassword);
  }
  // The same through a key=value conninfo.
  std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port()) + " user=pgsafe_test dbname=" + db +
                         " password=" + wrong;
  auto kv = cli({"apply", "--db", conninfo, "--dir", p.dir()}, p.root, 30);
  CHECK(kv.exit_code == 5);
  no_password_in(kv, wrong);
  CHECK(scalar(db, "SELECT to_regclass('public.a') IS NULL") == "t");
}

TEST_CASE("connect: a missing database exits 5 and says so", "[connect]") {
  Project p = one_file_project("missingdb");
  auto r = cli({"apply", "--db", url("no_such_database_here"), "--dir", p.dir(), "--wait", "5"}, p.root, 30);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("no_such_database_here") != std::string::npos);
  CHECK(r.err.find("does not exist") != std::string::npos);
  no_password_in(r, kPassword);
}

TEST_CASE("usage: bad options exit 2 before connecting", "[usage]") {
  Project p = one_file_project("usage");
  CHECK(cli({"apply", "--db", url("x"), "--dir", p.dir(), "--format", "xml"}, p.root).exit_code == 2);
  CHECK(cli({"apply", "--db", url("x"), "--dir", p.dir(), "--emergency"}, p.root).exit_code == 2);
  CHECK(cli({"apply", "--db", url("x"), "--dir", p.dir(), "--lock-timeout", "1s'; DROP"}, p.root).exit_code == 2);
  CHECK(cli({"apply", "--db", url("x"), "--dir", p.root + "/nope"}, p.root).exit_code == 2);
  CHECK(cli({"repair", "--db", url("x"), "--dir", p.dir(), "--mark-applied", "1"}, p.root).exit_code == 2);
  p.write("notes.sql", "SELECT 1;\n");
  auto unversioned = cli({"apply", "--db", url("x"), "--dir", p.dir()}, p.root);
  CHECK(unversioned.exit_code == 2);
  CHECK(unversioned.err.find("notes.sql") != std::string::npos);
}
