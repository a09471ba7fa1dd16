#pragma once
// The applier's exit codes. Each says what kind of failure it was, so CI can react to it.
namespace pgsafe::applier::exit_code {

inline constexpr int kOk = 0;           // done, or nothing to do
inline constexpr int kLintRefused = 1;  // the lint gate refused a file
inline constexpr int kDrift = 1;        // pgsafe drift: the database differs from the applied migrations
inline constexpr int kUsage = 2;        // usage, config or input error
inline constexpr int kValidation = 3;   // checksum mismatch, applied file missing, out of order, drift
inline constexpr int kLockTimeout = 4;  // the migration lock was not free within --lock-wait
inline constexpr int kConnection = 5;   // could not connect or authenticate
inline constexpr int kFailed = 6;       // a migration failed and was rolled back
inline constexpr int kInterrupted = 7;  // a non-transactional migration is running/failed: repair needed
inline constexpr int kApproval = 8;     // approval required, or the approved plan hash is not the current plan
// reset, seed: the database is not a local development database (another host, or tagged
// staging/production): refused whatever the flags
inline constexpr int kNotLocal = 9;

}  // namespace pgsafe::applier::exit_code
