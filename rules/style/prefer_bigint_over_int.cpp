// prefer-bigint-over-int: integer columns run out at 2,147,483,647.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-bigint-over-int",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "An integer column that could overflow; bigint costs four more bytes.",
    .rationale =
        "An `integer` (int, int4) column holds at most 2,147,483,647. Ids and counters that grow with "
        "traffic reach that sooner than expected, and widening the column later is a full table rewrite "
        "under an ACCESS EXCLUSIVE lock (plus every foreign key column that points at it). bigint costs "
        "four bytes more per row. Reported for columns of CREATE TABLE, ADD COLUMN and ALTER COLUMN ... "
        "TYPE. serial columns are left to prefer-identity, which recommends a bigint identity instead, "
        "so a serial column gets one finding, not two.",
    .help = "Declare the column `bigint`. If it must match an existing integer column (a foreign key to "
            "an int primary key), keep the types equal and plan the widening of both; suppress with "
            "`-- pgsafe-ignore prefer-bigint-over-int: <why>`.",
    .bad_example = "CREATE TABLE events (id int PRIMARY KEY, attempts integer);",
    .good_example = "CREATE TABLE events (id bigint PRIMARY KEY, attempts bigint);",
};

class PreferBigintOverInt final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      std::string t = builtin_type(c.type);
      if (t != "int4" && t != "int" && t != "integer") return;
      out.add(ctx.at_location(c.type.location(), "column " + column_display(c) +
                                                     " is an integer (at most 2,147,483,647); prefer bigint"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_bigint_over_int, kMeta, PreferBigintOverInt)
