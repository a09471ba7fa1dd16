// Every fix is tested as a round trip over every bad fixture that offers one: apply the fixes,
// re-parse, re-lint with the fixture's options plus every default rule: the fixed findings are
// gone, nothing new appears and the file still parses.
#include <catch2/catch.hpp>

#include <map>

#include "analyzer/fix.h"
#include "tests/fixtures.h"
#include "tests/support.h"

using namespace pgsafe;
using namespace pgsafe::test;

namespace {

std::map<std::string, int> active_by_rule(const LintResult& r, const std::string& file) {
  std::map<std::string, int> m;
  for (const auto& d : r.diagnostics)
    if (!d.suppression && d.file == file) ++m[d.rule];
  return m;
}

}  // namespace

TEST_CASE("fixes round-trip: applied, re-parsed, re-linted", "[fix]") {
  size_t fixtures_with_fixes = 0;
  for (const auto& fx : all_fixtures()) {
    if (!fx.bad || fx.rule.empty()) continue;
    LintOptions opts;
    std::string cfg_error;
    REQUIRE(fixture_options(fx, opts, cfg_error));
    auto inputs = fixture_inputs(fx);
    LintResult before = lint_memory(inputs, opts);
    bool any_fix = false;
    for (const auto& d : before.diagnostics) any_fix = any_fix || (d.fix && !d.suppression);
    if (!any_fix) continue;
    ++fixtures_with_fixes;
    INFO("fixture " << fx.path << "\nbefore:\n" << golden_lines(before));
    for (auto& [path, text] : inputs) {
      std::vector<const Diagnostic*> mine;
      for (const auto& d : before.diagnostics)
        if (d.file == path) mine.push_back(&d);
      FixResult fr = apply_fixes(text, mine, /*include_unsafe=*/true);
      if (fr.applied == 0) continue;
      std::map<std::string, int> fixed_count;
      for (const auto& r : fr.rules) ++fixed_count[r];
      std::string fixed_text = fr.text;

      // The fixed file, alone, with the fixture's rules and with every default rule.
      for (bool all_defaults : {false, true}) {
        LintOptions o = opts;
        if (all_defaults) o.select.clear();
        std::vector<std::pair<std::string, std::string>> a = inputs, b = inputs;
        for (auto& [p, t] : b)
          if (p == path) t = fixed_text;
        LintResult r0 = lint_memory(a, o);
        LintResult r1 = lint_memory(b, o);
        INFO("file " << path << (all_defaults ? " (all default rules)" : "") << "\nfixed text:\n" << fixed_text
                     << "\nafter:\n" << golden_lines(r1));
        auto m0 = active_by_rule(r0, path), m1 = active_by_rule(r1, path);
        CHECK(m1["syntax-error"] == 0);
        // A fix that moves the file outside the applier's transaction (CONCURRENTLY needs that)
        // makes idempotency matter: prefer-robust-stmts checks only such files by default.
        bool left_transaction = fixed_text.find("CONCURRENTLY") != std::string::npos ||
                                fixed_text.find("-- pgsafe:no-transaction") != std::string::npos;
        for (const auto& [rule, n] : m1) {
          INFO("rule " << rule);
          if (left_transaction && rule == "prefer-robust-stmts") continue;
          // The fixed findings are gone; nothing new appears.
          CHECK(n <= m0[rule] - fixed_count[rule]);
        }
      }
    }
  }
  // Rules with fixes exist; if none of their fixtures offered one, the test proved nothing.
  CHECK(fixtures_with_fixes > 0);
}

TEST_CASE("apply_fixes skips conflicting edits and unsafe fixes unless asked", "[fix]") {
  std::string text = "CREATE INDEX i ON t (c);\n";
  Diagnostic a, b, c;
  a.rule = "one";
  a.fix = Fix{"insert", true, {Edit{Range{{1, 7, 6}, {1, 7, 6}}, " UNIQUE"}}};
  b.rule = "two";
  b.fix = Fix{"same point", true, {Edit{Range{{1, 7, 6}, {1, 7, 6}}, " X"}}};
  c.rule = "three";
  c.fix = Fix{"unsafe", false, {Edit{Range{{1, 13, 12}, {1, 13, 12}}, " CONCURRENTLY"}}};
  FixResult r = apply_fixes(text, {&a, &b, &c}, false);
  CHECK(r.applied == 1);
  CHECK(r.text == "CREATE UNIQUE INDEX i ON t (c);\n");
  FixResult u = apply_fixes(text, {&a, &c}, true);
  CHECK(u.applied == 2);
  CHECK(u.text == "CREATE UNIQUE INDEX CONCURRENTLY i ON t (c);\n");
}

TEST_CASE("unified diff of a fix", "[fix]") {
  std::string before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  std::string after = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\n";
  CHECK(unified_diff("m.sql", before, after) ==
        "--- a/m.sql\n+++ b/m.sql\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n");
  CHECK(unified_diff("m.sql", before, before).empty());
}

TEST_CASE("--fix rewrites files and --diff only prints", "[fix][cli]") {
  std::string dir = temp_dir("fix");
  std::string file = dir + "/20240101000000_a.sql";
  std::string text = "CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);\n";
  write_file(file, text);
  auto d = run_pgsafe({"lint", "--select", "prefer-timestamptz", "--diff", file});
  CHECK(d.exit_code == 1);
  CHECK(d.out.find("+CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);") != std::string::npos);
  CHECK(read_file(file) == text);
  auto f = run_pgsafe({"lint", "--select", "prefer-timestamptz", "--fix", "--fix-applied", file});
  CHECK(f.exit_code == 0);
  CHECK(read_file(file) == "CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);\n");
}
