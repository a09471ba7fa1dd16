// Reporter goldens (text, json, sarif, github, markdown, gitlab) and schema validation of JSON and
// SARIF output (GitLab's in tests/gitlab_test.cpp).
//
// Goldens live in testdata/reporters/; PGSAFE_UPDATE_GOLDENS=1 rewrites them (review the diff).
// Schema validation runs ajv from node_modules (root package.json): run `npm ci` once.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/rule_meta.h"
#include "reporters/format_util.h"
#include "reporters/reporter.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;
using Json = nlohmann::json;

namespace {

// A fixed root, so SARIF URIs and GitHub paths in goldens do not depend on the machine.
constexpr const char* kRoot = "/home/dev/shop";

// Rule metadata of our own, so an edit to a real rule's wording does not churn these goldens.
const RuleMeta kDropTable{
    .id = "ban-drop-table",
    .category = "destructive",
    .default_severity = Severity::Error,
    .summary = "Dropping a table deletes all of its data.",
    .rationale = "DROP TABLE removes the table and every row in it.",
    .help = "Rename the table first and drop it in a later release.",
    .bad_example = "DROP TABLE invoices;",
    .good_example = "ALTER TABLE invoices RENAME TO invoices_deprecated;",
    .locks = "ACCESS EXCLUSIVE on the table",
};
const RuleMeta kAddColumnDefault{
    .id = "adding-field-with-default",
    .category = "locking",
    .default_severity = Severity::Warning,
    .summary = "A volatile default rewrites the table.",
    .rationale = "Before PostgreSQL 11, and with a volatile default on any version, ADD COLUMN ... DEFAULT "
                 "rewrites the whole table under an ACCESS EXCLUSIVE lock.",
    .help = "Add the column without a default, backfill in batches, then set the default.",
    .bad_example = "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();",
    .good_example = "ALTER TABLE orders ADD COLUMN token uuid;",
};
const RuleMeta kLockTimeout{
    .id = "require-lock-timeout",
    .category = "process",
    .default_severity = Severity::Info,
    .summary = "Set lock_timeout before taking strong locks.",
    .rationale = "Without lock_timeout a blocked ALTER queues every later query behind it.",
    .help = "SET lock_timeout = '2s'; at the top of the migration.",
};
const RuleMeta kSyntax{
    .id = "syntax-error",
    .category = "syntax",
    .default_severity = Severity::Error,
    .summary = "The statement does not parse.",
};

std::vector<const RuleMeta*> all_metas() { return {&kDropTable, &kAddColumnDefault, &kLockTimeout, &kSyntax}; }

Diagnostic make(const SourceText& src, const std::string& rule, const std::string& category, Severity sev,
                std::string_view from, std::string_view to_inclusive, std::string message, std::string help) {
  size_t begin = src.text().find(from);
  REQUIRE(begin != std::string::npos);
  size_t end = src.text().find(to_inclusive, begin);
  REQUIRE(end != std::string::npos);
  Diagnostic d;
  d.file = src.path();
  d.rule = rule;
  d.category = category;
  d.severity = sev;
  d.message = std::move(message);
  d.help = std::move(help);
  d.url = rule_url(rule);
  d.range = src.range(begin, end + to_inclusive.size());
  return d;
}

// A small realistic migration set, built by hand: multibyte text before a range, a tab before a
// range, a range over several lines, a suppressed finding, a finding with a fix, a file whose
// name needs percent-encoding, and a file outside the root with no source available.
struct HandBuilt {
  std::map<std::string, SourceText> sources;
  std::vector<Diagnostic> diagnostics;
};

HandBuilt hand_built() {
  HandBuilt h;
  const std::string a = "migrations/20240301120000_add_tokens.sql";
  const std::string b = "migrations/20240302090000_drop légacy.sql";
  h.sources.emplace(a, SourceText(a,
                                  "-- Bestellübersicht für café-Kunden 日本\n"
                                  "COMMENT ON TABLE orders IS 'Bestellungen – Übersicht'; ALTER TABLE orders ADD COLUMN "
                                  "token uuid DEFAULT gen_random_uuid();\n"
                                  "\tALTER TABLE orders\n"
                                  "\t\tADD COLUMN note text\n"
                                  "\t\tDEFAULT 'ñ';\n"));
  h.sources.emplace(b, SourceText(b,
                                  "-- pgsafe-ignore ban-drop-table: legacy_sessions unused since v2.3, backed up\n"
                                  "DROP TABLE legacy_sessions;\n"
                                  "DROP TABLE carts CASCADE;\n"));
  const SourceText& sa = h.sources.at(a);
  const SourceText& sb = h.sources.at(b);

  h.diagnostics.push_back(make(sa, "adding-field-with-default", "locking", Severity::Warning, "ADD COLUMN token",
                               "gen_random_uuid()",
                               "column orders.token gets a volatile default: the whole table is rewritten",
                               "Add the column without a default, backfill it in batches of a few thousand rows, "
                               "then set the default; each step holds its lock only briefly.\n"
                               "    ALTER TABLE orders ADD COLUMN token uuid;"));
  Diagnostic fixable = make(sa, "require-lock-timeout", "process", Severity::Info, "ALTER TABLE orders\n", "'ñ';",
                            "ALTER TABLE orders runs without a lock_timeout", "Set a lock_timeout first.");
  Fix fix;
  fix.description = "Insert SET lock_timeout = '2s'; before the statement";
  fix.safe = true;
  size_t at = sa.text().find("\tALTER TABLE orders\n");
  fix.edits.push_back(Edit{sa.range(at, at), "SET lock_timeout = '2s';\n"});
  fixable.fix = fix;
  h.diagnostics.push_back(fixable);

  Diagnostic suppressed = make(sb, "ban-drop-table", "destructive", Severity::Error, "DROP TABLE legacy_sessions",
                               "legacy_sessions;", "DROP TABLE legacy_sessions deletes the table and all of its rows",
                               "Rename the table first and drop it in a later release.");
  suppressed.suppression = Suppression{Suppression::Kind::InSource, "legacy_sessions unused since v2.3, backed up"};
  h.diagnostics.push_back(suppressed);
  h.diagnostics.push_back(make(sb, "ban-drop-table", "destructive", Severity::Error, "DROP TABLE carts",
                               "CASCADE;",
                               "DROP TABLE carts deletes the table and all of its rows, and CASCADE also drops every "
                               "view and foreign key that depends on it",
                               "Rename the table first and drop it in a later release."));

  Diagnostic outside;
  outside.file = "/srv/shared sql/legacy.sql";
  outside.rule = "syntax-error";
  outside.category = "syntax";
  outside.severity = Severity::Error;
  outside.message = "syntax error at or near \"SELEC\": 100% wrong, a:b";
  outside.url = rule_url("syntax-error");
  outside.range = Range{Position{2, 5, 20}, Position{2, 10, 25}};
  h.diagnostics.push_back(outside);
  std::sort(h.diagnostics.begin(), h.diagnostics.end(), diagnostic_less);
  return h;
}

report::ReportOptions options() {
  report::ReportOptions o;
  o.sarif_root = kRoot;
  return o;
}

std::string render(report::Format f, const report::ReportInput& in, const report::ReportOptions& o) {
  std::ostringstream s;
  report::write_report(s, f, in, o);
  return s.str();
}

const char* extension(report::Format f) {
  switch (f) {
    case report::Format::Text: return ".txt";
    case report::Format::Json: return ".json";
    case report::Format::Sarif: return ".sarif.json";
    case report::Format::Github: return ".github.txt";
    case report::Format::Markdown: return ".md";
    case report::Format::Gitlab: return ".gitlab.json";
    case report::Format::Concise: return ".concise.txt";
  }
  return "";
}

std::string golden_path(const std::string& name, report::Format f) {
  return (fs::path(source_dir()) / "testdata" / "reporters" / (name + extension(f))).string();
}

void check_golden(const std::string& name, report::Format f, const std::string& actual) {
  std::string path = golden_path(name, f);
  if (std::getenv("PGSAFE_UPDATE_GOLDENS")) {
    write_file(path, actual);
    return;
  }
  INFO("golden " << path << " (PGSAFE_UPDATE_GOLDENS=1 rewrites it)");
  REQUIRE(fs::exists(path));
  CHECK(read_file(path) == actual);
}

constexpr report::Format kFormats[] = {report::Format::Text,   report::Format::Json,     report::Format::Sarif,
                                       report::Format::Github, report::Format::Markdown, report::Format::Gitlab};

// ---- schema validation through ajv (npm) -------------------------------------------------------

std::string ajv() { return (fs::path(source_dir()) / "node_modules" / ".bin" / "ajv").string(); }
std::string contract_schema() { return (fs::path(source_dir()) / "contracts" / "lint-output-v1.schema.json").string(); }
// The official SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (JSON Schema 2020-12 dialect).
std::string sarif_schema() {
  return (fs::path(source_dir()) / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "sarif-2.1.0.json").string();
}

void require_validator() {
  bool ok = fs::exists(ajv()) && fs::exists(sarif_schema());
  if (!ok)
    FAIL("schema validation needs the npm dev dependencies: run `npm ci` in " << source_dir()
                                                                               << " (see package.json)");
}

// Validates `document` (JSON text) against a schema; returns ajv's verdict and its explanation.
ProcessResult validate(const std::string& schema, const std::string& document) {
  require_validator();
  // ajv picks its parser by extension, so the document must end in .json.
  std::string dir = temp_dir("ajv");
  std::string data = (fs::path(dir) / "document.json").string();
  write_file(data, document);
  return run_command({ajv(), "validate", "--spec=draft2020", "--all-errors", "--errors=text", "-s", schema, "-d", data,
                      "-c", "ajv-formats"},
                     "", source_dir());
}

void require_valid(const std::string& schema, const std::string& document, const std::string& what) {
  ProcessResult r = validate(schema, document);
  INFO(what << " against " << schema << "\n" << r.out << r.err);
  CHECK(r.exit_code == 0);
}

}  // namespace

TEST_CASE("reporters: hand-built diagnostics match the goldens", "[reporters]") {
  HandBuilt h = hand_built();
  report::ReportInput in{h.diagnostics, h.sources, all_metas(), report::summarize(h.diagnostics, 3), "0.1.0"};
  for (auto f : kFormats) {
    SECTION(extension(f)) { check_golden("hand_built", f, render(f, in, options())); }
  }
}

TEST_CASE("reporters: an empty result", "[reporters]") {
  std::vector<Diagnostic> none;
  std::map<std::string, SourceText> no_sources;
  report::ReportInput in{none, no_sources, all_metas(), report::summarize(none, 2), "0.1.0"};
  for (auto f : kFormats) {
    SECTION(extension(f)) { check_golden("empty", f, render(f, in, options())); }
  }
  Json sarif = Json::parse(render(report::Format::Sarif, in, options()));
  CHECK(sarif["runs"][0]["results"] == Json::array());
  CHECK(sarif["runs"][0]["tool"]["driver"]["rules"].size() == all_metas().size());
  CHECK(render(report::Format::Text, in, options()).empty());
  CHECK(render(report::Format::Github, in, options()).empty());
}

TEST_CASE("reporters: a real lint run (ban-drop-table, syntax-error) matches the goldens", "[reporters]") {
  LintOptions opts;
  opts.select = {"ban-drop-table", "syntax-error"};
  LintResult r = lint_memory(
      {{"migrations/20240101000000_users.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n"
        "COMMENT ON TABLE users IS 'Benutzer – Übersicht'; DROP TABLE users;\n"},
       {"migrations/20240102000000_cleanup.sql",
        "-- pgsafe-ignore ban-drop-table: sessions live in redis since v3, table is empty\n"
        "DROP TABLE sessions;\n"
        "\tSELEC 1;\n"
        "DROP TABLE IF EXISTS carts CASCADE;\n"}},
      opts);
  REQUIRE(r.errors.empty());
  std::vector<const RuleMeta*> metas = {&kDropTable, &kSyntax};
  report::ReportInput in{r.diagnostics, r.sources, metas, report::summarize(r.diagnostics, r.files), "0.1.0"};
  for (auto f : kFormats) {
    SECTION(extension(f)) { check_golden("linted", f, render(f, in, options())); }
  }
}

namespace {

// The source line ("1 | ...") and the caret line of a text report of one finding on line 1.
std::pair<std::string, std::string> snippet_lines(const std::string& text) {
  std::istringstream lines(text);
  std::string line, source_line, caret_line;
  while (std::getline(lines, line)) {
    if (line.rfind("1 | ", 0) == 0) source_line = line;
    if (line.find('^') != std::string::npos) caret_line = line;
  }
  return {source_line, caret_line};
}

// Screen cells the first `bytes` bytes of a printed line take.
size_t screen_cells(const std::string& line, size_t bytes) {
  size_t cells = 0;
  for (size_t i = 0; i < bytes;) {
    size_t len = 1;
    cells += static_cast<size_t>(report::util::display_width(report::util::decode_utf8(line, i, len)));
    i += len;
  }
  return cells;
}

}  // namespace

TEST_CASE("reporters: text places the caret under the range despite tabs and multibyte text", "[reporters]") {
  std::string path = "t.sql";
  std::map<std::string, SourceText> sources;
  sources.emplace(path, SourceText(path, "\tSELECT 'ü日本', \tbad_column FROM t;\n"));
  const SourceText& src = sources.at(path);
  std::vector<Diagnostic> diags{make(src, "syntax-error", "syntax", Severity::Error, "bad_column", "bad_column",
                                     "no such column", "")};
  report::ReportInput in{diags, sources, {}, report::summarize(diags, 1), "0.1.0"};
  auto [source_line, caret_line] = snippet_lines(render(report::Format::Text, in, report::ReportOptions{}));
  REQUIRE(!source_line.empty());
  REQUIRE(!caret_line.empty());
  CHECK(source_line.find('\t') == std::string::npos);
  // Screen columns: count display cells up to "bad_column" in the printed line.
  size_t byte = source_line.find("bad_column");
  REQUIRE(byte != std::string::npos);
  size_t cells = screen_cells(source_line, byte);
  CHECK(caret_line.find('^') == cells);
  CHECK(caret_line.find_last_of('^') == cells + std::string("bad_column").size() - 1);
}

TEST_CASE("reporters: text shows a piece of a very long line around the range, caret aligned", "[reporters]") {
  // A minified migration: one line of 200 statements. Printing the whole line under each finding
  // made the output grow with findings x line length (a fuzz timeout); a piece is shown instead.
  std::string sql;
  for (int i = 0; i < 200; ++i) sql += "ALTER TABLE t ADD COLUMN c" + std::to_string(i) + " int NOT NULL DEFAULT 0;";
  sql += "DROP TABLE 日本_target;\n";
  std::string path = "long.sql";
  std::map<std::string, SourceText> sources;
  sources.emplace(path, SourceText(path, sql));
  const SourceText& src = sources.at(path);
  std::vector<Diagnostic> diags{make(src, "ban-drop-table", "destructive", Severity::Error, "DROP TABLE 日本_target",
                                     "DROP TABLE 日本_target", "drops", "")};
  report::ReportInput in{diags, sources, {}, report::summarize(diags, 1), "0.1.0"};
  auto [source_line, caret_line] = snippet_lines(render(report::Format::Text, in, report::ReportOptions{}));
  REQUIRE(!source_line.empty());
  REQUIRE(!caret_line.empty());
  CHECK(source_line.size() < 300);
  CHECK(source_line.find("\u2026") == 4);  // cut before: "1 | …"
  CHECK(source_line.find("c199 int NOT NULL") != std::string::npos);  // context before the range
  size_t byte = source_line.find("DROP TABLE");
  REQUIRE(byte != std::string::npos);
  size_t cells = screen_cells(source_line, byte);
  CHECK(caret_line.find('^') == cells);
  // "DROP TABLE " (11 cells) + two wide characters (4 cells) + "_target" (7 cells).
  CHECK(caret_line.find_last_of('^') == cells + 11 + 4 + 7 - 1);
}

TEST_CASE("reporters: colour only when asked", "[reporters]") {
  HandBuilt h = hand_built();
  report::ReportInput in{h.diagnostics, h.sources, all_metas(), report::summarize(h.diagnostics, 3), "0.1.0"};
  report::ReportOptions plain = options(), colour = options();
  colour.color = true;
  CHECK(render(report::Format::Text, in, plain).find('\x1b') == std::string::npos);
  CHECK(render(report::Format::Text, in, colour).find("\x1b[1;31m") != std::string::npos);
  // Machine formats never carry colour.
  CHECK(render(report::Format::Json, in, colour) == render(report::Format::Json, in, plain));
}

TEST_CASE("reporters: github escapes data and properties as the Actions toolkit does", "[reporters]") {
  std::vector<Diagnostic> diags(1);
  Diagnostic& d = diags[0];
  d.file = "db/a,b:c.sql";
  d.rule = "ban-drop-table";
  d.severity = Severity::Warning;
  d.message = "100% gone\r\nreally";
  d.range = Range{Position{3, 2, 10}, Position{3, 7, 15}};
  std::map<std::string, SourceText> none;
  report::ReportInput in{diags, none, {}, report::summarize(diags, 1), "0.1.0"};
  CHECK(render(report::Format::Github, in, report::ReportOptions{}) ==
        "::warning file=db/a%2Cb%3Ac.sql,line=3,endLine=3,col=2,endColumn=6,title=pgsafe%3A ban-drop-table::"
        "100%25 gone%0D%0Areally\n");
}

TEST_CASE("reporters: SARIF URIs are relative to the root and percent-encoded", "[reporters]") {
  using report::util::relative_to_root;
  CHECK(relative_to_root("migrations/a b.sql", "/repo").path == "migrations/a b.sql");
  CHECK(relative_to_root("/repo/db/./x.sql", "/repo/").path == "db/x.sql");
  CHECK(relative_to_root("/repo/db/x.sql", "/repo").inside_root);
  CHECK_FALSE(relative_to_root("/elsewhere/x.sql", "/repo").inside_root);
  CHECK_FALSE(relative_to_root("../x.sql", "/repo").inside_root);
  CHECK(report::util::percent_encode_path("db/drop légacy #1.sql") == "db/drop%20l%C3%A9gacy%20%231.sql");

  HandBuilt h = hand_built();
  report::ReportInput in{h.diagnostics, h.sources, all_metas(), report::summarize(h.diagnostics, 3), "0.1.0"};
  Json sarif = Json::parse(render(report::Format::Sarif, in, options()));
  const Json& run = sarif["runs"][0];
  CHECK(run["columnKind"] == "unicodeCodePoints");
  size_t suppressed = 0;
  for (const auto& d : h.diagnostics) suppressed += d.suppression ? 1 : 0;
  REQUIRE(suppressed > 0);
  CHECK(run["results"].size() == h.diagnostics.size() - suppressed);
  for (const Json& r : run["results"]) {
    CHECK(run["tool"]["driver"]["rules"][r["ruleIndex"].get<size_t>()]["id"] == r["ruleId"]);
    const Json& loc = r["locations"][0]["physicalLocation"];
    std::string uri = loc["artifactLocation"]["uri"];
    CHECK(uri.find(' ') == std::string::npos);
    // Every URI is relative to %SRCROOT%, a file outside the root too: never an absolute path.
    CHECK(loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
    bool outside = uri.rfind("../", 0) == 0;
    if (outside) CHECK(uri == "../../../srv/shared%20sql/legacy.sql");
    else CHECK(uri.rfind("migrations/", 0) == 0);
    // Fingerprints hash the flagged text, so a file whose source is not at hand has none.
    CHECK(r.contains("partialFingerprints") == !outside);
  }

  report::ReportOptions with = options();
  with.sarif_include_suppressed = true;
  Json all = Json::parse(render(report::Format::Sarif, in, with));
  CHECK(all["runs"][0]["results"].size() == h.diagnostics.size());
  bool found = false;
  for (const Json& r : all["runs"][0]["results"])
    if (r.contains("suppressions")) {
      found = true;
      CHECK(r["suppressions"][0]["kind"] == "inSource");
      CHECK(r["suppressions"][0]["justification"] == "legacy_sessions unused since v2.3, backed up");
    }
  CHECK(found);
}

TEST_CASE("schemas: JSON goldens satisfy the lint-output-v1 contract", "[reporters][schema]") {
  for (const char* name : {"hand_built", "empty", "linted"})
    require_valid(contract_schema(), read_file(golden_path(name, report::Format::Json)), name);
}

TEST_CASE("schemas: SARIF goldens satisfy the official SARIF 2.1.0 schema", "[reporters][schema]") {
  for (const char* name : {"hand_built", "empty", "linted"})
    require_valid(sarif_schema(), read_file(golden_path(name, report::Format::Sarif)), name);
  // Suppressed results carry a `suppressions` array, which the goldens do not show.
  HandBuilt h = hand_built();
  report::ReportInput in{h.diagnostics, h.sources, all_metas(), report::summarize(h.diagnostics, 3), "0.1.0"};
  report::ReportOptions with = options();
  with.sarif_include_suppressed = true;
  require_valid(sarif_schema(), render(report::Format::Sarif, in, with), "hand-built with suppressions");
}

TEST_CASE("schemas: the validators reject documents that break them", "[reporters][schema]") {
  // Guards against a validation step that passes everything (wrong flags, a schema not loaded).
  Json sarif = Json::parse(read_file(golden_path("hand_built", report::Format::Sarif)));
  sarif["runs"][0]["results"][0]["level"] = "fatal";
  CHECK(validate(sarif_schema(), sarif.dump()).exit_code != 0);
  Json out = Json::parse(read_file(golden_path("hand_built", report::Format::Json)));
  out["diagnostics"][0]["severity"] = "fatal";
  CHECK(validate(contract_schema(), out.dump()).exit_code != 0);
  out = Json::parse(read_file(golden_path("hand_built", report::Format::Json)));
  out.erase("summary");
  CHECK(validate(contract_schema(), out.dump()).exit_code != 0);
}

TEST_CASE("schemas: pgsafe lint --format json/sarif output validates, findings and empty run", "[reporters][schema]") {
  std::string dir = temp_dir("reporters");
  write_file(dir + "/migrations/20240101000000_create_users.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
  write_file(dir + "/migrations/20240102000000_drop users.sql",
             "-- pgsafe-ignore ban-drop-table: replaced by accounts in v4\nDROP TABLE users;\n\tSELEC 1;\nDROP TABLE orders;\n");
  write_file(dir + "/clean/20240101000000_create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");

  auto lint = [&](const std::string& format, const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"lint", "--format", format, "--select", "ban-drop-table,syntax-error", path};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_pgsafe(args, "", dir);
  };

  ProcessResult sarif = lint("sarif", "migrations");
  INFO(sarif.err);
  CHECK(sarif.exit_code == 1);
  require_valid(sarif_schema(), sarif.out, "pgsafe lint --format sarif");
  Json s = Json::parse(sarif.out);
  const Json& results = s["runs"][0]["results"];
  REQUIRE(results.size() == 2);  // the suppressed drop is left out
  for (const Json& r : results) {
    CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
          "migrations/20240102000000_drop%20users.sql");
    CHECK(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
  }

  ProcessResult with_suppressed = lint("sarif", "migrations", {"--sarif-include-suppressed"});
  require_valid(sarif_schema(), with_suppressed.out, "pgsafe lint --format sarif --sarif-include-suppressed");
  CHECK(Json::parse(with_suppressed.out)["runs"][0]["results"].size() == 3);

  ProcessResult json = lint("json", "migrations");
  CHECK(json.exit_code == 1);
  require_valid(contract_schema(), json.out, "pgsafe lint --format json");
  Json j = Json::parse(json.out);
  CHECK(j["summary"]["suppressed"] == 1);
  CHECK(j["summary"]["errors"] == 2);

  ProcessResult empty_sarif = lint("sarif", "clean");
  CHECK(empty_sarif.exit_code == 0);
  require_valid(sarif_schema(), empty_sarif.out, "pgsafe lint --format sarif (no findings)");
  CHECK(Json::parse(empty_sarif.out)["runs"][0]["results"] == Json::array());
  ProcessResult empty_json = lint("json", "clean");
  CHECK(empty_json.exit_code == 0);
  require_valid(contract_schema(), empty_json.out, "pgsafe lint --format json (no findings)");

  ProcessResult github = lint("github", "migrations");
  CHECK(github.exit_code == 1);
  CHECK(github.out.rfind("::error file=migrations/20240102000000_drop users.sql,line=", 0) == 0);
  CHECK(github.out.find("replaced by accounts") == std::string::npos);
}
