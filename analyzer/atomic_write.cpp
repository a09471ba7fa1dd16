#include "analyzer/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

namespace fs = std::filesystem;

namespace pgsafe {

namespace {

std::string random_suffix() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, sizeof kChars - 2);
  std::string s;
  for (int i = 0; i < 12; ++i) s += kChars[pick(rd)];
  return s;
}

std::string describe(const std::string& what, int err) { return what + ": " + std::strerror(err); }

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

bool write_all(int fd, std::string_view content, std::string& error) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = describe("cannot write the new text to a temporary file", errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool in_my_groups(gid_t g) {
  if (g == ::getegid()) return true;
  int n = ::getgroups(0, nullptr);
  if (n <= 0) return false;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  n = ::getgroups(n, groups.data());
  for (int i = 0; i < n; ++i)
    if (groups[static_cast<size_t>(i)] == g) return true;
  return false;
}

// Whether a file this process creates can be given `st`'s owner and group.
bool can_keep_owner(const struct stat& st) {
  if (::geteuid() == 0) return true;
  return st.st_uid == ::geteuid() && in_my_groups(st.st_gid);
}

// The file a rewrite replaces: the path itself, or (forced) a symbolic link's final target.
struct Target {
  std::string path;
  struct stat st {};
};

std::optional<std::string> inspect(const std::string& path, bool force, Target& t) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return describe("cannot read its metadata", errno);
  t.path = path;
  if (S_ISLNK(st.st_mode)) {
    char* real = ::realpath(path.c_str(), nullptr);
    int real_errno = errno;
    std::string target = real ? real : "";
    std::free(real);
    if (!force)
      return "it is a symbolic link" + (target.empty() ? std::string() : " to " + target) +
             ", and pgsafe does not rewrite through links";
    if (target.empty()) return describe("it is a symbolic link whose target cannot be found", real_errno);
    t.path = target;
    if (::lstat(target.c_str(), &st) != 0) return describe("cannot read the metadata of its target " + target, errno);
  }
  if (!S_ISREG(st.st_mode)) return std::string("it is not a regular file");
  t.st = st;
  if (force) return std::nullopt;
  if (st.st_nlink > 1)
    return "it has " + std::to_string(st.st_nlink - 1) + " other hard link" + (st.st_nlink > 2 ? "s" : "") +
           ", which would keep the old text while this name gets the new one";
  if ((st.st_mode & 0222) == 0) return "it is read-only (mode " + octal_mode(st.st_mode) + ")";
  if (::faccessat(AT_FDCWD, t.path.c_str(), W_OK, AT_EACCESS) != 0)
    return describe("it is not writable by this user (mode " + octal_mode(st.st_mode) + ")", errno);
  if (!can_keep_owner(st))
    return "it belongs to user " + std::to_string(st.st_uid) + " and group " + std::to_string(st.st_gid) +
           ", which a file this user writes cannot keep";
  return std::nullopt;
}

// Whether the file at `t` still holds `expected` (and is still the file inspected).
std::optional<std::string> changed_since_read(const Target& t, std::string_view expected) {
  int fd = ::open(t.path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return describe("cannot read it again before replacing it", errno);
  struct stat st {};
  bool same = ::fstat(fd, &st) == 0 && st.st_dev == t.st.st_dev && st.st_ino == t.st.st_ino &&
              static_cast<uint64_t>(st.st_size) == expected.size();
  std::string now;
  if (same) {
    now.resize(expected.size() + 1);
    size_t got = 0;
    while (got < now.size()) {
      ssize_t n = ::read(fd, now.data() + got, now.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    now.resize(got);
    same = now == expected;
  }
  ::close(fd);
  if (!same) return std::string("it changed on disk since pgsafe read it (lint it again)");
  return std::nullopt;
}

// The temporary-file dance. `existing`: the file replaced (its mode, and its owner unless it
// cannot be kept: then fail when owner_required, else the file becomes this user's).
bool replace(const std::string& path, const struct stat* existing, bool owner_required, std::string_view content,
             std::string& error, bool& renamed) {
  renamed = false;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string base = target.filename().string();
  if (base.empty()) {
    error = "not a file name";
    return false;
  }

  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = (dir / ("." + base + ".pgsafe-" + random_suffix() + ".tmp")).string();
    // O_EXCL|O_NOFOLLOW: never a file or link someone planted under that name.
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, existing ? 0600 : 0666);
    if (fd < 0 && errno != EEXIST) {
      error = describe("cannot create a temporary file in " + dir.string() + " (fixes are written beside the file, then renamed over it)", errno);
      return false;
    }
  }
  if (fd < 0) {
    error = "cannot create a temporary file in " + dir.string() + ": every name tried exists";
    return false;
  }

  auto fail = [&](std::string why) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    error = std::move(why);
    return false;
  };
  if (existing) {
    struct stat mine {};
    if (::fstat(fd, &mine) != 0) return fail(describe("cannot read the temporary file's metadata", errno));
    if ((mine.st_uid != existing->st_uid || mine.st_gid != existing->st_gid) &&
        ::fchown(fd, existing->st_uid, existing->st_gid) != 0) {
      if (owner_required)
        return fail(describe("cannot give the new file the owner " + std::to_string(existing->st_uid) + ":" +
                                 std::to_string(existing->st_gid),
                             errno));
      // Not required: keep at least the group when this user is in it.
      (void)!::fchown(fd, static_cast<uid_t>(-1), existing->st_gid);
    }
    // After fchown, which may clear set-id bits.
    if (::fchmod(fd, existing->st_mode & 07777) != 0) return fail(describe("cannot set the file's mode", errno));
  }
  if (!write_all(fd, content, error)) return fail(error);
  if (::fsync(fd) != 0) return fail(describe("cannot sync the new text to disk", errno));
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail(describe("cannot close the new text", errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(describe("cannot rename the new text over it", errno));
  renamed = true;

  // The rename is durable only once the folder's entry is on disk.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    error = describe("cannot open its folder to sync it", errno);
    return false;
  }
  bool synced = ::fsync(dfd) == 0;
  int sync_errno = errno;
  ::close(dfd);
  if (!synced) {
    error = describe("cannot sync its folder", sync_errno);
    return false;
  }
  return true;
}

}  // namespace

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  if (exists && !S_ISREG(existing.st_mode)) {
    error = "exists and is not a regular file";
    return false;
  }
  bool renamed = false;
  if (replace(path, exists ? &existing : nullptr, /*owner_required=*/false, content, error, renamed)) return true;
  if (renamed) error = "written, but " + error;
  return false;
}

std::optional<std::string> rewrite_refusal(const std::string& path, bool force) {
  Target t;
  return inspect(path, force, t);
}

bool rewrite_file(const std::string& path, std::string_view content, const RewriteOptions& options,
                  std::string& error, bool* replaced) {
  bool renamed = false;
  if (replaced) *replaced = false;
  Target t;
  if (auto refusal = inspect(path, options.force, t)) {
    error = *refusal;
    return false;
  }
  if (options.expected)
    if (auto changed = changed_since_read(t, *options.expected)) {
      error = *changed;
      return false;
    }
  bool ok = replace(t.path, &t.st, /*owner_required=*/!options.force, content, error, renamed);
  if (replaced) *replaced = renamed;
  return ok;
}

}  // namespace pgsafe
