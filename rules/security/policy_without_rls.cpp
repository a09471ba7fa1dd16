// policy-without-rls: at the end of the set, policies exist but RLS is off, so they do nothing.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "policy-without-rls",
    .category = "security",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A table has policies but row-level security is not enabled, so the policies do nothing.",
    .rationale =
        "CREATE POLICY alone restricts nothing: policies are only applied once ALTER TABLE ... ENABLE ROW "
        "LEVEL SECURITY has been run. A table with carefully written policies and RLS off is fully open, and "
        "reviewers who see the policies assume it is protected. pgsafe checks at the end of the migration "
        "set, so enabling RLS in a later migration counts.",
    .help = "Enable row level security on the table (in the same migration as the policies).",
    .bad_example = "CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid);\n"
                   "CREATE POLICY notes_owner ON notes USING (owner = auth.uid());",
    .good_example = "CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid);\n"
                    "ALTER TABLE notes ENABLE ROW LEVEL SECURITY;\n"
                    "CREATE POLICY notes_owner ON notes USING (owner = auth.uid());",
};

class PolicyWithoutRls final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    for (const auto& [key, t] : ctx.catalog.tables()) {
      // rls_known is false for a table from outside the set whose RLS the set never touched.
      if (t.policies.empty() || !t.rls_known || t.rls_enabled) continue;
      const Policy& p = t.policies.front();
      if (p.source.file < 0) continue;
      // Point at what switched the policies off: the DISABLE when there is one, else the first policy.
      const SourceRef& at = t.rls_changed.file >= 0 ? t.rls_changed : p.source;
      Finding f;
      f.file = at.file;
      f.begin = at.begin;
      f.end = at.end;
      std::string name = quote_qualified(t.qualified());
      f.message = "table " + name + " has " + std::to_string(t.policies.size()) + " polic" +
                  (t.policies.size() == 1 ? "y" : "ies") + " (" + quote_ident(p.name) +
                  (t.policies.size() > 1 ? ", ..." : "") +
                  ") but row level security is not enabled: the policies are ignored and every row is open";
      f.help = "Enable it:\n  ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY;";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(policy_without_rls, kMeta, PolicyWithoutRls)
