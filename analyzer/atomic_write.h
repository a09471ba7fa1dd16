#pragma once
// Writing a file the user owns the way databases do, so a crash or a full disk never leaves it
// half written: a new temporary file beside it (a random name, O_CREAT|O_EXCL|O_NOFOLLOW, so no
// planted file or link is ever followed), every write and the close checked, fsync, rename over
// the original, fsync of the folder. On any failure the original is untouched and the temporary
// file removed.
//
// The caller should ignore SIGXFSZ first (the CLI does): a write past the file size limit then
// fails with EFBIG and is reported, instead of killing the process half way.
#include <optional>
#include <string>
#include <string_view>

namespace pgsafe {

// Replaces (or creates) `path` with `content`. An existing file keeps its permission bits, and its
// owner and group where the process may set them. On failure the original is untouched, the
// temporary file is removed, and `error` says why. (Used for files pgsafe itself produces, such as
// a baseline.)
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

// Rewriting a migration in place of its author (lint --fix).
struct RewriteOptions {
  // Also rewrite what is refused by default: a symbolic link (its final target is rewritten and
  // the link kept), a file with other hard links (this name gets the new text; the other names
  // keep the old one), a read-only file or one this user may not write (its mode is kept), a file
  // whose owner or group this user cannot give the new file (the new file is this user's).
  bool force = false;
  // The bytes the file must still hold: a file changed since it was read is not overwritten.
  std::optional<std::string_view> expected;
};

// Why `path` is not rewritten under these options, or nullopt when it may be. Checks what can
// be known without writing, so a caller rewriting several files can refuse before writing any.
std::optional<std::string> rewrite_refusal(const std::string& path, bool force);

// Replaces the existing regular file `path` with `content` (see RewriteOptions), keeping its mode
// and owner. False with `error` set when it was refused or failed: the original is then untouched,
// unless `replaced` says the new text took its place and only syncing the folder failed.
bool rewrite_file(const std::string& path, std::string_view content, const RewriteOptions& options,
                  std::string& error, bool* replaced = nullptr);

}  // namespace pgsafe
