// Parses every .sql file under the given paths with libpg_query (one pg_query_parse_protobuf
// call per file, as pgsafe's fast path does) and nothing else: the yardstick for `pgsafe lint`.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

#include "parser/parser.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
    } else {
      files.push_back(p);
    }
  }
  size_t ok = 0, failed = 0, bytes = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    bytes += text.size();
    (pgsafe::parser::bare_parse(text) ? ok : failed)++;
  }
  std::cerr << files.size() << " files, " << bytes << " bytes, " << ok << " parsed, " << failed << " with errors\n";
  return 0;
}
