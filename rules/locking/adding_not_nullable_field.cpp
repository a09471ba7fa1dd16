// adding-not-nullable-field: ALTER COLUMN ... SET NOT NULL scans the table under ACCESS EXCLUSIVE.
#include <cctype>

#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "adding-not-nullable-field",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "SET NOT NULL scans the whole table while blocking every read and write.",
    .rationale =
        "ALTER TABLE ... ALTER COLUMN ... SET NOT NULL takes an ACCESS EXCLUSIVE lock on the table and reads "
        "every row to prove the column has no NULL, so reads and writes are blocked for the length of a full "
        "scan. From PostgreSQL 12 the scan is skipped when a validated CHECK (col IS NOT NULL) constraint "
        "already proves it; pgsafe knows the CHECK constraints of the migration set (including ones added "
        "and validated earlier in this file) and does not report that case. PostgreSQL 18's named form, "
        "ADD CONSTRAINT c NOT NULL col, scans the same way unless it is NOT VALID. Only a real NOT NULL change is "
        "reported: a CHECK whose text merely mentions NOT NULL is a different thing. Tables created earlier "
        "in the same file or transaction are exempt.",
    .help = "On PostgreSQL 12 or later, prove the constraint first without a long lock, each step in its own "
            "migration:\n"
            "  ALTER TABLE t ADD CONSTRAINT t_c_not_null CHECK (c IS NOT NULL) NOT VALID;  -- brief lock\n"
            "  ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;   -- SHARE UPDATE EXCLUSIVE: reads and writes go on\n"
            "  ALTER TABLE t ALTER COLUMN c SET NOT NULL;         -- no scan: the CHECK proves it\n"
            "  ALTER TABLE t DROP CONSTRAINT t_c_not_null;\n"
            "Before 12, keep the validated CHECK instead of NOT NULL. On PostgreSQL 18, "
            "`ALTER TABLE t ADD CONSTRAINT t_c_not_null NOT NULL c NOT VALID;` then, in a later migration, "
            "`ALTER TABLE t VALIDATE CONSTRAINT t_c_not_null;` does the same in two steps.",
    .bad_example = "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;",
    .good_example = "-- 20240101000000_check_customer_id.sql\n"
                    "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null CHECK (customer_id IS NOT NULL) NOT VALID;\n"
                    "-- 20240102000000_validate_customer_id.sql\n"
                    "ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_not_null;\n"
                    "-- 20240103000000_customer_id_not_null.sql\n"
                    "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;",
    .locks = "ACCESS EXCLUSIVE on the table (blocks reads and writes) during a full scan",
};

// "(c IS NOT NULL)" -> "c is not null"; parentheses dropped, blanks collapsed, lower case.
std::string normalize(const std::string& sql) {
  std::string out;
  for (char ch : sql) {
    if (ch == '(' || ch == ')') continue;
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A validated CHECK one of whose AND-ed terms is exactly `column IS NOT NULL`.
bool proven_not_null(const Table& t, const std::string& column) {
  std::string want_plain = normalize(column + " IS NOT NULL"), want_quoted = normalize("\"" + column + "\" IS NOT NULL");
  for (const auto& k : t.constraints) {
    if (k.kind != ConstraintKind::Check || !k.validated) continue;
    std::string e = normalize(k.expr);
    size_t start = 0;
    while (true) {
      size_t pos = e.find(" and ", start);
      std::string term = e.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
      if (term == want_plain || term == want_quoted) return true;
      if (pos == std::string::npos) break;
      start = pos + 5;
    }
  }
  return false;
}

class AddingNotNullableField final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterTableStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    locking::for_each_cmd_on_existing(ctx, [&](const pg_query::AlterTableStmt& s, const pg_query::AlterTableCmd& cmd) {
      std::string column;
      std::string what;
      if (cmd.subtype() == pg_query::AT_SetNotNull) {
        column = cmd.name();
        what = "SET NOT NULL on column " + sql_ident(column);
      } else if (cmd.subtype() == pg_query::AT_AddConstraint && cmd.def().has_constraint() &&
                 cmd.def().constraint().contype() == pg_query::CONSTR_NOTNULL && cmd.def().constraint().keys_size() == 1) {
        // PostgreSQL 18's named form, ADD CONSTRAINT c NOT NULL col, scans the same way; with
        // NOT VALID (18 only) it checks new rows only, and VALIDATE CONSTRAINT scans later.
        const auto& con = cmd.def().constraint();
        if (con.skip_validation()) return;
        column = tree::string_value(con.keys(0));
        what = "ADD CONSTRAINT " + (con.conname().empty() ? std::string("NOT NULL") : sql_ident(con.conname()) + " NOT NULL") +
               " on column " + sql_ident(column);
      } else {
        return;
      }
      const Table* t = ctx.catalog.find_table(locking::table_key(s.relation()));
      if (t && ctx.settings.pg_version >= 12 && proven_not_null(*t, column)) return;
      std::string table = sql_name(s.relation());
      out.add(ctx.at_statement(what + " scans all of " + table + " and " + locking::takes("ACCESS EXCLUSIVE", table) +
                               " during the scan"));
    });
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(adding_not_nullable_field, kMeta, AddingNotNullableField)
