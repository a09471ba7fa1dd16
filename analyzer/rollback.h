#pragma once
// `pgsafe rollback-plan`: how to undo a migration that failed half-way or did harm, as a
// fix-forward migration (a new file that reverses it), derived from the catalog before and after
// each of its statements; what no migration can undo (dropped data, enum values); and the
// layout's down file when there is one. pgsafe never rolls anything back by itself.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/migration_set.h"

namespace pgsafe {

struct RollbackStep {
  std::string sql;           // one statement, ending with ';'
  std::string note;          // what it costs or what to check, "" when nothing
  bool outside_transaction = false;  // DROP/CREATE INDEX CONCURRENTLY: its own file
  std::string table;         // the table it changes ("schema.name"), "" for other objects
  // A destructive step is what reversing means here: the rule it trips, suppressed in the written
  // migration with the reason (a reviewer sees both).
  std::string ignore;
};

struct RollbackPlan {
  std::string path;                         // the migration
  std::string version;
  std::vector<RollbackStep> forward;        // the reversing migration, in the order to run it
  std::vector<std::string> irreversible;    // what no migration can give back
  std::vector<std::string> review;          // statements with no derived inverse
  std::string down_path;                    // the layout's down file for this version, "" when none
  std::vector<std::string> errors;          // files that could not be read
};

// The plan for set.files[target] (an up file), replaying the files before it.
RollbackPlan rollback_plan(const MigrationSet& set, size_t target);

nlohmann::json rollback_json(const RollbackPlan& plan);
// The fix-forward migration as SQL: an intent header, the transactional steps, and the steps that
// must run outside a transaction marked for their own file.
std::string rollback_sql(const RollbackPlan& plan);

}  // namespace pgsafe
