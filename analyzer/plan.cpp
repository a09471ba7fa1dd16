#include "analyzer/plan.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzer/catalog_types.h"
#include "parser/parser.h"
#include "parser/source_text.h"
#include "parser/tree.h"

namespace pgsafe {

namespace {

constexpr const char* kAccessShare = "ACCESS SHARE";
constexpr const char* kRowExclusive = "ROW EXCLUSIVE";
constexpr const char* kShareUpdateExclusive = "SHARE UPDATE EXCLUSIVE";
constexpr const char* kShare = "SHARE";
constexpr const char* kShareRowExclusive = "SHARE ROW EXCLUSIVE";
constexpr const char* kExclusive = "EXCLUSIVE";
constexpr const char* kAccessExclusive = "ACCESS EXCLUSIVE";

int strength(const std::string& m) {
  static const char* order[] = {kAccessShare, "ROW SHARE", kRowExclusive, kShareUpdateExclusive, kShare,
                                kShareRowExclusive, kExclusive, kAccessExclusive};
  for (int i = 0; i < 8; ++i)
    if (m == order[i]) return i;
  return -1;
}

std::string key(const pg_query::RangeVar& rv) { return Catalog::qualify(rv.schemaname(), rv.relname()); }

std::string key_of(const std::vector<std::string>& parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return "public." + parts[0];
  return parts[parts.size() - 2] + "." + parts.back();
}
std::vector<std::string> names(const tree::NodeList& l) {
  std::vector<std::string> out;
  for (const auto& n : l) out.push_back(tree::string_value(n));
  return out;
}

// Keep the strongest mode per relation, in first-mentioned order.
void add(std::vector<PlanLock>& locks, const std::string& rel, const std::string& mode) {
  for (auto& l : locks)
    if (l.relation == rel) {
      if (strength(mode) > strength(l.mode)) l.mode = mode;
      return;
    }
  locks.push_back({rel, mode});
}

// ALTER TABLE subcommand lock levels, as AlterTableGetLockLevel assigns them in PostgreSQL 13-18
// (the forms newer releases added, SET EXPRESSION in 17 and named NOT NULL in 18, take ACCESS
// EXCLUSIVE like the rest; DETACH PARTITION CONCURRENTLY exists from 14).
const char* alter_cmd_lock(const pg_query::AlterTableCmd& cmd) {
  switch (cmd.subtype()) {
    case pg_query::AT_SetStatistics:
    case pg_query::AT_ClusterOn:
    case pg_query::AT_DropCluster:
    case pg_query::AT_SetOptions:
    case pg_query::AT_ResetOptions:
    case pg_query::AT_ValidateConstraint:
    case pg_query::AT_AttachPartition:
    case pg_query::AT_DetachPartitionFinalize:
      return kShareUpdateExclusive;
    case pg_query::AT_DetachPartition:
      return cmd.def().has_partition_cmd() && cmd.def().partition_cmd().concurrent() ? kShareUpdateExclusive : kAccessExclusive;
    case pg_query::AT_EnableTrig:
    case pg_query::AT_EnableAlwaysTrig:
    case pg_query::AT_EnableReplicaTrig:
    case pg_query::AT_EnableTrigAll:
    case pg_query::AT_EnableTrigUser:
    case pg_query::AT_DisableTrig:
    case pg_query::AT_DisableTrigAll:
    case pg_query::AT_DisableTrigUser:
      return kShareRowExclusive;
    case pg_query::AT_AddConstraint:
      if (cmd.def().has_constraint() && cmd.def().constraint().contype() == pg_query::CONSTR_FOREIGN) return kShareRowExclusive;
      return kAccessExclusive;
    case pg_query::AT_SetRelOptions:
    case pg_query::AT_ResetRelOptions: {
      // View options and user_catalog_table need ACCESS EXCLUSIVE; storage parameters less.
      if (cmd.def().has_list())
        for (const auto& o : cmd.def().list().items())
          if (o.has_def_elem()) {
            const std::string& n = o.def_elem().defname();
            if (n == "security_barrier" || n == "security_invoker" || n == "check_option" || n == "user_catalog_table")
              return kAccessExclusive;
          }
      return kShareUpdateExclusive;
    }
    default:
      return kAccessExclusive;
  }
}

std::string lock_mode_name(int mode) {
  static const char* modes[] = {"", kAccessShare, "ROW SHARE", kRowExclusive, kShareUpdateExclusive, kShare,
                                kShareRowExclusive, kExclusive, kAccessExclusive};
  return mode >= 1 && mode <= 8 ? modes[mode] : kAccessExclusive;
}

}  // namespace

std::vector<PlanLock> statement_locks(const Catalog& c, const pg_query::Node& n, bool* rewrites) {
  std::vector<PlanLock> locks;
  bool rewrite = false;
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kCreateStmt: {
      const auto& s = n.create_stmt();
      for (const auto& p : s.inh_relations())
        if (p.has_range_var()) add(locks, key(p.range_var()), s.has_partbound() ? kAccessExclusive : kShareUpdateExclusive);
      auto fk = [&](const pg_query::Node& con) {
        if (con.has_constraint() && con.constraint().contype() == pg_query::CONSTR_FOREIGN)
          add(locks, key(con.constraint().pktable()), kShareRowExclusive);
      };
      for (const auto& e : s.table_elts()) {
        fk(e);
        if (e.has_column_def())
          for (const auto& con : e.column_def().constraints()) fk(con);
        if (e.has_table_like_clause()) add(locks, key(e.table_like_clause().relation()), kAccessShare);
      }
      break;
    }
    case N::kAlterTableStmt: {
      const auto& s = n.alter_table_stmt();
      std::string table = key(s.relation());
      const Table* t = c.find_table(table);
      for (const auto& cn : s.cmds()) {
        if (!cn.has_alter_table_cmd()) continue;
        const auto& cmd = cn.alter_table_cmd();
        add(locks, table, alter_cmd_lock(cmd));
        if (cmd.subtype() == pg_query::AT_AddConstraint && cmd.def().has_constraint() &&
            cmd.def().constraint().contype() == pg_query::CONSTR_FOREIGN)
          add(locks, key(cmd.def().constraint().pktable()), kShareRowExclusive);
        if (cmd.subtype() == pg_query::AT_AttachPartition && cmd.def().has_partition_cmd())
          add(locks, key(cmd.def().partition_cmd().name()), kAccessExclusive);
        if (cmd.subtype() == pg_query::AT_DetachPartition && cmd.def().has_partition_cmd())
          add(locks, key(cmd.def().partition_cmd().name()), alter_cmd_lock(cmd));
        // SET EXPRESSION (PostgreSQL 17+) recomputes a stored generated column in every row; a
        // VIRTUAL one (18) is computed on read.
        if (cmd.subtype() == pg_query::AT_SetExpression) {
          const Column* col = t ? t->find_column(cmd.name()) : nullptr;
          if (!col || !col->generated_virtual) rewrite = true;
        }
        // ADD COLUMN of a stored generated column computes it for every row.
        if (cmd.subtype() == pg_query::AT_AddColumn && cmd.def().has_column_def())
          for (const auto& k : cmd.def().column_def().constraints())
            if (k.has_constraint() && k.constraint().contype() == pg_query::CONSTR_GENERATED && k.constraint().generated_kind() != "v")
              rewrite = true;
        if (cmd.subtype() == pg_query::AT_SetLogged || cmd.subtype() == pg_query::AT_SetUnLogged ||
            cmd.subtype() == pg_query::AT_SetAccessMethod || cmd.subtype() == pg_query::AT_SetTableSpace)
          rewrite = true;
        if (cmd.subtype() == pg_query::AT_AlterColumnType && cmd.def().has_column_def() && cmd.def().column_def().has_type_name()) {
          const Column* col = t ? t->find_column(cmd.name()) : nullptr;
          const auto& def = cmd.def().column_def();
          if (!col || !col->type_known) rewrite = true;
          else {
            TypeChange tc = classify_type_change(c, col->type, column_type_of(def.type_name()),
                                                 def.has_raw_default() ? &def.raw_default() : nullptr, cmd.name());
            if (tc.kind != TypeChangeKind::NoRewrite) rewrite = true;
          }
        }
      }
      break;
    }
    case N::kIndexStmt: {
      const auto& s = n.index_stmt();
      add(locks, key(s.relation()), s.concurrent() ? kShareUpdateExclusive : kShare);
      break;
    }
    case N::kDropStmt: {
      const auto& s = n.drop_stmt();
      for (const auto& obj : s.objects()) {
        if (!obj.has_list()) continue;
        std::string k = key_of(names(obj.list().items()));
        switch (s.remove_type()) {
          case pg_query::OBJECT_TABLE:
            add(locks, k, kAccessExclusive);
            // Its foreign keys' triggers are removed from the referenced tables too.
            if (const Table* t = c.find_table(k))
              for (const auto& con : t->constraints)
                if (con.kind == ConstraintKind::ForeignKey && con.ref_table != k) add(locks, con.ref_table, kAccessExclusive);
            break;
          case pg_query::OBJECT_INDEX:
            if (const Index* ix = c.find_index(k)) add(locks, ix->table, s.concurrent() ? kShareUpdateExclusive : kAccessExclusive);
            add(locks, k, s.concurrent() ? kShareUpdateExclusive : kAccessExclusive);
            break;
          case pg_query::OBJECT_VIEW:
          case pg_query::OBJECT_MATVIEW:
            add(locks, k, kAccessExclusive);
            break;
          case pg_query::OBJECT_TRIGGER:
          case pg_query::OBJECT_POLICY:
          case pg_query::OBJECT_RULE: {
            auto parts = names(obj.list().items());
            if (parts.size() >= 2) {
              parts.pop_back();
              add(locks, key_of(parts), kAccessExclusive);
            }
            break;
          }
          default: break;
        }
      }
      if (s.remove_type() == pg_query::OBJECT_SCHEMA)
        for (const auto& obj : s.objects()) {
          std::string schema = tree::string_value(obj);
          for (const auto& [k, t] : c.tables())
            if (t.schema == schema) add(locks, k, kAccessExclusive);
        }
      break;
    }
    case N::kRenameStmt: {
      const auto& s = n.rename_stmt();
      if (!s.has_relation()) break;
      // ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE since PostgreSQL 12.
      add(locks, key(s.relation()), s.rename_type() == pg_query::OBJECT_INDEX ? kShareUpdateExclusive : kAccessExclusive);
      break;
    }
    case N::kAlterObjectSchemaStmt:
      if (n.alter_object_schema_stmt().has_relation()) add(locks, key(n.alter_object_schema_stmt().relation()), kAccessExclusive);
      break;
    case N::kTruncateStmt:
      for (const auto& r : n.truncate_stmt().relations())
        if (r.has_range_var()) add(locks, key(r.range_var()), kAccessExclusive);
      break;
    case N::kCreateTrigStmt: add(locks, key(n.create_trig_stmt().relation()), kShareRowExclusive); break;
    case N::kCreatePolicyStmt: add(locks, key(n.create_policy_stmt().table()), kAccessExclusive); break;
    case N::kAlterPolicyStmt: add(locks, key(n.alter_policy_stmt().table()), kAccessExclusive); break;
    case N::kViewStmt: {
      const auto& s = n.view_stmt();
      if (s.replace() && c.find_view(key(s.view()))) add(locks, key(s.view()), kAccessExclusive);
      break;
    }
    case N::kRefreshMatViewStmt:
      add(locks, key(n.refresh_mat_view_stmt().relation()), n.refresh_mat_view_stmt().concurrent() ? kExclusive : kAccessExclusive);
      break;
    case N::kLockStmt:
      for (const auto& r : n.lock_stmt().relations())
        if (r.has_range_var()) add(locks, key(r.range_var()), lock_mode_name(n.lock_stmt().mode()));
      break;
    case N::kInsertStmt: add(locks, key(n.insert_stmt().relation()), kRowExclusive); break;
    case N::kUpdateStmt: add(locks, key(n.update_stmt().relation()), kRowExclusive); break;
    case N::kDeleteStmt: add(locks, key(n.delete_stmt().relation()), kRowExclusive); break;
    case N::kVacuumStmt: {
      const auto& s = n.vacuum_stmt();
      bool full = false;
      for (const auto& o : s.options())
        if (o.has_def_elem() && o.def_elem().defname() == "full") full = true;
      for (const auto& r : s.rels())
        if (r.has_vacuum_relation() && r.vacuum_relation().has_relation())
          add(locks, key(r.vacuum_relation().relation()), full ? kAccessExclusive : kShareUpdateExclusive);
      rewrite = full;
      break;
    }
    case N::kReindexStmt: {
      // Non-concurrent: SHARE on the table (writes wait, reads go on) and ACCESS EXCLUSIVE on each
      // index rebuilt (queries that would use it wait). CONCURRENTLY: SHARE UPDATE EXCLUSIVE on both.
      const auto& s = n.reindex_stmt();
      bool concurrent = false;
      for (const auto& p : s.params())
        if (p.has_def_elem() && p.def_elem().defname() == "concurrently") concurrent = tree::def_elem_text(p.def_elem()) != "false";
      const char* on_index = concurrent ? kShareUpdateExclusive : kAccessExclusive;
      const char* on_table = concurrent ? kShareUpdateExclusive : kShare;
      if (s.kind() == pg_query::REINDEX_OBJECT_INDEX && s.has_relation()) {
        std::string k = key(s.relation());
        if (const Index* ix = c.find_index(k)) add(locks, ix->table, on_table);
        add(locks, k, on_index);
      } else if (s.kind() == pg_query::REINDEX_OBJECT_TABLE && s.has_relation()) {
        std::string k = key(s.relation());
        add(locks, k, on_table);
        for (const Index* ix : c.indexes_on(k)) add(locks, ix->name, on_index);
      }
      break;
    }
    case N::kClusterStmt:
      if (n.cluster_stmt().has_relation()) add(locks, key(n.cluster_stmt().relation()), kAccessExclusive);
      rewrite = true;
      break;
    case N::kCommentStmt: {
      const auto& s = n.comment_stmt();
      if ((s.objtype() == pg_query::OBJECT_TABLE || s.objtype() == pg_query::OBJECT_COLUMN) && s.object().has_list()) {
        auto parts = names(s.object().list().items());
        if (s.objtype() == pg_query::OBJECT_COLUMN && !parts.empty()) parts.pop_back();
        add(locks, key_of(parts), kShareUpdateExclusive);
      }
      break;
    }
    default: break;
  }
  if (rewrites) *rewrites = rewrite;
  return locks;
}

namespace {

// What one statement changes on existing tables, in words.
void describe_alters(const Catalog& c, const pg_query::Node& n, PlanFile& pf) {
  auto alter_of = [&](const std::string& object) -> PlanAlter& {
    for (auto& a : pf.alters)
      if (a.object == object) return a;
    pf.alters.push_back({object, {}});
    return pf.alters.back();
  };
  if (n.has_alter_table_stmt()) {
    const auto& s = n.alter_table_stmt();
    std::string table = key(s.relation());
    for (const auto& cn : s.cmds()) {
      if (!cn.has_alter_table_cmd()) continue;
      const auto& cmd = cn.alter_table_cmd();
      std::string col = cmd.name();
      std::string d;
      switch (cmd.subtype()) {
        case pg_query::AT_AddColumn:
          if (cmd.def().has_column_def())
            d = "add column " + cmd.def().column_def().colname() + " " + tree::format_type(cmd.def().column_def().type_name());
          break;
        case pg_query::AT_DropColumn: d = "drop column " + col; break;
        case pg_query::AT_AlterColumnType:
          d = "alter column " + col + " type " + tree::format_type(cmd.def().column_def().type_name());
          break;
        case pg_query::AT_SetNotNull: d = "alter column " + col + " set not null"; break;
        case pg_query::AT_DropNotNull: d = "alter column " + col + " drop not null"; break;
        case pg_query::AT_ColumnDefault: d = "alter column " + col + (cmd.has_def() ? " set default" : " drop default"); break;
        case pg_query::AT_AddConstraint:
          if (cmd.def().has_constraint()) {
            const auto& con = cmd.def().constraint();
            d = "add constraint" + (con.conname().empty() ? std::string() : " " + con.conname());
            if (con.skip_validation()) d += " (not valid)";
          }
          break;
        case pg_query::AT_DropConstraint: d = "drop constraint " + col; break;
        case pg_query::AT_ValidateConstraint: d = "validate constraint " + col; break;
        case pg_query::AT_EnableRowSecurity: d = "enable row level security"; break;
        case pg_query::AT_DisableRowSecurity: d = "disable row level security"; break;
        case pg_query::AT_ForceRowSecurity: d = "force row level security"; break;
        case pg_query::AT_NoForceRowSecurity: d = "no force row level security"; break;
        case pg_query::AT_AttachPartition: d = "attach partition " + key(cmd.def().partition_cmd().name()); break;
        case pg_query::AT_DetachPartition: d = "detach partition " + key(cmd.def().partition_cmd().name()); break;
        default: d = "alter (" + pg_query::AlterTableType_Name(cmd.subtype()).substr(3) + ")"; break;
      }
      if (!d.empty()) alter_of(table).changes.push_back(d);
    }
  } else if (n.has_rename_stmt()) {
    const auto& s = n.rename_stmt();
    if (s.rename_type() == pg_query::OBJECT_COLUMN) alter_of(key(s.relation())).changes.push_back("rename column " + s.subname() + " to " + s.newname());
    else if (s.rename_type() == pg_query::OBJECT_TABCONSTRAINT)
      alter_of(key(s.relation())).changes.push_back("rename constraint " + s.subname() + " to " + s.newname());
    else if (s.has_relation() && (s.rename_type() == pg_query::OBJECT_TABLE || s.rename_type() == pg_query::OBJECT_VIEW ||
                                  s.rename_type() == pg_query::OBJECT_INDEX))
      alter_of(key(s.relation())).changes.push_back("rename to " + s.newname());
  } else if (n.has_create_policy_stmt()) {
    alter_of(key(n.create_policy_stmt().table())).changes.push_back("create policy " + n.create_policy_stmt().policy_name());
  } else if (n.has_alter_policy_stmt()) {
    alter_of(key(n.alter_policy_stmt().table())).changes.push_back("alter policy " + n.alter_policy_stmt().policy_name());
  } else if (n.has_grant_stmt() && n.grant_stmt().objtype() == pg_query::OBJECT_TABLE) {
    const auto& g = n.grant_stmt();
    for (const auto& o : g.objects())
      if (o.has_range_var()) alter_of(key(o.range_var())).changes.push_back(g.is_grant() ? "grant" : "revoke");
  } else if (n.has_index_stmt()) {
    (void)c;
  }
}

struct Keys {
  std::set<std::string> tables, indexes, views, functions, types, schemas;
};
Keys keys_of(const Catalog& c) {
  Keys k;
  for (const auto& [n, t] : c.tables())
    if (t.known) k.tables.insert(n);
  for (const auto& [n, x] : c.indexes()) k.indexes.insert(n);
  for (const auto& [n, x] : c.views()) k.views.insert(n);
  for (const auto& [n, x] : c.functions()) k.functions.insert(n);
  for (const auto& [n, x] : c.types()) k.types.insert(n);
  for (const auto& [n, x] : c.schemas()) k.schemas.insert(n);
  return k;
}
void diff(const std::set<std::string>& before, const std::set<std::string>& after, const char* type, PlanFile& pf) {
  for (const auto& k : after)
    if (!before.count(k)) pf.creates.push_back({type, k});
  for (const auto& k : before)
    if (!after.count(k)) pf.drops.push_back({type, k});
}

}  // namespace

Plan build_plan(const MigrationSet& set, size_t max_file_size) {
  Plan plan;
  for (const auto& f : set.files) {
    std::string text;
    if (f.contents) {
      text = *f.contents;
    } else {
      std::string why;
      if (!read_migration_file(f.path, max_file_size, text, why)) {
        plan.errors.push_back({f.path, why});
        continue;
      }
    }
    if (text.size() > max_file_size || looks_binary(text) || find_invalid_utf8(text)) {
      plan.errors.push_back({f.path, "not a UTF-8 SQL text file of a plannable size"});
      continue;
    }
    // A UTF-8 byte order mark is blanked (offsets unchanged), as the lint engine does.
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text[0] = text[1] = text[2] = ' ';
    SourceText src(f.path, text);
    parser::ParsedFile parsed = parser::parse_sql(text);
    // Down files are planned against a scratch copy: they never change the forward schema.
    std::optional<Catalog> scratch;
    if (f.direction == Direction::Down) scratch = plan.catalog;
    Catalog& cat = scratch ? *scratch : plan.catalog;
    PlanFile pf;
    pf.path = f.path;
    for (const auto& st : parsed.statements()) {
      if (st.error) {
        if (plan.syntax_errors.empty() || plan.syntax_errors.back().file != f.path) {
          Position p = src.position(st.error->offset);
          plan.syntax_errors.push_back({f.path, st.error->message, p.line, p.column});
        }
        continue;
      }
      if (!st.node) continue;
      if (!f.history_only) {
        PlanStatement ps;
        Position p = src.position(st.begin);
        ps.line = p.line;
        ps.column = p.column;
        ps.kind = tree::statement_kind(*st.node);
        ps.locks = statement_locks(cat, *st.node, &ps.rewrites);
        if (!ps.locks.empty() || ps.rewrites) pf.statements.push_back(std::move(ps));
        describe_alters(cat, *st.node, pf);
        Keys before = keys_of(cat);
        cat.apply(*st.node, SourceRef{f.index, st.begin, st.end, st.base}, text);
        Keys after = keys_of(cat);
        if (!st.node->has_rename_stmt() && !st.node->has_alter_object_schema_stmt()) {
          diff(before.schemas, after.schemas, "schema", pf);
          diff(before.types, after.types, "type", pf);
          diff(before.tables, after.tables, "table", pf);
          diff(before.views, after.views, "view", pf);
          diff(before.indexes, after.indexes, "index", pf);
          diff(before.functions, after.functions, "function", pf);
        }
      } else {
        cat.apply(*st.node, SourceRef{f.index, st.begin, st.end, st.base}, text);
      }
    }
    if (!f.history_only) plan.files.push_back(std::move(pf));
  }
  return plan;
}

nlohmann::json plan_to_json(const Plan& plan) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : plan.files) {
    nlohmann::json jf;
    jf["path"] = f.path;
    auto objects = [](const std::vector<PlanObject>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& o : v) a.push_back({{"type", o.type}, {"name", o.name}});
      return a;
    };
    jf["creates"] = objects(f.creates);
    jf["drops"] = objects(f.drops);
    jf["alters"] = nlohmann::json::array();
    for (const auto& a : f.alters) jf["alters"].push_back({{"object", a.object}, {"changes", a.changes}});
    jf["statements"] = nlohmann::json::array();
    for (const auto& s : f.statements) {
      nlohmann::json js{{"line", s.line}, {"column", s.column}, {"kind", s.kind}, {"rewrites_table", s.rewrites}};
      js["locks"] = nlohmann::json::array();
      for (const auto& l : s.locks) js["locks"].push_back({{"relation", l.relation}, {"mode", l.mode}});
      jf["statements"].push_back(std::move(js));
    }
    files.push_back(std::move(jf));
  }
  return nlohmann::json{{"version", 1}, {"files", files}};
}

void write_plan_text(std::ostream& out, const Plan& plan) {
  for (const auto& f : plan.files) {
    out << f.path << "\n";
    if (f.creates.empty() && f.drops.empty() && f.alters.empty() && f.statements.empty()) out << "  (no schema changes, no locks)\n";
    for (const auto& o : f.creates) out << "  create " << o.type << " " << o.name << "\n";
    for (const auto& a : f.alters) {
      out << "  alter  " << a.object << ": ";
      for (size_t i = 0; i < a.changes.size(); ++i) out << (i ? ", " : "") << a.changes[i];
      out << "\n";
    }
    for (const auto& o : f.drops) out << "  drop   " << o.type << " " << o.name << "\n";
    if (!f.statements.empty()) out << "  locks:\n";
    for (const auto& s : f.statements) {
      out << "    " << s.line << ":" << s.column << " " << s.kind << ":";
      for (size_t i = 0; i < s.locks.size(); ++i) out << (i ? "," : "") << " " << s.locks[i].mode << " on " << s.locks[i].relation;
      if (s.rewrites) out << " (rewrites the table)";
      out << "\n";
    }
  }
}

}  // namespace pgsafe
