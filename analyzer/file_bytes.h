#pragma once
// Reading a whole file as bytes (no newline translation): the one reader for the files pgsafe
// loads whole (migrations, seeds, the dev server's records, workflows it compares).
#include <optional>
#include <string>

namespace pgsafe {

// The file's bytes, or nullopt when it cannot be opened or a read fails.
std::optional<std::string> read_file_bytes(const std::string& path);

}  // namespace pgsafe
