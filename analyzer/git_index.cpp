#include "analyzer/git_index.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace pgsafe::git {

namespace {

struct Run {
  bool started = false;
  int exit_code = -1;
  std::string out, err;
};

// git with `args`, `input` on its stdin, both outputs collected. The pipes are served together
// with poll, so a large output cannot block git while it still reads its input.
Run run_git(const std::vector<std::string>& args, const std::string& input) {
  Run r;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return r;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]); close(in_pipe[1]);
    return r;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    return r;
  }
  // Everything the child needs is built before fork: it may only call async-signal-safe functions.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>("git"));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    return r;
  }
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execvp("git", argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int to_git = in_pipe[1];
  if (input.empty()) {
    close(to_git);
    to_git = -1;
  } else {
    fcntl(to_git, F_SETFL, O_NONBLOCK);
  }
  // A closed pipe must not kill us; restore the caller's disposition afterwards.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  size_t written = 0;
  bool out_open = true, err_open = true;
  // On the heap: pgsafe must run with a small stack (ulimit -s 64), and lint may run git.
  std::vector<char> buf(65536);
  while (out_open || err_open) {
    pollfd fds[3];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (to_git >= 0) fds[n++] = {to_git, POLLOUT, 0};
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (nfds_t k = 0; k < n; ++k) {
      if (!fds[k].revents) continue;
      if (fds[k].fd == to_git) {
        ssize_t w = write(to_git, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
          close(to_git);
          to_git = -1;
        }
        continue;
      }
      ssize_t got = read(fds[k].fd, buf.data(), buf.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (got <= 0) {
        if (fds[k].fd == out_pipe[0]) out_open = false;
        else err_open = false;
        continue;
      }
      (fds[k].fd == out_pipe[0] ? r.out : r.err).append(buf.data(), static_cast<size_t>(got));
    }
  }
  if (to_git >= 0) close(to_git);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  sigaction(SIGPIPE, &previous, nullptr);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.started = r.exit_code != 127;
  return r;
}

std::string failure(const Run& r, const std::string& what) {
  if (!r.started) return "cannot run git (is it installed and on PATH?)";
  std::string msg = r.err;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  return what + " failed" + (msg.empty() ? "" : ": " + msg);
}

}  // namespace

bool inside_work_tree() {
  Run r = run_git({"rev-parse", "--is-inside-work-tree"}, "");
  return r.exit_code == 0 && r.out.rfind("true", 0) == 0;
}

namespace {

// A listing command (args, then "--" and the pathspecs) whose -z output is NUL-separated records:
// the records, viewing `output`. False with error when git fails.
bool list_records(std::vector<std::string> args, const std::vector<std::string>& pathspecs, std::string& output,
                  std::vector<std::string_view>& records, std::string& error) {
  std::string what = "git " + args.front();
  args.push_back("--");
  args.insert(args.end(), pathspecs.begin(), pathspecs.end());
  Run r = run_git(args, "");
  if (r.exit_code != 0) {
    error = failure(r, what);
    return false;
  }
  output = std::move(r.out);
  size_t pos = 0;
  while (pos < output.size()) {
    size_t end = output.find('\0', pos);
    if (end == std::string::npos) end = output.size();
    if (end > pos) records.emplace_back(output.data() + pos, end - pos);
    pos = end + 1;
  }
  return true;
}

}  // namespace

bool list_index(const std::vector<std::string>& pathspecs, std::vector<IndexEntry>& out, std::string& error) {
  std::string output;
  std::vector<std::string_view> records;
  if (!list_records({"ls-files", "--stage", "-z"}, pathspecs, output, records, error)) return false;
  // "<mode> <object> <stage>\t<path>" per entry.
  for (std::string_view rec : records) {
    size_t tab = rec.find('\t');
    size_t s1 = rec.find(' ');
    size_t s2 = s1 == std::string_view::npos ? s1 : rec.find(' ', s1 + 1);
    if (tab == std::string_view::npos || s2 == std::string_view::npos || s2 > tab) {
      error = "git ls-files printed an unexpected line";
      return false;
    }
    IndexEntry e;
    e.mode = std::string(rec.substr(0, s1));
    e.object = std::string(rec.substr(s1 + 1, s2 - s1 - 1));
    e.stage = rec[s2 + 1] - '0';
    e.path = std::string(rec.substr(tab + 1));
    out.push_back(std::move(e));
  }
  return true;
}

std::string default_branch() {
  Run head = run_git({"symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"}, "");
  if (head.exit_code == 0) {
    std::string ref = head.out;
    while (!ref.empty() && (ref.back() == '\n' || ref.back() == '\r')) ref.pop_back();
    if (!ref.empty()) return ref;
  }
  for (const char* candidate : {"refs/remotes/origin/main", "refs/remotes/origin/master", "refs/heads/main",
                                "refs/heads/master"}) {
    Run r = run_git({"rev-parse", "--verify", "--quiet", std::string(candidate) + "^{commit}"}, "");
    if (r.exit_code == 0) {
      std::string name = candidate;
      return name.substr(name.rfind("refs/remotes/", 0) == 0 ? 13 : 11);
    }
  }
  return "";
}

bool list_tree(const std::string& ref, const std::vector<std::string>& pathspecs, std::vector<std::string>& out,
               std::string& error) {
  std::string output;
  std::vector<std::string_view> records;
  if (!list_records({"ls-tree", "-r", "--name-only", "-z", ref}, pathspecs, output, records, error)) return false;
  out.insert(out.end(), records.begin(), records.end());
  return true;
}

bool paths_in_tree(const std::string& ref, const std::vector<std::string>& paths, std::set<std::string>& present,
                   std::string& error) {
  namespace fs = std::filesystem;
  if (paths.empty()) return true;
  std::error_code ec;
  fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  // Links resolved, relative to the working folder: what git's pathspecs and output use.
  auto key = [&](const std::string& p) {
    std::error_code e;
    fs::path abs = fs::weakly_canonical(fs::absolute(p, e), e);
    return abs.lexically_relative(cwd).lexically_normal().generic_string();
  };
  std::vector<std::string> keys, listed;
  for (const auto& p : paths) keys.push_back(key(p));
  if (!list_tree(ref, keys, listed, error)) return false;
  std::set<std::string> in_tree;
  for (const auto& l : listed) in_tree.insert(fs::path(l).lexically_normal().generic_string());
  for (size_t i = 0; i < paths.size(); ++i)
    if (in_tree.count(keys[i])) present.insert(paths[i]);
  return true;
}

bool repository_above(const std::filesystem::path& dir, std::filesystem::path* root) {
  namespace fs = std::filesystem;
  if (const char* gd = std::getenv("GIT_DIR"); gd && *gd) return true;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  if (ec) return false;
  for (;;) {
    if (fs::exists(p / ".git", ec)) {
      if (root) *root = p;
      return true;
    }
    if (!p.has_parent_path() || p.parent_path() == p) return false;
    p = p.parent_path();
  }
}

bool read_blobs(const std::vector<std::string>& objects, std::vector<std::string>& out, std::string& error) {
  out.clear();
  if (objects.empty()) return true;
  std::string input;
  for (const auto& o : objects) input += o + "\n";
  Run r = run_git({"cat-file", "--batch"}, input);
  if (r.exit_code != 0) {
    error = failure(r, "git cat-file");
    return false;
  }
  // "<object> <type> <size>\n<contents>\n" per object, or "<object> missing\n".
  size_t pos = 0;
  for (const auto& o : objects) {
    size_t nl = r.out.find('\n', pos);
    if (nl == std::string::npos) {
      error = "git cat-file stopped early";
      return false;
    }
    std::string header = r.out.substr(pos, nl - pos);
    size_t last_space = header.rfind(' ');
    if (header.find(" missing") != std::string::npos || last_space == std::string::npos) {
      error = "object " + o + " is missing from the repository";
      return false;
    }
    size_t size = std::strtoull(header.c_str() + last_space + 1, nullptr, 10);
    if (nl + 1 + size > r.out.size()) {
      error = "git cat-file stopped early";
      return false;
    }
    out.push_back(r.out.substr(nl + 1, size));
    pos = nl + 1 + size + 1;
  }
  return true;
}

}  // namespace pgsafe::git
