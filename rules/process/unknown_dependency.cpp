// unknown-dependency: a `-- depends-on:` header naming a migration that is missing or runs later.
#include <cctype>
#include <map>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "unknown-dependency",
    .category = "process",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A `-- depends-on:` header naming a migration that does not exist or does not run earlier.",
    .rationale =
        "A `-- depends-on: <version>` line at the top of a migration records that it needs another "
        "migration applied first (a table, a function, a backfill). When that migration is missing "
        "from the set (a branch not merged yet, a file renamed or squashed) or sorts after this one "
        "(two branches picked versions in the wrong order), the migration fails when it is applied, or "
        "worse, succeeds against the wrong schema. The dependency is matched against every migration "
        "pgsafe knows, including the history given with --migrations-dir, by version (compared as "
        "numbers, like the tools do) or by file name with or without `.sql`. Several dependencies may "
        "be listed, separated by commas or on several lines; the header must come before the first "
        "statement. Errors, because the order is wrong for every environment.",
    .help = "Check the named version. If the migration it names is on another branch, merge that first; "
            "if it sorts after this one, give this migration a newer version (never renumber one that is "
            "already applied somewhere); if the dependency was squashed or renamed, update the header.",
    .bad_example = "-- migrations/20240101000000_create_invoices.sql\n"
                   "CREATE TABLE invoices (id bigint PRIMARY KEY);\n"
                   "-- migrations/20240102000000_add_due_date.sql\n"
                   "-- depends-on: 20240301000000\n"
                   "ALTER TABLE invoices ADD COLUMN due_date date;",
    .good_example = "-- migrations/20240101000000_create_invoices.sql\n"
                    "CREATE TABLE invoices (id bigint PRIMARY KEY);\n"
                    "-- migrations/20240102000000_add_due_date.sql\n"
                    "-- depends-on: 20240101000000\n"
                    "ALTER TABLE invoices ADD COLUMN due_date date;",
};

struct Dependency {
  std::string name;
  uint32_t begin = 0, end = 0;  // the name in the header
};

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Whether `dep` names file f: its version, its file name, or its file name without ".sql"; for
// folder layouts (Prisma, Diesel) the folder name.
bool names_file(const std::string& dep, const MigrationFile& f) {
  if (!f.version.empty() && compare_versions(dep, f.version) == 0) {
    bool numeric = !dep.empty();
    for (char c : dep) numeric = numeric && (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_');
    if (numeric) return true;
  }
  std::string file = base_name(f.path);
  if (dep == file) return true;
  if (file.size() > 4 && file.compare(file.size() - 4, 4, ".sql") == 0 && dep == file.substr(0, file.size() - 4)) return true;
  size_t slash = f.path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = f.path.substr(0, slash);
    if (dep == base_name(dir)) return true;
  }
  return false;
}

class UnknownDependency final : public Rule {
 public:
  void finish_file(const FileContext& ctx, Findings&) override {
    const std::string& text = ctx.source.text();
    uint32_t first_statement = static_cast<uint32_t>(text.size());
    for (const auto& s : ctx.parsed.statements())
      if (s.parent < 0) {
        first_statement = s.begin;
        break;
      }
    std::vector<Dependency> deps;
    for (const auto& c : ctx.parsed.comments()) {
      if (c.begin >= first_statement) break;
      if (c.block) continue;
      uint32_t i = c.begin + 2;
      while (i < c.end && (text[i] == ' ' || text[i] == '\t')) ++i;
      static const std::string key = "depends-on:";
      if (c.end - i < key.size()) continue;
      std::string head = text.substr(i, key.size());
      for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (head != key) continue;
      i += static_cast<uint32_t>(key.size());
      // Comma- or blank-separated names.
      while (i < c.end) {
        while (i < c.end && (text[i] == ' ' || text[i] == '\t' || text[i] == ',' || text[i] == '\r')) ++i;
        uint32_t b = i;
        while (i < c.end && text[i] != ' ' && text[i] != '\t' && text[i] != ',' && text[i] != '\r') ++i;
        if (i > b) deps.push_back(Dependency{text.substr(b, i - b), b, i});
      }
    }
    if (!deps.empty()) deps_[ctx.file.index] = std::move(deps);
  }

  void finish_set(const SetContext& ctx, Findings& out) override {
    const auto& files = ctx.set.files;
    for (const auto& [index, deps] : deps_) {
      if (index < 0 || static_cast<size_t>(index) >= files.size()) continue;
      for (const auto& d : deps) {
        int earlier = -1, later = -1;
        for (size_t j = 0; j < files.size(); ++j) {
          if (static_cast<int>(j) == index || !names_file(d.name, files[j])) continue;
          if (static_cast<int>(j) < index) earlier = static_cast<int>(j);
          else if (later < 0) later = static_cast<int>(j);
        }
        if (earlier >= 0) continue;
        bool self = names_file(d.name, files[static_cast<size_t>(index)]);
        Finding f;
        f.begin = d.begin;
        f.end = d.end;
        f.file = index;
        if (self && later < 0)
          f.message = "depends on " + d.name + ", which is this migration itself: a dependency must run earlier";
        else if (later >= 0)
          f.message = "depends on " + d.name + ", but " + files[static_cast<size_t>(later)].path +
                      " runs after this migration: applying in order fails or runs against the wrong schema";
        else
          f.message = "depends on " + d.name + ", which is not a migration of this set (nor of its history)";
        out.add(std::move(f));
      }
    }
  }

 private:
  std::map<int, std::vector<Dependency>> deps_;  // by file index, for linted files
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(unknown_dependency, kMeta, UnknownDependency)
