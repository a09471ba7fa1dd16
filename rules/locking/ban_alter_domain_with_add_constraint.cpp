// ban-alter-domain-with-add-constraint: ALTER DOMAIN ... ADD CONSTRAINT checks every column of the
// domain in every table while blocking their writes.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-alter-domain-with-add-constraint",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "ALTER DOMAIN ... ADD CONSTRAINT scans every table that uses the domain while blocking their writes.",
    .rationale =
        "Adding a constraint to a domain validates it against every column declared with the domain, in "
        "every table: PostgreSQL takes a SHARE lock on each of those tables (INSERT, UPDATE and DELETE wait, "
        "reads go on) and reads all their rows, all in one statement, and fails if one row violates it. "
        "With NOT VALID only new values are checked and the statement is quick (it is not reported); a "
        "later VALIDATE CONSTRAINT takes the same SHARE locks for the scan. Domains created earlier in the "
        "same file are exempt: every table using them is new too.",
    .help = "Prefer CHECK constraints on the tables (ADD CONSTRAINT ... NOT VALID, then VALIDATE in a separate "
            "migration, one table at a time). If the domain must carry it, add it NOT VALID so new values are "
            "checked at once, and run ALTER DOMAIN ... VALIDATE CONSTRAINT in a quiet window.",
    .bad_example = "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');",
    .good_example = "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;",
    .locks = "SHARE on every table with a column of the domain (blocks writes) during the scan",
};

class BanAlterDomainWithAddConstraint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kAlterDomainStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().alter_domain_stmt();
    if (s.subtype() != "C" || !s.def().has_constraint() || s.def().constraint().skip_validation()) return;
    std::string key = locking::key_of(s.type_name());
    if (const UserType* t = ctx.catalog.find_type(key); t && t->created.file == ctx.file.index) return;
    std::string name = sql_name(s.type_name());
    out.add(ctx.at_statement("adding a constraint to domain " + name + " checks every column of that type in every table, "
                             "taking a SHARE lock on each of those tables, which blocks writes to them during the scan"));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_alter_domain_with_add_constraint, kMeta, BanAlterDomainWithAddConstraint)
