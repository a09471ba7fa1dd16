// template_placeholders: Go-templated SQL is linted with each template action replaced by an
// identifier (values) or blanks (control actions) of the same length, so positions stay right,
// names in messages show the template as written, and fixes never write the stand-ins back.
#include <catch2/catch.hpp>

#include "analyzer/config.h"
#include "analyzer/fix.h"
#include "analyzer/template_placeholders.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;

namespace {
const std::vector<TemplateDelimiters> kGo{{"{{", "}}"}};

LintOptions templated(std::vector<std::string> select) {
  LintOptions o;
  o.select = std::move(select);
  o.jobs = 1;
  o.config.template_placeholders = kGo;
  return o;
}

size_t count_rule(const LintResult& r, const std::string& rule) {
  size_t n = 0;
  for (const auto& d : r.diagnostics) n += d.rule == rule;
  return n;
}
}  // namespace

TEST_CASE("template actions become same-length identifiers or blanks", "[template]") {
  std::string text = "DROP TABLE {{ index .Options \"Namespace\" }}.users;\n";
  std::string original = text;
  auto spans = substitute_template_placeholders(text, kGo);
  REQUIRE(spans.size() == 1);
  CHECK(text.size() == original.size());
  CHECK(spans[0].begin == 11);
  CHECK(spans[0].original == "{{ index .Options \"Namespace\" }}");
  CHECK(text == "DROP TABLE _tpl1___________________________.users;\n");
  CHECK(restore_template_placeholders("table _tpl1___________________________.users", spans) ==
        "table {{ index .Options \"Namespace\" }}.users");

  // Control actions are blanked; newlines inside an action stay, so lines do not move.
  text = "CREATE TABLE {{- if .Safe }} IF NOT EXISTS{{ end -}} t (id int);\n{{/* a\ncomment */}}\nSELECT 1;\n";
  original = text;
  spans = substitute_template_placeholders(text, kGo);
  REQUIRE(spans.size() == 3);
  CHECK(text.size() == original.size());
  CHECK(text == "CREATE TABLE                 IF NOT EXISTS           t (id int);\n      \n            \nSELECT 1;\n");
  for (const auto& s : spans) CHECK(s.identifier.empty());

  // A closing delimiter inside a string of the action does not end it; `;` before any close
  // means it was no action; a second delimiter pair works alongside.
  text = "SELECT {{ printf \"}}\" .X }} FROM t; SELECT '{{' ; SELECT <% x %>;";
  spans = substitute_template_placeholders(text, {{"{{", "}}"}, {"<%", "%>"}});
  REQUIRE(spans.size() == 2);
  CHECK(text == "SELECT _tpl1_______________ FROM t; SELECT '{{' ; SELECT _tpl2__;");

  // Spans longer than an identifier may be: 63 bytes of name, then blanks.
  text = "SELECT {{ " + std::string(80, 'a') + " }};";
  spans = substitute_template_placeholders(text, kGo);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].identifier.size() == 63);
  CHECK(text.substr(7, 63) == spans[0].identifier);
  CHECK(text.find_first_not_of(' ', 70) == text.size() - 1);
}

TEST_CASE("a templated file lints without syntax errors and findings keep their place", "[template]") {
  std::string file =
      "-- Rendered by the operator with Go's text/template.\n"
      "CREATE TABLE IF NOT EXISTS {{ index .Options \"Namespace\" }}.users (id bigint PRIMARY KEY, name text);\n"
      "{{ if .DropLegacy }}\n"
      "DROP TABLE {{ .Schema }}.legacy_users;\n"
      "{{ end }}\n"
      "ALTER TABLE {{ .Schema }}.users ADD COLUMN email text;\n";
  std::vector<std::pair<std::string, std::string>> files{{"migrations/20240101000000_users.sql", file}};

  // Without the option: the parser rejects the template syntax.
  LintOptions plain;
  plain.select = {"syntax-error", "ban-drop-table"};
  plain.jobs = 1;
  auto before = lint_memory(files, plain);
  CHECK(count_rule(before, "syntax-error") > 0);

  auto r = lint_memory(files, templated({"syntax-error", "ban-drop-table"}));
  INFO(golden_lines(r));
  CHECK(r.errors.empty());
  CHECK(count_rule(r, "syntax-error") == 0);
  REQUIRE(count_rule(r, "ban-drop-table") == 1);
  const Diagnostic& d = r.diagnostics[0];
  CHECK(d.range.start.line == 4);
  CHECK(d.range.start.column == 1);
  CHECK(d.message.find("{{ .Schema }}.legacy_users") != std::string::npos);
  CHECK(d.message.find("_tpl") == std::string::npos);
}

TEST_CASE("template_placeholders in .pgsafe.toml", "[template][config]") {
  Config c;
  std::vector<ConfigError> e;
  REQUIRE(load_config_text("template_placeholders = true\n", "x.toml", c, e));
  REQUIRE(c.template_placeholders.size() == 1);
  CHECK(c.template_placeholders[0].open == "{{");
  CHECK(c.template_placeholders[0].close == "}}");

  Config c2;
  REQUIRE(load_config_text("template_placeholders = [\"{{ }}\", \"<% %>\"]\n", "x.toml", c2, e));
  REQUIRE(c2.template_placeholders.size() == 2);
  CHECK(c2.template_placeholders[1].open == "<%");
  CHECK(c2.template_placeholders[1].close == "%>");

  Config c3;
  REQUIRE(load_config_text("template_placeholders = false\n", "x.toml", c3, e));
  CHECK(c3.template_placeholders.empty());

  for (const char* bad : {"template_placeholders = \"{{ }}\"\n", "template_placeholders = [\"{{\"]\n",
                          "template_placeholders = [\"{{ }} x\"]\n", "template_placeholders = [1]\n"}) {
    Config cb;
    std::vector<ConfigError> eb;
    INFO(bad);
    CHECK_FALSE(load_config_text(bad, "x.toml", cb, eb));
    REQUIRE(eb.size() == 1);
    CHECK(eb[0].line == 1);
    CHECK(eb[0].message.find("template_placeholders must be") != std::string::npos);
  }
}

TEST_CASE("fixes in templated files keep the template text", "[template][fix]") {
  std::string file = "CREATE TABLE {{ .Schema }}.events (id bigint PRIMARY KEY, at timestamp);\n";
  auto r = lint_memory({{"migrations/20240101000000_events.sql", file}}, templated({"prefer-timestamptz"}));
  INFO(golden_lines(r));
  REQUIRE(r.diagnostics.size() == 1);
  REQUIRE(r.diagnostics[0].fix);
  FixResult fr = apply_fixes(file, {&r.diagnostics[0]}, true);
  CHECK(fr.applied == 1);
  CHECK(fr.text == "CREATE TABLE {{ .Schema }}.events (id bigint PRIMARY KEY, at timestamptz);\n");
  for (const auto& e : r.diagnostics[0].fix->edits) CHECK(e.new_text.find("_tpl") == std::string::npos);
}

TEST_CASE("lint --fix never writes stand-ins into a templated file", "[template][fix][cli]") {
  std::string dir = temp_dir("tplfix");
  write_file(dir + "/.pgsafe.toml", "template_placeholders = true\n");
  std::string file = "CREATE TABLE {{ .Schema }}.events (id bigint PRIMARY KEY, at timestamp);\n";
  write_file(dir + "/migrations/20240101000000_events.sql", file);
  auto r = run_pgsafe({"lint", "--select", "prefer-timestamptz,syntax-error", "--fix", "--fix-applied", "migrations"}, "", dir);
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir + "/migrations/20240101000000_events.sql") ==
        "CREATE TABLE {{ .Schema }}.events (id bigint PRIMARY KEY, at timestamptz);\n");
}
