// SARIF as GitHub code scanning accepts it, tested with every rule the registry has (opt-in ones
// included) and on the shared corpus, not just with a couple of hand-picked rules:
//  - the document satisfies the official SARIF 2.1.0 schema (ajv) and Microsoft's SARIF
//    multitool finds no error or warning under its SARIF and GitHub ingestion rules;
//  - rule tags are distinct, and security rules carry "security" and a security-severity;
//  - partialFingerprints survive lines inserted above a finding and differ between findings;
//  - artifact URIs are relative to the repository root under %SRCROOT%, never absolute or
//    file://, and identical whatever directory pgsafe runs in.
// Validation needs the npm dev dependencies (`npm ci`, see package.json); corpus tests skip when
// ../shared/corpus is absent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/registry.h"
#include "reporters/reporter.h"
#include "reporters/sarif_root.h"
#include "tests/fixtures.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;
using Json = nlohmann::json;

namespace {

fs::path npm_modules() { return fs::path(source_dir()) / "node_modules"; }
std::string ajv() { return (npm_modules() / ".bin" / "ajv").string(); }
std::string sarif_schema() {
  return (npm_modules() / "@microsoft" / "sarif-multitool-linux" / "sarif-2.1.0.json").string();
}
std::string multitool() { return (npm_modules() / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool").string(); }

void require_tools() {
  if (!fs::exists(ajv()) || !fs::exists(sarif_schema()) || !fs::exists(multitool()))
    FAIL("SARIF validation needs the npm dev dependencies: run `npm ci` in " << source_dir() << " (see package.json)");
}

// The official schema, through ajv (as tests/reporters_test.cpp validates the goldens).
void require_schema_valid(const std::string& document, const std::string& what) {
  require_tools();
  std::string data = (fs::path(temp_dir("sarif-ajv")) / "document.json").string();  // ajv wants .json
  write_file(data, document);
  ProcessResult r = run_command({ajv(), "validate", "--spec=draft2020", "--all-errors", "--errors=text", "-s",
                                 sarif_schema(), "-d", data, "-c", "ajv-formats"},
                                "", source_dir());
  INFO(what << ": ajv against " << sarif_schema() << "\n" << r.out.substr(0, 4000) << r.err.substr(0, 4000));
  CHECK(r.exit_code == 0);
}

// Microsoft's SARIF multitool: its GH rules are what GitHub's ingestion requires beyond the schema
// (locations, regions, URIs, rule properties), its SARIF rules what the standard says (URIs
// relative to a uriBaseId, and so on). Errors and warnings, one line each.
std::vector<std::string> multitool_problems(const std::string& document) {
  require_tools();
  std::string dir = temp_dir("sarif-multitool");
  std::string in = (fs::path(dir) / "pgsafe.sarif").string();
  std::string out = (fs::path(dir) / "verdict.sarif").string();
  std::string policy = (fs::path(dir) / "policy.xml").string();
  write_file(in, document);
  // SARIF2006 fetches every URI in the file over the network (a note at most): off, so the test
  // neither waits on nor depends on the network.
  write_file(policy,
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Properties>\n"
             "  <Properties Key=\"SARIF2006.UrisShouldBeReachable.Options\">\n"
             "    <Property Key=\"RuleEnabled\" Value=\"Disabled\" />\n  </Properties>\n</Properties>\n");
  ProcessResult r = run_command({multitool(), "validate", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning",
                                 "--config", policy, "--max-file-size-in-kb", "1000000", "--log", "ForceOverwrite",
                                 "-o", out, in},
                                "", dir);
  INFO("multitool: " << r.out.substr(0, 4000) << r.err.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(out));
  std::vector<std::string> problems;
  Json verdict = Json::parse(read_file(out));
  for (const Json& run : verdict["runs"])
    for (const Json& res : run.value("results", Json::array())) {
      std::string line = res.value("ruleId", "?") + " " + res.value("level", "warning") + ":";
      if (res.contains("message") && res["message"].contains("arguments"))
        for (const Json& a : res["message"]["arguments"]) line += " " + a.get<std::string>();
      problems.push_back(line);
    }
  return problems;
}

void require_github_acceptable(const std::string& document, const std::string& what) {
  require_schema_valid(document, what);
  auto problems = multitool_problems(document);
  std::ostringstream all;
  for (size_t i = 0; i < problems.size() && i < 40; ++i) all << problems[i] << "\n";
  INFO(what << ": multitool errors and warnings (" << problems.size() << "):\n" << all.str());
  CHECK(problems.empty());
}

std::vector<std::string> every_rule_id() {
  std::vector<std::string> ids;
  for (const RuleDef* def : all_rules()) ids.emplace_back(meta_of(*def).id);
  return ids;
}

std::vector<const RuleMeta*> every_rule_meta() {
  std::vector<const RuleMeta*> metas;
  for (const RuleDef* def : all_rules()) metas.push_back(&meta_of(*def));
  return metas;
}

std::string render_sarif(const std::vector<Diagnostic>& diags, const std::map<std::string, SourceText>& sources,
                         std::vector<const RuleMeta*> rules, const report::ReportOptions& opts) {
  report::ReportInput in{diags, sources, std::move(rules), report::summarize(diags, sources.size()), "0.1.0"};
  std::ostringstream s;
  report::write_sarif(s, in, opts);
  return s.str();
}

report::ReportOptions rooted(const std::string& root) {
  report::ReportOptions o;
  o.sarif_root = root;
  return o;
}

// Every bad fixture linted in its own context (its config lines and file names) but with every
// registered rule selected, opt-in ones included; the findings of all of them in one report,
// each fixture's files under a folder of their own so paths never collide.
struct EveryRuleRun {
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, SourceText> sources;
  std::set<std::string> fixture_rules;  // rules that have a bad fixture
};

EveryRuleRun lint_every_bad_fixture() {
  EveryRuleRun run;
  size_t n = 0;
  for (const Fixture& fx : all_fixtures()) {
    if (!fx.bad) continue;
    LintOptions opts;
    std::string error;
    if (!fixture_options(fx, opts, error)) {
      // The fixture's own test reports a config it cannot use; here it only narrows the sample.
      WARN("fixture " << fx.path << " skipped: its config lines do not load: " << error);
      continue;
    }
    opts.select = every_rule_id();
    if (!fx.rule.empty()) run.fixture_rules.insert(fx.rule);
    LintResult r = lint(fixture_set(fx, opts.config.layout), opts);  // committed and applied files marked
    std::string prefix = "fixture" + std::to_string(++n) + "/";
    for (Diagnostic d : r.diagnostics) {
      d.file = prefix + d.file;
      run.diagnostics.push_back(std::move(d));
    }
    for (const auto& [path, src] : r.sources) run.sources.emplace(prefix + path, SourceText(prefix + path, src.text()));
  }
  std::sort(run.diagnostics.begin(), run.diagnostics.end(), diagnostic_less);
  return run;
}

const Json& rule_of(const Json& run, const Json& result) {
  return run["tool"]["driver"]["rules"][result["ruleIndex"].get<size_t>()];
}

// What code scanning needs of every rule descriptor and result, whatever produced them.
void check_github_properties(const Json& sarif) {
  const Json& run = sarif["runs"][0];
  for (const Json& rule : run["tool"]["driver"]["rules"]) {
    INFO("rule " << rule["id"]);
    const Json& props = rule["properties"];
    std::vector<std::string> tags = props["tags"];
    std::set<std::string> distinct(tags.begin(), tags.end());
    CHECK(distinct.size() == tags.size());
    bool security = props.value("category", "") == "security";
    CHECK(distinct.count("security") == (security ? 1u : 0u));
    if (security) {
      REQUIRE(props.contains("security-severity"));
      REQUIRE(props["security-severity"].is_string());  // GitHub reads a string holding a number
      double score = std::stod(props["security-severity"].get<std::string>());
      CHECK(score >= 0.1);
      CHECK(score <= 10.0);
    } else {
      CHECK_FALSE(props.contains("security-severity"));
    }
  }
  CHECK(run["originalUriBaseIds"].contains("%SRCROOT%"));
  CHECK_FALSE(run["originalUriBaseIds"]["%SRCROOT%"].contains("uri"));  // no machine's absolute path
  std::set<std::pair<std::string, std::string>> prints;
  for (const Json& r : run["results"]) {
    INFO("result " << r.dump());
    CHECK(rule_of(run, r)["id"] == r["ruleId"]);
    const Json& where = r["locations"][0]["physicalLocation"]["artifactLocation"];
    std::string uri = where["uri"];
    CHECK(where["uriBaseId"] == "%SRCROOT%");
    CHECK(uri.rfind("file:", 0) == std::string::npos);
    CHECK_FALSE(uri.empty());
    CHECK(uri.front() != '/');
    REQUIRE(r.contains("partialFingerprints"));
    std::string print = r["partialFingerprints"]["pgsafeFindingHash/v1"];
    CHECK(prints.insert({uri, print}).second);  // no two findings share one
  }
}

std::string fingerprint_of(const Json& result) { return result["partialFingerprints"]["pgsafeFindingHash/v1"]; }

}  // namespace

TEST_CASE("sarif: every registered rule's descriptor is valid and has what code scanning reads", "[sarif][schema]") {
  std::vector<Diagnostic> none;
  std::map<std::string, SourceText> no_sources;
  std::string doc = render_sarif(none, no_sources, every_rule_meta(), rooted("/home/dev/shop"));
  Json sarif = Json::parse(doc);
  const Json& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  CHECK(rules.size() == all_rules().size());
  size_t security = 0;
  for (const Json& r : rules) security += r["properties"]["category"] == "security" ? 1 : 0;
  CHECK(security > 0);
  check_github_properties(sarif);
  require_github_acceptable(doc, "every rule, no findings");
}

TEST_CASE("sarif: findings of every rule (opt-in included) over every bad fixture", "[sarif][schema]") {
  EveryRuleRun run = lint_every_bad_fixture();
  REQUIRE_FALSE(run.diagnostics.empty());
  std::string doc = render_sarif(run.diagnostics, run.sources, every_rule_meta(), rooted("/home/dev/shop"));
  Json sarif = Json::parse(doc);
  std::set<std::string> fired;
  for (const Json& r : sarif["runs"][0]["results"]) fired.insert(r["ruleId"]);
  // Each rule's own bad fixture still trips it with every other rule running beside it.
  for (const auto& id : run.fixture_rules) {
    INFO("rule " << id << " has a bad fixture but no result in the SARIF");
    CHECK(fired.count(id) == 1);
  }
  bool any_fix = false;
  for (const Json& r : sarif["runs"][0]["results"]) any_fix = any_fix || r.contains("fixes");
  CHECK(any_fix);
  check_github_properties(sarif);
  require_github_acceptable(doc, "every rule over the bad fixtures");

  // Suppressed findings included, as --sarif-include-suppressed writes them.
  report::ReportOptions with = rooted("/home/dev/shop");
  with.sarif_include_suppressed = true;
  std::string all = render_sarif(run.diagnostics, run.sources, every_rule_meta(), with);
  require_schema_valid(all, "every rule over the bad fixtures, suppressed included");
}

TEST_CASE("sarif: the official schema rejects the repeated security tag pgsafe used to write", "[sarif][schema]") {
  // A guard on the guard: the defect this file was written for must fail the validation above.
  std::vector<Diagnostic> none;
  std::map<std::string, SourceText> no_sources;
  Json sarif = Json::parse(render_sarif(none, no_sources, every_rule_meta(), rooted("/repo")));
  for (Json& rule : sarif["runs"][0]["tool"]["driver"]["rules"])
    if (rule["properties"]["category"] == "security") {
      rule["properties"]["tags"].push_back("security");
      break;
    }
  require_tools();
  std::string data = (fs::path(temp_dir("sarif-ajv")) / "document.json").string();
  write_file(data, sarif.dump());
  ProcessResult r = run_command({ajv(), "validate", "--spec=draft2020", "-s", sarif_schema(), "-d", data, "-c",
                                 "ajv-formats"},
                                "", source_dir());
  CHECK(r.exit_code != 0);
  CHECK_FALSE(multitool_problems(sarif.dump()).empty());
}

TEST_CASE("sarif: fingerprints survive lines inserted above and tell findings apart", "[sarif]") {
  LintOptions opts;
  opts.select = {"ban-drop-table", "ban-truncate"};
  const std::string path = "migrations/20240101000000_cleanup.sql";
  const std::string before =
      "DROP TABLE sessions;\n"
      "TRUNCATE audit_log;\n"
      "DROP TABLE carts;\n"
      "DROP TABLE sessions;\n";
  // Blank lines, a comment and a new statement above, and the findings re-indented.
  const std::string after =
      "-- housekeeping first\n\n\n"
      "SELECT 1;\n\n"
      "DROP TABLE sessions;\n"
      "  TRUNCATE   audit_log;\n"
      "\n"
      "DROP TABLE carts;\n"
      "DROP TABLE\n  sessions;\n";
  auto sarif_of = [&](const std::string& text) {
    LintResult r = lint_memory({{path, text}}, opts);
    REQUIRE(r.errors.empty());
    return Json::parse(render_sarif(r.diagnostics, r.sources, every_rule_meta(), rooted("/repo")));
  };
  Json a = sarif_of(before), b = sarif_of(after);
  const Json& ra = a["runs"][0]["results"];
  const Json& rb = b["runs"][0]["results"];
  REQUIRE(ra.size() == 4);
  REQUIRE(rb.size() == 4);
  std::set<std::string> distinct;
  for (size_t i = 0; i < ra.size(); ++i) {
    INFO("finding " << i << ": " << ra[i]["message"]["text"]);
    CHECK(ra[i]["ruleId"] == rb[i]["ruleId"]);
    CHECK(ra[i]["locations"][0]["physicalLocation"]["region"]["startLine"] !=
          rb[i]["locations"][0]["physicalLocation"]["region"]["startLine"]);
    CHECK(fingerprint_of(ra[i]) == fingerprint_of(rb[i]));
    distinct.insert(fingerprint_of(ra[i]));
  }
  // The same statement twice (DROP TABLE sessions) is two findings, told apart by occurrence.
  CHECK(distinct.size() == ra.size());
  CHECK(fingerprint_of(ra[0]).substr(0, 16) == fingerprint_of(ra[3]).substr(0, 16));

  // A different statement is a different finding.
  Json c = sarif_of("DROP TABLE orders;\nTRUNCATE audit_log;\nDROP TABLE carts;\nDROP TABLE sessions;\n");
  CHECK(fingerprint_of(c["runs"][0]["results"][0]) != fingerprint_of(ra[0]));
  CHECK(fingerprint_of(c["runs"][0]["results"][1]) == fingerprint_of(ra[1]));

  // Whether suppressed findings are written does not renumber the others.
  std::string suppressed_first = "-- pgsafe-ignore ban-drop-table: the sessions moved to redis\n" + before;
  LintResult r = lint_memory({{path, suppressed_first}}, opts);
  report::ReportOptions with = rooted("/repo");
  with.sarif_include_suppressed = true;
  Json hidden = Json::parse(render_sarif(r.diagnostics, r.sources, every_rule_meta(), rooted("/repo")));
  Json shown = Json::parse(render_sarif(r.diagnostics, r.sources, every_rule_meta(), with));
  REQUIRE(hidden["runs"][0]["results"].size() == 3);
  REQUIRE(shown["runs"][0]["results"].size() == 4);
  CHECK(fingerprint_of(hidden["runs"][0]["results"][2]) == fingerprint_of(ra[3]));
  CHECK(fingerprint_of(shown["runs"][0]["results"][3]) == fingerprint_of(ra[3]));
}

TEST_CASE("sarif: the source root is the git top level of the files", "[sarif]") {
  std::string tmp = temp_dir("sarif-root");
  fs::create_directories(tmp + "/repo/.git");
  fs::create_directories(tmp + "/repo/db/migrations");
  fs::create_directories(tmp + "/repo/vendor/lib/migrations");
  write_file(tmp + "/repo/vendor/lib/.git", "gitdir: ../../.git/modules/lib\n");  // a submodule
  fs::create_directories(tmp + "/loose");
  using report::git_top_level;
  CHECK(git_top_level(tmp + "/repo/db/migrations/1_a.sql", "/") == tmp + "/repo");
  CHECK(git_top_level("db/migrations/1_a.sql", tmp + "/repo") == tmp + "/repo");
  CHECK(git_top_level("../db/migrations/1_a.sql", tmp + "/repo/db") == tmp + "/repo");
  CHECK(git_top_level(tmp + "/repo/vendor/lib/migrations/1_a.sql", "/") == tmp + "/repo/vendor/lib");
  CHECK_FALSE(git_top_level(tmp + "/loose/1_a.sql", "/"));

  using report::sarif_source_root;
  CHECK(sarif_source_root({"db/migrations/1_a.sql", "db/migrations/2_b.sql"}, tmp + "/repo/") == tmp + "/repo");
  CHECK(sarif_source_root({"1_a.sql"}, tmp + "/loose/") == tmp + "/loose");  // not in a repository
  CHECK(sarif_source_root({}, tmp + "/loose") == tmp + "/loose");
  // Files from two repositories: the one holding most of them.
  CHECK(sarif_source_root({tmp + "/repo/vendor/lib/migrations/1_a.sql", tmp + "/repo/db/migrations/1_a.sql",
                           tmp + "/repo/db/migrations/2_b.sql"},
                          "/") == tmp + "/repo");
}

TEST_CASE("sarif: URIs are repository-relative and the same from any working directory", "[sarif][schema]") {
  std::string tmp = temp_dir("sarif-cwd");
  std::string repo = tmp + "/shop";
  fs::create_directories(repo + "/supabase/migrations");
  ProcessResult init = run_command({"git", "init", "-q", repo});
  if (init.exit_code != 0) fs::create_directories(repo + "/.git");  // what the root search looks for
  write_file(repo + "/supabase/migrations/20240101000000_create orders.sql",
             "CREATE TABLE public.orders (id bigint PRIMARY KEY, total numeric);\n"
             "CREATE TABLE public.carts (id bigint PRIMARY KEY);\n");
  write_file(repo + "/supabase/migrations/20240102000000_cleanup.sql",
             "DROP TABLE public.carts;\n"
             "ALTER TABLE public.orders DROP COLUMN total;\n");

  // The same configuration for every run (found upward from the working directory, it would not
  // be from outside the repository), and exposure stated rather than inferred from paths.
  std::string config = repo + "/.pgsafe.toml";
  write_file(config, "exposed_schemas = [\"public\"]\n");
  auto lint = [&](const std::string& cwd, const std::string& path) {
    ProcessResult r = run_pgsafe({"lint", "--format", "sarif", "--config", config, path}, "", cwd);
    INFO("pgsafe lint --format sarif " << path << " in " << cwd << "\n" << r.err);
    CHECK(r.exit_code == 1);
    return r.out;
  };
  std::string from_root = lint(repo, "supabase/migrations");
  std::string from_sub = lint(repo + "/supabase", "migrations");
  std::string from_folder = lint(repo + "/supabase/migrations", ".");
  std::string from_outside = lint(tmp, repo + "/supabase/migrations");
  std::string from_elsewhere = lint(source_dir(), fs::relative(repo + "/supabase/migrations", source_dir()).string());
  CHECK(from_sub == from_root);
  CHECK(from_folder == from_root);
  CHECK(from_outside == from_root);
  CHECK(from_elsewhere == from_root);

  CHECK(from_root.find("file://") == std::string::npos);
  CHECK(from_root.find(tmp) == std::string::npos);  // no absolute path anywhere in the document
  Json sarif = Json::parse(from_root);
  std::set<std::string> uris, rules;
  for (const Json& r : sarif["runs"][0]["results"]) {
    uris.insert(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
    rules.insert(r["ruleId"]);
  }
  CHECK(uris == std::set<std::string>{"supabase/migrations/20240101000000_create%20orders.sql",
                                      "supabase/migrations/20240102000000_cleanup.sql"});
  CHECK(rules.count("table-without-rls") == 1);  // a security finding, ranked by security-severity
  check_github_properties(sarif);
  require_github_acceptable(from_root, "pgsafe lint --format sarif in a repository");
}

TEST_CASE("sarif: the shared corpus with every rule enabled", "[sarif][schema][corpus]") {
  auto shared = shared_dir();
  if (!shared) {
    WARN("../shared is absent: SARIF corpus test skipped");
    return;
  }
  // missing-grant only runs once it knows the roles to check.
  std::string config = temp_dir("sarif-corpus") + "/pgsafe.toml";
  write_file(config, "[rules.missing-grant]\nroles = [\"authenticated\", \"service_role\"]\n");
  std::string select;
  for (const auto& id : every_rule_id()) select += (select.empty() ? "" : ",") + id;
  for (const char* project : {"lemmy", "postgres-regress"}) {
    fs::path corpus = fs::path(*shared) / "corpus" / project;
    if (!fs::is_directory(corpus)) continue;
    INFO("corpus " << corpus.string());
    ProcessResult r = run_pgsafe({"lint", "--format", "sarif", "--config", config, "--select", select, corpus.string()});
    // 2 only for files that are not UTF-8 (see corpus_test.cpp); the SARIF is written regardless.
    CHECK((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2));
    Json sarif = Json::parse(r.out);
    CHECK(sarif["runs"][0]["results"].size() > 0);
    CHECK(sarif["runs"][0]["tool"]["driver"]["rules"].size() == all_rules().size());
    CHECK(r.out.find("file://") == std::string::npos);
    check_github_properties(sarif);
    require_github_acceptable(r.out, std::string("corpus ") + project);
  }
}
