#include "applier/commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "applier/conninfo.h"
#include "applier/session.h"

namespace pgsafe::applier {

namespace {

struct Args {
  ApplyOptions apply;
  StatusOptions status;
  RepairOptions repair;
  DriftOptions drift;
  CLI::App* drift_cmd = nullptr;
  CLI::App* apply_cmd = nullptr;
  CLI::App* status_cmd = nullptr;
  CLI::App* repair_cmd = nullptr;
};

Args& args() {
  static Args a;
  return a;
}

// A plain number of seconds, 0 to kMaxWaitSeconds, checked on the text before CLI11 converts it
// (which would take inf, nan, 1e300 and 0x10).
CLI::Validator seconds() {
  return CLI::Validator(
      [](std::string& s) {
        double v = 0;
        std::string why;
        return parse_seconds(s, kMaxWaitSeconds, v, why) ? std::string() : why;
      },
      "SECONDS");
}

void add_common(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--db", o.db, "libpq URL or conninfo (default: $DATABASE_URL, then PG* variables)");
  cmd->add_option("--dir", o.dir, "Migrations folder (default: migrations_dir, supabase/migrations, migrations)");
  cmd->add_option("--config,-c", o.config, "Config file (default: nearest .pgsafe.toml)");
  cmd->add_option("--history-schema", o.history_schema, "Schema of the history tables")->capture_default_str();
  cmd->add_option("--wait", o.wait, "Retry an unreachable or starting server for this many seconds (0 to 86400)")
      ->check(seconds());
  cmd->add_option("--connect-timeout", o.connect_timeout, "Seconds per connection attempt")->capture_default_str();
}

void register_drift(Args& a, CLI::App& app) {
  a.drift_cmd = app.add_subcommand("drift", "Compare the live schema with the applied migrations (changes made by hand)");
  add_common(a.drift_cmd, a.drift);
  a.drift_cmd->add_option("--format,-f", a.drift.format, "text or json")->capture_default_str();
  a.drift_cmd->add_option("--emit-migration", a.drift.emit_migration,
                          "Write a migration capturing the differences: a folder (next file of the layout) or a file path; "
                          "never overwrites");
  a.drift_cmd->footer(
      "Exit codes: 0 no drift, 1 drift found, 2 usage/config (an existing --emit-migration file included), "
      "5 connection/authentication or the catalog could not be read.");
}

}  // namespace

void register_commands(CLI::App& app) {
  Args& a = args();
  // CLI11 quotes an argument it did not expect (`pgsafe status postgresql://u:pw@h/db`, with
  // --db forgotten): its messages get the same redaction as the connection errors.
  app.failure_message(
      [](const CLI::App* from, const CLI::Error& e) { return redact(CLI::FailureMessage::simple(from, e), ""); });
  a.apply_cmd = app.add_subcommand("apply", "Apply pending migrations that pass the lint gate, in order, each once");
  auto* c = a.apply_cmd;
  add_common(c, a.apply);
  c->add_option("--format,-f", a.apply.format, "text or json")->capture_default_str();
  c->add_flag("--dry-run", a.apply.dry_run, "Validate and print the plan on a read-only session; change nothing");
  c->add_option("--env", a.apply.env, "Environment name; production requires --approve");
  c->add_option("--approve", a.apply.approve, "Plan hash a human approved (from --dry-run)");
  c->add_flag("--emergency", a.apply.emergency, "Apply in production without approval (needs --reason; logged)");
  c->add_option("--reason", a.apply.reason, "Why (for --emergency and --baseline; logged)");
  c->add_flag("--allow-out-of-order", a.apply.allow_out_of_order, "Apply pending files older than applied ones");
  c->add_flag("--allow-drift", a.apply.allow_drift,
              "Apply although the database differs from the applied migrations (pgsafe drift shows how)");
  c->add_option("--baseline", a.apply.baseline, "Record versions up to VERSION as already present (database without history)");
  c->add_option("--lock-wait", a.apply.lock_wait, "Seconds to wait for another applier's lock (0 to 86400)")
      ->capture_default_str()
      ->check(seconds());
  c->add_option("--lock-timeout", a.apply.lock_timeout, "lock_timeout for each file")->capture_default_str();
  c->add_option("--statement-timeout", a.apply.statement_timeout, "statement_timeout for each file")->capture_default_str();
  c->footer(
      "Exit codes: 0 done or nothing to do, 1 lint gate refused a file, 2 usage/config (a connection string "
      "refused before connecting included), 3 validation "
      "(checksum mismatch, missing or out-of-order file, database without history), 4 lock wait timed out, "
      "5 connection/authentication, 6 a migration failed and was rolled back, 7 a non-transactional migration "
      "was interrupted (repair needed), 8 approval required or wrong plan hash.");

  a.status_cmd = app.add_subcommand("status", "Show which migrations are applied, pending, modified or missing");
  add_common(a.status_cmd, a.status);
  a.status_cmd->add_option("--format,-f", a.status.format, "text or json")->capture_default_str();
  a.status_cmd->add_flag("--exit-code", a.status.exit_code,
                         "Exit 3 when anything is pending, modified, missing, out of order or drifted; 7 when a file needs repair");
  a.status_cmd->add_flag("!--no-drift", a.status.drift, "Skip the comparison of the schema with the applied migrations");

  a.repair_cmd = app.add_subcommand("repair", "Fix the history by hand, with a reason, in the audit log");
  add_common(a.repair_cmd, a.repair);
  auto* g = a.repair_cmd;
  g->add_option("--accept-checksum", a.repair.accept_checksum, "VERSION: accept the file's current checksum");
  g->add_option("--mark-applied", a.repair.mark_applied, "VERSION: record it as applied");
  g->add_option("--mark-rolled-back", a.repair.mark_rolled_back, "VERSION: remove it from the history (runs again)");
  g->add_option("--reason", a.repair.reason, "Why (required; logged)");
  g->add_option("--lock-wait", a.repair.lock_wait, "Seconds to wait for another applier's lock (0 to 86400)")
      ->capture_default_str()
      ->check(seconds());
  register_drift(a, app);
}

bool dispatch(CLI::App& app, int& code) {
  Args& a = args();
  if (a.apply_cmd && *a.apply_cmd) {
    code = run_apply(a.apply, std::cout, std::cerr);
    return true;
  }
  if (a.status_cmd && *a.status_cmd) {
    code = run_status(a.status, std::cout, std::cerr);
    return true;
  }
  if (a.drift_cmd && *a.drift_cmd) {
    code = run_drift(a.drift, std::cout, std::cerr);
    return true;
  }
  if (a.repair_cmd && *a.repair_cmd) {
    code = run_repair(a.repair, std::cout, std::cerr);
    return true;
  }
  return false;
}

}  // namespace pgsafe::applier
