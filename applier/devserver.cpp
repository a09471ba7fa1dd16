#include "applier/devserver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "analyzer/config.h"
#include "analyzer/file_bytes.h"
#include "applier/exit_codes.h"
#include "applier/history.h"
#include "applier/pg.h"
#include "applier/session.h"

#include <libpq-fe.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgsafe::applier::dev {

namespace {

struct Ran {
  int status = -1;      // exit status, or 128+signal; -1 when it could not be started
  std::string output;   // stdout and stderr together
};

// Run argv with stdin from /dev/null and its output captured in a file (never a pipe: the
// postmaster pg_ctl starts must not hold anything of ours open), as `user` when we are root.
Ran run_program(const std::vector<std::string>& argv, const std::string& user, const std::string& cwd = "/") {
  Ran r;
  char tmpl[] = "/tmp/pgsafe-dev-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    r.output = std::string("cannot create a temporary file: ") + std::strerror(errno);
    return r;
  }
  unlink(tmpl);
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
  if (!user.empty()) {
    struct passwd* pw = getpwnam(user.c_str());
    if (!pw) {
      close(fd);
      r.output = "no user " + user;
      return r;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    home = pw->pw_dir ? pw->pw_dir : "/";
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fd);
    r.output = std::string("fork: ") + std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (!user.empty()) {
      if (initgroups(user.c_str(), gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        dprintf(2, "cannot become user %s: %s\n", user.c_str(), std::strerror(errno));
        _exit(126);
      }
      setenv("HOME", home.c_str(), 1);
      setenv("USER", user.c_str(), 1);
      setenv("LOGNAME", user.c_str(), 1);
    }
    if (chdir(cwd.c_str()) != 0) {
      dprintf(2, "cannot enter %s: %s\n", cwd.c_str(), std::strerror(errno));
      _exit(126);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    dprintf(2, "cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  lseek(fd, 0, SEEK_SET);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
  close(fd);
  return r;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string last_lines(const std::string& text, size_t n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string out;
  for (size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) out += "    " + lines[i] + "\n";
  return out;
}

// The file's bytes, "" when it cannot be read (a record or log not written yet).
std::string read_file(const std::string& path) { return read_file_bytes(path).value_or(""); }

bool executable(const fs::path& p) { return access(p.c_str(), X_OK) == 0 && fs::is_regular_file(p); }

// "pg_ctl (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)" -> 15, "15.8"
bool version_of(const std::string& bin_dir, int& major, std::string& version) {
  Ran r = run_program({bin_dir + "/pg_ctl", "--version"}, "");
  static const std::regex re(R"(\(PostgreSQL\) ([0-9]+)(\.[0-9]+)?)");
  std::smatch m;
  if (r.status != 0 || !std::regex_search(r.output, m, re)) return false;
  major = std::stoi(m[1]);
  version = m[1].str() + m[2].str();
  return true;
}

bool complete(const fs::path& dir) {
  return executable(dir / "initdb") && executable(dir / "pg_ctl") && executable(dir / "postgres");
}

// The unprivileged account a root-run server uses.
std::string server_account() {
  for (const char* u : {"postgres", "nobody"})
    if (getpwnam(u)) return u;
  return "";
}

bool chown_to(const std::string& path, const std::string& user) {
  if (user.empty()) return true;
  struct passwd* pw = getpwnam(user.c_str());
  return pw && chown(path.c_str(), pw->pw_uid, pw->pw_gid) == 0;
}

uid_t uid_of(const std::string& user) {
  if (user.empty()) return geteuid();
  struct passwd* pw = getpwnam(user.c_str());
  return pw ? pw->pw_uid : geteuid();
}

// Make dir (or take the one there) for `owner` with `mode`, refusing anything planted in its
// place: a symbolic link, a file, or a folder of another user (these names are predictable, and
// /tmp and /var/tmp are writable by all). Owner and mode are set through a handle opened without
// following links. False with why.
bool private_dir(const std::string& dir, const std::string& owner, mode_t mode, std::string& why) {
  if (mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    why = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) ||
      (st.st_uid != geteuid() && st.st_uid != uid_of(owner))) {
    if (fd >= 0) close(fd);
    why = dir + " exists and is not a folder of this user's (a link, a file, or another user's folder): "
                "refusing to use it; remove it if it is not yours to keep";
    return false;
  }
  bool ok = true;
  if (!owner.empty()) {
    struct passwd* pw = getpwnam(owner.c_str());
    ok = pw && fchown(fd, pw->pw_uid, pw->pw_gid) == 0;
  }
  ok = ok && fchmod(fd, mode) == 0;
  if (!ok) why = "cannot give " + dir + " to " + (owner.empty() ? std::string("this user") : owner) + ": " + std::strerror(errno);
  close(fd);
  return ok;
}

// Can `user` enter dir (every folder on the way)? Asked of the kernel by a child running as them.
bool reachable_by(const std::string& dir, const std::string& user) {
  if (user.empty()) return true;
  Ran r = run_program({"/bin/sh", "-c", "cd \"$0\"", dir}, user);
  return r.status == 0;
}

// A TCP port on 127.0.0.1 that is free now.
int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof a;
  if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  close(s);
  return port;
}

bool port_free(int port) {
  if (port <= 0 || port > 65535) return false;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

std::string hex_hash(const std::string& s) {
  // FNV-1a 64: a short, stable folder name for a project path (not a secret).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 12);
}

std::string root_hash(const std::string& root) {
  std::error_code ec;
  return hex_hash(fs::weakly_canonical(root, ec).string());
}

// Where a project's server keeps its data: in the project, or (when the server's user cannot
// enter the project) in /var/tmp under a name derived from the project's path.
std::string project_home(const std::string& root) { return (fs::path(root) / ".pgsafe" / "dev").string(); }
std::string fallback_home(const std::string& root) { return "/var/tmp/pgsafe-dev-" + root_hash(root); }

// The socket folder: <home>/run, unless that path is too long for a socket (107 bytes with
// "/.s.PGSQL.NNNNN") or holds characters unix_socket_directories cannot take (',', quotes,
// backslashes): then a short folder in /tmp named after the project.
std::string socket_dir_for(const std::string& home, const std::string& root) {
  std::string run = home + "/run";
  bool awkward = run.find_first_of(",\"'\\") != std::string::npos;
  if (!awkward && run.size() + 16 <= sizeof(sockaddr_un{}.sun_path) - 1) return run;
  return "/tmp/pgsafe-" + root_hash(root);
}

std::string random_password() {
  unsigned char bytes[18];
  std::ifstream in("/dev/urandom", std::ios::binary);
  in.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (unsigned char b : bytes) out += alphabet[b % 62];
  return out;
}

// '...' in postgresql.conf
std::string conf_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else if (c == '\\') out += "\\\\";
    else out += c;
  }
  return out + "'";
}

std::string percent_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

uint64_t folder_bytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (it->is_regular_file(e2)) total += it->file_size(e2);
  }
  return total;
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= 1024ull * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f GB", b / 1073741824.0);
  else if (b >= 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f MB", b / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.0f kB", b / 1024.0);
  return buf;
}

bool save_server(const Server& s, std::string& why) {
  json j = {{"format", 1},         {"home", s.home}, {"socket_dir", s.socket_dir}, {"port", s.port},
            {"major", s.major},    {"bin_dir", s.bin_dir}, {"server_user", s.server_user},
            {"database", s.database}, {"user", s.user}};
  std::string text = j.dump(2) + "\n";
  return write_file_atomically(s.record_file(), text, why);
}

void error_line(std::ostream& err, const std::string& message) { err << "pgsafe: error: " << message << "\n"; }

struct Dev {
  const DevOptions& o;
  std::ostream& out;
  std::ostream& err;

  int start();
  int stop();
  int status();
  int url();
  int destroy();

  // The first start: folders, initdb, the password. False after printing why.
  bool create(Server& s, const Binaries& bins);
  bool launch(Server& s, std::string& log_tail, bool& port_clash);
};

bool Dev::create(Server& s, const Binaries& bins) {
  std::error_code ec;
  fs::path dev = fs::path(s.root) / ".pgsafe" / "dev";
  fs::create_directories(dev, ec);
  if (ec) {
    error_line(err, "cannot create " + dev.string() + ": " + ec.message());
    return false;
  }
  // Everything under .pgsafe/ is this machine's: git ignores it without touching the
  // project's own .gitignore.
  fs::path ignore = fs::path(s.root) / ".pgsafe" / ".gitignore";
  if (!fs::exists(ignore)) std::ofstream(ignore) << "# pgsafe's local state (dev server, kept data): never committed\n*\n";
  s.server_user = geteuid() == 0 ? server_account() : "";
  if (geteuid() == 0 && s.server_user.empty()) {
    error_line(err, "running as root, and there is no unprivileged user (postgres or nobody) to run the server as; "
                    "PostgreSQL refuses to run as root");
    return false;
  }
  s.home = project_home(s.root);
  std::string why;
  if (!s.server_user.empty()) {
    chmod(dev.c_str(), 0755);
    chmod(dev.parent_path().c_str(), 0755);
    if (!reachable_by(s.home, s.server_user)) {
      // A project under a private folder (/root, a 0700 temp dir): the server's user cannot
      // enter it, so its data lives in /var/tmp, under a name derived from the project's path.
      s.home = fallback_home(s.root);
      if (!private_dir(s.home, "", 0755, why)) {
        error_line(err, why);
        return false;
      }
      out << "note: " << s.server_user << " (the server's user) cannot enter " << s.root
          << "; the server's data lives in " << s.home << "\n";
    }
  }
  s.socket_dir = socket_dir_for(s.home, s.root);
  for (const auto& d : {s.home + "/run", s.socket_dir})
    if (!private_dir(d, s.server_user, 0700, why)) {
      error_line(err, why);
      return false;
    }
  {
    std::ofstream log(s.log_file(), std::ios::app);
  }
  chown_to(s.log_file(), s.server_user);

  std::string password = random_password();
  auto write_secret = [&](const std::string& path, const std::string& owner) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    std::string line = password + "\n";
    bool ok = fchmod(fd, 0600) == 0 && write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (ok && !owner.empty()) {
      struct passwd* pw = getpwnam(owner.c_str());
      ok = pw && fchown(fd, pw->pw_uid, pw->pw_gid) == 0;
    }
    close(fd);
    return ok;
  };
  // initdb reads the password from a file its user can read; removed right after.
  std::string pwfile = s.home + "/run/initdb-password";
  if (!write_secret(pwfile, s.server_user)) {
    error_line(err, "cannot write " + pwfile + ": " + std::strerror(errno));
    return false;
  }
  if (!fs::exists(s.data_dir()) && !private_dir(s.data_dir(), s.server_user, 0700, why)) {
    error_line(err, why);
    return false;
  }
  out << "creating the dev server's data in " << s.data_dir() << " (PostgreSQL " << bins.version << ")...\n"
      << std::flush;
  // Paths relative to home: pg_ctl and initdb hand theirs to a shell, and a project's folder
  // name is not to be trusted with that.
  Ran r = run_program({bins.bin_dir + "/initdb", "-D", "data", "-U", s.user, "--pwfile=run/initdb-password",
                       "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C"},
                      s.server_user, s.home);
  fs::remove(pwfile, ec);
  if (r.status != 0) {
    error_line(err, "initdb failed (exit " + std::to_string(r.status) + "):\n" + last_lines(r.output, 15));
    return false;
  }
  // The password the cluster was made with, for `dev url --tcp`: written once initdb succeeded.
  if (!write_secret(s.password_file(), "")) {
    error_line(err, "cannot write " + s.password_file() + ": " + std::strerror(errno));
    return false;
  }
  // pgsafe's settings live in their own file, rewritten at each start (the port may change).
  std::ofstream conf(s.data_dir() + "/postgresql.conf", std::ios::app);
  conf << "\n# pgsafe dev server: port, sockets and logging are in pgsafe.conf (rewritten by pgsafe dev start)\n"
       << "include_if_exists = 'pgsafe.conf'\n";
  return true;
}

bool Dev::launch(Server& s, std::string& log_tail, bool& port_clash) {
  std::string conf = "# written by pgsafe dev start\n"
                     "port = " + std::to_string(s.port) + "\n" +
                     "listen_addresses = 'localhost'\n" +
                     "unix_socket_directories = " + conf_quote(s.socket_dir) + "\n" +
                     "unix_socket_permissions = 0700\n"
                     "password_encryption = 'scram-sha-256'\n"
                     "synchronous_commit = off\n"
                     "log_min_messages = warning\n"
                     "log_line_prefix = '%m [%p] '\n";
  std::string conf_path = s.data_dir() + "/pgsafe.conf";
  {
    std::ofstream f(conf_path, std::ios::trunc);
    f << conf;
  }
  chown_to(conf_path, s.server_user);
  auto before = fs::exists(s.log_file()) ? fs::file_size(s.log_file()) : 0;
  Ran r = run_program({s.bin_dir + "/pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "60", "-s", "start"},
                      s.server_user, s.home);
  if (r.status == 0) return true;
  std::string log = read_file(s.log_file());
  log = log.substr(std::min<size_t>(before, log.size()));
  log_tail = last_lines(trim(r.output) + "\n" + log, 15);
  port_clash = log.find("Address already in use") != std::string::npos ||
               log.find("could not create any TCP/IP sockets") != std::string::npos;
  return false;
}

int Dev::start() {
  Server s;
  s.root = project_root(o.config);
  std::optional<Server> known = load_server(s.root);
  bool fresh = !known || !fs::exists(known->data_dir() + "/PG_VERSION");
  if (known) s = *known;
  Binaries bins;
  std::string why;
  std::optional<int> major;
  if (!fresh) {
    std::string v = trim(read_file(s.data_dir() + "/PG_VERSION"));
    try {
      major = std::stoi(v);
    } catch (...) {
      error_line(err, s.data_dir() + "/PG_VERSION is unreadable; remove the dev data with `pgsafe dev destroy`");
      return exit_code::kConnection;
    }
  }
  if (!find_binaries(bins, why, major)) {
    error_line(err, why);
    return exit_code::kConnection;
  }
  s.bin_dir = bins.bin_dir;
  s.major = bins.major;
  if (!fresh) {
    int pid = 0;
    if (running(s, &pid)) {
      out << "dev server already running (pid " << pid << ", PostgreSQL " << s.major << ")\n  url: " << socket_url(s)
          << "\n";
      return exit_code::kOk;
    }
  } else if (!create(s, bins)) {
    return exit_code::kConnection;
  }
  if (!port_free(s.port)) s.port = free_port();
  std::string tail;
  bool clash = false;
  bool started = launch(s, tail, clash);
  if (!started && clash) {
    s.port = free_port();
    started = launch(s, tail, clash);
  }
  if (!save_server(s, why)) {
    error_line(err, "cannot record the dev server in " + s.record_file() + ": " + why);
    return exit_code::kConnection;
  }
  if (!started) {
    error_line(err, "the dev server did not start; the end of " + s.log_file() + ":\n" + tail);
    return exit_code::kConnection;
  }
  // Tag the database local in pgsafe's meta table: reset and seed check it.
  CommonOptions co;
  co.db = socket_url(s);
  co.wait = 10;
  Connection conn;
  std::ostringstream quiet;
  std::string environment;
  long long applied = 0;
  if (open_connection(co, conn, quiet)) {
    HistoryStore store(conn, co.history_schema);
    PgError e;
    std::string problem;
    History h;
    if (store.read(h, e)) {
      environment = h.meta.count("environment") ? h.meta.at("environment") : "";
      for (const auto& row : h.rows) applied += row.status == "applied" || row.status == "baseline";
    }
    if (environment.empty() && store.ensure(e, problem) && store.set_meta("environment", "local", e))
      environment = "local";
  }
  out << "dev server running: PostgreSQL " << bins.version << ", port " << s.port << ", data " << s.data_dir() << "\n"
      << "  url: " << socket_url(s) << "\n"
      << "  environment: " << (environment.empty() ? "(untagged)" : environment) << ", migrations applied: " << applied
      << "\n"
      << "  export DATABASE_URL=$(pgsafe dev url)        # over the socket, no password\n"
      << "  pgsafe dev url --tcp                          # localhost:" << s.port << " with the password, for apps\n";
  if (applied == 0) out << "next: pgsafe apply\n";
  return exit_code::kOk;
}

int Dev::stop() {
  std::string root = project_root(o.config);
  std::optional<Server> s = load_server(root);
  if (!s || !running(*s)) {
    out << "dev server is not running" << (s ? "" : " (none was created here: pgsafe dev start)") << "\n";
    return exit_code::kOk;
  }
  if (s->bin_dir.empty()) {
    error_line(err, "PostgreSQL " + std::to_string(s->major) + ", which runs the dev server, is no longer installed");
    return exit_code::kConnection;
  }
  auto t0 = std::chrono::steady_clock::now();
  Ran r = run_program({s->bin_dir + "/pg_ctl", "-D", "data", "-m", "fast", "-w", "-t", "60", "-s", "stop"},
                      s->server_user, s->home);
  if (r.status != 0) {
    error_line(err, "pg_ctl stop failed (exit " + std::to_string(r.status) + "):\n" + last_lines(r.output, 10));
    return exit_code::kConnection;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  out << "dev server stopped (" << ms << " ms); its data stays in " << s->data_dir() << "\n";
  return exit_code::kOk;
}

int Dev::status() {
  std::string root = project_root(o.config);
  std::optional<Server> s = load_server(root);
  int pid = 0;
  bool up = s && running(*s, &pid);
  json j = {{"running", up}, {"project", root}};
  long long applied = -1;
  std::string environment, version;
  if (s) {
    j["port"] = s->port;
    j["socket_dir"] = s->socket_dir;
    j["data_dir"] = s->data_dir();
    j["data_bytes"] = folder_bytes(s->data_dir());
    j["major"] = s->major;
    j["url"] = socket_url(*s);
    if (up) {
      j["pid"] = pid;
      CommonOptions co;
      co.db = socket_url(*s);
      Connection conn;
      std::ostringstream quiet;
      if (open_connection(co, conn, quiet)) {
        version = conn.scalar("SHOW server_version").value_or("");
        HistoryStore store(conn, co.history_schema);
        History h;
        PgError e;
        if (store.read(h, e)) {
          applied = 0;
          for (const auto& row : h.rows) applied += row.status == "applied" || row.status == "baseline";
          environment = h.meta.count("environment") ? h.meta.at("environment") : "";
        }
      }
      j["server_version"] = version;
      j["migrations_applied"] = applied < 0 ? json(nullptr) : json(applied);
      j["environment"] = environment;
    }
  }
  if (o.format == "json") {
    out << j.dump(2) << "\n";
  } else if (!s) {
    out << "dev server: none in " << root << " (pgsafe dev start makes one)\n";
  } else {
    out << "dev server: " << (up ? "running (pid " + std::to_string(pid) + ")" : std::string("stopped")) << ", PostgreSQL "
        << (version.empty() ? std::to_string(s->major) : version) << "\n"
        << "  url:   " << socket_url(*s) << "\n"
        << "  port:  " << s->port << " on localhost; socket in " << s->socket_dir << "\n"
        << "  data:  " << s->data_dir() << " (" << human_bytes(j["data_bytes"].get<uint64_t>()) << ")\n";
    if (up)
      out << "  migrations applied: " << (applied < 0 ? std::string("unknown") : std::to_string(applied))
          << (environment.empty() ? "" : ", environment: " + environment) << "\n";
  }
  return up ? exit_code::kOk : exit_code::kValidation;
}

int Dev::url() {
  std::string root = project_root(o.config);
  std::optional<Server> s = load_server(root);
  if (!s || !running(*s)) {
    error_line(err, std::string("the dev server is not running") + (s ? "" : " (none was created in " + root + ")") +
                        "; start it with: pgsafe dev start");
    return exit_code::kValidation;
  }
  if (o.tcp) {
    std::string password = trim(read_file(s->password_file()));
    if (password.empty()) {
      error_line(err, "cannot read the dev server's password from " + s->password_file());
      return exit_code::kConnection;
    }
    out << tcp_url(*s, password) << "\n";
  } else {
    out << socket_url(*s) << "\n";
  }
  return exit_code::kOk;
}

int Dev::destroy() {
  std::string root = project_root(o.config);
  std::optional<Server> s = load_server(root);
  if (!s) {
    out << "no dev server in " << root << "\n";
    return exit_code::kOk;
  }
  if (!o.yes) {
    if (!interactive()) {
      error_line(err, "destroy deletes the dev server's data in " + s->data_dir() + "; pass --yes when stdin is not a terminal");
      return exit_code::kUsage;
    }
    if (!ask("delete the dev server and all its data in " + s->data_dir() + "?", err)) {
      out << "nothing deleted\n";
      return exit_code::kOk;
    }
  }
  if (running(*s) && !s->bin_dir.empty()) {
    Ran r = run_program({s->bin_dir + "/pg_ctl", "-D", "data", "-m", "immediate", "-w", "-t", "60", "-s", "stop"},
                        s->server_user, s->home);
    if (r.status != 0) {
      error_line(err, "pg_ctl stop failed:\n" + last_lines(r.output, 10));
      return exit_code::kConnection;
    }
  }
  std::error_code ec;
  fs::remove_all(s->home, ec);
  if (s->socket_dir.rfind(s->home, 0) != 0) fs::remove_all(s->socket_dir, ec);
  fs::remove(s->record_file(), ec);
  fs::remove(s->password_file(), ec);
  out << "dev server destroyed (" << s->home << " removed)\n";
  return exit_code::kOk;
}

}  // namespace

bool find_binaries(Binaries& out, std::string& why, std::optional<int> want_major) {
  std::vector<std::pair<fs::path, std::string>> candidates;
  if (const char* env = std::getenv("PGSAFE_PG_BIN"); env && *env) {
    // Named by the user: that one or none, never a silent fallback to another installation.
    int major = 0;
    std::string version;
    if (!complete(env) || !version_of(env, major, version)) {
      why = std::string("$PGSAFE_PG_BIN is ") + env + ", which does not hold PostgreSQL's initdb, pg_ctl and postgres";
      return false;
    }
    if (want_major && major != *want_major) {
      why = std::string("$PGSAFE_PG_BIN holds PostgreSQL ") + version + ", but the dev server's data was made by PostgreSQL " +
            std::to_string(*want_major) + "; point it at that version, or start over with `pgsafe dev destroy`";
      return false;
    }
    out = {env, major, version, "$PGSAFE_PG_BIN"};
    return true;
  }
  std::vector<std::pair<int, fs::path>> debian;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (!n.empty() && std::all_of(n.begin(), n.end(), ::isdigit)) debian.push_back({std::stoi(n), it->path() / "bin"});
  }
  std::sort(debian.rbegin(), debian.rend());
  for (const auto& [m, p] : debian) candidates.push_back({p, "/usr/lib/postgresql/" + std::to_string(m) + "/bin"});
  for (const char* pg_config : {"/usr/bin/pg_config", "/usr/local/bin/pg_config", "/opt/homebrew/bin/pg_config"}) {
    if (!executable(pg_config)) continue;
    Ran r = run_program({pg_config, "--bindir"}, "");
    if (r.status == 0) candidates.push_back({trim(r.output), "pg_config --bindir"});
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ps(path);
    for (std::string dir; std::getline(ps, dir, ':');)
      if (!dir.empty() && dir[0] == '/' && executable(fs::path(dir) / "initdb")) candidates.push_back({dir, "PATH"});
  }
  std::vector<std::string> seen;
  std::set<std::string> tried;
  for (const auto& [dir, how] : candidates) {
    std::error_code cec;
    if (!tried.insert(fs::weakly_canonical(dir, cec).string()).second) continue;
    if (!complete(dir)) continue;
    int major = 0;
    std::string version;
    if (!version_of(dir.string(), major, version)) continue;
    if (want_major && major != *want_major) {
      seen.push_back(version + " in " + dir.string());
      continue;
    }
    out = {dir.string(), major, version, how};
    return true;
  }
  if (want_major) {
    why = "the dev server's data was made by PostgreSQL " + std::to_string(*want_major) + ", whose server is not installed" +
          (seen.empty() ? std::string() : " (found: " + [&] {
            std::string s;
            for (const auto& v : seen) s += (s.empty() ? "" : ", ") + v;
            return s;
          }() + ")") +
          ";\n  install it (Debian/Ubuntu: apt-get install postgresql-" + std::to_string(*want_major) +
          "), or start over with `pgsafe dev destroy`";
  } else {
    why = "no PostgreSQL server programs (initdb, pg_ctl, postgres) found; looked in $PGSAFE_PG_BIN, "
          "/usr/lib/postgresql/<major>/bin, `pg_config --bindir` and PATH.\n"
          "  Install one: apt-get install postgresql (Debian/Ubuntu), dnf install postgresql-server (Fedora), "
          "brew install postgresql@17 (macOS); or point PGSAFE_PG_BIN at its bin folder";
  }
  return false;
}

std::string project_root(const std::optional<std::string>& config) {
  std::error_code ec;
  if (config) return fs::absolute(fs::path(*config), ec).parent_path().lexically_normal().string();
  fs::path cwd = fs::current_path(ec);
  if (auto found = find_config(cwd)) return found->parent_path().string();
  for (fs::path p = cwd; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / ".git", ec)) return p.string();
    if (fs::exists(p / ".pgsafe" / "dev" / "server.json", ec)) return p.string();
    if (p == p.root_path()) break;
  }
  return cwd.string();
}

std::optional<Server> load_server(const std::string& root) {
  Server s;
  s.root = root;
  std::string text = read_file(s.record_file());
  if (text.empty()) return std::nullopt;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  // The record is a file in the project, which a repository could ship or a copy could carry:
  // only its port and version are taken as they are. Folders must be this project's own (a
  // project moved with its data keeps it); the programs and the user are found again.
  std::string home = j.value("home", "");
  if (home == project_home(root) || home == fallback_home(root)) s.home = home;
  else if (fs::exists(project_home(root) + "/data/PG_VERSION")) s.home = project_home(root);
  else return std::nullopt;
  s.socket_dir = socket_dir_for(s.home, root);
  s.port = j.value("port", 0);
  s.major = j.value("major", 0);
  s.server_user = geteuid() == 0 ? server_account() : "";
  Binaries bins;
  std::string why;
  if (s.major > 0 && find_binaries(bins, why, s.major)) s.bin_dir = bins.bin_dir;
  return s;
}

bool running(const Server& s, int* pid_out) {
  std::ifstream in(s.data_dir() + "/postmaster.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return false;
  if (pid_out) *pid_out = static_cast<int>(pid);
  // A stale file (after a crash) may name a pid that was reused: the server must answer.
  std::string port = std::to_string(s.port);
  const char* keys[] = {"host", "port", "dbname", "user", "connect_timeout", nullptr};
  const char* values[] = {s.socket_dir.c_str(), port.c_str(), s.database.c_str(), s.user.c_str(), "3", nullptr};
  return PQpingParams(keys, values, 0) == PQPING_OK;
}

std::string socket_url(const Server& s) {
  return "postgresql://" + s.user + "@localhost:" + std::to_string(s.port) + "/" + s.database +
         "?host=" + percent_encode(s.socket_dir);
}

std::string tcp_url(const Server& s, const std::string& password) {
  return "postgresql://" + s.user + ":" + percent_encode(password) + "@localhost:" + std::to_string(s.port) + "/" +
         s.database;
}

bool interactive() { return isatty(0) == 1; }

bool ask(const std::string& question, std::ostream& err) {
  err << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  std::transform(answer.begin(), answer.end(), answer.begin(), ::tolower);
  return answer == "y" || answer == "yes";
}

int run_dev(const DevOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.format != "text" && opts.format != "json") {
    error_line(err, "unknown --format '" + opts.format + "' (text or json)");
    return exit_code::kUsage;
  }
  Dev d{opts, out, err};
  if (opts.action == "start") return d.start();
  if (opts.action == "stop") return d.stop();
  if (opts.action == "status") return d.status();
  if (opts.action == "url") return d.url();
  if (opts.action == "destroy") return d.destroy();
  error_line(err, "pgsafe dev: say start, stop, status, url or destroy");
  return exit_code::kUsage;
}

}  // namespace pgsafe::applier::dev
