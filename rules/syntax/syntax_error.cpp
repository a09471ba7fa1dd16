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
        "file is still analysed. Statements that parse but use syntax newer than the target server "
        "(`pg_version`, default 17) are reported too: that server rejects them. A DO block whose PL/pgSQL body "
        "pgsafe cannot read (a PL/pgSQL syntax error, nesting too deep for the PL/pgSQL parser, DO blocks nested "
        "more than 16 deep) is a warning: none of the statements inside it was checked.",
    .help = "Fix the statement at the position shown. When the statement is valid PostgreSQL but newer than "
            "the target server (`pg_version`: a VIRTUAL generated column, a named NOT NULL constraint, NOT "
            "ENFORCED, WITHOUT OVERLAPS and PERIOD need 18; SET EXPRESSION and MERGE ... RETURNING need 17; MERGE "
            "needs 15), write it the way that server accepts (e.g. GENERATED ALWAYS AS (...) STORED) or raise "
            "`pg_version` if the server is newer. If the file is a template (placeholders such as "
            "`{{ .Schema }}`), see `template_placeholders` in .pgsafe.toml.",
    .bad_example = "ALTER TABLE users ADD COLUMN email text NOT NUL;",
    .good_example = "ALTER TABLE users ADD COLUMN email text;",
};

// Syntax the PostgreSQL 18 grammar accepts but the target server (pg_version) does not: the
// statement parses here and fails there.
void too_new(const StatementContext& ctx, Findings& out, int location, int needs, const std::string& what) {
  if (ctx.settings.pg_version >= needs) return;
  // Only a target the project states makes this an error; the default (17) is a guess, and a
  // project written for a newer server is told how to say so.
  if (ctx.settings.pg_version_explicit) {
    out.add(ctx.at_location(location, what + " needs PostgreSQL " + std::to_string(needs) + "; the target server (pg_version = " +
                                          std::to_string(ctx.settings.pg_version) + ") rejects the statement"));
    return;
  }
  Finding f = ctx.at_location(location, what + " needs PostgreSQL " + std::to_string(needs) + ", newer than the default target (" +
                                            std::to_string(ctx.settings.pg_version) + "); set pg_version in .pgsafe.toml to your server's version");
  f.severity = Severity::Info;
  out.add(std::move(f));
}

void check_constraint_version(const StatementContext& ctx, Findings& out, const pg_query::Constraint& c, bool table_constraint) {
  if (c.contype() == pg_query::CONSTR_GENERATED && c.generated_kind() == "v")
    too_new(ctx, out, c.location(), 18, "a VIRTUAL generated column (GENERATED ALWAYS AS (...) without STORED)");
  // CHECK and FOREIGN KEY constraints are enforced unless they say NOT ENFORCED.
  if ((c.contype() == pg_query::CONSTR_CHECK || c.contype() == pg_query::CONSTR_FOREIGN) && !c.is_enforced())
    too_new(ctx, out, c.location(), 18, "a NOT ENFORCED constraint");
  if (table_constraint && c.contype() == pg_query::CONSTR_NOTNULL)
    too_new(ctx, out, c.location(), 18, "a named NOT NULL table constraint (CONSTRAINT c NOT NULL col)");
  if (c.without_overlaps()) too_new(ctx, out, c.location(), 18, "a temporal key (WITHOUT OVERLAPS)");
  if (c.fk_with_period() || c.pk_with_period()) too_new(ctx, out, c.location(), 18, "a temporal foreign key (PERIOD)");
}

void check_target_version(const StatementContext& ctx, Findings& out) {
  const pg_query::Node& n = ctx.node();
  if (n.has_merge_stmt()) {
    too_new(ctx, out, -1, 15, "MERGE");
    if (n.merge_stmt().has_returning_clause()) too_new(ctx, out, -1, 17, "MERGE ... RETURNING");
    return;
  }
  if (n.has_create_stmt()) {
    for (const auto& e : n.create_stmt().table_elts()) {
      if (e.has_constraint()) check_constraint_version(ctx, out, e.constraint(), true);
      if (e.has_column_def())
        for (const auto& k : e.column_def().constraints())
          if (k.has_constraint()) check_constraint_version(ctx, out, k.constraint(), false);
    }
    return;
  }
  if (!n.has_alter_table_stmt()) return;
  for (const auto& c : n.alter_table_stmt().cmds()) {
    if (!c.has_alter_table_cmd()) continue;
    const auto& cmd = c.alter_table_cmd();
    if (cmd.subtype() == pg_query::AT_SetExpression) too_new(ctx, out, -1, 17, "ALTER COLUMN ... SET EXPRESSION");
    if (cmd.subtype() == pg_query::AT_AddConstraint && cmd.def().has_constraint()) {
      const auto& k = cmd.def().constraint();
      check_constraint_version(ctx, out, k, true);
      if (k.contype() == pg_query::CONSTR_NOTNULL && k.skip_validation())
        too_new(ctx, out, k.location(), 18, "NOT NULL ... NOT VALID");
    }
    if (cmd.subtype() == pg_query::AT_AddColumn && cmd.def().has_column_def())
      for (const auto& k : cmd.def().column_def().constraints())
        if (k.has_constraint()) check_constraint_version(ctx, out, k.constraint(), false);
  }
}

// A DO block whose PL/pgSQL body pgsafe could not read: none of its statements was checked. A
// warning, not an error: pgsafe's PL/pgSQL parser has no catalog and rejects a few valid bodies,
// and a body nested too deeply for it may still run.
void report_unread_body(const StatementContext& ctx, Findings& out) {
  const auto& err = *ctx.stmt.body_error;
  const std::string& text = ctx.source.text();
  uint32_t begin = err.offset < ctx.stmt.begin || err.offset >= ctx.stmt.end ? ctx.stmt.begin : err.offset;
  size_t nl = text.find('\n', begin);
  uint32_t end = nl == std::string::npos ? ctx.stmt.end : std::min<uint32_t>(ctx.stmt.end, static_cast<uint32_t>(nl));
  if (end <= begin) end = std::min<uint32_t>(begin + 1, static_cast<uint32_t>(text.size()));
  Finding f{begin, end, err.message,
            "pgsafe reads the SQL a DO block runs with PostgreSQL's PL/pgSQL parser; this body did not get through it, "
            "so nothing inside it (drops, rewrites, locks) was checked. Fix the body if it is wrong; if it is valid "
            "(nested too deeply for the parser, or DO blocks nested more than 16 deep), review its statements by "
            "hand, or move the DDL out of the DO block where pgsafe can check it.",
            std::nullopt, -1};
  f.severity = Severity::Warning;
  out.add(std::move(f));
}

class SyntaxError final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {kUnparsedStatement, pg_query::Node::kAlterTableStmt, pg_query::Node::kCreateStmt, pg_query::Node::kMergeStmt,
            pg_query::Node::kDoStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.stmt.node) {
      if (ctx.stmt.body_error) report_unread_body(ctx, out);
      check_target_version(ctx, out);
      return;
    }
    if (!ctx.stmt.error) return;  // no tree and no error: nothing this rule can say
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
