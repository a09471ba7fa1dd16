#include "applier/pg.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace pgsafe::applier {

Connection& Connection::operator=(Connection&& o) noexcept {
  if (this != &o) {
    if (conn_) PQfinish(conn_);
    conn_ = o.conn_;
    o.conn_ = nullptr;
    notice_ = std::move(o.notice_);
  }
  return *this;
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

PgError error_of(const PGresult* r, PGconn* conn) {
  PgError e;
  auto get = [&](int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return v ? std::string(v) : std::string();
  };
  e.sqlstate = get(PG_DIAG_SQLSTATE);
  e.message = get(PG_DIAG_MESSAGE_PRIMARY);
  e.detail = get(PG_DIAG_MESSAGE_DETAIL);
  e.hint = get(PG_DIAG_MESSAGE_HINT);
  e.context = get(PG_DIAG_CONTEXT);
  e.constraint = get(PG_DIAG_CONSTRAINT_NAME);
  e.table = get(PG_DIAG_TABLE_NAME);
  e.column = get(PG_DIAG_COLUMN_NAME);
  std::string pos = get(PG_DIAG_STATEMENT_POSITION);
  if (!pos.empty()) e.position = std::atoi(pos.c_str());
  if (e.message.empty()) {
    std::string m = r ? PQresultErrorMessage(r) : "";
    if (m.empty() && conn) m = PQerrorMessage(conn);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    e.message = m.empty() ? "unknown error" : m;
  }
  return e;
}

namespace {
bool result_ok(const PGresult* r) {
  if (!r) return false;
  auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}
}  // namespace

Result Connection::exec(const std::string& sql, PgError* err) {
  Result r(PQexec(conn_, sql.c_str()));
  if (!result_ok(r.get())) {
    if (err) *err = error_of(r.get(), conn_);
    return nullptr;
  }
  return r;
}

Result Connection::exec_params(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                               PgError* err) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                        nullptr, 0));
  if (!result_ok(r.get())) {
    if (err) *err = error_of(r.get(), conn_);
    return nullptr;
  }
  return r;
}

std::optional<std::string> Connection::scalar(const std::string& sql,
                                              const std::vector<std::optional<std::string>>& params,
                                              PgError* err) {
  Result r = params.empty() ? exec(sql, err) : exec_params(sql, params, err);
  if (!r || PQntuples(r.get()) < 1 || PQnfields(r.get()) < 1 || PQgetisnull(r.get(), 0, 0)) return std::nullopt;
  return std::string(PQgetvalue(r.get(), 0, 0));
}

void Connection::on_notice(std::function<void(const std::string&)> fn) {
  notice_ = std::make_unique<std::function<void(const std::string&)>>(std::move(fn));
  PQsetNoticeProcessor(
      conn_,
      [](void* arg, const char* message) {
        std::string m = message ? message : "";
        while (!m.empty() && m.back() == '\n') m.pop_back();
        (*static_cast<std::function<void(const std::string&)>*>(arg))(m);
      },
      notice_.get());
}

std::chrono::milliseconds wait_duration(double seconds) {
  constexpr double kYear = 365.0 * 24 * 3600;
  if (!(seconds > 0)) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, kYear) * 1000));
}

std::string quote_ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {

std::string trim_message(std::string m) {
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  // libpq prefixes server errors with "connection to server at ... failed: FATAL:  "; keep it
  // whole (it names the host) but squash the newline-separated attempts onto one line each.
  return m;
}

}  // namespace

ConnectResult connect(const ConnectOptions& opts) {
  ConnectResult out;
  // Callers check it first (a usage error); never hand libpq a string it may echo unredacted.
  if (!opts.conninfo.empty()) {
    if (auto problem = check_conninfo(opts.conninfo, "the connection string")) {
      out.error = *problem;
      return out;
    }
  }
  std::string timeout = std::to_string(opts.connect_timeout);
  // Order matters: the user's conninfo overrides our connect_timeout default; our
  // application_name comes last so a waiting applier can always name the lock holder.
  std::vector<const char*> keys{"connect_timeout"}, values{timeout.c_str()};
  if (!opts.conninfo.empty()) {
    keys.push_back("dbname");
    values.push_back(opts.conninfo.c_str());
  }
  if (!opts.application_name.empty()) {
    keys.push_back("application_name");
    values.push_back(opts.application_name.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  auto deadline = std::chrono::steady_clock::now() + wait_duration(opts.wait_seconds);
  auto backoff = std::chrono::milliseconds(200);
  for (;;) {
    Connection c(PQconnectdbParams(keys.data(), values.data(), 1));
    if (c.get() && PQstatus(c.get()) == CONNECTION_OK) {
      out.target = redact(std::string(PQhost(c.get())) + ":" + PQport(c.get()) + "/" + PQdb(c.get()) + " as " +
                              PQuser(c.get()),
                          opts.conninfo);
      out.conn = std::move(c);
      out.error.clear();
      return out;
    }
    out.error = redact(trim_message(c.get() ? PQerrorMessage(c.get()) : "out of memory"), opts.conninfo);
    if (c.get() && PQdb(c.get())) {
      const char* host = PQhost(c.get());
      out.target = redact(std::string(host ? host : "") + ":" + (PQport(c.get()) ? PQport(c.get()) : "") + "/" +
                              PQdb(c.get()) + " as " + (PQuser(c.get()) ? PQuser(c.get()) : ""),
                          opts.conninfo);
    }
    if (opts.wait_seconds <= 0 || std::chrono::steady_clock::now() + backoff > deadline) return out;
    // Only a server that is not up (yet) is worth waiting for; a wrong password or a missing
    // database will not fix itself.
    PGPing ping = PQpingParams(keys.data(), values.data(), 1);
    if (ping != PQPING_NO_RESPONSE && ping != PQPING_REJECT) return out;
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace pgsafe::applier
