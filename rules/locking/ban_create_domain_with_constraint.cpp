// ban-create-domain-with-constraint: CHECK constraints on a domain are costly to change later.
#include "rules/locking/lock_support.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "ban-create-domain-with-constraint",
    .category = "locking",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A CHECK on a domain is enforced on every column of that type and is costly to change later.",
    .rationale =
        "Creating the domain locks nothing, but its CHECK then guards every column, in every table, declared "
        "with the domain. Changing the rule later means ALTER DOMAIN ... ADD CONSTRAINT (or VALIDATE), which "
        "takes a SHARE lock on every one of those tables (blocking their writes) while it reads all their "
        "rows, and there is no way to do it one table at a time; dropping the check is the only cheap "
        "change. Ordinary table CHECK constraints can be added NOT VALID and validated online, per table.",
    .help = "Create the domain without the CHECK (or use the base type) and put CHECK constraints on the "
            "tables that use it, where they can be added NOT VALID and validated without blocking writes.",
    .bad_example = "CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');",
    .good_example = "CREATE DOMAIN email AS text;\n"
                    "ALTER TABLE users ADD CONSTRAINT users_email_format CHECK (email ~ '^[^@]+@[^@]+$') NOT VALID;",
    .locks = "none when created; later ALTER DOMAIN ... ADD CONSTRAINT/VALIDATE takes SHARE on every table using it",
};

class BanCreateDomainWithConstraint final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {pg_query::Node::kCreateDomainStmt}; }
  void check(const StatementContext& ctx, Findings& out) override {
    const auto& s = ctx.node().create_domain_stmt();
    for (const auto& c : s.constraints()) {
      if (!c.has_constraint() || c.constraint().contype() != pg_query::CONSTR_CHECK) continue;
      out.add(ctx.at_location(c.constraint().location(),
                              "domain " + sql_name(s.domainname()) + " is created with a CHECK constraint: changing it later "
                              "(ALTER DOMAIN ... ADD CONSTRAINT or VALIDATE) takes a SHARE lock on every table using the "
                              "domain, which blocks writes to all of them while their rows are checked"));
      return;
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(ban_create_domain_with_constraint, kMeta, BanCreateDomainWithConstraint)
