#pragma once
// The applier tests' harness: one throwaway PostgreSQL server for the whole run (started by
// main.cpp), a fresh database per test, and pgsafe run as a real process with bounded waits.
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/support.h"

namespace pgsafe::test::pg {

inline constexpr const char* kUser = "pgsafe_test";
inline constexpr const char* kPassword = "Sekr1t-pa55word-xyzzy";

int port();
// A TCP port on 127.0.0.1 that nothing listens on.
int unused_port();
std::string socket_dir();
// A URL for the test role over TCP with its password (scram-sha-256).
std::string url(const std::string& db, const std::string& password = kPassword);
// A fresh database owned by the test role.
std::string create_database(const std::string& hint);

// Run SQL as the superuser (over the socket) in db; rows of text ("" for NULL). Throws on error.
std::vector<std::vector<std::string>> query(const std::string& db, const std::string& sql);
std::string scalar(const std::string& db, const std::string& sql);
void exec(const std::string& db, const std::string& sql);
// Every row of the history tables (and meta), as text: to compare before and after.
std::string dump_history(const std::string& db);

// A session held open by the test (e.g. a transaction holding a lock); closed when destroyed.
class Session {
 public:
  explicit Session(const std::string& db);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  void exec(const std::string& sql);
 private:
  void* conn_ = nullptr;
};

// A migrations folder in a fresh temp dir: project() / "migrations".
struct Project {
  std::string root;
  std::string dir() const { return root + "/migrations"; }
  void write(const std::string& file, const std::string& sql) const;
  void remove(const std::string& file) const;
};
Project make_project(const std::string& hint);

// pgsafe with args, in cwd, killed after timeout_seconds.
ProcessResult cli(const std::vector<std::string>& args, const std::string& cwd, int timeout_seconds = 90);
// `pgsafe apply` for a project against a database, with extra flags.
std::vector<std::string> apply_args(const Project& p, const std::string& db, std::vector<std::string> extra = {},
                                    int lock_wait_seconds = 20);
ProcessResult do_apply(const Project& p, const std::string& db, std::vector<std::string> extra = {});

// pgsafe in the background, output to files.
class Background {
 public:
  Background(const std::vector<std::string>& args, const std::string& cwd);
  ~Background();
  // Exit code (128+signal when killed), or -1 when it did not finish in time (then it is killed).
  int wait(int timeout_seconds);
  void kill9();
  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;
 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string out_path_, err_path_;
};

// Poll until pred() holds or timeout; returns whether it held.
bool eventually(const std::function<bool()>& pred, double timeout_seconds);

}  // namespace pgsafe::test::pg
