// adding-required-field: ADD COLUMN ... NOT NULL without a DEFAULT on a table that exists.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "adding-required-field",
    .category = "locking",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "ADD COLUMN ... NOT NULL without a DEFAULT fails on any table that has rows.",
    .rationale =
        "Existing rows would get NULL in the new column, which the NOT NULL constraint forbids, so the "
        "statement fails as soon as the table holds a single row: the migration passes on an empty "
        "development database and breaks in production. It also takes an ACCESS EXCLUSIVE lock on the table "
        "(blocking every read and write) while it runs. Identity, serial and generated columns have values "
        "and are not reported; tables created earlier in the same file or transaction are exempt.",
    .help = "Either give the column a constant DEFAULT (instant from PostgreSQL 11: `ADD COLUMN c boolean NOT "
            "NULL DEFAULT false`), or add it nullable, backfill it, and add the constraint without a long lock:\n"
            "  ALTER TABLE t ADD COLUMN c text;\n"
            "  -- backfill in batches, then:\n"
            "  ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID;\n"
            "  ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;   -- separate migration\n"
            "  ALTER TABLE t ALTER COLUMN c SET NOT NULL;         -- PostgreSQL 12+: no scan\n"
            "  ALTER TABLE t DROP CONSTRAINT t_c_not_null;",
    .bad_example = "ALTER TABLE orders ADD COLUMN currency text NOT NULL;",
    .good_example = "ALTER TABLE orders ADD COLUMN currency text NOT NULL DEFAULT 'EUR';",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes)",
};

class AddingRequiredField final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::for_each_cmd_on_existing(ctx, [&](const pg_query::AlterTableStmt& s, const pg_query::AlterTableCmd& cmd) {
      if (cmd.subtype() != pg_query::AT_AddColumn || !cmd.def().has_column_def()) return;
      const auto& def = cmd.def().column_def();
      const auto* nn = locking::column_constraint(def, pg_query::CONSTR_NOTNULL);
      bool primary = locking::column_constraint(def, pg_query::CONSTR_PRIMARY) != nullptr;
      if ((!nn && !primary && !def.is_not_null()) || locking::is_serial(def)) return;
      if (locking::column_constraint(def, pg_query::CONSTR_DEFAULT) || locking::column_constraint(def, pg_query::CONSTR_IDENTITY) ||
          locking::column_constraint(def, pg_query::CONSTR_GENERATED) || def.has_raw_default())
        return;
      std::string table = sql_name(s.relation());
      out.add(ctx.at_location(nn ? nn->location() : def.location(),
                              "adding column " + sql_ident(def.colname()) + " as NOT NULL without a DEFAULT fails as soon as " +
                                  table + " has a row; ALTER TABLE " + locking::takes("ACCESS EXCLUSIVE", table)));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(adding_required_field, kMeta, AddingRequiredField)
