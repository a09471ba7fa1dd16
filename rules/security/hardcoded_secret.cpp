// hardcoded-secret: a password, key or token written into a migration (which git keeps forever).
#include <set>

#include "analyzer/rule.h"
#include "parser/source_text.h"
#include "rules/support/identifiers.h"
#include "rules/support/secret_shapes.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "hardcoded-secret",
    .category = "security",
    .default_severity = Severity::Error,
    .enabled_by_default = true,
    .summary = "A password, API key, JWT or private key is written into a migration.",
    .rationale =
        "Migrations live in git forever: every clone, fork, CI cache and backup of the repository carries "
        "what they contain, and deleting the line later does not delete it from the history. Real "
        "migrations do carry secrets: a service_role JWT inside a function that calls an Edge Function, "
        "`CREATE ROLE ... PASSWORD '...'`, a dblink or postgres_fdw connection string with its password, "
        "an API key for a webhook. A service_role key bypasses row-level security entirely; a role "
        "password opens the database to anyone who reads the repository.\n\n"
        "pgsafe looks inside string literals (function bodies and DO blocks included) for JWTs (reading "
        "their role claim), passwords in connection URLs and `password=` conninfo, `PASSWORD '...'` of "
        "CREATE/ALTER ROLE and USER MAPPING options, literal values given to settings named like secrets "
        "(`app.settings.jwt_secret`) or to `vault.create_secret`, PEM private keys, and the published "
        "shapes of AWS, Stripe, GitHub, GitLab, Slack, Google, Supabase and `sk-` API keys. Password "
        "hashes (SCRAM-SHA-256, md5), Stripe test-mode keys and an `authenticated` user's JWT are "
        "reported as warnings. Not reported: the Supabase anon key (public by design: it ships in every "
        "client), the local development stack's published demo keys, placeholders (`<password>`, "
        "`${DB_PASSWORD}`, `{{ .Password }}`, `:'psql_var'`, `xxxx`, `***`), AWS's `...EXAMPLE` keys, and "
        "secrets read at run time (`current_setting('app.jwt_secret')`). A placeholder-looking literal "
        "such as 'changeme' is still reported: the migration sets exactly that password. Messages show at "
        "most the first four characters of a secret.",
    .help = "Treat the secret as leaked and rotate it now (a new password, a revoked and reissued key, a new "
            "JWT secret): removing it from the file does not remove it from git history. Then keep it out of "
            "migrations and read it at run time: Supabase Vault (`vault.decrypted_secrets`, with the secret "
            "stored outside migrations), a setting the deployment provides "
            "(`current_setting('app.settings.service_role_key')`), or a psql variable (`:'api_key'`).",
    .bad_example = "CREATE ROLE reporting LOGIN PASSWORD 'w7#Vq9!mZ2pL';",
    .good_example = "CREATE ROLE reporting LOGIN;\n"
                    "-- the deploy job sets the password from the secret store:\n"
                    "--   psql -v pw=\"$REPORTING_PASSWORD\" -c \"ALTER ROLE reporting PASSWORD :'pw'\"",
};

using secrets::Gravity;
using secrets::Hit;

// "sk_l…" for a long secret; nothing of a short one (four characters of a short password are too much).
std::string masked(std::string_view value) {
  size_t chars = count_code_points(value);
  std::string shown;
  if (chars >= 16) shown = std::string(value.substr(0, value.size() < 4 ? value.size() : 4));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) >= 0x80 || c == '`') c = '?';
  return "`" + shown + "…`, " + std::to_string(chars) + " characters";
}

const char* const kPasswordHelp =
    "Rotate the password now: removing it from the file does not remove it from git history. Create the role "
    "(or mapping) without it and set it outside migrations: `\\password <role>` in psql, or `ALTER ROLE <role> "
    "PASSWORD :'pw'` with a psql variable filled from your secret store. A password stored as a SCRAM hash is "
    "still a secret: it can be attacked offline.";
const char* const kConnectionHelp =
    "Rotate that password now: removing it from the file does not remove it from git history. Keep credentials "
    "out of SQL: libpq reads them from a password file (`passfile`, ~/.pgpass) or the environment, and a user "
    "mapping's password can be set by the deploy job from the secret store.";

class HardcodedSecret final : public Rule {
 public:
  // Every statement, parsed or not: a secret in a file with a syntax error is still in git.
  std::vector<int> subscriptions() const override { return {kAnyStatement, kUnparsedStatement}; }

  void check(const StatementContext& ctx, Findings& out) override {
    // Statements found inside a DO block are part of its text, scanned with the DO statement.
    if (ctx.stmt.parent >= 0) return;
    Scan scan{ctx, out, {}};
    scan.run();
  }

 private:
  struct Scan {
    const StatementContext& ctx;
    Findings& out;
    std::set<uint32_t> reported;  // file offsets of secrets already reported in this statement

    std::string_view file() const { return ctx.source.text(); }
    std::string_view text() const {
      uint32_t e = std::min<uint32_t>(ctx.stmt.end, static_cast<uint32_t>(file().size()));
      return file().substr(ctx.stmt.begin, e > ctx.stmt.begin ? e - ctx.stmt.begin : 0);
    }

    // Where value sits in the statement, searching from hint: its file range, or an empty range at
    // the hint when the text differs from the value (escapes in E'' strings).
    std::pair<uint32_t, uint32_t> locate(std::string_view value, uint32_t hint) const {
      uint32_t b = ctx.stmt.begin;
      std::string_view span = text();
      if (hint < b || hint > b + span.size()) hint = b;
      for (uint32_t from : {hint - b, 0u}) {
        size_t at = span.find(value, from);
        if (at != std::string_view::npos) return {b + static_cast<uint32_t>(at), b + static_cast<uint32_t>(at + value.size())};
        // Inside a quoted literal a quote is written twice.
        if (value.find('\'') != std::string_view::npos) {
          std::string doubled;
          for (char c : value) doubled += c == '\'' ? std::string("''") : std::string(1, c);
          at = span.find(doubled, from);
          if (at != std::string_view::npos) return {b + static_cast<uint32_t>(at), b + static_cast<uint32_t>(at + doubled.size())};
        }
      }
      return {hint, hint};
    }

    void report(std::pair<uint32_t, uint32_t> range, std::string_view value, const std::string& what,
                const std::string& where, Gravity gravity, const char* help) {
      if (!reported.insert(range.first).second) return;
      std::string consequence =
          gravity == Gravity::Low ? "it can still be attacked or used, and git keeps it forever"
                                  : "anyone who can read the repository, or its history, can use it";
      if (what == "a service_role JWT" || what == "a Supabase secret key")
        consequence = "it bypasses row-level security for anyone who can read the repository, or its history";
      Finding f{range.first, range.second,
                what + where + " is hardcoded in this migration (" + masked(value) + "): " + consequence,
                help ? help : "", std::nullopt, -1};
      if (gravity == Gravity::Low) f.severity = Severity::Warning;
      out.add(std::move(f));
    }

    // A literal that a name says is secret (a setting, a Vault secret): reported as such unless
    // its shape already says more (the text scan reports it then).
    void named_value(const pg_query::Node& arg, const std::string& what) {
      if (!arg.has_a_const() || !arg.a_const().has_sval()) return;
      const std::string& value = arg.a_const().sval().sval();
      if (secrets::is_placeholder(value) || !secrets::find_secrets(value).empty()) return;
      report(locate(value, ctx.offset(arg.a_const().location())), value, what, "", Gravity::High, nullptr);
    }

    void setting(const pg_query::VariableSetStmt& v) {
      if (v.kind() == pg_query::VAR_SET_VALUE && secrets::secret_name(v.name()))
        for (const auto& a : v.args()) named_value(a, "a literal value for setting " + v.name());
    }

    // PASSWORD of a role, or password in user mapping and server options.
    void password_options(const tree::NodeList& options, const std::string& owner, bool role) {
      for (const auto& o : options) {
        if (!o.has_def_elem()) continue;
        const auto& d = o.def_elem();
        if (d.defname() != "password" || !d.has_arg() || !d.arg().has_string()) continue;
        const std::string& value = d.arg().string().sval();
        if (secrets::is_placeholder(value)) continue;
        Hit h = secrets::classify_role_password(0, value);
        report(locate(value, ctx.offset(d.location())), value, h.what, owner, h.gravity,
               role ? kPasswordHelp : kConnectionHelp);
      }
    }

    void func_call(const pg_query::FuncCall& f) {
      std::string name = tree::last_name(f.funcname());
      const auto& args = f.args();
      if (name == "set_config" && args.size() >= 2 && args[0].has_a_const() && args[0].a_const().has_sval() &&
          secrets::secret_name(args[0].a_const().sval().sval()))
        named_value(args[1], "a literal value for setting " + args[0].a_const().sval().sval());
      // Supabase Vault: create_secret(new_secret, ...), update_secret(secret_id, new_secret, ...).
      if (name == "create_secret" || name == "update_secret") {
        int position = name == "create_secret" ? 0 : 1;
        for (int i = 0; i < args.size(); ++i) {
          const auto& a = args[i];
          if (a.has_named_arg_expr()) {
            if (a.named_arg_expr().name() == "new_secret" && a.named_arg_expr().has_arg())
              named_value(a.named_arg_expr().arg(), "the secret given to vault." + name);
          } else if (i == position) {
            named_value(a, "the secret given to vault." + name);
          }
        }
      }
    }

    // What only the tree can tell: whose password it is, and values whose name says they are secret.
    void structure(const pg_query::Node& root) {
      switch (root.node_case()) {
        case pg_query::Node::kCreateRoleStmt:
          password_options(root.create_role_stmt().options(), " for role " + sql_ident(root.create_role_stmt().role()), true);
          break;
        case pg_query::Node::kAlterRoleStmt: {
          const auto& r = root.alter_role_stmt();
          password_options(r.options(), r.role().rolename().empty() ? "" : " for role " + sql_ident(r.role().rolename()), true);
          break;
        }
        case pg_query::Node::kCreateUserMappingStmt:
          password_options(root.create_user_mapping_stmt().options(),
                           " in the user mapping for server " + sql_ident(root.create_user_mapping_stmt().servername()), false);
          break;
        case pg_query::Node::kAlterUserMappingStmt:
          password_options(root.alter_user_mapping_stmt().options(),
                           " in the user mapping for server " + sql_ident(root.alter_user_mapping_stmt().servername()), false);
          break;
        case pg_query::Node::kCreateForeignServerStmt:
          password_options(root.create_foreign_server_stmt().options(), " in the options of server " +
                           sql_ident(root.create_foreign_server_stmt().servername()), false);
          break;
        case pg_query::Node::kAlterForeignServerStmt:
          password_options(root.alter_foreign_server_stmt().options(), " in the options of server " +
                           sql_ident(root.alter_foreign_server_stmt().servername()), false);
          break;
        case pg_query::Node::kVariableSetStmt: setting(root.variable_set_stmt()); break;
        case pg_query::Node::kAlterDatabaseSetStmt: setting(root.alter_database_set_stmt().setstmt()); break;
        case pg_query::Node::kAlterRoleSetStmt: setting(root.alter_role_set_stmt().setstmt()); break;
        case pg_query::Node::kAlterSystemStmt: setting(root.alter_system_stmt().setstmt()); break;
        default: break;
      }
      // Function calls can sit anywhere in a tree: walk it only when the text names one.
      std::string_view t = text();
      if (secrets::ifind(t, "set_config") == std::string_view::npos && secrets::ifind(t, "_secret") == std::string_view::npos)
        return;
      tree::for_each_message(root, [&](const google::protobuf::Message& m) {
        if (const auto* f = dynamic_cast<const pg_query::FuncCall*>(&m)) func_call(*f);
        return true;
      });
    }

    void run() {
      if (ctx.stmt.node) structure(ctx.node());
      // Everything else by its shape, in the statement's own text: literals, bodies (a DO
      // block's statements included), comment strings, and comments inside the statement.
      std::string_view t = text();
      for (const auto& h : secrets::find_secrets(t)) {
        uint32_t begin = ctx.stmt.begin + static_cast<uint32_t>(h.pos);
        const char* help = !h.password ? nullptr : h.what.find("ROLE") != std::string::npos ? kPasswordHelp : kConnectionHelp;
        report({begin, begin + static_cast<uint32_t>(h.len)}, t.substr(h.pos, h.len), h.what, "", h.gravity, help);
      }
    }
  };
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(hardcoded_secret, kMeta, HardcodedSecret)
