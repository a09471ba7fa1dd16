#pragma once
// The applier as a library: every command is a function (options in, exit code out) so tests
// and the CLI call the same code. Exit codes are in applier/exit_codes.h.
#include <iosfwd>
#include <optional>
#include <set>
#include <string>

#include "applier/exit_codes.h"

namespace pgsafe::applier {

struct CommonOptions {
  std::optional<std::string> db;       // libpq URL or conninfo; default $DATABASE_URL, then PG* variables
  std::optional<std::string> dir;      // default: migrations_dir, supabase/migrations, migrations
  std::optional<std::string> config;   // default: nearest .pgsafe.toml
  std::string history_schema = "pgsafe";
  std::string format = "text";         // text | json
  double wait = 0;                     // retry an unreachable server this many seconds (--wait)
  int connect_timeout = 10;            // seconds, unless CONN sets connect_timeout
};

struct ApplyOptions : CommonOptions {
  bool dry_run = false;
  std::optional<std::string> env;          // e.g. production
  std::optional<std::string> approve;      // plan hash a human approved
  bool emergency = false;                  // skip approval; needs reason; logged
  std::optional<std::string> reason;
  // Who approved the plan, recorded with its hash (default: the operating-system user running
  // pgsafe). CI passes the person who approved the deployment.
  std::optional<std::string> approved_by;
  // Append a markdown summary of the run (the plan, its hash, what was applied, a failure with
  // its recovery steps) to this file, e.g. $GITHUB_STEP_SUMMARY.
  std::optional<std::string> summary_file;
  bool allow_out_of_order = false;
  bool allow_drift = false;                // apply although the database differs from the applied files
  std::optional<std::string> baseline;     // record versions <= this as present without running them
  double lock_wait = 60;                   // seconds to poll for the migration lock
  std::string lock_timeout = "10s";        // SET LOCAL lock_timeout for each file
  std::string statement_timeout = "1h";    // SET LOCAL statement_timeout for each file
  // Set by `pgsafe reset` only (no flag): the database was just emptied of what the migrations
  // made, so relations left in other schemas (a platform's auth or storage) are not migrations
  // applied without history.
  bool after_reset = false;
};

struct StatusOptions : CommonOptions {
  bool exit_code = false;  // exit 3 when anything is pending/modified/missing/out of order or drifted, 7 when running/failed
  bool drift = true;       // compare the schema with the applied migrations (pgsafe drift) and summarise
};

struct RepairOptions : CommonOptions {
  std::optional<std::string> accept_checksum;   // VERSION: record the file's current checksum
  std::optional<std::string> mark_applied;      // VERSION: record it as applied
  std::optional<std::string> mark_rolled_back;  // VERSION: forget it, so it runs again
  std::optional<std::string> reason;            // required
  double lock_wait = 60;
};

struct DriftOptions : CommonOptions {
  // Write a migration capturing the differences: a folder (named as the layout names files) or
  // exactly this file; an existing file is never overwritten.
  std::optional<std::string> emit_migration;
  // Count the pending local files as applied too: a difference they account for (a captured
  // hotfix waiting to be applied) is not drift. What `apply` itself checks before it runs.
  bool with_pending = false;
};

int run_apply(const ApplyOptions& opts, std::ostream& out, std::ostream& err);
// The database plan without applying anything: pending files, their transaction mode, their
// statements and what they touch, and the plan hash that `apply --approve` takes. Runs on a
// read-only session; this is what `apply --dry-run` prints and what `plan --db` should call.
int run_db_plan(const ApplyOptions& opts, std::ostream& out, std::ostream& err);
int run_status(const StatusOptions& opts, std::ostream& out, std::ostream& err);
// The versions a database has applied (or recorded by --baseline), read on a read-only session:
// `pgsafe lint --db` lints them as history. 0, or an exit code after printing why.
int applied_versions(const CommonOptions& opts, std::set<std::string>& versions, std::string& database,
                     std::ostream& err);
int run_repair(const RepairOptions& opts, std::ostream& out, std::ostream& err);
// The live schema against the catalog of the applied migrations (applier/drift.h): exit 0 no
// drift, 1 drift, 2 usage, 5 connection.
int run_drift(const DriftOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace pgsafe::applier
