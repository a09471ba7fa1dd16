// Robustness: every .sql file under ../shared/corpus (real migrations from public projects and
// PostgreSQL's regression SQL) is linted by the real binary with every rule, without a crash.
// Exit 0 or 1; exit 2 only for files that are not UTF-8, which must then be named.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "parser/parser.h"
#include "parser/source_text.h"
#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

// Independent of pgsafe's own check: iconv decides what is valid UTF-8.
bool iconv_says_utf8(const std::string& path) {
  return run_command({"iconv", "-f", "UTF-8", "-t", "UTF-8", path, "-o", "/dev/null"}).exit_code == 0;
}

}  // namespace

TEST_CASE("the shared corpus is linted without a crash", "[corpus]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: corpus robustness test skipped");
    return;
  }
  fs::path corpus = fs::path(*shared) / "corpus";
  std::vector<fs::path> roots;
  for (const auto& e : fs::directory_iterator(corpus))  // projects; hidden folders (caches) are not
    if (e.is_directory() && e.path().filename().string().front() != '.') roots.push_back(e.path());
  REQUIRE_FALSE(roots.empty());
  for (const auto& root : roots) {
    for (const char* jobs : {"1", "2"}) {
      INFO("corpus " << root.string() << " -j " << jobs);
      auto r = run_pgsafe({"lint", "-j", jobs, "--format", "json", root.string()});
      CHECK(r.exit_code < 128);  // no signal
      CHECK((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2));
      auto j = nlohmann::json::parse(r.out, nullptr, false);
      REQUIRE_FALSE(j.is_discarded());
      CHECK(j["summary"]["files"].get<int>() > 0);
      if (r.exit_code == 2) {
        // Only undecodable files may make it an input error, and each is named with its position.
        std::istringstream lines(r.err);
        size_t named = 0;
        for (std::string line; std::getline(lines, line);) {
          if (line.rfind("pgsafe: error: ", 0) != 0) continue;
          INFO(line);
          CHECK(line.find("not valid UTF-8") != std::string::npos);
          std::string path = line.substr(15, line.find(':', 15) - 15);
          CHECK_FALSE(iconv_says_utf8(path));
          ++named;
        }
        CHECK(named > 0);
      }
    }
  }
}

TEST_CASE("each corpus file alone lints without a crash (regression SQL)", "[corpus]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: corpus robustness test skipped");
    return;
  }
  // One process per file isolates a crash to the file that caused it; a sample keeps it quick.
  fs::path regress = fs::path(*shared) / "corpus" / "postgres-regress";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(regress, ec))
    if (e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  size_t checked = 0;
  for (size_t i = 0; i < files.size(); i += 7) {
    auto r = run_pgsafe({"lint", "--format", "json", files[i].string()});
    INFO(files[i].string());
    CHECK(r.exit_code < 128);
    if (r.exit_code == 2) CHECK_FALSE(iconv_says_utf8(files[i].string()));
    ++checked;
  }
  CHECK(checked > 10);
}

TEST_CASE("the comment lexer agrees with libpg_query's scanner on the whole corpus", "[corpus][parser]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: lexer/scanner comparison skipped");
    return;
  }
  size_t files = 0, comments = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(*shared) / "corpus")) {
    if (e.path().extension() != ".sql") continue;
    std::string text = read_file(e.path().string());
    if (pgsafe::find_invalid_utf8(text)) continue;
    auto from_scanner = pgsafe::parser::scanner_comments(text);
    if (from_scanner.empty() && text.find("--") == std::string::npos && text.find("/*") == std::string::npos) continue;
    auto parsed = pgsafe::parser::parse_sql(text);
    // Files that fail to scan (an unterminated literal) have no scanner answer to compare with.
    if (from_scanner.empty()) continue;
    INFO(e.path().string());
    REQUIRE(parsed.comments().size() == from_scanner.size());
    for (size_t i = 0; i < from_scanner.size(); ++i) {
      CHECK(parsed.comments()[i].begin == from_scanner[i].begin);
      CHECK(parsed.comments()[i].end == from_scanner[i].end);
    }
    ++files;
    comments += from_scanner.size();
  }
  CHECK(files > 100);
  CHECK(comments > 1000);
}
