#include "applier/lock.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace pgsafe::applier {

LockKey lock_key(const std::string& history_schema) {
  // 'pgsf' as a 31-bit class id; FNV-1a of the schema name, folded to 31 bits.
  uint32_t h = 2166136261u;
  for (unsigned char c : history_schema) {
    h ^= c;
    h *= 16777619u;
  }
  return LockKey{0x70677366, static_cast<int32_t>(h & 0x7fffffffu)};
}

namespace {
std::vector<std::optional<std::string>> key_params(LockKey key) {
  return {std::to_string(key.classid), std::to_string(key.objid)};
}
}  // namespace

std::string lock_holder(Connection& conn, LockKey key) {
  Result r = conn.exec_params(
      "SELECT l.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), "
      "coalesce(host(a.client_addr), 'local'), coalesce(a.backend_start::text, '') "
      "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2 "
      "AND l.granted AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())",
      key_params(key));
  if (!r || PQntuples(r.get()) == 0) return "";
  const PGresult* p = r.get();
  std::string app = field(p, 0, 1);
  std::string out = "pid " + field(p, 0, 0) + " (application_name '" + app + "'";
  if (!field(p, 0, 2).empty()) out += ", user " + field(p, 0, 2);
  out += ", from " + field(p, 0, 3);
  if (!field(p, 0, 4).empty()) out += ", connected since " + field(p, 0, 4);
  return out + ")";
}

LockAttempt acquire_lock(Connection& lock_conn, LockKey key, double wait_seconds,
                         const std::function<void(const std::string&)>& waiting) {
  LockAttempt a;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + wait_duration(wait_seconds);
  auto backoff = std::chrono::milliseconds(50);
  bool told = false;
  for (;;) {
    auto got = lock_conn.scalar("SELECT pg_catalog.pg_try_advisory_lock($1::integer, $2::integer)", key_params(key),
                                &a.error);
    if (!got) {
      a.outcome = LockOutcome::Error;
      return a;
    }
    if (*got == "t") {
      a.outcome = LockOutcome::Acquired;
      return a;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      a.outcome = LockOutcome::TimedOut;
      a.holder = lock_holder(lock_conn, key);
      return a;
    }
    if (!told && waiting) {
      waiting(lock_holder(lock_conn, key));
      told = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(backoff, left));
    backoff = std::min(backoff * 3 / 2, std::chrono::milliseconds(1000));
  }
}

bool lock_held(Connection& lock_conn, LockKey key) {
  if (!lock_conn.ok()) return false;
  auto got = lock_conn.scalar(
      "SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND classid = $1::oid AND objid = $2::oid "
      "AND objsubid = 2 AND granted AND pid = pg_catalog.pg_backend_pid()",
      key_params(key));
  return got && *got == "1";
}

}  // namespace pgsafe::applier
