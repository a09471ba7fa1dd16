// adding-field-with-default: ADD COLUMN whose default forces a rewrite of the whole table.
#include "analyzer/catalog_expr.h"
#include "analyzer/volatility.h"
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "adding-field-with-default",
    .category = "locking",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "ADD COLUMN with a volatile default, serial, identity or stored generated column rewrites the table.",
    .rationale =
        "ALTER TABLE ... ADD COLUMN takes an ACCESS EXCLUSIVE lock on the table, blocking every read and write. "
        "From PostgreSQL 11 a column whose DEFAULT is a constant or a stable expression (`false`, `0`, "
        "`'{}'::jsonb`, `now()`, CURRENT_TIMESTAMP) is added instantly: the value is evaluated once and kept "
        "in the catalog. A volatile default (`gen_random_uuid()`, `random()`, `clock_timestamp()`, "
        "`nextval(...)`, any function PostgreSQL does not ship as immutable or stable), a serial or identity "
        "column and a GENERATED ALWAYS AS (...) STORED column need a value computed per row (a VIRTUAL one, "
        "PostgreSQL 18's default kind, is computed on read and rewrites nothing), so PostgreSQL "
        "rewrites the whole table and all its indexes while holding that lock; before PostgreSQL 11 every "
        "non-NULL default does. pgsafe knows the volatility of built-in functions from pg_proc (generated "
        "by scripts/gen_volatility.sh) and treats unknown functions as volatile. The target version comes "
        "from `pg_version` (default 17). Tables created earlier in the same file or transaction are exempt.",
    .help = "Add the column without the default (or with a constant one), set the default for new rows in a "
            "second statement, then backfill existing rows in small batches outside the migration:\n"
            "  ALTER TABLE t ADD COLUMN c uuid;\n"
            "  ALTER TABLE t ALTER COLUMN c SET DEFAULT gen_random_uuid();\n"
            "  -- backfill: UPDATE t SET c = gen_random_uuid() WHERE id BETWEEN ... AND c IS NULL;\n"
            "For an identity or serial key, add a plain bigint column, attach a sequence with SET DEFAULT "
            "nextval(...), and backfill the same way.",
    .bad_example = "ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();",
    .good_example = "ALTER TABLE orders ADD COLUMN public_id uuid;\n"
                    "ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();\n"
                    "ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) for the whole rewrite",
};

bool is_null_literal(const pg_query::Node& n) {
  if (n.has_a_const()) return n.a_const().isnull();
  if (n.has_type_cast() && n.type_cast().has_arg()) return is_null_literal(n.type_cast().arg());
  return false;
}

class AddingFieldWithDefault final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::for_each_cmd_on_existing(ctx, [&](const pg_query::AlterTableStmt& s, const pg_query::AlterTableCmd& cmd) {
      if (cmd.subtype() != pg_query::AT_AddColumn || !cmd.def().has_column_def()) return;
      const auto& def = cmd.def().column_def();
      std::string why;
      int location = def.location();
      if (locking::is_serial(def)) {
        why = "a " + tree::last_name(def.type_name().names()) + " column takes its values from a sequence (volatile nextval())";
      } else if (const auto* id = locking::column_constraint(def, pg_query::CONSTR_IDENTITY)) {
        why = "an identity column needs a sequence value for every existing row";
        location = id->location();
      } else if (const auto* gen = locking::column_constraint(def, pg_query::CONSTR_GENERATED)) {
        // PostgreSQL 18 VIRTUAL columns (the default kind there) are computed on read: no rewrite.
        if (gen->generated_kind() == "v") return;
        why = "a stored generated column is computed for every existing row";
        location = gen->location();
      } else if (const auto* d = locking::column_constraint(def, pg_query::CONSTR_DEFAULT); d && d->has_raw_expr()) {
        if (is_null_literal(d->raw_expr())) return;
        std::string expr = expr_sql(d->raw_expr());
        location = d->location();
        if (ctx.settings.pg_version < 11)
          why = "before PostgreSQL 11 every non-NULL DEFAULT (here " + expr + ") is written into each existing row (pg_version = " +
                std::to_string(ctx.settings.pg_version) + ")";
        else if (expression_volatility(d->raw_expr()) == Volatility::Volatile)
          why = "its DEFAULT " + expr + " is volatile, so it is evaluated for every existing row";
        else
          return;
      } else {
        return;
      }
      std::string table = sql_name(s.relation());
      Finding f = ctx.at_location(location, "adding column " + sql_ident(def.colname()) + " rewrites the whole table " + table +
                                                " because " + why + "; ALTER TABLE " + locking::takes("ACCESS EXCLUSIVE", table) +
                                                " until the rewrite is done");
      // A down migration putting back a column its own up migration dropped: the rewrite is the
      // price of rolling back, not a new design; a warning, not an error.
      if (ctx.state.reverts_up && ctx.state.columns_dropped_in_file.count(locking::table_key(s.relation()) + "." + def.colname())) {
        f.message += " (this down migration restores a column its up migration dropped)";
        f.severity = Severity::Warning;
      }
      out.add(std::move(f));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(adding_field_with_default, kMeta, AddingFieldWithDefault)
