#pragma once
// `pgsafe new`: the next migration file(s) of a project, named and numbered as its layout wants,
// with a version strictly after every existing one (also when the clock is behind the newest file
// or two files are made in the same second).
#include <ctime>
#include <string>
#include <vector>

#include "analyzer/migration_set.h"
#include "analyzer/patterns.h"

namespace pgsafe {

struct NewMigrationRequest {
  std::string description;
  std::string dir;                         // the migrations folder
  Layout layout = Layout::Timestamp;       // resolved, not Auto
  std::vector<MigrationFile> existing;     // the set already in dir
  std::vector<patterns::RenderedStep> steps;  // empty: one file with an empty body
  std::string pattern;                     // for the step headers; "" without a pattern
  std::time_t now = 0;
  bool dbmate = false;                     // the project's files use `-- migrate:up` sections
};

struct NewFile {
  std::string path;
  std::string content;
};

struct NewMigrationPlan {
  std::vector<NewFile> files;     // in the order they apply
  std::string journal_path;       // Drizzle: meta/_journal.json rewritten with the new entries ("" otherwise)
  std::string journal_content;
  std::vector<std::string> errors;
  std::vector<std::string> notes;  // what the user should know (said on stderr), e.g. a tool's limits
};

// "Add customer VAT id!" -> "add_customer_vat_id" ("" when nothing is left).
std::string migration_slug(const std::string& description);

// The files to write (nothing is written).
NewMigrationPlan plan_new_migration(const NewMigrationRequest& request);

// Writes the plan: every file is created new (an existing one is never replaced), and on any
// failure the files already created are removed, so a failed `new` leaves nothing half-made.
bool write_new_migration(const NewMigrationPlan& plan, std::string& error);

// Which layout a folder of migrations uses, from its files, else from its path (prisma/migrations,
// supabase/migrations, db/migration for Flyway, drizzle, ...). Timestamp when nothing tells.
Layout layout_for_folder(const std::string& dir, const std::vector<MigrationFile>& existing);

}  // namespace pgsafe
