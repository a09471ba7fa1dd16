// The top level of the CLI: an unknown subcommand names itself and suggests the closest, and
// every subcommand's --help lists its own exit codes.
#include <catch2/catch.hpp>

#include "cli/subcommands.h"
#include "tests/support.h"

using namespace pgsafe::test;

namespace {
bool mentions(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }
}  // namespace

TEST_CASE("an unknown subcommand is named, with the closest one suggested", "[cli][subcommand]") {
  auto r = run_pgsafe({"lnit", "migrations"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "pgsafe: unknown command 'lnit' (did you mean 'lint'?)"));
  CHECK(r.out.empty());

  r = run_pgsafe({"--color", "never"});  // an unknown top-level option stays CLI11's usage error
  CHECK(r.exit_code == 2);
  CHECK_FALSE(mentions(r.err, "unknown command"));

  r = run_pgsafe({"frobnicate"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "pgsafe: unknown command 'frobnicate'"));
  CHECK_FALSE(mentions(r.err, "did you mean"));

  r = run_pgsafe({"explian", "ban-drop-table"});
  CHECK(r.exit_code == 2);
  CHECK(mentions(r.err, "(did you mean 'explain'?)"));
}

TEST_CASE("unknown_subcommand looks at the first word only", "[cli][subcommand]") {
  CLI::App app{"t", "pgsafe"};
  app.add_subcommand("lint", "");
  app.add_subcommand("plan", "");
  using V = std::vector<std::string>;
  CHECK_FALSE(pgsafe::cli::unknown_subcommand(app, V{"lint", "lnit"}));
  CHECK_FALSE(pgsafe::cli::unknown_subcommand(app, V{"--version"}));
  CHECK_FALSE(pgsafe::cli::unknown_subcommand(app, V{}));
  CHECK(pgsafe::cli::unknown_subcommand(app, V{"--help", "pln"}) ==
        std::optional<std::string>("unknown command 'pln' (did you mean 'plan'?)"));
}

TEST_CASE("each subcommand's --help lists its exit codes", "[cli][subcommand]") {
  for (const char* cmd : {"lint", "rules", "explain", "docs", "plan", "schema"}) {
    INFO(cmd);
    auto r = run_pgsafe({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(mentions(r.out, "Exit codes"));
    CHECK(mentions(r.out, "0 "));
    CHECK(mentions(r.out, "2 "));
  }
  CHECK(mentions(run_pgsafe({"lint", "--help"}).out, "1 findings at or above --fail-on"));
  CHECK(mentions(run_pgsafe({"docs", "--help"}).out, "1 with --check"));
  CHECK(mentions(run_pgsafe({"plan", "--help"}).out, "With --db"));
  // The applier's commands, when this build has them.
  auto top = run_pgsafe({"--help"});
  for (const char* cmd : {"apply", "status", "repair"}) {
    if (!mentions(top.out, std::string("  ") + cmd)) continue;
    INFO(cmd);
    auto r = run_pgsafe({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(mentions(r.out, "Exit codes"));
  }
  for (const char* cmd : {"lint", "rules", "explain", "docs", "plan", "schema", "status", "repair"})
    CHECK_FALSE(pgsafe::cli::exit_codes_footer(cmd).empty());
}
