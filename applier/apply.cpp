// pgsafe apply: lint gate, connect, lock, validate, approve, then each pending file in order,
// each statement as its own command, inside one transaction per file unless the file cannot
// run in one. Every step that can fail stops the run with an exit code naming the kind of
// failure; nothing is ever applied without the user's explicit command.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "applier/applier.h"
#include "applier/drift.h"
#include "applier/hints.h"
#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/lock.h"
#include "applier/recovery.h"
#include "applier/run_summary.h"
#include "applier/session.h"
#include "applier/state.h"

namespace pgsafe::applier {

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

struct FileOutcome {
  const LocalMigration* m = nullptr;
  std::string status;  // applied | failed | interrupted | would-apply | baseline | would-baseline
  long long duration_ms = 0;
  json error;          // null, or {sqlstate, condition, message, detail, hint, fix, line, column, statement}
};

// The steps as the failure output prints them.
std::string steps_text(const std::vector<std::string>& steps) { return "\n  next:\n" + numbered_steps(steps, "    "); }

// The steps on one line, for the JSON problems list ("1. ...; 2. ...").
std::string steps_line(const std::vector<std::string>& steps) {
  std::string s;
  for (size_t i = 0; i < steps.size(); ++i) s += (i ? "; " : "") + std::to_string(i + 1) + ". " + steps[i];
  return s;
}

json invalid_index_error(const LocalMigration& m, const std::vector<InvalidIndex>& invalid) {
  std::string names;
  for (const auto& ix : invalid) names += (names.empty() ? "" : ", ") + ix.name;
  json j;
  j["file"] = m.file;
  j["path"] = m.path;
  j["version"] = m.version;
  j["sqlstate"] = "";
  j["message"] = "not recorded as applied: index " + names + " that it creates exists but is INVALID";
  j["invalid_indexes"] = invalid_json(invalid);
  std::vector<std::string> steps;
  for (const auto& ix : invalid) steps.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + ix.name + ";");
  if (m.tx_mode == TxMode::None)
    steps.push_back("`pgsafe repair --mark-rolled-back " + m.version + " --reason \"dropped the invalid index\"`");
  steps.push_back("`pgsafe apply` (the index is built again)");
  j["next"] = steps;
  return j;
}

class ApplyRun {
 public:
  ApplyRun(const ApplyOptions& o, std::ostream& out, std::ostream& err, bool plan_only)
      : o_(o), out_(out), err_(err), plan_only_(plan_only), dry_(o.dry_run || plan_only) {}

  int run();

 private:
  // Steps.
  int prepare_local();
  int connect_all();
  int dry_run();
  int apply();
  int read_and_check(History& history, std::vector<Entry>& entries, Plan& plan);
  int gate(const Plan& plan);
  int check_drift(const History& history, const Plan& plan);
  int approval(const Plan& plan, const History& history);
  int execute_transactional(const LocalMigration& m, const Plan& plan);
  int execute_outside(const LocalMigration& m, const Plan& plan);
  int refuse_invalid(const LocalMigration& m, const Plan& plan, const std::vector<InvalidIndex>& invalid, long long ms);
  int record_baseline(const Plan& plan);

  // Failure of one statement (index, or -1 for COMMIT) of a file.
  json describe_failure(const LocalMigration& m, int statement, const PgError& e);
  void print_failure(const LocalMigration& m, const json& error, bool rolled_back);

  // Output.
  int finish(int code, const std::string& result);
  void problem(const std::string& message, const std::string& fix = "");
  void progress(const std::string& line) { err_ << "pgsafe: " << line << "\n"; }
  void print_plan(const Plan& plan);
  json plan_json(const Plan& plan) const;

  const ApplyOptions& o_;
  std::ostream& out_;
  std::ostream& err_;
  bool plan_only_;
  bool dry_;
  Clock::time_point started_ = Clock::now();

  LocalSet local_;
  Connection work_, lock_conn_;
  std::unique_ptr<HistoryStore> store_;
  Actor actor_ = Actor::current();
  LockKey key_;
  std::string database_;
  std::string approved_by_;
  std::string plan_hash_;
  std::optional<Plan> plan_;
  size_t skipped_ = 0;
  std::vector<FileOutcome> outcomes_;
  json problems_ = json::array();
  json drift_;  // the drift report, when the schema was compared
  std::string current_file_;
  std::ofstream summary_;  // --summary-file, opened (append) before anything runs
};

void ApplyRun::problem(const std::string& message, const std::string& fix) {
  print_error(err_, message + (fix.empty() ? "" : "\n  fix: " + fix));
  problems_.push_back({{"message", message}, {"fix", fix.empty() ? json(nullptr) : json(fix)}});
}

int ApplyRun::run() {
  if (!check_common(o_, err_)) return exit_code::kUsage;
  if (o_.emergency && (!o_.reason || o_.reason->empty())) {
    print_error(err_, "--emergency needs --reason TEXT (it is written to the audit log)");
    return exit_code::kUsage;
  }
  if (!valid_duration(o_.lock_timeout) || !valid_duration(o_.statement_timeout)) {
    print_error(err_, "--lock-timeout and --statement-timeout take durations such as 500ms, 10s, 5min, 1h");
    return exit_code::kUsage;
  }
  if (!check_seconds("--lock-wait", o_.lock_wait, err_)) return exit_code::kUsage;
  if (o_.approved_by && (o_.approved_by->empty() || o_.approved_by->size() > 200 ||
                         o_.approved_by->find_first_of("\r\n") != std::string::npos)) {
    print_error(err_, "--approved-by takes a name or login on one line (1 to 200 characters)");
    return exit_code::kUsage;
  }
  if (o_.approved_by && !o_.approve) {
    print_error(err_, "--approved-by names who approved a plan: it goes with --approve PLAN_HASH");
    return exit_code::kUsage;
  }
  if (o_.summary_file) {
    // Opened before connecting, so an unwritable path is a usage error and not a run whose
    // summary is lost. Appended to: $GITHUB_STEP_SUMMARY collects every step's summary.
    summary_.open(*o_.summary_file, std::ios::out | std::ios::app | std::ios::binary);
    if (!summary_) {
      print_error(err_, "cannot open --summary-file " + *o_.summary_file + " for appending: " + std::strerror(errno));
      return exit_code::kUsage;
    }
  }
  key_ = lock_key(o_.history_schema);
  if (int code = prepare_local()) return code;
  if (int code = connect_all()) return code;
  return dry_ ? dry_run() : apply();
}

int ApplyRun::prepare_local() {
  std::vector<std::string> errors;
  if (!load_local(LocalOptions{o_.dir, o_.config}, local_, errors)) {
    for (const auto& e : errors) print_error(err_, e);
    return exit_code::kUsage;
  }
  return 0;
}

int ApplyRun::gate(const Plan& plan) {
  // Only what will run is judged: applied files are history (they cannot be changed, and a rule
  // turned on later is no reason to stop the next file), and files being baselined do not run.
  std::vector<std::string> refused = lint_gate(local_, plan.files);
  if (refused.empty()) return 0;
  for (const auto& r : refused) err_ << r << "\n";
  print_error(err_, "the lint gate refused " + std::to_string(refused.size()) +
                        " finding(s) at error level in the pending file(s); nothing was applied (fix them, or "
                        "suppress with `-- pgsafe-ignore <rule>: <reason>`)");
  for (const auto& r : refused) problems_.push_back({{"message", r}, {"fix", nullptr}});
  return exit_code::kLintRefused;
}

int ApplyRun::connect_all() {
  std::string error;
  if (!open_connection(o_, work_, err_, &error)) {
    problems_.push_back({{"message", error}, {"fix", nullptr}});
    return finish(exit_code::kConnection, "connection-failed");
  }
  database_ = work_.scalar("SELECT current_database()").value_or("");
  // Notices of the migrations themselves are worth showing; those of pgsafe's own bookkeeping
  // ("schema pgsafe already exists, skipping") are not.
  work_.on_notice([this](const std::string& m) {
    if (!current_file_.empty()) err_ << "pgsafe: " << current_file_ << ": " << m << "\n";
  });
  store_ = std::make_unique<HistoryStore>(work_, o_.history_schema);
  if (dry_) return 0;
  // The lock lives on its own idle connection; see lock.h for why.
  if (!open_connection(o_, lock_conn_, err_, &error)) {
    problems_.push_back({{"message", error}, {"fix", nullptr}});
    return finish(exit_code::kConnection, "connection-failed");
  }
  return 0;
}

int ApplyRun::read_and_check(History& history, std::vector<Entry>& entries, Plan& plan) {
  PgError e;
  if (!store_->read(history, e)) {
    problem("cannot read the history in schema " + o_.history_schema + ": " + e.message);
    return exit_code::kConnection;
  }
  if (history.exists && history.format > kHistoryFormat) {
    problem("the history in schema " + o_.history_schema + " was written by a newer pgsafe (format " +
                std::to_string(history.format) + ")",
            "upgrade pgsafe");
    return exit_code::kValidation;
  }
  entries = compare(local_, history);
  skipped_ = 0;
  for (const auto& en : entries)
    if (en.state == State::Applied || en.state == State::Baseline) ++skipped_;
  int code = 0;
  for (const auto& p : validate(entries, o_.allow_out_of_order)) {
    std::string fix = p.fix;
    // A file stopped part-way: the exact steps, with what it left behind (INVALID indexes), as
    // status prints them.
    for (const auto& en : entries) {
      if (p.exit_code != exit_code::kInterrupted || en.version != p.version || !en.local) continue;
      std::vector<InvalidIndex> left = invalid_indexes(work_, *en.local, true);
      fix = (left.empty() ? std::string("the steps, in order:") : describe_invalid(left)) + "\n" +
            numbered_steps(next_steps(en, state_label(en, history), history, left), "  ");
    }
    problem(p.message, fix);
    if (p.exit_code == exit_code::kInterrupted) code = p.exit_code;
    else if (code == 0) code = p.exit_code;
  }
  if (code) return code;
  bool no_history = history.rows.empty() && history.events == 0;
  if (o_.baseline && !no_history) {
    problem("--baseline is only for a database without pgsafe history, and schema " + o_.history_schema +
                " already has some");
    return exit_code::kValidation;
  }
  if (no_history && !o_.baseline && !o_.after_reset) {
    long long count = 0;
    std::vector<std::string> examples;
    if (!store_->user_relations(count, examples, e)) {
      problem("cannot inspect the database: " + e.message);
      return exit_code::kConnection;
    }
    if (count > 0) {
      std::string names;
      for (const auto& n : examples) names += (names.empty() ? "" : ", ") + n;
      problem("database \"" + database_ + "\" already has " + std::to_string(count) + " relation(s) (" + names +
                  (count > 3 ? ", ..." : "") + ") but no pgsafe history: pgsafe cannot tell which migrations it contains",
              "record the migrations it already has with `pgsafe apply --baseline <last-version-present>` "
              "(check with --dry-run first)");
      return exit_code::kValidation;
    }
  }
  plan = make_plan(entries, database_, o_.baseline.value_or(""));
  plan_hash_ = plan.hash;
  return 0;
}

int ApplyRun::check_drift(const History& history, const Plan& plan) {
  // A database without history is new (or refused above); one being baselined is adopted as is.
  if (history.rows.empty() && history.events == 0) return 0;
  // Run on a read-only snapshot; a dry run is already in one.
  bool own = !dry_;
  PgError e;
  if (own && !work_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &e)) {
    problem("cannot start a read-only transaction to compare the schema: " + e.message);
    return exit_code::kConnection;
  }
  DriftReport report;
  std::string error;
  bool ok = compute_drift(work_, local_, history, o_.history_schema, report, error);
  // A difference the pending files account for is no drift: a captured hotfix (`pgsafe drift
  // --emit-migration`) pending makes the files agree with the database. A difference is drift
  // only when it remains with the pending files counted as applied too.
  size_t explained = 0;
  if (ok) ok = discount_pending(work_, local_, history, plan.files, o_.history_schema, report, explained, error);
  if (own) work_.exec("ROLLBACK");
  if (!ok) {
    problem("cannot compare the schema with the applied migrations: " + error);
    return exit_code::kConnection;
  }
  if (explained)
    progress("the pending file(s) account for " + std::to_string(explained) +
             " difference(s) between the database and the applied migrations (a captured change)");
  drift_ = drift_to_json(report);
  if (report.items.empty()) return 0;
  std::string list;
  size_t shown = 0;
  for (const auto& item : report.items) {
    if (shown++ == 5) {
      list += "\n    ... and " + std::to_string(report.items.size() - 5) + " more";
      break;
    }
    list += "\n    " + item.message();
  }
  if (o_.allow_drift) {
    progress("database \"" + database_ + "\" differs from the applied migrations in " +
             std::to_string(report.items.size()) + " place(s); applying anyway (--allow-drift):" + list);
    return 0;
  }
  problem("database \"" + database_ + "\" differs from the applied migrations in " + std::to_string(report.items.size()) +
              " place(s) (changed by hand?); nothing was applied:" + list,
          "see them all with `pgsafe drift`; capture them as a migration with `pgsafe drift --emit-migration <dir>` "
          "(then review and apply it), or undo them; `--allow-drift` applies anyway");
  return exit_code::kValidation;
}

int ApplyRun::dry_run() {
  PgError e;
  // A read-only session and a read-only snapshot: a dry run cannot change anything.
  work_.exec("SET default_transaction_read_only = on");
  if (!work_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &e)) {
    problem("cannot start a read-only transaction: " + e.message);
    return finish(exit_code::kConnection, "error");
  }
  History history;
  std::vector<Entry> entries;
  Plan plan;
  int code = read_and_check(history, entries, plan);
  if (code) {
    work_.exec("ROLLBACK");
    return finish(code, "refused");
  }
  plan_ = plan;
  if (int refused = gate(plan)) {
    work_.exec("ROLLBACK");
    return finish(refused, "lint-refused");
  }
  code = check_drift(history, plan);
  work_.exec("ROLLBACK");
  if (code) return finish(code, "refused");
  if (o_.approve && *o_.approve != plan.hash) {
    problem("--approve " + *o_.approve + " does not match the current plan " + plan.hash,
            "review the plan below and approve its hash");
    print_plan(plan);
    return finish(exit_code::kApproval, "approval-refused");
  }
  for (const auto* m : plan.baseline) outcomes_.push_back({m, "would-baseline", 0, nullptr});
  for (const auto* m : plan.files) outcomes_.push_back({m, "would-apply", 0, nullptr});
  if (o_.format == "text") print_plan(plan);
  return finish(exit_code::kOk, "dry-run");
}

int ApplyRun::approval(const Plan& plan, const History& history) {
  std::string stored = history.meta.count("environment") ? history.meta.at("environment") : "";
  if (o_.env && !stored.empty() && *o_.env != stored && stored == "production") {
    problem("database \"" + database_ + "\" is tagged as production, but --env " + *o_.env + " was given",
            "pass --env production (with --approve) for this database");
    return exit_code::kValidation;
  }
  bool production = (o_.env && *o_.env == "production") || stored == "production";
  bool work = !plan.files.empty() || !plan.baseline.empty();
  if (o_.approve) {
    if (*o_.approve != plan.hash) {
      problem("--approve " + *o_.approve + " does not match the current plan " + plan.hash +
                  " (the pending files, their contents or the database's history changed since it was approved); "
                  "nothing was applied",
              "review the plan below; if it is right, approve it: --approve " + plan.hash);
      print_plan(plan);
      return exit_code::kApproval;
    }
    approved_by_ = o_.approved_by.value_or(actor_.os_user);
    return 0;
  }
  if (production && work && !o_.emergency) {
    problem("database \"" + database_ + "\" is production: applying needs a human's approval of this exact plan; "
            "nothing was applied",
            "review the plan below, then run again with --approve " + plan.hash);
    print_plan(plan);
    return exit_code::kApproval;
  }
  return 0;
}

int ApplyRun::apply() {
  LockAttempt lock = acquire_lock(lock_conn_, key_, o_.lock_wait, [this](const std::string& holder) {
    progress("waiting up to " + std::to_string(static_cast<long long>(o_.lock_wait)) + "s for the migration lock" +
             (holder.empty() ? std::string() : ", held by " + holder));
  });
  if (lock.outcome == LockOutcome::Error) {
    problem("cannot take the migration lock: " + lock.error.message);
    return finish(exit_code::kConnection, "error");
  }
  if (lock.outcome == LockOutcome::TimedOut) {
    problem("another applier holds the migration lock" + (lock.holder.empty() ? std::string() : ": " + lock.holder) +
                "; gave up after --lock-wait " + std::to_string(static_cast<long long>(o_.lock_wait)) + "s",
            "wait for it to finish (pgsafe status shows progress), or raise --lock-wait");
    return finish(exit_code::kLockTimeout, "lock-timeout");
  }

  History history;
  std::vector<Entry> entries;
  Plan plan;
  if (int code = read_and_check(history, entries, plan)) return finish(code, "refused");
  plan_ = plan;
  if (int refused = gate(plan)) return finish(refused, "lint-refused");
  if (int drifted = check_drift(history, plan)) return finish(drifted, "refused");
  PgError e;
  std::string problem_text;
  if (int code = approval(plan, history)) {
    // The first --env production run tags the database even when it is refused, so a later run
    // that forgets --env still needs approval. Only the tag is written; no migration runs.
    std::string stored = history.meta.count("environment") ? history.meta.at("environment") : "";
    if (code == exit_code::kApproval && o_.env && *o_.env == "production" && stored != "production") {
      if (store_->ensure(e, problem_text) && store_->set_meta("environment", "production", e))
        progress("tagged database \"" + database_ + "\" as production");
      else
        print_error(err_, "could not tag the database as production: " + (problem_text.empty() ? e.message : problem_text));
    }
    return finish(code, "approval-refused");
  }

  if (!store_->ensure(e, problem_text)) {
    problem(problem_text.empty() ? "cannot create the history tables in schema " + o_.history_schema + ": " + e.message
                                 : problem_text);
    return finish(problem_text.empty() ? exit_code::kConnection : exit_code::kValidation, "error");
  }
  if (o_.env) {
    std::string stored = history.meta.count("environment") ? history.meta.at("environment") : "";
    if (stored != *o_.env && !store_->set_meta("environment", *o_.env, e)) {
      problem("cannot record the environment: " + e.message);
      return finish(exit_code::kConnection, "error");
    }
  }
  if (o_.approve) {
    json files = json::array();
    for (const auto* m : plan.files) files.push_back(m->version);
    if (!store_->add_event({"approve", "", "", plan.hash, "", {{"approved_by", approved_by_}, {"files", files}}}, actor_, e)) {
      problem("cannot record the approval: " + e.message);
      return finish(exit_code::kConnection, "error");
    }
  } else if (o_.emergency && (!plan.files.empty() || !plan.baseline.empty())) {
    json files = json::array();
    for (const auto* m : plan.files) files.push_back(m->version);
    if (!store_->add_event({"emergency", "", "", plan.hash, *o_.reason, {{"files", files}}}, actor_, e)) {
      problem("cannot record the emergency: " + e.message);
      return finish(exit_code::kConnection, "error");
    }
    progress("emergency apply without approval, logged with reason: " + *o_.reason);
  }
  if (int code = record_baseline(plan)) return finish(code, "error");

  if (plan.files.empty()) {
    if (o_.format == "text") out_ << "Nothing to apply: " << skipped_ << " migration(s) already applied.\n";
    return finish(exit_code::kOk, "nothing-to-do");
  }
  for (const auto* m : plan.files) {
    // Nothing a file sets (SET, ROLE, temp tables, prepared statements) reaches the next one.
    if (!work_.exec("DISCARD ALL", &e)) {
      problem("cannot reset the session before " + m->file + ": " + e.message);
      return finish(exit_code::kConnection, "error");
    }
    prepare_session(work_);
    current_file_ = m->file;
    int code = m->tx_mode == TxMode::Transaction ? execute_transactional(*m, plan) : execute_outside(*m, plan);
    current_file_.clear();
    if (code) return finish(code, "failed");
  }
  return finish(exit_code::kOk, "applied");
}

int ApplyRun::record_baseline(const Plan& plan) {
  if (plan.baseline.empty()) return 0;
  PgError e;
  auto fail = [&] {
    work_.exec("ROLLBACK");
    problem("cannot record the baseline: " + e.message);
    return exit_code::kConnection;
  };
  if (!work_.exec("BEGIN", &e)) return fail();
  json versions = json::array();
  for (const auto* m : plan.baseline) {
    HistoryStore::RowWrite r{m->version, m->name, m->file, m->checksum, "baseline", "baseline",
                             static_cast<int>(m->statements.size()), 0, plan.hash, approved_by_};
    if (!store_->insert_row(r, actor_, e)) return fail();
    versions.push_back(m->version);
    outcomes_.push_back({m, "baseline", 0, nullptr});
  }
  if (!store_->add_event({"baseline", *o_.baseline, "", plan.hash, o_.reason.value_or(""), {{"versions", versions}}}, actor_, e))
    return fail();
  if (!work_.exec("COMMIT", &e)) return fail();
  progress("baseline: recorded " + std::to_string(plan.baseline.size()) + " migration(s) up to " + *o_.baseline +
           " as already present");
  return 0;
}

// Runs one statement; COPY ... FROM STDIN has no data to read here, so it is refused cleanly.
Result exec_statement(Connection& conn, const std::string& sql, PgError& e) {
  Result r(PQexec(conn.get(), sql.c_str()));
  auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COPY_IN) {
    PQputCopyEnd(conn.get(), "pgsafe does not feed COPY FROM STDIN; load data with INSERT or a separate tool");
    Result last;
    while (PGresult* next = PQgetResult(conn.get())) last.reset(next);
    e = error_of(last.get(), conn.get());
    return nullptr;
  }
  if (status == PGRES_COPY_OUT) {
    char* buf = nullptr;
    while (PQgetCopyData(conn.get(), &buf, 0) > 0) PQfreemem(buf);
    Result last;
    while (PGresult* next = PQgetResult(conn.get())) last.reset(next);
    return last;
  }
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return r;
  e = error_of(r.get(), conn.get());
  return nullptr;
}

json ApplyRun::describe_failure(const LocalMigration& m, int statement, const PgError& e) {
  json j;
  Position pos;
  if (statement >= 0) {
    const LocalStatement& s = m.statements[static_cast<size_t>(statement)];
    size_t offset = s.begin;
    if (e.position > 0) offset = m.source.advance_chars(s.begin, static_cast<size_t>(e.position - 1));
    pos = m.source.position(std::min<size_t>(offset, s.end));
  } else {
    pos = m.source.position(m.source.size());
  }
  j["file"] = m.file;
  j["path"] = m.path;
  j["version"] = m.version;
  j["statement"] = statement >= 0 ? json(statement + 1) : json("COMMIT");
  j["line"] = pos.line;
  j["column"] = pos.column;
  j["sqlstate"] = e.sqlstate;
  j["condition"] = condition_name(e.sqlstate);
  j["message"] = e.message;
  j["detail"] = e.detail;
  j["hint"] = e.hint;
  j["fix"] = fix_hint(e.sqlstate);
  return j;
}

void ApplyRun::print_failure(const LocalMigration& m, const json& error, bool rolled_back) {
  std::ostringstream s;
  s << m.path << ":" << error["line"].get<uint32_t>() << ":" << error["column"].get<uint32_t>() << ": "
    << (error["statement"].is_string() ? "at COMMIT: " : "") << error["message"].get<std::string>();
  if (!error["sqlstate"].get<std::string>().empty()) {
    s << " [SQLSTATE " << error["sqlstate"].get<std::string>();
    if (!error["condition"].get<std::string>().empty()) s << " " << error["condition"].get<std::string>();
    s << "]";
  }
  if (!error["detail"].get<std::string>().empty()) s << "\n  detail: " << error["detail"].get<std::string>();
  if (!error["hint"].get<std::string>().empty()) s << "\n  server hint: " << error["hint"].get<std::string>();
  if (!error["fix"].get<std::string>().empty()) s << "\n  fix: " << error["fix"].get<std::string>();
  bool first = error["statement"].is_number_integer() && error["statement"].get<int>() == 1;
  s << (rolled_back ? "\n  the file was rolled back: nothing of it was applied; later files were not run"
        : first     ? "\n  the file ran without a transaction and stopped at its first statement; later files were not run"
                    : "\n  the file ran without a transaction: statements before this one are applied; later files were not run");
  print_error(err_, s.str());
  problems_.push_back({{"message", error["message"]}, {"fix", error["fix"]}});
}

int ApplyRun::execute_transactional(const LocalMigration& m, const Plan& plan) {
  auto t0 = Clock::now();
  progress("applying " + m.file + " (transaction, " + std::to_string(m.statements.size()) + " statement(s))");
  PgError e;
  int failed_at = -2;  // -2 none, -1 COMMIT, >= 0 statement index
  bool connection_lost = false;
  auto step = [&](const std::string& sql) { return static_cast<bool>(work_.exec(sql, &e)); };
  if (!step("BEGIN") || !step("SET LOCAL lock_timeout = '" + o_.lock_timeout + "'") ||
      !step("SET LOCAL statement_timeout = '" + o_.statement_timeout + "'")) {
    failed_at = 0;
  }
  for (size_t i = 0; failed_at == -2 && i < m.statements.size(); ++i)
    if (!exec_statement(work_, m.statement_text(m.statements[i]), e)) failed_at = static_cast<int>(i);
  if (failed_at == -2)
    if (auto invalid = invalid_indexes(work_, m, false); !invalid.empty()) return refuse_invalid(m, plan, invalid, ms_since(t0));
  if (failed_at == -2) {
    HistoryStore::RowWrite r{m.version, m.name, m.file, m.checksum, "transaction", "applied",
                             static_cast<int>(m.statements.size()), ms_since(t0), plan.hash, approved_by_};
    PgError he;
    if (!store_->insert_row(r, actor_, he) ||
        !store_->add_event({"apply", m.version, m.checksum, plan.hash, "", {{"file", m.file}, {"tx_mode", "transaction"}}},
                           actor_, he)) {
      work_.exec("ROLLBACK");
      problem("cannot record " + m.file + " in the history (rolled back): " + he.message);
      outcomes_.push_back({&m, "failed", ms_since(t0), {{"message", he.message}}});
      return exit_code::kFailed;
    }
    // The lock must still be ours: otherwise another applier may be running this very file.
    if (!lock_held(lock_conn_, key_)) {
      work_.exec("ROLLBACK");
      problem("lost the migration lock before committing " + m.file + " (its connection dropped); rolled back",
              "run pgsafe apply again");
      outcomes_.push_back({&m, "failed", ms_since(t0), {{"message", "lost the migration lock"}}});
      return exit_code::kFailed;
    }
    Result c(PQexec(work_.get(), "COMMIT"));
    if (c && PQresultStatus(c.get()) == PGRES_COMMAND_OK && std::string(PQcmdStatus(c.get())) == "COMMIT") {
      long long d = ms_since(t0);
      progress("applied " + m.file + " in " + std::to_string(d) + " ms");
      outcomes_.push_back({&m, "applied", d, nullptr});
      return 0;
    }
    failed_at = -1;
    if (c && PQresultStatus(c.get()) == PGRES_COMMAND_OK) {
      e = PgError{};
      e.message = "the transaction was rolled back at COMMIT (command tag " + std::string(PQcmdStatus(c.get())) + ")";
    } else {
      e = error_of(c.get(), work_.get());
    }
  }
  connection_lost = !work_.ok();
  if (!connection_lost) work_.exec("ROLLBACK");
  json error = describe_failure(m, failed_at, e);
  if (connection_lost) error["message"] = "connection to the server was lost: " + error["message"].get<std::string>();
  print_failure(m, error, true);
  outcomes_.push_back({&m, "failed", ms_since(t0), error});
  PgError fe;
  if (connection_lost ||
      !store_->add_event({"fail", m.version, m.checksum, plan.hash, "", error}, actor_, fe))
    print_error(err_, "could not record the failure in the event log" + (fe.message.empty() ? "" : ": " + fe.message));
  return exit_code::kFailed;
}

// A file that ran to its end while an index it names is INVALID (CREATE INDEX ... IF NOT EXISTS
// skipped what an earlier failed build left): never recorded as applied. A transactional file is
// rolled back (exit 6); a non-transactional one is marked failed and needs repair (exit 7).
int ApplyRun::refuse_invalid(const LocalMigration& m, const Plan& plan, const std::vector<InvalidIndex>& invalid,
                             long long ms) {
  bool in_transaction = m.tx_mode == TxMode::Transaction;
  if (in_transaction) work_.exec("ROLLBACK");
  json error = invalid_index_error(m, invalid);
  const std::string message = error["message"].get<std::string>();
  const auto steps = error["next"].get<std::vector<std::string>>();
  print_error(err_, m.path + ": " + message + "\n  " + describe_invalid(invalid) +
                        (in_transaction ? "\n  the file was rolled back; later files were not run" : "") + steps_text(steps));
  problems_.push_back({{"message", message}, {"fix", steps_line(steps)}});
  outcomes_.push_back({&m, "failed", ms, error});
  PgError fe;
  bool recorded = (in_transaction || store_->fail_row(m.version, "", message, m.file, fe)) &&
                  store_->add_event({"fail", m.version, m.checksum, plan.hash, "", error}, actor_, fe);
  if (!recorded)
    print_error(err_, std::string("could not record the failure in the ") + (in_transaction ? "event log" : "history") +
                          ": " + fe.message + (in_transaction ? "" : "; its row stays `running`"));
  return in_transaction ? exit_code::kFailed : exit_code::kInterrupted;
}

int ApplyRun::execute_outside(const LocalMigration& m, const Plan& plan) {
  auto t0 = Clock::now();
  progress("applying " + m.file + " (no transaction: " + m.no_tx_reason + ", " + std::to_string(m.statements.size()) +
           " statement(s))");
  PgError e;
  if (!lock_held(lock_conn_, key_)) {
    problem("lost the migration lock before " + m.file + "; nothing of it was run", "run pgsafe apply again");
    outcomes_.push_back({&m, "failed", 0, {{"message", "lost the migration lock"}}});
    return exit_code::kFailed;
  }
  // Marked running first, in its own commit: if pgsafe dies mid-file, the next run knows.
  HistoryStore::RowWrite r{m.version, m.name, m.file, m.checksum, "none", "running",
                           static_cast<int>(m.statements.size()), std::nullopt, plan.hash, approved_by_};
  if (!store_->insert_row(r, actor_, e)) {
    problem("cannot record " + m.file + " as running: " + e.message);
    outcomes_.push_back({&m, "failed", 0, {{"message", e.message}}});
    return exit_code::kFailed;
  }
  int failed_at = -2;
  if (!work_.exec("SET lock_timeout = '" + o_.lock_timeout + "'", &e) ||
      !work_.exec("SET statement_timeout = '" + o_.statement_timeout + "'", &e))
    failed_at = 0;
  for (size_t i = 0; failed_at == -2 && i < m.statements.size(); ++i)
    if (!exec_statement(work_, m.statement_text(m.statements[i]), e)) failed_at = static_cast<int>(i);
  if (failed_at == -2) {
    // CREATE INDEX CONCURRENTLY IF NOT EXISTS skips an index an earlier failed build left INVALID:
    // the file "succeeds" without the index it promises (and a unique one without its guarantee).
    if (auto invalid = invalid_indexes(work_, m, false); !invalid.empty()) return refuse_invalid(m, plan, invalid, ms_since(t0));
    long long d = ms_since(t0);
    PgError he;
    bool ok = work_.exec("BEGIN", &he) && store_->finish_row(m.version, "applied", d, he) &&
              store_->add_event({"apply", m.version, m.checksum, plan.hash, "", {{"file", m.file}, {"tx_mode", "none"}}},
                                actor_, he);
    Result c = ok ? work_.exec("COMMIT", &he) : nullptr;
    if (!c || std::string(PQcmdStatus(c.get())) != "COMMIT") {
      work_.exec("ROLLBACK");
      problem(m.file + " ran completely but could not be marked applied: " + he.message,
              "pgsafe repair --mark-applied " + m.version + " --reason \"ran completely\"");
      outcomes_.push_back({&m, "interrupted", d, {{"message", he.message}}});
      return exit_code::kInterrupted;
    }
    progress("applied " + m.file + " in " + std::to_string(d) + " ms");
    outcomes_.push_back({&m, "applied", d, nullptr});
    return 0;
  }
  json error = describe_failure(m, failed_at, e);
  std::vector<InvalidIndex> left = work_.ok() ? invalid_indexes(work_, m, true) : std::vector<InvalidIndex>{};
  error["invalid_indexes"] = invalid_json(left);
  error["next"] = recovery_steps(&m, m.version, left, failed_at + 1, error["fix"].get<std::string>());
  print_failure(m, error, false);
  if (!left.empty()) err_ << "  left behind: " << describe_invalid(left) << "\n";
  err_ << steps_text(error["next"].get<std::vector<std::string>>()).substr(1) << "\n";
  outcomes_.push_back({&m, "failed", ms_since(t0), error});
  PgError fe;
  std::string position = m.file + ":" + std::to_string(error["line"].get<uint32_t>()) + ":" +
                         std::to_string(error["column"].get<uint32_t>());
  if (!work_.ok() || !store_->fail_row(m.version, e.sqlstate, e.message, position, fe) ||
      !store_->add_event({"fail", m.version, m.checksum, plan.hash, "", error}, actor_, fe))
    print_error(err_, "could not record the failure in the history" + (fe.message.empty() ? "" : ": " + fe.message) +
                          "; its row stays `running`");
  return exit_code::kInterrupted;
}

// ---------------------------------------------------------------------------------------------
// Output

json ApplyRun::plan_json(const Plan& plan) const {
  json files = json::array();
  for (const auto* m : plan.files) {
    json stmts = json::array();
    for (const auto& s : m->statements)
      stmts.push_back({{"line", s.start.line},
                       {"column", s.start.column},
                       {"kind", s.summary.kind},
                       {"tables", s.summary.tables},
                       {"columns", s.summary.columns}});
    files.push_back({{"version", m->version},
                     {"name", m->name},
                     {"file", m->file},
                     {"checksum", m->checksum},
                     {"tx_mode", to_string(m->tx_mode)},
                     {"no_transaction_reason", m->no_tx_reason.empty() ? json(nullptr) : json(m->no_tx_reason)},
                     {"statements", stmts}});
  }
  json baseline = json::array();
  for (const auto* m : plan.baseline) baseline.push_back(m->version);
  return {{"plan_hash", plan.hash},
          {"database", plan.database},
          {"after_version", plan.after_version.empty() ? json(nullptr) : json(plan.after_version)},
          {"baseline", baseline},
          {"files", files}};
}

void ApplyRun::print_plan(const Plan& plan) {
  if (o_.format != "text") return;
  std::ostream& s = out_;
  s << "Plan " << plan.hash << " for database \"" << plan.database << "\"";
  s << (plan.after_version.empty() ? " (no migrations applied yet)" : " (applied up to " + plan.after_version + ")") << ":\n";
  if (!plan.baseline.empty())
    s << "  baseline: record " << plan.baseline.size() << " migration(s) up to " << plan.baseline.back()->version
      << " as already present (not run)\n";
  if (plan.files.empty()) s << "  nothing to apply\n";
  for (const auto* m : plan.files) {
    s << "  " << m->file << "  ";
    if (m->tx_mode == TxMode::Transaction) s << "transaction";
    else s << "no transaction (" << m->no_tx_reason << ")";
    s << ", " << m->statements.size() << " statement(s)\n";
    for (const auto& st : m->statements) {
      s << "      " << st.start.line << ":" << st.start.column << "  " << (st.summary.kind.empty() ? "?" : st.summary.kind);
      if (!st.summary.tables.empty()) {
        s << "  tables:";
        for (const auto& t : st.summary.tables) s << " " << t;
      }
      if (!st.summary.columns.empty()) {
        s << "  columns:";
        for (const auto& c : st.summary.columns) s << " " << c;
      }
      s << "\n";
    }
  }
}

int ApplyRun::finish(int code, const std::string& result) {
  size_t applied = 0, failed = 0, baseline = 0, pending = 0;
  for (const auto& f : outcomes_) {
    if (f.status == "applied") ++applied;
    else if (f.status == "failed" || f.status == "interrupted") ++failed;
    else if (f.status == "baseline") ++baseline;
    else if (f.status == "would-apply") ++pending;
  }
  long long total = ms_since(started_);
  json j;
  if (o_.format == "json" || summary_.is_open()) {
    json files = json::array();
    for (const auto& f : outcomes_)
      files.push_back({{"version", f.m->version},
                       {"name", f.m->name},
                       {"file", f.m->file},
                       {"tx_mode", to_string(f.m->tx_mode)},
                       {"statements", f.m->statements.size()},
                       {"status", f.status},
                       {"duration_ms", f.duration_ms},
                       {"error", f.error}});
    j = {{"command", plan_only_ ? "plan" : "apply"},
         {"dry_run", dry_},
         {"result", result},
         {"exit_code", code},
         {"database", database_.empty() ? json(nullptr) : json(database_)},
         {"plan_hash", plan_hash_.empty() ? json(nullptr) : json(plan_hash_)},
         {"migrations", files},
         {"summary",
          {{"applied", applied}, {"skipped", skipped_}, {"failed", failed}, {"baseline", baseline},
           {"pending", pending}, {"duration_ms", total}}},
         {"problems", problems_}};
    if (plan_) j["plan"] = plan_json(*plan_);
    if (!drift_.is_null()) j["drift"] = drift_;
    if (summary_.is_open()) {
      write_run_markdown(summary_, j, {o_.env.value_or(""), o_.emergency, o_.reason.value_or(""), approved_by_});
      summary_.flush();
      if (!summary_) print_error(err_, "could not write the summary to " + *o_.summary_file + " (the run itself is as reported)");
    }
  }
  if (o_.format == "json") {
    // Text that reached the document from outside (a host name in libpq's error, a server message
    // in a SQL_ASCII database) need not be UTF-8: replaced, rather than the dump throwing.
    out_ << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else if (!dry_ && (applied || failed)) {
    out_ << "Applied " << applied << ", skipped " << skipped_ << " (already applied), failed " << failed;
    if (baseline) out_ << ", baseline " << baseline;
    out_ << " in " << total << " ms.\n";
    for (const auto& f : outcomes_)
      out_ << "  " << f.status << "  " << f.m->file << "  " << f.duration_ms << " ms\n";
  } else if (dry_ && code == 0) {
    out_ << "Dry run: nothing was changed. " << pending << " file(s) would be applied, " << skipped_
         << " already applied.\n";
  }
  out_.flush();
  return code;
}

}  // namespace

int run_apply(const ApplyOptions& opts, std::ostream& out, std::ostream& err) {
  return ApplyRun(opts, out, err, false).run();
}

int run_db_plan(const ApplyOptions& opts, std::ostream& out, std::ostream& err) {
  return ApplyRun(opts, out, err, true).run();
}

}  // namespace pgsafe::applier
