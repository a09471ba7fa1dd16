#pragma once
// Seed profiles: the SQL files that fill a development or test database after the migrations.
// Profiles come from .pgsafe.toml [seeds] (dev = "supabase/seed.sql", test = ["seeds/test"]), or
// the folder seeds/<profile>/ of the project. Files load in name order (a folder's .sql files,
// sorted by their path in it), all in one transaction. Before anything runs they are linted
// with the data rules against the schema the migrations build: a seed that drops, truncates or
// deletes every row of a table is refused unless an ignore comment gives the reason.
#include <iosfwd>
#include <string>
#include <vector>

#include "analyzer/config.h"
#include "applier/pg.h"

namespace pgsafe::applier {

struct LocalSet;

struct SeedProfile {
  std::string name;
  std::vector<std::string> files;  // in load order
  std::string looked_in;           // where they were looked for (for "no seed files" messages)
};

// The profile's files. required: a profile named on the command line must exist (a folder or
// file that is missing, or a profile with no file, is an error); otherwise a missing default
// folder simply means no seed. False with why.
bool resolve_seed_profile(const Config& config, const std::string& project_root, const std::string& profile,
                          bool required, SeedProfile& out, std::string& why);

// The rules a seed file must pass (the data rules and what makes a file unrunnable).
const std::vector<std::string>& seed_rules();
// Lint the profile's files after the migrations (history): "file:line:col: rule: message" for
// each error-level finding and each file that could not be read.
std::vector<std::string> lint_seeds(const LocalSet& local, const SeedProfile& profile);

struct SeedRun {
  bool ok = false;
  std::string error;      // "file:line:col: message (detail; hint)" when not ok
  long long rows = 0;     // rows inserted, over every table
  size_t tables = 0;      // tables that got rows
};
// Run the files in one transaction (rolled back on the first error).
SeedRun run_seed_files(Connection& conn, const SeedProfile& profile, std::ostream& err);

}  // namespace pgsafe::applier
