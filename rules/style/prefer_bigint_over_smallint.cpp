// prefer-bigint-over-smallint: smallint columns run out at 32,767.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-bigint-over-smallint",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "A smallint column that could overflow at 32,767.",
    .rationale =
        "A `smallint` (int2) column holds at most 32,767. Codes, counters and positions that seemed "
        "bounded outgrow it, and widening it later rewrites the table under an ACCESS EXCLUSIVE lock. "
        "Because of alignment, a smallint often saves no space next to wider columns. Reported for "
        "columns of CREATE TABLE, ADD COLUMN and ALTER COLUMN ... TYPE; smallserial is left to "
        "prefer-identity.",
    .help = "Declare the column `bigint` (or `integer` when the range is known to stay small and space "
            "really matters). Keep a deliberate smallint with "
            "`-- pgsafe-ignore prefer-bigint-over-smallint: <why the range is bounded>`.",
    .bad_example = "ALTER TABLE products ADD COLUMN stock smallint;",
    .good_example = "ALTER TABLE products ADD COLUMN stock bigint;",
};

class PreferBigintOverSmallint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      std::string t = builtin_type(c.type);
      if (t != "int2" && t != "smallint") return;
      out.add(ctx.at_location(c.type.location(), "column " + column_display(c) +
                                                     " is a smallint (at most 32,767); prefer bigint"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_bigint_over_smallint, kMeta, PreferBigintOverSmallint)
