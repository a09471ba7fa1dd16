// Scale: the costs that grew quadratically (ignores x findings, indexes on one table, placing
// findings, duplicate versions) are held to linear bounds by counting their steps (never by
// timing), large files are parsed in windows that give the same results as a whole parse while
// holding one window's trees, and findings share their rule's texts. Speed and memory figures
// are bench/scale.sh's.
#include <catch2/catch.hpp>

#include <ctime>
#include <string>

#include "analyzer/catalog.h"
#include "analyzer/work_counters.h"
#include "parser/parser.h"
#include "parser/tree.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;

namespace {


size_t count_rule(const LintResult& r, const std::string& rule, bool suppressed) {
  size_t n = 0;
  for (const auto& d : r.diagnostics)
    if (d.rule == rule && d.suppression.has_value() == suppressed) ++n;
  return n;
}

std::string line_ignores(size_t n) {
  std::string sql;
  for (size_t i = 0; i < n; ++i)
    sql += "-- pgsafe-ignore ban-drop-column: column c" + std::to_string(i) + " was never read\n"
           "ALTER TABLE t DROP COLUMN c" + std::to_string(i) + ";\n";
  return sql;
}

Catalog replay(const std::string& sql) {
  Catalog c;
  auto parsed = parser::parse_sql(sql);
  for (const auto& st : parsed.statements()) {
    REQUIRE(st.node);
    c.apply(*st.node, SourceRef{0, st.begin, st.end, st.base}, sql);
  }
  return c;
}

}  // namespace

TEST_CASE("each finding costs a fixed number of ignore lookups, however many ignores a file has", "[scale][suppress]") {
  auto lookups = [](size_t n) {
    work_counters().reset();
    auto r = lint_memory({{"20240101000000_a.sql", line_ignores(n)}}, only({"ban-drop-column", "unused-ignore"}));
    CHECK(count_rule(r, "ban-drop-column", true) == n);
    CHECK(count_rule(r, "ban-drop-column", false) == 0);
    CHECK(count_rule(r, "unused-ignore", false) == 0);
    // Matching each ignore to its statement walks the statements once.
    CHECK(work_counters().statement_visits.load() <= 2 * n);
    return work_counters().ignore_lookups.load();
  };
  uint64_t small = lookups(400), large = lookups(800);
  CHECK(small <= 2 * 400);
  CHECK(large <= 2 * small);  // one lookup per finding: linear, not ignores x findings
}

TEST_CASE("whole-file ignores are looked up by rule, not scanned per finding", "[scale][suppress]") {
  auto run = [](size_t n) {
    std::string sql = "-- pgsafe-ignore-file ban-drop-column: columns were never read\n";
    for (size_t i = 0; i < n; ++i) sql += "-- pgsafe-ignore-file not-a-rule-" + std::to_string(i) + ": placeholder\n";
    for (size_t i = 0; i < n; ++i) sql += "ALTER TABLE t DROP COLUMN c" + std::to_string(i) + ";\n";
    work_counters().reset();
    auto r = lint_memory({{"20240101000000_a.sql", sql}}, only({"ban-drop-column", "unused-ignore"}));
    CHECK(count_rule(r, "ban-drop-column", true) == n);
    CHECK(count_rule(r, "unused-ignore", false) == n);  // each unknown id, once
    return work_counters().ignore_lookups.load();
  };
  uint64_t small = run(300), large = run(600);
  CHECK(small <= 3 * 300);
  CHECK(large <= 2 * small + 10);
}

TEST_CASE("a file-level finding is placed on its statement by a search, not a scan", "[scale][suppress]") {
  const size_t n = 600;
  std::string sql = "CREATE TABLE p (id bigint PRIMARY KEY);\n";
  for (size_t i = 0; i < n; ++i)
    sql += "CREATE TABLE c" + std::to_string(i) + " (id bigint PRIMARY KEY, p_id bigint REFERENCES p (id));\n";
  // The finding on the last table is suppressed by the ignore before its statement.
  sql += "-- pgsafe-ignore unindexed-foreign-key: tiny lookup table\n"
         "CREATE TABLE last (id bigint PRIMARY KEY, p_id bigint REFERENCES p (id));\n";
  work_counters().reset();
  auto r = lint_memory({{"20240101000000_a.sql", sql}}, only({"unindexed-foreign-key"}));
  CHECK(count_rule(r, "unindexed-foreign-key", false) == n);
  CHECK(count_rule(r, "unindexed-foreign-key", true) == 1);
  CHECK(work_counters().statement_visits.load() <= 4 * (n + 2));
}

TEST_CASE("unnamed indexes on one table are named in linear steps, as PostgreSQL names them", "[scale][catalog]") {
  auto probes = [](size_t n) {
    std::string sql = "CREATE TABLE t (id bigint PRIMARY KEY, a int);\n";
    for (size_t i = 0; i < n; ++i) sql += "CREATE INDEX ON t ((a + " + std::to_string(i) + "));\n";
    work_counters().reset();
    auto r = lint_memory({{"20240101000000_a.sql", sql}}, only({"duplicate-index"}));
    CHECK(count_rule(r, "duplicate-index", false) == 0);
    // Every index has a shape of its own: no candidate to compare.
    CHECK(work_counters().index_shape_candidates.load() == 0);
    return work_counters().index_name_probes.load();
  };
  uint64_t small = probes(500), large = probes(1000);
  // Named twice per statement (the rule, then the catalog), each a step or two.
  CHECK(small <= 4 * 500);
  CHECK(large <= 2 * small + 10);

  Catalog c = replay("CREATE TABLE t (a int);\nCREATE INDEX ON t ((a + 1));\nCREATE INDEX ON t ((a + 2));\nCREATE INDEX ON t ((a + 3));\n");
  CHECK(c.find_index("public.t_expr_idx"));
  CHECK(c.find_index("public.t_expr_idx1"));
  CHECK(c.find_index("public.t_expr_idx2"));
}

TEST_CASE("a name freed by a drop or a rename is chosen again (remembered names never go stale)", "[scale][catalog]") {
  Catalog c = replay(
      "CREATE TABLE t (a int, b int);\n"
      "CREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\nCREATE INDEX ON t (a);\n"  // t_a_idx, t_a_idx1, t_a_idx2
      "DROP INDEX t_a_idx1;\n"
      "CREATE INDEX ON t (a);\n"                                                  // t_a_idx1 again
      "ALTER INDEX t_a_idx2 RENAME TO a_two;\n"
      "CREATE INDEX ON t (a);\n"                                                  // t_a_idx2 again
      "CREATE INDEX ON t (a);\n"                                                  // t_a_idx3
      "CREATE TABLE t_b_idx (x int);\n"
      "CREATE INDEX ON t (b);\n"                                                  // t_b_idx1: a table has t_b_idx
      "DROP TABLE t_b_idx;\n"
      "CREATE INDEX ON t (b);\n");                                                // t_b_idx, free again
  for (const char* name : {"public.t_a_idx", "public.t_a_idx1", "public.t_a_idx2", "public.t_a_idx3", "public.a_two",
                           "public.t_b_idx", "public.t_b_idx1"})
    CHECK(c.find_index(name));
  CHECK_FALSE(c.find_index("public.t_a_idx4"));
  CHECK(c.indexes_on("public.t").size() == 7);
}

TEST_CASE("duplicate-index compares a new index with indexes of its shape only", "[scale][catalog]") {
  const size_t n = 400;
  std::string sql = "CREATE TABLE t (id bigint PRIMARY KEY, a int, b int);\nCREATE INDEX t_b ON t (b);\n";
  for (size_t i = 0; i < n; ++i) sql += "CREATE INDEX ON t (a);\n";
  work_counters().reset();
  auto r = lint_memory({{"20240101000000_a.sql", sql}}, only({"duplicate-index"}));
  // Each after the first duplicates the first (t_a_idx), found as the first of its shape.
  CHECK(count_rule(r, "duplicate-index", false) == n - 1);
  for (const auto& d : r.diagnostics) CHECK(d.message.find("duplicates index t_a_idx (a)") != std::string::npos);
  CHECK(work_counters().index_shape_candidates.load() <= n);
  // Renamed columns and moved tables keep the shapes right.
  Catalog c = replay("CREATE TABLE t (a int);\nCREATE INDEX i1 ON t (a);\nALTER TABLE t RENAME COLUMN a TO z;\n"
                     "ALTER TABLE t RENAME TO u;\n");
  auto accept_all = [](const Index&) { return true; };
  CHECK(c.find_index_shaped_like("public.u", {"z"}, "", "btree", accept_all));
  CHECK_FALSE(c.find_index_shaped_like("public.t", {"a"}, "", "btree", accept_all));
  CHECK(c.indexes_on("public.u").size() == 1);
  CHECK(c.indexes_on("public.t").empty());
}

TEST_CASE("duplicate-version compares each file with its neighbour only", "[scale][process]") {
  const size_t n = 3000;
  std::vector<std::pair<std::string, std::string>> files;
  for (size_t i = 0; i < n; ++i) {
    // Every tenth file repeats the version before it.
    std::time_t t = 1704067200 + static_cast<std::time_t>(i - (i % 10 == 9 ? 1 : 0));  // 2024-01-01 on
    std::tm tm{};
    gmtime_r(&t, &tm);
    char version[32];
    std::strftime(version, sizeof version, "%Y%m%d%H%M%S", &tm);
    files.emplace_back(std::string(version) + "_m" + std::to_string(i) + ".sql", "SELECT 1;\n");
  }
  work_counters().reset();
  auto r = lint_memory(files, only({"duplicate-version"}));
  CHECK(count_rule(r, "duplicate-version", false) == n / 10);
  CHECK(work_counters().version_comparisons.load() <= n);
}

namespace {

// A text of every kind of statement the windows must treat alike: syntax errors, DO blocks with
// statements inside, SQL-standard bodies with ';' inside, comments and ignores, and statements
// that rules read from far away (a table dropped and rebuilt later, a column swap, a rename
// replaced by a view in the same transaction).
std::string mixed_sql(size_t rounds) {
  // Opened here, closed at the end: a rename whose view comes many windows later, a table
  // dropped here and rebuilt at the end, a column swap spread over the file.
  std::string sql = "-- intent: exercise windows\nBEGIN;\nALTER TABLE far RENAME TO far_new;\nDROP TABLE farold;\n"
                    "ALTER TABLE swap ADD COLUMN n2 text;\nALTER TABLE swap DROP COLUMN n;\n";
  for (size_t i = 0; i < rounds; ++i) {
    std::string n = std::to_string(i);
    sql += "CREATE TABLE t" + n + " (id bigint PRIMARY KEY, a int, b text);\n"
           "-- pgsafe-ignore ban-drop-table: rebuilt below\n"
           "DROP TABLE old" + n + ";\n"
           "INSERT INTO t" + n + " VALUES (1, 2, 'x;y'), (3, 4, $$z;w$$);\n"
           "ALTER TABLE t" + n + " ADD COLUMN c" + n + " int;\n"
           "ALTER TABLE t" + n + " DROP COLUMN a;\n"
           "SELEC broken" + n + ";\n"
           "DO $$ BEGIN IF true THEN DROP TABLE d" + n + "; END IF; CREATE INDEX ON t" + n + " (b); END $$;\n"
           "CREATE FUNCTION f" + n + "() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
           "/* a ; in a comment */ UPDATE t" + n + " SET b = 'q';\n"
           "DELETE FROM t" + n + ";\n"
           "CREATE TABLE old" + n + " AS SELECT * FROM t" + n + ";\n";
  }
  sql += "ALTER TABLE swap RENAME COLUMN n2 TO n;\nCREATE VIEW far AS SELECT * FROM far_new;\n"
         "CREATE TABLE farold AS SELECT 1 AS x;\nCOMMIT;\nBEGIN;\nCREATE INDEX ON t0 (a)";
  return sql;
}

}  // namespace

namespace {

// A tree with its locations made file offsets (location + the statement's base), serialised: the
// same statement parsed whole and in a window has the same absolute tree.
void shift_locations(google::protobuf::Message& m, int32_t base) {
  const auto* refl = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  refl->ListFields(m, &fields);
  for (const auto* f : fields) {
    using FD = google::protobuf::FieldDescriptor;
    if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < refl->FieldSize(m, f); ++k) shift_locations(*refl->MutableRepeatedMessage(&m, f, k), base);
      } else {
        shift_locations(*refl->MutableMessage(&m, f), base);
      }
    } else if (f->cpp_type() == FD::CPPTYPE_INT32 && !f->is_repeated() &&
               (f->name() == "location" || f->name().ends_with("_location"))) {
      int32_t v = refl->GetInt32(m, f);
      if (v >= 0) refl->SetInt32(&m, f, v + base);
    }
  }
}

std::string absolute_tree(const pg_query::Node& n, uint32_t base) {
  pg_query::Node copy = n;
  shift_locations(copy, static_cast<int32_t>(base));
  return copy.SerializeAsString();
}

}  // namespace

TEST_CASE("a text parsed in windows has the statements, trees and tokens of a whole parse", "[scale][parser]") {
  std::string sql = mixed_sql(60);
  parser::ParsedFile whole = parser::parse_sql(sql);
  parser::ParseLimits limits;
  limits.window_bytes = 1024;
  REQUIRE(sql.size() > 4 * limits.window_bytes);
  parser::ParsedFile win = parser::parse_sql(sql, limits);
  CHECK_FALSE(whole.windowed());
  REQUIRE(win.windowed());
  const auto& a = whole.statements();
  const auto& b = win.statements();
  REQUIRE(a.size() == b.size());
  CHECK(win.comments().size() == whole.comments().size());
  size_t windows_seen = 0;
  const pg_query::Node* last_first_node = nullptr;
  for (size_t i = 0; i < a.size(); ++i) {
    win.enter_window(i);
    INFO("statement " << i << ": " << sql.substr(a[i].begin, a[i].end - a[i].begin));
    CHECK(a[i].begin == b[i].begin);
    CHECK(a[i].end == b[i].end);
    CHECK(a[i].parent == b[i].parent);
    CHECK(a[i].conditional == b[i].conditional);
    REQUIRE(a[i].error.has_value() == b[i].error.has_value());
    if (a[i].error) {
      CHECK(a[i].error->offset == b[i].error->offset);
      CHECK(a[i].error->message == b[i].error->message);
    }
    CHECK(a[i].body_error.has_value() == b[i].body_error.has_value());
    REQUIRE((a[i].node == nullptr) == (b[i].node == nullptr));
    if (a[i].node) CHECK(absolute_tree(*a[i].node, a[i].base) == absolute_tree(*b[i].node, b[i].base));
    // The tokens of the statement, as a whole parse scans them.
    size_t ta = whole.token_at_or_after(a[i].begin), tb = win.token_at_or_after(b[i].begin);
    for (; ta < whole.tokens().size() && whole.tokens()[ta].begin < a[i].end; ++ta, ++tb) {
      REQUIRE(tb < win.tokens().size());
      CHECK(whole.tokens()[ta].begin == win.tokens()[tb].begin);
      CHECK(whole.tokens()[ta].kind == win.tokens()[tb].kind);
    }
    if (b[0].node != last_first_node) ++windows_seen;
    last_first_node = b[0].node;
  }
  CHECK(windows_seen > 1);
  // Only the last window's trees are held, besides the kinds rules look for across statements.
  size_t live = 0, kept = 0;
  for (size_t i = 0; i + 200 < b.size(); ++i) {
    if (!b[i].node) continue;
    ++live;
    bool retained = b[i].node->has_create_stmt() || b[i].node->has_create_table_as_stmt() || b[i].node->has_view_stmt() ||
                    b[i].node->has_alter_table_stmt() || b[i].node->has_rename_stmt() ||
                    b[i].node->has_transaction_stmt() || b[i].node->has_insert_stmt();
    if (retained) ++kept;
    CHECK(retained);
    if (b[i].node->has_insert_stmt()) CHECK(b[i].node->insert_stmt().select_stmt().select_stmt().values_lists_size() == 0);
  }
  CHECK(live == kept);
  CHECK(kept > 0);
}

TEST_CASE("linting a large file in windows finds exactly what linting it whole finds", "[scale][engine]") {
  std::string sql = mixed_sql(150);
  LintOptions windowed;
  windowed.jobs = 1;
  windowed.parse_window_bytes = 4096;
  REQUIRE(sql.size() > 4 * windowed.parse_window_bytes);
  LintOptions whole = windowed;
  whole.parse_window_bytes = 0;
  std::vector<std::pair<std::string, std::string>> files{{"20240101000000_big.sql", sql},
                                                        {"20240102000000_next.sql", "DROP TABLE t1;\n"}};
  auto a = lint_memory(files, whole);
  auto b = lint_memory(files, windowed);
  CHECK(a.diagnostics.size() > 750);
  CHECK(golden_lines(a) == golden_lines(b));
  // Rules that look across statements saw past the windows: the table rebuilt at the end, the
  // view replacing the renamed table at the end of its transaction.
  std::string lines = golden_lines(b);
  CHECK(lines.find("DROP TABLE farold deletes its rows, but CREATE TABLE ... AS") != std::string::npos);
  CHECK(lines.find("renaming-table: renaming table far ") == std::string::npos);
}

TEST_CASE("findings share their rule's category, help and documentation link", "[scale][engine]") {
  auto r = lint_memory({{"20240101000000_a.sql", "DROP TABLE a;\nDROP TABLE b;\nDROP TABLE c;\n"}}, only({"ban-drop-table"}));
  REQUIRE(r.diagnostics.size() == 3);
  const Diagnostic& first = r.diagnostics[0];
  CHECK_FALSE(first.help.empty());
  CHECK(first.url.str().find("ban-drop-table") != std::string::npos);
  for (const auto& d : r.diagnostics) {
    CHECK(d.help.shares(first.help));
    CHECK(d.url.shares(first.url));
    CHECK(d.category.shares(first.category));
  }
}
