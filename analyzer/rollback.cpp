#include "analyzer/rollback.h"

#include <algorithm>
#include <optional>
#include <set>

#include "analyzer/catalog.h"
#include "analyzer/plan.h"
#include "analyzer/schema_dump.h"
#include "parser/parser.h"
#include "parser/source_text.h"
#include "parser/tree.h"

namespace pgsafe {

namespace {

RollbackStep step(std::string sql, std::string note = "") {
  RollbackStep s;
  s.sql = std::move(sql);
  s.note = std::move(note);
  return s;
}

struct Group {
  std::vector<RollbackStep> steps;  // the inverse of one statement, in the order to run it
};

std::string where(const SourceText& src, uint32_t offset) {
  Position p = src.position(offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

bool is_data_statement(const pg_query::Node& n) {
  return n.has_insert_stmt() || n.has_update_stmt() || n.has_delete_stmt() || n.has_truncate_stmt() ||
         n.has_copy_stmt() || n.has_merge_stmt();
}

// Statements that change no schema and need no inverse.
bool is_inert(const pg_query::Node& n) {
  return n.has_variable_set_stmt() || n.has_select_stmt() || n.has_transaction_stmt() || n.has_comment_stmt() ||
         n.has_lock_stmt() || n.has_do_stmt() || n.has_notify_stmt() || n.has_vacuum_stmt();
}

std::string privileges_sql(const std::set<std::string>& privs) {
  std::string s;
  for (const auto& p : privs) s += (s.empty() ? "" : ", ") + p;
  return s;
}

std::string role_sql(const std::string& role) { return role == "public" ? "PUBLIC" : quote_ident(role); }

void table_changes(const Table& b, const Table& a, Group& g, RollbackPlan& plan) {
  const std::string t = quote_qualified(a.qualified());
  // Constraints first: one on a column added here goes with the column, and dropping it after
  // the column would fail.
  for (const auto& k : a.constraints)
    if (k.kind != ConstraintKind::NotNull && !b.find_constraint(k.name))
      g.steps.push_back(step("ALTER TABLE " + t + " DROP CONSTRAINT IF EXISTS " + quote_ident(k.name) + ";"));
  for (const auto& col : a.columns)
    if (!b.find_column(col.name))
      g.steps.push_back({"ALTER TABLE " + t + " DROP COLUMN " + quote_ident(col.name) + ";",
                         "the values written to " + a.qualified() + "." + col.name + " since are lost", false, "",
                         "ban-drop-column"});
  for (const auto& col : b.columns) {
    const Column* now = a.find_column(col.name);
    if (!now) {
      plan.irreversible.push_back("column " + b.qualified() + "." + col.name +
                                  " was dropped with its values: restore them from a backup or point-in-time recovery; "
                                  "the empty column comes back with ALTER TABLE " + t + " ADD COLUMN " + column_sql(col) + ";");
      continue;
    }
    const std::string c = quote_ident(col.name);
    if (col.type_known && now->type_known && !(col.type == now->type))
      g.steps.push_back(step("ALTER TABLE " + t + " ALTER COLUMN " + c + " TYPE " +
                             (col.type.display.empty() ? col.type.name : col.type.display) + ";",
                         "rewrites " + a.qualified() + " under an ACCESS EXCLUSIVE lock, and fails on values the old "
                         "type cannot hold"));
    if (col.not_null != now->not_null)
      g.steps.push_back(step("ALTER TABLE " + t + " ALTER COLUMN " + c + (col.not_null ? " SET NOT NULL;" : " DROP NOT NULL;"),
                         col.not_null ? "scans the whole table, and fails if NULLs were written since" : ""));
    if (col.default_expr != now->default_expr && !col.identity && !now->identity) {
      if (col.has_default && !col.default_expr.empty())
        g.steps.push_back(step("ALTER TABLE " + t + " ALTER COLUMN " + c + " SET DEFAULT " + col.default_expr + ";"));
      else if (!col.has_default)
        g.steps.push_back(step("ALTER TABLE " + t + " ALTER COLUMN " + c + " DROP DEFAULT;"));
    }
  }
  for (const auto& k : b.constraints) {
    if (k.kind == ConstraintKind::NotNull || a.find_constraint(k.name)) continue;
    bool columns_exist = true;
    for (const auto& c : k.columns) columns_exist = columns_exist && a.find_column(c);
    if (!columns_exist) continue;  // it went with a dropped column: listed with that column
    bool can_skip_validation = k.kind == ConstraintKind::Check || k.kind == ConstraintKind::ForeignKey;
    g.steps.push_back(step("ALTER TABLE " + t + " ADD CONSTRAINT " + quote_ident(k.name) + " " + constraint_sql(k) +
                           (can_skip_validation ? " NOT VALID;" : ";"),
                       can_skip_validation ? "then, in a later migration: ALTER TABLE " + t + " VALIDATE CONSTRAINT " +
                                                 quote_ident(k.name) + "; (rows written since may break it)"
                                           : "builds its index under a lock; rows written since may break it"));
  }
  if (a.rls_enabled != b.rls_enabled)
    g.steps.push_back(step("ALTER TABLE " + t + (b.rls_enabled ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY;",
                       b.rls_enabled ? "" : "every row becomes visible to every role with a grant on the table"));
  if (a.rls_forced != b.rls_forced)
    g.steps.push_back(step("ALTER TABLE " + t + (b.rls_forced ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY;"));
  for (const auto& p : a.policies) {
    const Policy* before = b.find_policy(p.name);
    bool changed = before && (before->using_expr != p.using_expr || before->check_expr != p.check_expr ||
                              before->roles != p.roles || before->command != p.command);
    if (!before || changed)
      g.steps.push_back(step("DROP POLICY " + quote_ident(p.name) + " ON " + t + ";"));
    if (changed) g.steps.push_back(step(policy_sql(a.qualified(), *before)));
  }
  for (const auto& p : b.policies)
    if (!a.find_policy(p.name)) g.steps.push_back(step(policy_sql(a.qualified(), p)));
  for (const auto& [role, privs] : a.grants) {
    std::set<std::string> added;
    auto it = b.grants.find(role);
    for (const auto& p : privs)
      if (it == b.grants.end() || !it->second.count(p)) added.insert(p);
    if (!added.empty())
      g.steps.push_back(step("REVOKE " + privileges_sql(added) + " ON " + t + " FROM " + role_sql(role) + ";"));
  }
  for (const auto& [role, privs] : b.grants) {
    std::set<std::string> removed;
    auto it = a.grants.find(role);
    for (const auto& p : privs)
      if (it == a.grants.end() || !it->second.count(p)) removed.insert(p);
    if (!removed.empty())
      g.steps.push_back(step("GRANT " + privileges_sql(removed) + " ON " + t + " TO " + role_sql(role) + ";"));
  }
}

// The inverse of one statement, from the catalog before and after it.
void invert(const Catalog& b, const Catalog& a, const pg_query::Node& n, const std::string& at, Group& g,
            RollbackPlan& plan, std::set<std::string>& dropped, std::set<std::string>& created) {
  size_t before_steps = g.steps.size(), before_irrev = plan.irreversible.size();
  // Renames first: they look like a drop and a create.
  if (n.has_rename_stmt()) {
    const auto& r = n.rename_stmt();
    if (r.rename_type() == pg_query::OBJECT_COLUMN && r.has_relation()) {
      g.steps.push_back(step("ALTER TABLE " + quote_qualified(Catalog::qualify(r.relation().schemaname(), r.relation().relname())) +
                             " RENAME COLUMN " + quote_ident(r.newname()) + " TO " + quote_ident(r.subname()) + ";"));
      return;
    }
    if ((r.rename_type() == pg_query::OBJECT_TABLE || r.rename_type() == pg_query::OBJECT_VIEW ||
         r.rename_type() == pg_query::OBJECT_INDEX) &&
        r.has_relation()) {
      std::string schema = r.relation().schemaname().empty() ? "public" : r.relation().schemaname();
      const char* what = r.rename_type() == pg_query::OBJECT_INDEX ? "INDEX" : r.rename_type() == pg_query::OBJECT_VIEW ? "VIEW" : "TABLE";
      g.steps.push_back(step(std::string("ALTER ") + what + " " + quote_qualified(schema + "." + r.newname()) + " RENAME TO " +
                             quote_ident(r.relation().relname()) + ";"));
      return;
    }
  }
  for (const auto& [name, s] : a.schemas())
    if (!b.schemas().count(name)) g.steps.push_back(step("DROP SCHEMA " + quote_ident(name) + ";"));
  for (const auto& [name, ty] : a.types()) {
    auto it = b.types().find(name);
    if (it == b.types().end()) {
      g.steps.push_back(step("DROP TYPE " + quote_qualified(name) + ";"));
    } else if (ty.kind == UserTypeKind::Enum) {
      for (const auto& l : ty.labels)
        if (std::find(it->second.labels.begin(), it->second.labels.end(), l) == it->second.labels.end())
          plan.irreversible.push_back("enum value '" + l + "' added to " + name +
                                      ": PostgreSQL cannot remove an enum value; rebuild the type without it (a new "
                                      "type, columns converted, the old type dropped) once no row uses it");
    }
  }
  for (const auto& [name, ty] : b.types())
    if (!a.types().count(name)) plan.irreversible.push_back("type " + name + " was dropped: recreate it from its definition");
  for (const auto& [name, t] : a.tables()) {
    auto it = b.tables().find(name);
    if (it == b.tables().end()) {
      if (t.known) created.insert(name);
      if (t.known)
        g.steps.push_back({"DROP TABLE " + quote_qualified(name) + ";", "the rows written to " + name + " since are lost",
                           false, name, "ban-drop-table"});
    } else {
      size_t first = g.steps.size();
      table_changes(it->second, t, g, plan);
      for (size_t i = first; i < g.steps.size(); ++i) g.steps[i].table = name;
    }
  }
  for (const auto& [name, t] : b.tables())
    if (!a.tables().count(name) && t.known) dropped.insert(name);
  if (n.has_create_stmt() && n.create_stmt().if_not_exists())
    plan.review.push_back(at + ": CREATE TABLE IF NOT EXISTS: if the table existed before this migration (made "
                               "outside the migrations), do not drop it: every row in it would be lost");
  for (const auto& [name, t] : b.tables())
    if (!a.tables().count(name) && t.known && !created.count(name))  // a scratch table of this file is no loss
      plan.irreversible.push_back("table " + name + " was dropped with its rows: restore it from a backup or point-in-time "
                                  "recovery (`pgsafe schema --format sql` shows its structure as of the migration before)");
  for (const auto& [name, ix] : a.indexes())
    if (!b.indexes().count(name) && ix.constraint.empty() && b.tables().count(ix.table))
      g.steps.push_back({"DROP INDEX CONCURRENTLY IF EXISTS " + quote_qualified(name) + ";", "", true, ix.table, ""});
  for (const auto& [name, ix] : b.indexes()) {
    if (a.indexes().count(name) || !ix.constraint.empty()) continue;
    auto table = a.tables().find(ix.table);
    if (table == a.tables().end()) continue;
    bool columns_exist = true;
    for (const auto& c : ix.columns) columns_exist = columns_exist && (c.empty() || table->second.find_column(c));
    // An index that went with a dropped column comes back with the column, if ever.
    if (columns_exist) g.steps.push_back({index_sql(ix, true), "", true, ix.table, ""});
  }
  for (const auto& [name, v] : a.views())
    if (!b.views().count(name))
      g.steps.push_back(step(std::string("DROP ") + (v.materialized ? "MATERIALIZED VIEW " : "VIEW ") + quote_qualified(name) + ";"));
  for (const auto& [name, v] : b.views())
    if (!a.views().count(name)) plan.review.push_back(at + ": view " + name + " was dropped: recreate it from its definition");
  for (const auto& [sig, f] : a.functions()) {
    if (!b.functions().count(sig)) {
      std::string args;
      for (const auto& t : f.arg_types) args += (args.empty() ? "" : ", ") + t;
      g.steps.push_back(step(std::string("DROP ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + quote_qualified(f.qualified()) +
                             "(" + args + ");"));
    } else if (n.has_create_function_stmt() && n.create_function_stmt().replace()) {
      plan.review.push_back(at + ": " + sig + " was replaced: restore its previous definition (CREATE OR REPLACE) from "
                                            "the migration that defined it");
    }
  }
  for (const auto& [sig, f] : b.functions())
    if (!a.functions().count(sig)) plan.review.push_back(at + ": " + sig + " was dropped: recreate it from its definition");
  if (is_data_statement(n)) {
    plan.irreversible.push_back(at + ": " + tree::statement_kind(n) +
                                " changed rows: no migration can derive their old values; write the reverse by hand, or "
                                "restore from a backup");
    return;
  }
  if (g.steps.size() == before_steps && plan.irreversible.size() == before_irrev && !is_inert(n) &&
      !n.has_create_function_stmt())
    plan.review.push_back(at + ": " + tree::statement_kind(n) + ": pgsafe derives no inverse for it; review it by hand");
}

}  // namespace

RollbackPlan rollback_plan(const MigrationSet& set, size_t target) {
  RollbackPlan plan;
  const MigrationFile& f = set.files[target];
  plan.path = f.path;
  plan.version = f.version;
  for (const auto& other : set.files)
    if (other.direction == Direction::Down && !f.version.empty() && other.version == f.version) plan.down_path = other.path;
  MigrationSet before;
  before.layout = set.layout;
  for (size_t i = 0; i < target; ++i) {
    if (set.files[i].direction == Direction::Down) continue;
    before.files.push_back(set.files[i]);
    before.files.back().history_only = true;
  }
  Plan replayed = build_plan(before);
  for (const auto& e : replayed.errors) plan.errors.push_back(e.file + ": " + e.message);
  Catalog catalog = std::move(replayed.catalog);

  std::string text;
  if (f.contents) {
    text = *f.contents;
  } else {
    std::string why;
    if (!read_migration_file(f.path, 16u * 1024 * 1024, text, why)) {
      plan.errors.push_back(f.path + ": " + why);
      return plan;
    }
  }
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text[0] = text[1] = text[2] = ' ';
  SourceText src(f.path, text);
  parser::ParsedFile parsed = parser::parse_sql(text);
  std::vector<Group> groups;
  std::set<std::string> dropped;  // tables the file drops: reversing what it did to them first is moot
  std::set<std::string> created;  // tables the file creates
  for (const auto& st : parsed.statements()) {
    if (st.parent >= 0) continue;
    std::string at = f.path + ":" + where(src, st.begin);
    if (!st.node) {
      plan.errors.push_back(at + ": the statement does not parse");
      continue;
    }
    Catalog after = catalog;
    after.apply(*st.node, SourceRef{static_cast<int>(target), st.begin, st.end, st.base}, text);
    Group g;
    invert(catalog, after, *st.node, at, g, plan, dropped, created);
    groups.push_back(std::move(g));
    catalog = std::move(after);
  }
  for (auto it = groups.rbegin(); it != groups.rend(); ++it)
    for (auto& s : it->steps)
      if (s.table.empty() || !dropped.count(s.table)) plan.forward.push_back(std::move(s));
  return plan;
}

nlohmann::json rollback_json(const RollbackPlan& plan) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : plan.forward)
    steps.push_back({{"sql", s.sql}, {"note", s.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.note)},
                     {"outside_transaction", s.outside_transaction}});
  return {{"file", plan.path},
          {"version", plan.version},
          {"fix_forward", steps},
          {"irreversible", plan.irreversible},
          {"review", plan.review},
          {"down_file", plan.down_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(plan.down_path)},
          {"errors", plan.errors}};
}

std::string rollback_sql(const RollbackPlan& plan) {
  std::string out = "-- intent: reverse " + plan.path + " (fix forward; reviewed by a human before it is applied)\n";
  for (const auto& i : plan.irreversible) out += "-- cannot be undone by a migration: " + i + "\n";
  for (const auto& r : plan.review) out += "-- review: " + r + "\n";
  bool any_outside = false;
  for (const auto& s : plan.forward) {
    if (s.outside_transaction) {
      any_outside = true;
      continue;
    }
    if (!s.note.empty()) out += "-- " + s.note + "\n";
    if (!s.ignore.empty()) out += "-- pgsafe-ignore " + s.ignore + ": reverses " + plan.path + ", which added it\n";
    out += s.sql + "\n";
  }
  if (any_outside) {
    out += "\n-- Run outside a transaction, each in its own migration file (-- pgsafe:no-transaction):\n";
    for (const auto& s : plan.forward)
      if (s.outside_transaction) out += "-- " + s.sql + "\n";
  }
  return out;
}

}  // namespace pgsafe
