#pragma once
// Writing a file the user owns the way databases do, so a crash or a full disk never leaves it
// half written: a new temporary file beside it, every write and the close checked, fsync, rename
// over the original, fsync of the folder.
#include <string>
#include <string_view>

namespace pgsafe {

// Replaces (or creates) `path` with `content`. An existing file keeps its permission bits. On
// failure the original is untouched, the temporary file is removed, and `error` says why.
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

}  // namespace pgsafe
