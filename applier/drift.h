#pragma once
// Drift: the live database's schema (pg_catalog) against pgsafe's catalog replayed from the
// migrations the history says were applied. What PostgreSQL rewrites (casts, parentheses, type
// aliases, default names) is normalised away; what the catalog does not know is skipped, never
// reported. Used by `pgsafe drift`, and meant for `apply --allow-drift` and `status`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "applier/history.h"
#include "applier/local_set.h"
#include "applier/pg.h"

namespace pgsafe::applier {

struct DriftItem {
  std::string kind;         // "missing" (in the files, not in the database), "extra" (made by hand), "different"
  std::string object_type;  // schema, extension, type, table, view, function, column, constraint, index, policy, rls, grant
  std::string object;       // the object the difference is about: "public.users", "public.users_email_idx"
  std::string table;        // for columns, constraints, indexes, policies, RLS and grants: "schema.table"
  std::string attribute;    // what differs, e.g. "column email: type", "" for missing/extra objects
  std::string expected;     // as in the migrations ("" when missing there)
  std::string actual;       // as in the database ("" when missing there)
  // SQL that brings the migrations up to the database for this difference (for a capture
  // migration), written so that running it on that database changes nothing; "" when there is
  // no such statement, in which case fix_note says what a person must decide.
  std::string fix_sql;
  std::string fix_note;
  bool fix_above = false;   // the fix is a statement already given for an earlier item (fix_sql then "")
  std::string message() const;  // one line: "table public.users: column email: type text in migrations, ..."
};

struct DriftReport {
  std::vector<DriftItem> items;  // ordered by object, then attribute
  bool compared = false;         // false: the comparison could not run (see error)
  bool history_used = false;     // false: no history rows, every local up file counted as applied
  std::string note;              // what was assumed or skipped, for the reader ("" when nothing)
  std::vector<std::string> schemas;  // the schemas compared
  int applied_files = 0;         // files replayed into the expected catalog
  long long ms = 0;              // time taken by compute_drift
};

// Compare the database behind conn (already open; call inside a read-only transaction, e.g.
// BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY) with the catalog replayed from the local up
// files that history records as applied or baseline. A fixed handful of catalog queries,
// whatever the number of tables. False with error when a query failed.
bool compute_drift(Connection& conn, const LocalSet& local, const History& history, const std::string& history_schema,
                   DriftReport& out, std::string& error);

// Differences the pending files account for are not drift: a captured hotfix (`pgsafe drift
// --emit-migration`) that is pending makes the files agree with the database. Removes from
// `report` every difference that is gone with `pending` counted as applied too, matched by object
// (a pending `ADD COLUMN IF NOT EXISTS c bigint` turns a hand-made `c integer` from extra into
// different, and PostgreSQL would skip it: still drift). `explained` counts what was removed.
bool discount_pending(Connection& conn, const LocalSet& local, const History& history,
                      const std::vector<const LocalMigration*>& pending, const std::string& history_schema,
                      DriftReport& report, size_t& explained, std::string& error);

nlohmann::json drift_to_json(const DriftReport& report);

}  // namespace pgsafe::applier
