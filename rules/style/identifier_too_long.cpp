// identifier-too-long: names longer than 63 bytes are silently truncated.
#include "analyzer/rule.h"
#include <set>

#include "rules/support/identifiers.h"
#include "rules/support/words.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "identifier-too-long",
    .category = "style",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A name longer than 63 bytes, which PostgreSQL silently truncates.",
    .rationale =
        "PostgreSQL keeps at most 63 bytes of an identifier (NAMEDATALEN - 1) and truncates longer "
        "names with only a NOTICE. The object then exists under a different name than the migration "
        "says: tools and ORMs that look it up by the full name do not find it, and two long names that "
        "share their first 63 bytes collide (the second CREATE fails, or an index name clashes). The "
        "limit is in bytes, so names with accented or non-Latin letters reach it sooner. Reported "
        "where a name is defined: tables, views, sequences, columns, indexes, constraints, schemas, "
        "functions, triggers, policies, types and renames. This is a warning rather than info: the "
        "object really is created under another name.",
    .help = "Shorten the name to 63 bytes or fewer (abbreviate the table part of generated names, "
            "e.g. `ord_items_product_id_fkey`). The message shows the truncated name PostgreSQL would "
            "use.",
    .bad_example = "CREATE INDEX customer_subscription_invoices_billing_period_start_and_end_dates_idx\n"
                   "  ON customer_subscription_invoices (billing_period_start, billing_period_end);",
    .good_example = "CREATE INDEX csi_billing_period_idx\n"
                    "  ON customer_subscription_invoices (billing_period_start, billing_period_end);",
};

constexpr size_t kMaxBytes = 63;

// What PostgreSQL keeps: at most 63 bytes, never splitting a UTF-8 character.
std::string truncated(const std::string& name) {
  size_t n = kMaxBytes;
  while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) --n;
  return name.substr(0, n);
}

class IdentifierTooLong final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    using N = pg_query::Node;
    return {N::kCreateStmt,        N::kAlterTableStmt,  N::kIndexStmt,       N::kCreateSchemaStmt,
            N::kCreateFunctionStmt, N::kViewStmt,       N::kCreateSeqStmt,   N::kCreateTableAsStmt,
            N::kRenameStmt,        N::kCreateTrigStmt,  N::kCreatePolicyStmt, N::kCreateEnumStmt,
            N::kCreateDomainStmt,  N::kCompositeTypeStmt};
  }

  void check(const StatementContext& ctx, Findings& out) override {
    const auto& n = ctx.node();
    // The parser already truncated every identifier to 63 bytes: collect the names this statement
    // defines, then find the longer words in the text that they were cut from.
    std::vector<std::pair<std::string, std::string>> defined;  // kind, name as truncated
    auto name = [&](const std::string& kind, const std::string& id, int) {
      if (id.size() + 3 >= kMaxBytes) defined.emplace_back(kind, id);
    };
    auto relation = [&](const std::string& kind, const pg_query::RangeVar& rv) { name(kind, rv.relname(), rv.location()); };
    auto constraint = [&](const pg_query::Constraint& c) { name("constraint", c.conname(), c.location()); };
    auto column = [&](const pg_query::ColumnDef& c) {
      name("column", c.colname(), c.location());
      for (const auto& k : c.constraints())
        if (k.has_constraint()) constraint(k.constraint());
    };
    auto last = [](const tree::NodeList& names) { return tree::last_name(names); };
    switch (n.node_case()) {
      case pg_query::Node::kCreateStmt: {
        const auto& s = n.create_stmt();
        relation("table", s.relation());
        for (const auto& e : s.table_elts()) {
          if (e.has_column_def()) column(e.column_def());
          if (e.has_constraint()) constraint(e.constraint());
        }
        for (const auto& e : s.constraints())
          if (e.has_constraint()) constraint(e.constraint());
        break;
      }
      case pg_query::Node::kAlterTableStmt:
        for (const auto& c : n.alter_table_stmt().cmds()) {
          if (!c.has_alter_table_cmd()) continue;
          const auto& cmd = c.alter_table_cmd();
          if (cmd.def().has_column_def() && cmd.subtype() == pg_query::AT_AddColumn) column(cmd.def().column_def());
          if (cmd.def().has_constraint() && cmd.subtype() == pg_query::AT_AddConstraint) constraint(cmd.def().constraint());
        }
        break;
      case pg_query::Node::kIndexStmt: name("index", n.index_stmt().idxname(), -1); break;
      case pg_query::Node::kCreateSchemaStmt: name("schema", n.create_schema_stmt().schemaname(), -1); break;
      case pg_query::Node::kCreateFunctionStmt:
        name(n.create_function_stmt().is_procedure() ? "procedure" : "function", last(n.create_function_stmt().funcname()), -1);
        break;
      case pg_query::Node::kViewStmt: relation("view", n.view_stmt().view()); break;
      case pg_query::Node::kCreateSeqStmt: relation("sequence", n.create_seq_stmt().sequence()); break;
      case pg_query::Node::kCreateTableAsStmt:
        if (n.create_table_as_stmt().has_into()) {
          const auto& into = n.create_table_as_stmt().into();
          relation(n.create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW ? "materialized view" : "table", into.rel());
          for (const auto& c : into.col_names()) name("column", tree::string_value(c), -1);
        }
        break;
      case pg_query::Node::kRenameStmt: {
        const char* kind = "new";
        switch (n.rename_stmt().rename_type()) {
          case pg_query::OBJECT_COLUMN: kind = "column"; break;
          case pg_query::OBJECT_TABLE: kind = "table"; break;
          case pg_query::OBJECT_INDEX: kind = "index"; break;
          case pg_query::OBJECT_TABCONSTRAINT: kind = "constraint"; break;
          case pg_query::OBJECT_SCHEMA: kind = "schema"; break;
          case pg_query::OBJECT_VIEW: kind = "view"; break;
          default: break;
        }
        name(kind, n.rename_stmt().newname(), -1);
        break;
      }
      case pg_query::Node::kCreateTrigStmt: name("trigger", n.create_trig_stmt().trigname(), -1); break;
      case pg_query::Node::kCreatePolicyStmt: name("policy", n.create_policy_stmt().policy_name(), -1); break;
      case pg_query::Node::kCreateEnumStmt: name("type", last(n.create_enum_stmt().type_name()), -1); break;
      case pg_query::Node::kCreateDomainStmt: name("domain", last(n.create_domain_stmt().domainname()), -1); break;
      case pg_query::Node::kCompositeTypeStmt: relation("type", n.composite_type_stmt().typevar()); break;
      default: break;
    }
    if (defined.empty()) return;
    std::set<uint32_t> reported;
    auto words = read_words(ctx.source.text(), ctx.stmt.begin, ctx.stmt.end);
    for (const auto& [kind, id] : defined)
      for (const auto& w : words) {
        if (w.punct || w.text.size() <= kMaxBytes || truncated(w.text) != id || reported.count(w.begin)) continue;
        reported.insert(w.begin);
        out.add(Finding{w.begin, w.end,
                        kind + " name " + sql_ident(w.text) + " is " + std::to_string(w.text.size()) +
                            " bytes long; PostgreSQL silently truncates it to " + sql_ident(id),
                        {}, std::nullopt, -1});
        break;
      }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(identifier_too_long, kMeta, IdentifierTooLong)
