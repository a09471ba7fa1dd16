// Rule options in .pgsafe.toml are held to what each rule declares: known names, the declared
// type, the allowed values; mistakes are config errors with file, line, column and a suggestion.
#include <catch2/catch.hpp>

#include "analyzer/config.h"
#include "analyzer/registry.h"
#include "analyzer/suggest.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;

namespace {
bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

std::vector<ConfigError> errors_of(const std::string& toml) {
  Config c;
  std::vector<ConfigError> errors;
  load_config_text(toml, "/p/.pgsafe.toml", c, errors);
  return errors;
}
}  // namespace

TEST_CASE("closest_name suggests near misses only", "[config][suggest]") {
  std::vector<std::string> commands{"lint", "rules", "explain", "docs", "plan", "schema", "apply", "status", "repair"};
  CHECK(closest_name("lnit", commands) == std::optional<std::string>("lint"));
  CHECK(closest_name("LINT", commands) == std::optional<std::string>("lint"));
  CHECK(closest_name("stauts", commands) == std::optional<std::string>("status"));
  CHECK(closest_name("frobnicate", commands) == std::nullopt);
  CHECK(closest_name("x", commands) == std::nullopt);
  CHECK(edit_distance("outsde-transaction", "outside-transaction") == 1);
}

TEST_CASE("a rule option outside its choices is an error with position and suggestion", "[config]") {
  auto e = errors_of("pg_version = 15\n[rules.prefer-robust-stmts]\nmode = \"outsde-transaction\"\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].file == "/p/.pgsafe.toml");
  CHECK(e[0].line == 3);
  CHECK(e[0].column == 8);
  CHECK(mentions(e[0].message, "option 'mode' of rule 'prefer-robust-stmts' cannot be 'outsde-transaction'"));
  CHECK(mentions(e[0].message, "outside-transaction, always"));
  CHECK(mentions(e[0].message, "did you mean 'outside-transaction'?"));

  // Both declared values are accepted and reach the rule's options.
  for (const char* mode : {"outside-transaction", "always"}) {
    Config c;
    std::vector<ConfigError> errors;
    INFO(mode);
    CHECK(load_config_text(std::string("[rules.prefer-robust-stmts]\nmode = \"") + mode + "\"\n", "x.toml", c, errors));
    CHECK(c.rules["prefer-robust-stmts"].options["mode"] == mode);
  }
}

TEST_CASE("rule options of the wrong type are errors", "[config]") {
  auto e = errors_of("[rules.prefer-robust-stmts]\nmode = 1\n"
                     "[rules.missing-grant]\nroles = \"authenticated\"\n"
                     "[rules.empty-migration]\ncheck_down_files = \"yes\"\n"
                     "[rules.require-lock-timeout]\nvalue = [\"5s\"]\n");
  REQUIRE(e.size() == 4);
  CHECK(e[0].line == 2);
  CHECK(mentions(e[0].message, "option 'mode' of rule 'prefer-robust-stmts' must be a string"));
  CHECK(e[1].line == 4);
  CHECK(mentions(e[1].message, "must be a list of strings"));
  CHECK(e[2].line == 6);
  CHECK(mentions(e[2].message, "must be true or false"));
  CHECK(e[3].line == 8);
  CHECK(mentions(e[3].message, "must be a string"));

  CHECK(errors_of("[rules.missing-grant]\nroles = [\"authenticated\", 3]\n").size() == 1);
  CHECK(errors_of("[rules.missing-grant]\nroles = [\"authenticated\", \"service_role\"]\n").empty());
}

TEST_CASE("unknown option names and rule ids suggest the closest known one", "[config]") {
  auto e = errors_of("[rules.missing-grant]\nrole = [\"authenticated\"]\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == 2);
  CHECK(e[0].column == 1);
  CHECK(mentions(e[0].message, "rule 'missing-grant' has no option 'role' (did you mean 'roles'?)"));

  e = errors_of("[rules.missing-grant]\nsevirity = \"error\"\n");
  REQUIRE(e.size() == 1);
  CHECK(mentions(e[0].message, "did you mean 'severity'?"));

  // Far from every option: the list of options instead.
  e = errors_of("[rules.missing-grant]\nschemas = [\"public\"]\n");
  REQUIRE(e.size() == 1);
  CHECK(mentions(e[0].message, "(options: severity, roles)"));

  e = errors_of("[rules.ban-drop-table]\nmode = \"always\"\n");
  REQUIRE(e.size() == 1);
  CHECK(mentions(e[0].message, "it takes only `severity`"));

  e = errors_of("[rules]\nban-drop-colum = \"warning\"\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].line == 2);
  CHECK(mentions(e[0].message, "unknown rule 'ban-drop-colum' (did you mean 'ban-drop-column'? see `pgsafe rules`)"));

  e = errors_of("[rules]\nban-drop-table = \"warn\"\n");
  REQUIRE(e.size() == 1);
  CHECK(mentions(e[0].message, "did you mean 'warning'?"));

  e = errors_of("pg_versoin = 15\n");
  REQUIRE(e.size() == 1);
  CHECK(mentions(e[0].message, "unknown key 'pg_versoin' (did you mean 'pg_version'?)"));
}

TEST_CASE("every declared option has a known type and its default among its choices", "[config][meta]") {
  for (const RuleDef* def : all_rules()) {
    for (const auto& o : meta_of(*def).options) {
      INFO(meta_of(*def).id << " option " << o.name);
      CHECK((o.type == "string" || o.type == "bool" || o.type == "integer" || o.type == "string-list" ||
             o.type == "duration"));
      if (o.choices.empty()) continue;
      // The default, as TOML, must itself pass validation.
      Config c;
      std::vector<ConfigError> errors;
      std::string toml = "[rules." + std::string(meta_of(*def).id) + "]\n" + std::string(o.name) + " = " +
                         std::string(o.default_value) + "\n";
      CHECK(load_config_text(toml, "x.toml", c, errors));
    }
  }
}

TEST_CASE("the CLI reports option mistakes with file, line and column, exit 2", "[config][cli]") {
  std::string dir = temp_dir("badopt");
  write_file(dir + "/.pgsafe.toml", "[rules.prefer-robust-stmts]\nmode = \"outsde-transaction\"\n");
  write_file(dir + "/migrations/20240101000000_init.sql", "CREATE TABLE t (id bigint PRIMARY KEY);\n");
  auto r = run_pgsafe({"lint", "migrations"}, "", dir);
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, ".pgsafe.toml:2:8: option 'mode' of rule 'prefer-robust-stmts' cannot be 'outsde-transaction'"));
  CHECK(mentions(r.err, "did you mean 'outside-transaction'?"));
}

TEST_CASE("unknown rule ids on the command line and in explain suggest the closest", "[config][cli]") {
  auto r = run_pgsafe({"lint", "--select", "ban-drop-tabel", "testdata"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "unknown rule 'ban-drop-tabel' (did you mean 'ban-drop-table'?"));
  r = run_pgsafe({"lint", "--ignore", "prefer-robust-stmt", "testdata"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "did you mean 'prefer-robust-stmts'?"));
  r = run_pgsafe({"explain", "ban-drop-colunm"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "unknown rule 'ban-drop-colunm' (did you mean 'ban-drop-column'?"));
  // Nothing close: no suggestion, still the pointer to the list.
  r = run_pgsafe({"explain", "zzzzzzzzzzzz"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "unknown rule 'zzzzzzzzzzzz' (see `pgsafe rules`)"));
}

TEST_CASE("rules --format json lists option choices", "[config][cli]") {
  auto r = run_pgsafe({"rules", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(mentions(r.out, "\"choices\""));
  CHECK(mentions(r.out, "\"outside-transaction\""));
}
