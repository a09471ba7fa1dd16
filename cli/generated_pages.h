#pragma once
// Documentation pages generated from the code (docs/rules from the rules' metadata, docs/patterns
// from patterns/*.toml): written where they differ, or, with check, reported as stale. A page in
// the folder that none of them is (an .md file) is reported either way: it documents something
// that no longer exists.
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace pgsafe::cli {

struct GeneratedPages {
  std::vector<std::pair<std::string, std::string>> pages;  // file name in the folder, contents
  std::string regenerate;  // the command that writes them, for the stale message
  std::string orphan;      // what a page nobody generates documents: "registered rule", "pattern"
};

// Exit code: 0 written (or up to date), 1 a page is stale (with check) or orphaned, 2 the folder or
// a page cannot be written.
int write_generated_pages(const GeneratedPages& g, const std::string& dir, bool check, std::ostream& out,
                          std::ostream& err);

}  // namespace pgsafe::cli
