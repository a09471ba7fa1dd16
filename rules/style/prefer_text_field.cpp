// prefer-text-field: varchar(n) puts an arbitrary limit in the schema.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-text-field",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "A varchar(n) column; text with a CHECK constraint is easier to change.",
    .rationale =
        "In PostgreSQL varchar(n) is text with a length check, and is neither faster nor smaller. The "
        "limit is usually a guess, and it is changed with ALTER COLUMN ... TYPE under an ACCESS "
        "EXCLUSIVE lock: raising it is cheap, but lowering it scans (or, through a domain or view, "
        "rewrites) the table while every query waits. A CHECK constraint on a text column says the "
        "same thing and can be replaced online (`NOT VALID`, then `VALIDATE CONSTRAINT`). varchar "
        "without a length, and char(n) (see ban-char-field), are not reported here.",
    .help = "Declare the column `text`, and when the length matters add "
            "`CONSTRAINT <table>_<column>_length CHECK (char_length(<column>) <= n)`.",
    .bad_example = "CREATE TABLE users (email varchar(255) NOT NULL);",
    .good_example = "CREATE TABLE users (email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 255));",
};

class PreferTextField final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      if (builtin_type(c.type) != "varchar" || c.type.typmods_size() == 0) return;
      out.add(ctx.at_location(c.type.location(), "column " + column_display(c) + " is " + tree::format_type(c.type) +
                                                     "; prefer text with a CHECK constraint on its length"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_text_field, kMeta, PreferTextField)
