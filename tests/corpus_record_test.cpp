// The reviewed record of what the shared corpus yields, per rule and severity, with no
// configuration (as a new user would run it). A change in any count fails this test until the
// record (testdata/corpus/record.txt) is rewritten with PGSAFE_UPDATE_GOLDENS=1 and the diff is
// read: every change in precision shows up in review. A digest of every finding's full text,
// position and fixes records the output byte for byte, so speed work that changes any of it
// fails here too.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support.h"

using namespace pgsafe::test;
namespace fs = std::filesystem;

namespace {

// "<corpus> <severity> <rule> <count>" lines, sorted; suppressed findings are not counted.
std::string record_of(const std::string& name, const nlohmann::json& out) {
  std::map<std::string, int> counts;
  for (const auto& d : out["diagnostics"]) {
    if (!d["suppression"].is_null()) continue;
    counts[d["severity"].get<std::string>() + " " + d["rule"].get<std::string>()]++;
  }
  std::ostringstream s;
  for (const auto& [key, n] : counts) s << name << " " << key << " " << n << "\n";
  s << name << " files " << out["summary"]["files"].get<int>() << "\n";
  return s.str();
}

// Everything the run reported, byte for byte (paths made relative to the corpus folder), as a
// 64-bit FNV-1a digest: any change in any finding's text, position, fix or order changes it.
// Speed work must leave it as it is; a deliberate change of findings updates it with the counts.
std::string digest_of(const std::string& name, const nlohmann::json& out, const std::string& corpus_dir) {
  std::string dump;
  for (auto d : out["diagnostics"]) {
    if (d.contains("file") && d["file"].is_string()) {
      std::string f = d["file"].get<std::string>();
      if (f.rfind(corpus_dir, 0) == 0) d["file"] = f.substr(corpus_dir.size());
    }
    dump += d.dump() + "\n";
  }
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : dump) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return name + " digest " + hex + " of " + std::to_string(out["diagnostics"].size()) + " diagnostics\n";
}

}  // namespace

TEST_CASE("the shared corpus yields the reviewed findings per rule and severity", "[corpus][record]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: corpus record test skipped");
    return;
  }
  fs::path corpus = fs::path(*shared) / "corpus";
  std::string actual;
  // Each project is linted as its own migration set, from the corpus folder, so the record's
  // paths and layout detection do not depend on where the checkout is.
  for (const char* project : {"lemmy", "postgres-regress"}) {
    if (!fs::is_directory(corpus / project)) continue;
    auto r = run_pgsafe({"lint", "--format", "json", (corpus / project).string()});
    INFO(project << ": exit " << r.exit_code << "\n" << r.err);
    REQUIRE(r.exit_code < 128);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    actual += record_of(project, j);
    actual += digest_of(project, j, (corpus / "").string());
    // One thread or several: the same bytes.
    auto one = run_pgsafe({"lint", "-j", "1", "--format", "json", (corpus / project).string()});
    CHECK(one.exit_code == r.exit_code);
    CHECK(one.out == r.out);
  }
  fs::path record = fs::path(source_dir()) / "testdata" / "corpus" / "record.txt";
  if (std::getenv("PGSAFE_UPDATE_GOLDENS")) {
    fs::create_directories(record.parent_path());
    std::ofstream(record) << actual;
  }
  std::ifstream in(record);
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}
