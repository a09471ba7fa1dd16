// ban-drop-schema: DROP SCHEMA removes a namespace, and with CASCADE everything in it.
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-schema",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Dropping a schema removes it, and with CASCADE every table and row inside it.",
    .rationale =
        "DROP SCHEMA ... CASCADE drops every table, view, sequence, function and type in the schema, "
        "with all their data, in one statement and without listing what went; it takes ACCESS EXCLUSIVE "
        "locks on each of those objects. Without CASCADE the statement fails as soon as anything is "
        "left in the schema (including objects created outside the migrations, by hand or by "
        "extensions), so the migration breaks on the environments that have them; where it succeeds, "
        "code, grants, default privileges and search_path settings that name the schema stop working.",
    .help = "Drop the objects inside the schema explicitly, one reviewed statement each, in earlier "
            "migrations (each one goes through ban-drop-table and friends), after the application has "
            "stopped using them. Then drop the empty schema without CASCADE, so PostgreSQL refuses if "
            "something was missed. When the drop is intended, confirm it: "
            "`-- pgsafe-ignore ban-drop-schema: <why nothing in it is needed>`.",
    .bad_example = "DROP SCHEMA reporting CASCADE;",
    .good_example = "-- earlier migrations dropped reporting.daily_totals and reporting.refresh_totals()\n"
                    "-- pgsafe-ignore ban-drop-schema: reporting moved to the warehouse, schema is empty\n"
                    "DROP SCHEMA reporting;",
    .locks = "ACCESS EXCLUSIVE on every object dropped with the schema",
};

class BanDropSchema final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kDropStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& drop = ctx.node().drop_stmt();
    if (drop.remove_type() != pg_query::OBJECT_SCHEMA) return;
    bool cascade = drop.behavior() == pg_query::DROP_CASCADE;
    for (const auto& obj : drop.objects()) {
      std::string schema = tree::string_value(obj);
      if (schema.empty()) continue;
      if (created_earlier_in_file(ctx, schema)) continue;
      std::string name = sql_ident(schema);
      // A schema the migration set created and never put a table in holds code (views,
      // functions, types), not data: dropping it loses nothing the set cannot re-create.
      if (cascade && ctx.catalog.schemas().count(schema) && ctx.catalog.schemas().at(schema).created.file >= 0 && !has_table(ctx, schema)) {
        Finding f = ctx.at_statement("DROP SCHEMA " + name + " CASCADE drops its views, functions and types; the migration set "
                                     "never created a table in it, so no stored data is lost");
        f.severity = Severity::Info;
        out.add(std::move(f));
        continue;
      }
      std::string msg =
          cascade ? "DROP SCHEMA " + name + " CASCADE deletes every table, view, function and type in the schema, "
                    "with all their data"
                  : "DROP SCHEMA " + name + " removes the schema: it fails if anything is still in it, and code, "
                    "grants and search_path settings naming it break";
      out.add(ctx.at_statement(msg));
    }
  }

 private:
  static bool has_table(const StatementContext& ctx, const std::string& schema) {
    for (const auto& [key, t] : ctx.catalog.tables())
      if (t.schema == schema) return true;
    return false;
  }
  // A schema created earlier in this file holds nothing that predates the migration. The file
  // state does not track schemas, so look back over this file's earlier statements; this only
  // runs for the rare DROP SCHEMA.
  static bool created_earlier_in_file(const StatementContext& ctx, const std::string& schema) {
    const auto& stmts = ctx.parsed.statements();
    for (size_t i = 0; i < ctx.index && i < stmts.size(); ++i) {
      const pg_query::Node* n = stmts[i].node;
      if (n && n->has_create_schema_stmt() && n->create_schema_stmt().schemaname() == schema) return true;
    }
    return false;
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_schema, kMeta, BanDropSchema)
