// require-enum-value-ordering: ALTER TYPE ... ADD VALUE must say where the value sorts.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-enum-value-ordering",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "ALTER TYPE ... ADD VALUE should state BEFORE or AFTER, and cannot run in a transaction before PostgreSQL 12.",
    .rationale =
        "Enum values compare and sort in declaration order, not alphabetically: ORDER BY status, `status < "
        "'shipped'`, range partitions and indexes on the column all follow it. ADD VALUE without BEFORE or "
        "AFTER appends the value at the end, which is right only by accident, and the order can never be "
        "changed afterwards without rebuilding the type (and rewriting every table that uses it). The "
        "statement itself is quick: it takes an EXCLUSIVE lock on the type only, blocking other changes to "
        "the type but no reads or writes of tables. Before PostgreSQL 12 it cannot run inside a transaction "
        "block at all (config `pg_version`), which pgsafe's applier uses for every file unless told "
        "otherwise; from 12 it can, but the new value cannot be used until that transaction commits.",
    .help = "Say where the value belongs: ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER "
            "'delivered'; (AFTER the current last value when appending is intended). Before PostgreSQL 12, put "
            "the statement in a migration of its own marked `-- pgsafe:no-transaction`. Use the new value only "
            "in a later migration.",
    .bad_example = "ALTER TYPE order_status ADD VALUE 'refunded';",
    .good_example = "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'delivered';",
    .locks = "EXCLUSIVE on the type only (no table is locked or rewritten)",
};

class RequireEnumValueOrdering final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterEnumStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().alter_enum_stmt();
    if (!s.old_val().empty()) return;  // RENAME VALUE
    std::string type = sql_name(s.type_name());
    std::string value = quote_literal(s.new_val());
    if (ctx.settings.pg_version < 12 && ctx.state.in_transaction()) {
      Finding f = ctx.at_statement("ALTER TYPE " + type + " ADD VALUE " + value + " cannot run inside a transaction block before "
                                   "PostgreSQL 12 (pg_version = " + std::to_string(ctx.settings.pg_version) +
                                   "): the migration fails; the statement itself takes only an EXCLUSIVE lock on the type");
      f.severity = Severity::Error;
      out.add(std::move(f));
    }
    if (!s.new_val_neighbor().empty()) return;
    std::string last;
    if (const UserType* t = ctx.catalog.find_type(locking::key_of(s.type_name())); t && !t->labels.empty()) last = t->labels.back();
    Finding f = ctx.at_statement("ALTER TYPE " + type + " ADD VALUE " + value +
                                 " does not say where the value sorts, so it goes last" +
                                 (last.empty() ? std::string() : " (after " + quote_literal(last) + ")") +
                                 "; enum order decides comparisons and ORDER BY and cannot be changed later (the statement "
                                 "takes only an EXCLUSIVE lock on the type, blocking no reads or writes)");
    if (!last.empty()) {
      std::string quoted_last = quote_literal(last);
      f.help = "If last is where it belongs, say so: ALTER TYPE " + type + " ADD VALUE " + value + " AFTER " + quoted_last +
               "; otherwise name its neighbour with BEFORE or AFTER.";
      // Appending is what the statement does today, so stating it changes nothing but the intent
      // on record; whether last is right is the author's call, hence not a safe fix.
      FixSpec fix;
      fix.description = "state the position the value gets anyway: AFTER " + quoted_last;
      fix.safe = false;
      fix.edits.push_back(locking::insert_at(ctx.stmt.end, " AFTER " + quoted_last));
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_enum_value_ordering, kMeta, RequireEnumValueOrdering)
