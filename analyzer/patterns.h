#pragma once
// Schema patterns: tested templates for the migrations that cause incidents when written by hand
// (a table without RLS, a foreign key without its index, a NOT NULL column added in one step).
// Each pattern is a data file, patterns/<name>.toml, compiled into the binary: its options, the
// migrations it writes (steps) and its documentation. Rendering one fills it in from the schema
// the migration set builds (the catalog) and from what the project shows (Supabase or not, its
// index naming, its key types, the target PostgreSQL version).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"
#include "analyzer/migration_set.h"
#include "analyzer/settings.h"

namespace pgsafe::patterns {

struct OptionDef {
  std::string name;
  std::string kind;        // table, new-table, column, new-column, columns, identifier, role, text, sql,
                           // type, integer, choice, enum, label, new-label
  bool required = false;
  std::optional<std::string> default_value;  // a template over the options before it and `project`
  std::string help;
  std::vector<std::string> choices;  // kind choice
  std::string auto_from;   // kind choice: the context path `auto` takes its value from
  std::string of;          // column kinds: the table option; labels: the enum option
};

struct StepDef {
  std::string name;        // appended to the file name when the pattern writes several files
  std::string when;        // a context path that must be truthy, "" for always
  std::string phase;       // "" for every phase
  bool no_transaction = false;
  std::string up, down;
};

struct CheckDef {
  std::string fail_when, message;  // templates: a non-empty fail_when refuses with message
};

struct DerivedDef {
  std::string name, tmpl;
  bool identifier = false;  // rendered as a quoted identifier of at most 63 bytes
  // Identifiers: prefix + tmpl [+ join + second] + suffix. When that passes 63 bytes, the longer of
  // tmpl and second is shortened until it fits, as PostgreSQL shortens the names it makes itself
  // (orders_customer_id_fkey); prefix, join and suffix are kept whole.
  std::string prefix, join = "_", second;
  std::string suffix;
  std::string unused;       // identifiers: "index", "constraint" or "policy": the name must be free (on the table)
};

struct PatternDef {
  std::string name, summary, description, example;
  std::vector<OptionDef> options;
  std::vector<DerivedDef> derived;
  std::vector<CheckDef> checks;
  std::vector<std::string> require_one_of;
  std::vector<StepDef> steps;
  const OptionDef* option(const std::string& name) const;
};

// Every pattern, in name order; the shared fragments ({{> name}}).
const std::vector<PatternDef>& all_patterns();
const PatternDef* find_pattern(const std::string& name);
const std::map<std::string, std::string>& fragments();
// The data file a pattern comes from (patterns/<name>.toml), as compiled in.
std::string pattern_source(const std::string& name);

// What the project shows, for the patterns' `project` context.
struct ProjectFacts {
  bool supabase = false;
  bool exposed = false;
  int pg_version = 17;
  std::string default_schema = "public";
  bool qualify_public = false;   // the project writes public.table
  std::string id_type = "bigint";
  std::string api_role;          // "" when none is known
  std::string idx_pre, idx_mid = "_", idx_suf = "_idx";
  std::string lock_timeout = "5s";
};

ProjectFacts observe_project(const MigrationSet& set, const std::map<std::string, std::string>& texts,
                             const Catalog& catalog, const Settings& settings);

struct RenderedStep {
  std::string name;
  bool no_transaction = false;
  std::string up, down;  // down "" when the step has none
};

struct RenderResult {
  std::vector<RenderedStep> steps;
  std::vector<std::string> errors;  // what the user must change (unknown table, missing option, ...)
  nlohmann::json context;           // what the templates saw (for tests and --explain)
};

// Fills the pattern in. `options` maps option names to the values given ("" means not given).
RenderResult render_pattern(const PatternDef& pattern, const std::map<std::string, std::string>& options,
                            const Catalog& catalog, const ProjectFacts& project);

// Markdown documentation of a pattern (docs/patterns/<name>.md) and the index (README.md).
std::string pattern_doc(const PatternDef& pattern);
std::string patterns_index_doc();

}  // namespace pgsafe::patterns
