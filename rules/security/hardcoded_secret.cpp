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
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }

  void check(const StatementContext& ctx, Findings& out) override {
    // Statements found inside a DO block are part of its body, which is scanned as text.
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

    // Where value sits in the statement, searching from hint: its file range, or an empty range at
    // the hint when the text differs from the value (escapes in E'' strings).
    std::pair<uint32_t, uint32_t> locate(std::string_view value, uint32_t hint) const {
      uint32_t b = ctx.stmt.begin, e = std::min<uint32_t>(ctx.stmt.end, static_cast<uint32_t>(file().size()));
      if (hint < b || hint > e) hint = b;
      std::string_view span = file().substr(b, e - b);
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

    // Secrets by shape anywhere in a string; hint is where the string starts (or the statement).
    void scan_text(std::string_view text, uint32_t hint) {
      std::vector<Hit> hits = secrets::find_secrets(text);
      if (hits.empty()) return;
      auto whole = locate(text, hint);
      bool exact = whole.second - whole.first == text.size();
      for (const auto& h : hits) {
        std::string_view value = text.substr(h.pos, h.len);
        auto range = exact ? std::pair<uint32_t, uint32_t>{whole.first + static_cast<uint32_t>(h.pos),
                                                           whole.first + static_cast<uint32_t>(h.pos + h.len)}
                           : locate(value, hint);
        const char* help = !h.password ? nullptr : h.what.find("ROLE") != std::string::npos ? kPasswordHelp : kConnectionHelp;
        report(range, value, h.what, "", h.gravity, help);
      }
    }

    // A literal that a name says is secret (a setting, a Vault secret): reported as such unless
    // its shape already says more.
    void named_value(const pg_query::Node& arg, const std::string& what) {
      if (!arg.has_a_const() || !arg.a_const().has_sval()) return;
      const std::string& value = arg.a_const().sval().sval();
      if (secrets::is_placeholder(value) || !secrets::find_secrets(value).empty()) return;
      report(locate(value, ctx.offset(arg.a_const().location())), value, what, "", Gravity::High, nullptr);
    }

    std::string password_owner() const {
      const auto& n = ctx.node();
      if (n.has_create_role_stmt()) return " for role " + sql_ident(n.create_role_stmt().role());
      if (n.has_alter_role_stmt() && n.alter_role_stmt().has_role() && !n.alter_role_stmt().role().rolename().empty())
        return " for role " + sql_ident(n.alter_role_stmt().role().rolename());
      if (n.has_create_user_mapping_stmt()) return " in the user mapping for server " + sql_ident(n.create_user_mapping_stmt().servername());
      if (n.has_alter_user_mapping_stmt()) return " in the user mapping for server " + sql_ident(n.alter_user_mapping_stmt().servername());
      return " in an option";
    }

    void def_elem(const pg_query::DefElem& d) {
      if (d.defname() != "password" || !d.has_arg() || !d.arg().has_string()) return;
      const std::string& value = d.arg().string().sval();
      if (secrets::is_placeholder(value)) return;
      Hit h = secrets::classify_role_password(0, value);
      bool role = ctx.node().has_create_role_stmt() || ctx.node().has_alter_role_stmt();
      report(locate(value, ctx.offset(d.location())), value, h.what, password_owner(), h.gravity,
             role ? kPasswordHelp : kConnectionHelp);
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

    void run() {
      const pg_query::Node& root = ctx.node();
      if (root.has_create_subscription_stmt()) scan_text(root.create_subscription_stmt().conninfo(), ctx.stmt.begin);
      if (root.has_alter_subscription_stmt()) scan_text(root.alter_subscription_stmt().conninfo(), ctx.stmt.begin);
      // Literals the tree keeps as plain text fields rather than String nodes.
      if (root.has_comment_stmt()) scan_text(root.comment_stmt().comment(), ctx.stmt.begin);
      if (root.has_notify_stmt()) scan_text(root.notify_stmt().payload(), ctx.stmt.begin);
      if (root.has_sec_label_stmt()) scan_text(root.sec_label_stmt().label(), ctx.stmt.begin);
      tree::for_each_message(root, [&](const google::protobuf::Message& m) {
        if (const auto* d = dynamic_cast<const pg_query::DefElem*>(&m)) {
          def_elem(*d);
        } else if (const auto* v = dynamic_cast<const pg_query::VariableSetStmt*>(&m)) {
          if (v->kind() == pg_query::VAR_SET_VALUE && secrets::secret_name(v->name()))
            for (const auto& a : v->args()) named_value(a, "a literal value for setting " + v->name());
        } else if (const auto* f = dynamic_cast<const pg_query::FuncCall*>(&m)) {
          func_call(*f);
        } else if (const auto* c = dynamic_cast<const pg_query::A_Const*>(&m)) {
          if (c->has_sval()) scan_text(c->sval().sval(), ctx.offset(c->location()));
          return false;  // its String is scanned
        } else if (const auto* s = dynamic_cast<const pg_query::String*>(&m)) {
          // Function and DO bodies, option values: no location of their own.
          scan_text(s->sval(), ctx.stmt.begin);
        }
        return true;
      });
    }
  };
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(hardcoded_secret, kMeta, HardcodedSecret)
