// The parser layer: statement spans, comments, error recovery, DO blocks, positions.
#include <catch2/catch.hpp>

#include "parser/parser.h"
#include "parser/source_text.h"
#include "parser/tree.h"

using namespace pgsafe;

namespace {
std::string span(const std::string& text, const parser::Statement& s) { return text.substr(s.begin, s.end - s.begin); }
}  // namespace

TEST_CASE("statements are split with comments and blanks trimmed", "[parser]") {
  std::string sql = "-- header\nCREATE TABLE a (id int);\n\n/* block */ DROP TABLE b;\nSELECT 'x;y'";
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 3);
  CHECK(span(sql, p.statements()[0]) == "CREATE TABLE a (id int)");
  CHECK(span(sql, p.statements()[1]) == "DROP TABLE b");
  CHECK(span(sql, p.statements()[2]) == "SELECT 'x;y'");
  REQUIRE(p.comments().size() == 2);
  CHECK(sql.substr(p.comments()[0].begin, p.comments()[0].end - p.comments()[0].begin) == "-- header");
  CHECK(p.comments()[1].block);
  CHECK(p.statements()[0].node->has_create_stmt());
}

TEST_CASE("one syntax error costs one statement", "[parser]") {
  std::string sql = "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b text NOT NUL;\nDROP TABLE a;\nSELEC 1;\n";
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 4);
  CHECK(p.statements()[0].node);
  REQUIRE(p.statements()[1].error);
  CHECK(p.statements()[1].error->message == "syntax error at or near \"NUL\"");
  CHECK(sql.substr(p.statements()[1].error->offset, 3) == "NUL");
  CHECK(p.statements()[2].node->has_drop_stmt());
  REQUIRE(p.statements()[3].error);
  // A statement starting with a non-keyword is kept (the scanner-based split in libpg_query drops it).
  CHECK(sql.substr(p.statements()[3].error->offset, 5) == "SELEC");
}

TEST_CASE("an unterminated literal keeps the statements before it", "[parser]") {
  std::string sql = "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('oops);\nDROP TABLE a;\n";
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 2);
  CHECK(p.statements()[0].node->has_create_stmt());
  REQUIRE(p.statements()[1].error);
  CHECK(p.statements()[1].error->message.rfind("unterminated quoted string", 0) == 0);
  CHECK(p.statements()[1].begin == sql.find("INSERT"));
}

TEST_CASE("SQL-standard function bodies are one statement", "[parser]") {
  std::string sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\nSELEC;";
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 2);
  CHECK(p.statements()[0].node->has_create_function_stmt());
  CHECK(p.statements()[1].error);
}

TEST_CASE("DO blocks surface their SQL statements with exact positions", "[parser]") {
  std::string sql =
      "DO $$\nBEGIN\n  ALTER TABLE t DROP COLUMN c;\n  IF true THEN\n    DROP TABLE x;\n  END IF;\n"
      "  EXECUTE 'TRUNCATE y';\nEND\n$$;\n";
  auto p = parser::parse_sql(sql);
  const auto& st = p.statements();
  REQUIRE(st.size() == 4);
  CHECK(st[0].node->has_do_stmt());
  CHECK(st[1].parent == 0);
  CHECK(span(sql, st[1]) == "ALTER TABLE t DROP COLUMN c");
  CHECK_FALSE(st[1].conditional);
  CHECK(span(sql, st[2]) == "DROP TABLE x");
  CHECK(st[2].conditional);
  CHECK(st[3].node->has_truncate_stmt());
  CHECK(span(sql, st[3]) == "TRUNCATE y");
  // Node locations inside embedded statements map to file offsets through base.
  const auto& rv = st[1].node->alter_table_stmt().relation();
  CHECK(sql.substr(st[1].base + static_cast<uint32_t>(rv.location()), 1) == "t");
}

TEST_CASE("DO blocks in other languages and broken bodies", "[parser]") {
  auto p = parser::parse_sql("DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE t') $$;");
  REQUIRE(p.statements().size() == 1);
  auto q = parser::parse_sql("DO $$ BEGIN DROP TABLE t END $$;");
  REQUIRE(q.statements().size() >= 1);
  CHECK(q.statements()[0].body_error);
}

TEST_CASE("positions count code points and lines", "[parser]") {
  SourceText src("f.sql", "SELECT 'é';\r\n\tDROP TABLE \"ü\";\n");
  CHECK(src.position(0).line == 1);
  auto p = src.position(src.text().find("DROP"));
  CHECK(p.line == 2);
  CHECK(p.column == 2);
  auto q = src.position(src.text().find(';'));
  CHECK(q.column == 11);  // 'é' is one column though two bytes
  CHECK(q.offset == 11);
  CHECK(src.line_text(1) == "SELECT 'é';");
  CHECK(src.line_text(2) == "\tDROP TABLE \"ü\";");
}

TEST_CASE("UTF-8 validation", "[parser]") {
  CHECK_FALSE(find_invalid_utf8("plain ascii"));
  CHECK_FALSE(find_invalid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  CHECK(find_invalid_utf8("caf\xe9") == std::optional<size_t>(3));
  CHECK(find_invalid_utf8("\xc0\xaf") == std::optional<size_t>(0));          // overlong
  CHECK(find_invalid_utf8("\xed\xa0\x80") == std::optional<size_t>(0));      // surrogate
  CHECK(find_invalid_utf8("ok\xf0\x9f") == std::optional<size_t>(2));        // truncated
  CHECK(looks_binary(std::string("a\0b", 3)));
  CHECK_FALSE(looks_binary("SELECT 1;"));
}

TEST_CASE("psql meta-commands are reported as syntax errors, not skipped", "[parser]") {
  auto p = parser::parse_sql("\\set ON_ERROR_STOP on\nCREATE TABLE a (id int);\n");
  bool any_error = false;
  for (const auto& s : p.statements()) any_error = any_error || s.error.has_value();
  CHECK(any_error);
}

TEST_CASE("tree helpers format types and names", "[parser]") {
  auto p = parser::parse_sql(
      "CREATE TABLE s.t (a varchar(50), b numeric(10,2), c int, d timestamptz, e text[], f public.mood, g interval);");
  REQUIRE(p.statements().size() == 1);
  const auto& cs = p.statements()[0].node->create_stmt();
  CHECK(tree::qualified_name(cs.relation()) == "s.t");
  std::vector<std::string> types;
  for (const auto& e : cs.table_elts()) types.push_back(tree::format_type(e.column_def().type_name()));
  CHECK(types == std::vector<std::string>{"varchar(50)", "numeric(10,2)", "integer", "timestamptz", "text[]",
                                          "public.mood", "interval"});
}
