// policy-always-true: a write policy for anon/authenticated/public whose USING or WITH CHECK is true.
#include "analyzer/catalog_expr.h"
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "policy-always-true",
    .category = "security",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "An INSERT, UPDATE, DELETE or ALL policy for anon, authenticated or public is literally true.",
    .rationale =
        "A policy whose USING or WITH CHECK is `true` lets the roles it names touch every row: with "
        "`anon`, `authenticated` or PUBLIC that is every API client, so anyone can overwrite or delete "
        "anyone's data (or insert rows claiming to be someone else). Read-only SELECT policies with "
        "`true` are a normal way to publish a table and are not reported.",
    .help = "Restrict the rows the policy allows, typically to the caller's own rows, and give the "
            "unrestricted access only to a trusted role such as service_role.",
    .bad_example = "CREATE POLICY anyone_edits ON posts FOR UPDATE TO authenticated USING (true);",
    .good_example = "CREATE POLICY authors_edit ON posts FOR UPDATE TO authenticated\n"
                    "  USING (author_id = auth.uid()) WITH CHECK (author_id = auth.uid());",
};

bool exposed_role(const std::vector<std::string>& roles, std::string& which) {
  for (const auto& r : roles)
    if (r == "anon" || r == "authenticated" || r == "public") {
      which = r == "public" ? "PUBLIC" : r;
      return true;
    }
  return false;
}

std::string role_of(const pg_query::Node& n) {
  if (!n.has_role_spec()) return {};
  if (n.role_spec().roletype() == pg_query::ROLESPEC_PUBLIC) return "public";
  return n.role_spec().rolename();
}

class PolicyAlwaysTrue final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {pg_query::Node::kCreatePolicyStmt, pg_query::Node::kAlterPolicyStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    std::string command, policy, table;
    std::vector<std::string> roles;
    const pg_query::Node *qual = nullptr, *with_check = nullptr;
    if (ctx.node().has_create_policy_stmt()) {
      const auto& s = ctx.node().create_policy_stmt();
      command = s.cmd_name().empty() ? "all" : s.cmd_name();
      policy = s.policy_name();
      table = sql_name(s.table());
      for (const auto& r : s.roles()) roles.push_back(role_of(r));
      if (roles.empty()) roles.push_back("public");
      if (s.has_qual()) qual = &s.qual();
      if (s.has_with_check()) with_check = &s.with_check();
    } else {
      const auto& s = ctx.node().alter_policy_stmt();
      const Table* t = ctx.catalog.find_table(Catalog::qualify(s.table().schemaname(), s.table().relname()));
      const Policy* existing = t ? t->find_policy(s.policy_name()) : nullptr;
      if (!existing) return;  // command and roles unknown: say nothing
      command = existing->command;
      policy = s.policy_name();
      table = sql_name(s.table());
      roles = existing->roles;
      if (!s.roles().empty()) {
        roles.clear();
        for (const auto& r : s.roles()) roles.push_back(role_of(r));
      }
      if (s.has_qual()) qual = &s.qual();
      if (s.has_with_check()) with_check = &s.with_check();
    }
    if (command == "select") return;
    std::string who;
    if (!exposed_role(roles, who)) return;
    const pg_query::Node* culprit = qual && expr_is_literally_true(*qual) ? qual
                                    : with_check && expr_is_literally_true(*with_check) ? with_check
                                                                                        : nullptr;
    if (!culprit) return;
    std::string clause = culprit == qual ? "USING" : "WITH CHECK";
    std::string verb = command == "all" ? "read, insert, update and delete" : command;
    out.add(ctx.at_location(tree::location_of(*culprit),
                            "policy " + sql_ident(policy) + " on " + table + " lets " + who + " " + verb +
                                " every row: its " + clause + " (" + expr_sql(*culprit) + ") is always true"));
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(policy_always_true, kMeta, PolicyAlwaysTrue)
