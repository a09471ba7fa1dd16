#pragma once
// A thin RAII layer over libpq: connections, results, parameterised queries, and connection
// errors classified (never echoing a password).
#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "applier/conninfo.h"

namespace pgsafe::applier {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// What the server said about a failed command.
struct PgError {
  std::string sqlstate;   // "" when the failure was not the server's (connection lost, ...)
  std::string message;
  std::string detail, hint, context;
  int position = 0;       // 1-based character position in the statement, 0 when not given
  std::string constraint, table, column;
};

class Connection {
 public:
  Connection() = default;
  explicit Connection(PGconn* c) : conn_(c) {}
  Connection(Connection&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }
  Connection& operator=(Connection&& o) noexcept;
  ~Connection();

  PGconn* get() const { return conn_; }
  bool ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }
  int backend_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }
  int server_version() const { return conn_ ? PQserverVersion(conn_) : 0; }

  // Run one command; on failure fill err (when given) and return null.
  Result exec(const std::string& sql, PgError* err = nullptr);
  Result exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                     PgError* err = nullptr);
  // First column of the first row, or nullopt (NULL, no row, or error).
  std::optional<std::string> scalar(const std::string& sql,
                                    const std::vector<std::optional<std::string>>& params = {},
                                    PgError* err = nullptr);
  // Route server notices (NOTICE, WARNING) to a callback instead of libpq's stderr printing.
  void on_notice(std::function<void(const std::string&)> fn);

 private:
  PGconn* conn_ = nullptr;
  std::unique_ptr<std::function<void(const std::string&)>> notice_;
};

PgError error_of(const PGresult* r, PGconn* conn);
// The text of a field, "" for NULL.
inline std::string field(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? std::string() : std::string(PQgetvalue(r, row, col));
}

struct ConnectOptions {
  std::string conninfo;           // URL or key=value; "" means libpq's PG* variables
  int connect_timeout = 10;       // seconds, unless the conninfo sets one
  double wait_seconds = 0;        // retry refused/unreachable servers this long (--wait)
  std::string application_name;  // pgsafe/<version>
};

struct ConnectResult {
  Connection conn;
  std::string error;              // password redacted; "" on success
  std::string target;             // "host:port/db as user", for messages (redacted too)
};

ConnectResult connect(const ConnectOptions& opts);

// seconds (--wait, --lock-wait) as a duration that clock arithmetic can take: 0 for anything not
// positive (or NaN), at most a year, whatever a caller that skipped validation passes.
std::chrono::milliseconds wait_duration(double seconds);
// 'text' quoted as an SQL literal / identifier.
std::string quote_ident(const std::string& s);

}  // namespace pgsafe::applier
