// Output a person reads (issue 8, section 4): help once per rule, a count per rule, the concise
// format, inline code never wrapped, short GitHub annotations, and the baseline.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "analyzer/baseline.h"
#include "analyzer/registry.h"
#include "analyzer/rule.h"
#include "reporters/format_util.h"
#include "reporters/reporter.h"
#include "tests/support.h"

namespace fs = std::filesystem;
using namespace pgsafe;
using namespace pgsafe::test;
using Json = nlohmann::json;

namespace {

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size()))
    ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Three drops and a missing lock timeout in one file, built by hand so rule wording can change.
struct HandFindings {
  std::map<std::string, SourceText> sources;
  std::vector<Diagnostic> diagnostics;
};

HandFindings three_drops() {
  HandFindings f;
  const std::string path = "migrations/20240101000000_cleanup.sql";
  f.sources.emplace(path, SourceText(path, "DROP TABLE a;\nDROP TABLE b;\nALTER TABLE c ADD COLUMN d int;\nDROP TABLE e;\n"));
  const SourceText& src = f.sources.at(path);
  auto add = [&](const std::string& rule, Severity sev, const std::string& stmt, const std::string& message,
                 const std::string& help) {
    size_t at = src.text().find(stmt);
    REQUIRE(at != std::string::npos);
    Diagnostic d;
    d.file = path;
    d.rule = rule;
    d.severity = sev;
    d.message = message;
    d.help = help;
    d.url = "https://example.org/" + rule + ".md";
    d.range = src.range(at, at + stmt.size());
    d.statement = static_cast<int32_t>(f.diagnostics.size());
    f.diagnostics.push_back(d);
  };
  const std::string drop_help = "Rename the table first; drop it in a later release. If the drop is intended, say so: "
                                "`-- pgsafe-ignore ban-drop-table: <why the data can go>`.";
  add("ban-drop-table", Severity::Error, "DROP TABLE a;", "DROP TABLE a deletes the table", drop_help);
  add("ban-drop-table", Severity::Error, "DROP TABLE b;", "DROP TABLE b deletes the table", drop_help);
  add("require-lock-timeout", Severity::Warning, "ALTER TABLE c", "ALTER TABLE c runs without a lock_timeout",
      "Start the migration with `SET lock_timeout = '2s';`.");
  add("ban-drop-table", Severity::Error, "DROP TABLE e;", "DROP TABLE e deletes the table", drop_help);
  Diagnostic suppressed = f.diagnostics[0];
  suppressed.rule = "ban-truncate";
  suppressed.suppression = Suppression{Suppression::Kind::InSource, "empty table"};
  f.diagnostics.push_back(suppressed);
  std::sort(f.diagnostics.begin(), f.diagnostics.end(), diagnostic_less);
  return f;
}

std::string render(void (*writer)(std::ostream&, const report::ReportInput&, const report::ReportOptions&),
                   const HandFindings& f, report::ReportOptions o = {}) {
  report::ReportInput in{f.diagnostics, f.sources, {}, report::summarize(f.diagnostics, 1), "0.1.0"};
  std::ostringstream s;
  writer(s, in, o);
  return s.str();
}

// A project on disk with two findings the baseline will record.
std::string project() {
  std::string dir = temp_dir("baseline");
  write_file(dir + "/migrations/20240101000000_init.sql",
             "CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE old_a (id bigint);\nCREATE TABLE old_b (id bigint);\n");
  write_file(dir + "/migrations/20240102000000_cleanup.sql", "DROP TABLE old_a;\n\nDROP TABLE old_b;\n");
  return dir;
}

std::vector<std::string> lint_args(std::vector<std::string> extra) {
  std::vector<std::string> args{"lint", "--select", "ban-drop-table"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("migrations");
  return args;
}

}  // namespace

TEST_CASE("text: a rule's help is printed once per run, later findings point to explain", "[output]") {
  HandFindings f = three_drops();
  std::string text = render(report::write_text, f);
  INFO(text);
  CHECK(count(text, "Rename the table first") == 1);
  CHECK(count(text, "= see: pgsafe explain ban-drop-table") == 2);
  CHECK(count(text, "https://example.org/ban-drop-table.md") == 1);
  // Each rule's help is printed with its own first finding.
  CHECK(count(text, "SET lock_timeout = '2s';") == 1);
  CHECK(count(text, "= see: pgsafe explain require-lock-timeout") == 0);
  // The help comes before the pointers.
  CHECK(text.find("Rename the table first") < text.find("= see: pgsafe explain ban-drop-table"));
}

TEST_CASE("text: a help tailored to one finding is still printed", "[output]") {
  HandFindings f = three_drops();
  for (auto& d : f.diagnostics)
    if (d.message == "DROP TABLE e deletes the table") d.help = "Recipe for e:\n    ALTER TABLE e RENAME TO e_old;";
  std::string text = render(report::write_text, f);
  CHECK(count(text, "Rename the table first") == 1);
  CHECK(count(text, "ALTER TABLE e RENAME TO e_old;") == 1);
  CHECK(count(text, "= see: pgsafe explain ban-drop-table") == 2);
}

TEST_CASE("text: the report ends with a count per rule", "[output]") {
  HandFindings f = three_drops();
  std::string text = render(report::write_text, f);
  std::vector<std::string> lines = lines_of(text);
  REQUIRE(lines.size() >= 4);
  std::vector<std::string> tail(lines.end() - 4, lines.end());
  CHECK(tail == std::vector<std::string>{
                    "Findings per rule:",
                    "  3 error   ban-drop-table",
                    "  1 warning require-lock-timeout",
                    "  0         ban-truncate (+1 suppressed)",
                });
  std::vector<Diagnostic> none;
  CHECK(report::count_by_rule(none).empty());
  report::Summary s;
  s.errors = 1;
  s.files = 2;
  s.suppressed = 1;
  s.baselined = 4;
  CHECK(report::summary_line(s) == "1 error, 0 warnings, 0 infos in 2 files (1 suppressed, 4 in the baseline)");
}

TEST_CASE("concise: one line per finding, file:line:col: severity[rule] message", "[output]") {
  HandFindings f = three_drops();
  for (auto& d : f.diagnostics)  // a line break never splits a finding
    if (d.rule == "require-lock-timeout") d.message = "ALTER TABLE c runs\nwithout a lock_timeout";
  CHECK(render(report::write_concise, f) ==
        "migrations/20240101000000_cleanup.sql:1:1: error[ban-drop-table] DROP TABLE a deletes the table\n"
        "migrations/20240101000000_cleanup.sql:2:1: error[ban-drop-table] DROP TABLE b deletes the table\n"
        "migrations/20240101000000_cleanup.sql:3:1: warning[require-lock-timeout] ALTER TABLE c runs without a "
        "lock_timeout\n"
        "migrations/20240101000000_cleanup.sql:4:1: error[ban-drop-table] DROP TABLE e deletes the table\n");

  // From the CLI: the same lines, and the exit code of every other format.
  std::string dir = project();
  auto r = run_pgsafe(lint_args({"--format", "concise"}), "", dir);
  CHECK(r.exit_code == 1);
  CHECK(r.out ==
        "migrations/20240102000000_cleanup.sql:1:1: error[ban-drop-table] DROP TABLE old_a deletes the table and all of "
        "its rows\n"
        "migrations/20240102000000_cleanup.sql:3:1: error[ban-drop-table] DROP TABLE old_b deletes the table and all of "
        "its rows\n");
  CHECK(r.err.find("2 errors") != std::string::npos);
}

TEST_CASE("wrapping never breaks inside inline code", "[output]") {
  using report::util::wrap;
  std::string text = "If the drop is intended, say so: `-- pgsafe-ignore ban-drop-table: <why the data can go>`. "
                     "Then `SET lock_timeout = '2s';` and go.";
  for (size_t width = 10; width <= 120; ++width) {
    INFO("width " << width);
    std::string joined;
    for (const auto& line : wrap(text, width)) {
      CHECK(count(line, "`") % 2 == 0);
      joined += (joined.empty() ? "" : " ") + line;
    }
    CHECK(joined == text);
  }
  // An unpaired backtick is an ordinary character, not a span swallowing the paragraph.
  auto lines = wrap("a ` b c d e f g h", 5);
  CHECK(lines.size() > 2);

  // Every rule's help, as the text report wraps it at several widths: spans stay whole.
  for (const RuleDef* def : all_rules()) {
    const RuleMeta& meta = meta_of(*def);
    std::istringstream paragraphs{std::string(meta.help)};
    for (std::string para; std::getline(paragraphs, para);) {
      if (count(para, "`") % 2 != 0) continue;
      for (size_t width : {30, 60, 80, 100}) {
        for (const auto& line : wrap(para, width)) {
          INFO(meta.id << " at width " << width << ": " << line);
          CHECK(count(line, "`") % 2 == 0);
        }
      }
    }
  }
}

TEST_CASE("github: an annotation carries the message and a pointer, not the help", "[output]") {
  HandFindings f = three_drops();
  std::string out = render(report::write_github, f);
  INFO(out);
  CHECK(out.find("Rename the table first") == std::string::npos);
  CHECK(out.find("SET lock_timeout") == std::string::npos);
  std::vector<std::string> lines = lines_of(out);
  REQUIRE(lines.size() == 4);  // the suppressed finding is not annotated
  CHECK(lines[0] ==
        "::error file=migrations/20240101000000_cleanup.sql,line=1,endLine=1,col=1,endColumn=13,"
        "title=pgsafe%3A ban-drop-table::DROP TABLE a deletes the table%0A%0AWhy and what to do instead: "
        "https://example.org/ban-drop-table.md (or `pgsafe explain ban-drop-table`)");

  // Real rules through the CLI: no annotation repeats a help paragraph.
  std::string dir = project();
  auto r = run_pgsafe({"lint", "--format", "github", "migrations"}, "", dir);
  CHECK(r.exit_code == 1);
  for (const auto& line : lines_of(r.out)) {
    INFO(line);
    CHECK(line.size() < 600);
    CHECK(line.find("pgsafe explain") != std::string::npos);
  }
  std::string help(meta_of(*find_rule("ban-drop-table")).help);
  CHECK(r.out.find(help.substr(0, 40)) == std::string::npos);
}

TEST_CASE("baseline: fingerprints ignore comments and whitespace, not the statement", "[output][baseline]") {
  CHECK(normalize_statement("DROP  TABLE\n  a -- old\n/* x */ CASCADE") == "DROP TABLE a CASCADE");
  std::string a = "DROP TABLE a;\nDROP TABLE b;\n";
  std::string b = "-- moved down\nSELECT 1;\n\nDROP   TABLE a;\n\n  DROP TABLE b;\n";
  CHECK(statement_fingerprint(a, a.find("DROP TABLE b")) == statement_fingerprint(b, b.find("DROP TABLE b")));
  CHECK(statement_fingerprint(a, a.find("DROP TABLE a")) == statement_fingerprint(b, b.find("DROP   TABLE a")));
  CHECK(statement_fingerprint(a, a.find("DROP TABLE a")) != statement_fingerprint(a, a.find("DROP TABLE b")));
  // An offset inside the statement (a narrowed range) fingerprints the whole statement.
  CHECK(statement_fingerprint(a, a.find("b;")) == statement_fingerprint(a, a.find("DROP TABLE b")));

  CHECK(baseline_path("migrations/x.sql", "/p", "/p") == "migrations/x.sql");
  CHECK(baseline_path("/p/migrations/./x.sql", "/p", "/elsewhere") == "migrations/x.sql");
  CHECK(baseline_path("x.sql", "/p", "/p/sub") == "sub/x.sql");

  Baseline parsed;
  std::string error;
  CHECK_FALSE(parse_baseline("[]", parsed, error));
  CHECK_FALSE(parse_baseline(R"({"version": 2, "findings": []})", parsed, error));
  CHECK(error.find("version 2") != std::string::npos);
  CHECK_FALSE(parse_baseline(R"({"version": 1, "findings": [{"file": "a"}]})", parsed, error));
  REQUIRE(parse_baseline(R"({"version": 1, "findings": [{"file": "a.sql", "rule": "r", "fingerprint": "f",
                             "occurrence": 2}]})",
                         parsed, error));
  REQUIRE(parsed.entries.size() == 1);
  CHECK(parsed.entries[0].occurrence == 2);
  Baseline again;
  REQUIRE(parse_baseline(baseline_json(parsed), again, error));
  CHECK(again.entries[0].same_key(parsed.entries[0]));
}

TEST_CASE("baseline: write, then only new findings are reported, whatever is inserted above", "[output][baseline]") {
  std::string dir = project();
  auto w = run_pgsafe(lint_args({"--write-baseline", "pgsafe-baseline.json"}), "", dir);
  INFO(w.err);
  REQUIRE(w.exit_code == 0);
  CHECK(w.out.empty());
  Json b = Json::parse(read_file(dir + "/pgsafe-baseline.json"));
  CHECK(b["version"] == 1);
  REQUIRE(b["findings"].size() == 2);
  CHECK(b["findings"][0]["file"] == "migrations/20240102000000_cleanup.sql");
  CHECK(b["findings"][0]["rule"] == "ban-drop-table");
  CHECK_FALSE(b["findings"][0].contains("line"));
  // Written atomically: nothing but the baseline is left beside it.
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.path().filename() != "migrations" ? 1 : 0;
  CHECK(entries == 1);

  auto clean = run_pgsafe(lint_args({"--baseline", "pgsafe-baseline.json"}), "", dir);
  CHECK(clean.exit_code == 0);
  CHECK(clean.err.find("2 in the baseline") != std::string::npos);

  // Lines inserted above the old findings, and a new dangerous statement between them.
  write_file(dir + "/migrations/20240102000000_cleanup.sql",
             "-- cleanup after the v2 launch\nSELECT 1;\n\nDROP TABLE old_a;\nDROP TABLE users;\n\n\nDROP TABLE old_b;\n");
  for (const char* format : {"text", "concise", "json", "sarif", "github"}) {
    INFO(format);
    auto r = run_pgsafe(lint_args({"--baseline", "pgsafe-baseline.json", "--format", format}), "", dir);
    CHECK(r.exit_code == 1);
    CHECK(count(r.out, "DROP TABLE users") >= 1);
    CHECK(r.out.find("old_a") == std::string::npos);
    CHECK(r.out.find("old_b") == std::string::npos);
  }
  auto json = run_pgsafe(lint_args({"--baseline", "pgsafe-baseline.json", "--format", "json"}), "", dir);
  Json j = Json::parse(json.out);
  REQUIRE(j["diagnostics"].size() == 1);
  CHECK(j["diagnostics"][0]["range"]["start"]["line"] == 5);
  CHECK_FALSE(j["summary"].contains("baselined"));  // the JSON contract has no such field

  // Baselined findings do not fail; --exit-zero and --fail-on still apply to new ones.
  CHECK(run_pgsafe(lint_args({"--baseline", "pgsafe-baseline.json", "--fail-on", "error"}), "", dir).exit_code == 1);

  // Rewriting the baseline drops what no longer matches: old_a's drop is gone, users' is new.
  write_file(dir + "/migrations/20240102000000_cleanup.sql", "DROP TABLE users;\nDROP TABLE old_b;\n");
  REQUIRE(run_pgsafe(lint_args({"--write-baseline", "pgsafe-baseline.json"}), "", dir).exit_code == 0);
  b = Json::parse(read_file(dir + "/pgsafe-baseline.json"));
  REQUIRE(b["findings"].size() == 2);
  std::string messages = b["findings"][0]["message"].get<std::string>() + b["findings"][1]["message"].get<std::string>();
  CHECK(messages.find("old_a") == std::string::npos);
  CHECK(messages.find("users") != std::string::npos);
  CHECK(run_pgsafe(lint_args({"--baseline", "pgsafe-baseline.json"}), "", dir).exit_code == 0);
}

TEST_CASE("baseline: a run over some files keeps the entries of the others", "[output][baseline]") {
  std::string dir = project();
  write_file(dir + "/migrations/20240103000000_more.sql", "DROP TABLE users;\n");
  REQUIRE(run_pgsafe(lint_args({"--write-baseline", "b.json"}), "", dir).exit_code == 0);
  REQUIRE(Json::parse(read_file(dir + "/b.json"))["findings"].size() == 3);
  // Only the last file, now clean: its entry goes, the other file's two stay.
  write_file(dir + "/migrations/20240103000000_more.sql", "SELECT 1;\n");
  auto r = run_pgsafe({"lint", "--select", "ban-drop-table", "--write-baseline", "b.json",
                       "migrations/20240103000000_more.sql"},
                      "", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Json b = Json::parse(read_file(dir + "/b.json"));
  REQUIRE(b["findings"].size() == 2);
  for (const auto& f : b["findings"]) CHECK(f["file"] == "migrations/20240102000000_cleanup.sql");
}

TEST_CASE("baseline: bad files and bad combinations are usage errors", "[output][baseline]") {
  std::string dir = project();
  auto missing = run_pgsafe(lint_args({"--baseline", "nope.json"}), "", dir);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope.json") != std::string::npos);
  write_file(dir + "/bad.json", "{\"version\": 7, \"findings\": []}");
  auto bad = run_pgsafe(lint_args({"--baseline", "bad.json"}), "", dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("version 7") != std::string::npos);
  // A file that is not a baseline is never overwritten.
  write_file(dir + "/notes.json", "my notes");
  CHECK(run_pgsafe(lint_args({"--write-baseline", "notes.json"}), "", dir).exit_code == 2);
  CHECK(read_file(dir + "/notes.json") == "my notes");
  CHECK(run_pgsafe(lint_args({"--write-baseline", "b.json", "--fix"}), "", dir).exit_code == 2);
}

TEST_CASE("atomic write keeps permissions and leaves no temporary file", "[output][baseline]") {
  std::string dir = temp_dir("atomic");
  std::string file = dir + "/f.json";
  std::string error;
  REQUIRE(write_file_atomically(file, "one", error));
  CHECK(read_file(file) == "one");
  chmod(file.c_str(), 0640);
  REQUIRE(write_file_atomically(file, "two", error));
  CHECK(read_file(file) == "two");
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.exists() ? 1 : 0;
  CHECK(entries == 1);
  CHECK_FALSE(write_file_atomically(dir + "/no/such/folder/f.json", "x", error));
  CHECK_FALSE(error.empty());
  fs::create_directory(dir + "/sub");
  CHECK_FALSE(write_file_atomically(dir + "/sub", "x", error));
}
