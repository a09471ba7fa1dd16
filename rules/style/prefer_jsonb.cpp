// prefer-jsonb: json stores text and re-parses it on every access.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-jsonb",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "A json column where jsonb is almost always wanted.",
    .rationale =
        "json stores the input text verbatim and re-parses it on every access. It has no equality "
        "operator, so it cannot be used in DISTINCT, GROUP BY, UNION or a unique index, and it cannot "
        "be indexed with GIN. jsonb stores a parsed form, supports containment (`@>`) and GIN indexes. "
        "json is only right when the exact text (key order, duplicate keys, whitespace) must be kept. "
        "Changing the type later rewrites the table under an ACCESS EXCLUSIVE lock.",
    .help = "Declare the column `jsonb`. If the original text must be preserved byte for byte, keep json "
            "and say so: `-- pgsafe-ignore prefer-jsonb: <why>`.",
    .bad_example = "ALTER TABLE webhooks ADD COLUMN payload json;",
    .good_example = "ALTER TABLE webhooks ADD COLUMN payload jsonb;",
};

class PreferJsonb final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      if (builtin_type(c.type) != "json") return;
      out.add(ctx.at_location(c.type.location(), "column " + column_display(c) + " is json; prefer jsonb"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_jsonb, kMeta, PreferJsonb)
