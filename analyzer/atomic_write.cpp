#include "analyzer/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

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

std::string describe(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

bool write_all(int fd, std::string_view content, std::string& error) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = describe("cannot write", errno);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool write_file_atomically(const std::string& path, std::string_view content, std::string& error) {
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string base = target.filename().string();
  if (base.empty()) {
    error = "not a file name";
    return false;
  }

  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  if (exists && !S_ISREG(existing.st_mode)) {
    error = "exists and is not a regular file";
    return false;
  }

  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = (dir / ("." + base + ".pgsafe-" + random_suffix() + ".tmp")).string();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) {
      error = describe("cannot create a temporary file beside it", errno);
      return false;
    }
  }
  if (fd < 0) {
    error = "cannot create a temporary file beside it: every name tried exists";
    return false;
  }

  auto fail = [&](std::string why) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    error = std::move(why);
    return false;
  };
  if (exists && ::fchmod(fd, existing.st_mode & 07777) != 0) return fail(describe("cannot set permissions", errno));
  if (!write_all(fd, content, error)) return fail(error);
  if (::fsync(fd) != 0) return fail(describe("cannot sync", errno));
  int rc = ::close(fd);
  fd = -1;
  if (rc != 0) return fail(describe("cannot close", errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(describe("cannot replace it", errno));

  // The rename is durable only once the folder's entry is on disk.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    error = describe("written, but cannot open its folder to sync it", errno);
    return false;
  }
  bool synced = ::fsync(dfd) == 0;
  int sync_errno = errno;
  ::close(dfd);
  if (!synced) {
    error = describe("written, but cannot sync its folder", sync_errno);
    return false;
  }
  return true;
}

}  // namespace pgsafe
