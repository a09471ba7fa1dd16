#pragma once
// The markdown report's "tables these migrations touch", from the migration plan: the CLI builds
// the plan and turns it into plain data, so the reporter only formats.
#include <vector>

#include "analyzer/plan.h"
#include "reporters/reporter.h"

namespace pgsafe::cli {

// For every planned file, the tables it creates, alters, drops, rewrites or locks, each with the
// strongest lock the file takes on it. Relations the plan knows as something else (an index, a
// view, a sequence...) are left out; a relation it knows nothing of counts as a table, since
// ALTER TABLE and LOCK name tables. Files touching no table are left out.
std::vector<report::FileTables> affected_tables(const Plan& plan);

// PostgreSQL's table lock modes from weakest to strongest: 1 (ACCESS SHARE) .. 8 (ACCESS
// EXCLUSIVE); 0 for a name that is not one.
int lock_strength(const std::string& mode);

}  // namespace pgsafe::cli
