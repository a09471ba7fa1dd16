// empty-migration: a migration that does nothing.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "empty-migration",
    .category = "process",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A migration with no statement that does anything.",
    .rationale =
        "A file with no statements, only comments, or only transaction control (`BEGIN; COMMIT;`) is "
        "recorded as applied while changing nothing. It is almost always a generated file that was "
        "never filled in, or a migration whose content was lost in a merge; once applied anywhere, its "
        "version is used up and adding the intended SQL to it later has no effect on those "
        "environments. Down (rollback) files are not checked by default: leaving one empty is a common "
        "way to mark a migration as irreversible.",
    .help = "Write the migration's statements into the file, or delete the file if it is not needed. If "
            "an empty migration is intended (for instance to keep version numbers in step across "
            "branches), say so: `-- pgsafe-ignore-file empty-migration: <why>`.",
    .bad_example = "-- add the due date to invoices\nBEGIN;\nCOMMIT;",
    .good_example = "-- add the due date to invoices\nALTER TABLE invoices ADD COLUMN due_date date;",
    .options = {{"check_down_files", "bool", "false",
                 "Also report empty down (rollback) migrations, for projects where every migration must be "
                 "reversible."}},
};

class EmptyMigration final : public Rule {
 public:
  void finish_file(const FileContext& ctx, Findings& out) override {
    if (ctx.file.direction == Direction::Down) {
      auto it = ctx.options.find("check_down_files");
      if (it == ctx.options.end() || !it->is_boolean() || !it->get<bool>()) return;
    }
    const pg_query::Node* first_control = nullptr;
    const parser::Statement* first = nullptr;
    for (const auto& s : ctx.parsed.statements()) {
      // A statement that failed to parse is content (syntax-error reports it).
      if (!s.node || !s.node->has_transaction_stmt()) return;
      if (!first_control) {
        first_control = s.node;
        first = &s;
      }
    }
    Finding fnd;
    if (first) {
      fnd.begin = first->begin;
      fnd.end = first->end;
      fnd.message = "this migration only opens and closes a transaction; it would be recorded as applied without changing anything";
    } else {
      fnd.message = "this migration has no SQL statements; it would be recorded as applied without changing anything";
    }
    out.add(std::move(fnd));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(empty_migration, kMeta, EmptyMigration)
