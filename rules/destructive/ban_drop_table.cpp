// ban-drop-table: DROP TABLE deletes the table and every row in it.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-drop-table",
    .category = "destructive",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "Dropping a table deletes all of its data.",
    .rationale =
        "DROP TABLE takes an ACCESS EXCLUSIVE lock and removes the table and every row in it; there is "
        "no undo short of restoring a backup. Code still reading or writing the table starts failing "
        "the moment the migration commits, and CASCADE silently drops views and foreign keys that "
        "depend on it.",
    .help = "Stop using the table in application code first and deploy that. Then rename it (or move it "
            "to an `archive` schema) in one migration, and drop it in a later one once nothing broke. "
            "If the drop is intended, say so: `-- pgsafe-ignore ban-drop-table: <why the data can go>`.",
    .bad_example = "DROP TABLE invoices;",
    .good_example = "-- release 1: stop reading and writing invoices in the application\n"
                    "-- release 2:\nALTER TABLE invoices RENAME TO invoices_deprecated;\n"
                    "-- release 3, after a safe period:\n"
                    "-- pgsafe-ignore ban-drop-table: replaced by billing.invoices, unused since release 1\n"
                    "DROP TABLE invoices_deprecated;",
    .locks = "ACCESS EXCLUSIVE on the table",
};

class BanDropTable final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kDropStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& drop = ctx.node().drop_stmt();
    if (drop.remove_type() != pg_query::OBJECT_TABLE) return;
    for (const auto& obj : drop.objects()) {
      if (!obj.has_list()) continue;
      std::string name = tree::join_names(obj.list().items());
      std::string schema = obj.list().items_size() >= 2 ? tree::string_value(obj.list().items(obj.list().items_size() - 2)) : "";
      std::string qualified = Catalog::qualify(schema, tree::last_name(obj.list().items()));
      // A table created earlier in this same file holds no data anyone depends on yet.
      if (ctx.table_is_new(qualified)) continue;
      std::string msg = "DROP TABLE " + name + " deletes the table and all of its rows";
      if (drop.behavior() == pg_query::DROP_CASCADE) msg += ", and CASCADE also drops every view and foreign key that depends on it";
      out.add(ctx.at_statement(msg));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_drop_table, kMeta, BanDropTable)
