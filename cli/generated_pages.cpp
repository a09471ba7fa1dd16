#include "cli/generated_pages.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "cli/commands.h"

namespace fs = std::filesystem;

namespace pgsafe::cli {

int write_generated_pages(const GeneratedPages& g, const std::string& dir, bool check, std::ostream& out,
                          std::ostream& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec && !check) {
    err << "pgsafe: error: " << dir << ": cannot create directory: " << ec.message() << "\n";
    return exit_code::kUsage;
  }
  int stale = 0;
  for (const auto& [name, content] : g.pages) {
    fs::path p = fs::path(dir) / name;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream cur;
    if (in) cur << in.rdbuf();
    if (in && cur.str() == content) continue;
    if (check) {
      err << "pgsafe: " << p.generic_string() << " is out of date; run `" << g.regenerate << " --out " << dir << "`\n";
      ++stale;
      continue;
    }
    std::ofstream o(p, std::ios::binary);
    o << content;
    if (!o) {
      err << "pgsafe: error: " << p.generic_string() << ": cannot write\n";
      return exit_code::kUsage;
    }
    out << "wrote " << p.generic_string() << "\n";
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".md") continue;
    bool known = false;
    for (const auto& [n, c] : g.pages) known = known || n == name;
    if (!known) {
      err << "pgsafe: " << entry.path().generic_string() << " documents no " << g.orphan << "\n";
      ++stale;
    }
  }
  return stale ? exit_code::kFindings : exit_code::kOk;
}

}  // namespace pgsafe::cli
