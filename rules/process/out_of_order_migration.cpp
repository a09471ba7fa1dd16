// out-of-order-migration: a new migration whose version sorts before one already in the committed
// history (applied by the database, or on the default branch).
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "out-of-order-migration",
    .category = "process",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A new migration older than migrations already merged or applied.",
    .rationale =
        "A migration added on a branch keeps the version it was created with; when the branch is merged "
        "after others that added newer migrations, the new file sorts before migrations already in the "
        "history. Most tools then skip or reject it: `pgsafe apply` refuses it (exit 3, unless "
        "--allow-out-of-order), Flyway fails validation (outOfOrder is false by default), Supabase's "
        "`db push` stops (\"Found local migration files to be inserted before the last migration on remote "
        "database\", unless --include-all), and golang-migrate and Drizzle never apply it at all: they only "
        "keep the latest version they reached. Prisma and Diesel do apply it late, but after the newer "
        "migrations, while a fresh database runs it before them, so environments can end up applying "
        "dependent changes in different orders: in those layouts the finding is a warning, except with "
        "--db, where `pgsafe apply` is the tool and refuses it (dbmate behaves like Prisma but shares its "
        "file names with Supabase, so that layout stays an error). The history is only what pgsafe can "
        "know, never a guess: with `lint --db`, the versions that database has applied (a pending file "
        "older than the newest applied one is reported); otherwise the default branch of the git "
        "repository pgsafe runs in (origin/HEAD, else origin/main, origin/master, main or master): a file "
        "the branch does not have yet, older than the newest migration of the set the branch has, is "
        "reported, and files already on the branch never are (they are merged; renaming them would break "
        "the databases that applied them). With no database, outside a git repository, without a default "
        "branch, or for files outside the repository, the rule stays silent. Only up migrations count: "
        "down and undo files follow their up file, and repeatable migrations have no version.",
    .help = "Rename the new migration to a version after the newest one in the history (`pgsafe new "
            "<description>` creates the next version; move the SQL into it) and check that it still makes "
            "sense after the migrations merged before it. When it is really independent of them, apply it "
            "out of order on purpose instead: `pgsafe apply --allow-out-of-order` (Flyway `outOfOrder=true`, "
            "`supabase db push --include-all`) and suppress the finding with "
            "`-- pgsafe-ignore-file out-of-order-migration: <why it is independent>`.",
    .bad_example = "-- migrations/20240601120000_create_orders.sql (on main)\n"
                   "CREATE TABLE orders (id bigint PRIMARY KEY);\n"
                   "-- migrations/20240520090000_add_invoice_due_date.sql (new, from a branch merged late)\n"
                   "ALTER TABLE invoices ADD COLUMN due_date date;",
    .good_example = "-- migrations/20240601120000_create_orders.sql (on main)\n"
                    "CREATE TABLE orders (id bigint PRIMARY KEY);\n"
                    "-- migrations/20240603101500_add_invoice_due_date.sql (new, renamed after the merge)\n"
                    "ALTER TABLE invoices ADD COLUMN due_date date;",
};

// What the layout's tool does with a migration older than the newest one it applied.
std::string consequence(Layout layout) {
  switch (layout) {
    case Layout::Timestamp:
      return "`supabase db push` refuses it (dbmate applies it late, in another order than a fresh database)";
    case Layout::GolangMigrate: return "golang-migrate never applies it (it only keeps the latest version)";
    case Layout::Flyway: return "Flyway fails validation (outOfOrder is false by default)";
    case Layout::Drizzle: return "Drizzle never applies it (it only keeps the latest migration's timestamp)";
    default: return "most migration tools refuse it or never apply it";
  }
}

bool counts(const MigrationFile& f) { return f.direction == Direction::Up && !f.version.empty(); }

class OutOfOrderMigration final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    const MigrationSet& set = ctx.set;
    if (set.committed_source == CommittedSource::None) return;
    const bool database = set.committed_source == CommittedSource::Database;
    // The newest committed up migration (the set is ordered by version: the last one wins).
    const MigrationFile* newest = nullptr;
    for (const auto& f : set.files)
      if (f.committed && counts(f) &&
          (!newest || compare_versions(f.version, newest->version) >= 0))
        newest = &f;
    std::string newest_version = newest ? newest->version : "";
    // Applied, then deleted: the database still has a newer version than any file.
    if (database && !set.newest_applied_version.empty() &&
        (newest_version.empty() || compare_versions(set.newest_applied_version, newest_version) > 0)) {
      newest = nullptr;
      newest_version = set.newest_applied_version;
    }
    if (newest_version.empty()) return;
    const std::string newest_name = newest ? newest->path + " (version " + newest_version + ")" : "version " + newest_version;
    // Prisma and Diesel apply a late migration (after the newer ones); with --db, pgsafe apply is
    // the tool, and it refuses it whatever the layout.
    const bool applied_late = !database && (set.layout == Layout::Prisma || set.layout == Layout::Diesel);
    for (size_t i = 0; i < set.files.size(); ++i) {
      const MigrationFile& f = set.files[i];
      if (f.history_only || f.committed || !counts(f)) continue;
      if (compare_versions(f.version, newest_version) >= 0) continue;
      Finding fnd;
      fnd.file = static_cast<int>(i);
      if (database) {
        fnd.message = "pending migration version " + f.version + " is older than " + newest_name +
                      ", the newest migration database \"" + set.committed_where +
                      "\" has applied; `pgsafe apply` refuses it (exit 3) unless --allow-out-of-order";
      } else if (applied_late) {
        fnd.severity = Severity::Warning;
        fnd.message = "new migration version " + f.version + " is older than " + newest_name + ", already on " +
                      set.committed_where + "; " + (set.layout == Layout::Prisma ? "Prisma" : "Diesel") +
                      " applies it after that one in existing databases but before it in a fresh one";
      } else {
        fnd.message = "new migration version " + f.version + " is older than " + newest_name + ", already on " +
                      set.committed_where + "; " + consequence(set.layout);
      }
      fnd.help = "Rename it to a version after " + newest_version +
                 " (`pgsafe new <description>` creates the next version; move the SQL into it), or, if it is "
                 "independent of the migrations after it, apply it with `pgsafe apply --allow-out-of-order` and "
                 "suppress this with `-- pgsafe-ignore-file out-of-order-migration: <why>`.";
      out.add(std::move(fnd));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(out_of_order_migration, kMeta, OutOfOrderMigration)
