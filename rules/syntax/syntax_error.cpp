// syntax-error: a statement PostgreSQL's own parser rejects.
#include "analyzer/rule.h"
#include "rules/support/psql_meta.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "syntax-error",
    .category = "syntax",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A statement that PostgreSQL's parser rejects.",
    .rationale =
        "pgsafe parses every statement with the PostgreSQL 18 grammar (libpg_query 18), whatever "
        "`pg_version` says, so a statement it rejects is rejected by every PostgreSQL release: it will "
        "fail when the migration is applied, and cannot be checked by any other rule. The rest of the "
        "file is still analysed.",
    .help = "Fix the statement at the position shown. If the file is a template (placeholders such as "
            "`{{ .Schema }}`), see `template_placeholders` in .pgsafe.toml.",
    .bad_example = "ALTER TABLE users ADD COLUMN email text NOT NUL;",
    .good_example = "ALTER TABLE users ADD COLUMN email text;",
};

class SyntaxError final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kUnparsedStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& err = *ctx.stmt.error;
    // A psql meta-command line gets its own, clearer finding (psql-meta-command).
    if (is_psql_meta_statement(ctx.source.text(), ctx.stmt)) return;
    // Point at the offending token, running to the end of the line (or statement).
    uint32_t begin = err.offset;
    const std::string& text = ctx.source.text();
    size_t nl = text.find('\n', begin);
    uint32_t end = nl == std::string::npos ? static_cast<uint32_t>(text.size()) : static_cast<uint32_t>(nl);
    if (end > ctx.stmt.end && ctx.stmt.end > begin) end = ctx.stmt.end;
    if (end <= begin) end = std::min<uint32_t>(begin + 1, static_cast<uint32_t>(text.size()));
    out.add(Finding{begin, end, err.message, {}, std::nullopt, -1});
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(syntax_error, kMeta, SyntaxError)
