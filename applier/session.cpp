#include "applier/session.h"

#include "applier/history.h"

#include <cstdlib>
#include <ostream>
#include <regex>

#include "applier/conninfo.h"
#include "applier/devserver.h"

namespace pgsafe::applier {

std::string application_name() { return std::string("pgsafe/") + PGSAFE_VERSION; }

ConnSource resolve_conninfo(const CommonOptions& opts) {
  if (opts.db) return {*opts.db, "--db", false};
  if (const char* url = std::getenv("DATABASE_URL"); url && *url) return {url, "$DATABASE_URL", false};
  // A project with a dev server uses it, running or not: falling through to PG* (often the
  // machine's main cluster) because it was stopped would be a surprise.
  if (auto server = dev::load_server(dev::project_root(opts.config)))
    return {dev::socket_url(*server),
            dev::running(*server) ? "the project's dev server (pgsafe dev start)"
                                  : "the project's dev server, which is not running (start it: pgsafe dev start)",
            true};
  return {"", "libpq's PG* environment", false};
}

std::string conninfo_of(const CommonOptions& opts) { return resolve_conninfo(opts).conninfo; }

void print_error(std::ostream& err, const std::string& message) { err << "pgsafe: error: " << message << "\n"; }

int open_history_snapshot(const CommonOptions& opts, Connection& conn, History& history, std::string& database,
                          std::ostream& err) {
  if (!open_connection(opts, conn, err)) return exit_code::kConnection;
  conn.exec("SET default_transaction_read_only = on");
  PgError e;
  if (!conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &e)) {
    print_error(err, "cannot start a read-only transaction: " + e.message);
    return exit_code::kConnection;
  }
  HistoryStore store(conn, opts.history_schema);
  if (!store.read(history, e)) {
    print_error(err, "cannot read the history in schema " + opts.history_schema + ": " + e.message);
    return exit_code::kConnection;
  }
  database = conn.scalar("SELECT current_database()").value_or("");
  return exit_code::kOk;
}

bool open_connection(const CommonOptions& opts, Connection& conn, std::ostream& err, std::string* error_out) {
  ConnectOptions co;
  ConnSource source = resolve_conninfo(opts);
  co.conninfo = source.conninfo;
  co.connect_timeout = opts.connect_timeout;
  co.wait_seconds = opts.wait;
  co.application_name = application_name();
  ConnectResult r = connect(co);
  if (!r.error.empty()) {
    std::string msg = "cannot connect" + (r.target.empty() ? std::string() : " to " + r.target) + ": " + r.error;
    if (r.error.find("password authentication failed") != std::string::npos)
      msg += "\n  hint: check the user and password in --db / DATABASE_URL (or ~/.pgpass)";
    else if (r.error.find("does not exist") != std::string::npos && r.error.find("database") != std::string::npos)
      msg += "\n  hint: create the database first (pgsafe never creates databases)";
    else if (source.dev_server)
      msg += "\n  hint: the project's dev server is not running: pgsafe dev start";
    else if (r.error.find("Connection refused") != std::string::npos || r.error.find("No such file") != std::string::npos)
      msg += "\n  hint: is the server running and accepting connections there? --wait SECONDS retries while it starts";
    print_error(err, msg);
    if (error_out) *error_out = msg;
    return false;
  }
  conn = std::move(r.conn);
  prepare_session(conn);
  // Said whenever the database was not named on the command line: which one this is.
  static bool said = false;  // once per process (apply opens a second connection for its lock)
  if (source.label != "--db" && !said) {
    err << "pgsafe: database: " << source.label << ", " << r.target << "\n";
    said = true;
  }
  return true;
}

void prepare_session(Connection& conn) {
  // Let the server notice a client that died (kill -9) during a long statement and roll back
  // at once, instead of holding its locks until the statement ends.
  if (conn.server_version() >= 140000) conn.exec("SET client_connection_check_interval = '1s'");
}

bool valid_duration(const std::string& s) {
  static const std::regex re("^[0-9]+ ?(us|ms|s|min|h|d)?$");
  return std::regex_match(s, re);
}

bool check_common(const CommonOptions& opts, std::ostream& err) {
  if (opts.format != "text" && opts.format != "json") {
    print_error(err, "unknown --format '" + opts.format + "' (text or json)");
    return false;
  }
  static const std::regex ident("^[a-z_][a-z0-9_]{0,62}$");
  if (!std::regex_match(opts.history_schema, ident)) {
    print_error(err, "--history-schema must be a lower-case identifier (letters, digits, _)");
    return false;
  }
  if (opts.connect_timeout < 1) {
    print_error(err, "--connect-timeout must be at least 1 second");
    return false;
  }
  if (!check_seconds("--wait", opts.wait, err)) return false;
  // The connection string, before anything could echo it.
  ConnSource source = resolve_conninfo(opts);
  if (opts.db || !source.conninfo.empty()) {
    if (auto problem = check_conninfo(source.conninfo, source.label)) {
      print_error(err, *problem);
      return false;
    }
  }
  return true;
}

bool check_seconds(const char* flag, double seconds, std::ostream& err) {
  // NaN fails every comparison: written so that it fails this one.
  if (!(seconds >= 0 && seconds <= kMaxWaitSeconds)) {
    print_error(err, std::string(flag) + " takes a number of seconds from 0 to " +
                         std::to_string(static_cast<long long>(kMaxWaitSeconds)));
    return false;
  }
  return true;
}

}  // namespace pgsafe::applier
