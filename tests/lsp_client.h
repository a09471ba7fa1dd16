#pragma once
// A small Language Server Protocol client for tests and benchmarks: starts a server process, talks
// JSON-RPC 2.0 to it over its stdin/stdout with `Content-Length: N\r\n\r\n` framing, and keeps what
// arrives (responses by id, notifications in a queue, server->client requests recorded and answered).
// Single-threaded: messages are read only inside the calls that wait (wait_*, call, pump, wait_exit)
// and, as raw bytes, while a write is blocked on a full pipe (so neither side can deadlock).
// Depends on nlohmann_json and the C++/POSIX standard library only.
#include <sys/types.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgsafe::test {

class LspClient {
 public:
  // Starts argv[0] (a path, or a name looked up in PATH) with argv (e.g. {"/path/pgsafe", "lsp"}) in
  // folder cwd ("" = the current one), its stdin/stdout connected to pipes and its stderr to an
  // unlinked temp file (read by stderr_text()). env adds or replaces variables ("NAME=value") of the
  // inherited environment. Throws std::runtime_error when the program cannot be started.
  explicit LspClient(const std::vector<std::string>& argv, const std::string& cwd = "",
                     const std::vector<std::string>& env = {});
  ~LspClient();  // closes the pipes; kills (SIGKILL) and reaps the child if it is still running
  LspClient(const LspClient&) = delete;
  LspClient& operator=(const LspClient&) = delete;

  // Sends a request; returns its id (ids count up from 1). A null params leaves "params" out.
  int request(const std::string& method, const nlohmann::json& params = nullptr);
  // Sends a notification. A null params leaves "params" out.
  void notify(const std::string& method, const nlohmann::json& params = nullptr);
  void send_raw(const std::string& bytes);       // bytes exactly as given (for malformed-input tests)
  void send_message(const nlohmann::json& msg);  // any JSON value framed with Content-Length

  // Waits for the response with this id (a number, a string, or null for error responses the server
  // could not tie to a request); it is removed from the kept responses. Messages that arrive meanwhile
  // are kept. Throws std::runtime_error on timeout or when the server's stdout closes, with the
  // server's stderr in the message.
  nlohmann::json wait_response(const nlohmann::json& id,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nullptr,
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));  // request + wait_response
  // The first queued or arriving notification of that method for which pred (if given) is true; it
  // is removed from the queue (earlier non-matching ones stay queued). Throws on timeout/exit. pred
  // gets, and the call returns, the whole message ({"jsonrpc","method","params"}), not just params.
  nlohmann::json wait_notification(const std::string& method,
                                   const std::function<bool(const nlohmann::json&)>& pred = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void drain(const std::string& method = "");  // drops every queued notification of that method ("" = all)
  std::vector<nlohmann::json> queued(const std::string& method) const;  // still-queued ones of that method
  // Reads and dispatches whatever arrives within for_how_long (returns early if the server's stdout closes).
  void pump(std::chrono::milliseconds for_how_long);

  // Server->client requests (client/registerCapability, window/showDocument, ...) are recorded and
  // answered: with the handler's return value as the result when a handler is set, else result null.
  // A handler that throws makes the answer a JSON-RPC error (-32603) carrying the exception's text.
  // The handler runs while a message is being dispatched: it must not call this client's methods.
  void set_request_handler(std::function<nlohmann::json(const nlohmann::json& request)> handler);
  std::vector<nlohmann::json> server_requests() const;  // every one received, in order

  void close_stdin();
  // Waits for the process to end (reading its stdout meanwhile); returns its exit status (WEXITSTATUS),
  // 128+signal if signalled, or -1 on timeout (the process is left running).
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool running();
  std::string stderr_text();
  // Protocol violations seen from the server (a frame without Content-Length, a body that is not JSON,
  // a message without "jsonrpc":"2.0", a response to an id never sent or answered twice, ...).
  // A correct server leaves it empty.
  std::vector<std::string> protocol_errors() const;
  pid_t pid() const { return pid_; }

 private:
  void write_all(const std::string& bytes);
  bool read_some(std::chrono::steady_clock::time_point deadline);  // false: deadline passed or EOF
  void parse_frames();
  void dispatch(const std::string& body);
  [[noreturn]] void fail(const std::string& what);
  bool reap(int options);

  pid_t pid_ = -1;
  int in_fd_ = -1;    // the server's stdin (we write)
  int out_fd_ = -1;   // the server's stdout (we read)
  int err_fd_ = -1;   // the temp file holding the server's stderr
  bool eof_ = false;  // the server's stdout closed
  bool reaped_ = false;
  int exit_status_ = -1;
  int next_id_ = 1;
  std::string inbuf_;                                  // bytes read but not yet parsed into messages
  std::map<std::string, nlohmann::json> responses_;    // keyed by id.dump()
  std::deque<nlohmann::json> notifications_;
  std::vector<nlohmann::json> server_requests_;
  std::vector<std::string> protocol_errors_;
  std::set<std::string> sent_ids_, answered_ids_;    // request ids (id.dump()) we sent / got a response to
  std::function<nlohmann::json(const nlohmann::json&)> handler_;
};

// "file://" URI for an absolute path, percent-encoding bytes outside [A-Za-z0-9-._~/]; and back
// (uri_path accepts "file:///p" and "file://localhost/p", decodes %XX in either case; throws
// std::invalid_argument for a URI that is not file:).
std::string file_uri(const std::string& absolute_path);
std::string uri_path(const std::string& uri);

}  // namespace pgsafe::test
