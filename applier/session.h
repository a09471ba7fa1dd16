#pragma once
// What apply, status and repair share: resolving CONN, connecting with pgsafe's identity,
// preparing a session, and checking common options.
#include <iosfwd>
#include <string>

#include "applier/applier.h"
#include "applier/pg.h"

namespace pgsafe::applier {

std::string application_name();  // pgsafe/<version>
// The longest --wait or --lock-wait, in seconds: a day.
inline constexpr double kMaxWaitSeconds = 86400;
// Which database a command uses: --db, else $DATABASE_URL, else the project's running dev server
// (pgsafe dev start), else "" (libpq's own PG* variables). label names the source in messages.
struct ConnSource {
  std::string conninfo;
  std::string label;
  bool dev_server = false;
};
ConnSource resolve_conninfo(const CommonOptions& opts);
std::string conninfo_of(const CommonOptions& opts);  // resolve_conninfo(opts).conninfo
// Connect or explain why not (password never shown). False after printing to err.
bool open_connection(const CommonOptions& opts, Connection& conn, std::ostream& err, std::string* error_out = nullptr);
// Per-session settings pgsafe relies on; called after connecting and after each DISCARD ALL.
void prepare_session(Connection& conn);
// Common option checks, the connection string's included (see conninfo.h); false after printing
// a usage error.
bool check_common(const CommonOptions& opts, std::ostream& err);
// A number of seconds (--wait, --lock-wait) that is finite, not negative and at most
// kMaxWaitSeconds; false after printing a usage error naming flag.
bool check_seconds(const char* flag, double seconds, std::ostream& err);
// A PostgreSQL interval literal such as 10s, 500ms, 1h, 2min (no quoting games).
bool valid_duration(const std::string& s);
void print_error(std::ostream& err, const std::string& message);

struct History;
// What status, drift and lint --db start with: connect, open a read-only snapshot (REPEATABLE READ
// READ ONLY, left open for the caller's queries) and read the history and the database's name.
// 0, or an exit code after printing why.
int open_history_snapshot(const CommonOptions& opts, Connection& conn, History& history, std::string& database,
                          std::ostream& err);

}  // namespace pgsafe::applier
