// prefer-robust-stmts: statements that fail when the migration runs a second time.
#include <set>

#include "analyzer/rule.h"
#include "rules/support/identifiers.h"
#include "rules/support/words.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "prefer-robust-stmts",
    .category = "idempotency",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A statement that fails when the migration is run again.",
    .rationale =
        "Some deployment protocols require every migration to be re-runnable: a hotfix applied by hand "
        "must not make the matching migration fail later, and a file that stopped half way outside a "
        "transaction must be able to run again from the top. CREATE without IF NOT EXISTS (or OR "
        "REPLACE), DROP without IF EXISTS, ADD COLUMN without IF NOT EXISTS and an unguarded ADD "
        "CONSTRAINT all raise an error when their object already exists (or is already gone).\n\n"
        "Not reported, because the statement cannot fail on a second run: CREATE ... IF NOT EXISTS, "
        "CREATE OR REPLACE, DROP ... IF EXISTS; statements inside a DO block under IF/CASE/a loop, or in "
        "a DO block with an EXCEPTION handler; a CREATE (or ADD CONSTRAINT, ADD COLUMN) preceded in the "
        "same file by a DROP ... IF EXISTS of the same object; a DROP of an object created earlier in the "
        "same file (it always exists when the DROP runs); temporary tables, sequences and views (they vanish "
        "with the session). An unnamed CREATE INDEX is reported even with "
        "nothing to add: every run creates one more index. RENAME, ALTER TYPE and other statements that "
        "have no IF EXISTS form are not checked.\n\n"
        "By default (`mode = \"outside-transaction\"`) only statements that run outside a transaction are "
        "checked: files that cannot run in one (CREATE INDEX CONCURRENTLY and the like), files marked "
        "`-- pgsafe:no-transaction`, and every file when `assume_in_transaction = false`. A file the applier "
        "wraps in a transaction rolls back as a whole when any statement fails, so running it again is "
        "already safe. Projects that follow an always-idempotent protocol (every file must survive being "
        "run twice, e.g. re-run by hand against a database where it partly ran outside a transaction) set "
        "`mode = \"always\"` under `[rules.prefer-robust-stmts]`.",
    .help = "Make each statement a no-op when its work is already done: `CREATE TABLE IF NOT EXISTS`, "
            "`CREATE INDEX CONCURRENTLY IF NOT EXISTS name`, `CREATE OR REPLACE FUNCTION/VIEW`, `DROP ... IF "
            "EXISTS`, `ADD COLUMN IF NOT EXISTS`. Constraints, types, policies and triggers have no IF NOT "
            "EXISTS: drop them first with `DROP ... IF EXISTS` (`ALTER TABLE t DROP CONSTRAINT IF EXISTS c;` "
            "then `ADD CONSTRAINT c ...`), or wrap the CREATE in a DO block that checks the catalog "
            "(`IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'c') THEN ... END IF;`). "
            "Beware that `CREATE INDEX CONCURRENTLY IF NOT EXISTS` also skips an INVALID index left by an "
            "earlier failed build: check `pg_index.indisvalid` (or `DROP INDEX CONCURRENTLY IF EXISTS` first). "
            "`pgsafe lint --fix` inserts IF NOT EXISTS / IF EXISTS where PostgreSQL accepts them (safe: the "
            "statement only behaves differently where the original would have failed) and offers OR REPLACE "
            "for views, functions, procedures, rules and (from PostgreSQL 14) triggers as an unsafe fix, "
            "because it silently replaces a definition that differs.",
    .bad_example = "-- pgsafe:no-transaction\n"
                   "CREATE TABLE invoices (id bigint PRIMARY KEY);\n"
                   "ALTER TABLE invoices ADD COLUMN due_date date;\n"
                   "ALTER TABLE invoices ADD CONSTRAINT invoices_due_date_check CHECK (due_date > '2000-01-01');",
    .good_example = "-- pgsafe:no-transaction\n"
                    "CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\n"
                    "ALTER TABLE invoices ADD COLUMN IF NOT EXISTS due_date date;\n"
                    "ALTER TABLE invoices DROP CONSTRAINT IF EXISTS invoices_due_date_check;\n"
                    "ALTER TABLE invoices ADD CONSTRAINT invoices_due_date_check CHECK (due_date > '2000-01-01');",
    .options = {{"mode", "string", "\"outside-transaction\"",
                 "`\"outside-transaction\"`: only files that cannot run inside a transaction are checked (CREATE/DROP "
                 "INDEX CONCURRENTLY and the like, `-- pgsafe:no-transaction`, or `assume_in_transaction = false`), "
                 "since a file that runs in a transaction rolls back as a whole and can simply run again; "
                 "`\"always\"`: every file, for projects that follow an always-idempotent protocol",
                 "outside-transaction,always"}},
};

std::string rv_key(const pg_query::RangeVar& rv) {
  return rv.schemaname().empty() ? rv.relname() : rv.schemaname() + "." + rv.relname();
}

// The name of one DROP object as a dotted string ("schema.table", "table.trigger", "f").
std::string drop_object_name(const pg_query::Node& obj) {
  if (obj.has_list()) return tree::join_names(obj.list().items());
  if (obj.has_string()) return obj.string().sval();
  if (obj.has_type_name()) return tree::join_names(obj.type_name().names());
  if (obj.has_object_with_args()) return tree::join_names(obj.object_with_args().objname());
  return {};
}

// One DROP object as SQL would write it: `billing.invoices`, `"Legacy"`, `set_updated_at ON invoices`.
std::string display_name(const pg_query::Node& obj, bool on_table) {
  const tree::NodeList* names = nullptr;
  if (obj.has_list()) names = &obj.list().items();
  else if (obj.has_type_name()) names = &obj.type_name().names();
  else if (obj.has_object_with_args()) names = &obj.object_with_args().objname();
  if (!names) return obj.has_string() ? sql_ident(obj.string().sval()) : std::string("?");
  if (on_table && names->size() >= 2) {
    tree::NodeList table(*names);
    table.RemoveLast();
    return sql_ident(tree::last_name(*names)) + " ON " + sql_name(table);
  }
  return sql_name(*names);
}

// The key a DROP of this object kind files its objects under, and the keywords after DROP.
struct DropKind {
  const char* key;
  std::vector<std::string_view> words;
};
std::optional<DropKind> drop_kind(pg_query::ObjectType t) {
  switch (t) {
    case pg_query::OBJECT_TABLE: return DropKind{"table", {"table"}};
    case pg_query::OBJECT_FOREIGN_TABLE: return DropKind{"table", {"foreign", "table"}};
    case pg_query::OBJECT_INDEX: return DropKind{"index", {"index"}};
    case pg_query::OBJECT_VIEW: return DropKind{"view", {"view"}};
    case pg_query::OBJECT_MATVIEW: return DropKind{"matview", {"materialized", "view"}};
    case pg_query::OBJECT_SEQUENCE: return DropKind{"sequence", {"sequence"}};
    case pg_query::OBJECT_SCHEMA: return DropKind{"schema", {"schema"}};
    case pg_query::OBJECT_EXTENSION: return DropKind{"extension", {"extension"}};
    case pg_query::OBJECT_TYPE: return DropKind{"type", {"type"}};
    case pg_query::OBJECT_DOMAIN: return DropKind{"type", {"domain"}};
    case pg_query::OBJECT_FUNCTION: return DropKind{"routine", {"function"}};
    case pg_query::OBJECT_PROCEDURE: return DropKind{"routine", {"procedure"}};
    case pg_query::OBJECT_ROUTINE: return DropKind{"routine", {"routine"}};
    case pg_query::OBJECT_AGGREGATE: return DropKind{"aggregate", {"aggregate"}};
    case pg_query::OBJECT_TRIGGER: return DropKind{"trigger", {"trigger"}};
    case pg_query::OBJECT_POLICY: return DropKind{"policy", {"policy"}};
    case pg_query::OBJECT_RULE: return DropKind{"rule", {"rule"}};
    case pg_query::OBJECT_COLLATION: return DropKind{"collation", {"collation"}};
    case pg_query::OBJECT_STATISTIC_EXT: return DropKind{"statistics", {"statistics"}};
    default: return std::nullopt;
  }
}

class PreferRobustStmts final : public Rule {
 public:
  std::vector<int> subscriptions() const override {
    using N = pg_query::Node;
    return {N::kCreateStmt,       N::kIndexStmt,         N::kCreateSchemaStmt,   N::kCreateSeqStmt,
            N::kCreateTableAsStmt, N::kCreateExtensionStmt, N::kViewStmt,       N::kCreateFunctionStmt,
            N::kCreateTrigStmt,   N::kCreateEnumStmt,    N::kCompositeTypeStmt, N::kCreateDomainStmt,
            N::kCreatePolicyStmt, N::kRuleStmt,          N::kDropStmt,          N::kAlterTableStmt,
            N::kSelectStmt};
  }

  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.file.index != file_) {
      file_ = ctx.file.index;
      dropped_if_exists_.clear();
      created_.clear();
    }
    bool skip = skipped(ctx);
    const auto& n = ctx.node();
    switch (n.node_case()) {
      case pg_query::Node::kCreateStmt: {
        const auto& s = n.create_stmt();
        std::string key = "table:" + rv_key(s.relation());
        // A temporary table disappears with the session: the next run starts without it.
        if (!s.if_not_exists() && !skip && !guarded(key) && s.relation().relpersistence() != "t")
          report(ctx, out, "CREATE TABLE " + sql_name(s.relation()), "IF NOT EXISTS",
                 insert_after(ctx, {"create"}, {"global", "local", "temp", "temporary", "unlogged", "foreign"}, {"table"}, {}, " IF NOT EXISTS"),
                 true);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kIndexStmt: {
        const auto& s = n.index_stmt();
        std::string schema = s.relation().schemaname();
        std::string key = "index:" + (schema.empty() ? "" : schema + ".") + s.idxname();
        if (s.idxname().empty()) {
          if (!skip)
            out.add(ctx.at_statement("CREATE INDEX on " + sql_name(s.relation()) +
                                     " has no name, so every run of this migration creates one more index",
                                     "Name the index and add IF NOT EXISTS: `CREATE INDEX CONCURRENTLY IF NOT EXISTS "
                                     "<table>_<column>_idx ON ...`."));
          break;
        }
        if (!s.if_not_exists() && !skip && !guarded(key))
          report(ctx, out, "CREATE INDEX " + sql_ident(s.idxname()), "IF NOT EXISTS",
                 insert_after(ctx, {"create"}, {"unique"}, {"index"}, {"concurrently"}, " IF NOT EXISTS"), true);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateSchemaStmt: {
        const auto& s = n.create_schema_stmt();
        std::string key = "schema:" + s.schemaname();
        if (!s.if_not_exists() && !skip && !guarded(key)) {
          // PostgreSQL rejects IF NOT EXISTS together with schema elements.
          std::optional<FixSpec> fix;
          if (s.schema_elts_size() == 0 && !s.schemaname().empty())
            fix = insert_after(ctx, {"create"}, {}, {"schema"}, {}, " IF NOT EXISTS");
          report(ctx, out, "CREATE SCHEMA " + sql_ident(s.schemaname().empty() ? "(authorization)" : s.schemaname()),
                 "IF NOT EXISTS", fix, true);
        }
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateSeqStmt: {
        const auto& s = n.create_seq_stmt();
        std::string key = "sequence:" + rv_key(s.sequence());
        if (!s.if_not_exists() && !skip && !guarded(key) && s.sequence().relpersistence() != "t")
          report(ctx, out, "CREATE SEQUENCE " + sql_name(s.sequence()), "IF NOT EXISTS",
                 insert_after(ctx, {"create"}, {"temp", "temporary", "unlogged"}, {"sequence"}, {}, " IF NOT EXISTS"), true);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateTableAsStmt: {
        const auto& s = n.create_table_as_stmt();
        if (!s.has_into() || !s.into().has_rel()) break;
        bool matview = s.objtype() == pg_query::OBJECT_MATVIEW;
        std::string key = std::string(matview ? "matview:" : "table:") + rv_key(s.into().rel());
        if (!s.if_not_exists() && !skip && !guarded(key) && s.into().rel().relpersistence() != "t") {
          if (matview) {
            report(ctx, out, "CREATE MATERIALIZED VIEW " + sql_name(s.into().rel()), "IF NOT EXISTS",
                   insert_after(ctx, {"create"}, {}, {"materialized", "view"}, {}, " IF NOT EXISTS"), true);
          } else {
            report(ctx, out, "CREATE TABLE " + sql_name(s.into().rel()) + " AS", "IF NOT EXISTS",
                   insert_after(ctx, {"create"}, {"global", "local", "temp", "temporary", "unlogged"}, {"table"}, {}, " IF NOT EXISTS"),
                   true);
          }
        }
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateExtensionStmt: {
        const auto& s = n.create_extension_stmt();
        std::string key = "extension:" + s.extname();
        if (!s.if_not_exists() && !skip && !guarded(key))
          report(ctx, out, "CREATE EXTENSION " + sql_ident(s.extname()), "IF NOT EXISTS",
                 insert_after(ctx, {"create"}, {}, {"extension"}, {}, " IF NOT EXISTS"), true);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kViewStmt: {
        const auto& s = n.view_stmt();
        std::string key = "view:" + rv_key(s.view());
        if (!s.replace() && !skip && !guarded(key) && s.view().relpersistence() != "t")
          report(ctx, out, "CREATE VIEW " + sql_name(s.view()), "OR REPLACE", insert_after(ctx, {"create"}, {}, {}, {}, " OR REPLACE"),
                 false);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateFunctionStmt: {
        const auto& s = n.create_function_stmt();
        std::string key = "routine:" + tree::join_names(s.funcname());
        if (!s.replace() && !skip && !guarded(key))
          report(ctx, out, std::string(s.is_procedure() ? "CREATE PROCEDURE " : "CREATE FUNCTION ") + sql_name(s.funcname()),
                 "OR REPLACE", insert_after(ctx, {"create"}, {}, {}, {}, " OR REPLACE"), false);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateTrigStmt: {
        const auto& s = n.create_trig_stmt();
        std::string key = "trigger:" + rv_key(s.relation()) + "." + s.trigname();
        if (!s.replace() && !skip && !guarded(key)) {
          // OR REPLACE exists for triggers from PostgreSQL 14, and never for constraint triggers.
          if (ctx.settings.pg_version >= 14 && !s.isconstraint())
            report(ctx, out, "CREATE TRIGGER " + sql_ident(s.trigname()) + " on " + sql_name(s.relation()), "OR REPLACE",
                   insert_after(ctx, {"create"}, {}, {}, {}, " OR REPLACE"), false);
          else
            out.add(ctx.at_statement("CREATE TRIGGER " + sql_ident(s.trigname()) + " on " + sql_name(s.relation()) +
                                     " fails when the migration runs again, and OR REPLACE TRIGGER needs PostgreSQL 14 "
                                     "(and is not available for constraint triggers)",
                                     "Drop it first: `DROP TRIGGER IF EXISTS " + sql_ident(s.trigname()) + " ON " +
                                         sql_name(s.relation()) + ";`."));
        }
        created_.insert(key);
        break;
      }
      case pg_query::Node::kRuleStmt: {
        const auto& s = n.rule_stmt();
        std::string key = "rule:" + rv_key(s.relation()) + "." + s.rulename();
        if (!s.replace() && !skip && !guarded(key))
          report(ctx, out, "CREATE RULE " + sql_ident(s.rulename()), "OR REPLACE", insert_after(ctx, {"create"}, {}, {}, {}, " OR REPLACE"),
                 false);
        created_.insert(key);
        break;
      }
      case pg_query::Node::kCreateEnumStmt:
        no_if_not_exists(ctx, out, skip, "type:" + tree::join_names(n.create_enum_stmt().type_name()),
                         "CREATE TYPE " + sql_name(n.create_enum_stmt().type_name()), "DROP TYPE IF EXISTS");
        break;
      case pg_query::Node::kCompositeTypeStmt:
        no_if_not_exists(ctx, out, skip, "type:" + rv_key(n.composite_type_stmt().typevar()),
                         "CREATE TYPE " + sql_name(n.composite_type_stmt().typevar()), "DROP TYPE IF EXISTS");
        break;
      case pg_query::Node::kCreateDomainStmt:
        no_if_not_exists(ctx, out, skip, "type:" + tree::join_names(n.create_domain_stmt().domainname()),
                         "CREATE DOMAIN " + sql_name(n.create_domain_stmt().domainname()), "DROP DOMAIN IF EXISTS");
        break;
      case pg_query::Node::kCreatePolicyStmt: {
        const auto& s = n.create_policy_stmt();
        no_if_not_exists(ctx, out, skip, "policy:" + rv_key(s.table()) + "." + s.policy_name(),
                         "CREATE POLICY " + sql_ident(s.policy_name()) + " on " + sql_name(s.table()), "DROP POLICY IF EXISTS");
        break;
      }
      case pg_query::Node::kSelectStmt: {
        // SELECT ... INTO creates a table (the raw parse tree keeps it a SELECT).
        const auto& s = n.select_stmt();
        if (!s.has_into_clause() || !s.into_clause().has_rel()) break;
        const auto& rel = s.into_clause().rel();
        std::string key = "table:" + rv_key(rel);
        if (!skip && !guarded(key))
          out.add(ctx.at_statement("SELECT INTO " + sql_name(rel) +
                                   " fails when the table already exists, and has no IF NOT EXISTS form",
                                   "Write it as `CREATE TABLE IF NOT EXISTS " + sql_name(rel) + " AS SELECT ...`."));
        created_.insert(key);
        break;
      }
      case pg_query::Node::kDropStmt: check_drop(ctx, out, skip); break;
      case pg_query::Node::kAlterTableStmt: check_alter(ctx, out, skip); break;
      default: break;
    }
  }

 private:
  int file_ = -2;
  std::set<std::string> dropped_if_exists_;  // "kind:name" dropped with IF EXISTS earlier in the file
  std::set<std::string> created_;            // "kind:name" created earlier in the file

  bool guarded(const std::string& key) const { return dropped_if_exists_.count(key) > 0; }

  // Whether this statement needs no check: the mode skips it, or a DO block guards it.
  static bool skipped(const StatementContext& ctx) {
    std::string mode = ctx.options.contains("mode") && ctx.options["mode"].is_string() ? ctx.options["mode"].get<std::string>() : "outside-transaction";
    if (mode == "outside-transaction" && ctx.state.in_transaction()) return true;
    if (ctx.stmt.parent < 0) return false;
    if (ctx.stmt.conditional) return true;
    // A DO block with an EXCEPTION handler (e.g. WHEN duplicate_object THEN NULL) guards its body.
    const auto& parent = ctx.parsed.statements()[static_cast<size_t>(ctx.stmt.parent)];
    const std::string& text = ctx.source.text();
    // The body is one quoted string: blank the quotes so its words are read as code.
    std::string code = text.substr(parent.begin, parent.end - parent.begin);
    for (auto& ch : code)
      if (ch == '$' || ch == '\'') ch = ' ';
    auto ws = read_words(code, 0, static_cast<uint32_t>(code.size()));
    for (size_t i = 0; i + 1 < ws.size(); ++i)
      if (is_kw(ws[i], "exception") && is_kw(ws[i + 1], "when")) return true;
    return false;
  }

  // An insertion after the statement's leading keywords: `first` words in order, any of `optional`
  // skipped, then `then` in order, then any of `trailing` skipped.
  static std::optional<FixSpec> insert_after(const StatementContext& ctx, std::vector<std::string_view> first,
                                             std::initializer_list<std::string_view> optional,
                                             std::vector<std::string_view> then,
                                             std::initializer_list<std::string_view> trailing, std::string text) {
    WordWalk w(read_words(ctx.source.text(), ctx.stmt.begin, ctx.stmt.end, 12));
    for (auto kw : first) w.expect(kw);
    w.skip(optional);
    for (auto kw : then) w.expect(kw);
    w.skip(trailing);
    if (!w.ok()) return std::nullopt;
    std::string trimmed = text;
    while (!trimmed.empty() && trimmed.front() == ' ') trimmed.erase(0, 1);
    FixSpec fix{"add " + trimmed, true, {{w.end(), w.end(), text}}};
    return fix;
  }

  static void report(const StatementContext& ctx, Findings& out, const std::string& what, const std::string& missing,
                     std::optional<FixSpec> fix, bool safe) {
    Finding f = ctx.at_statement(what + " fails when the migration runs again: it has no " + missing);
    if (fix) {
      fix->safe = safe;
      f.fix = std::move(fix);
    }
    out.add(std::move(f));
  }

  void no_if_not_exists(const StatementContext& ctx, Findings& out, bool skip, const std::string& key, const std::string& what,
                        const std::string& drop) {
    if (!skip && !guarded(key))
      out.add(ctx.at_statement(what + " fails when the migration runs again, and has no IF NOT EXISTS form",
                               "Precede it with `" + drop + " ...`, or create it in a DO block that checks the catalog "
                               "first (or catches duplicate_object)."));
    created_.insert(key);
  }

  void check_drop(const StatementContext& ctx, Findings& out, bool skip) {
    const auto& s = ctx.node().drop_stmt();
    auto kind = drop_kind(s.remove_type());
    if (s.missing_ok()) {
      if (kind)
        for (const auto& obj : s.objects()) dropped_if_exists_.insert(std::string(kind->key) + ":" + drop_object_name(obj));
      return;
    }
    if (skip) return;
    std::vector<std::string> names;
    bool all_created_here = kind.has_value();
    bool on_table = s.remove_type() == pg_query::OBJECT_TRIGGER || s.remove_type() == pg_query::OBJECT_POLICY ||
                    s.remove_type() == pg_query::OBJECT_RULE;
    for (const auto& obj : s.objects()) {
      std::string name = drop_object_name(obj);
      names.push_back(display_name(obj, on_table));
      if (!kind || !created_.count(std::string(kind->key) + ":" + name)) all_created_here = false;
    }
    // Everything it drops was created earlier in this file: it always exists when the DROP runs.
    if (all_created_here) return;
    std::string listed;
    for (const auto& nm : names) listed += (listed.empty() ? "" : ", ") + nm;
    std::optional<FixSpec> fix;
    if (kind) {
      WordWalk w(read_words(ctx.source.text(), ctx.stmt.begin, ctx.stmt.end, 8));
      w.expect("drop");
      for (auto kw : kind->words) w.expect(kw);
      if (s.remove_type() == pg_query::OBJECT_INDEX) w.skip({"concurrently"});
      if (w.ok()) fix = FixSpec{"add IF EXISTS", true, {{w.end(), w.end(), " IF EXISTS"}}};
    }
    std::string what = "DROP";
    if (kind)
      for (auto w : kind->words) {
        what += ' ';
        for (char ch : w) what += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
    Finding f = ctx.at_statement(what + " " + listed +
                                 " fails when the migration runs again: it has no IF EXISTS");
    f.fix = std::move(fix);
    out.add(std::move(f));
  }

  void check_alter(const StatementContext& ctx, Findings& out, bool skip) {
    const auto& s = ctx.node().alter_table_stmt();
    if (s.objtype() != pg_query::OBJECT_TABLE && s.objtype() != pg_query::OBJECT_FOREIGN_TABLE) return;
    std::string table = rv_key(s.relation());
    for (const auto& c : s.cmds()) {
      if (!c.has_alter_table_cmd()) continue;
      const auto& cmd = c.alter_table_cmd();
      switch (cmd.subtype()) {
        case pg_query::AT_AddColumn: {
          if (cmd.missing_ok() || skip || !cmd.def().has_column_def()) break;
          const auto& col = cmd.def().column_def();
          if (guarded("column:" + table + "." + col.colname())) break;
          Finding f = ctx.at_location(col.location(), "ADD COLUMN " + sql_ident(col.colname()) + " to " +
                                                          sql_name(s.relation()) +
                                                          " fails when the migration runs again: it has no IF NOT EXISTS");
          if (col.location() >= 0) {
            uint32_t at = ctx.offset(col.location());
            f.fix = FixSpec{"add IF NOT EXISTS", true, {{at, at, "IF NOT EXISTS "}}};
          }
          out.add(std::move(f));
          break;
        }
        case pg_query::AT_DropColumn: {
          if (cmd.missing_ok()) {
            dropped_if_exists_.insert("column:" + table + "." + cmd.name());
            break;
          }
          if (skip) break;
          Finding f = ctx.at_statement("DROP COLUMN " + sql_ident(cmd.name()) + " from " + sql_name(s.relation()) +
                                       " fails when the migration runs again: it has no IF EXISTS");
          if (auto at = find_after_drop(ctx, "column", cmd.name(), true)) f.fix = FixSpec{"add IF EXISTS", true, {{*at, *at, "IF EXISTS "}}};
          out.add(std::move(f));
          break;
        }
        case pg_query::AT_DropConstraint: {
          if (cmd.missing_ok()) {
            dropped_if_exists_.insert("constraint:" + table + "." + cmd.name());
            break;
          }
          if (skip) break;
          Finding f = ctx.at_statement("DROP CONSTRAINT " + sql_ident(cmd.name()) + " from " + sql_name(s.relation()) +
                                       " fails when the migration runs again: it has no IF EXISTS");
          if (auto at = find_after_drop(ctx, "constraint", cmd.name(), false))
            f.fix = FixSpec{"add IF EXISTS", true, {{*at, *at, "IF EXISTS "}}};
          out.add(std::move(f));
          break;
        }
        case pg_query::AT_AddConstraint: {
          if (skip || !cmd.def().has_constraint()) break;
          const auto& con = cmd.def().constraint();
          if (con.conname().empty()) {
            out.add(ctx.at_location(con.location(), "ADD CONSTRAINT on " + sql_name(s.relation()) +
                                                        " has no name, so it cannot be guarded and fails (or adds a "
                                                        "duplicate) when the migration runs again",
                                    "Name the constraint, and drop it first with `ALTER TABLE ... DROP CONSTRAINT IF "
                                    "EXISTS <name>;` or add it in a DO block that checks pg_constraint."));
            break;
          }
          if (guarded("constraint:" + table + "." + con.conname())) break;
          out.add(ctx.at_location(con.location(), "ADD CONSTRAINT " + sql_ident(con.conname()) + " on " +
                                                      sql_name(s.relation()) +
                                                      " fails when the migration runs again: nothing guards it",
                                  "Precede it with `ALTER TABLE " + sql_name(s.relation()) + " DROP CONSTRAINT IF EXISTS " +
                                      sql_ident(con.conname()) +
                                      ";`, or add it in a DO block under `IF NOT EXISTS (SELECT 1 FROM pg_constraint "
                                      "WHERE conname = '" + con.conname() + "')`."));
          break;
        }
        default: break;
      }
    }
  }

  // Where IF EXISTS goes in `DROP [COLUMN] name` / `DROP CONSTRAINT name`: just before the name.
  static std::optional<uint32_t> find_after_drop(const StatementContext& ctx, std::string_view kw, const std::string& name,
                                                 bool kw_optional) {
    auto ws = read_words(ctx.source.text(), ctx.stmt.begin, ctx.stmt.end);
    std::optional<uint32_t> found;
    for (size_t i = 0; i < ws.size(); ++i) {
      if (!is_kw(ws[i], "drop")) continue;
      size_t j = i + 1;
      if (j < ws.size() && is_kw(ws[j], kw)) ++j;
      else if (!kw_optional) continue;
      if (j < ws.size() && !ws[j].punct && ws[j].text == name) {
        if (found) return std::nullopt;  // ambiguous: leave it to the author
        found = ws[j].begin;
      }
    }
    return found;
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(prefer_robust_stmts, kMeta, PreferRobustStmts)
