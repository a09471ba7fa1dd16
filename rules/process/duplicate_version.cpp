// duplicate-version: two migrations of the set claim the same version.
#include "analyzer/rule.h"
#include "analyzer/work_counters.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "duplicate-version",
    .category = "process",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Two migrations with the same version.",
    .rationale =
        "Migration tools record what they applied by version. When two files share one, the second is "
        "rejected (Supabase and dbmate hit the primary key of their migrations table, golang-migrate and "
        "Flyway refuse to start), or silently treated as already applied, so its changes never reach "
        "some environments. It usually happens when two branches each add a migration with a "
        "hand-written or copied version and are merged. An up migration and its own down (or undo) file "
        "sharing a version is the normal layout and is not reported; versions are compared as numbers, "
        "so `0001` and `1` collide, as they do in the tools. Prisma is the exception: it keys a migration "
        "by its whole folder name, so `20240528214728_add_index_01` and `20240528214728_add_index_02` are "
        "two migrations, applied in name order, and are not reported.",
    .help = "Give the newer migration a new, later version (regenerate its name with the tool, e.g. "
            "`20240517093001_...`) and check that it still makes sense after the other one. Never renumber "
            "a migration that has already been applied somewhere: renumber the one that has not. Findings "
            "about a whole file are suppressed with `-- pgsafe-ignore-file duplicate-version: <why>`.",
    .bad_example = "-- migrations/20240517093000_add_invoice_due_date.sql (merged from branch A)\n"
                   "ALTER TABLE invoices ADD COLUMN due_date date;\n"
                   "-- migrations/20240517093000_add_customer_vat_id.sql (merged from branch B)\n"
                   "ALTER TABLE customers ADD COLUMN vat_id text;",
    .good_example = "-- migrations/20240517093000_add_invoice_due_date.sql\n"
                    "ALTER TABLE invoices ADD COLUMN due_date date;\n"
                    "-- migrations/20240517101500_add_customer_vat_id.sql (renumbered after the merge)\n"
                    "ALTER TABLE customers ADD COLUMN vat_id text;",
};

const char* direction_word(Direction d) { return d == Direction::Down ? "down migration" : "migration"; }

class DuplicateVersion final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    const auto& files = ctx.set.files;
    // Prisma keys a migration by its whole folder name (`20240528214728_add_index_01` and `..._02`
    // both apply, in name order): two folders can never collide.
    if (ctx.set.layout == Layout::Prisma) return;
    // The set is ordered by version, then direction, then path: files sharing a version and a
    // direction are neighbours (one pass, no pairwise compare).
    for (size_t i = 0; i < files.size();) {
      size_t j = i + 1;
      if (!files[i].version.empty() && files[i].direction != Direction::Repeatable)
        while (j < files.size() && files[j].direction == files[i].direction && !files[j].version.empty() &&
               (count_work(work_counters().version_comparisons), compare_versions(files[j].version, files[i].version) == 0))
          ++j;
      std::vector<size_t> group;
      for (size_t k = i; k < j; ++k) group.push_back(k);
      i = j;
      if (group.size() < 2) continue;
      // Report each linted file after the first, naming the first. The first is reported only
      // when nothing after it is linted (a new file that collides with the history).
      bool later_linted = false;
      for (size_t k = 1; k < group.size(); ++k) later_linted = later_linted || !files[group[k]].history_only;
      for (size_t k = 0; k < group.size(); ++k) {
        const MigrationFile& f = files[group[k]];
        if (f.history_only) continue;
        if (k == 0 && later_linted) continue;
        const MigrationFile& other = files[group[k == 0 ? 1 : 0]];
        Finding fnd;
        fnd.message = std::string(direction_word(f.direction)) + " version " + f.version + " is also used by " +
                      other.path + (other.history_only ? " (already in the history)" : "") +
                      "; the migration tool will reject one of them or treat it as already applied";
        fnd.file = static_cast<int>(group[k]);
        out.add(std::move(fnd));
      }
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(duplicate_version, kMeta, DuplicateVersion)
