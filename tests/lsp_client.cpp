#include "tests/lsp_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pgsafe::test {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// A write that blocks longer than this (the server reads nothing) is an error, not a hang.
constexpr auto kWriteTimeout = std::chrono::seconds(60);
// Headers are a few dozen bytes; this many without the blank line means the stream is not framed.
constexpr size_t kMaxHeaderBytes = 64 * 1024;

[[noreturn]] void sys_fail(const std::string& what) {
  throw std::runtime_error("LspClient: " + what + ": " + std::strerror(errno));
}

// Moves fd above 2 so that the child's dup2 onto 0/1/2 cannot clobber another of its pipe ends.
int above_stdio(int fd) {
  if (fd > 2) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (moved < 0) sys_fail("fcntl");
  close(fd);
  return moved;
}

std::string frame(const json& msg) {
  std::string body = msg.dump();  // UTF-8, not \u-escaped: Content-Length counts these bytes
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int poll_ms(Clock::time_point deadline, std::chrono::milliseconds cap) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()) + std::chrono::milliseconds(1);
  return static_cast<int>(std::clamp(left, std::chrono::milliseconds(0), cap).count());
}

std::string excerpt(const std::string& s, size_t n = 200) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

}  // namespace

LspClient::LspClient(const std::vector<std::string>& argv, const std::string& cwd, const std::vector<std::string>& env) {
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] { signal(SIGPIPE, SIG_IGN); });
  if (argv.empty()) throw std::invalid_argument("LspClient: empty argv");

  // Everything the child needs is built before fork: between fork and execve it only calls
  // async-signal-safe functions.
  std::string path = argv[0];
  if (path.find('/') == std::string::npos) {
    const char* p = std::getenv("PATH");
    std::string dirs = p ? p : "/usr/local/bin:/usr/bin:/bin";
    path.clear();
    for (size_t start = 0; start <= dirs.size();) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/" + argv[0];
      if (access(candidate.c_str(), X_OK) == 0) { path = candidate; break; }
      start = end + 1;
    }
    if (path.empty()) throw std::runtime_error("LspClient: " + argv[0] + " not found in PATH");
  }
  std::vector<std::string> envs;
  for (char** e = environ; e && *e; ++e) envs.emplace_back(*e);
  for (const auto& kv : env) {
    std::string name = kv.substr(0, kv.find('='));
    auto same = [&](const std::string& e) { return e.compare(0, name.size() + 1, name + "=") == 0; };
    envs.erase(std::remove_if(envs.begin(), envs.end(), same), envs.end());
    envs.push_back(kv);
  }
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);

  int in[2], out[2], status_pipe[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(status_pipe, O_CLOEXEC)) sys_fail("pipe2");
  std::string tmpl = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/lsp-stderr-XXXXXX";
  err_fd_ = mkostemp(tmpl.data(), O_CLOEXEC);
  if (err_fd_ < 0) sys_fail("mkostemp " + tmpl);
  unlink(tmpl.c_str());
  for (int* fd : {&in[0], &in[1], &out[0], &out[1], &status_pipe[0], &status_pipe[1], &err_fd_}) *fd = above_stdio(*fd);

  pid_ = fork();
  if (pid_ < 0) sys_fail("fork");
  if (pid_ == 0) {
    // dup2 leaves the copies without FD_CLOEXEC; every other descriptor of ours closes on exec.
    int err = 0;
    if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err_fd_, 2) < 0) err = errno;
    else if (!cwd.empty() && chdir(cwd.c_str()) != 0) err = errno;
    if (!err) {
      signal(SIGPIPE, SIG_DFL);  // an ignored signal stays ignored across exec: give the server the default
      execve(path.c_str(), cargv.data(), cenv.data());
      err = errno;
    }
    (void)!write(status_pipe[1], &err, sizeof err);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(status_pipe[1]);
  in_fd_ = in[1];
  out_fd_ = out[0];
  int child_errno = 0;
  ssize_t n;
  do n = read(status_pipe[0], &child_errno, sizeof child_errno); while (n < 0 && errno == EINTR);
  close(status_pipe[0]);
  if (n > 0) {  // the pipe closes on a successful exec; the child wrote errno when it failed
    reap(0);
    close(in_fd_);
    close(out_fd_);
    close(err_fd_);
    throw std::runtime_error("LspClient: cannot start " + path + (cwd.empty() ? "" : " in " + cwd) + ": " +
                             std::strerror(child_errno));
  }
  fcntl(in_fd_, F_SETFL, fcntl(in_fd_, F_GETFL) | O_NONBLOCK);
  fcntl(out_fd_, F_SETFL, fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
}

LspClient::~LspClient() {
  if (in_fd_ >= 0) close(in_fd_);
  if (out_fd_ >= 0) close(out_fd_);
  if (!reaped_ && pid_ > 0 && !reap(WNOHANG)) {
    kill(pid_, SIGKILL);
    reap(0);
  }
  if (err_fd_ >= 0) close(err_fd_);
}

bool LspClient::reap(int options) {
  if (reaped_ || pid_ <= 0) return reaped_;
  int st = 0;
  pid_t r;
  do r = waitpid(pid_, &st, options); while (r < 0 && errno == EINTR);
  if (r == pid_) {
    reaped_ = true;
    exit_status_ = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
  }
  return reaped_;
}

void LspClient::fail(const std::string& what) {
  std::string state = reap(WNOHANG) ? "exited with status " + std::to_string(exit_status_)
                                    : eof_ ? "closed its stdout" : "running";
  std::string err = stderr_text();
  if (err.size() > 8000) err = "..." + err.substr(err.size() - 8000);
  throw std::runtime_error("LspClient: " + what + " (server " + state + ")\n--- server stderr ---\n" + err);
}

// Writes every byte. While the pipe is full the server may itself be blocked writing to us, so its
// output is read meanwhile; it is only buffered here and parsed by the next wait.
void LspClient::write_all(const std::string& bytes) {
  if (in_fd_ < 0) throw std::runtime_error("LspClient: write after close_stdin()");
  size_t done = 0;
  auto deadline = Clock::now() + kWriteTimeout;
  while (done < bytes.size()) {
    ssize_t n = write(in_fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) { done += static_cast<size_t>(n); continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) fail(std::string("write to the server failed: ") + std::strerror(errno));
    if (Clock::now() >= deadline) fail("the server has not read its stdin for " + std::to_string(kWriteTimeout.count()) + " s");
    pollfd fds[2] = {{in_fd_, POLLOUT, 0}, {out_fd_, POLLIN, 0}};
    int rc = poll(fds, eof_ ? 1 : 2, 1000);
    if (rc < 0 && errno != EINTR) sys_fail("poll");
    if (rc > 0 && !eof_ && (fds[1].revents & (POLLIN | POLLHUP))) {
      char buf[65536];
      ssize_t r = read(out_fd_, buf, sizeof buf);
      if (r > 0) inbuf_.append(buf, static_cast<size_t>(r));
      else if (r == 0) eof_ = true;
    }
  }
}

bool LspClient::read_some(Clock::time_point deadline) {
  if (eof_) return false;
  pollfd p{out_fd_, POLLIN, 0};
  // In slices, so that a server that exited while something else holds its stdout open is noticed.
  int rc = poll(&p, 1, poll_ms(deadline, std::chrono::milliseconds(200)));
  if (rc < 0) {
    if (errno == EINTR) return true;
    sys_fail("poll");
  }
  bool exited = rc == 0 && reap(WNOHANG);
  if (rc == 0 && !exited) return Clock::now() < deadline;
  char buf[65536];
  ssize_t n = read(out_fd_, buf, sizeof buf);
  if (n == 0) { eof_ = true; return false; }
  if (n < 0) {
    if (errno == EINTR) return true;
    if (errno != EAGAIN && errno != EWOULDBLOCK) sys_fail("read");
    // Nothing buffered: if the server has exited, what still holds the pipe open (a child of the
    // server) is not the server, and the stream is over.
    if (exited) eof_ = true;
    return !eof_;
  }
  inbuf_.append(buf, static_cast<size_t>(n));
  parse_frames();
  return true;
}

// Frames per the LSP base protocol: header fields "Name: value\r\n", a blank line "\r\n", then
// Content-Length bytes of JSON. Only Content-Length (required) and Content-Type are defined.
void LspClient::parse_frames() {
  auto resync = [this](size_t from) {  // skip to the next frame that looks right, if any
    size_t next = inbuf_.find("Content-Length:", from);
    inbuf_.erase(0, next == std::string::npos ? inbuf_.size() : next);
  };
  for (;;) {
    size_t hdr_end = inbuf_.find("\r\n\r\n");
    if (hdr_end == std::string::npos) {
      if (inbuf_.size() > kMaxHeaderBytes) {
        protocol_errors_.push_back("no end of headers within " + std::to_string(kMaxHeaderBytes) + " bytes: " + excerpt(inbuf_));
        resync(1);
      }
      return;
    }
    long long length = -1;
    std::string problem;
    for (size_t pos = 0; pos < hdr_end && problem.empty();) {
      size_t eol = inbuf_.find("\r\n", pos);
      if (eol > hdr_end) eol = hdr_end;
      std::string line = inbuf_.substr(pos, eol - pos);
      pos = eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) { problem = "header line without ':': " + excerpt(line); break; }
      std::string name = lower(line.substr(0, colon)), value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      if (name == "content-length") {
        if (length >= 0) problem = "two Content-Length headers";
        else if (value.empty() || value.size() > 12 || value.find_first_not_of("0123456789") != std::string::npos)
          problem = "bad Content-Length: " + excerpt(value);
        else length = std::stoll(value);
      } else if (name != "content-type") {
        problem = "unknown header: " + excerpt(line);
      }
    }
    if (length < 0) problem = "frame without Content-Length: " + excerpt(inbuf_.substr(0, hdr_end));
    if (!problem.empty()) {
      protocol_errors_.push_back(problem);
      resync(1);
      continue;
    }
    size_t total = hdr_end + 4 + static_cast<size_t>(length);
    if (inbuf_.size() < total) return;  // the body has not all arrived yet
    std::string body = inbuf_.substr(hdr_end + 4, static_cast<size_t>(length));
    inbuf_.erase(0, total);
    dispatch(body);
  }
}

void LspClient::dispatch(const std::string& body) {
  json m;
  try {
    m = json::parse(body);  // rejects invalid UTF-8 too
  } catch (const json::exception& e) {
    protocol_errors_.push_back(std::string("body is not JSON (") + e.what() + "): " + excerpt(body));
    return;
  }
  if (!m.is_object()) {
    protocol_errors_.push_back("message is not a JSON object: " + excerpt(body));
    return;
  }
  if (!m.contains("jsonrpc") || m["jsonrpc"] != "2.0") protocol_errors_.push_back("message without \"jsonrpc\":\"2.0\": " + excerpt(body));
  bool has_id = m.contains("id"), has_method = m.contains("method");
  if (has_method && !m["method"].is_string()) {
    protocol_errors_.push_back("method is not a string: " + excerpt(body));
    return;
  }
  if (has_method && has_id) {
    server_requests_.push_back(m);
    json answer = {{"jsonrpc", "2.0"}, {"id", m["id"]}};
    try {
      answer["result"] = handler_ ? handler_(m) : json(nullptr);
    } catch (const std::exception& e) {
      answer.erase("result");
      answer["error"] = {{"code", -32603}, {"message", e.what()}};
    }
    if (in_fd_ < 0) return;
    try {
      write_all(frame(answer));
    } catch (const std::runtime_error&) {
      // The server is gone: the wait that is running reports that better than this answer could.
    }
  } else if (has_method) {
    notifications_.push_back(std::move(m));
  } else if (has_id) {
    std::string key = m["id"].dump();
    if (m.contains("result") == m.contains("error")) protocol_errors_.push_back("response needs exactly one of result and error: " + excerpt(body));
    if (!m["id"].is_null()) {
      if (!sent_ids_.count(key)) protocol_errors_.push_back("response to id " + key + ", which was never sent");
      else if (!answered_ids_.insert(key).second) protocol_errors_.push_back("second response to id " + key);
    }
    responses_[key] = std::move(m);  // a later one with id null replaces an earlier one
  } else {
    protocol_errors_.push_back("neither a request, a notification nor a response: " + excerpt(body));
  }
}

int LspClient::request(const std::string& method, const json& params) {
  int id = next_id_++;
  json msg = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) msg["params"] = params;
  send_message(msg);
  return id;
}

void LspClient::notify(const std::string& method, const json& params) {
  json msg = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) msg["params"] = params;
  send_message(msg);
}

void LspClient::send_raw(const std::string& bytes) { write_all(bytes); }

void LspClient::send_message(const json& msg) {
  if (msg.is_object() && msg.contains("id") && msg.contains("method")) sent_ids_.insert(msg["id"].dump());
  write_all(frame(msg));
}

json LspClient::wait_response(const json& id, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string key = id.dump();
  parse_frames();  // bytes buffered by a write
  for (;;) {
    auto it = responses_.find(key);
    if (it != responses_.end()) {
      json r = std::move(it->second);
      responses_.erase(it);
      return r;
    }
    if (eof_) fail("the server closed its stdout before answering id " + key);
    if (Clock::now() >= deadline) fail("no response to id " + key + " within " + std::to_string(timeout.count()) + " ms");
    read_some(deadline);
  }
}

json LspClient::call(const std::string& method, const json& params, std::chrono::milliseconds timeout) {
  return wait_response(request(method, params), timeout);
}

json LspClient::wait_notification(const std::string& method, const std::function<bool(const json&)>& pred,
                                  std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  parse_frames();
  size_t checked = 0;  // notifications are only appended while waiting, so each is looked at once
  for (;;) {
    for (; checked < notifications_.size(); ++checked) {
      const json& n = notifications_[checked];
      if (n["method"] == method && (!pred || pred(n))) {
        json found = n;
        notifications_.erase(notifications_.begin() + static_cast<std::ptrdiff_t>(checked));
        return found;
      }
    }
    if (eof_) fail("the server closed its stdout while waiting for a " + method + " notification");
    if (Clock::now() >= deadline)
      fail("no matching " + method + " notification within " + std::to_string(timeout.count()) + " ms (" +
           std::to_string(queued(method).size()) + " non-matching queued)");
    read_some(deadline);
  }
}

void LspClient::drain(const std::string& method) {
  parse_frames();
  std::erase_if(notifications_, [&](const json& n) { return method.empty() || n["method"] == method; });
}

std::vector<json> LspClient::queued(const std::string& method) const {
  std::vector<json> r;
  for (const auto& n : notifications_)
    if (n["method"] == method) r.push_back(n);
  return r;
}

void LspClient::pump(std::chrono::milliseconds for_how_long) {
  auto deadline = Clock::now() + for_how_long;
  parse_frames();
  while (!eof_ && Clock::now() < deadline) read_some(deadline);
}

void LspClient::set_request_handler(std::function<json(const json&)> handler) { handler_ = std::move(handler); }

std::vector<json> LspClient::server_requests() const { return server_requests_; }

void LspClient::close_stdin() {
  if (in_fd_ >= 0) close(in_fd_);
  in_fd_ = -1;
}

int LspClient::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (reap(WNOHANG)) return exit_status_;
    if (Clock::now() >= deadline) return -1;
    // Keep reading, so that a server blocked on a full stdout pipe can finish.
    if (!eof_) read_some(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
    else std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

bool LspClient::running() { return !reap(WNOHANG); }

std::string LspClient::stderr_text() {
  std::string s;
  struct stat st {};
  if (err_fd_ < 0 || fstat(err_fd_, &st) != 0) return s;
  s.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < s.size()) {
    ssize_t n = pread(err_fd_, s.data() + got, s.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  s.resize(got);
  return s;
}

std::vector<std::string> LspClient::protocol_errors() const { return protocol_errors_; }

std::string file_uri(const std::string& absolute_path) {
  if (absolute_path.empty() || absolute_path[0] != '/') throw std::invalid_argument("file_uri: not an absolute path: " + absolute_path);
  static const char* hex = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : absolute_path) {
    if (std::isalnum(c) || std::strchr("-._~/", c)) uri += static_cast<char>(c);
    else uri += {'%', hex[c >> 4], hex[c & 15]};
  }
  return uri;
}

std::string uri_path(const std::string& uri) {
  if (lower(uri.substr(0, 7)) != "file://") throw std::invalid_argument("uri_path: not a file: URI: " + uri);
  size_t start = uri.find('/', 7);  // skips an authority such as "localhost"
  if (start == std::string::npos) throw std::invalid_argument("uri_path: no path in " + uri);
  auto val = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10; };
  std::string path;
  for (size_t i = start; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && std::isxdigit(static_cast<unsigned char>(uri[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(uri[i + 2]))) {
      path += static_cast<char>(val(uri[i + 1]) * 16 + val(uri[i + 2]));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

}  // namespace pgsafe::test
