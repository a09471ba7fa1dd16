// require-table-schema (opt-in): CREATE TABLE without a schema depends on search_path.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "require-table-schema",
    .category = "style",
    .default_severity = Severity::Info,
    .enabled_by_default = false,
    .summary = "CREATE TABLE without an explicit schema (opt-in).",
    .rationale =
        "An unqualified CREATE TABLE lands in the first schema of the session's search_path, which "
        "differs between the migration tool, psql and hosted platforms (Supabase runs migrations with "
        "its own path), so the same migration can create the table in different schemas. Projects that "
        "keep tables outside `public` turn this on to make every table's schema explicit. Temporary "
        "tables are not reported (they live in their own schema). Off by default: many projects use "
        "only `public` on purpose.",
    .help = "Qualify the name: `CREATE TABLE app.invoices (...)`. Turn the rule on with "
            "`[rules.require-table-schema]` and a severity in .pgsafe.toml.",
    .bad_example = "CREATE TABLE invoices (id bigint PRIMARY KEY);",
    .good_example = "CREATE TABLE billing.invoices (id bigint PRIMARY KEY);",
};

class RequireTableSchema final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {pg_query::Node::kCreateStmt, pg_query::Node::kCreateTableAsStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    const pg_query::RangeVar* rv = nullptr;
    const char* what = "CREATE TABLE ";
    if (ctx.node().has_create_stmt()) rv = &ctx.node().create_stmt().relation();
    else if (ctx.node().create_table_as_stmt().has_into()) {
      rv = &ctx.node().create_table_as_stmt().into().rel();
      if (ctx.node().create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW) what = "CREATE MATERIALIZED VIEW ";
    }
    if (!rv || !rv->schemaname().empty() || rv->relpersistence() == "t") return;
    out.add(ctx.at_location(rv->location(), std::string(what) + sql_name(*rv) +
                                                " names no schema; the table goes to whatever search_path puts first"));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(require_table_schema, kMeta, RequireTableSchema)
