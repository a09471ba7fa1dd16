#include "cli/subcommands.h"

#include "analyzer/suggest.h"

namespace pgsafe::cli {

std::string exit_codes_footer(std::string_view command) {
  if (command == "lint")
    return "Exit codes: 0 no finding at or above --fail-on (always with --exit-zero; with --write-baseline: "
           "recorded), 1 findings at or above --fail-on (with --diff: there are fixes to show), 2 usage, config, I/O or input error (unknown rule "
           "or option, missing path, unreadable, binary or non-UTF-8 file, a FIFO or device, a file changed while it was linted, a fix that could not be written). The exit code never depends on --format.";
  if (command == "lsp")
    return "Exit codes: 0 after the client's shutdown and exit, 1 exit without shutdown, or the client closed the "
           "connection (as the Language Server Protocol asks).";
  if (command == "rules") return "Exit codes: 0 listed, 2 usage error (unknown --format).";
  if (command == "explain") return "Exit codes: 0 explained, 2 unknown rule id (the closest one is suggested).";
  if (command == "docs")
    return "Exit codes: 0 pages written (or, with --check, up to date), 1 with --check: a page is out of date or "
           "documents no registered rule, 2 the output folder or a page cannot be written.";
  if (command == "plan")
    return "Exit codes without --db: 0 planned, 2 usage, config or input error (unknown path, file that cannot be "
           "read or parsed).\n"
           "With --db (the applier's codes, see docs/applier.md): 0 planned, 1 the lint gate refused a file, "
           "2 usage, config or input error (a connection string refused before connecting included), "
           "3 validation (checksum mismatch, applied file missing, out of order, database without history), 5 connection or authentication failed, 7 an interrupted non-transactional "
           "migration needs `pgsafe repair`.";
  if (command == "schema")
    return "Exit codes: 0 printed, 2 usage, config or input error (unknown --format, file that cannot be read or "
           "parsed).";
  if (command == "new")
    return "Exit codes: 0 written (with --dry-run: printed), 2 usage or input error (unknown pattern or option, a table "
           "or column the migrations lack, a value that is not one SQL expression or type, no migrations folder): nothing "
           "written, 3 a file could not be written (none is left behind).";
  if (command == "patterns")
    return "Exit codes: 0 listed or shown (docs: written, or with --check up to date), 1 with docs --check: a page is out "
           "of date; with docs: a page documents no pattern, 2 unknown pattern or action, or a page cannot be written.";
  if (command == "status")
    return "Exit codes: 0 shown (with --exit-code: everything applied), 2 usage or config error (a connection string "
           "refused before connecting included), 3 with --exit-code: "
           "something is pending, modified, missing or out of order, 5 connection or authentication failed, "
           "7 with --exit-code: a file needs `pgsafe repair`.";
  if (command == "drift")
    return "Exit codes: 0 no drift, 1 drift found, 2 usage, config or input error (an existing --emit-migration file "
           "included), 5 connection or authentication failed, or the catalog could not be read.";
  if (command == "repair")
    return "Exit codes: 0 repaired, 2 usage, config or input error (no --reason, not exactly one action, a connection "
           "string refused before connecting), 3 no history "
           "to repair, or the version is not in a state this repair applies to, 4 the migration lock was not free within --lock-wait, 5 connection, "
           "authentication or history query failed.";
  return {};
}

void add_exit_code_footers(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    // CLI11 gives a subcommand its parent's footer; one of its own (apply's) is kept.
    if (!sub->get_footer().empty() && sub->get_footer() != app.get_footer()) continue;
    std::string footer = exit_codes_footer(sub->get_name());
    if (!footer.empty()) sub->footer(footer);
  }
}

std::optional<std::string> unknown_subcommand(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  for (const auto& arg : args) {
    if (arg == "-h" || arg == "--help" || arg == "--version") continue;
    if (arg.empty() || arg[0] == '-') return std::nullopt;  // an option the top level lacks: CLI11 says so
    for (const auto& n : names)
      if (n == arg) return std::nullopt;
    // A connection string given first (`pgsafe "$DATABASE_URL"`) is not repeated: it may hold a password.
    if (arg.find("://") != std::string::npos || arg.find('@') != std::string::npos ||
        arg.find('=') != std::string::npos)
      return "unknown command: the first argument looks like a connection string (not repeated here); "
             "give it to apply, status, repair or plan as --db";
    return "unknown command '" + arg + "'" + did_you_mean(arg, names);
  }
  return std::nullopt;
}

}  // namespace pgsafe::cli
