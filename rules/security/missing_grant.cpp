// missing-grant (opt-in): a new table in an exposed schema is never granted to the API roles.
#include <algorithm>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "missing-grant",
    .category = "security",
    .default_severity = Severity::Warning,
    .enabled_by_default = false,
    .summary = "A new table in an exposed schema has no GRANT to the roles the API uses.",
    .rationale =
        "An API such as PostgREST or Supabase reaches tables through specific roles (e.g. authenticated, "
        "service_role). A table those roles have no privilege on fails at runtime with \"permission denied\" "
        "as soon as a client touches it, and the fix often ends up as a hurried GRANT ALL. Grants from a "
        "later migration, GRANT ... ON ALL TABLES IN SCHEMA and ALTER DEFAULT PRIVILEGES count; a grant to "
        "PUBLIC covers every role. Opt-in: it runs once `[rules.missing-grant] roles = [...]` names the roles.",
    .help = "Grant exactly the privileges each role needs, in the migration that creates the table.",
    .bad_example = "-- .pgsafe.toml: exposed_schemas = [\"public\"]\n"
                   "-- .pgsafe.toml: [rules.missing-grant] roles = [\"authenticated\"]\n"
                   "CREATE TABLE public.invoices (id bigint PRIMARY KEY);",
    .good_example = "CREATE TABLE public.invoices (id bigint PRIMARY KEY);\n"
                    "GRANT SELECT, INSERT ON public.invoices TO authenticated;",
    .options = {{"roles", "string-list", "[]", "Roles every new table in an exposed schema must be granted to"}},
};

class MissingGrant final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    std::vector<std::string> roles;
    if (ctx.options.contains("roles") && ctx.options["roles"].is_array())
      for (const auto& r : ctx.options["roles"])
        if (r.is_string()) roles.push_back(r.get<std::string>());
    if (roles.empty()) return;
    const auto& exposed = ctx.settings.exposed_schemas;
    for (const auto& [key, t] : ctx.catalog.tables()) {
      if (!t.known || t.created.file < 0) continue;
      if (std::find(exposed.begin(), exposed.end(), t.schema) == exposed.end()) continue;
      if (t.grants.count("public")) continue;
      std::string missing;
      for (const auto& r : roles)
        if (!t.grants.count(r)) missing += (missing.empty() ? "" : ", ") + quote_ident(r);
      if (missing.empty()) continue;
      Finding f;
      f.file = t.created.file;
      f.begin = t.created.begin;
      f.end = t.created.end;
      f.message = "table " + quote_qualified(t.qualified()) + " is never granted to " + missing +
                  ": API requests as " + (missing.find(',') == std::string::npos ? "that role" : "those roles") +
                  " fail with permission denied";
      f.help = "Grant what the role needs, e.g.:\n  GRANT SELECT, INSERT, UPDATE, DELETE ON " + quote_qualified(t.qualified()) +
               " TO " + missing + ";";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(missing_grant, kMeta, MissingGrant)
