#include "applier/hints.h"

namespace pgsafe::applier {

namespace {

struct HintRow {
  const char* sqlstate;
  const char* name;
  const char* hint;
};

constexpr HintRow kHints[] = {
    {"42P07", "duplicate_table",
     "the relation already exists: it was created outside this migration set or by an earlier file; make the "
     "statement idempotent (CREATE ... IF NOT EXISTS) or remove the duplicate"},
    {"42701", "duplicate_column", "the column already exists: use ADD COLUMN IF NOT EXISTS or remove the duplicate"},
    {"42710", "duplicate_object",
     "the object already exists: make the statement idempotent or check whether it was created by hand"},
    {"42P06", "duplicate_schema", "the schema already exists: use CREATE SCHEMA IF NOT EXISTS"},
    {"42723", "duplicate_function", "the function already exists: use CREATE OR REPLACE FUNCTION"},
    {"42703", "undefined_column",
     "the column does not exist (yet): check the order of the migrations and that the file it depends on comes first"},
    {"42P01", "undefined_table",
     "the table does not exist (yet): check the order of the migrations, the schema (search_path), and that the file "
     "creating it comes first"},
    {"42704", "undefined_object", "the object does not exist (yet): check the order of the migrations and its dependencies"},
    {"42883", "undefined_function",
     "the function does not exist with these argument types: check the order of the migrations, the argument types, "
     "and whether an extension must be created first"},
    {"3F000", "invalid_schema_name", "the schema does not exist (yet): create it in an earlier migration"},
    {"42501", "insufficient_privilege",
     "the migration role lacks a privilege: GRANT it to the role pgsafe connects as, or run the migration as the "
     "object's owner"},
    {"23505", "unique_violation",
     "existing rows conflict with the unique constraint: deduplicate them first, or use INSERT ... ON CONFLICT"},
    {"23503", "foreign_key_violation",
     "rows reference missing parents: fix or delete the orphans first, or add the constraint NOT VALID and "
     "VALIDATE it after cleaning up"},
    {"23502", "not_null_violation", "existing rows have NULLs: backfill them before adding NOT NULL"},
    {"23514", "check_violation", "existing rows break the check: fix them first, or add it NOT VALID and VALIDATE later"},
    {"55P03", "lock_not_available",
     "lock_timeout expired waiting for a lock another session holds: retry later (pgsafe apply is safe to re-run), "
     "find the blocker in pg_stat_activity, or raise --lock-timeout"},
    {"57014", "query_canceled",
     "statement_timeout expired: the statement ran too long; split the work (batches, CONCURRENTLY) or raise "
     "--statement-timeout"},
    {"40P01", "deadlock_detected",
     "deadlock with another session: retry later; take locks in a consistent order and keep migrations short"},
    {"25001", "active_sql_transaction",
     "this statement cannot run inside a transaction: put it alone in its own file, or mark the file "
     "`-- pgsafe:no-transaction`"},
    {"42601", "syntax_error", "PostgreSQL rejected the syntax: run `pgsafe lint` on the file"},
    {"42804", "datatype_mismatch", "types do not match: add an explicit cast or USING clause"},
    {"22P02", "invalid_text_representation", "existing data cannot be converted: clean it up first or add a USING clause"},
};

}  // namespace

std::string fix_hint(const std::string& sqlstate) {
  for (const auto& h : kHints)
    if (sqlstate == h.sqlstate) return h.hint;
  return "";
}

std::string condition_name(const std::string& sqlstate) {
  for (const auto& h : kHints)
    if (sqlstate == h.sqlstate) return h.name;
  return "";
}

}  // namespace pgsafe::applier
