// prefer-timestamptz: timestamp without time zone loses the instant a value refers to.
#include "analyzer/rule.h"
#include "rules/support/column_types.h"
#include "rules/support/words.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-timestamptz",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "A timestamp column without a time zone.",
    .rationale =
        "`timestamp` (without time zone) stores a wall-clock reading with no zone: the same value means "
        "different instants to servers or sessions in different zones, `now()` is silently converted "
        "using the session's TimeZone, and daylight-saving changes produce duplicate or missing hours. "
        "`timestamptz` stores an instant (UTC internally) and converts on output; it takes the same 8 "
        "bytes.",
    .help = "Declare the column `timestamptz` (`timestamp with time zone`). `pgsafe lint --fix` rewrites "
            "the type in CREATE TABLE and ADD COLUMN (safe: the column is new). For ALTER COLUMN ... TYPE "
            "the fix is offered as unsafe: converting existing values interprets them in the session's "
            "TimeZone, so set it explicitly (`USING col AT TIME ZONE 'UTC'`) and expect a table rewrite.",
    .bad_example = "CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamp NOT NULL DEFAULT now());",
    .good_example = "CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT now());",
};

// The edit turning this timestamp type into timestamptz, when the text is the plain keyword:
// `timestamp[(p)]` -> `timestamptz[(p)]`, `timestamp[(p)] without time zone` -> `... with time zone`.
std::optional<FixEdit> timestamptz_edit(const StatementContext& ctx, const pg_query::TypeName& type) {
  if (type.location() < 0) return std::nullopt;
  uint32_t at = ctx.offset(type.location());
  auto ws = read_words(ctx.source.text(), at, ctx.stmt.end, 8);
  if (ws.empty() || !is_kw(ws[0], "timestamp")) return std::nullopt;
  size_t i = 1;
  if (i < ws.size() && ws[i].punct == '(') {
    while (i < ws.size() && ws[i].punct != ')') ++i;
    if (i >= ws.size()) return std::nullopt;
    ++i;
  }
  if (i + 2 < ws.size() && is_kw(ws[i], "without") && is_kw(ws[i + 1], "time") && is_kw(ws[i + 2], "zone"))
    return FixEdit{ws[i].begin, ws[i].end, "with"};
  if (i < ws.size() && is_kw(ws[i], "with")) return std::nullopt;  // already with time zone
  return FixEdit{ws[0].begin, ws[0].end, "timestamptz"};
}

class PreferTimestamptz final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return column_type_kinds(); }
  void check(const StatementContext& ctx, Findings& out) override {
    for_each_declared_column(ctx.node(), [&](const DeclaredColumn& c) {
      if (builtin_type(c.type) != "timestamp") return;
      Finding f = ctx.at_location(c.type.location(), "column " + column_display(c) +
                                                         " is timestamp without time zone; prefer timestamptz");
      if (auto edit = timestamptz_edit(ctx, c.type)) {
        bool existing = c.use == ColumnUse::ChangeType;
        f.fix = FixSpec{existing ? "use timestamptz (converts existing values in the session time zone)" : "use timestamptz",
                        !existing, {*edit}};
      }
      out.add(std::move(f));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_timestamptz, kMeta, PreferTimestamptz)
