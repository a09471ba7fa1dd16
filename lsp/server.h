#pragma once
// `pgsafe lsp`: the Language Server Protocol server. Diagnostics (pushed, debounced, or pulled),
// quick fixes and suppressions as code actions, hovers with the rule's explanation and the
// statement's locks, configuration and migration files followed as they change. One thread:
// messages are handled in order, and a lint runs when the debounce delay has passed with no
// message waiting, or at once when a request needs its result.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lsp/text_document.h"
#include "lsp/workspace.h"

namespace pgsafe::lsp {

// JSON-RPC and LSP error codes.
namespace error_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
}  // namespace error_code

class Server {
 public:
  using Clock = std::chrono::steady_clock;
  // send: writes one message to the client. log: a line for stderr.
  Server(std::function<void(const nlohmann::json&)> send, std::function<void(const std::string&)> log);

  // One message from the client, as its raw JSON text.
  void receive(const std::string& body);
  // A frame the base protocol could not read.
  void malformed(const std::string& why);
  // Milliseconds until a debounced lint is due (-1: none pending).
  int wait_ms() const;
  // Runs the lints that are due.
  void on_idle();
  bool exited() const { return exited_; }
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  void handle(const nlohmann::json& msg);
  void handle_request(const nlohmann::json& id, const std::string& method, const nlohmann::json& params);
  void handle_notification(const std::string& method, const nlohmann::json& params);
  void respond(const nlohmann::json& id, nlohmann::json result);
  void respond_error(const nlohmann::json& id, int code, const std::string& message);
  void notify(const std::string& method, nlohmann::json params);
  void request(const std::string& method, nlohmann::json params);
  void log_message(int type, const std::string& text);
  void trace(const std::string& text);

  nlohmann::json initialize(const nlohmann::json& params);
  void initialized();
  void did_open(const nlohmann::json& params);
  void did_change(const nlohmann::json& params);
  void did_save(const nlohmann::json& params);
  void did_close(const nlohmann::json& params);
  void did_change_watched_files(const nlohmann::json& params);
  nlohmann::json pull_diagnostics(const nlohmann::json& params);
  nlohmann::json code_actions(const nlohmann::json& params);
  nlohmann::json hover(const nlohmann::json& params);
  nlohmann::json execute_command(const nlohmann::json& params);

  Document& document(const nlohmann::json& text_document);  // an open document, or InvalidParams
  // The document's lint result, linted now when it is stale.
  const LintedDocument& current(Document& doc);
  bool stale(const Document& doc) const;
  void lint_now(Document& doc);
  void schedule(const std::string& uri, Clock::time_point when);
  void schedule_others(const std::string& except_uri, Clock::time_point when);
  void publish(const Document& doc, const LintedDocument& r);
  nlohmann::json lsp_diagnostics(const LintedDocument& r);
  void publish_config_diagnostics();
  void config_reloaded();
  nlohmann::json range_json(std::string_view text, const LineIndex& lines, size_t begin, size_t end) const;
  // A place in another file (related information), from its open buffer or the disk.
  std::optional<nlohmann::json> location_in(const std::string& path, uint32_t begin, uint32_t end);

  std::function<void(const nlohmann::json&)> send_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<Workspace> workspace_;
  std::map<std::string, Document> documents_;        // by URI
  std::map<std::string, LintedDocument> results_;    // by URI
  std::map<std::string, Clock::time_point> due_;     // debounced lints by URI
  std::optional<Clock::time_point> refresh_due_;     // a workspace/diagnostic/refresh to send
  std::map<std::string, std::string> published_config_;
  std::map<std::string, std::string> not_linted_told_;  // by URI: what the log last said of it
  std::map<std::string, nlohmann::json> diagnostics_json_;  // by URI: the last lint's, as LSP diagnostics
  // Other files related information points into, read once while diagnostics are converted.
  struct OtherFile {
    std::string uri, text;
    LineIndex lines;
    bool readable = true;
  };
  std::map<std::string, OtherFile> other_files_;  // config URI -> what was last published
  int next_request_id_ = 1;

  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  std::string trace_ = "off";

  // What the client said it can do.
  Encoding encoding_ = Encoding::Utf16;
  bool pull_ = false;               // it pulls diagnostics (textDocument/diagnostic)
  bool refresh_support_ = false;    // workspace/diagnostic/refresh
  bool watch_dynamic_ = false;      // didChangeWatchedFiles dynamic registration
  bool show_document_ = false;      // window/showDocument
  bool snippet_edits_ = false;      // SnippetTextEdit in workspace edits
  bool document_changes_ = false;   // versioned TextDocumentEdit
  bool markdown_hover_ = true;
  int debounce_ms_ = 150;
};

// Runs the server on stdin/stdout until the client sends exit or goes away; returns the exit code.
int run_stdio();

}  // namespace pgsafe::lsp
