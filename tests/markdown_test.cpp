// The markdown report (--format markdown) for pull request comments and job summaries: goldens,
// identifiers and messages from hostile SQL that must not break a table or inject HTML, the size
// cap, the tables each file touches (from the plan), and the CLI's link base.
//
// Goldens live in testdata/reporters/*.md; PGSAFE_UPDATE_GOLDENS=1 rewrites them (review the diff).
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "analyzer/plan.h"
#include "analyzer/rule_meta.h"
#include "cli/affected_tables.h"
#include "reporters/reporter.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;

namespace {

constexpr const char* kRoot = "/home/dev/shop";
constexpr const char* kLinkBase = "https://github.com/acme/shop/blob/0123abc/";

const RuleMeta kDropTable{
    .id = "ban-drop-table",
    .category = "destructive",
    .default_severity = Severity::Error,
    .summary = "Dropping a table deletes all of its data.",
    .rationale = "DROP TABLE removes the table and every row in it.",
    .help = "Rename the table first and drop it in a later release: `-- pgsafe-ignore ban-drop-table: <why>`.",
    .bad_example = "DROP TABLE invoices;",
    .good_example = "ALTER TABLE invoices RENAME TO invoices_deprecated;",
    .locks = "ACCESS EXCLUSIVE on the table",
};
const RuleMeta kLockTimeout{
    .id = "require-lock-timeout",
    .category = "process",
    .default_severity = Severity::Warning,
    .summary = "Set lock_timeout before taking strong locks.",
    .rationale = "Without lock_timeout a blocked ALTER queues every later query behind it.",
    .help = "SET lock_timeout = '2s'; at the top of the migration.",
};
const RuleMeta kTruncate{
    .id = "ban-truncate",
    .category = "destructive",
    .default_severity = Severity::Error,
    .summary = "TRUNCATE deletes every row.",
};

std::vector<const RuleMeta*> metas() { return {&kDropTable, &kLockTimeout, &kTruncate}; }

struct Findings {
  std::map<std::string, SourceText> sources;
  std::vector<Diagnostic> diagnostics;
  Diagnostic& add(const std::string& path, const std::string& rule, Severity sev, const std::string& stmt,
                  const std::string& message) {
    const SourceText& src = sources.at(path);
    size_t at = src.text().find(stmt);
    REQUIRE(at != std::string::npos);
    Diagnostic d;
    d.file = path;
    d.rule = rule;
    d.severity = sev;
    d.message = message;
    d.url = rule_url(rule);
    d.range = src.range(at, at + stmt.size());
    diagnostics.push_back(d);
    return diagnostics.back();
  }
};

const std::string kHostileTable = "a|b<img src=x>";

// Findings whose file name, identifiers and messages try every way out of a table cell.
Findings hostile() {
  Findings f;
  const std::string path = "db/migrations/20240101000000_drop `a|b` <x>.sql";
  f.sources.emplace(path, SourceText(path, "DROP TABLE \"" + kHostileTable + "\";\nALTER TABLE t ADD COLUMN c int;\n"
                                               "TRUNCATE t;\n"));
  f.add(path, "ban-drop-table", Severity::Error, "DROP TABLE", "DROP TABLE \"" + kHostileTable +
        "\" deletes `everything` *now* @octocat [x](javascript:alert(1)) <script>alert(1)</script> &amp; $x^2$\n"
        "# not a heading\r\n| --- |");
  f.add(path, "require-lock-timeout", Severity::Warning, "ALTER TABLE t", "ALTER TABLE t runs without a lock_timeout");
  f.add(path, "ban-truncate", Severity::Error, "TRUNCATE t;", "TRUNCATE t deletes every row (secret-suppressed-text)")
      .suppression = Suppression{Suppression::Kind::InSource, "staging only"};
  std::sort(f.diagnostics.begin(), f.diagnostics.end(), diagnostic_less);
  return f;
}

std::vector<report::FileTables> hostile_tables() {
  report::FileTables a{"db/migrations/20240101000000_drop `a|b` <x>.sql", {}};
  a.tables.push_back({"public." + kHostileTable, false, false, true, false, "ACCESS EXCLUSIVE"});
  a.tables.push_back({"public.t", false, true, false, true, "ACCESS EXCLUSIVE"});
  report::FileTables b{"db/migrations/20240102000000_new.sql", {}};
  b.tables.push_back({"public.fresh\nline", true, false, false, false, ""});
  b.tables.push_back({"public.users", false, false, false, false, "SHARE ROW EXCLUSIVE"});
  return {a, b};
}

report::ReportOptions options(bool links) {
  report::ReportOptions o;
  o.sarif_root = kRoot;
  o.sarif_source_root = kRoot;
  if (links) o.link_base = kLinkBase;
  return o;
}

std::string render(const Findings& f, const report::ReportOptions& o,
                   std::optional<std::vector<report::FileTables>> tables = std::nullopt, size_t files = 2) {
  report::ReportInput in{f.diagnostics, f.sources, metas(), report::summarize(f.diagnostics, files), "0.1.0"};
  in.affected_tables = std::move(tables);
  std::ostringstream s;
  report::write_markdown(s, in, o);
  return s.str();
}

void check_golden(const std::string& name, const std::string& actual) {
  std::string path = (fs::path(source_dir()) / "testdata" / "reporters" / (name + ".md")).string();
  if (std::getenv("PGSAFE_UPDATE_GOLDENS")) {
    write_file(path, actual);
    return;
  }
  INFO("golden " << path << " (PGSAFE_UPDATE_GOLDENS=1 rewrites it)");
  REQUIRE(fs::exists(path));
  CHECK(read_file(path) == actual);
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The cell separators of a table row as GFM sees them: '|' not escaped by a backslash.
size_t separators(const std::string& row) {
  size_t n = 0;
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
      continue;
    }
    n += row[i] == '|';
  }
  return n;
}

// Every table in the document: each row has as many cells as its header, and every line of a
// table is a row (a line break inside a cell would end the table).
void check_tables(const std::string& md) {
  auto lines = lines_of(md);
  size_t header = 0;
  bool in_table = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!l.empty() && l[0] == '|') {
      if (!in_table) header = separators(l);
      in_table = true;
      INFO("line " << i + 1 << ": " << l);
      CHECK(separators(l) == header);
      CHECK(l.back() == '|');
    } else {
      in_table = false;
    }
  }
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("markdown: hostile identifiers and messages stay inside their cells", "[markdown][reporters]") {
  Findings f = hostile();
  std::string md = render(f, options(true), hostile_tables());
  check_golden("hostile", md);
  INFO(md);
  check_tables(md);
  // No HTML from the SQL survives as a tag; no mention, math or heading is formed.
  CHECK(md.find("<img") == std::string::npos);
  CHECK(md.find("<script") == std::string::npos);
  CHECK(md.find("&lt;img src=x&gt;") != std::string::npos);
  CHECK(md.find("@octocat") == std::string::npos);
  CHECK(md.find("](javascript") == std::string::npos);
  CHECK(md.find("\n# not a heading") == std::string::npos);
  // Suppressed findings are counted, never listed.
  CHECK(md.find("secret-suppressed-text") == std::string::npos);
  CHECK(md.find("| 1 | 1 | 0 | 1 | 2 |") != std::string::npos);
  // Links: the rule's docs page (as SARIF's helpUri), the line on the link base.
  CHECK(md.find("[`ban-drop-table`](" + rule_url("ban-drop-table") + ")") != std::string::npos);
  CHECK(md.find("](https://github.com/acme/shop/blob/0123abc/db/migrations/20240101000000_drop%20%60a%7Cb%60%20%3Cx%3E.sql#L1)") !=
        std::string::npos);
  // One collapsed help per rule that fired, none for the suppressed one.
  CHECK(count(md, "<details>") == 2);
  CHECK(md.find("<summary><code>ban-truncate") == std::string::npos);
  CHECK(md.find("ALTER TABLE invoices RENAME TO invoices_deprecated;") != std::string::npos);
}

TEST_CASE("markdown: without a link base, locations are plain code", "[markdown][reporters]") {
  Findings f = hostile();
  std::string md = render(f, options(false));
  check_tables(md);
  CHECK(md.find("](https://github.com/acme") == std::string::npos);
  CHECK(md.find("| warning | [`require-lock-timeout`](" + rule_url("require-lock-timeout") + ") | <code>") !=
        std::string::npos);
  // Not computed: no tables section at all.
  CHECK(md.find("### Tables") == std::string::npos);
  // Errors come first.
  CHECK(md.find("**error**") < md.find("| warning |"));
}

TEST_CASE("markdown: no findings is one clear line", "[markdown][reporters]") {
  std::vector<Diagnostic> none;
  std::map<std::string, SourceText> no_sources;
  report::ReportInput in{none, no_sources, metas(), report::summarize(none, 4), "0.1.0"};
  in.affected_tables = std::vector<report::FileTables>{};
  std::ostringstream s;
  report::write_markdown(s, in, options(true));
  check_golden("no_findings", s.str());
  CHECK(s.str().find("## pgsafe: no findings") == 0);
  CHECK(s.str().find("**No findings.** pgsafe checked 4 files") != std::string::npos);
  CHECK(s.str().find("### Findings") == std::string::npos);
  CHECK(s.str().find("No table is created, altered, dropped or locked.") != std::string::npos);
  CHECK(s.str().find("<details>") == std::string::npos);

  // Only suppressed findings: still no findings, and the suppressed are counted.
  Findings f = hostile();
  std::vector<Diagnostic> only_suppressed;
  for (const auto& d : f.diagnostics)
    if (d.suppression) only_suppressed.push_back(d);
  report::ReportInput sin{only_suppressed, f.sources, metas(), report::summarize(only_suppressed, 1), "0.1.0"};
  std::ostringstream t;
  report::write_markdown(t, sin, options(true));
  check_golden("only_suppressed", t.str());
  CHECK(t.str().find("| 0 | 0 | 0 | 1 | 1 |") != std::string::npos);
  CHECK(t.str().find("secret-suppressed-text") == std::string::npos);
}

namespace {

Findings many(size_t n) {
  Findings f;
  std::string text;
  for (size_t i = 0; i < n; ++i) text += "DROP TABLE t" + std::to_string(i) + ";\n";
  const std::string path = "migrations/20240101000000_many.sql";
  f.sources.emplace(path, SourceText(path, text));
  for (size_t i = 0; i < n; ++i) {
    std::string stmt = "DROP TABLE t" + std::to_string(i) + ";";
    f.add(path, i % 3 ? "ban-drop-table" : "require-lock-timeout", i % 3 ? Severity::Error : Severity::Warning, stmt,
          stmt + " deletes the table and every one of its rows, which nobody can bring back without a backup");
  }
  return f;
}

}  // namespace

TEST_CASE("markdown: a report over the comment size is cut, saying how much and where to look", "[markdown][reporters]") {
  const size_t n = 3000;
  Findings f = many(n);
  std::vector<report::FileTables> tables{{"migrations/20240101000000_many.sql", {}}};
  for (size_t i = 0; i < 400; ++i) tables[0].tables.push_back({"public.t" + std::to_string(i), false, false, true, false,
                                                              "ACCESS EXCLUSIVE"});
  std::string md = render(f, options(true), tables, 1);
  check_tables(md);
  CHECK(md.size() <= 60000);
  CHECK(md.size() > 50000);  // the room is used, not wasted
  size_t rows = count(md, "| **error** |") + count(md, "| warning |");
  REQUIRE(rows > 0);
  REQUIRE(rows < n);
  CHECK(md.find("_" + std::to_string(n - rows) + " more findings not shown") != std::string::npos);
  CHECK(md.find("annotations and code scanning alerts") != std::string::npos);
  // Errors are the rows kept.
  CHECK(count(md, "| warning |") == 0);
  // Tables and help still have their place.
  CHECK(md.find("### Tables these migrations touch") != std::string::npos);
  CHECK(md.find("more rows not shown; `pgsafe plan` lists them all") != std::string::npos);
  CHECK(count(md, "<details>") == 2);

  // A small budget, recorded as a golden.
  report::ReportOptions small = options(true);
  small.markdown_max_bytes = 9000;
  std::string cut = render(many(60), small, std::nullopt, 1);
  CHECK(cut.size() <= 9000);
  check_tables(cut);
  check_golden("truncated", cut);
}

TEST_CASE("markdown: the tables each file touches, from the plan", "[markdown]") {
  MigrationSet set = set_from_memory(
      {{"migrations/20240101000000_init.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email text, score int);\nCREATE TABLE orders (id bigint PRIMARY KEY);\n"},
       {"migrations/20240102000000_change.sql",
        "CREATE TABLE carts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n"
        "ALTER TABLE users ALTER COLUMN score TYPE bigint;\n"
        "CREATE INDEX users_email_idx ON users (email);\n"
        "DROP TABLE orders;\n"
        "DROP INDEX users_email_idx;\n"}},
      Layout::Timestamp);
  set.files[0].history_only = true;
  auto files = cli::affected_tables(build_plan(set));
  REQUIRE(files.size() == 1);
  CHECK(files[0].file == "migrations/20240102000000_change.sql");
  std::map<std::string, report::TableChange> by;
  for (const auto& t : files[0].tables) by[t.table] = t;
  // The index is not a table.
  CHECK(by.size() == 3);
  CHECK(by.count("public.users_email_idx") == 0);
  CHECK(by["public.carts"].creates);
  CHECK(by["public.carts"].strongest_lock.empty());
  CHECK(by["public.users"].alters);
  CHECK(by["public.users"].rewrites);
  CHECK(by["public.users"].strongest_lock == "ACCESS EXCLUSIVE");
  CHECK(by["public.orders"].drops);
  CHECK(by["public.orders"].strongest_lock == "ACCESS EXCLUSIVE");
  CHECK(cli::lock_strength("SHARE") < cli::lock_strength("SHARE ROW EXCLUSIVE"));
  CHECK(cli::lock_strength("nonsense") == 0);
}

namespace {

std::string project() {
  std::string dir = temp_dir("markdown");
  write_file(dir + "/migrations/20240101000000_init.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY, score int);\nCREATE TABLE old_a (id bigint);\n");
  write_file(dir + "/migrations/20240102000000_change.sql",
             "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN score TYPE bigint;\nDROP TABLE old_a;\n");
  write_file(dir + "/clean/20240101000000_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  return dir;
}

}  // namespace

TEST_CASE("markdown: pgsafe lint --format markdown, links from --link-base or GitHub Actions", "[markdown][cli]") {
  std::string dir = project();
  ScopedEnv server("GITHUB_SERVER_URL", std::nullopt), repo("GITHUB_REPOSITORY", std::nullopt),
      sha("GITHUB_SHA", std::nullopt);
  auto lint = [&](std::vector<std::string> extra, const std::string& path = "migrations") {
    std::vector<std::string> args{"lint", "--format", "markdown", "--select", "ban-drop-table,changing-column-type"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(path);
    return run_pgsafe(args, "", dir);
  };
  ProcessResult plain = lint({});
  INFO(plain.out << plain.err);
  CHECK(plain.exit_code == 1);
  check_tables(plain.out);
  CHECK(plain.out.find("## pgsafe: ") == 0);
  CHECK(plain.out.find("| `migrations/20240102000000_change.sql:3` |") != std::string::npos);
  CHECK(plain.out.find("#L") == std::string::npos);  // no line links without a base
  // The plan's tables: the linted files only (here both), with the strongest lock.
  CHECK(plain.out.find("| `public.users` | alter, **rewrite** | ACCESS EXCLUSIVE |") != std::string::npos);
  CHECK(plain.out.find("| `public.old_a` | drop | ACCESS EXCLUSIVE |") != std::string::npos);
  CHECK(plain.out.find("<summary><code>ban-drop-table</code>") != std::string::npos);
  CHECK(plain.err.empty());  // no summary line: the report is the summary

  {
    ScopedEnv s2("GITHUB_SERVER_URL", "https://github.example.com/"), r2("GITHUB_REPOSITORY", "acme/shop"),
        h2("GITHUB_SHA", "deadbeef");
    ProcessResult actions = lint({});
    CHECK(actions.out.find("[`migrations/20240102000000_change.sql:3`](https://github.example.com/acme/shop/blob/"
                           "deadbeef/migrations/20240102000000_change.sql#L3)") != std::string::npos);
    ProcessResult given = lint({"--link-base", "https://gitlab.example.com/acme/shop/-/blob/main"});
    CHECK(given.out.find("](https://gitlab.example.com/acme/shop/-/blob/main/migrations/20240102000000_change.sql#L3)") !=
          std::string::npos);
    CHECK(given.out.find("deadbeef") == std::string::npos);
  }
  {
    // Not all three variables: no links.
    ScopedEnv r2("GITHUB_REPOSITORY", "acme/shop"), h2("GITHUB_SHA", "deadbeef");
    CHECK(lint({}).out == plain.out);
  }

  ProcessResult clean = lint({}, "clean");
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("**No findings.** pgsafe checked 1 file and found nothing to report.") != std::string::npos);
}
