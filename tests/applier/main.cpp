// The applier test runner: starts a throwaway PostgreSQL (pg_test_server.sh), runs the Catch2
// session, and stops the server even when tests fail; a watchdog in the script removes it if
// this process dies.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "tests/applier/harness.h"

namespace fs = std::filesystem;

namespace pgsafe::test::pg {

namespace {

std::string g_dir;
int g_port = 0;
std::atomic<int> g_db_counter{0};

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int p = ntohs(a.sin_port);
  close(fd);
  return p;
}

std::string script() { return source_dir() + "/tests/applier/pg_test_server.sh"; }

PGconn* admin(const std::string& db) {
  std::string ci = "host=" + g_dir + " port=" + std::to_string(g_port) + " user=postgres dbname=" + db +
                   " connect_timeout=10";
  PGconn* c = PQconnectdb(ci.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string e = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("test harness cannot connect to " + db + ": " + e);
  }
  return c;
}

std::vector<std::vector<std::string>> run(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string e = PQresultErrorMessage(r);
    PQclear(r);
    throw std::runtime_error("test SQL failed: " + sql + ": " + e);
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
    rows.push_back(std::move(row));
  }
  PQclear(r);
  return rows;
}

}  // namespace

int port() { return g_port; }
int unused_port() { return free_port(); }
std::string socket_dir() { return g_dir; }

std::string url(const std::string& db, const std::string& password) {
  return "postgresql://" + std::string(kUser) + ":" + password + "@127.0.0.1:" + std::to_string(g_port) + "/" + db +
         "?connect_timeout=5";
}

std::string create_database(const std::string& hint) {
  std::string name = "t" + std::to_string(++g_db_counter) + "_" + hint;
  exec("postgres", "CREATE DATABASE " + name + " OWNER " + kUser);
  return name;
}

std::vector<std::vector<std::string>> query(const std::string& db, const std::string& sql) {
  PGconn* c = admin(db);
  try {
    auto rows = run(c, sql);
    PQfinish(c);
    return rows;
  } catch (...) {
    PQfinish(c);
    throw;
  }
}

std::string scalar(const std::string& db, const std::string& sql) {
  auto rows = query(db, sql);
  return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

void exec(const std::string& db, const std::string& sql) { query(db, sql); }

std::string dump_history(const std::string& db) {
  std::string out;
  if (scalar(db, "SELECT to_regclass('pgsafe.pgsafe_migrations') IS NOT NULL") != "t") return "<no history tables>";
  for (const char* sql : {"SELECT m::text FROM pgsafe.pgsafe_migrations m ORDER BY version",
                          "SELECT e::text FROM pgsafe.pgsafe_migration_events e ORDER BY id",
                          "SELECT x::text FROM pgsafe.pgsafe_meta x ORDER BY key"}) {
    for (const auto& row : query(db, sql)) out += row[0] + "\n";
    out += "--\n";
  }
  return out;
}

Session::Session(const std::string& db) : conn_(admin(db)) {}
Session::~Session() { PQfinish(static_cast<PGconn*>(conn_)); }
void Session::exec(const std::string& sql) { run(static_cast<PGconn*>(conn_), sql); }

void Project::write(const std::string& file, const std::string& sql) const { write_file(dir() + "/" + file, sql); }
void Project::remove(const std::string& file) const { fs::remove(dir() + "/" + file); }

Project make_project(const std::string& hint) {
  Project p{temp_dir("applier-" + hint)};
  fs::create_directories(p.dir());
  // These projects are backend databases whose tables no API exposes, so the RLS and grant
  // rules (about schemas an API serves) do not apply; every other rule gates as configured.
  write_file(p.root + "/.pgsafe.toml", "exposed_schemas = []\n");
  return p;
}

ProcessResult cli(const std::vector<std::string>& args, const std::string& cwd, int timeout_seconds) {
  std::vector<std::string> argv{PGSAFE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, "", cwd, timeout_seconds);
}

std::vector<std::string> apply_args(const Project& p, const std::string& db, std::vector<std::string> extra,
                                    int lock_wait_seconds) {
  std::vector<std::string> args{"apply", "--db", url(db), "--dir", p.dir(), "--lock-wait", std::to_string(lock_wait_seconds)};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

ProcessResult do_apply(const Project& p, const std::string& db, std::vector<std::string> extra) {
  return cli(apply_args(p, db, std::move(extra)), p.root);
}

Background::Background(const std::vector<std::string>& args, const std::string& cwd) {
  std::string base = temp_dir("bg");
  out_path_ = base + "/out";
  err_path_ = base + "/err";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<std::string> argv{PGSAFE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
}

Background::~Background() {
  if (pid_ > 0 && status_ < 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int Background::wait(int timeout_seconds) {
  if (status_ >= 0) return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = st;
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &st, 0);
      status_ = st;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Background::kill9() {
  if (status_ < 0) kill(pid_, SIGKILL);
}

std::string Background::out() const { return read_file(out_path_); }
std::string Background::err() const { return read_file(err_path_); }

bool eventually(const std::function<bool()>& pred, double timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace pgsafe::test::pg

int main(int argc, char** argv) {
  using namespace pgsafe::test::pg;
  char tmpl[] = "/tmp/pgsafe-pg-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "cannot create a temp dir for the test server\n";
    return 1;
  }
  g_dir = tmpl;
  g_port = free_port();
  std::string cmd = "sh '" + script() + "' start '" + g_dir + "' " + std::to_string(g_port) + " " +
                    std::to_string(getpid()) + " </dev/null";
  auto t0 = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) {
    std::cerr << "applier tests: could not start a PostgreSQL server (see above)\n";
    fs::remove_all(g_dir);
    return 1;
  }
  int rc = 1;
  try {
    exec("postgres", std::string("CREATE ROLE ") + kUser + " LOGIN CREATEDB PASSWORD '" + kPassword + "'");
    std::cerr << "applier tests: PostgreSQL " << scalar("postgres", "SHOW server_version") << " on 127.0.0.1:" << g_port
              << " (started in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
              << " ms)\n";
    rc = Catch::Session().run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "applier tests: " << e.what() << "\n";
  }
  std::string stop = "sh '" + script() + "' stop '" + g_dir + "' </dev/null";
  if (std::system(stop.c_str()) != 0) std::cerr << "applier tests: stopping the server failed\n";
  return rc;
}
