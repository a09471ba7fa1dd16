#include "lsp/workspace.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "analyzer/history.h"
#include "analyzer/history_cache.h"

namespace fs = std::filesystem;

namespace pgsafe::lsp {

namespace {

// A project's folder is read again when a change is reported, else at most this often.
constexpr auto kPollInterval = std::chrono::seconds(2);

std::string normal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? p : abs).lexically_normal().generic_string();
}

bool inside(const std::string& dir, const std::string& path) {
  return path.size() > dir.size() + 1 && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

std::optional<Project::Stamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  Project::Stamp s;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  s.inode = static_cast<uint64_t>(st.st_ino);
  return s;
}

}  // namespace

bool is_sql_file(const std::string& path) { return !path.empty() && fs::path(path).extension() == ".sql"; }

Workspace::Workspace(std::string root, std::function<void(const std::string&)> log)
    : root_(root.empty() ? std::string() : normal(root)), log_(std::move(log)) {}

bool Workspace::load(Project& p) {
  p.opts = LintOptions{};
  p.config_errors.clear();
  p.config_stamp.reset();
  if (!p.config_path.empty()) {
    p.config_stamp = stamp_of(p.config_path);
    load_config(p.config_path, p.opts.config, p.config_errors);
    if (p.config_errors.empty()) check_rule_options(p.opts.config, p.config_errors);
  }
  p.cache_file = history_cache_path(p.dir, p.config_path);
  p.memos.clear();
  p.stale = true;
  return p.config_errors.empty();
}

Project* Workspace::project_for(const std::string& path, std::string* why) {
  auto remembered = membership_.find(path);
  if (remembered != membership_.end()) {
    auto it = projects_.find(remembered->second.first);
    if (it != projects_.end()) return it->second.get();
    if (remembered->second.first.empty()) {
      if (why) *why = remembered->second.second;
      return nullptr;
    }
  }
  auto refuse = [&](std::string reason) -> Project* {
    membership_[path] = {"", reason};
    if (why) *why = reason;
    return nullptr;
  };
  if (!is_sql_file(path)) return refuse("not a .sql file");
  fs::path folder = fs::path(path).parent_path();
  std::string config_path;
  if (auto found = find_config(folder)) config_path = normal(*found);
  Config config;
  std::vector<ConfigError> errors;
  if (!config_path.empty()) load_config(config_path, config, errors);
  std::string dir;
  std::string from;
  if (config.migrations_dir) {
    dir = normal(*config.migrations_dir);
    from = "migrations_dir in " + config_path;
  } else if (auto own = own_migrations_dir(path, config.layout)) {
    dir = normal(*own);
    from = "the folder's migration names";
  } else {
    fs::path base = !config_path.empty() ? fs::path(config_path).parent_path() : fs::path(root_);
    if (!base.empty())
      if (auto known = find_known_migrations_dir(base)) {
        dir = normal(base / *known);
        from = "the conventional folder " + *known;
      }
  }
  if (dir.empty())
    return refuse("not in a migrations folder pgsafe knows (set migrations_dir in .pgsafe.toml to lint it)");
  if (!inside(dir, path)) return refuse("outside the migrations folder " + dir + " (from " + from + ")");
  std::string key = config_path + "\n" + dir;
  auto it = projects_.find(key);
  if (it == projects_.end()) {
    auto p = std::make_unique<Project>();
    p->config_path = config_path;
    p->dir = dir;
    load(*p);
    log_("project: migrations folder " + dir + " (from " + from + ")" +
         (config_path.empty() ? ", no .pgsafe.toml" : ", configuration " + config_path) +
         (p->config_errors.empty() ? "" : " (with errors: nothing is linted until they are fixed)"));
    it = projects_.emplace(key, std::move(p)).first;
  }
  membership_[path] = {key, ""};
  return it->second.get();
}

void Workspace::refresh(Project& p) {
  auto now = std::chrono::steady_clock::now();
  // Read again when notified, and also every few seconds: some clients that can watch files
  // report only the files they write themselves (Helix), none a `git checkout` changed.
  if (!p.stale && now - p.read_at < kPollInterval) return;
  DiscoverOptions dopts;
  dopts.layout = p.opts.config.layout;
  dopts.migrations_dir = p.dir;
  std::vector<InputError> errors;
  MigrationSet set = discover({}, dopts, errors);
  for (const auto& e : errors) log_("reading " + e.file + ": " + e.message);
  std::map<std::string, Project::Stamp> stamps;
  std::set<std::string> changed;
  for (const auto& f : set.files) {
    auto s = stamp_of(f.path);
    if (s) stamps[f.path] = *s;
    auto old = p.stamps.find(f.path);
    if (!s || old == p.stamps.end() || !(old->second == *s)) changed.insert(f.path);
  }
  for (const auto& [path, s] : p.stamps)
    if (!stamps.count(path)) changed.insert(path);
  bool first = p.base.files.empty() && p.stamps.empty();
  if (!changed.empty()) {
    for (auto& [doc, memo] : p.memos)
      if (memo && memo->snapshot)
        for (const auto& h : memo->paths)
          if (changed.count(h)) {
            memo->reset();
            break;
          }
    // Which files the default branch already has (out-of-order-migration), read with git only
    // when the folder's files change, never per keystroke.
    // (Also what code actions must not edit: a merged migration may be applied somewhere.)
    for (auto& f : set.files) f.history_only = false;
    mark_committed_on_default_branch(set);
    for (auto& f : set.files) f.history_only = true;
    if (!first) log_("migrations changed on disk: " + std::to_string(changed.size()) + " file(s) in " + p.dir);
    ++world_;
  } else {
    set.committed_source = p.base.committed_source;
    set.committed_where = p.base.committed_where;
    for (size_t i = 0; i < set.files.size() && i < p.base.files.size(); ++i)
      set.files[i].committed = p.base.files[i].committed;
  }
  p.base = std::move(set);
  p.stamps = std::move(stamps);
  p.stale = false;
  p.read_at = now;
}

void Workspace::poll_configs() {
  auto now = std::chrono::steady_clock::now();
  if (now - configs_checked_ < kPollInterval) return;
  configs_checked_ = now;
  for (const auto& [key, p] : projects_) {
    // Another configuration found (one created, or the one in use deleted), or the same one edited.
    auto found = find_config(p->dir);
    std::string path = found ? normal(*found) : std::string();
    if (path != p->config_path || (!path.empty() && stamp_of(path) != p->config_stamp)) {
      log_("configuration changed: " + (path.empty() ? p->config_path + " is gone" : path));
      config_changed();
      return;
    }
  }
}

LintedDocument Workspace::lint(const Document& doc, const std::map<std::string, const Document*>& open) {
  poll_configs();
  LintedDocument r;
  r.version = doc.version;
  r.text = doc.text;
  r.path = doc.path;
  std::string why;
  Project* p = doc.path.empty() ? nullptr : project_for(doc.path, &why);
  if (!p) {
    r.not_linted = doc.path.empty() ? "not a file on disk" : why;
    r.world = world_;
    return r;
  }
  refresh(*p);
  r.config_path = p->config_path;
  if (!p->config_errors.empty()) {
    r.not_linted = p->config_path + " has errors; pgsafe lints nothing until they are fixed";
    r.config_problem = true;
    r.world = world_;
    return r;
  }
  auto started = std::chrono::steady_clock::now();
  MigrationSet set = p->base;
  for (auto& f : set.files) {
    f.history_only = f.path != doc.path;
    if (auto it = open.find(f.path); it != open.end()) f.contents = it->second->text;
  }
  // Open buffers of this folder that are not files yet (a new migration not saved) belong to the set.
  bool added = false;
  for (const auto& [path, d] : open) {
    if (!inside(p->dir, path) || !is_sql_file(path)) continue;
    if (std::any_of(set.files.begin(), set.files.end(), [&](const MigrationFile& f) { return f.path == path; })) continue;
    MigrationFile f = make_migration_file(path, set.layout);
    f.contents = d->text;
    f.history_only = path != doc.path;
    set.files.push_back(std::move(f));
    added = true;
  }
  if (added) order_set(set);
  LintOptions o = p->opts;
  auto& memo = p->memos[doc.path];
  if (!memo) memo = std::make_shared<HistoryMemo>();
  o.history_memo = memo;
  o.statement_plans = true;
  o.related = true;
  o.keep_sources = false;
  o.history_cache_file = p->cache_file;
  LintResult res = pgsafe::lint(set, o);
  r.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  for (auto& d : res.diagnostics)
    if (d.file == doc.path) r.diagnostics.push_back(std::move(d));
  if (auto it = res.statement_plans.find(doc.path); it != res.statement_plans.end()) r.statements = std::move(it->second);
  for (auto& e : res.errors) (e.file == doc.path ? r.errors : r.other_errors).push_back(std::move(e));
  for (const auto& f : set.files) {
    if (f.path == doc.path) {
      r.committed = f.committed;
      r.committed_where = set.committed_where;
      break;
    }
    ++r.history_files;
  }
  r.history_from_memo = res.history_files_from_memo;
  r.history_from_cache = res.history_files_from_cache;
  r.world = world_;
  return r;
}

void Workspace::buffer_changed(const std::string& path) {
  for (auto& [key, p] : projects_) {
    if (!inside(p->dir, path)) continue;
    for (auto& [doc, memo] : p->memos)
      if (memo && memo->snapshot && std::find(memo->paths.begin(), memo->paths.end(), path) != memo->paths.end())
        memo->reset();
  }
  ++world_;
}

void Workspace::document_closed(const std::string& path) {
  for (auto& [key, p] : projects_) p->memos.erase(path);
  buffer_changed(path);
}

void Workspace::file_changed(const std::string& path) {
  if (fs::path(path).filename() == kConfigFileName) {
    config_changed();
    return;
  }
  for (auto& [key, p] : projects_)
    if (inside(p->dir, path)) p->stale = true;
  // A new file can make a folder look like a migrations folder (or stop it).
  membership_.clear();
  ++world_;
}

void Workspace::config_changed() {
  projects_.clear();
  membership_.clear();
  ++world_;
}

std::map<std::string, std::vector<ConfigError>> Workspace::config_errors() const {
  std::map<std::string, std::vector<ConfigError>> out;
  for (const auto& [key, p] : projects_)
    if (!p->config_path.empty()) out[p->config_path] = p->config_errors;
  return out;
}

std::vector<const Project*> Workspace::projects() const {
  std::vector<const Project*> out;
  for (const auto& [key, p] : projects_) out.push_back(p.get());
  return out;
}

}  // namespace pgsafe::lsp
