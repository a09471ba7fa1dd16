#pragma once
// The migration lock: a session advisory lock held by a dedicated, otherwise idle connection.
// It is taken by polling pg_try_advisory_lock, never by a blocking pg_advisory_lock: a waiting
// blocked call keeps a transaction open, and CREATE INDEX CONCURRENTLY run by the holder would
// wait for that transaction forever (Flyway #1654, golang-migrate #960).
#include <cstdint>
#include <functional>
#include <string>

#include "applier/pg.h"

namespace pgsafe::applier {

struct LockKey {
  int32_t classid = 0;
  int32_t objid = 0;
};
// The key for one history schema: pgsafe's fixed class id and a hash of the schema name.
LockKey lock_key(const std::string& history_schema);

enum class LockOutcome { Acquired, TimedOut, Error };

struct LockAttempt {
  LockOutcome outcome = LockOutcome::Error;
  std::string holder;  // "pid 1234 (pgsafe/0.1.0, started 2026-...)" when known
  PgError error;
};

// Poll until the lock is ours or wait_seconds have passed. waiting(holder) is called once
// when the lock is busy, so the terminal can say who holds it.
LockAttempt acquire_lock(Connection& lock_conn, LockKey key, double wait_seconds,
                         const std::function<void(const std::string&)>& waiting);
// True while lock_conn is alive and still holds the lock.
bool lock_held(Connection& lock_conn, LockKey key);
// Who holds the lock now, "" when nobody (or unknown).
std::string lock_holder(Connection& conn, LockKey key);

}  // namespace pgsafe::applier
