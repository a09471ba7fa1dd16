// pgsafe: a safety linter (and careful applier) for PostgreSQL migrations.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/catalog_commands.h"
#include "cli/commands.h"
#include "cli/subcommands.h"
#include "lsp/server.h"
#include "parser/parser.h"

#ifdef PGSAFE_WITH_APPLIER
#include "applier/commands.h"
#else
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>
#endif

using namespace pgsafe::cli;

#ifndef PGSAFE_WITH_APPLIER
namespace {

// The linter is built without libpq (it starts several times faster without the ~30 libraries
// libpq loads). The applier's commands run in pgsafe-apply, the same CLI built with the applier:
// pgsafe execs it with the arguments unchanged, so output, exit codes, environment, stdin and
// process id are the applier's own. --help still lists these commands; the descriptions must
// match applier/commands.cpp (tests/binaries_test.cpp compares both binaries' --help).
struct ApplierCommand {
  const char* name;
  const char* description;
};
constexpr ApplierCommand kApplierCommands[] = {
    {"apply", "Apply pending migrations that pass the lint gate, in order, each once"},
    {"status", "Show which migrations are applied, pending, modified or missing"},
    {"repair", "Fix the history by hand, with a reason, in the audit log"},
    {"drift", "Compare the live schema with the applied migrations (changes made by hand)"},
    {"dev", "Run the project's local PostgreSQL (start, stop, status, url, destroy)"},
    {"reset", "Rebuild a local database: drop what the migrations made, apply them all, load kept rows and seeds"},
    {"seed", "Load a seed profile, or rows generated from the schema, into a local database"},
};
constexpr const char* kApplierExecutable = "pgsafe-apply";

// The command word is the first argument that is not an option (the top level takes no option
// with a value). plan and lint run here unless they are given a database (--db).
bool needs_applier(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "-h" || arg == "--help" || arg == "--version") return false;  // the top level's own answer
    if (!arg.empty() && arg[0] == '-') continue;
    for (const auto& c : kApplierCommands)
      if (arg == c.name) return true;
    if (arg != "plan" && arg != "lint") return false;
    for (int j = i + 1; j < argc; ++j) {
      std::string_view opt = argv[j];
      if (opt == "--") return false;
      if (opt == "--db" || opt.starts_with("--db=")) return true;
    }
    return false;
  }
  return false;
}

// Exec pgsafe-apply: first the one beside this executable, then one on PATH (absolute entries
// only: never the working directory). Returns only when none could be run, with an exit code.
int hand_over_to_applier(int argc, char** argv) {
  std::vector<std::string> tried;
  auto try_exec = [&](const std::filesystem::path& candidate) {
    std::vector<char*> args(argv, argv + argc);
    std::string program = candidate.string();
    args[0] = program.data();
    args.push_back(nullptr);
    execv(program.c_str(), args.data());
    tried.push_back(program + " (" + std::strerror(errno) + ")");
  };
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) try_exec(self.parent_path() / kApplierExecutable);
  else tried.push_back(std::string("the folder of this executable (/proc/self/exe: ") + ec.message() + ")");
  bool path_has_one = false;
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (true) {
      auto colon = rest.find(':');
      std::string_view dir = rest.substr(0, colon);
      if (!dir.empty() && dir[0] == '/') {
        auto candidate = std::filesystem::path(dir) / kApplierExecutable;
        if (access(candidate.c_str(), F_OK) == 0) {
          path_has_one = true;
          try_exec(candidate);
        }
      }
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::cerr << "pgsafe: error: this command needs pgsafe's applier, " << kApplierExecutable
            << ", which could not be run.\n  Looked for it in:";
  for (const auto& t : tried) std::cerr << "\n    " << t;
  if (!path_has_one) std::cerr << "\n    the folders on PATH (none has " << kApplierExecutable << ")";
  std::cerr << "\n  Install " << kApplierExecutable << " beside pgsafe (the build makes both: cmake --build "
            << "<build dir> --target " << kApplierExecutable << ").\n";
  return exit_code::kUsage;
}

}  // namespace
#endif

int main(int argc, char** argv) {
#ifndef PGSAFE_WITH_APPLIER
  // Before CLI11 parses, so `pgsafe apply --help` shows the applier's real options.
  if (needs_applier(argc, argv)) return hand_over_to_applier(argc, argv);
#endif
  CLI::App app{"pgsafe: catch dangerous PostgreSQL migrations before they reach production", "pgsafe"};
  app.set_version_flag("--version", std::string("pgsafe ") + PGSAFE_VERSION + " (PostgreSQL " +
                                        pgsafe::parser::postgres_grammar_version() + " grammar)");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  pgsafe lint supabase/migrations/                 lint every migration\n"
      "  pgsafe lint --migrations-dir migrations/ migrations/20260101120000_add_email.sql\n"
      "                                                   lint one new file against its history\n"
      "  pgsafe lint --format sarif migrations/ > pgsafe.sarif\n"
      "  pgsafe explain ban-drop-column                   why a rule fires and what to do instead\n"
      "\nExit codes: 0 clean, 1 findings at or above --fail-on, 2 usage/config/input error "
      "(each command's --help lists its own).");

  LintArgs lint;
  auto* lint_cmd = app.add_subcommand("lint", "Check migration files for dangerous operations");
  lint_cmd->add_option("paths", lint.paths, "Files, directories, globs, or - for stdin (default: migrations_dir)");
  lint_cmd->add_option("--format,-f", lint.format,
                       "Output on stdout: text, concise, json, sarif, github (annotations), markdown (a PR comment "
                       "or job summary) or gitlab (Code Quality)")
      ->capture_default_str();
  lint_cmd->add_option("--report", lint.reports,
                       "Also write a report to a file, FORMAT=PATH (repeatable), e.g. --report sarif=pgsafe.sarif "
                       "--report markdown=summary.md; any --format word, text without colour")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  lint_cmd->add_option("--link-base", lint.link_base,
                       "Markdown: link findings to URL/<repository path>#L<line> (default in GitHub Actions: "
                       "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA)");
  lint_cmd->add_option("--config,-c", lint.config, "Config file (default: nearest .pgsafe.toml)");
  // One value per flag (repeatable, or comma-separated), so paths after it stay paths.
  lint_cmd->add_option("--select", lint.select, "Only these rules (comma-separated; opt-in rules included)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  lint_cmd->add_option("--ignore", lint.ignore, "Never these rules (comma-separated)")
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  lint_cmd->add_option("--fail-on", lint.fail_on, "Lowest severity that fails: error, warning or info")->capture_default_str();
  lint_cmd->add_flag("--exit-zero", lint.exit_zero, "Exit 0 even when findings are reported");
  lint_cmd->add_option("--pg-version", lint.pg_version, "Target PostgreSQL major version, 13 to 18 (default 17): lock and rewrite semantics");
  // Two plain flags: CLI11 would give an optional<bool> flag a value even when neither is given.
  bool assume_tx = false, no_assume_tx = false;
  lint_cmd->add_flag("--assume-in-transaction", assume_tx,
                     "Each file runs in a transaction (the default: pgsafe's applier wraps each file)");
  lint_cmd->add_flag("--no-assume-in-transaction", no_assume_tx,
                     "Files run statement by statement, outside a transaction (another applier)")
      ->excludes("--assume-in-transaction");
  lint_cmd->add_option("--migrations-dir", lint.migrations_dir, "Earlier migrations to replay as history (not reported)");
  lint_cmd->add_option("--stdin-filename", lint.stdin_filename, "File name for input read from stdin (-)");
  lint_cmd->add_option("--layout", lint.layout, "Migration layout: auto, timestamp, prisma, diesel, golang-migrate, flyway, drizzle");
  lint_cmd->add_option("--color", lint.color, "auto, always or never")->capture_default_str();
  lint_cmd->add_flag("--sarif-include-suppressed", lint.sarif_include_suppressed, "Keep suppressed findings in SARIF");
  lint_cmd->add_flag("--quiet,-q", lint.quiet, "No summary line on stderr");
  lint_cmd->add_option("-j,--jobs", lint.jobs, "Parallel jobs (default: the CPUs this process may use: its CPU affinity and cgroup quota; fewer when threads cannot be started)");
  lint_cmd->add_flag("--fix", lint.fix, "Apply the fixes of findings that have one (safe ones only), rewriting the files");
  lint_cmd->add_flag("--fix-applied", lint.fix_applied,
                     "With --fix or --diff: also rewrite files that may already be applied (committed on the default "
                     "branch); an edited applied migration fails its checksum and never runs again");
  lint_cmd->add_option("--db", lint.db,
                       "Judge only the files this database has not applied; applied ones are history (pgsafe-apply). "
                       "--db "" (empty) uses $DATABASE_URL, then PG* variables");
  lint_cmd->add_option("--history-schema", lint.history_schema, "With --db: schema of pgsafe's history tables")
      ->capture_default_str();
  lint_cmd->add_flag("--unsafe-fixes", lint.unsafe_fixes, "With --fix or --diff: also apply fixes not marked safe");
  lint_cmd->add_flag("--diff", lint.diff, "Print the fixes as a unified diff instead of writing them");
  lint_cmd->add_flag("--fix-force", lint.fix_force,
                     "With --fix: also rewrite a migration that is a symbolic link (its target is written, the link "
                     "kept), has other hard links (they keep the old text), is read-only, or whose owner cannot be kept");
  lint_cmd->add_option("--baseline", lint.baseline, "Report only findings not recorded in this baseline file");
  lint_cmd->add_option("--write-baseline", lint.write_baseline, "Record today's findings in this file (and report none)");
  lint_cmd->add_flag("--staged", lint.staged,
                     "Read files and history from the git index (automatic in a git hook), not the work tree");
  lint_cmd->add_flag("--no-cache", lint.no_cache,
                     "Replay the history from its files, neither reading nor writing the history cache "
                     "(.pgsafe/cache/); results are the same either way");

  bool lsp_stdio = false;
  auto* lsp_cmd = app.add_subcommand("lsp", "Run the language server for editors (LSP over stdin/stdout; see docs/lsp.md)");
  lsp_cmd->add_flag("--stdio", lsp_stdio, "Talk over stdin/stdout (the only transport; accepted for clients that pass it)");

  std::string rules_format = "text";
  auto* rules_cmd = app.add_subcommand("rules", "List every rule with its category and default");
  rules_cmd->add_option("--format,-f", rules_format, "text or json")->capture_default_str();

  std::string explain_id;
  auto* explain_cmd = app.add_subcommand("explain", "Explain a rule: the risk, the lock, the safe recipe");
  explain_cmd->add_option("rule", explain_id, "Rule id, e.g. ban-drop-column")->required();

  std::string docs_dir = "docs/rules";
  bool docs_check = false;
  auto* docs_cmd = app.add_subcommand("docs", "Generate docs/rules/<id>.md from rule metadata");
  docs_cmd->add_option("--out", docs_dir, "Output directory")->capture_default_str();
  docs_cmd->add_flag("--check", docs_check, "Exit 1 if any page is out of date instead of writing");

  PlanArgs plan;
  auto* plan_cmd = add_plan_command(app, plan);
  SchemaArgs schema;
  auto* schema_cmd = add_schema_command(app, schema);
  RollbackArgs rollback;
  auto* rollback_cmd = add_rollback_command(app, rollback);
  NewArgs new_args;
  auto* new_cmd = add_new_command(app, new_args);
  PatternsArgs patterns_args;
  auto* patterns_cmd = add_patterns_command(app, patterns_args);
  InitArgs init_args;
  auto* init_cmd = add_init_command(app, init_args);

#ifdef PGSAFE_WITH_APPLIER
  pgsafe::applier::register_commands(app);
#else
  // Listed by --help only: needs_applier() hands these over before CLI11 parses.
  for (const auto& c : kApplierCommands) app.add_subcommand(c.name, c.description)->allow_extras();
#endif

  add_exit_code_footers(app);
  if (auto unknown = unknown_subcommand(app, std::vector<std::string>(argv + 1, argv + argc))) {
    std::cerr << "pgsafe: " << *unknown << "\nRun `pgsafe --help` for the list of commands.\n";
    return exit_code::kUsage;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? exit_code::kOk : exit_code::kUsage;
  }
  try {
    if (*lint_cmd) {
      if (assume_tx) lint.assume_in_transaction = true;
      if (no_assume_tx) lint.assume_in_transaction = false;
      if (lint.db) {
#ifdef PGSAFE_WITH_APPLIER
        pgsafe::applier::CommonOptions o;
        o.db = lint.db->empty() ? std::nullopt : lint.db;  // --db "": $DATABASE_URL, then PG*
        o.history_schema = lint.history_schema;
        std::set<std::string> applied;
        if (int code = pgsafe::applier::applied_versions(o, applied, lint.applied_database, std::cerr)) return code;
        lint.applied_versions = std::move(applied);
#else
        return hand_over_to_applier(argc, argv);  // needs_applier() already does; kept as a backstop
#endif
      }
      return run_lint(lint, std::cin, std::cout, std::cerr);
    }
    if (*lsp_cmd) return pgsafe::lsp::run_stdio();
    if (*rules_cmd) return run_rules(rules_format, std::cout, std::cerr);
    if (*explain_cmd) return run_explain(explain_id, std::cout, std::cerr);
    if (*docs_cmd) return run_docs(docs_dir, docs_check, std::cout, std::cerr);
    if (*init_cmd) return run_init(init_args, std::cout, std::cerr);
    if (*plan_cmd) {
      if (plan.db) {
#ifdef PGSAFE_WITH_APPLIER
        pgsafe::applier::ApplyOptions o;
        o.db = plan.db->empty() ? std::nullopt : plan.db;  // --db "": $DATABASE_URL, then PG*
        o.dir = plan.dir ? plan.dir : (plan.paths.size() == 1 ? std::optional<std::string>(plan.paths[0]) : std::nullopt);
        o.config = plan.config;
        o.env = plan.env;
        o.format = plan.format;
        o.history_schema = plan.history_schema;
        o.allow_drift = plan.allow_drift;
        o.summary_file = plan.summary_file;
        return pgsafe::applier::run_db_plan(o, std::cout, std::cerr);
#else
        return hand_over_to_applier(argc, argv);  // needs_applier() already does; kept as a backstop
#endif
      }
      if (plan.summary_file) {
        std::cerr << "pgsafe: error: --summary-file goes with --db (the plan against a database and its hash)\n";
        return exit_code::kUsage;
      }
      return run_plan(plan, std::cout, std::cerr);
    }
    if (*schema_cmd) return run_schema(schema, std::cout, std::cerr);
    if (*rollback_cmd) return run_rollback(rollback, std::cout, std::cerr);
    if (*new_cmd) return run_new(new_args, std::cout, std::cerr);
    if (*patterns_cmd) return run_patterns(patterns_args, std::cout, std::cerr);
#ifdef PGSAFE_WITH_APPLIER
    if (int code; pgsafe::applier::dispatch(app, code)) return code;
#endif
  } catch (const std::exception& e) {
    std::cerr << "pgsafe: internal error: " << e.what() << "\n";
    return exit_code::kUsage;
  }
  return exit_code::kUsage;
}
