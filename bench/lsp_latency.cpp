// Keystroke re-lint latency of `pgsafe lsp` on a real migration set.
// Usage: pgsafe_lsp_bench PGSAFE_BINARY CORPUS_DIR [EDITS=50]
//
// CORPUS_DIR is a folder of migrations (e.g. ../shared/corpus/lemmy: Diesel folders
// <version>_<name>/up.sql + down.sql). It is copied into a fresh temp project as migrations/, next to
// a .pgsafe.toml naming that folder, and the server runs there over stdio (tests/lsp_client.h), in
// push mode, with {"debounceMs": 0} so that no debounce delay is counted.
//
//   A  a NEW file after the newest migration (not on disk), opened, then edited EDITS times by typing
//      one character at a time; each edit is timed from sending the didChange to the
//      publishDiagnostics carrying its version. The first publish after didOpen is the cold lint
//      (the server replays the whole history before it) and is reported on its own.
//   B  the same text and edits in another new file (A's is closed first), but each didChange is
//      followed at once by a textDocument/diagnostic request, and the time to its response is
//      measured. The server still pushes diagnostics for each change too (the client declares push
//      mode), so this is the pull latency with that push work competing, as an editor doing both sees it.
//   C  an existing file about half way through the set (text read from disk), opened and edited
//      EDITS times with small edits that leave its statements alone (a trailing comment or space):
//      timed as in A. Later migrations exist on disk after it, so this shows the cost of editing
//      history rather than the tip.
//
// Edits are sent one at a time: each waits for the previous one's answer, so the figures are the
// latency of one re-lint, not throughput under a burst of keystrokes (which a debounce would
// coalesce). Nothing is asserted about the diagnostics themselves; their count is printed as a sanity
// check that linting happened. Ends with shutdown + exit and checks that the server exits with 0.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/lsp_client.h"

namespace fs = std::filesystem;
using nlohmann::json;
using pgsafe::test::file_uri;
using pgsafe::test::LspClient;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kColdTimeout = std::chrono::seconds(300);  // the first lint replays every migration
constexpr auto kEditTimeout = std::chrono::seconds(60);

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Row {
  std::string name;
  std::vector<double> ms;
  std::string note;
};

// Nearest-rank percentile of sorted values.
double pct(const std::vector<double>& sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

void print_table(const std::vector<Row>& rows) {
  std::printf("%-40s %5s %9s %9s %9s %9s %9s\n", "scenario (ms)", "n", "min", "median", "p90", "p99", "max");
  for (const auto& r : rows) {
    std::vector<double> v = r.ms;
    std::sort(v.begin(), v.end());
    if (v.empty()) {
      std::printf("%-40s %5d\n", r.name.c_str(), 0);
      continue;
    }
    std::printf("%-40s %5zu %9.2f %9.2f %9.2f %9.2f %9.2f  %s\n", r.name.c_str(), v.size(), v.front(), pct(v, 0.5),
                pct(v, 0.9), pct(v, 0.99), v.back(), r.note.c_str());
  }
}

bool is_publish_for(const json& n, const std::string& uri) {
  const json& p = n.value("params", json::object());
  return p.is_object() && p.value("uri", "") == uri;
}
bool is_publish_for(const json& n, const std::string& uri, int version) {
  if (!is_publish_for(n, uri)) return false;
  const json& p = n["params"];
  return p.contains("version") && p["version"] == version;
}

size_t count_of(const json& diagnostics) { return diagnostics.is_array() ? diagnostics.size() : 0; }

// The document as it reads after `k` characters of typing in scenarios A and B: the user adds
// " NOT NULL DEFAULT 'x'" before the ';' of the first statement, then goes on writing more such
// statements, so intermediate texts are often incomplete SQL (as they are while typing).
std::string typed_text(size_t k) {
  static const std::string head = "ALTER TABLE person ADD COLUMN bench_c0 text", tail = ";\n";
  std::string script = " NOT NULL DEFAULT 'x'";
  for (int i = 1; script.size() < k; ++i)
    script += ";\nALTER TABLE person ADD COLUMN bench_c" + std::to_string(i) + " text NOT NULL DEFAULT 'x'";
  return head + script.substr(0, k) + tail;
}

void did_open(LspClient& c, const std::string& uri, const std::string& text) {
  c.notify("textDocument/didOpen",
           {{"textDocument", {{"uri", uri}, {"languageId", "sql"}, {"version", 1}, {"text", text}}}});
}
void did_change(LspClient& c, const std::string& uri, int version, const std::string& text) {
  c.notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", json::array({{{"text", text}}})}});
}
void did_close(LspClient& c, const std::string& uri) {
  c.notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}});
}

// didOpen, then the time to the first publishDiagnostics for the uri (version 1, or one without a
// version). Each scenario opens a uri of its own: the empty publish a server sends when a document
// closes could otherwise arrive after the drain below and be taken for the reopened one's.
double open_and_wait(LspClient& c, const std::string& uri, const std::string& text, size_t& diagnostics) {
  c.drain("textDocument/publishDiagnostics");
  auto t0 = Clock::now();
  did_open(c, uri, text);
  json n = c.wait_notification("textDocument/publishDiagnostics", [&](const json& m) {
                                 return is_publish_for(m, uri) && m["params"].value("version", json(1)) == 1;
                               },
                               std::chrono::duration_cast<std::chrono::milliseconds>(kColdTimeout));
  double t = ms_since(t0);
  diagnostics = count_of(n["params"]["diagnostics"]);
  return t;
}

// Push mode: didChange -> the publishDiagnostics carrying its version.
std::vector<double> edits_push(LspClient& c, const std::string& uri, int edits,
                               const std::function<std::string(int)>& text_of, size_t& diagnostics) {
  std::vector<double> ms;
  for (int k = 1; k <= edits; ++k) {
    int version = k + 1;  // didOpen was version 1
    auto t0 = Clock::now();
    did_change(c, uri, version, text_of(k));
    json n = c.wait_notification("textDocument/publishDiagnostics",
                                 [&](const json& m) { return is_publish_for(m, uri, version); },
                                 std::chrono::duration_cast<std::chrono::milliseconds>(kEditTimeout));
    ms.push_back(ms_since(t0));
    diagnostics = count_of(n["params"]["diagnostics"]);
    c.drain("textDocument/publishDiagnostics");  // older versions or other files: not measured
  }
  return ms;
}

// Pull: didChange, then textDocument/diagnostic at once -> its response.
std::vector<double> edits_pull(LspClient& c, const std::string& uri, int edits,
                               const std::function<std::string(int)>& text_of, size_t& diagnostics) {
  std::vector<double> ms;
  for (int k = 1; k <= edits; ++k) {
    auto t0 = Clock::now();
    did_change(c, uri, k + 1, text_of(k));
    json r = c.call("textDocument/diagnostic", {{"textDocument", {{"uri", uri}}}},
                    std::chrono::duration_cast<std::chrono::milliseconds>(kEditTimeout));
    ms.push_back(ms_since(t0));
    if (r.contains("error")) throw std::runtime_error("textDocument/diagnostic failed: " + r["error"].dump());
    diagnostics = r["result"].is_object() ? count_of(r["result"].value("items", json())) : 0;
    c.drain("textDocument/publishDiagnostics");  // the pushes each change also causes
  }
  return ms;
}

int run(const std::string& binary, const fs::path& corpus, int edits, const fs::path& project) {
  fs::path migrations = project / "migrations";
  fs::copy(corpus, migrations, fs::copy_options::recursive);
  // The corpus may be read-only; the copies must be removable afterwards.
  for (const auto& e : fs::recursive_directory_iterator(migrations))
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write |
                                  (e.is_directory() ? fs::perms::owner_exec : fs::perms::none),
                    fs::perm_options::add);
  std::ofstream(project / ".pgsafe.toml") << "migrations_dir = \"migrations\"\n";

  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(migrations))
    if (e.is_directory() && fs::exists(e.path() / "up.sql")) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());  // Diesel versions are timestamps: name order is history order
  if (folders.empty()) throw std::runtime_error(corpus.string() + " holds no <version>_<name>/up.sql folders");
  std::printf("pgsafe lsp latency: %s, %zu migrations, %d edits per scenario\n", corpus.c_str(), folders.size(), edits);

  LspClient c({binary, "lsp"}, project.string());
  c.set_request_handler([](const json& req) -> json {
    // workspace/configuration wants one value per item asked for; everything else takes null.
    if (req["method"] == "workspace/configuration" && req.contains("params"))
      return json::array_t(req["params"].value("items", json::array()).size(), nullptr);
    return nullptr;
  });
  const std::string root = file_uri(project.string());
  json init = c.call("initialize",
                     {{"processId", static_cast<int>(getpid())},
                      {"rootUri", root},
                      {"workspaceFolders", json::array({{{"uri", root}, {"name", project.filename().string()}}})},
                      {"capabilities", {{"textDocument", {{"publishDiagnostics", {{"relatedInformation", true}}}}}}},
                      {"initializationOptions", {{"debounceMs", 0}}}},
                     std::chrono::seconds(60));
  if (init.contains("error")) throw std::runtime_error("initialize failed: " + init["error"].dump());
  c.notify("initialized", json::object());

  std::vector<Row> rows;
  size_t diags = 0;

  // A: a new migration after the newest one, typed into.
  const std::string new_uri = file_uri((migrations / "2099-01-01-000000_bench_edit" / "up.sql").string());
  auto typed = [](int k) { return typed_text(static_cast<size_t>(k)); };
  double cold = open_and_wait(c, new_uri, typed_text(0), diags);
  rows.push_back({"A open new file (cold: whole history)", {cold}, std::to_string(diags) + " diagnostics"});
  auto a = edits_push(c, new_uri, edits, typed, diags);
  rows.push_back({"A edit newest -> publish", a, "last: " + std::to_string(diags) + " diagnostics"});
  did_close(c, new_uri);

  // B: the same text and edits in another new file (A's is closed, and not on disk), pulled.
  const std::string pull_uri = file_uri((migrations / "2099-01-02-000000_bench_pull" / "up.sql").string());
  double reopen = open_and_wait(c, pull_uri, typed_text(0), diags);
  rows.push_back({"B open new file (warm) -> publish", {reopen}, std::to_string(diags) + " diagnostics"});
  auto b = edits_pull(c, pull_uri, edits, typed, diags);
  rows.push_back({"B edit newest -> pull response", b, "last: " + std::to_string(diags) + " items"});
  did_close(c, pull_uri);

  // C: a migration half way through the history.
  const fs::path middle = folders[folders.size() / 2] / "up.sql";
  const std::string original = read_text(middle), mid_uri = file_uri(middle.string());
  double open_mid = open_and_wait(c, mid_uri, original, diags);
  rows.push_back({"C open middle file -> publish", {open_mid}, std::to_string(diags) + " diagnostics"});
  auto text_c = [&](int k) {  // odd: a trailing space; even: a trailing comment
    return original + (k % 2 ? std::string(static_cast<size_t>(k / 2 + 1), ' ') : "\n-- bench edit " + std::to_string(k) + "\n");
  };
  auto cc = edits_push(c, mid_uri, edits, text_c, diags);
  rows.push_back({"C edit middle -> publish", cc, "last: " + std::to_string(diags) + " diagnostics"});
  did_close(c, mid_uri);

  std::printf("middle file: %s\n", fs::relative(middle, project).c_str());
  print_table(rows);

  json down = c.call("shutdown", nullptr, std::chrono::seconds(30));
  if (down.contains("error")) throw std::runtime_error("shutdown failed: " + down["error"].dump());
  c.notify("exit");
  int status = c.wait_exit(std::chrono::seconds(10));
  auto errors = c.protocol_errors();
  for (const auto& e : errors) std::fprintf(stderr, "protocol error: %s\n", e.c_str());
  if (status != 0) {
    std::fprintf(stderr, "the server's exit status after shutdown + exit was %d (-1: still running)\nstderr:\n%s\n",
                 status, c.stderr_text().c_str());
    return 1;
  }
  return errors.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: pgsafe_lsp_bench PGSAFE_BINARY CORPUS_DIR [EDITS=50]\n");
    return 2;
  }
  int edits = argc > 3 ? std::atoi(argv[3]) : 50;
  if (edits < 1) {
    std::fprintf(stderr, "pgsafe_lsp_bench: EDITS must be a positive number\n");
    return 2;
  }
  std::error_code ec;
  if (!fs::is_directory(argv[2], ec)) {
    std::fprintf(stderr, "pgsafe_lsp_bench: %s is not a folder\n", argv[2]);
    return 2;
  }
  // The server runs in the temp project: a relative path to it is made absolute (a bare name is
  // left to the PATH lookup).
  std::string binary = argv[1];
  if (binary.find('/') != std::string::npos) binary = fs::absolute(binary).string();
  std::string tmpl = (fs::temp_directory_path() / "pgsafe-lsp-bench-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    return 2;
  }
  fs::path project = fs::canonical(tmpl);
  int rc = 1;
  try {
    rc = run(binary, fs::absolute(argv[2]), edits, project);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pgsafe_lsp_bench: %s\n", e.what());
  }
  fs::remove_all(project, ec);
  return rc;
}
