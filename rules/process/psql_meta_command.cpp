// psql-meta-command: backslash commands only psql understands.
#include "analyzer/rule.h"
#include "rules/support/psql_meta.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "psql-meta-command",
    .category = "process",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A psql meta-command (\\i, \\set, \\c, ...) that only psql can run.",
    .rationale =
        "Lines starting with a backslash are commands for the psql client: `\\i` includes a file, "
        "`\\set` sets a psql variable, `\\c` reconnects, `\\copy` copies through the client, `\\.` ends "
        "inline COPY data. They never reach the server. Migration tools (and pgsafe's applier) send "
        "the file through libpq, where the line is a syntax error, so the migration fails when it is "
        "applied even though it worked when tried with psql. The SQL up to the next semicolon after "
        "such a line is swallowed into the same failing statement and cannot be checked; this rule "
        "replaces the syntax-error finding for it, so there is one finding, not two.",
    .help = "Remove the line. Instead of `\\i other.sql`, put the statements in this migration (or in "
            "their own migration); instead of `\\set ON_ERROR_STOP on`, rely on the tool (it stops at the "
            "first error); instead of `\\c other_db`, write a separate migration for that database; "
            "instead of `\\copy`, load data with INSERT ... SELECT or a separate data-loading step.",
    .bad_example = "\\set ON_ERROR_STOP on\nCREATE TABLE invoices (id bigint PRIMARY KEY);",
    .good_example = "CREATE TABLE invoices (id bigint PRIMARY KEY);",
};

class PsqlMetaCommand final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kUnparsedStatement}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const std::string& text = ctx.source.text();
    if (!is_psql_meta_statement(text, ctx.stmt)) return;
    for (const auto& l : psql_meta_lines(text, ctx.stmt)) {
      std::string cmd;
      for (uint32_t i = l.begin; i < l.end && text[i] != ' ' && text[i] != '\t'; ++i) cmd += text[i];
      std::string msg = "`" + cmd + "` is a psql meta-command: it fails when the migration is applied through libpq";
      if (l.begin == ctx.stmt.begin && ctx.stmt.end > l.end + 1)
        msg += ", and the SQL after it up to the next semicolon is part of the same failing statement";
      out.add(Finding{l.begin, l.end, msg, {}, std::nullopt, -1});
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(psql_meta_command, kMeta, PsqlMetaCommand)
