#include "analyzer/file_bytes.h"

#include <fstream>
#include <sstream>

namespace pgsafe {

std::optional<std::string> read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();  // an empty file inserts nothing: ss fails, `in` does not
  if (!in && !in.eof()) return std::nullopt;
  return ss.str();
}

}  // namespace pgsafe
