// The parser layer: statement spans, comments, error recovery, DO blocks, positions.
#include <catch2/catch.hpp>

#include "parser/parser.h"
#include "parser/plpgsql.h"
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

TEST_CASE("positions on very long lines count the same code points, however far along", "[parser]") {
  // A line of 100 KiB mixing one-, two- and three-byte characters, after a short first line: the
  // column of any offset is the code points before it on its line, as a plain count gives.
  std::string text = "SELECT 1;\n";
  for (int i = 0; i < 10000; ++i) text += i % 3 == 0 ? "é日a" : i % 3 == 1 ? "bcdef" : "ü;";
  text += "\nDROP TABLE t;\n";
  SourceText src("long.sql", text);
  size_t line_start = text.find('\n') + 1;
  for (size_t offset : {line_start, line_start + 1, line_start + 4096, line_start + 8193, line_start + 30001,
                        text.find("\nDROP"), text.size()}) {
    // Offsets inside a character are not asked for: start of a character.
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0) == 0x80) ++offset;
    uint32_t expected = 1;
    for (size_t i = line_start; i < offset; ++i) expected += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    auto p = src.position(offset);
    if (offset <= text.find("\nDROP")) {
      CHECK(p.line == 2);
      CHECK(p.column == expected);
    }
  }
  CHECK(src.position(text.find("DROP")).line == 3);
  CHECK(src.position(text.find("DROP")).column == 1);
  CHECK(src.position(text.find("TABLE t")).column == 6);
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

// ---------------------------------------------------------------- statements pgsafe must see (issue 15)

namespace {
// The statements found inside DO blocks (parent >= 0), as their text in the file.
std::vector<std::string> inner_spans(const std::string& sql, const parser::ParsedFile& p) {
  std::vector<std::string> out;
  for (const auto& s : p.statements())
    if (s.parent >= 0 && s.node) out.push_back(span(sql, s));
  return out;
}
const parser::Statement* first_drop(const parser::ParsedFile& p) {
  for (const auto& s : p.statements())
    if (s.node && s.node->has_drop_stmt()) return &s;
  return nullptr;
}
}  // namespace

TEST_CASE("a DO block written inside a DO body is read, with exact positions", "[parser][do]") {
  std::string sql = "DO $a$\nBEGIN\n  DO $b$ BEGIN DROP TABLE users; END $b$;\nEND\n$a$;\n";
  auto p = parser::parse_sql(sql);
  const auto& st = p.statements();
  REQUIRE(st.size() == 3);
  CHECK(st[0].node->has_do_stmt());
  CHECK(st[1].node->has_do_stmt());
  CHECK(st[1].parent == 0);
  CHECK(span(sql, st[1]) == "DO $b$ BEGIN DROP TABLE users; END $b$");
  REQUIRE(st[2].node->has_drop_stmt());
  CHECK(st[2].parent == 1);
  CHECK(span(sql, st[2]) == "DROP TABLE users");
  CHECK_FALSE(st[0].body_error);
  CHECK_FALSE(st[1].body_error);
  // Node locations map through base to the file.
  const auto& name = st[2].node->drop_stmt().objects(0).list().items(0).string();
  CHECK(name.sval() == "users");
}

TEST_CASE("a DO block run by EXECUTE inside a DO block is read", "[parser][do]") {
  std::string sql =
      "DO $outer$\nBEGIN\n  EXECUTE 'DO $inner$ BEGIN RAISE NOTICE ''it''''s''; DROP TABLE accounts; END $inner$';\nEND\n$outer$;\n";
  auto p = parser::parse_sql(sql);
  CHECK(inner_spans(sql, p) == std::vector<std::string>{
                                   "DO $inner$ BEGIN RAISE NOTICE ''it''''s''; DROP TABLE accounts; END $inner$",
                                   "DROP TABLE accounts"});
  const auto* drop = first_drop(p);
  REQUIRE(drop);
  CHECK(p.statements()[static_cast<size_t>(drop->parent)].node->has_do_stmt());
  CHECK(p.statements()[static_cast<size_t>(drop->parent)].parent == 0);
  // Doubled quotes before the statement do not shift it: its table is where the file has it.
  const auto& rel = drop->node->drop_stmt();
  (void)rel;
  CHECK(sql.substr(drop->begin, 10) == "DROP TABLE");
}

TEST_CASE("statements of a conditional nested DO block are conditional", "[parser][do]") {
  std::string sql = "DO $a$ BEGIN IF true THEN DO $b$ BEGIN DROP TABLE t; END $b$; END IF; END $a$;";
  auto p = parser::parse_sql(sql);
  const auto* drop = first_drop(p);
  REQUIRE(drop);
  CHECK(drop->conditional);
}

TEST_CASE("DO blocks nested beyond the bound are reported, not read", "[parser][do]") {
  // 20 levels: DO $t0$ BEGIN DO $t1$ BEGIN ... DROP TABLE deep; END $t1$; END $t0$;
  std::string sql;
  const int levels = 20;
  for (int i = 0; i < levels; ++i) sql += "DO $t" + std::to_string(i) + "$ BEGIN ";
  sql += "DROP TABLE deep;";
  for (int i = levels - 1; i >= 0; --i) sql += " END $t" + std::to_string(i) + "$;";
  auto p = parser::parse_sql(sql);
  CHECK_FALSE(first_drop(p));
  int reported = 0;
  for (const auto& s : p.statements())
    if (s.body_error) {
      ++reported;
      CHECK(s.body_error->message.find("nested more than 16 deep") != std::string::npos);
      CHECK(s.parent >= 0);
    }
  CHECK(reported == 1);
}

TEST_CASE("EXECUTE of dollar-quoted, E'' and concatenated constants is read", "[parser][do]") {
  std::string sql =
      "DO $$\nBEGIN\n"
      "  EXECUTE $q$DROP TABLE users$q$;\n"
      "  EXECUTE E'ALTER TABLE t\\n  ALTER COLUMN c SET DEFAULT \\'x\\'';\n"
      "  EXECUTE 'DROP ' || 'TABLE orders';\n"
      "  EXECUTE 'DROP ' -- a comment\n     || $x$TABLE $x$ || E'\\x6c' || 'ines';\n"
      "  EXECUTE format('DROP TABLE invoices');\n"
      "  EXECUTE format('UPDATE t SET pct = 100 %% 7');\n"
      "  EXECUTE format('DROP TABLE %I', 'x');\n"
      "  EXECUTE 'DROP TABLE ' || tbl;\n"
      "  EXECUTE 'TRUNCATE x' USING 1;\n"
      "END\n$$;\n";
  auto p = parser::parse_sql(sql);
  CHECK_FALSE(p.statements()[0].body_error);
  CHECK(inner_spans(sql, p) == std::vector<std::string>{
                                   "DROP TABLE users",
                                   "ALTER TABLE t\\n  ALTER COLUMN c SET DEFAULT \\'x\\'",
                                   "DROP ' || 'TABLE orders",
                                   "DROP ' -- a comment\n     || $x$TABLE $x$ || E'\\x6c' || 'ines",
                                   "DROP TABLE invoices",
                                   "UPDATE t SET pct = 100 %% 7",
                                   "TRUNCATE x",
                               });
  std::vector<std::string> dropped;
  for (const auto& s : p.statements())
    if (s.node && s.node->has_drop_stmt())
      dropped.push_back(s.node->drop_stmt().objects(0).list().items(0).string().sval());
  CHECK(dropped == std::vector<std::string>{"users", "orders", "lines", "invoices"});
  // The ALTER's value decoded the escapes (\n, \'), so it parsed; its column is c.
  int alters = 0;
  for (const auto& s : p.statements())
    if (s.node && s.node->has_alter_table_stmt()) {
      ++alters;
      CHECK(s.node->alter_table_stmt().cmds(0).alter_table_cmd().name() == "c");
    }
  CHECK(alters == 1);
}

TEST_CASE("a finding's location inside a dollar-quoted EXECUTE is exact", "[parser][do]") {
  std::string sql = "DO $$ BEGIN EXECUTE $q$ALTER TABLE accounts DROP COLUMN x$q$; END $$;";
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 2);
  const auto& s = p.statements()[1];
  const auto& rel = s.node->alter_table_stmt().relation();
  CHECK(sql.substr(s.base + static_cast<uint32_t>(rel.location()), 8) == "accounts");
}

TEST_CASE("a DO body written as an E'' or '' string maps positions through its escapes", "[parser][do]") {
  std::string sql = "DO E'BEGIN RAISE NOTICE \\'x\\'; DROP TABLE a; EXECUTE ''DROP TABLE b''; END';";
  auto p = parser::parse_sql(sql);
  CHECK(inner_spans(sql, p) == std::vector<std::string>{"DROP TABLE a", "DROP TABLE b"});
}

TEST_CASE("string constants decode like PostgreSQL's", "[parser][do]") {
  auto v = [](std::string_view s) { auto c = parser::read_string_constant(s, 0); return c ? c->value : std::string("<none>"); };
  CHECK(v("'it''s'") == "it's");
  CHECK(v("'a\\nb'") == "a\\nb");  // standard strings keep backslashes
  CHECK(v("E'a\\nb\\t\\\\\\''") == "a\nb\t\\'");
  CHECK(v("E'\\101\\x42\\u00e9\\U0001F600'") == "AB\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(v("E'\\0'") == "<none>");          // a NUL is never passed on
  CHECK(v("$tag$a $$ b$tag$") == "a $$ b");
  CHECK(v("$$x$$") == "x");
  CHECK(v("'unterminated") == "<none>");
  CHECK(v("U&'d\\0061t'") == "<none>");
  auto c = parser::read_string_constant("E'ab\\ncd'", 0);
  REQUIRE(c);
  CHECK(c->map.map(0) == 2);
  CHECK(c->map.map(2) == 5);  // the \n escape: its last byte
  CHECK(c->map.map(3) == 6);  // after it
  CHECK(c->end == 9);
  CHECK_FALSE(parser::constant_sql("'a' || b"));
  CHECK_FALSE(parser::constant_sql("'a'::text"));
  CHECK_FALSE(parser::constant_sql("format('%s', x)"));
  CHECK_FALSE(parser::constant_sql("format('%I')"));
  CHECK_FALSE(parser::constant_sql("upper('a')"));
  REQUIRE(parser::constant_sql(" FORMAT ( 'a%%b' ) "));
  CHECK(parser::constant_sql(" FORMAT ( 'a%%b' ) ")->value == "a%b");
  auto cat = parser::constant_sql("'ab' || 'cd'");
  REQUIRE(cat);
  CHECK(cat->value == "abcd");
  CHECK(cat->map.map(1) == 2);
  CHECK(cat->map.map(2) == 9);
}

TEST_CASE("offset maps compose", "[parser][do]") {
  parser::OffsetMap inner;  // "xyz" read from positions 1,2 then 5 of some text
  inner.add(0, 1);
  inner.add(2, 5);
  parser::OffsetMap outer;  // that text from file offset 100, with a jump at 4
  outer.add(0, 100);
  outer.add(4, 200);
  auto m = inner.then(outer);
  CHECK(m.map(0) == 101);
  CHECK(m.map(1) == 102);
  CHECK(m.map(2) == 201);
  auto s = m.after_shift(1);
  CHECK(s.map(0) == 102);
  CHECK(s.map(1) == 201);
}

namespace {
std::string deep_do(int levels) {
  std::string sql = "DO $$\nBEGIN\n";
  for (int i = 0; i < levels; ++i) sql += "IF true THEN ";
  sql += "\nDROP TABLE t;\n";
  for (int i = 0; i < levels; ++i) sql += "END IF; ";
  sql += "\nEND $$;\n";
  return sql;
}
}  // namespace

TEST_CASE("a DO body nested as deeply as PL/pgSQL allows is walked without recursion", "[parser][do]") {
  std::string sql = deep_do(3000);
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 2);
  CHECK_FALSE(p.statements()[0].body_error);
  CHECK(span(sql, p.statements()[1]) == "DROP TABLE t");
  CHECK(p.statements()[1].conditional);
}

TEST_CASE("a DO body too deep for the PL/pgSQL parser is reported, not silently dropped", "[parser][do]") {
  std::string sql = deep_do(10000);
  auto p = parser::parse_sql(sql);
  REQUIRE(p.statements().size() == 1);
  const auto& err = p.statements()[0].body_error;
  REQUIRE(err);
  CHECK(err->message.find("not checked") != std::string::npos);
  CHECK(err->message.find("nested too deeply") != std::string::npos);
  CHECK(err->offset == sql.find("$$") + 2);
}

TEST_CASE("statements are indexed by kind, in order, for rules that look ahead", "[parser]") {
  auto f = parser::parse_sql(
      "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN b int;\nSELEC oops;\nALTER TABLE a DROP COLUMN b;\n"
      "ALTER TABLE a RENAME COLUMN id TO key;\nDO $$ BEGIN ALTER TABLE a ADD COLUMN c int; END $$;\n");
  const auto& alters = f.statements_of_kind(pg_query::Node::kAlterTableStmt);
  // The two top-level ALTER TABLEs and the one inside the DO block; the unparsable statement is
  // in no list.
  REQUIRE(alters.size() == 3);
  CHECK(alters[0] == 1);
  CHECK(alters[1] == 3);
  CHECK(f.statements()[alters[2]].parent >= 0);
  CHECK(f.statements_of_kind(pg_query::Node::kRenameStmt).size() == 1);
  CHECK(f.statements_of_kind(pg_query::Node::kViewStmt).empty());
  CHECK(f.first_of_kind_after(pg_query::Node::kAlterTableStmt, 0) == 0);
  CHECK(f.first_of_kind_after(pg_query::Node::kAlterTableStmt, 1) == 1);
  CHECK(f.first_of_kind_after(pg_query::Node::kAlterTableStmt, 3) == 2);
  CHECK(f.first_of_kind_after(pg_query::Node::kRenameStmt, 4) == 1);  // none after the rename
}

TEST_CASE("node kinds are named from the table built from pg_query.proto, as reflection names them", "[parser]") {
  // Every alternative of Node's oneof: the build-time table and protobuf's descriptors agree.
  const auto* oneof = pg_query::Node::descriptor()->FindOneofByName("node");
  REQUIRE(oneof != nullptr);
  REQUIRE(oneof->field_count() > 200);
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* field = oneof->field(i);
    pg_query::Node n;
    n.GetReflection()->MutableMessage(&n, field);
    INFO(field->name());
    CHECK(tree::node_type_name(n) == field->message_type()->name());
  }
  CHECK(tree::node_type_name(pg_query::Node()).empty());
  CHECK(tree::statement_kind(parser::parse_sql("CREATE ROLE r;").statements()[0].node[0]) == "CreateRoleStmt");
}
