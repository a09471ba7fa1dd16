#include "lsp/server.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>

#include "analyzer/file_bytes.h"
#include "analyzer/fix.h"
#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "lsp/jsonrpc.h"
#include "parser/parser.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgsafe::lsp {

namespace {

// A request whose parameters are not what the method takes (answered with InvalidParams).
struct ParamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& member(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) throw ParamError(std::string("missing '") + key + "'");
  return obj.at(key);
}
std::string string_member(const json& obj, const char* key) {
  const json& v = member(obj, key);
  if (!v.is_string()) throw ParamError(std::string("'") + key + "' must be a string");
  return v.get<std::string>();
}
uint32_t uint_member(const json& obj, const char* key) {
  const json& v = member(obj, key);
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 0x7fffffff)
    throw ParamError(std::string("'") + key + "' must be a non-negative integer");
  return static_cast<uint32_t>(v.get<int64_t>());
}
LspPosition position_member(const json& obj, const char* key) {
  const json& p = member(obj, key);
  return LspPosition{uint_member(p, "line"), uint_member(p, "character")};
}
std::pair<LspPosition, LspPosition> range_member(const json& obj, const char* key) {
  const json& r = member(obj, key);
  return {position_member(r, "start"), position_member(r, "end")};
}
// A capability flag at a path of nested objects ("textDocument", "hover", ...).
const json* at_path(const json& root, std::initializer_list<const char*> path) {
  const json* cur = &root;
  for (const char* k : path) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}
bool flag(const json& root, std::initializer_list<const char*> path) {
  const json* v = at_path(root, path);
  return v && v->is_boolean() && v->get<bool>();
}

// What a lock blocks, from PostgreSQL's table of conflicting lock modes.
std::string lock_effect(const std::string& mode) {
  if (mode == "ACCESS EXCLUSIVE") return "blocks every other use of it, plain reads included, until the transaction ends";
  if (mode == "EXCLUSIVE") return "blocks writes and SELECT ... FOR UPDATE/SHARE; only plain reads go on";
  if (mode == "SHARE ROW EXCLUSIVE") return "blocks writes (INSERT, UPDATE, DELETE) and other schema changes; reads go on";
  if (mode == "SHARE") return "blocks writes (INSERT, UPDATE, DELETE) and schema changes; reads go on";
  if (mode == "SHARE UPDATE EXCLUSIVE")
    return "reads and writes go on; other schema changes, VACUUM and index builds on it wait";
  if (mode == "ROW EXCLUSIVE") return "the lock every write takes: conflicts only with SHARE and stronger locks";
  if (mode == "ROW SHARE") return "conflicts only with EXCLUSIVE and ACCESS EXCLUSIVE";
  if (mode == "ACCESS SHARE") return "the lock every read takes: conflicts only with ACCESS EXCLUSIVE";
  return "";
}

int lsp_severity(Severity s) {
  switch (s) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    default: return 3;
  }
}

// Whether a code action kind is asked for by `only` (kinds are hierarchical: "source" takes
// "source.fixAll.pgsafe").
bool wanted(const json& only, const std::string& kind) {
  if (!only.is_array()) return true;
  for (const auto& k : only) {
    if (!k.is_string()) continue;
    std::string o = k.get<std::string>();
    if (kind == o || (kind.size() > o.size() && kind.compare(0, o.size(), o) == 0 && kind[o.size()] == '.')) return true;
  }
  return false;
}

// Text safe inside a snippet: $, } and \ escaped.
std::string snippet_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '$' || c == '}' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

constexpr const char* kPlaceCursor = "pgsafe.placeCursor";
constexpr int kMaxNesting = 200;

// "\uD83D" without its low half (or a low half alone) becomes "\uFFFD"; everything else is kept.
std::string replace_lone_surrogates(const std::string& body) {
  auto unit_at = [&](size_t i) -> int {  // the code unit of a \uXXXX escape at i, or -1
    if (i + 6 > body.size() || body[i] != '\\' || body[i + 1] != 'u') return -1;
    int v = 0;
    for (size_t k = i + 2; k < i + 6; ++k) {
      char c = body[k];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    if (body[i] != '\\' || i + 1 >= body.size()) {
      out += body[i++];
      continue;
    }
    int u = unit_at(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      int low = unit_at(i + 6);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        out.append(body, i, 12);
        i += 12;
      } else {
        out += "\\uFFFD";
        i += 6;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      out += "\\uFFFD";
      i += 6;
    } else {
      out.append(body, i, 2);  // any other escape, \\ included, whole
      i += 2;
    }
  }
  return out;
}

// Markdown emphasis and code marks taken out, for clients that show hovers as plain text.
std::string plain(std::string md) {
  std::string out;
  for (size_t i = 0; i < md.size(); ++i) {
    if (md.compare(i, 2, "**") == 0) {
      ++i;
      continue;
    }
    if (md[i] == '`') continue;
    out += md[i];
  }
  return out;
}

}  // namespace

Server::Server(std::function<void(const json&)> send, std::function<void(const std::string&)> log)
    : send_(std::move(send)), log_(std::move(log)) {}

// ---------------------------------------------------------------------------------------------
// Messages

void Server::respond(const json& id, json result) {
  send_(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::respond_error(const json& id, int code, const std::string& message) {
  send_(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::notify(const std::string& method, json params) {
  send_(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void Server::request(const std::string& method, json params) {
  if (shutdown_) return;  // after shutdown the server only answers
  json msg = {{"jsonrpc", "2.0"}, {"id", "pgsafe-" + std::to_string(next_request_id_++)}, {"method", method}};
  if (!params.is_null()) msg["params"] = std::move(params);  // params is an object or an array, or absent
  send_(msg);
}

void Server::log_message(int type, const std::string& text) {
  log_(text);
  if (initialized_) notify("window/logMessage", {{"type", type}, {"message", "pgsafe: " + text}});
}

void Server::trace(const std::string& text) {
  if (trace_ == "off" || !initialized_) return;
  notify("$/logTrace", {{"message", text}});
}

void Server::malformed(const std::string& why) {
  log_("malformed message: " + why);
  respond_error(nullptr, error_code::kParseError, why);
}

void Server::receive(const std::string& body) {
  // Nesting deeper than any LSP message has is refused: copying such a value would recurse that deep.
  int deepest = 0;
  auto depth_check = [&](int depth, json::parse_event_t, json&) {
    deepest = std::max(deepest, depth);
    return true;
  };
  json msg = json::parse(body, depth_check, /*allow_exceptions=*/false);
  if (msg.is_discarded()) {
    // An editor may send half of a surrogate pair (a buffer cut inside an emoji); JSON parsers refuse
    // it. It is read as U+FFFD, which is one UTF-16 unit too, so positions still agree.
    std::string repaired = replace_lone_surrogates(body);
    if (repaired != body) msg = json::parse(repaired, depth_check, false);
  }
  if (!msg.is_discarded() && deepest > kMaxNesting) {
    respond_error(nullptr, error_code::kInvalidRequest, "the message nests values more than " + std::to_string(kMaxNesting) + " deep");
    return;
  }
  if (msg.is_discarded()) {
    log_("a message that is not JSON");
    respond_error(nullptr, error_code::kParseError, "the message is not valid JSON");
    return;
  }
  if (msg.is_array()) {
    // JSON-RPC batches are not part of LSP.
    respond_error(nullptr, error_code::kInvalidRequest, "batches are not supported by the Language Server Protocol");
    return;
  }
  handle(msg);
}

void Server::handle(const json& msg) {
  if (!msg.is_object()) {
    respond_error(nullptr, error_code::kInvalidRequest, "a message must be a JSON object");
    return;
  }
  bool has_id = msg.contains("id");
  json id = has_id ? msg["id"] : json(nullptr);
  bool id_ok = !has_id || id.is_string() || id.is_number_integer();
  if (!msg.contains("method")) {
    // A response to one of our requests (registerCapability, showDocument, refresh): nothing to do.
    if (has_id && (msg.contains("result") || msg.contains("error"))) {
      if (msg.contains("error")) log_("the client answered a request with an error: " + msg["error"].dump());
      return;
    }
    respond_error(id_ok ? id : json(nullptr), error_code::kInvalidRequest, "a message without a method");
    return;
  }
  if (!msg["method"].is_string() || !id_ok || msg.value("jsonrpc", json()) != "2.0") {
    respond_error(id_ok ? id : json(nullptr), error_code::kInvalidRequest,
                  !id_ok ? "the id must be a string or an integer"
                         : msg.value("jsonrpc", json()) != "2.0" ? "\"jsonrpc\" must be \"2.0\"" : "the method must be a string");
    return;
  }
  std::string method = msg["method"].get<std::string>();
  static const json no_params;
  const json& params = msg.contains("params") ? msg["params"] : no_params;
  if (has_id) handle_request(id, method, params);
  else handle_notification(method, params);
}

void Server::handle_request(const json& id, const std::string& method, const json& params) {
  if (shutdown_) {
    respond_error(id, error_code::kInvalidRequest, "the server is shutting down: only exit is accepted");
    return;
  }
  if (!initialized_ && method != "initialize") {
    respond_error(id, error_code::kServerNotInitialized, "initialize first");
    return;
  }
  try {
    if (method == "initialize") {
      if (initialized_) {
        respond_error(id, error_code::kInvalidRequest, "initialize was already sent");
        return;
      }
      respond(id, initialize(params));
    } else if (method == "shutdown") {
      shutdown_ = true;
      due_.clear();
      refresh_due_.reset();
      respond(id, nullptr);
    } else if (method == "textDocument/diagnostic") {
      respond(id, pull_diagnostics(params));
    } else if (method == "textDocument/codeAction") {
      respond(id, code_actions(params));
    } else if (method == "textDocument/hover") {
      respond(id, hover(params));
    } else if (method == "workspace/executeCommand") {
      respond(id, execute_command(params));
    } else {
      respond_error(id, error_code::kMethodNotFound, "pgsafe does not handle " + method);
    }
  } catch (const ParamError& e) {
    respond_error(id, error_code::kInvalidParams, method + ": " + e.what());
  } catch (const json::exception& e) {
    respond_error(id, error_code::kInvalidParams, method + ": " + e.what());
  } catch (const std::exception& e) {
    log_("internal error in " + method + ": " + e.what());
    respond_error(id, error_code::kInternalError, method + ": " + e.what());
  }
}

void Server::handle_notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;  // dropped, as the protocol says
  try {
    if (method == "initialized") initialized();
    else if (method == "textDocument/didOpen") did_open(params);
    else if (method == "textDocument/didChange") did_change(params);
    else if (method == "textDocument/didSave") did_save(params);
    else if (method == "textDocument/didClose") did_close(params);
    else if (method == "workspace/didChangeWatchedFiles") did_change_watched_files(params);
    else if (method == "$/setTrace") trace_ = string_member(params, "value");
    // $/cancelRequest: requests are answered in order as they come, none is left to cancel.
    // Anything else (workspace/didChangeConfiguration, $/...) needs nothing from pgsafe.
  } catch (const std::exception& e) {
    // A notification has no answer: the problem is logged.
    log_message(1, method + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

json Server::initialize(const json& params) {
  if (!params.is_object()) throw ParamError("params must be an object");
  const json caps = params.value("capabilities", json::object());
  if (const json* encs = at_path(caps, {"general", "positionEncodings"}); encs && encs->is_array()) {
    // UTF-8 is pgsafe's own (byte offsets): taken when offered; UTF-16 is the default.
    auto offered = [&](const char* e) { return std::find(encs->begin(), encs->end(), json(e)) != encs->end(); };
    if (offered("utf-8")) encoding_ = Encoding::Utf8;
    else if (offered("utf-32")) encoding_ = Encoding::Utf32;
  }
  const json* pull = at_path(caps, {"textDocument", "diagnostic"});
  pull_ = pull && pull->is_object();
  refresh_support_ = flag(caps, {"workspace", "diagnostics", "refreshSupport"});
  watch_dynamic_ = flag(caps, {"workspace", "didChangeWatchedFiles", "dynamicRegistration"});
  show_document_ = flag(caps, {"window", "showDocument", "support"});
  snippet_edits_ = flag(caps, {"workspace", "workspaceEdit", "snippetEditSupport"});
  document_changes_ = flag(caps, {"workspace", "workspaceEdit", "documentChanges"});
  if (const json* fmt = at_path(caps, {"textDocument", "hover", "contentFormat"}); fmt && fmt->is_array())
    markdown_hover_ = std::find(fmt->begin(), fmt->end(), json("markdown")) != fmt->end();
  if (params.contains("trace") && params["trace"].is_string()) trace_ = params["trace"].get<std::string>();
  const json options = params.value("initializationOptions", json::object());
  if (options.is_object() && options.contains("debounceMs")) {
    const json& d = options["debounceMs"];
    if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > 60000)
      throw ParamError("initializationOptions.debounceMs must be an integer from 0 to 60000");
    debounce_ms_ = static_cast<int>(d.get<int64_t>());
  }
  // The workspace root: the first workspace folder, else rootUri, else rootPath.
  std::string root;
  if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array() && !params["workspaceFolders"].empty()) {
    const json& f = params["workspaceFolders"][0];
    if (f.is_object() && f.contains("uri") && f["uri"].is_string())
      if (auto p = path_from_uri(f["uri"].get<std::string>())) root = *p;
  }
  if (root.empty() && params.contains("rootUri") && params["rootUri"].is_string())
    if (auto p = path_from_uri(params["rootUri"].get<std::string>())) root = *p;
  if (root.empty() && params.contains("rootPath") && params["rootPath"].is_string()) root = params["rootPath"].get<std::string>();
  std::error_code ec;
  if (!root.empty() && fs::is_directory(root, ec)) {
    // git (which migrations the default branch has) runs in the workspace.
    fs::current_path(root, ec);
  } else {
    root = fs::current_path(ec).generic_string();
  }
  workspace_ = std::make_unique<Workspace>(root, [this](const std::string& line) { log_message(4, line); });
  initialized_ = true;

  json sync = {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}};
  json result = {
      {"capabilities",
       {{"positionEncoding", encoding_name(encoding_)},
        {"textDocumentSync", sync},
        {"hoverProvider", true},
        {"codeActionProvider",
         {{"codeActionKinds", {"quickfix", "source.fixAll.pgsafe"}}, {"resolveProvider", false}}},
        {"executeCommandProvider", {{"commands", {kPlaceCursor}}}},
        {"diagnosticProvider",
         {{"identifier", "pgsafe"}, {"interFileDependencies", true}, {"workspaceDiagnostics", false}}}}},
      {"serverInfo", {{"name", "pgsafe"}, {"version", PGSAFE_VERSION}}}};
  log_("initialized: root " + root + ", position encoding " + encoding_name(encoding_) + ", " +
       (pull_ ? "pull" : "push") + " diagnostics, debounce " + std::to_string(debounce_ms_) + " ms");
  return result;
}

void Server::initialized() {
  if (!watch_dynamic_) {
    log_message(3, "the client does not report changed files: the migrations folders and .pgsafe.toml are read "
                   "again at most every 2 s while you edit");
    return;
  }
  json watchers = json::array({{{"globPattern", "**/*.sql"}}, {{"globPattern", "**/" + std::string(kConfigFileName)}}});
  request("client/registerCapability",
          {{"registrations",
            {{{"id", "pgsafe-watched-files"},
              {"method", "workspace/didChangeWatchedFiles"},
              {"registerOptions", {{"watchers", watchers}}}}}}});
}

// ---------------------------------------------------------------------------------------------
// Documents

Document& Server::document(const json& text_document) {
  std::string uri = string_member(text_document, "uri");
  auto it = documents_.find(uri);
  if (it == documents_.end()) throw ParamError("the document " + uri + " is not open");
  return it->second;
}

void Server::did_open(const json& params) {
  const json& td = member(params, "textDocument");
  Document doc;
  doc.uri = string_member(td, "uri");
  doc.language_id = td.contains("languageId") && td["languageId"].is_string() ? td["languageId"].get<std::string>() : "";
  doc.version = td.contains("version") && td["version"].is_number_integer() ? td["version"].get<int64_t>() : 0;
  doc.set_text(string_member(td, "text"));
  if (auto p = path_from_uri(doc.uri)) doc.path = fs::path(*p).lexically_normal().generic_string();
  std::string path = doc.path;
  std::string uri = doc.uri;
  documents_[uri] = std::move(doc);
  if (!is_sql_file(path)) return;
  workspace_->buffer_changed(path);
  schedule(uri, Clock::now());
  schedule_others(uri, Clock::now() + std::chrono::milliseconds(debounce_ms_));
}

void Server::did_change(const json& params) {
  Document& doc = document(member(params, "textDocument"));
  const json& changes = member(params, "contentChanges");
  if (!changes.is_array()) throw ParamError("'contentChanges' must be an array");
  for (const auto& c : changes) {
    std::optional<std::pair<LspPosition, LspPosition>> range;
    if (c.contains("range")) range = range_member(c, "range");
    doc.apply_change(range, string_member(c, "text"), encoding_);
  }
  const json& td = params["textDocument"];
  if (td.contains("version") && td["version"].is_number_integer()) doc.version = td["version"].get<int64_t>();
  if (!is_sql_file(doc.path)) return;
  workspace_->buffer_changed(doc.path);
  auto when = Clock::now() + std::chrono::milliseconds(debounce_ms_);
  if (!pull_) schedule(doc.uri, when);
  schedule_others(doc.uri, when);
}

void Server::did_save(const json& params) {
  std::string uri = string_member(member(params, "textDocument"), "uri");
  auto path = path_from_uri(uri);
  if (!path) return;
  if (fs::path(*path).filename() == kConfigFileName) {
    // Clients that cannot watch files still say when the configuration is saved in the editor.
    workspace_->config_changed();
    config_reloaded();
    return;
  }
  if (!watch_dynamic_) workspace_->file_changed(*path);
}

void Server::did_close(const json& params) {
  std::string uri = string_member(member(params, "textDocument"), "uri");
  auto it = documents_.find(uri);
  if (it == documents_.end()) return;
  std::string path = it->second.path;
  documents_.erase(it);
  results_.erase(uri);
  due_.erase(uri);
  diagnostics_json_.erase(uri);
  if (is_sql_file(path)) {
    if (!pull_) notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
    workspace_->document_closed(path);  // the file on disk counts again
    schedule_others(uri, Clock::now() + std::chrono::milliseconds(debounce_ms_));
  }
}

void Server::did_change_watched_files(const json& params) {
  const json& changes = member(params, "changes");
  if (!changes.is_array()) throw ParamError("'changes' must be an array");
  bool config = false, sql = false;
  for (const auto& c : changes) {
    auto path = path_from_uri(string_member(c, "uri"));
    if (!path) continue;
    if (fs::path(*path).filename() == kConfigFileName) config = true;
    else if (is_sql_file(*path)) {
      workspace_->file_changed(*path);
      sql = true;
    }
  }
  if (config) {
    workspace_->config_changed();
    config_reloaded();
  } else if (sql) {
    schedule_others("", Clock::now() + std::chrono::milliseconds(debounce_ms_));
  }
}

void Server::config_reloaded() {
  log_message(3, "configuration changed: linting the open files again");
  schedule_others("", Clock::now());
}

// ---------------------------------------------------------------------------------------------
// Linting and diagnostics

bool Server::stale(const Document& doc) const {
  auto it = results_.find(doc.uri);
  return it == results_.end() || it->second.version != doc.version || it->second.world != workspace_->world() ||
         it->second.text != doc.text;
}

void Server::schedule(const std::string& uri, Clock::time_point when) {
  auto it = due_.find(uri);
  if (it == due_.end() || when > it->second || it->second - when > std::chrono::milliseconds(debounce_ms_))
    due_[uri] = when;
}

void Server::schedule_others(const std::string& except_uri, Clock::time_point when) {
  if (pull_) {
    // The client pulls what it shows; it is asked to pull again when other files changed.
    if (refresh_support_) refresh_due_ = when;
    return;
  }
  // Other files wait for the typing to stop too.
  for (const auto& [uri, doc] : documents_)
    if (uri != except_uri && is_sql_file(doc.path)) due_[uri] = when;
}

int Server::wait_ms() const {
  std::optional<Clock::time_point> next = refresh_due_;
  for (const auto& [uri, when] : due_)
    if (!next || when < *next) next = when;
  if (!next) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

void Server::on_idle() {
  auto now = Clock::now();
  // The most recently edited file first: its diagnostics are the ones being waited for.
  std::vector<std::string> ready;
  for (const auto& [uri, when] : due_)
    if (when <= now) ready.push_back(uri);
  std::sort(ready.begin(), ready.end(), [&](const std::string& a, const std::string& b) { return due_[a] > due_[b]; });
  for (const auto& uri : ready) {
    due_.erase(uri);
    auto it = documents_.find(uri);
    if (it == documents_.end()) continue;
    if (stale(it->second)) lint_now(it->second);
    if (!pull_) publish(it->second, results_[uri]);
  }
  if (refresh_due_ && *refresh_due_ <= now) {
    refresh_due_.reset();
    request("workspace/diagnostic/refresh", nullptr);
  }
}

void Server::lint_now(Document& doc) {
  std::map<std::string, const Document*> open;
  for (const auto& [uri, d] : documents_)
    if (!d.path.empty()) open[d.path] = &d;
  LintedDocument r = workspace_->lint(doc, open);
  if (!r.not_linted.empty()) {
    // Said once per file (and again when the reason changes), not at every keystroke.
    auto& told = not_linted_told_[doc.uri];
    if (told != r.not_linted) log_message(3, "not linting " + (doc.path.empty() ? doc.uri : doc.path) + ": " + r.not_linted);
    told = r.not_linted;
  } else {
    not_linted_told_.erase(doc.uri);
    trace("linted " + doc.path + " v" + std::to_string(doc.version) + " in " + std::to_string(r.milliseconds) + " ms (" +
          std::to_string(r.history_files) + " history files, " + std::to_string(r.history_from_memo) + " from memory, " +
          std::to_string(r.history_from_cache) + " from the cache file)");
  }
  results_[doc.uri] = std::move(r);
  diagnostics_json_[doc.uri] = lsp_diagnostics(results_[doc.uri]);
  publish_config_diagnostics();
}

const LintedDocument& Server::current(Document& doc) {
  if (stale(doc)) {
    lint_now(doc);
    due_.erase(doc.uri);
    // A pushing client gets what it asked about too, so what it shows agrees.
    if (!pull_) publish(doc, results_[doc.uri]);
  }
  return results_[doc.uri];
}

json Server::range_json(std::string_view text, const LineIndex& lines, size_t begin, size_t end) const {
  LspPosition a = lines.position(text, begin, encoding_), b = lines.position(text, std::max(begin, end), encoding_);
  return {{"start", {{"line", a.line}, {"character", a.character}}}, {"end", {{"line", b.line}, {"character", b.character}}}};
}

std::optional<json> Server::location_in(const std::string& path, uint32_t begin, uint32_t end) {
  // Each other file is read and indexed once per set of diagnostics (see lsp_diagnostics).
  auto it = other_files_.find(path);
  if (it == other_files_.end()) {
    OtherFile f;
    f.uri = uri_from_path(path);
    bool found = false;
    for (const auto& [u, d] : documents_)
      if (d.path == path) {
        f.text = d.text;
        f.uri = u;
        found = true;
      }
    if (!found) {
      auto bytes = read_file_bytes(path);
      f.readable = bytes.has_value();
      if (bytes) f.text = std::move(*bytes);
    }
    f.lines = LineIndex(f.text);
    it = other_files_.emplace(path, std::move(f)).first;
  }
  const OtherFile& f = it->second;
  if (!f.readable || end > f.text.size()) return std::nullopt;
  return json{{"uri", f.uri}, {"range", range_json(f.text, f.lines, begin, end)}};
}

json Server::lsp_diagnostics(const LintedDocument& r) {
  other_files_.clear();
  json out = json::array();
  LineIndex lines(r.text);
  // InputError positions are 1-based lines and code points: UTF-32 units, 0-based in LSP.
  auto at_line_col = [&](uint32_t line, uint32_t column) -> size_t {
    return line == 0 ? 0 : lines.offset(r.text, LspPosition{line - 1, column > 0 ? column - 1 : 0}, Encoding::Utf32);
  };
  if (r.config_problem) {
    out.push_back({{"range", range_json(r.text, lines, 0, 0)},
                   {"severity", 2},
                   {"source", "pgsafe"},
                   {"code", "config-error"},
                   {"message", r.not_linted}});
    return out;
  }
  for (const auto& e : r.errors) {
    size_t off = at_line_col(e.line, e.column);
    out.push_back({{"range", range_json(r.text, lines, off, off)},
                   {"severity", 1},
                   {"source", "pgsafe"},
                   {"code", "input-error"},
                   {"message", e.message}});
  }
  if (!r.other_errors.empty()) {
    std::string msg = "the history this file is judged against is incomplete: ";
    for (size_t i = 0; i < r.other_errors.size() && i < 3; ++i) {
      const auto& e = r.other_errors[i];
      msg += (i ? "; " : "") + e.file + (e.line ? ":" + std::to_string(e.line) : "") + ": " + e.message;
    }
    if (r.other_errors.size() > 3) msg += "; and " + std::to_string(r.other_errors.size() - 3) + " more";
    out.push_back({{"range", range_json(r.text, lines, 0, 0)},
                   {"severity", 2},
                   {"source", "pgsafe"},
                   {"code", "history-error"},
                   {"message", msg}});
  }
  for (const auto& d : r.diagnostics) {
    if (d.suppression) continue;
    json j = {{"range", range_json(r.text, lines, d.range.start.offset, d.range.end.offset)},
              {"severity", lsp_severity(d.severity)},
              {"source", "pgsafe"},
              {"code", d.rule},
              {"message", d.message}};
    if (!d.url.empty()) j["codeDescription"] = {{"href", d.url.str()}};
    if (d.rule == "unused-ignore") j["tags"] = json::array({1});  // Unnecessary: shown faded
    if (!d.related.empty()) {
      json rel = json::array();
      for (const auto& rl : d.related)
        if (auto loc = location_in(rl.file, rl.begin, rl.end)) rel.push_back({{"location", *loc}, {"message", rl.message}});
      if (!rel.empty()) j["relatedInformation"] = rel;
    }
    out.push_back(std::move(j));
  }
  other_files_.clear();
  return out;
}

void Server::publish(const Document& doc, const LintedDocument& r) {
  notify("textDocument/publishDiagnostics", {{"uri", doc.uri}, {"version", r.version}, {"diagnostics", diagnostics_json_[doc.uri]}});
}

void Server::publish_config_diagnostics() {
  auto current = workspace_->config_errors();
  // A configuration no project uses any more (deleted, or replaced by another) keeps no errors.
  for (auto it = published_config_.begin(); it != published_config_.end();) {
    auto path = path_from_uri(it->first);
    if (path && !current.count(*path)) {
      if (it->second != "[]") notify("textDocument/publishDiagnostics", {{"uri", it->first}, {"diagnostics", json::array()}});
      it = published_config_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [path, errors] : current) {
    std::string uri = uri_from_path(path);
    json diags = json::array();
    std::string text = read_file_bytes(path).value_or("");
    LineIndex lines(text);
    for (const auto& e : errors) {
      size_t off = e.line ? lines.offset(text, LspPosition{e.line - 1, 0}, Encoding::Utf8) : 0;
      size_t end = e.line ? lines.line_end(text, std::min<size_t>(e.line - 1, lines.line_count() - 1)) : 0;
      diags.push_back({{"range", range_json(text, lines, off, std::max(off, end))},
                       {"severity", 1},
                       {"source", "pgsafe"},
                       {"code", "config-error"},
                       {"message", e.message}});
    }
    std::string dumped = diags.dump();
    auto it = published_config_.find(uri);
    if (it != published_config_.end() && it->second == dumped) continue;
    published_config_[uri] = dumped;
    if (!errors.empty()) log_message(1, path + ": " + errors.front().message);
    notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", diags}});
  }
}

json Server::pull_diagnostics(const json& params) {
  Document& doc = document(member(params, "textDocument"));
  const LintedDocument& r = current(doc);
  std::string result_id = std::to_string(r.world) + "-" + std::to_string(r.version);
  if (params.contains("previousResultId") && params["previousResultId"] == result_id)
    return {{"kind", "unchanged"}, {"resultId", result_id}};
  return {{"kind", "full"}, {"resultId", result_id}, {"items", diagnostics_json_[doc.uri]}};
}

// ---------------------------------------------------------------------------------------------
// Code actions

json Server::code_actions(const json& params) {
  Document& doc = document(member(params, "textDocument"));
  auto [from, to] = range_member(params, "range");
  const json context = params.value("context", json::object());
  const json only = context.is_object() ? context.value("only", json()) : json();
  const LintedDocument& r = current(doc);
  json actions = json::array();
  if (!r.not_linted.empty()) return actions;
  if (r.committed) {
    // As `pgsafe lint --fix` leaves it: editing an applied migration changes its checksum, and the
    // change never runs. The fix belongs in a new migration.
    auto& told = not_linted_told_[doc.uri + "#edit"];
    if (told.empty())
      log_message(3, "no fixes or suppressions offered for " + doc.path + ": " + r.committed_where +
                         " already has it, so it may be applied somewhere; put the change in a new migration");
    told = "told";
    return actions;
  }
  size_t a = doc.lines.offset(doc.text, from, encoding_), b = doc.lines.offset(doc.text, to, encoding_);
  if (b < a) std::swap(a, b);
  // The whole lines of the range: a cursor anywhere on a finding's line offers its actions, as
  // the light bulb at the start of the line promises.
  {
    LspPosition pa = doc.lines.position(doc.text, a, Encoding::Utf8), pb = doc.lines.position(doc.text, b, Encoding::Utf8);
    a = doc.lines.line_start(pa.line);
    b = doc.lines.line_end(doc.text, pb.line);
  }

  // The statements as the lint saw them (a BOM and template actions replaced), to put a
  // suppression above the one a finding is in. Inserted lines end as the file's lines do.
  const auto& stmts = r.statements;
  const std::string eol = doc.text.find("\r\n") != std::string::npos ? "\r\n" : "\n";
  const size_t bom = doc.text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;

  auto edit_for = [&](json edits) -> json {
    if (document_changes_)
      return {{"documentChanges",
               json::array({{{"textDocument", {{"uri", doc.uri}, {"version", doc.version}}}, {"edits", std::move(edits)}}})}};
    return {{"changes", {{doc.uri, std::move(edits)}}}};
  };
  // A suppression comment inserted at `at`; the cursor goes where its reason is written.
  auto suppression = [&](const std::string& title, size_t at, const std::string& before, const std::string& comment,
                         const std::string& after, const json& diag) {
    json range = range_json(doc.text, doc.lines, at, at);
    json action = {{"title", title}, {"kind", "quickfix"}, {"diagnostics", json::array({diag})}};
    if (snippet_edits_) {
      json edit = {{"range", range}, {"snippet", {{"kind", "snippet"}, {"value", snippet_escape(before + comment) + "$0" + snippet_escape(after)}}}};
      action["edit"] = {{"documentChanges",
                         json::array({{{"textDocument", {{"uri", doc.uri}, {"version", doc.version}}}, {"edits", json::array({edit})}}})}};
      return action;
    }
    action["edit"] = edit_for(json::array({{{"range", range}, {"newText", before + comment + after}}}));
    if (show_document_) {
      // Where the reason goes once the edit is made: the inserted text's last line, after the comment.
      std::string upto = doc.text.substr(0, at) + before + comment;
      LineIndex after_lines(upto);
      LspPosition cursor = after_lines.position(upto, upto.size(), encoding_);
      action["command"] = {{"title", "Place the cursor where the reason goes"},
                           {"command", kPlaceCursor},
                           {"arguments", json::array({doc.uri, {{"line", cursor.line}, {"character", cursor.character}}})}};
    }
    return action;
  };

  const json& diags_json = diagnostics_json_[doc.uri];
  size_t k = 0;  // index into diags_json of the next unsuppressed finding
  size_t leading = diags_json.size();
  for (const auto& d : r.diagnostics)
    if (!d.suppression) --leading;  // lsp_diagnostics puts input and history problems first
  k = leading;
  std::set<std::string> file_suppressed;
  size_t safe_fixes = 0;
  for (const auto& d : r.diagnostics) {
    if (d.suppression) continue;
    const json& dj = diags_json[k++];
    if (d.fix && d.fix->safe) ++safe_fixes;
    size_t ds = d.range.start.offset, de = d.range.end.offset;
    if (!(ds <= b && a <= de)) continue;
    if (d.fix && wanted(only, "quickfix")) {
      json edits = json::array();
      for (const auto& e : d.fix->edits)
        edits.push_back({{"range", range_json(doc.text, doc.lines, e.range.start.offset, e.range.end.offset)}, {"newText", e.new_text}});
      json action = {{"title", d.fix->safe ? "Fix: " + d.fix->description
                                           : "Fix (unsafe, review the change): " + d.fix->description},
                     {"kind", "quickfix"},
                     {"diagnostics", json::array({dj})},
                     {"edit", edit_for(edits)}};
      if (d.fix->safe) action["isPreferred"] = true;
      actions.push_back(std::move(action));
    }
    if (!wanted(only, "quickfix")) continue;
    // Above the top-level statement holding the finding (an ignore before a DO block covers its statements).
    int s = d.statement;
    while (s >= 0 && static_cast<size_t>(s) < stmts.size() && stmts[static_cast<size_t>(s)].parent >= 0) s = stmts[static_cast<size_t>(s)].parent;
    if (s >= 0 && static_cast<size_t>(s) < stmts.size()) {
      size_t begin = std::min<size_t>(stmts[static_cast<size_t>(s)].begin, doc.text.size());
      LspPosition p = doc.lines.position(doc.text, begin, Encoding::Utf8);
      size_t line_start = std::max(doc.lines.line_start(p.line), p.line == 0 ? bom : 0);
      std::string lead = doc.text.substr(line_start, begin - line_start);
      bool blank = std::all_of(lead.begin(), lead.end(), [](char c) { return c == ' ' || c == '\t'; });
      std::string comment = "-- pgsafe-ignore " + d.rule + ": ";
      if (blank)
        actions.push_back(suppression("Suppress " + d.rule + " here with a reason…", line_start, lead, comment, eol, dj));
      else
        actions.push_back(suppression("Suppress " + d.rule + " here with a reason…", begin, eol, comment, eol, dj));
    }
    if (file_suppressed.insert(d.rule).second)
      actions.push_back(suppression("Suppress " + d.rule + " in this file with a reason…", bom, "",
                                    "-- pgsafe-ignore-file " + d.rule + ": ", eol, dj));
  }
  // Every safe fix of the file at once (as `pgsafe lint --fix` makes them, one pass): only when
  // source actions are asked for (the edit is the whole file, too much to send at every cursor move).
  if (safe_fixes > 0 && only.is_array() && wanted(only, "source.fixAll.pgsafe")) {
    std::vector<const Diagnostic*> active;
    for (const auto& d : r.diagnostics)
      if (!d.suppression && d.fix) active.push_back(&d);
    FixResult fixed = apply_fixes(doc.text, active, /*include_unsafe=*/false);
    if (fixed.applied > 0 && fixed.text != doc.text) {
      json edit = {{"range", range_json(doc.text, doc.lines, 0, doc.text.size())}, {"newText", fixed.text}};
      actions.push_back({{"title", "Fix all safe pgsafe findings (" + std::to_string(fixed.applied) + ")"},
                         {"kind", "source.fixAll.pgsafe"},
                         {"edit", edit_for(json::array({edit}))}});
    }
  }
  return actions;
}

json Server::execute_command(const json& params) {
  std::string command = string_member(params, "command");
  if (command != kPlaceCursor) throw ParamError("unknown command '" + command + "'");
  const json& args = member(params, "arguments");
  if (!args.is_array() || args.size() != 2 || !args[0].is_string()) throw ParamError("arguments must be [uri, position]");
  json pos = {{"line", uint_member(args[1], "line")}, {"character", uint_member(args[1], "character")}};
  if (show_document_)
    request("window/showDocument",
            {{"uri", args[0]}, {"takeFocus", true}, {"selection", {{"start", pos}, {"end", pos}}}});
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Hover

json Server::hover(const json& params) {
  Document& doc = document(member(params, "textDocument"));
  LspPosition pos = position_member(params, "position");
  const LintedDocument& r = current(doc);
  if (!r.not_linted.empty()) return nullptr;
  size_t off = doc.lines.offset(doc.text, pos, encoding_);
  std::string md;
  std::optional<std::pair<size_t, size_t>> range;
  auto covers = [&](size_t b, size_t e) { return b <= off && (off < e || (b == e && off == b)); };
  for (const auto& d : r.diagnostics) {
    if (d.suppression || !covers(d.range.start.offset, d.range.end.offset)) continue;
    const RuleDef* def = find_rule(d.rule);
    md += "**pgsafe `" + d.rule + "`** (" + std::string(to_string(d.severity)) + "): " + d.message + "\n\n";
    if (def && !meta_of(*def).rationale.empty()) md += std::string(meta_of(*def).rationale) + "\n\n";
    if (!d.help.empty()) md += "**What to do:** " + d.help.str() + "\n\n";
    if (!d.url.empty()) md += "[" + d.rule + " documentation](" + d.url.str() + ")\n\n";
    if (!range) range = {d.range.start.offset, d.range.end.offset};
  }
  // The innermost statement holding the position (a DO block's statements lie inside it).
  const StatementPlan* stmt = nullptr;
  size_t stmt_index = 0;
  for (size_t i = 0; i < r.statements.size(); ++i) {
    const auto& s = r.statements[i];
    if (s.kind.empty() || !(s.begin <= off && off <= s.end)) continue;
    if (!stmt || (s.begin >= stmt->begin && s.end <= stmt->end)) {
      stmt = &s;
      stmt_index = i;
    }
  }
  if (stmt) {
    if (!md.empty()) md += "---\n\n";
    // A DO block takes what the statements inside it take.
    std::vector<PlanLock> locks = stmt->locks;
    bool rewrites = stmt->rewrites;
    for (size_t i = stmt_index + 1; i < r.statements.size(); ++i) {
      int p = r.statements[i].parent;
      while (p >= 0 && static_cast<size_t>(p) != stmt_index) p = r.statements[static_cast<size_t>(p)].parent;
      if (p < 0) continue;
      rewrites = rewrites || r.statements[i].rewrites;
      for (const auto& l : r.statements[i].locks)
        if (std::none_of(locks.begin(), locks.end(), [&](const PlanLock& x) { return x.relation == l.relation && x.mode == l.mode; }))
          locks.push_back(l);
    }
    md += "**`" + stmt->kind + "`**";
    if (locks.empty()) {
      md += " takes no lock on a table that already exists.\n";
    } else {
      md += " takes:\n\n";
      for (const auto& l : locks)
        md += "- **" + l.mode + "** on `" + l.relation + "`: " + lock_effect(l.mode) + "\n";
    }
    if (rewrites)
      md += "\nIt **rewrites** the table: every row is copied, taking time (and disk) in proportion to its size "
            "while the lock is held.\n";
    if (!range) range = {stmt->begin, stmt->end};
  }
  if (md.empty()) return nullptr;
  while (!md.empty() && md.back() == '\n') md.pop_back();
  json contents = {{"kind", markdown_hover_ ? "markdown" : "plaintext"}, {"value", markdown_hover_ ? md : plain(md)}};
  json out = {{"contents", contents}};
  if (range) out["range"] = range_json(doc.text, doc.lines, range->first, range->second);
  return out;
}

// ---------------------------------------------------------------------------------------------

int run_stdio() {
  // A client that goes away leaves a closed pipe: writes fail, they do not kill the server.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);  // a history cache write past ulimit -f fails; no cache
  MessageReader reader(STDIN_FILENO);
  MessageWriter writer(STDOUT_FILENO);
  bool output_gone = false;
  Server server(
      [&](const json& msg) {
        if (!output_gone && !writer.write(msg.dump(-1, ' ', false, json::error_handler_t::replace))) output_gone = true;
      },
      [](const std::string& line) { std::cerr << "pgsafe lsp: " << line << std::endl; });
  while (!server.exited() && !output_gone) {
    // Waiting messages come first: a lint waits until the client is quiet for the debounce delay.
    auto r = reader.next(server.wait_ms());
    switch (r.status) {
      case MessageReader::Status::Message: server.receive(r.body); break;
      case MessageReader::Status::Malformed: server.malformed(r.error); break;
      case MessageReader::Status::Timeout: server.on_idle(); break;
      case MessageReader::Status::End:
        std::cerr << "pgsafe lsp: the client closed the connection without exit\n";
        return 1;
    }
  }
  return server.exit_code();
}

}  // namespace pgsafe::lsp
