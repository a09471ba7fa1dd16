// ban-char-field: char(n) pads with blanks and is never the right type.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-char-field",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "A char(n) column, which pads values with blanks.",
    .rationale =
        "char(n) (character(n), bpchar) pads every value with spaces up to n characters, and the "
        "padding is ignored or kept depending on the operator: `'a'::char(3) = 'a  '` is true, but "
        "`LIKE` and concatenation see a different string, and clients get the blanks back. It takes "
        "as much space as text and is no faster. A bare `char` is char(1). The internal one-byte "
        "type `\"char\"` (quoted) is a different type and is not reported.",
    .help = "Declare the column `text` (with a CHECK constraint such as `char_length(code) = 3` when the "
            "length is fixed).",
    .bad_example = "CREATE TABLE countries (code char(2) PRIMARY KEY);",
    .good_example = "CREATE TABLE countries (code text PRIMARY KEY CHECK (char_length(code) = 2));",
};

class BanCharField final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      std::string t = builtin_type(c.type);
      if (t != "bpchar") return;
      out.add(ctx.at_location(c.type.location(), "column " + column_display(c) + " is " + tree::format_type(c.type) +
                                                     ", which pads values with blanks; prefer text"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_char_field, kMeta, BanCharField)
