#pragma once
// Per-file migration state, advanced statement by statement. Rules see it as it stood before
// the statement they check.
#include <set>
#include <string>
#include <vector>

namespace pgsafe {

struct FileState {
  // The applier will run the file inside one transaction (it wraps the file unless the file
  // opts out with `-- pgsafe:no-transaction`, or must run outside one).
  bool wrapped_by_applier = true;
  // An explicit BEGIN / START TRANSACTION is open.
  bool in_explicit_transaction = false;
  int explicit_transaction_depth = 0;
  bool in_transaction() const { return wrapped_by_applier || in_explicit_transaction; }

  bool lock_timeout_set = false;
  bool statement_timeout_set = false;

  // Tables created earlier in this file, and since the current transaction began
  // ("schema.name"); lock rules exempt them: nobody else can hold or wait for them yet.
  std::set<std::string> tables_created_in_file;
  std::set<std::string> tables_created_in_transaction;

  // Tables that existed before this file (not created in it) on which the current transaction
  // took ACCESS EXCLUSIVE, in the order they were locked: those locks block every reader and
  // writer until COMMIT. Only tracked inside a transaction; autocommit statements release theirs.
  std::vector<std::string> access_exclusive_in_transaction;
  // Constraints added NOT VALID in the current transaction ("schema.table.constraint"):
  // validating them before COMMIT gives back what NOT VALID bought.
  std::set<std::string> not_valid_constraints_in_transaction;

  // Columns added to existing tables earlier in this file ("schema.table.column").
  std::set<std::string> columns_added_in_file;
  // Indexes created earlier in this file ("schema.index").
  std::set<std::string> indexes_created_in_file;
  // Names this file gave by renaming ("table:schema.name", "column:schema.table.column"):
  // renaming them again (back) breaks nothing the first rename did not.
  std::set<std::string> renamed_to_in_file;
  // Tables emptied (TRUNCATE, DELETE without WHERE) since the current transaction began: adding a
  // NOT NULL column or a validated constraint checks no row.
  std::set<std::string> tables_emptied_in_transaction;
  // Columns whose type this file changed ("schema.table.column").
  std::set<std::string> column_types_changed_in_file;
  // Columns this file dropped ("schema.table.column").
  std::set<std::string> columns_dropped_in_file;
  // Columns this file made NOT NULL ("schema.table.column").
  std::set<std::string> not_null_set_in_file;
  // A down migration checked right after its own up migration, whose objects and renames it
  // starts from: dropping what the up file created, or renaming back, is the intended inverse.
  bool reverts_up = false;

  int statements_seen = 0;

  bool access_exclusive_held(const std::string& qualified) const {
    for (const auto& t : access_exclusive_in_transaction)
      if (t == qualified) return true;
    return false;
  }

  bool created_here(const std::string& qualified) const {
    return tables_created_in_file.count(qualified) > 0;
  }
};

}  // namespace pgsafe
