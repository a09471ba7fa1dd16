#include "tests/support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pgsafe::test {

std::string source_dir() { return PGSAFE_SOURCE_DIR; }

std::optional<std::string> shared_dir() {
  fs::path p = fs::path(PGSAFE_SOURCE_DIR).parent_path() / "shared";
  std::error_code ec;
  if (fs::is_directory(p, ec)) return p.string();
  return std::nullopt;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

namespace {
// The list removes its directories when it is destroyed at exit.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const auto& d : dirs) {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  }
};
std::vector<std::string>& temp_dirs() {
  static TempDirs t;
  return t.dirs;
}
}  // namespace

std::string temp_dir(const std::string& hint) {
  static std::mutex m;
  std::lock_guard lock(m);
  std::string tmpl = (fs::temp_directory_path() / ("pgsafe-test-" + hint + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  temp_dirs().emplace_back(buf.data());
  return buf.data();
}

ProcessResult run_command(const std::vector<std::string>& argv, const std::string& stdin_data, const std::string& cwd,
                          int timeout_seconds) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  signal(SIGPIPE, SIG_IGN);
  ProcessResult r;
  size_t written = 0;
  if (stdin_data.empty()) { close(in_pipe[1]); in_pipe[1] = -1; }
  else fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (in_pipe[1] >= 0) fds.push_back({in_pipe[1], POLLOUT, 0});
    int rc = poll(fds.data(), fds.size(), 1000);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      break;
    }
    if (rc <= 0) continue;
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == in_pipe[1]) {
        ssize_t n = write(in_pipe[1], stdin_data.data() + written, stdin_data.size() - written);
        if (n > 0) written += static_cast<size_t>(n);
        if (n < 0 || written == stdin_data.size()) { close(in_pipe[1]); in_pipe[1] = -1; }
        continue;
      }
      ssize_t n = read(p.fd, buf, sizeof buf);
      if (n <= 0) {
        if (p.fd == out_pipe[0]) out_open = false; else err_open = false;
        continue;
      }
      (p.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<size_t>(n));
    }
  }
  if (in_pipe[1] >= 0) close(in_pipe[1]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

ProcessResult run_pgsafe(const std::vector<std::string>& args, const std::string& stdin_data, const std::string& cwd) {
  std::vector<std::string> argv{PGSAFE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, stdin_data, cwd.empty() ? source_dir() : cwd);
}

LintOptions only(std::vector<std::string> rules) {
  LintOptions o;
  o.select = std::move(rules);
  o.jobs = 1;
  return o;
}

LintResult lint_memory(const std::vector<std::pair<std::string, std::string>>& files, LintOptions opts) {
  MigrationSet set = set_from_memory(files, opts.config.layout);
  return lint(set, opts);
}

std::string golden_lines(const LintResult& r) {
  std::ostringstream s;
  for (const auto& d : r.diagnostics) {
    s << d.file << ":" << d.range.start.line << ":" << d.range.start.column << "-" << d.range.end.line << ":"
      << d.range.end.column << " " << to_string(d.severity) << " " << d.rule << ": " << d.message;
    if (d.suppression) s << " [suppressed: " << d.suppression->justification << "]";
    if (d.fix) s << " [fix: " << d.fix->description << "]";
    s << "\n";
  }
  for (const auto& e : r.errors) s << e.file << ":" << e.line << ":" << e.column << " input-error: " << e.message << "\n";
  return s.str();
}

ProcessResult git(const std::string& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "-c", "user.name=pgsafe test", "-c", "user.email=test@example.org",
                                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_command(argv, "", dir);
  if (r.exit_code != 0)
    throw std::runtime_error("git " + (args.empty() ? std::string() : args[0]) + " failed: " + r.err);
  return r;
}

}  // namespace pgsafe::test
