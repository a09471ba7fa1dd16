// The GitLab Code Quality report (--format gitlab): valid against a schema written from GitLab's
// documented format (testdata/schemas/gitlab-code-quality.schema.json), and fingerprints that are
// unique in a report and survive lines inserted above a finding (they are SARIF's finding hashes).
// Validation runs ajv from node_modules (`npm ci`, see package.json).
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/registry.h"
#include "reporters/reporter.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;
using Json = nlohmann::json;

namespace {

std::string gitlab_schema() {
  return (fs::path(source_dir()) / "testdata" / "schemas" / "gitlab-code-quality.schema.json").string();
}
std::string golden(const std::string& name) {
  return (fs::path(source_dir()) / "testdata" / "reporters" / (name + ".gitlab.json")).string();
}

ProcessResult validate(const std::string& document) {
  std::string ajv = (fs::path(source_dir()) / "node_modules" / ".bin" / "ajv").string();
  if (!fs::exists(ajv)) FAIL("schema validation needs the npm dev dependencies: run `npm ci` in " << source_dir());
  std::string data = (fs::path(temp_dir("gitlab-ajv")) / "document.json").string();  // ajv wants .json
  write_file(data, document);
  return run_command({ajv, "validate", "--spec=draft2020", "--all-errors", "--errors=text", "-s", gitlab_schema(), "-d",
                      data},
                     "", source_dir());
}

void require_valid(const std::string& document, const std::string& what) {
  ProcessResult r = validate(document);
  INFO(what << " against " << gitlab_schema() << "\n" << r.out.substr(0, 4000) << r.err.substr(0, 4000));
  CHECK(r.exit_code == 0);
}

std::vector<const RuleMeta*> every_rule_meta() {
  std::vector<const RuleMeta*> metas;
  for (const RuleDef* def : all_rules()) metas.push_back(&meta_of(*def));
  return metas;
}

Json render(const LintResult& r, report::Format f) {
  report::ReportInput in{r.diagnostics, r.sources, every_rule_meta(), report::summarize(r.diagnostics, r.files), "0.1.0"};
  report::ReportOptions o;
  o.sarif_root = "/repo";
  std::ostringstream s;
  report::write_report(s, f, in, o);
  return Json::parse(s.str());
}

}  // namespace

TEST_CASE("gitlab: the goldens satisfy GitLab's Code Quality format", "[gitlab][schema]") {
  for (const char* name : {"hand_built", "empty", "linted"}) require_valid(read_file(golden(name)), name);
  Json hand = Json::parse(read_file(golden("hand_built")));
  REQUIRE(hand.size() == 4);  // five findings, one suppressed
  std::set<std::string> severities, prints;
  for (const Json& issue : hand) {
    severities.insert(issue["severity"]);
    prints.insert(issue["fingerprint"]);
    CHECK(issue["engine_name"] == "pgsafe");
    CHECK(issue["type"] == "issue");
  }
  CHECK(prints.size() == hand.size());
  CHECK(severities == std::set<std::string>{"critical", "major", "info"});
}

TEST_CASE("gitlab: the schema rejects what GitLab would", "[gitlab][schema]") {
  // Guards against a validation step that passes everything.
  Json doc = Json::parse(read_file(golden("hand_built")));
  auto rejects = [&](const std::function<void(Json&)>& breakit, const char* what) {
    Json broken = doc;
    breakit(broken);
    INFO(what);
    CHECK(validate(broken.dump()).exit_code != 0);
  };
  rejects([](Json& d) { d[0]["severity"] = "error"; }, "a pgsafe severity word");
  rejects([](Json& d) { d[0].erase("fingerprint"); }, "no fingerprint");
  rejects([](Json& d) { d[0]["location"].erase("lines"); }, "no line");
  rejects([](Json& d) { d[0]["location"]["path"] = "/home/dev/shop/a.sql"; }, "an absolute path");
  rejects([](Json& d) { d[0]["categories"] = Json::array({"Danger"}); }, "an unknown category");
  rejects([](Json& d) { d = d[0]; }, "an object instead of an array");
}

TEST_CASE("gitlab: fingerprints are unique and survive lines inserted above", "[gitlab]") {
  LintOptions opts;
  opts.select = {"ban-drop-table", "ban-truncate"};
  const std::string path = "migrations/20240101000000_cleanup.sql";
  const std::string before = "DROP TABLE sessions;\nTRUNCATE audit_log;\nDROP TABLE carts;\nDROP TABLE sessions;\n";
  const std::string after = "\n" + before;  // one blank line above everything
  LintResult a = lint_memory({{path, before}}, opts), b = lint_memory({{path, after}}, opts);
  Json ga = render(a, report::Format::Gitlab), gb = render(b, report::Format::Gitlab);
  Json sarif = render(a, report::Format::Sarif);
  REQUIRE(ga.size() == 4);
  REQUIRE(gb.size() == 4);
  std::set<std::string> distinct;
  for (size_t i = 0; i < ga.size(); ++i) {
    INFO("finding " << i << ": " << ga[i]["description"]);
    CHECK(ga[i]["location"]["lines"]["begin"].get<int>() + 1 == gb[i]["location"]["lines"]["begin"].get<int>());
    CHECK(ga[i]["fingerprint"] == gb[i]["fingerprint"]);
    // The same identity code scanning gets.
    CHECK(ga[i]["fingerprint"] == sarif["runs"][0]["results"][i]["partialFingerprints"]["pgsafeFindingHash/v1"]);
    distinct.insert(ga[i]["fingerprint"]);
  }
  CHECK(distinct.size() == ga.size());  // DROP TABLE sessions twice: told apart by occurrence
  require_valid(ga.dump(), "fingerprint case");
}

TEST_CASE("gitlab: pgsafe lint --format gitlab over a project and the shared corpus", "[gitlab][schema][cli]") {
  std::string dir = temp_dir("gitlab");
  write_file(dir + "/migrations/20240101000000_create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  write_file(dir + "/migrations/20240102000000_drop users.sql",
             "-- pgsafe-ignore ban-drop-table: replaced by accounts in v4\nDROP TABLE users;\n\tSELEC 1;\n"
             "DROP TABLE orders;\n");
  ProcessResult r = run_pgsafe({"lint", "--format", "gitlab", "--select", "ban-drop-table,syntax-error", "migrations"},
                               "", dir);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  require_valid(r.out, "pgsafe lint --format gitlab");
  Json issues = Json::parse(r.out);
  REQUIRE(issues.size() == 2);  // the suppressed drop is left out
  for (const Json& i : issues) CHECK(i["location"]["path"] == "migrations/20240102000000_drop users.sql");
  CHECK(issues[0]["check_name"] == "syntax-error");
  CHECK(issues[0]["severity"] == "critical");
  CHECK(issues[0]["categories"] == Json::array({"Bug Risk"}));
  CHECK(issues[1]["check_name"] == "ban-drop-table");
  CHECK(issues[1]["content"]["body"].get<std::string>().find("Rule documentation: ") != std::string::npos);

  ProcessResult clean = run_pgsafe({"lint", "--format", "gitlab", "migrations/20240101000000_create_users.sql"}, "", dir);
  CHECK(clean.out == "[]\n");

  auto shared = shared_dir();
  if (!shared || !fs::is_directory(fs::path(*shared) / "corpus" / "lemmy")) {
    WARN("../shared/corpus/lemmy is absent: GitLab corpus check skipped");
    return;
  }
  std::string select;
  for (const RuleDef* def : all_rules()) select += (select.empty() ? "" : ",") + std::string(meta_of(*def).id);
  ProcessResult corpus =
      run_pgsafe({"lint", "--format", "gitlab", "--select", select, (fs::path(*shared) / "corpus" / "lemmy").string()});
  CHECK((corpus.exit_code == 0 || corpus.exit_code == 1));
  require_valid(corpus.out, "the lemmy corpus, every rule");
  Json all = Json::parse(corpus.out);
  CHECK(all.size() > 0);
  std::set<std::string> prints;
  for (const Json& i : all) prints.insert(i["fingerprint"]);
  CHECK(prints.size() == all.size());
}
