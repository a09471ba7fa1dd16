#pragma once
// The language server's view of the projects its open files belong to: for each, the
// configuration, the migrations folder and its files, and the history state kept in memory per
// open file, so that a keystroke re-lints one file against a history replayed once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/config.h"
#include "analyzer/engine.h"
#include "analyzer/migration_set.h"
#include "lsp/text_document.h"

namespace pgsafe::lsp {

// Whether a path names a .sql file: the only files the server lints ("" is none).
bool is_sql_file(const std::string& path);

// One project: a configuration (or none) and the migrations folder it names or implies.
struct Project {
  std::string config_path;                 // absolute; "" when there is no .pgsafe.toml
  std::vector<ConfigError> config_errors;  // a config with errors lints nothing (as the CLI)
  LintOptions opts;
  std::string dir;                         // the migrations folder, absolute and normal
  std::string cache_file;                  // the history cache the CLI shares
  MigrationSet base;                       // every file of the folder, all history
  // What each file looked like when the folder was last read: a change voids the histories
  // (memos) that include it.
  struct Stamp {
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  std::map<std::string, Stamp> stamps;
  std::optional<Stamp> config_stamp;
  bool stale = true;  // read the folder again before the next lint
  std::chrono::steady_clock::time_point read_at{};
  // The history state before each open file, by its path (see HistoryMemo).
  std::map<std::string, std::shared_ptr<HistoryMemo>> memos;
};

// What linting one open document gave.
struct LintedDocument {
  int64_t version = 0;
  std::string text;                          // the text linted (positions refer to it)
  std::string path;
  std::vector<Diagnostic> diagnostics;       // suppressed ones included
  std::vector<StatementPlan> statements;     // what each statement locks and rewrites
  std::vector<InputError> errors;            // this file's own input errors
  std::vector<InputError> other_errors;      // other files of the set that could not be read
  std::string not_linted;                    // why it was not linted ("" when it was)
  bool config_problem = false;               // not linted because the configuration has errors
  std::string config_path;
  double milliseconds = 0;                   // the lint's wall time
  size_t history_files = 0, history_from_memo = 0, history_from_cache = 0;
  uint64_t world = 0;                        // Workspace::world() when linted
  // The default branch already has this file: it may be applied, so code actions never edit it.
  bool committed = false;
  std::string committed_where;
};

class Workspace {
 public:
  // root: the workspace folder (conventional migrations folders are looked for under it when
  // neither a config nor the file's folder names one); log receives one line per event.
  Workspace(std::string root, std::function<void(const std::string&)> log);

  // Lints one open document; `open` maps the paths of every open document to its text, each
  // replacing its file on disk.
  LintedDocument lint(const Document& doc, const std::map<std::string, const Document*>& open);

  // The project a file belongs to; null (with why) when it is not a migration of any.
  Project* project_for(const std::string& path, std::string* why = nullptr);

  // An open document's buffer changed, or it was opened or closed: histories that include it are void.
  void buffer_changed(const std::string& path);
  // An open document was closed: the history kept for it is dropped (its buffer no longer counts:
  // buffer_changed is called too).
  void document_closed(const std::string& path);
  // A file changed on disk (watched files, save): the folder holding it is read again.
  void file_changed(const std::string& path);
  // A configuration file changed: every project is found and loaded again.
  void config_changed();
  // Counts every change that can change a finding; a lint remembers it to tell stale results.
  uint64_t world() const { return world_; }
  // The configuration files in use, with their errors (for diagnostics on them).
  std::map<std::string, std::vector<ConfigError>> config_errors() const;
  // The projects' folders (for the log and tests).
  std::vector<const Project*> projects() const;

 private:
  void refresh(Project& p);
  // Every few seconds: whether a project's configuration was created, deleted or edited (clients
  // that report changed files make this immediate through config_changed()).
  void poll_configs();
  std::chrono::steady_clock::time_point configs_checked_{};
  bool load(Project& p);
  std::string root_;
  std::function<void(const std::string&)> log_;
  std::map<std::string, std::unique_ptr<Project>> projects_;  // by config path + folder
  // Which project each path was found to belong to ("" for none), with why not.
  std::map<std::string, std::pair<std::string, std::string>> membership_;
  uint64_t world_ = 1;
};

}  // namespace pgsafe::lsp
