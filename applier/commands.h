#pragma once
// The applier's subcommands for the pgsafe CLI: apply, status, repair. main() calls
// register_commands before parsing and dispatch after; dispatch returns true when one of
// these subcommands ran (its exit code in code).
#include "applier/applier.h"

namespace CLI { class App; }

namespace pgsafe::applier {

void register_commands(CLI::App& app);
bool dispatch(CLI::App& app, int& code);

// For a `pgsafe plan --db CONN` in cli/: fill ApplyOptions (db, dir, config, format, env,
// baseline, allow_out_of_order, history_schema) and call run_db_plan (see applier.h).
// It prints the pending files, their transaction mode, statements, and the plan hash.

}  // namespace pgsafe::applier
