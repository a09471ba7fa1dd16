// view-without-security-invoker: at the end of the set, a view in an exposed schema runs as its owner.
#include <algorithm>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "view-without-security-invoker",
    .category = "security",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A view in an exposed schema does not set security_invoker = true.",
    .rationale =
        "By default a view reads its tables with the privileges of the view's owner, and row-level "
        "security is checked against the owner too, not the caller. A view in a schema served by an API "
        "therefore shows every row of its tables to every client, bypassing the RLS policies on them. "
        "PostgreSQL 15 added `security_invoker = true`, which makes the view check permissions and "
        "policies as the querying user. pgsafe checks at the end of the migration set (ALTER VIEW ... SET "
        "(security_invoker = true) later counts); materialized views and PostgreSQL before 15 are not judged.",
    .help = "Create the view WITH (security_invoker = true), or set it afterwards with "
            "ALTER VIEW ... SET (security_invoker = true). If the view must bypass RLS on purpose, move it "
            "to a schema that is not exposed.",
    .bad_example = "CREATE VIEW public.active_users AS SELECT id, email FROM users WHERE active;\n"
                   "GRANT SELECT ON public.active_users TO authenticated;",
    .good_example = "CREATE VIEW public.active_users WITH (security_invoker = true) AS\n"
                    "  SELECT id, email FROM users WHERE active;",
};

class ViewWithoutSecurityInvoker final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    if (ctx.settings.pg_version < 15) return;  // the option does not exist before 15
    const auto& exposed = ctx.settings.exposed_schemas;
    for (const auto& [key, v] : ctx.catalog.views()) {
      if (v.materialized || v.security_invoker || v.created.file < 0) continue;
      if (std::find(exposed.begin(), exposed.end(), v.schema) == exposed.end()) continue;
      Finding f;
      f.file = v.created.file;
      f.begin = v.created.begin;
      f.end = v.created.end;
      f.message = "view " + quote_qualified(v.qualified()) + " in exposed schema " + quote_ident(v.schema) +
                  " runs with its owner's privileges and bypasses the callers' row level security";
      f.help = "Make it check the caller's permissions and policies:\n  ALTER VIEW " + quote_qualified(v.qualified()) +
               " SET (security_invoker = true);";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(view_without_security_invoker, kMeta, ViewWithoutSecurityInvoker)
