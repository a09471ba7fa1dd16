// security-definer-search-path: a SECURITY DEFINER function without SET search_path.
#include "analyzer/catalog_types.h"
#include "analyzer/rule.h"
#include "rules/support/identifiers.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "security-definer-search-path",
    .category = "security",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A SECURITY DEFINER function does not pin its search_path.",
    .rationale =
        "A SECURITY DEFINER function runs with its owner's privileges but resolves unqualified names "
        "through the caller's search_path. A caller who can create objects in any schema on that path "
        "(or in pg_temp) can plant a function or operator with the same name and have it run as the "
        "owner, often a superuser: privilege escalation. The PostgreSQL manual's advice is to always set "
        "search_path on such functions.",
    .help = "Add `SET search_path = ''` (and qualify every name in the body), or a fixed list of trusted "
            "schemas ending with pg_temp, e.g. `SET search_path = public, pg_temp`.",
    .bad_example = "CREATE FUNCTION admin_delete_user(uid uuid) RETURNS void\n"
                   "LANGUAGE sql SECURITY DEFINER\n"
                   "AS $$ DELETE FROM users WHERE id = uid $$;",
    .good_example = "CREATE FUNCTION admin_delete_user(uid uuid) RETURNS void\n"
                    "LANGUAGE sql SECURITY DEFINER SET search_path = ''\n"
                    "AS $$ DELETE FROM public.users WHERE id = uid $$;",
};

struct Effect {
  std::optional<bool> definer;
  std::optional<bool> search_path;  // true: set, false: reset
};

void read_option(const pg_query::DefElem& d, Effect& e) {
  if (d.defname() == "security") e.definer = d.arg().has_boolean() ? d.arg().boolean().boolval() : true;
  if (d.defname() == "set" && d.arg().has_variable_set_stmt()) {
    const auto& v = d.arg().variable_set_stmt();
    if (v.kind() == pg_query::VAR_RESET_ALL) e.search_path = false;
    else if (v.name() == "search_path")
      e.search_path = v.kind() == pg_query::VAR_SET_VALUE || v.kind() == pg_query::VAR_SET_CURRENT;
  }
}

class SecurityDefinerSearchPath final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    return {pg_query::Node::kCreateFunctionStmt, pg_query::Node::kAlterFunctionStmt};
  }
  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.node().has_create_function_stmt()) {
      const auto& s = ctx.node().create_function_stmt();
      Effect e;
      int where = -1;
      for (const auto& o : s.options())
        if (o.has_def_elem()) {
          read_option(o.def_elem(), e);
          if (o.def_elem().defname() == "security") where = o.def_elem().location();
        }
      if (e.definer.value_or(false) && !e.search_path.value_or(false))
        out.add(ctx.at_location(where, message(s.is_procedure() ? "procedure" : "function", sql_name(s.funcname()))));
      return;
    }
    const auto& s = ctx.node().alter_function_stmt();
    Effect e;
    int where = -1;
    for (const auto& a : s.actions())
      if (a.has_def_elem()) {
        read_option(a.def_elem(), e);
        if (a.def_elem().defname() == "security" || a.def_elem().defname() == "set") where = a.def_elem().location();
      }
    if (!e.definer && !e.search_path) return;
    // The function's state before: known only when the set created it.
    std::vector<std::string> parts;
    for (const auto& n : s.func().objname()) parts.push_back(tree::string_value(n));
    std::string qualified = parts.size() >= 2 ? parts[parts.size() - 2] + "." + parts.back() : "public." + parts.back();
    std::vector<const Function*> fns;
    if (s.func().args_unspecified()) {
      fns = ctx.catalog.functions_named(qualified);
    } else {
      Function probe;
      probe.schema = qualified.substr(0, qualified.find('.'));
      probe.name = qualified.substr(qualified.find('.') + 1);
      for (const auto& a : s.func().objfuncargs())
        if (a.has_function_parameter() && a.function_parameter().mode() != pg_query::FUNC_PARAM_OUT &&
            a.function_parameter().mode() != pg_query::FUNC_PARAM_TABLE)
          probe.arg_types.push_back(canonical_type_text(a.function_parameter().arg_type()));
      if (const Function* f = ctx.catalog.find_function(probe.signature())) fns.push_back(f);
    }
    if (fns.size() != 1) return;
    bool definer = e.definer.value_or(fns[0]->security_definer);
    bool pinned = e.search_path.value_or(fns[0]->sets_search_path);
    if (definer && !pinned) out.add(ctx.at_location(where, message(fns[0]->procedure ? "procedure" : "function", sql_name(s.func().objname()))));
  }

 private:
  static std::string message(const std::string& kind, const std::string& name) {
    return "SECURITY DEFINER " + kind + " " + name +
           " does not set search_path: callers can hijack unqualified names and run code with its owner's privileges";
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(security_definer_search_path, kMeta, SecurityDefinerSearchPath)
