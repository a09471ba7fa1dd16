// table-without-rls: at the end of the set, a table in an exposed schema without row-level security.
#include <algorithm>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "table-without-rls",
    .category = "security",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A table in an exposed schema does not have row-level security enabled.",
    .rationale =
        "Schemas served by an HTTP API (PostgREST, Supabase, Hasura, `exposed_schemas`, default public) hand "
        "every table to anyone holding the anon or authenticated role, limited only by grants and row-level "
        "security. Without RLS every row of the table can be read, and with write grants changed or deleted, "
        "by any client. pgsafe checks at the end of the migration set: enabling RLS in a later migration "
        "clears the finding, disabling it again brings it back. With the default `exposed_schemas = \"auto\"`, "
        "public counts as exposed only when the project shows an API: a Supabase layout (supabase/migrations, "
        "supabase/config.toml), a policy or enabled RLS anywhere in the set, a grant to anon or authenticated, "
        "or auth.uid()/auth.jwt(); apps that serve their data only through their own server are not asked "
        "for RLS. An explicit list in .pgsafe.toml wins.",
    .help = "Enable row-level security in the migration that creates the table, then add policies for the "
            "access you mean to allow (with none, only the owner and BYPASSRLS roles see rows).",
    .bad_example = "CREATE TABLE public.profiles (id uuid PRIMARY KEY, bio text);\n"
                   "GRANT SELECT ON public.profiles TO anon;",
    .good_example = "CREATE TABLE public.profiles (id uuid PRIMARY KEY, bio text);\n"
                    "ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\n"
                    "CREATE POLICY profiles_owner ON public.profiles FOR ALL TO authenticated\n"
                    "  USING (id = auth.uid()) WITH CHECK (id = auth.uid());",
};

class TableWithoutRls final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    const auto& exposed = ctx.settings.exposed_schemas;
    for (const auto& [key, t] : ctx.catalog.tables()) {
      if (!t.known || !t.rls_known || t.rls_enabled || t.created.file < 0) continue;
      if (std::find(exposed.begin(), exposed.end(), t.schema) == exposed.end()) continue;
      Finding f;
      std::string name = quote_qualified(t.qualified());
      // Point at what left it open: the DISABLE when there is one, else the CREATE TABLE.
      const SourceRef& at = t.rls_changed.file >= 0 ? t.rls_changed : t.created;
      f.file = at.file;
      f.begin = at.begin;
      f.end = at.end;
      f.message = t.rls_changed.file >= 0
                      ? "row level security is disabled on " + name + " in exposed schema " + quote_ident(t.schema) +
                            " and not enabled again: any API client can read and change every row"
                      : "table " + name + " in exposed schema " + quote_ident(t.schema) +
                            " never gets row level security: any API client can read and change every row";
      f.help = "Enable it and add policies:\n  ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY;\n"
               "  CREATE POLICY ... ON " + name + " FOR SELECT TO authenticated USING (...);";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(table_without_rls, kMeta, TableWithoutRls)
