// The engine: suppressions, file state, layouts and ordering, config, verdicts.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyzer/config.h"
#include "analyzer/migration_set.h"
#include "analyzer/suppressions.h"
#include "analyzer/verdict.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;

namespace {
size_t active(const LintResult& r) {
  return static_cast<size_t>(std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
                                           [](const Diagnostic& d) { return !d.suppression; }));
}
}  // namespace

TEST_CASE("ignore comments: reason required, ids listed, scope is the next statement", "[engine][suppress]") {
  auto r = lint_memory({{"20240101000000_a.sql",
                         "-- pgsafe-ignore ban-drop-table: archived to S3 in ticket 42\n"
                         "DROP TABLE a;\n"
                         "DROP TABLE b;\n"
                         "-- pgsafe-ignore ban-drop-table\n"
                         "DROP TABLE c;\n"
                         "/* pgsafe-ignore syntax-error, ban-drop-table: both intended */\n"
                         "DROP TABLE d;\n"}},
                       only({"ban-drop-table", "unused-ignore"}));
  REQUIRE(r.diagnostics.size() >= 4);
  auto find = [&](const std::string& table) -> const Diagnostic* {
    for (const auto& d : r.diagnostics)
      if (d.rule == "ban-drop-table" && d.message.find("DROP TABLE " + table + " ") != std::string::npos) return &d;
    return nullptr;
  };
  REQUIRE(find("a"));
  REQUIRE(find("a")->suppression);
  CHECK(find("a")->suppression->justification == "archived to S3 in ticket 42");
  CHECK_FALSE(find("b")->suppression);  // only the statement right after the comment
  CHECK_FALSE(find("c")->suppression);  // no reason: suppresses nothing
  REQUIRE(find("d")->suppression);
  CHECK(find("d")->suppression->justification == "both intended");
}

TEST_CASE("file-level ignores cover the whole file", "[engine][suppress]") {
  auto r = lint_memory({{"20240101000000_a.sql",
                         "DROP TABLE a;\n-- pgsafe-ignore-file ban-drop-table: this migration retires the v1 schema\n"
                         "DROP TABLE b;\n"}},
                       only({"ban-drop-table"}));
  REQUIRE(r.diagnostics.size() == 2);
  CHECK(r.diagnostics[0].suppression);
  CHECK(r.diagnostics[1].suppression);
  CHECK(active(r) == 0);
}

TEST_CASE("an ignore before a DO block covers the statements inside it", "[engine][suppress]") {
  auto r = lint_memory({{"20240101000000_a.sql",
                         "-- pgsafe-ignore ban-drop-table: guarded cleanup of a table only old installs have\n"
                         "DO $$ BEGIN\n  DROP TABLE IF EXISTS legacy;\nEND $$;\n"}},
                       only({"ban-drop-table"}));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].suppression);
}

TEST_CASE("parse_ignore_comment", "[engine][suppress]") {
  IgnoreComment ig;
  REQUIRE(parse_ignore_comment("-- pgsafe-ignore a-b, c-d: because", ig));
  CHECK(ig.rules == std::vector<std::string>{"a-b", "c-d"});
  CHECK(ig.reason == "because");
  CHECK_FALSE(ig.malformed);
  IgnoreComment file;
  REQUIRE(parse_ignore_comment("--pgsafe-ignore-file x: y", file));
  CHECK(file.whole_file);
  IgnoreComment none;
  CHECK_FALSE(parse_ignore_comment("-- pgsafe-ignored is not a directive", none));
  IgnoreComment noreason;
  REQUIRE(parse_ignore_comment("-- pgsafe-ignore ban-drop-table:   ", noreason));
  CHECK(noreason.malformed);
}

TEST_CASE("layouts are detected and versions ordered", "[engine][layout]") {
  CHECK(detect_layout({"m/20240101000000_a.sql", "m/20240102000000_b.sql"}) == Layout::Timestamp);
  CHECK(detect_layout({"p/20240101000000_init/migration.sql"}) == Layout::Prisma);
  CHECK(detect_layout({"d/2019-02-26-002946_create_user/up.sql", "d/2019-02-26-002946_create_user/down.sql"}) ==
        Layout::Diesel);
  CHECK(detect_layout({"g/000001_init.up.sql", "g/000001_init.down.sql"}) == Layout::GolangMigrate);
  CHECK(detect_layout({"f/V1__init.sql", "f/V1.1__more.sql", "f/R__views.sql"}) == Layout::Flyway);
  CHECK(detect_layout({"z/0000_init.sql", "z/0001_more.sql"}) == Layout::Drizzle);

  auto n = parse_name("d/2019-02-26-002946_create_user/down.sql", Layout::Diesel);
  CHECK(n.matches);
  CHECK(n.version == "2019-02-26-002946");
  CHECK(n.direction == Direction::Down);
  auto f = parse_name("f/V1.10__add_index.sql", Layout::Flyway);
  CHECK(f.version == "1.10");
  CHECK(f.name == "add_index");
  CHECK(compare_versions("1.2", "1.10") < 0);
  CHECK(compare_versions("2", "10") < 0);
  CHECK(compare_versions("20240101000000", "20240101000000") == 0);
  CHECK(compare_versions("2019-02-26-002946", "2019-03-01-000000") < 0);
}

TEST_CASE("the set is replayed in version order, down files never change the forward schema", "[engine][layout]") {
  // The down file drops the table; if it were replayed forward, the later drop would see no table.
  auto r = lint_memory({{"g/000002_drop.up.sql", "DROP TABLE t;\n"},
                        {"g/000001_init.down.sql", "DROP TABLE t;\n"},
                        {"g/000001_init.up.sql", "CREATE TABLE t (id int);\n"}},
                       only({"ban-drop-table"}));
  REQUIRE(r.linted_paths.size() == 3);
  CHECK(r.linted_paths[0] == "g/000001_init.up.sql");
  CHECK(r.linted_paths[1] == "g/000001_init.down.sql");
  CHECK(r.linted_paths[2] == "g/000002_drop.up.sql");
  // The down file drops what its own up file created: the intended inverse, not reported. The
  // forward drop is.
  REQUIRE(active(r) == 1);
  for (const auto& d : r.diagnostics)
    if (!d.suppression) CHECK(d.file == "g/000002_drop.up.sql");
}

TEST_CASE("config keys are read and validated", "[engine][config]") {
  Config c;
  std::vector<ConfigError> errors;
  REQUIRE(load_config_text("pg_version = 13\nassume_in_transaction = false\nexposed_schemas = [\"public\", \"api\"]\n"
                           "migrations_dir = \"db/migrations\"\nlayout = \"flyway\"\n"
                           "[rules]\nban-drop-table = \"warning\"\n[rules.syntax-error]\nseverity = \"off\"\n",
                           "/p/.pgsafe.toml", c, errors));
  CHECK(c.settings.pg_version == 13);
  CHECK_FALSE(c.settings.assume_in_transaction);
  CHECK(c.settings.exposed_schemas == std::vector<std::string>{"public", "api"});
  CHECK(c.migrations_dir == std::optional<std::string>("/p/db/migrations"));
  CHECK(c.layout == Layout::Flyway);
  CHECK(c.rules["ban-drop-table"].severity == Severity::Warning);
  CHECK(c.rules["syntax-error"].severity == Severity::Off);

  Config bad;
  std::vector<ConfigError> e2;
  CHECK_FALSE(load_config_text("pg_version = \"fifteen\"\nwhat = 1\n[rules]\nban-drop-table = \"loud\"\n", "x.toml", bad, e2));
  REQUIRE(e2.size() == 3);
  CHECK(e2[0].line == 1);
  CHECK(e2[1].line == 2);
  CHECK(e2[2].line == 4);
}

TEST_CASE("rule severity from config reaches diagnostics; unknown ids are reported", "[engine][config]") {
  LintOptions o = only({"ban-drop-table"});
  o.config.rules["ban-drop-table"].severity = Severity::Info;
  auto r = lint_memory({{"20240101000000_a.sql", "DROP TABLE t;\n"}}, o);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].severity == Severity::Info);
  LintOptions u;
  u.select = {"nope"};
  u.config.rules["also-nope"] = {};
  CHECK(unknown_rule_ids(u) == std::vector<std::string>{"nope", "also-nope"});
}

TEST_CASE("verdicts: a file passes unless an active finding reaches the threshold", "[engine][verdict]") {
  auto r = lint_memory({{"20240101000000_ok.sql", "CREATE TABLE t (id int);\n"},
                        {"20240102000000_drop.sql", "DROP TABLE u;\n"},
                        {"20240103000000_ok_drop.sql", "-- pgsafe-ignore ban-drop-table: intended\nDROP TABLE v;\n"},
                        {"20240104000000_bad.sql", "SELEC 1;\n"}},
                       only({"ban-drop-table", "syntax-error"}));
  auto v = verdicts(r, Severity::Error);
  REQUIRE(v.size() == 4);
  CHECK(v[0].passes);
  CHECK_FALSE(v[1].passes);
  REQUIRE(v[1].blocking.size() == 1);
  CHECK(v[1].blocking[0].rule == "ban-drop-table");
  CHECK(v[2].passes);
  CHECK_FALSE(v[3].passes);
  CHECK(v[3].blocking[0].rule == "syntax-error");
}

TEST_CASE("a UTF-8 byte order mark is not a syntax error", "[engine]") {
  auto r = lint_memory({{"20240101000000_bom.sql", "\xEF\xBB\xBF" "DROP TABLE t;\n"}}, only({"ban-drop-table", "syntax-error"}));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].rule == "ban-drop-table");
  CHECK(r.diagnostics[0].range.start.column == 2);  // the BOM is a code point before DROP
}
