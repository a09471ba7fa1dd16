#include "analyzer/migration_set.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <system_error>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace fs = std::filesystem;

namespace pgsafe {

std::string_view to_string(Layout l) {
  switch (l) {
    case Layout::Auto: return "auto";
    case Layout::Timestamp: return "timestamp";
    case Layout::Prisma: return "prisma";
    case Layout::Diesel: return "diesel";
    case Layout::GolangMigrate: return "golang-migrate";
    case Layout::Flyway: return "flyway";
    case Layout::Drizzle: return "drizzle";
  }
  return "auto";
}

std::optional<Layout> parse_layout(std::string_view s) {
  for (Layout l : {Layout::Auto, Layout::Timestamp, Layout::Prisma, Layout::Diesel, Layout::GolangMigrate,
                   Layout::Flyway, Layout::Drizzle})
    if (to_string(l) == s) return l;
  if (s == "supabase" || s == "dbmate") return Layout::Timestamp;
  return std::nullopt;
}

namespace {

std::string generic(const fs::path& p) { return p.generic_string(); }

// Hand-written matchers for each layout's naming pattern (std::regex was a sixth of lint time).
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
// "<digits>_<rest>" with exactly `width` digits (0: any number).
bool split_version(std::string_view s, size_t width, std::string& version, std::string& rest) {
  size_t us = s.find('_');
  if (us == std::string_view::npos || us + 1 >= s.size()) return false;
  std::string_view v = s.substr(0, us);
  if (!all_digits(v) || (width && v.size() != width)) return false;
  version = std::string(v);
  rest = std::string(s.substr(us + 1));
  return true;
}
// Diesel versions: YYYY-MM-DD-HHMMSS, optionally -NNNN, or 14 digits.
bool diesel_version(std::string_view v) {
  if (v.size() == 14) return all_digits(v);
  if (v.size() != 17 && v.size() != 22) return false;
  auto d = [&](size_t pos, size_t n) { return all_digits(v.substr(pos, n)); };
  bool base = d(0, 4) && v[4] == '-' && d(5, 2) && v[7] == '-' && d(8, 2) && v[10] == '-' && d(11, 6);
  return base && (v.size() == 17 || (v[17] == '-' && d(18, 4)));
}

// The last two components of a path, as fs::path's filename() and parent_path().filename()
// give them; plain paths (no doubled or trailing separator) without building a path.
void last_components(const std::string& path, std::string_view& file, std::string_view& dir, std::string& fbuf,
                     std::string& dbuf) {
  if (path.find("//") == std::string::npos && (path.empty() || path.back() != '/')) {
    std::string_view v(path);
    size_t slash = v.rfind('/');
    file = slash == std::string_view::npos ? v : v.substr(slash + 1);
    std::string_view parent = slash == std::string_view::npos ? std::string_view() : v.substr(0, slash);
    size_t ps = parent.rfind('/');
    dir = ps == std::string_view::npos ? parent : parent.substr(ps + 1);
    return;
  }
  fs::path p(path);
  fbuf = p.filename().string();
  dbuf = p.parent_path().filename().string();
  file = fbuf;
  dir = dbuf;
}

bool match_layout(Layout l, const std::string& path, NameInfo& info) {
  std::string fbuf, dbuf;
  std::string_view f, dir;
  last_components(path, f, dir, fbuf, dbuf);
  std::string_view file = f;
  switch (l) {
    case Layout::Prisma:
      return file == "migration.sql" && split_version(dir, 14, info.version, info.name) &&
             info.name.find('/') == std::string::npos;
    case Layout::Diesel: {
      if (file != "up.sql" && file != "down.sql") return false;
      size_t us = dir.find('_');
      if (us == std::string_view::npos || us + 1 >= dir.size() || !diesel_version(dir.substr(0, us))) return false;
      info.version = std::string(dir.substr(0, us));
      info.name = std::string(dir.substr(us + 1));
      info.direction = file == "down.sql" ? Direction::Down : Direction::Up;
      return true;
    }
    case Layout::GolangMigrate: {
      bool up = ends_with(f, ".up.sql"), down = ends_with(f, ".down.sql");
      if (!up && !down) return false;
      std::string_view stem = f.substr(0, f.size() - (up ? 7 : 9));
      if (!split_version(stem, 0, info.version, info.name)) return false;
      info.direction = down ? Direction::Down : Direction::Up;
      return true;
    }
    case Layout::Flyway: {
      if (f.empty() || !ends_with(f, ".sql") || (f[0] != 'V' && f[0] != 'U' && f[0] != 'R')) return false;
      size_t sep = f.find("__");
      if (sep == std::string_view::npos || sep + 2 >= f.size() - 4) return false;
      std::string_view v = f.substr(1, sep - 1);
      // Version: digits separated by single '.' or '_'; repeatable (R) files have none.
      bool ok = f[0] == 'R' ? v.empty() : !v.empty();
      for (size_t i = 0; ok && i < v.size(); ++i) {
        bool digit = v[i] >= '0' && v[i] <= '9';
        bool sep_ok = (v[i] == '.' || v[i] == '_') && i > 0 && i + 1 < v.size() && v[i - 1] >= '0' && v[i - 1] <= '9';
        ok = digit || sep_ok;
      }
      if (!ok) return false;
      info.version = std::string(v);
      info.name = std::string(f.substr(sep + 2, f.size() - 4 - sep - 2));
      info.direction = f[0] == 'U' ? Direction::Down : (f[0] == 'R' ? Direction::Repeatable : Direction::Up);
      return true;
    }
    case Layout::Timestamp:
      return ends_with(f, ".sql") && split_version(f.substr(0, f.size() - 4), 14, info.version, info.name);
    case Layout::Drizzle:
      return ends_with(f, ".sql") && split_version(f.substr(0, f.size() - 4), 4, info.version, info.name);
    case Layout::Auto: return false;
  }
  return false;
}

// In the order auto-detection tries them: the most specific first.
constexpr Layout kLayouts[] = {Layout::Prisma, Layout::Diesel, Layout::GolangMigrate,
                               Layout::Flyway, Layout::Timestamp, Layout::Drizzle};

}  // namespace

NameInfo parse_name(const std::string& path, Layout layout) {
  NameInfo info;
  for (Layout l : kLayouts) {
    if (layout != Layout::Auto && l != layout) continue;
    NameInfo candidate;
    if (!match_layout(l, path, candidate)) continue;
    candidate.matches = true;
    candidate.layout = l;
    return candidate;
  }
  // Not matching: still make a best effort at a version, so ordering stays sensible.
  info.layout = layout == Layout::Auto ? Layout::Timestamp : layout;
  std::string base = fs::path(path).filename().string();
  if (base == "up.sql" || base == "down.sql" || base == "migration.sql") {
    if (base == "down.sql") info.direction = Direction::Down;
    base = fs::path(path).parent_path().filename().string();
  }
  size_t i = 0;
  while (i < base.size() && (std::isdigit(static_cast<unsigned char>(base[i])) || base[i] == '-')) ++i;
  info.version = base.substr(0, i);
  while (!info.version.empty() && info.version.back() == '-') info.version.pop_back();
  if (base.size() >= 9 && base.compare(base.size() - 9, 9, ".down.sql") == 0) info.direction = Direction::Down;
  info.name = base;
  return info;
}

namespace {
// The layout most names match, from their auto-detected names.
Layout vote_layout(const std::vector<NameInfo>& names) {
  std::map<Layout, int> votes;
  for (const auto& n : names)
    if (n.matches) ++votes[n.layout];
  Layout best = Layout::Timestamp;
  int best_votes = 0;
  for (const auto& [l, v] : votes)
    if (v > best_votes) { best = l; best_votes = v; }
  return best;
}
}  // namespace

Layout detect_layout(const std::vector<std::string>& paths) {
  std::vector<NameInfo> names;
  names.reserve(paths.size());
  for (const auto& p : paths) names.push_back(parse_name(p, Layout::Auto));
  return vote_layout(names);
}

int compare_versions(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    // Skip separators.
    while (i < a.size() && !is_digit(a[i])) ++i;
    while (j < b.size() && !is_digit(b[j])) ++j;
    size_t si = i, sj = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    std::string_view x = a.substr(si, i - si), y = b.substr(sj, j - sj);
    while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
    while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
    if (x.empty() != y.empty()) return x.empty() ? -1 : 1;
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (int c = x.compare(y)) return c < 0 ? -1 : 1;
  }
  return 0;
}

namespace {
MigrationFile file_from_name(const std::string& path, NameInfo&& n) {
  MigrationFile f;
  f.path = path;
  f.version = std::move(n.version);
  f.name = std::move(n.name);
  f.direction = n.direction;
  f.name_matches_layout = n.matches;
  return f;
}
}  // namespace

MigrationFile make_migration_file(const std::string& path, Layout layout) {
  MigrationFile f;
  f.path = path;
  NameInfo n = parse_name(path, layout);
  f.version = n.version;
  f.name = n.name;
  f.direction = n.direction;
  f.name_matches_layout = n.matches;
  return f;
}

MigrationSet set_from_memory(const std::vector<std::pair<std::string, std::string>>& files, Layout layout) {
  MigrationSet set;
  std::vector<std::string> paths;
  for (const auto& [p, c] : files) paths.push_back(p);
  set.layout = layout == Layout::Auto ? detect_layout(paths) : layout;
  for (const auto& [p, c] : files) {
    MigrationFile f = make_migration_file(p, set.layout);
    f.contents = c;
    set.files.push_back(std::move(f));
  }
  order_set(set);
  return set;
}

void order_set(MigrationSet& set) {
  auto rank = [](const MigrationFile& f) {
    // Versioned files first (in version order), then unversioned, then repeatable ones.
    if (f.direction == Direction::Repeatable) return 2;
    return f.version.empty() ? 1 : 0;
  };
  std::stable_sort(set.files.begin(), set.files.end(), [&](const MigrationFile& a, const MigrationFile& b) {
    int ra = rank(a), rb = rank(b);
    if (ra != rb) return ra < rb;
    if (int c = compare_versions(a.version, b.version)) return c < 0;
    // An up migration before its down.
    if (a.direction != b.direction) return a.direction == Direction::Up;
    return a.path < b.path;
  });
  for (size_t i = 0; i < set.files.size(); ++i) set.files[i].index = static_cast<int>(i);
}

namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// A folder joined with a name as std::filesystem::path's operator/ joins them.
std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// Paths known, from the directory listing that found them, to be a real folder or a plain file
// (not a symbolic link): working out their canonical form needs no lstat of them.
using KnownPlain = std::unordered_set<std::string>;

// One walk over a folder and the folders below it, depth first: what it found, and the first
// error that stopped it.
struct DirWalk {
  std::vector<std::string> found;
  std::vector<InputError> skipped;
  std::optional<std::string> error;  // "cannot read directory: ..."
  KnownPlain known;
  std::vector<std::pair<int, std::string>> pending;  // open folders still to list (fd, path)

  void run() {
    // On the heap: discovery runs on the main thread, whose stack may be as small as 64 KiB.
    std::unique_ptr<uint64_t[]> buf(new uint64_t[4096]);
    while (!pending.empty()) {
      auto [fd, dir] = std::move(pending.back());
      pending.pop_back();
      if (!error) list(fd, dir, reinterpret_cast<char*>(buf.get()), 4096 * sizeof(uint64_t));
      ::close(fd);
    }
  }

 private:
  void list(int fd, const std::string& dir, char* buf, size_t size) {
    for (;;) {
      ssize_t n = ::getdents64(fd, buf, size);
      if (n == 0) return;
      if (n < 0) {
        error = std::string("cannot read directory: ") + std::generic_category().message(errno);
        return;
      }
      for (ssize_t off = 0; off < n;) {
        const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
        off += d->d_reclen;
        const char* name = d->d_name;
        if (name[0] == '.') continue;  // also . and ..
        unsigned char type = d->d_type;
        if (type == DT_UNKNOWN) {
          struct stat st;
          if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone since listed
          type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
        }
        if (type == DT_DIR) {
          int sub = ::openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
          if (sub < 0) {
            int e = errno;
            if (e == EACCES || e == ENOENT) continue;  // not ours to read, or gone since listed
            error = "cannot read directory: " + std::generic_category().message(e);
            return;
          }
          std::string path = join_path(dir, name);
          known.insert(path);
          pending.emplace_back(sub, std::move(path));
          continue;
        }
        size_t len = std::strlen(name);
        if (len < 4 || std::memcmp(name + len - 4, ".sql", 4) != 0) continue;
        std::string path = join_path(dir, name);
        if (type == DT_REG) {
          known.insert(path);
          found.push_back(std::move(path));
          continue;
        }
        if (type == DT_LNK) {
          struct stat st;
          if (::fstatat(fd, name, &st, 0) == 0) {  // follows the link
            if (S_ISREG(st.st_mode)) found.push_back(std::move(path));
            else if (!S_ISDIR(st.st_mode))
              skipped.push_back({path, "skipped: a symbolic link to something that is not a regular file"});
          } else {
            skipped.push_back({path, errno == ELOOP ? "skipped: a symbolic link that loops"
                                                    : "skipped: a symbolic link to nothing (dangling)"});
          }
          continue;
        }
        skipped.push_back({path, "skipped: not a regular file (a named pipe, socket or device)"});
      }
    }
  }
};

// Every .sql file under a folder, sorted (and what was skipped, sorted by path); entries whose
// name starts with a dot are skipped, and so are folders pgsafe may not read. Listed with openat
// and getdents64 alone: the type each entry has in the listing is used, a plain file is never
// stat'ed (a history of a thousand folders would otherwise cost several thousand system calls);
// only links, and entries of a file system that gives no type, are looked at further. (Listing
// the folders of a large history on two threads was measured: no faster on two cores.)
void add_directory(const std::string& dir, std::vector<std::string>& out, std::vector<InputError>& errors,
                   std::vector<InputError>& skipped, KnownPlain* known = nullptr) {
  DirWalk walk;
  int root = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root >= 0) {
    walk.pending.emplace_back(root, dir);
    walk.run();
  } else if (errno != EACCES) {
    // (As std::filesystem's iterator with skip_permission_denied: an unreadable folder is empty.)
    walk.error = "cannot read directory: " + std::generic_category().message(errno);
  }
  if (walk.error) {
    errors.push_back({dir, *walk.error});
    return;
  }
  std::stable_sort(walk.skipped.begin(), walk.skipped.end(),
                   [](const InputError& x, const InputError& y) { return x.file < y.file; });
  skipped.insert(skipped.end(), std::make_move_iterator(walk.skipped.begin()), std::make_move_iterator(walk.skipped.end()));
  if (known) known->merge(walk.known);
  if (walk.found.empty()) {
    errors.push_back({dir, "directory contains no .sql files"});
    return;
  }
  std::sort(walk.found.begin(), walk.found.end());
  out.insert(out.end(), std::make_move_iterator(walk.found.begin()), std::make_move_iterator(walk.found.end()));
}

void expand(const std::string& arg, std::vector<std::string>& out, std::vector<InputError>& errors,
            std::vector<InputError>& skipped) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    add_directory(arg, out, errors, skipped);
    return;
  }
  if (fs::exists(arg, ec)) {
    out.push_back(generic(fs::path(arg)));
    return;
  }
  if (has_glob_chars(arg)) {
    glob_t g{};
    int rc = ::glob(arg.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      std::vector<std::string> matched;
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string m = g.gl_pathv[i];
        if (fs::is_directory(m, ec)) add_directory(m, matched, errors, skipped);
        else matched.push_back(m);
      }
      globfree(&g);
      out.insert(out.end(), matched.begin(), matched.end());
      return;
    }
    globfree(&g);
    errors.push_back({arg, "no file matches this pattern"});
    return;
  }
  errors.push_back({arg, "no such file or directory"});
}

}  // namespace

namespace {
}  // namespace

std::string describe_mib(size_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

// Reads a regular file whole. Anything else (a FIFO, a device, a directory) is refused before
// a read could block on it; a file larger than max_size is refused without reading it.
bool read_migration_file(const std::string& path, size_t max_size, std::string& bytes, std::string& why) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    why = std::string("cannot read file: ") + std::strerror(errno);
    return false;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    why = std::string("cannot read file: ") + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    why = S_ISDIR(st.st_mode)  ? "is a directory, not a migration file"
          : S_ISFIFO(st.st_mode) ? "is a named pipe (FIFO), not a migration file; pgsafe reads only regular files "
                                   "(pipe SQL through stdin with `-` instead)"
                                 : "is not a regular file (a device or socket); pgsafe reads only regular files";
    return false;
  }
  auto too_large = [&](size_t size) {
    why = "file is " + describe_mib(size) + ", larger than the limit of " + describe_mib(max_size) +
          " (max_file_size_mb in .pgsafe.toml); a migration this large should be split or loaded as data, not linted";
  };
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    too_large(static_cast<size_t>(st.st_size));
    return false;
  }
  bytes.clear();
  bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      why = std::string("cannot read file: ") + std::strerror(errno);
      return false;
    }
    if (got == 0) break;
    bytes.append(buf, static_cast<size_t>(got));
    if (bytes.size() > max_size) {  // it grew while being read
      too_large(bytes.size());
      return false;
    }
  }
  return true;
}

MigrationSet discover(const std::vector<std::string>& paths, const DiscoverOptions& opts,
                      std::vector<InputError>& errors) {
  MigrationSet set;
  std::vector<std::string> targets;
  bool want_stdin = false;
  for (const auto& p : paths) {
    if (p == "-") want_stdin = true;
    else expand(p, targets, errors, set.skipped);
  }
  std::vector<std::string> history;
  KnownPlain known_plain;  // history folders and files the listing showed are no links
  if (opts.migrations_dir) {
    std::error_code ec;
    if (!fs::is_directory(*opts.migrations_dir, ec)) {
      errors.push_back({*opts.migrations_dir, "migrations directory does not exist"});
    } else {
      add_directory(*opts.migrations_dir, history, errors, set.skipped, &known_plain);
      // A history folder without files is fine: the first migration has no history.
      if (!errors.empty() && errors.back().file == *opts.migrations_dir &&
          errors.back().message == "directory contains no .sql files")
        errors.pop_back();
    }
  }
  // Each name is read once: as auto-detection reads it, and again under the chosen layout only
  // where detection matched it to another layout (or to none).
  std::vector<NameInfo> target_names, history_names;
  auto auto_names = [](const std::vector<std::string>& paths, std::vector<NameInfo>& names) {
    names.reserve(paths.size());
    for (const auto& p : paths) names.push_back(parse_name(p, Layout::Auto));
  };
  if (opts.layout == Layout::Auto) {
    auto_names(targets, target_names);
    auto_names(history, history_names);
    std::vector<NameInfo> all = target_names;
    all.insert(all.end(), history_names.begin(), history_names.end());
    if (want_stdin && opts.stdin_filename) all.push_back(parse_name(*opts.stdin_filename, Layout::Auto));
    set.layout = vote_layout(all);
  } else {
    set.layout = opts.layout;
  }
  std::unordered_set<std::string> seen;
  // Canonical paths, to list a file once when it is named twice (a target inside the history
  // folder, a link). A folder's canonical form is worked out once: per file that would cost a
  // readlink per path component and a getcwd, thousands of system calls for a large history.
  std::unordered_map<std::string, std::string> canonical_dirs;  // "" when it could not be worked out
  std::function<std::string(const fs::path&)> canonical_dir = [&](const fs::path& d) -> std::string {
    auto it = canonical_dirs.find(d.string());
    if (it != canonical_dirs.end()) return it->second;
    std::error_code ec;
    std::string result;
    fs::path parent = d.parent_path();
    bool plain = !d.empty() && d.has_filename() && d.filename() != "." && d.filename() != ".." && !parent.empty() &&
                 parent != d && (known_plain.count(d.string()) || (!fs::is_symlink(fs::symlink_status(d, ec)) && !ec));
    if (plain) {
      std::string pc = canonical_dir(parent);
      if (!pc.empty()) result = (fs::path(pc) / d.filename()).string();
    } else {
      ec.clear();
      auto c = fs::weakly_canonical(d.empty() ? fs::path(".") : d, ec);
      if (!ec) result = c.string();
    }
    canonical_dirs.emplace(d.string(), result);
    return result;
  };
  auto canonical = [&](const std::string& p) {
    // A plain file of the listing: its folder's canonical form and its name (the listing joined
    // them with one '/').
    if (known_plain.count(p)) {
      size_t slash = p.rfind('/');
      if (slash != std::string::npos && slash > 0 && p[slash - 1] != '/') {
        std::string parent = p.substr(0, slash);
        auto it = canonical_dirs.find(parent);
        const std::string& dir = it != canonical_dirs.end() ? it->second : canonical_dir(fs::path(parent));
        if (!dir.empty()) return dir + (dir.back() == '/' ? "" : "/") + p.substr(slash + 1);
      }
    }
    std::error_code ec;
    fs::path path(p);
    bool link = false;
    if (!known_plain.count(p)) link = fs::is_symlink(fs::symlink_status(path, ec));
    std::string dir;
    if (!ec && !link && path.has_filename() && path.filename() != "." && path.filename() != "..")
      dir = canonical_dir(path.parent_path());
    if (dir.empty()) {
      ec.clear();
      auto c = fs::weakly_canonical(path, ec);
      return ec ? p : c.string();
    }
    return (fs::path(dir) / path.filename()).string();
  };
  auto make = [&](const std::string& path, bool hist, NameInfo* detected = nullptr) {
    MigrationFile f = detected && detected->matches && detected->layout == set.layout
                          ? file_from_name(path, std::move(*detected))
                          : make_migration_file(path, set.layout);
    f.history_only = hist;
    return f;
  };
  std::set<std::string> stdin_canon;
  if (want_stdin && opts.stdin_filename) stdin_canon.insert(canonical(*opts.stdin_filename));
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string& t = targets[i];
    std::string c = canonical(t);
    if (!seen.insert(c).second) continue;
    set.files.push_back(make(t, false, target_names.empty() ? nullptr : &target_names[i]));
  }
  if (want_stdin) {
    MigrationFile f = make(opts.stdin_filename.value_or("<stdin>"), false);
    f.from_stdin = true;
    seen.insert(canonical(f.path));
    set.files.push_back(std::move(f));
  }
  set.files.reserve(set.files.size() + history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    const std::string& h = history[i];
    std::string c = canonical(h);
    if (!seen.insert(c).second) continue;
    set.files.push_back(make(h, true, history_names.empty() ? nullptr : &history_names[i]));
  }
  order_set(set);
  return set;
}

}  // namespace pgsafe
