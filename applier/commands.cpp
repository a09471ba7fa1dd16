#include "applier/commands.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "applier/conninfo.h"
#include "applier/devdata.h"
#include "applier/devserver.h"
#include "applier/session.h"

namespace pgsafe::applier {

namespace {

struct Args {
  ApplyOptions apply;
  StatusOptions status;
  RepairOptions repair;
  DriftOptions drift;
  dev::DevOptions dev;
  ResetOptions reset;
  SeedOptions seed;
  std::string reset_seed_profile;
  std::string keep_tables;
  uint64_t generate_rows = 0;
  std::string seed_tables;
  CLI::App* dev_cmd = nullptr;
  std::vector<CLI::App*> dev_actions;
  CLI::App* reset_cmd = nullptr;
  CLI::Option* keep_opt = nullptr;
  CLI::Option* reset_seed_opt = nullptr;
  CLI::App* seed_cmd = nullptr;
  CLI::Option* generate_opt = nullptr;
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
  cmd->add_option("--db", o.db, "libpq URL or conninfo (default: $DATABASE_URL, then the project's dev server, then PG* variables)");
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
  a.drift_cmd->add_flag("--with-pending", a.drift.with_pending,
                        "Differences the pending files account for (a captured hotfix not yet applied) are not drift, "
                        "as apply judges them (for a CI check before apply)");
  a.drift_cmd->footer(
      "Exit codes: 0 no drift, 1 drift found, 2 usage/config (an existing --emit-migration file included), "
      "5 connection/authentication or the catalog could not be read.");
}

std::vector<std::string> comma_list(const std::string& s) {
  std::vector<std::string> out;
  std::string item;
  for (char c : s) {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

void register_dev(Args& a, CLI::App& app) {
  a.dev_cmd = app.add_subcommand("dev", "Run the project's local PostgreSQL (start, stop, status, url, destroy)");
  a.dev_cmd->require_subcommand(1);
  a.dev_cmd->add_option("--config,-c", a.dev.config, "Config file (its folder is the project; default: nearest .pgsafe.toml)");
  struct Action {
    const char* name;
    const char* help;
  };
  for (Action act : {Action{"start", "Create (the first time) and start the dev server; prints its URL"},
                     Action{"stop", "Stop the dev server (fast shutdown); its data stays"},
                     Action{"status", "Whether the dev server runs, its port, data size and migrations applied"},
                     Action{"url", "Print the dev server's URL only (export DATABASE_URL=$(pgsafe dev url))"},
                     Action{"destroy", "Stop the dev server and delete its data"}}) {
    CLI::App* sub = a.dev_cmd->add_subcommand(act.name, act.help);
    sub->callback([&a, name = std::string(act.name)] { a.dev.action = name; });
    if (std::string(act.name) == "status") sub->add_option("--format,-f", a.dev.format, "text or json")->capture_default_str();
    if (std::string(act.name) == "url") sub->add_flag("--tcp", a.dev.tcp, "The localhost TCP URL with the generated password");
    if (std::string(act.name) == "destroy") sub->add_flag("--yes,-y", a.dev.yes, "Do not ask");
    a.dev_actions.push_back(sub);
  }
  a.dev_cmd->footer("Exit codes: 0 done (status: running), 2 usage, 3 status/url: not running, 5 the server could not be "
                    "made, started or stopped.");
}

void register_reset(Args& a, CLI::App& app) {
  a.reset_cmd = app.add_subcommand(
      "reset", "Rebuild a local database: drop what the migrations made, apply them all, load kept rows and seeds");
  add_common(a.reset_cmd, a.reset);
  a.reset_seed_opt = a.reset_cmd->add_option("--seed", a.reset_seed_profile,
                                             "Seed profile to load after the migrations: dev (default), test, none, or "
                                             "another [seeds] profile");
  a.keep_opt = a.reset_cmd
                   ->add_option("--keep-data", a.keep_tables,
                                "Keep the rows (of every table, or of TABLE,...) and load them back after the migrations")
                   ->expected(0, 1);
  a.reset_cmd->add_flag("--yes,-y", a.reset.yes, "Do not ask (required when stdin is not a terminal)");
  a.reset_cmd->add_option("--lock-wait", a.reset.lock_wait, "Seconds to wait for another applier's lock (0 to 86400)")
      ->capture_default_str()
      ->check(seconds());
  a.reset_cmd->footer(
      "Refuses a database that is not local (not a Unix socket, localhost, 127.0.0.1 or ::1) or is tagged as anything "
      "but local, dev or test, whatever the flags.\nExit codes: 0 done, 1 lint gate refused a migration or a seed, 2 usage, "
      "4 lock wait timed out, 5 connection, 6 a migration or the seed failed, 9 not a local development database.");
}

void register_seed(Args& a, CLI::App& app) {
  a.seed_cmd = app.add_subcommand("seed", "Load a seed profile, or rows generated from the schema, into a local database");
  add_common(a.seed_cmd, a.seed);
  a.seed_cmd->add_option("--profile", a.seed.profile, "Seed profile: dev (default), test, or another [seeds] profile");
  a.generate_opt = a.seed_cmd->add_option("--generate", a.generate_rows, "Generate N rows per table from the schema")
                       ->check(CLI::Range(uint64_t{1}, uint64_t{10000000}));
  a.seed_cmd->add_option("--table", a.seed_tables, "With --generate: only these tables (T,...)");
  a.seed_cmd->add_option("--seed", a.seed.seed, "With --generate: the random seed (same seed, same rows)")->capture_default_str();
  a.seed_cmd->add_option("--out", a.seed.out, "With --generate: write the SQL to FILE (- for stdout) instead of loading it");
  a.seed_cmd->add_option("--format,-f", a.seed.format, "text or json")->capture_default_str();
  a.seed_cmd->footer(
      "Loads only into a local development database (exit 9 otherwise).\nExit codes: 0 done, 1 lint refused a seed file, "
      "2 usage, 5 connection, 6 the seed (or a generated table) failed and was rolled back, 9 not local.");
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
  c->add_option("--approved-by", a.apply.approved_by,
                "With --approve: who approved the plan, recorded with its hash (default: the OS user)");
  c->add_option("--summary-file", a.apply.summary_file,
                "Append a markdown summary of the run to FILE (e.g. $GITHUB_STEP_SUMMARY)");
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
  register_dev(a, app);
  register_reset(a, app);
  register_seed(a, app);
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
  if (a.dev_cmd && *a.dev_cmd) {
    code = dev::run_dev(a.dev, std::cout, std::cerr);
    return true;
  }
  if (a.reset_cmd && *a.reset_cmd) {
    if (a.reset_seed_opt->count()) a.reset.seed = a.reset_seed_profile;
    a.reset.keep_data = a.keep_opt->count() > 0;
    a.reset.keep_tables = comma_list(a.keep_tables);
    code = run_reset(a.reset, std::cout, std::cerr);
    return true;
  }
  if (a.seed_cmd && *a.seed_cmd) {
    if (a.generate_opt->count()) a.seed.generate = static_cast<size_t>(a.generate_rows);
    a.seed.tables = comma_list(a.seed_tables);
    code = run_seed(a.seed, std::cout, std::cerr);
    return true;
  }
  if (a.repair_cmd && *a.repair_cmd) {
    code = run_repair(a.repair, std::cout, std::cerr);
    return true;
  }
  return false;
}

}  // namespace pgsafe::applier
