#include "analyzer/history.h"

#include <set>
#include <system_error>

#include "analyzer/git_index.h"

namespace fs = std::filesystem;

namespace pgsafe {

namespace {

bool per_migration_folders(Layout l) { return l == Layout::Prisma || l == Layout::Diesel; }

std::string spelled(const fs::path& p) {
  std::string s = p.lexically_normal().generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s.empty() ? "." : s;
}

std::string absolute_key(const std::string& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  return (ec ? fs::path(p) : abs).lexically_normal().generic_string();
}

bool is_sql(const std::string& path) { return fs::path(path).extension() == ".sql"; }

// A regular file in the index (not a symlink or a submodule).
bool regular_blob(const git::IndexEntry& e) { return e.mode == "100644" || e.mode == "100755"; }

}  // namespace

const std::vector<std::string>& known_migrations_dirs() {
  static const std::vector<std::string> dirs{
      "supabase/migrations",               // Supabase CLI
      "migrations",                        // Diesel, golang-migrate, dbmate's and many tools' default
      "db/migrations",                     // dbmate
      "prisma/migrations",                 // Prisma
      "drizzle",                           // drizzle-kit
      "db/migration",                      // Flyway (plain layout)
      "src/main/resources/db/migration",   // Flyway (Java projects)
  };
  return dirs;
}

std::optional<std::string> find_known_migrations_dir(const fs::path& root) {
  for (const auto& d : known_migrations_dirs()) {
    std::error_code ec;
    if (fs::is_directory(root / d, ec)) return root == "." || root.empty() ? d : spelled(root / d);
  }
  return std::nullopt;
}

std::optional<std::string> own_migrations_dir(const std::string& file, Layout layout) {
  fs::path p(file);
  NameInfo n = parse_name(file, layout);
  if (n.matches) return spelled(per_migration_folders(n.layout) ? p.parent_path().parent_path() : p.parent_path());
  // A file whose own name breaks the layout (file-naming reports it) still belongs to a folder
  // whose other migrations follow one.
  fs::path folder = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& q = it->path();
    if (q.extension() != ".sql" || q.filename() == p.filename()) continue;
    NameInfo sibling = parse_name(q.generic_string(), layout);
    if (sibling.matches && !per_migration_folders(sibling.layout)) return spelled(folder);
  }
  return std::nullopt;
}

HistoryChoice find_history(const std::vector<std::string>& files, const std::optional<std::string>& configured,
                           Layout layout, const fs::path& root) {
  HistoryChoice c;
  if (configured) {
    c.from = HistoryChoice::From::Config;
    c.dir = configured;
    return c;
  }
  std::optional<std::string> own;
  bool agree = !files.empty();
  for (const auto& f : files) {
    auto d = own_migrations_dir(f, layout);
    if (!d || (own && absolute_key(*own) != absolute_key(*d))) {
      agree = false;
      break;
    }
    own = d;
  }
  if (agree && own) {
    c.from = HistoryChoice::From::OwnFolder;
    c.dir = own;
    return c;
  }
  if (auto known = find_known_migrations_dir(root)) {
    c.from = HistoryChoice::From::KnownFolder;
    c.dir = known;
  }
  return c;
}

MigrationSet discover_staged(const std::vector<std::string>& paths, const DiscoverOptions& opts,
                             std::vector<InputError>& errors) {
  struct Pending {
    std::string path;
    bool history = false;
    std::optional<std::string> object;  // none: read from the work tree
  };
  std::vector<Pending> pending;
  std::set<std::string> seen;
  bool want_stdin = false;
  auto add = [&](Pending p) {
    if (seen.insert(absolute_key(p.path)).second) pending.push_back(std::move(p));
  };
  auto staged = [&](const std::string& spec, std::vector<git::IndexEntry>& out) {
    std::string error;
    if (!git::list_index({spec}, out, error)) {
      errors.push_back({spec, error});
      return false;
    }
    std::vector<git::IndexEntry> kept;
    for (auto& e : out) {
      if (e.stage != 0) {
        errors.push_back({e.path, "has an unresolved merge conflict in the index"});
        continue;
      }
      if (regular_blob(e)) kept.push_back(std::move(e));
    }
    out = std::move(kept);
    return true;
  };

  // Input from stdin stands for its --stdin-filename: the staged copy of that file is not read.
  for (const auto& arg : paths) want_stdin = want_stdin || arg == "-";
  if (want_stdin && opts.stdin_filename) seen.insert(absolute_key(*opts.stdin_filename));
  for (const auto& arg : paths) {
    if (arg == "-") continue;
    std::vector<git::IndexEntry> entries;
    if (!staged(arg, entries)) continue;
    std::string arg_key = absolute_key(arg);
    if (entries.size() == 1 && absolute_key(entries[0].path) == arg_key) {
      add({arg, false, entries[0].object});  // a file, shown as the user spelled it
      continue;
    }
    size_t before = pending.size();
    for (const auto& e : entries)
      if (is_sql(e.path)) add({e.path, false, e.object});
    if (pending.size() > before) continue;
    std::error_code ec;
    if (fs::is_regular_file(arg, ec)) add({spelled(arg), false, std::nullopt});
    else if (fs::is_directory(arg, ec)) errors.push_back({arg, "no staged .sql files in this directory"});
    else errors.push_back({arg, "no such file or directory in the index or the work tree"});
  }

  if (opts.migrations_dir) {
    std::vector<git::IndexEntry> entries;
    if (staged(*opts.migrations_dir, entries)) {
      std::error_code ec;
      bool any = false;
      for (const auto& e : entries)
        if (is_sql(e.path)) {
          any = true;
          add({e.path, true, e.object});
        }
      // A history folder without files is fine (the first migration has none), a missing one not.
      if (!any && entries.empty() && !fs::is_directory(*opts.migrations_dir, ec))
        errors.push_back({*opts.migrations_dir, "migrations directory does not exist"});
    }
  }

  std::vector<std::string> objects;
  for (const auto& p : pending)
    if (p.object) objects.push_back(*p.object);
  std::vector<std::string> blobs;
  std::string error;
  if (!git::read_blobs(objects, blobs, error)) {
    errors.push_back({".", error});
    return {};
  }

  std::vector<std::string> all;
  for (const auto& p : pending) all.push_back(p.path);
  if (want_stdin && opts.stdin_filename) all.push_back(*opts.stdin_filename);
  MigrationSet set;
  set.layout = opts.layout == Layout::Auto ? detect_layout(all) : opts.layout;
  size_t blob = 0;
  for (auto& p : pending) {
    MigrationFile f = make_migration_file(p.path, set.layout);
    f.history_only = p.history;
    if (p.object) f.contents = std::move(blobs[blob++]);
    set.files.push_back(std::move(f));
  }
  if (want_stdin) {
    MigrationFile f = make_migration_file(opts.stdin_filename.value_or("<stdin>"), set.layout);
    f.from_stdin = true;
    set.files.push_back(std::move(f));
  }
  order_set(set);
  return set;
}

void mark_committed_on_default_branch(MigrationSet& set) {
  // Only a linted up file with a version, inside the repository, can be out of order: the file
  // system says so before any git process is started.
  std::error_code ec;
  fs::path root;
  if (!git::repository_above(fs::current_path(ec), &root)) return;
  auto inside = [&](const std::string& path) {
    if (root.empty()) return true;
    std::error_code e;
    fs::path rel = fs::weakly_canonical(fs::absolute(path, e), e).lexically_relative(root);
    return !e && !rel.empty() && *rel.begin() != "..";
  };
  bool candidate = false;
  for (const auto& f : set.files)
    candidate = candidate || (!f.history_only && f.direction == Direction::Up && !f.version.empty() && inside(f.path));
  if (!candidate) return;
  std::string branch = git::default_branch();
  if (branch.empty()) return;
  // The default branch's tree is the committed history, also with --staged: the index holds the
  // files to judge, not what has been merged. A stdin buffer is looked up by its --stdin-filename
  // (an editor linting a merged file must not see it reported).
  // Files outside the repository are left out (git would refuse the whole listing for them).
  std::vector<std::string> paths;
  for (const auto& f : set.files)
    if (f.direction == Direction::Up && !f.version.empty() && inside(f.path)) paths.push_back(f.path);
  std::set<std::string> present;
  std::string error;
  // A git failure leaves the history unknown: nothing is said.
  if (!git::paths_in_tree(branch, paths, present, error)) return;
  if (present.empty()) return;
  set.committed_source = CommittedSource::DefaultBranch;
  set.committed_where = branch;
  for (auto& f : set.files) f.committed = present.count(f.path) > 0;
}

}  // namespace pgsafe
