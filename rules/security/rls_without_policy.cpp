// rls-without-policy: at the end of the set, RLS is on but no policy lets anyone in.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "rls-without-policy",
    .category = "security",
    .default_severity = Severity::Info,
    .enabled_by_default = true,
    .summary = "Row-level security is enabled on a table that has no policy.",
    .rationale =
        "With RLS enabled and no policy, PostgreSQL denies every row to every role except the table owner "
        "and roles with BYPASSRLS. That is a safe default and sometimes exactly what is meant (a table only "
        "the backend's service role touches), but often a policy was forgotten and the API returns empty "
        "results. pgsafe checks at the end of the migration set, so policies added later count.",
    .help = "Add the policies clients need, or keep the table closed on purpose and say so with "
            "`-- pgsafe-ignore rls-without-policy: <reason>`.",
    .bad_example = "CREATE TABLE todos (id bigint PRIMARY KEY, owner uuid);\n"
                   "ALTER TABLE todos ENABLE ROW LEVEL SECURITY;",
    .good_example = "CREATE TABLE todos (id bigint PRIMARY KEY, owner uuid);\n"
                    "ALTER TABLE todos ENABLE ROW LEVEL SECURITY;\n"
                    "CREATE POLICY todos_owner ON todos TO authenticated USING (owner = auth.uid());",
};

class RlsWithoutPolicy final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    for (const auto& [key, t] : ctx.catalog.tables()) {
      // Policies of a table from outside the set may exist outside it too.
      if (!t.known || !t.rls_enabled || !t.policies.empty()) continue;
      const SourceRef& at = t.rls_changed.file >= 0 ? t.rls_changed : t.created;
      if (at.file < 0) continue;
      Finding f;
      f.file = at.file;
      f.begin = at.begin;
      f.end = at.end;
      f.message = "row level security is enabled on " + quote_qualified(t.qualified()) +
                  " but it has no policy: every role except the owner and BYPASSRLS roles sees no rows";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(rls_without_policy, kMeta, RlsWithoutPolicy)
