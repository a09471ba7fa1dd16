#include "analyzer/synth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>

#include "analyzer/catalog_types.h"
#include "analyzer/synth_check.h"
#include "analyzer/synth_time.h"
#include "analyzer/synth_values.h"
#include "parser/parser.h"
#include "parser/tree.h"

namespace pgsafe::synth {

namespace {

// ---------------------------------------------------------------------------------------------
// Types

enum class Base {
  Int, Numeric, Float, Money, Text, Bool, Date, Time, TimeTz, Timestamp, TimestampTz, Interval, Uuid, Json, Bytea,
  Inet, Cidr, Macaddr, Tsvector, Enum, IntRange, NumRange, DateRange, TsRange, Xml, Point, Ltree, Unknown
};

struct TypeInfo {
  Base base = Base::Unknown;
  int64_t int_min = 0, int_max = 0;
  int precision = 0, scale = 0;               // numeric(p, s); precision 0: unlimited
  std::optional<size_t> max_len;              // varchar(n), char(n)
  const std::vector<std::string>* labels = nullptr;
  int array_dims = 0;
  std::string cast;                           // the declared type as SQL, for casts in VALUES
  std::string name;                           // as written, for messages
  std::vector<std::string> domain_checks;     // CHECKs of the domain(s), with VALUE
  bool domain_not_null = false;
  std::string range_subtype;                  // tstzrange vs tsrange
};

std::string type_sql(const Catalog& catalog, const ColumnType& t) {
  std::string out;
  if (const UserType* u = catalog.user_type(t)) out = quote_qualified(u->qualified());
  else if (!t.schema.empty()) out = quote_qualified(t.schema + "." + t.name);
  else if (t.name == "char") out = "\"char\"";
  else out = t.name;
  for (int i = 0; i < t.array_dims; ++i) out += "[]";
  return out;
}

TypeInfo resolve_type(const Catalog& catalog, const ColumnType& declared) {
  TypeInfo info;
  info.cast = type_sql(catalog, declared);
  info.name = declared.display.empty() ? declared.name : declared.display;
  ColumnType t = declared;
  for (int depth = 0; depth < 16; ++depth) {
    const UserType* u = catalog.user_type(t);
    if (!u) break;
    if (u->kind == UserTypeKind::Enum) {
      info.base = Base::Enum;
      info.labels = &u->labels;
      info.array_dims = t.array_dims;
      return info;
    }
    if (u->kind != UserTypeKind::Domain) {
      info.base = Base::Unknown;
      return info;
    }
    info.domain_checks.insert(info.domain_checks.end(), u->checks.begin(), u->checks.end());
    info.domain_not_null = info.domain_not_null || u->not_null;
    int dims = t.array_dims;
    t = u->base;
    t.array_dims += dims;
  }
  info.array_dims = t.array_dims;
  const std::string& n = t.name;
  if (!t.schema.empty() && t.schema != "pg_catalog" && n != "citext" && n != "ltree") return info;
  if (n == "int2") info.base = Base::Int, info.int_min = -32768, info.int_max = 32767;
  else if (n == "int4") info.base = Base::Int, info.int_min = -2147483648LL, info.int_max = 2147483647LL;
  else if (n == "int8") info.base = Base::Int, info.int_min = std::numeric_limits<int64_t>::min(), info.int_max = std::numeric_limits<int64_t>::max();
  else if (n == "numeric" || n == "decimal") {
    info.base = Base::Numeric;
    if (!t.mods.empty()) info.precision = t.mods[0];
    info.scale = t.mods.size() > 1 ? t.mods[1] : (t.mods.empty() ? 2 : 0);
  } else if (n == "float4" || n == "float8") info.base = Base::Float;
  else if (n == "money") info.base = Base::Money;
  else if (n == "text" || n == "varchar" || n == "citext" || n == "name" || n == "bpchar") {
    info.base = Base::Text;
    if (!t.mods.empty() && t.mods[0] > 0) info.max_len = static_cast<size_t>(t.mods[0]);
    else if (n == "bpchar" && t.mods.empty() && declared.display.find('(') == std::string::npos &&
             declared.display != "bpchar")
      info.max_len = 1;  // char without a length is char(1)
    if (n == "name") info.max_len = 63;
  } else if (n == "bool") info.base = Base::Bool;
  else if (n == "date") info.base = Base::Date;
  else if (n == "time") info.base = Base::Time;
  else if (n == "timetz") info.base = Base::TimeTz;
  else if (n == "timestamp") info.base = Base::Timestamp;
  else if (n == "timestamptz") info.base = Base::TimestampTz;
  else if (n == "interval") info.base = Base::Interval;
  else if (n == "uuid") info.base = Base::Uuid;
  else if (n == "json" || n == "jsonb") info.base = Base::Json;
  else if (n == "bytea") info.base = Base::Bytea;
  else if (n == "inet") info.base = Base::Inet;
  else if (n == "cidr") info.base = Base::Cidr;
  else if (n == "macaddr" || n == "macaddr8") info.base = Base::Macaddr;
  else if (n == "tsvector") info.base = Base::Tsvector;
  else if (n == "int4range" || n == "int8range") info.base = Base::IntRange;
  else if (n == "numrange") info.base = Base::NumRange;
  else if (n == "daterange") info.base = Base::DateRange;
  else if (n == "tsrange" || n == "tstzrange") info.base = Base::TsRange, info.range_subtype = n;
  else if (n == "xml") info.base = Base::Xml;
  else if (n == "point") info.base = Base::Point;
  else if (n == "ltree") info.base = Base::Ltree;
  return info;
}

bool ordered_number(Base b) { return b == Base::Int || b == Base::Numeric || b == Base::Float || b == Base::Money; }
bool ordered_time(Base b) {
  return b == Base::Date || b == Base::Time || b == Base::TimeTz || b == Base::Timestamp || b == Base::TimestampTz;
}
// Types whose values can be made distinct for any number of rows.
bool can_carry_unique(const TypeInfo& t) {
  if (t.array_dims > 0) return false;
  switch (t.base) {
    case Base::Bool:
    case Base::Enum:
    case Base::Unknown:
    case Base::Tsvector:
    case Base::Xml:
    case Base::Point:
      return false;
    default: return true;
  }
}

// A default that stands for "when the row was inserted": generated instead (spread over the
// past), so created_at <= updated_at holds and the data has a history.
bool insert_time_default(const std::string& expr) {
  std::string e;
  for (char c : expr) e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* f : {"now()", "current_timestamp", "current_date", "clock_timestamp", "statement_timestamp",
                        "transaction_timestamp", "localtimestamp"})
    if (e.find(f) != std::string::npos) return true;
  return false;
}

// A default that gives every row a different value (identity-like): a unique key it is part of
// needs nothing from the generator.
bool unique_default(const Column& c) {
  if (c.identity) return true;
  std::string e;
  for (char ch : c.default_expr) e += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return e.find("nextval(") != std::string::npos || e.find("gen_random_uuid") != std::string::npos ||
         e.find("uuid_generate_v") != std::string::npos || e.find("uuid_generate_v7") != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Plans

enum class Source { Value, Fk, Null, Omit };

struct ColPlan {
  const Column* column = nullptr;
  std::string name;
  TypeInfo type;
  Source source = Source::Value;
  int fk = -1;                    // Source::Fk: the FkPlan
  Role role = Role::None;
  bool nullable = true;
  bool unique = false;
  bool never_null = false;
  std::optional<long double> lo, hi;       // numbers, or seconds for times
  bool lo_strict = false, hi_strict = false;
  std::vector<std::string> in_list;        // allowed values (text of constants)
  bool has_in_list = false;
  std::set<std::string> not_in;
  size_t min_len = 0;
  std::optional<size_t> max_len;
};

struct FkPlan {
  const Constraint* constraint = nullptr;
  std::string parent;
  std::vector<int> cols;                // ColPlan indexes, in constraint order
  std::vector<std::string> ref_cols;
  bool nullable = false;                // every column nullable: a row may have no parent
  bool radix = false;                   // part of a unique key made of foreign keys
  bool single_unique = false;           // a unique key by itself: every row a different parent
  int radix_pos = -1;
  bool resolve_filter = false;          // a CHECK reads whether it is NULL: rows whose parent did not resolve are dropped
  bool by_ctid = false;                 // parent keys come from a default (gen_random_uuid()): numbered in row order
};

struct Check {
  Expr expr;                 // negation normal form
  std::string text;          // as the catalog has it, for messages
  std::string constraint;    // its name ("domain x" for domain checks)
  std::set<std::string> columns;
};

struct TablePlan {
  const Table* table = nullptr;
  std::shared_ptr<Table> owned;   // the table completed with the database's columns
  std::string key;
  std::vector<ColPlan> cols;
  std::map<std::string, int> by_name;
  std::vector<FkPlan> fks;
  std::vector<Check> checks;
  bool skipped = false;
  uint64_t capacity = std::numeric_limits<uint64_t>::max();  // most rows the unique keys allow
  bool on_conflict = false;
  uint64_t hash = 0;
};

struct Context {
  const Catalog& catalog;
  const Options& options;
  std::vector<Problem>& problems;
  std::set<std::string> selected;
  std::set<std::string> skipped;           // selected tables that get no rows
  std::map<std::string, std::set<std::string>> cut;  // table -> FK constraints set NULL to break cycles
  void problem(const std::string& table, const std::string& column, const std::string& message, bool skip) {
    problems.push_back({table, column, message, skip});
  }
};

uint64_t offset_of(const Options& o, const std::string& table) {
  auto it = o.offsets.find(table);
  return it == o.offsets.end() ? 0 : it->second;
}

bool fk_nullable(const Table& t, const Constraint& k) {
  for (const auto& c : k.columns) {
    const Column* col = t.find_column(c);
    if (!col || col->not_null) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Dependency order

std::vector<std::string> dependency_order(Context& cx) {
  std::map<std::string, std::set<std::string>> parents;  // child -> parents among the selected
  auto edges = [&](const std::string& key) {
    std::set<std::string> out;
    const Table* t = cx.catalog.find_table(key);
    auto cut = cx.cut.find(key);
    for (const auto& k : t->constraints) {
      if (k.kind != ConstraintKind::ForeignKey || k.ref_table == key || !cx.selected.count(k.ref_table)) continue;
      if (cx.skipped.count(k.ref_table)) continue;
      if (cut != cx.cut.end() && cut->second.count(k.name)) continue;
      out.insert(k.ref_table);
    }
    return out;
  };
  std::set<std::string> remaining;
  for (const auto& s : cx.selected)
    if (!cx.skipped.count(s)) remaining.insert(s);
  std::vector<std::string> order;
  while (!remaining.empty()) {
    parents.clear();
    for (const auto& r : remaining) {
      std::set<std::string> p;
      for (const auto& e : edges(r))
        if (remaining.count(e)) p.insert(e);
      parents[r] = p;
    }
    bool progressed = false;
    for (bool again = true; again;) {
      again = false;
      for (auto it = remaining.begin(); it != remaining.end(); ++it) {
        if (!parents[*it].empty()) continue;
        std::string done = *it;
        order.push_back(done);
        remaining.erase(it);
        for (auto& [child, ps] : parents) ps.erase(done);
        again = progressed = true;
        break;  // restart from the smallest name: a stable order
      }
    }
    if (remaining.empty()) break;
    // A cycle: find the tables on it (each reaches itself), cut its nullable foreign keys.
    std::function<bool(const std::string&, const std::string&, std::set<std::string>&)> reaches =
        [&](const std::string& from, const std::string& to, std::set<std::string>& seen) {
          for (const auto& p : parents[from]) {
            if (p == to) return true;
            if (seen.insert(p).second && reaches(p, to, seen)) return true;
          }
          return false;
        };
    std::set<std::string> on_cycle;
    for (const auto& r : remaining) {
      std::set<std::string> seen;
      if (reaches(r, r, seen)) on_cycle.insert(r);
    }
    bool cut_any = false;
    for (const auto& r : on_cycle) {
      const Table* t = cx.catalog.find_table(r);
      for (const auto& k : t->constraints) {
        if (k.kind != ConstraintKind::ForeignKey || !on_cycle.count(k.ref_table) || k.ref_table == r) continue;
        if (cx.cut[r].count(k.name) || !fk_nullable(*t, k)) continue;
        std::set<std::string> seen;
        if (!reaches(k.ref_table, r, seen)) continue;  // not on the same cycle
        cx.cut[r].insert(k.name);
        cx.problem(r, k.columns.empty() ? "" : k.columns[0],
                   "left NULL: its foreign key " + k.name + " to " + k.ref_table +
                       " is part of a cycle of foreign keys, which rows can only enter with a NULL",
                   false);
        cut_any = true;
      }
    }
    if (cut_any) continue;
    for (const auto& r : on_cycle) {
      std::string path;
      for (const auto& p : parents[r])
        if (on_cycle.count(p)) path += (path.empty() ? "" : ", ") + p;
      cx.problem(r, "", "skipped: its NOT NULL foreign keys form a cycle (through " + path +
                             "), so no first row can be inserted", true);
      cx.skipped.insert(r);
      remaining.erase(r);
    }
    (void)progressed;
  }
  return order;
}

// ---------------------------------------------------------------------------------------------
// Planning one table

void rename_columns(Expr& e, const std::string& from, const std::string& to) {
  if (e.kind == Expr::Kind::Column && e.name == from) e.name = to;
  for (auto& a : e.args) rename_columns(a, from, to);
}

const Expr* as_const(const Expr& e) { return e.kind == Expr::Kind::Const ? &e : nullptr; }

std::string flip(const std::string& op) {
  if (op == "<") return ">";
  if (op == ">") return "<";
  if (op == "<=") return ">=";
  if (op == ">=") return "<=";
  return op;
}

// Static rules from a conjunct that constrains one column against constants; they guide the
// values generated (every CHECK is still evaluated on every row).
void learn_rule(TablePlan& tp, const Expr& c) {
  auto col_of = [&](const Expr& e) -> ColPlan* {
    if (e.kind != Expr::Kind::Column) return nullptr;
    auto it = tp.by_name.find(e.name);
    return it == tp.by_name.end() ? nullptr : &tp.cols[it->second];
  };
  auto number = [](const Expr& k, const ColPlan& cp) -> std::optional<long double> {
    if (ordered_number(cp.type.base)) {
      char* end = nullptr;
      long double v = std::strtold(k.value.c_str(), &end);
      if (end != k.value.c_str() && !*end) return v;
      return std::nullopt;
    }
    if (ordered_time(cp.type.base)) {
      auto t = parse_time_constant(k.value, cp.type.base == Base::Time || cp.type.base == Base::TimeTz);
      if (t) return static_cast<long double>(*t);
    }
    return std::nullopt;
  };
  auto bound = [&](ColPlan& cp, const std::string& op, long double v) {
    if (op == ">" || op == ">=") {
      if (!cp.lo || v > *cp.lo || (v == *cp.lo && op == ">")) cp.lo = v, cp.lo_strict = op == ">";
    } else if (op == "<" || op == "<=") {
      if (!cp.hi || v < *cp.hi || (v == *cp.hi && op == "<")) cp.hi = v, cp.hi_strict = op == "<";
    } else if (op == "=") {
      cp.has_in_list = true;
      cp.in_list = {};
    }
  };
  switch (c.kind) {
    case Expr::Kind::Compare: {
      const Expr *l = &c.args[0], *r = &c.args[1];
      std::string op = c.name;
      if (as_const(*l) && !as_const(*r)) std::swap(l, r), op = flip(op);
      if (!as_const(*r)) return;
      if (ColPlan* cp = col_of(*l)) {
        if (op == "<>") {
          cp->not_in.insert(r->value);
          if (r->value.empty()) cp->min_len = std::max<size_t>(cp->min_len, 1);
          return;
        }
        if (op == "=") {
          cp->has_in_list = true;
          cp->in_list = {r->value};
          return;
        }
        if (auto v = number(*r, *cp)) bound(*cp, op, *v);
        return;
      }
      if (l->kind == Expr::Kind::Func && l->args.size() == 1 &&
          (l->name == "length" || l->name == "char_length" || l->name == "character_length" || l->name == "octet_length")) {
        const Expr* inner = &l->args[0];
        while (inner->kind == Expr::Kind::Func && inner->args.size() == 1 &&
               (inner->name == "btrim" || inner->name == "lower" || inner->name == "upper"))
          inner = &inner->args[0];
        ColPlan* cp = col_of(*inner);
        if (!cp) return;
        long double v = std::strtold(r->value.c_str(), nullptr);
        if (v < 0) v = 0;
        auto n = static_cast<size_t>(v);
        if (op == ">") cp->min_len = std::max(cp->min_len, n + 1);
        else if (op == ">=") cp->min_len = std::max(cp->min_len, n);
        else if (op == "<") cp->max_len = std::min(cp->max_len.value_or(n ? n - 1 : 0), n ? n - 1 : 0);
        else if (op == "<=") cp->max_len = std::min(cp->max_len.value_or(n), n);
        else if (op == "=") {
          cp->min_len = std::max(cp->min_len, n);
          cp->max_len = std::min(cp->max_len.value_or(n), n);
        }
      }
      return;
    }
    case Expr::Kind::In: {
      ColPlan* cp = col_of(c.args[0]);
      if (!cp) return;
      std::vector<std::string> values;
      for (size_t i = 1; i < c.args.size(); ++i) {
        if (!as_const(c.args[i])) return;
        values.push_back(c.args[i].value);
      }
      if (c.negated) {
        cp->not_in.insert(values.begin(), values.end());
      } else if (!cp->has_in_list) {
        cp->has_in_list = true;
        cp->in_list = values;
      } else {
        std::vector<std::string> both;
        for (const auto& v : cp->in_list)
          if (std::find(values.begin(), values.end(), v) != values.end()) both.push_back(v);
        cp->in_list = both;
      }
      return;
    }
    case Expr::Kind::Between: {
      ColPlan* cp = col_of(c.args[0]);
      if (!cp || c.negated || !as_const(c.args[1]) || !as_const(c.args[2])) return;
      auto a = number(c.args[1], *cp), b = number(c.args[2], *cp);
      if (a) bound(*cp, ">=", *a);
      if (b) bound(*cp, "<=", *b);
      return;
    }
    case Expr::Kind::IsNotNull:
      if (ColPlan* cp = col_of(c.args[0])) cp->never_null = true;
      return;
    case Expr::Kind::Column:
      if (ColPlan* cp = col_of(c); cp && cp->type.base == Base::Bool) cp->has_in_list = true, cp->in_list = {"true"};
      return;
    case Expr::Kind::Not:
      if (ColPlan* cp = col_of(c.args[0]); cp && cp->type.base == Base::Bool) cp->has_in_list = true, cp->in_list = {"false"};
      return;
    default: return;
  }
}

uint64_t pow_capped(uint64_t base, size_t exp) {
  uint64_t out = 1;
  for (size_t i = 0; i < exp; ++i) {
    if (out > std::numeric_limits<uint64_t>::max() / base) return std::numeric_limits<uint64_t>::max();
    out *= base;
  }
  return out;
}

// How many distinct values a unique column can take, given its type and rules.
uint64_t value_capacity(const ColPlan& cp) {
  if (cp.has_in_list) return cp.in_list.size();
  const auto& t = cp.type;
  switch (t.base) {
    case Base::Bool: return 2;
    case Base::Enum: return t.labels ? t.labels->size() : 0;
    case Base::Int:
    case Base::Numeric:
    case Base::Float:
    case Base::Money: {
      long double lo = cp.lo.value_or(-1e18L), hi = cp.hi.value_or(1e18L);
      if (t.base == Base::Int) lo = std::max<long double>(lo, t.int_min), hi = std::min<long double>(hi, t.int_max);
      if (t.base == Base::Numeric && t.precision > 0) {
        long double m = std::pow(10.0L, t.precision - t.scale) - 1;
        lo = std::max(lo, -m), hi = std::min(hi, m);
      }
      if (hi < lo) return 0;
      long double span = std::floor(hi) - std::ceil(lo) + 1;
      return span > 1e18L ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(std::max<long double>(span, 0));
    }
    case Base::Text: {
      if (!cp.max_len) return std::numeric_limits<uint64_t>::max();
      return pow_capped(36, *cp.max_len);
    }
    case Base::Inet: return 1u << 24;
    case Base::Cidr: return 1u << 16;
    default: return std::numeric_limits<uint64_t>::max();
  }
}

bool plan_table(Context& cx, TablePlan& tp) {
  const Table& t = *tp.table;
  const std::string& key = tp.key;
  auto skip = [&](const std::string& column, const std::string& why) {
    cx.problem(key, column, "skipped: " + why, true);
    tp.skipped = true;
    return false;
  };
  if (!t.columns_known) return skip("", "pgsafe does not know all of its columns (CREATE TABLE AS, LIKE or INHERITS of a table outside the migration set); loading into a database reads them from it");
  if (t.columns.empty()) return skip("", "it has no columns");

  // Columns and their types.
  for (const auto& c : t.columns) {
    ColPlan cp;
    cp.column = &c;
    cp.name = c.name;
    cp.type = resolve_type(cx.catalog, c.type);
    cp.nullable = !c.not_null && !cp.type.domain_not_null;
    cp.role = role_of(c.name, t.name);
    if (c.generated || c.identity) cp.source = Source::Omit;
    else if (c.has_default && !(insert_time_default(c.default_expr) && ordered_time(cp.type.base) && cp.type.array_dims == 0))
      cp.source = Source::Omit;
    tp.by_name[c.name] = static_cast<int>(tp.cols.size());
    tp.cols.push_back(std::move(cp));
  }

  // Foreign keys: the first one to claim a column sets it.
  for (const auto& k : t.constraints) {
    if (k.kind != ConstraintKind::ForeignKey) continue;
    FkPlan fk;
    fk.constraint = &k;
    fk.parent = k.ref_table;
    fk.ref_cols = k.ref_columns;
    // A key the database fills with a default other than a sequence (gen_random_uuid()) differs
    // between databases: the parents are numbered in the order their rows were stored (ctid),
    // which the same seed makes the same in a fresh database.
    if (const Table* pt = cx.catalog.find_table(k.ref_table))
      for (const auto& rc : k.ref_columns)
        for (const auto& pc : pt->columns)
          if (pc.name == rc && pc.has_default && pc.default_expr.find("nextval") == std::string::npos && !pc.identity)
            fk.by_ctid = true;
    bool usable = k.columns.size() == k.ref_columns.size() && !k.columns.empty();
    for (const auto& c : k.columns) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end()) usable = false;
      else fk.cols.push_back(it->second);
    }
    std::string first = k.columns.empty() ? "" : k.columns[0];
    if (!usable) return skip(first, "its foreign key " + k.name + " names columns pgsafe cannot match");
    bool claimed = false, generated = false;
    for (int i : fk.cols) {
      claimed = claimed || tp.cols[i].source == Source::Fk;
      generated = generated || tp.cols[i].column->generated;
    }
    if (generated) continue;  // computed by the database
    fk.nullable = true;
    for (int i : fk.cols) fk.nullable = fk.nullable && tp.cols[i].nullable;
    if (claimed) {
      // Two foreign keys share a column: the second cannot be joined independently.
      if (fk.nullable) {
        bool free_nullable = false;
        for (int i : fk.cols)
          if (tp.cols[i].source != Source::Fk) {
            tp.cols[i].source = Source::Null;
            free_nullable = true;
          }
        if (free_nullable) {
          cx.problem(key, first, "left NULL: its foreign key " + k.name + " shares columns with another foreign key", false);
          continue;
        }
      }
      return skip(first, "its foreign key " + k.name + " shares columns with another foreign key, which pgsafe does not generate");
    }
    // Where the parent rows come from.
    bool self = k.ref_table == key;
    bool in_catalog = cx.catalog.find_table(k.ref_table) && cx.catalog.find_table(k.ref_table)->known;
    bool cut = cx.cut.count(key) && cx.cut[key].count(k.name);
    bool exists = cx.options.existing ? cx.options.existing->count(k.ref_table) > 0 : true;
    bool null_it = false;
    if (self) {
      if (!fk.nullable) return skip(first, "its foreign key " + k.name + " references the table itself through NOT NULL columns, so no first row can be inserted");
      null_it = true;
    } else if (cut) {
      null_it = true;
    } else if (!in_catalog) {
      if (fk.nullable) {
        null_it = true;
        cx.problem(key, first, "left NULL: it references " + k.ref_table + ", which the migration set does not create", false);
      } else if (!exists) {
        return skip(first, "it references " + k.ref_table + ", which is not in the migration set and does not exist in the database");
      } else {
        cx.problem(key, first, "references " + k.ref_table + ", which the migration set does not create: rows reference its existing rows (none when it is empty)", false);
      }
    } else if (!exists) {
      if (fk.nullable) {
        null_it = true;
        cx.problem(key, first, "left NULL: " + k.ref_table + " does not exist in the database", false);
      } else {
        return skip(first, "it references " + k.ref_table + ", which does not exist in the database");
      }
    } else if (cx.skipped.count(k.ref_table) || !cx.selected.count(k.ref_table)) {
      if (!fk.nullable)
        cx.problem(key, first, "references " + k.ref_table + (cx.skipped.count(k.ref_table) ? ", which is skipped" : ", which is not generated") +
                                   ": rows reference its existing rows (none when it is empty)", false);
    }
    int index = static_cast<int>(tp.fks.size());
    for (int i : fk.cols) {
      tp.cols[i].source = null_it ? Source::Null : Source::Fk;
      tp.cols[i].fk = null_it ? -1 : index;
    }
    if (null_it) continue;
    tp.fks.push_back(std::move(fk));
  }

  // Types the generator cannot make.
  for (auto& cp : tp.cols) {
    if (cp.source != Source::Value || cp.type.base != Base::Unknown) continue;
    if (cp.nullable) {
      cp.source = Source::Null;
      cx.problem(key, cp.name, "left NULL: pgsafe does not generate values of type " + cp.type.name, false);
    } else {
      return skip(cp.name, "pgsafe does not generate values of type " + cp.type.name + " and the column is NOT NULL without a default");
    }
  }

  // CHECK constraints, the table's and its columns' domains'.
  struct RawCheck {
    std::string text, name, column;  // column: the domain's column (VALUE), "" for a table CHECK
    std::vector<std::string> columns;
  };
  std::vector<RawCheck> raw;
  for (const auto& k : t.constraints)
    if (k.kind == ConstraintKind::Check) raw.push_back({k.expr, k.name, "", k.columns});
  for (const auto& cp : tp.cols)
    for (const auto& d : cp.type.domain_checks) raw.push_back({d, "the check of domain " + cp.type.name, cp.name, {cp.name}});
  for (const auto& r : raw) {
    std::string error;
    auto parsed = r.text.empty() ? std::nullopt : parse_check(r.text, error);
    std::vector<Expr> parts;
    if (!parsed) {
      Expr u;
      u.kind = Expr::Kind::Unsupported;
      u.value = "an expression pgsafe could not read back";
      for (const auto& c : r.columns) {
        Expr col;
        col.kind = Expr::Kind::Column;
        col.name = c;
        u.args.push_back(col);
      }
      parts.push_back(u);
    } else {
      Expr e = *parsed;
      if (!r.column.empty()) rename_columns(e, "value", r.column);
      Expr nnf = negation_normal_form(e);
      for (const Expr* c : conjuncts(nnf)) parts.push_back(*c);
    }
    for (auto& part : parts) {
      Check ch;
      ch.text = r.text;
      ch.constraint = r.name;
      referenced_columns(part, ch.columns);
      std::string what = first_unsupported(part);
      if (what.empty()) {
        ch.expr = std::move(part);
        tp.checks.push_back(std::move(ch));
        continue;
      }
      // Not evaluated: satisfied by a NULL where the expression is strict in a nullable column,
      // else by leaving a defaulted column to its default; otherwise the table is skipped.
      std::set<std::string> strict;
      strict_columns(part, strict);
      bool handled = false;
      for (const auto& c : strict) {
        auto it = tp.by_name.find(c);
        if (it == tp.by_name.end()) continue;
        ColPlan& cp = tp.cols[it->second];
        if (cp.source == Source::Null || (cp.source == Source::Omit && !cp.column->has_default && cp.nullable)) {
          handled = true;
          break;
        }
        if (!cp.nullable) continue;
        if (cp.source == Source::Fk) {
          FkPlan& fk = tp.fks[cp.fk];
          if (!fk.nullable) continue;
          for (int i : fk.cols) tp.cols[i].source = Source::Null;
          fk.cols.clear();  // the join stays out of the statement
        } else {
          cp.source = Source::Null;
        }
        cx.problem(key, cp.name, "left NULL: CHECK (" + r.text + ") uses " + what + ", which pgsafe does not evaluate", false);
        handled = true;
        break;
      }
      if (handled) continue;
      bool all_left_to_database = true;
      for (const auto& c : ch.columns) {
        auto it = tp.by_name.find(c);
        if (it != tp.by_name.end() && tp.cols[it->second].source != Source::Omit) all_left_to_database = false;
      }
      if (all_left_to_database) continue;  // only defaults and generated values: the database decides
      for (const auto& c : ch.columns) {
        auto it = tp.by_name.find(c);
        if (it == tp.by_name.end()) continue;
        ColPlan& cp = tp.cols[it->second];
        if (cp.source == Source::Value && cp.column->has_default) {
          cp.source = Source::Omit;
          cx.problem(key, cp.name, "left to its default: CHECK (" + r.text + ") uses " + what + ", which pgsafe does not evaluate", false);
          handled = true;
          break;
        }
      }
      if (handled) continue;
      std::string column = ch.columns.empty() ? "" : *ch.columns.begin();
      return skip(column, "CHECK (" + r.text + ") uses " + what + ", which pgsafe does not evaluate, and " +
                              (column.empty() ? "no column" : "column " + column) + " cannot be NULL");
    }
  }
  // Columns dropped from FKs by the CHECK handling leave empty FK plans: drop them, renumber.
  {
    std::vector<FkPlan> kept;
    for (auto& fk : tp.fks) {
      if (fk.cols.empty()) continue;
      int index = static_cast<int>(kept.size());
      for (int i : fk.cols) tp.cols[i].fk = index;
      kept.push_back(std::move(fk));
    }
    tp.fks = std::move(kept);
  }
  // A column a CHECK reads is generated even when it has a default, so the CHECK can be
  // evaluated on the row (a default the generator does not see could make it false).
  for (const auto& ch : tp.checks)
    for (const auto& c : ch.columns) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end()) continue;
      ColPlan& cp = tp.cols[it->second];
      if (cp.source == Source::Omit && !cp.column->generated && !cp.column->identity && cp.type.base != Base::Unknown &&
          !unique_default(*cp.column))
        cp.source = Source::Value;
    }
  for (const auto& ch : tp.checks) learn_rule(tp, ch.expr);
  for (const auto& ch : tp.checks)
    for (const auto& c : ch.columns) {
      auto it = tp.by_name.find(c);
      if (it != tp.by_name.end() && tp.cols[it->second].source == Source::Fk) tp.fks[tp.cols[it->second].fk].resolve_filter = true;
    }
  for (auto& cp : tp.cols) {
    if (cp.type.max_len) cp.max_len = std::min(cp.max_len.value_or(*cp.type.max_len), *cp.type.max_len);
    if (!cp.has_in_list) continue;
    std::vector<std::string> kept;
    for (const auto& v : cp.in_list)
      if (!cp.not_in.count(v)) kept.push_back(v);
    cp.in_list = kept;
  }

  // Unique keys: each must hold by construction.
  std::vector<std::vector<std::string>> keys;
  for (const Index* ix : cx.catalog.indexes_on(key)) {
    if (!ix->unique) continue;
    std::vector<std::string> cols;
    for (size_t i = 0; i < ix->keys.size(); ++i) {
      bool plain = i < ix->columns.size() && !ix->columns[i].empty();
      if (plain) {
        cols.push_back(ix->columns[i]);
        continue;
      }
      std::string error;
      auto e = parse_check(ix->keys[i], error);
      std::set<std::string> refs;
      if (e) referenced_columns(*e, refs);
      cols.insert(cols.end(), refs.begin(), refs.end());
    }
    if (!cols.empty()) keys.push_back(cols);
  }
  for (const auto& k : t.constraints)
    if ((k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique) && !k.columns.empty()) keys.push_back(k.columns);
  // A generated column is computed by the database and never given a value: a key over one is
  // made unique through the columns its expression reads (lower(email) through email).
  for (auto& cols : keys) {
    std::vector<std::string> out;
    for (const auto& c : cols) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end() || !tp.cols[it->second].column->generated) {
        out.push_back(c);
        continue;
      }
      std::string error;
      std::set<std::string> refs;
      if (auto e = parse_check(tp.cols[it->second].column->generated_expr, error)) referenced_columns(*e, refs);
      for (const auto& r : refs)
        if (std::find(out.begin(), out.end(), r) == out.end() && std::find(cols.begin(), cols.end(), r) == cols.end())
          out.push_back(r);
    }
    cols = std::move(out);
  }
  keys.erase(std::remove_if(keys.begin(), keys.end(), [](const auto& k) { return k.empty(); }), keys.end());
  // Smaller keys first: a column or foreign key made unique for one also serves the larger ones.
  std::stable_sort(keys.begin(), keys.end(), [](const auto& x, const auto& y) { return x.size() < y.size(); });
  std::set<int> single_fks;    // each unique by itself: every row a different parent
  std::vector<int> radix_fks;  // together unique: distinct combinations of parents (one group)
  bool small_domain = false;
  for (const auto& cols : keys) {
    bool satisfied = false;
    std::vector<int> candidates;
    std::set<int> key_fks;
    auto in_key = [&](const std::string& c) { return std::find(cols.begin(), cols.end(), c) != cols.end(); };
    for (const auto& c : cols) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end()) continue;
      ColPlan& cp = tp.cols[it->second];
      if ((cp.source == Source::Omit && unique_default(*cp.column)) || cp.unique) satisfied = true;
      if (cp.source == Source::Null && cp.nullable) satisfied = true;  // NULLs are distinct
      if (cp.source == Source::Fk) {
        bool whole = true;  // every column of the foreign key is in the key
        for (int i : tp.fks[cp.fk].cols) whole = whole && in_key(tp.cols[i].name);
        if (whole) key_fks.insert(cp.fk);
        if (single_fks.count(cp.fk) && whole) satisfied = true;
      } else if (can_carry_unique(cp.type) && !cp.column->generated && !cp.column->identity) {
        candidates.push_back(it->second);
      }
    }
    if (!satisfied && !radix_fks.empty()) {
      bool all_in = true;
      for (int f : radix_fks) all_in = all_in && key_fks.count(f);
      satisfied = all_in;
    }
    if (satisfied) continue;
    // A column the generator makes distinct (a defaulted one is generated for this).
    int best = -1;
    for (int i : candidates)
      if (tp.cols[i].source == Source::Value && (best < 0 || value_capacity(tp.cols[i]) > value_capacity(tp.cols[best]))) best = i;
    if (best < 0)
      for (int i : candidates)
        if (tp.cols[i].source == Source::Omit) {
          best = i;
          break;
        }
    if (best >= 0 && value_capacity(tp.cols[best]) >= 2) {
      ColPlan& cp = tp.cols[best];
      cp.source = Source::Value;
      cp.unique = true;
      continue;
    }
    if (key_fks.size() == 1) {
      single_fks.insert(*key_fks.begin());
      continue;
    }
    if (key_fks.size() > 1) {
      if (radix_fks.empty()) radix_fks.assign(key_fks.begin(), key_fks.end());
      continue;  // another combination: ON CONFLICT DO NOTHING drops the repeats
    }
    // Only small domains (booleans, enums, IN lists): as many rows as there are values.
    uint64_t cap = 1;
    for (const auto& c : cols) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end()) continue;
      ColPlan& cp = tp.cols[it->second];
      if (cp.column->generated || cp.column->identity) continue;  // never given a value
      if (cp.source == Source::Omit) cp.source = Source::Value;
      cp.unique = true;
      cap = value_capacity(cp);  // the generator varies one column
      break;
    }
    if (cap < tp.capacity) tp.capacity = cap;
    small_domain = true;  // values rows outside the generator made may already hold
  }
  for (int f : single_fks) tp.fks[f].single_unique = true, tp.fks[f].radix = false;
  for (size_t i = 0; i < radix_fks.size(); ++i) {
    if (single_fks.count(radix_fks[i])) continue;
    FkPlan& fk = tp.fks[radix_fks[i]];
    fk.radix = true;
    fk.radix_pos = static_cast<int>(i);
  }
  tp.on_conflict = !radix_fks.empty() || !single_fks.empty() || small_domain;

  // Unique capacities.
  for (auto& cp : tp.cols) {
    if (!cp.unique) continue;
    uint64_t cap = value_capacity(cp);
    if (cp.type.base == Base::Text && !cp.has_in_list) {
      // base-36 digits of the row number, within the length limits
      if (cp.max_len && cp.min_len > *cp.max_len) cap = 0;
    }
    if (cap < tp.capacity) tp.capacity = cap;
  }
  // Exclusion constraints: only NULLs are known not to conflict.
  for (const auto& k : t.constraints) {
    if (k.kind != ConstraintKind::Exclusion) continue;
    bool nulled = false;
    for (const auto& c : k.columns) {
      auto it = tp.by_name.find(c);
      if (it == tp.by_name.end()) continue;
      ColPlan& cp = tp.cols[it->second];
      if (cp.nullable && cp.source != Source::Fk) {
        cp.source = Source::Null;
        nulled = true;
        cx.problem(key, cp.name, "left NULL: pgsafe does not generate rows for the exclusion constraint " + k.name, false);
        break;
      }
    }
    if (!nulled) return skip(k.columns.empty() ? "" : k.columns[0], "pgsafe does not generate rows for the exclusion constraint " + k.name);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Values

constexpr int64_t kDay = 86400;
const int64_t kWindowStart = days_from_civil(2023, 1, 1) * kDay;
constexpr int64_t kWindowDays = 700;

struct RowState {
  Rng rng;
  Person person;
  int64_t t0;  // when the row "happened"
};

long double clamp_number(const ColPlan& cp, long double v, long double step) {
  long double lo = cp.lo ? *cp.lo + (cp.lo_strict ? step : 0) : -std::numeric_limits<long double>::infinity();
  long double hi = cp.hi ? *cp.hi - (cp.hi_strict ? step : 0) : std::numeric_limits<long double>::infinity();
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return v;
}

std::pair<long double, long double> realistic_range(Role role) {
  switch (role) {
    case Role::Price: return {1, 999};
    case Role::Quantity: return {1, 50};
    case Role::Count: return {0, 2500};
    case Role::Rating: return {1, 5};
    case Role::Age: return {18, 90};
    case Role::Year: return {1970, 2024};
    case Role::Percent: return {0, 100};
    case Role::Position: return {1, 20};
    case Role::Latitude: return {-80, 80};
    case Role::Longitude: return {-179, 179};
    default: return {1, 1000};
  }
}

Cell number_cell(const ColPlan& cp, RowState& row, uint64_t g) {
  const auto& t = cp.type;
  int scale = t.base == Base::Int ? 0 : t.base == Base::Numeric ? t.scale : 2;
  long double step = std::pow(10.0L, -scale);
  long double type_lo = t.base == Base::Int ? static_cast<long double>(t.int_min) : -1e15L;
  long double type_hi = t.base == Base::Int ? static_cast<long double>(t.int_max) : 1e15L;
  if (t.base == Base::Numeric && t.precision > 0) {
    long double m = std::pow(10.0L, t.precision - t.scale) - step;
    type_lo = -m, type_hi = m;
  }
  long double lo = std::max(type_lo, cp.lo ? *cp.lo + (cp.lo_strict ? step : 0) : type_lo);
  long double hi = std::min(type_hi, cp.hi ? *cp.hi - (cp.hi_strict ? step : 0) : type_hi);
  if (t.base == Base::Int) lo = std::ceil(lo), hi = std::floor(hi);
  if (cp.unique) {
    long double start = lo <= 1 && hi >= 1 ? 1 : std::ceil(lo);
    return Cell::num(start + static_cast<long double>(g));
  }
  auto [rlo, rhi] = realistic_range(cp.role);
  if (rhi < lo || rlo > hi) rlo = lo, rhi = std::min(hi, lo + 1000);
  rlo = std::max(rlo, lo), rhi = std::min(rhi, hi);
  long double units = std::floor((rhi - rlo) / step);
  if (!(units >= 0)) units = 0;  // an empty range after clamping (rhi < rlo): the one value rlo
  if (units > 1e15L) units = 1e15L;
  long double v = rlo + static_cast<long double>(row.rng.below(static_cast<uint64_t>(units) + 1)) * step;
  if (cp.role == Role::Price && scale >= 2 && v + 0.99L <= rhi) v = std::floor(v) + 0.99L;  // 19.99
  v = std::round(v / step) * step;
  return Cell::num(clamp_number(cp, v, step));
}

int64_t time_for(const ColPlan& cp, RowState& row, uint64_t g) {
  if (cp.unique) return kWindowStart + static_cast<int64_t>(g) * (cp.type.base == Base::Date ? kDay : 3600);
  int64_t t;
  switch (cp.role) {
    case Role::Created: t = row.t0; break;
    case Role::Updated: t = row.t0 + row.rng.between(0, 45 * kDay); break;
    case Role::Published: t = row.t0 + row.rng.between(60, 2 * kDay); break;
    case Role::Deleted: t = row.t0 + row.rng.between(kDay, 90 * kDay); break;
    case Role::Starts: t = row.t0 + row.rng.between(0, 20 * kDay); break;
    case Role::Ends: t = row.t0 + 21 * kDay + row.rng.between(0, 40 * kDay); break;
    case Role::Birth: t = days_from_civil(1950, 1, 1) * kDay + row.rng.between(0, 55 * 365) * kDay; break;
    case Role::Due: t = row.t0 + row.rng.between(7, 60) * kDay; break;
    default: t = kWindowStart + row.rng.between(0, kWindowDays * kDay); break;
  }
  if (cp.lo && t < *cp.lo + cp.lo_strict) t = static_cast<int64_t>(*cp.lo) + cp.lo_strict + row.rng.between(0, 30 * kDay);
  if (cp.hi && t > *cp.hi - cp.hi_strict) t = static_cast<int64_t>(*cp.hi) - cp.hi_strict - row.rng.between(0, 30 * kDay);
  return t;
}

std::string fit_text(const ColPlan& cp, std::string s, const std::string& unique, RowState& row) {
  size_t max = cp.max_len.value_or(std::numeric_limits<size_t>::max());
  while (s.size() < cp.min_len) s += (s.empty() ? "" : " ") + words(row.rng, 1, false);
  if (s.size() <= max) return s;
  if (unique.empty()) {
    s.resize(max);
    while (!s.empty() && s.back() == ' ' && s.size() > cp.min_len) s.pop_back();
    return s;
  }
  // Keep the unique part whole: shorten what comes before it.
  if (unique.size() >= max) return std::string(max - std::min(max, unique.size()), '0') + unique.substr(unique.size() > max ? unique.size() - max : 0);
  std::string head = s.substr(0, max - unique.size() - 1);
  while (!head.empty() && (head.back() == ' ' || head.back() == '-' || head.back() == '.')) head.pop_back();
  std::string out = head.empty() ? unique : head + "-" + unique;
  while (out.size() < cp.min_len) out = "0" + out;
  return out;
}

std::string uuid_text(RowState& row, const ColPlan& cp, uint64_t g) {
  uint64_t hi = row.rng.next(), lo = row.rng.next();
  hi = (hi & ~0xF000ull) | 0x4000ull;                              // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;       // RFC 4122 variant
  if (cp.unique) lo = (lo & ~0xFFFFFFFFFFFFull) | (g & 0xFFFFFFFFFFFFull);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF), static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One scalar value (not NULL) of a column's base type.
Cell scalar_cell(const ColPlan& cp, RowState& row, uint64_t g, bool unique) {
  const auto& t = cp.type;
  std::string suffix = unique ? base36(g) : "";
  if (cp.has_in_list && !cp.in_list.empty()) {
    const std::string& v = unique ? cp.in_list[g % cp.in_list.size()] : row.rng.pick(cp.in_list);
    Cell c;
    if (ordered_number(t.base)) c = Cell::num(std::strtold(v.c_str(), nullptr));
    else if (t.base == Base::Bool) c = Cell::flag(v == "true" || v == "t");
    else if (ordered_time(t.base)) c = Cell::at(parse_time_constant(v, t.base == Base::Time || t.base == Base::TimeTz).value_or(kWindowStart));
    else c = Cell::str(v);
    if (t.base == Base::Enum) c.labels = t.labels;
    c.time_of_day = t.base == Base::Time || t.base == Base::TimeTz;
    return c;
  }
  switch (t.base) {
    case Base::Int:
    case Base::Numeric:
    case Base::Float:
    case Base::Money: {
      ColPlan u = cp;
      u.unique = unique;
      Cell c = number_cell(u, row, g);
      for (int i = 0; i < 8 && cp.not_in.count(std::to_string(static_cast<long long>(c.number))); ++i) c.number += 1;
      return c;
    }
    case Base::Bool: {
      if (unique) return Cell::flag(g % 2 == 1);
      unsigned p = cp.role == Role::FlagOff ? 10 : cp.role == Role::FlagOn ? 85 : 50;
      return Cell::flag(row.rng.chance(p));
    }
    case Base::Date:
    case Base::Time:
    case Base::TimeTz:
    case Base::Timestamp:
    case Base::TimestampTz: {
      ColPlan u = cp;
      u.unique = unique;
      int64_t v = time_for(u, row, g);
      if (t.base == Base::Date) v = floor_div(v, kDay) * kDay;
      if (t.base == Base::Time || t.base == Base::TimeTz) {
        v = unique ? static_cast<int64_t>(g % kDay) : row.rng.between(8 * 3600, 20 * 3600);
        Cell c = Cell::at(v);
        c.time_of_day = true;
        return c;
      }
      return Cell::at(v);
    }
    case Base::Text: {
      Role role = cp.role;
      if (cp.max_len && *cp.max_len <= 3 && role != Role::CountryCode && role != Role::Currency && role != Role::Language)
        role = Role::Word;
      std::string s = text_for(role, row.rng, row.person, "");
      if (unique) {
        std::string with = text_for(role, row.rng, row.person, suffix);
        s = fit_text(cp, with, suffix, row);
      } else {
        s = fit_text(cp, s, "", row);
      }
      for (int i = 0; i < 8 && cp.not_in.count(s); ++i) s = fit_text(cp, s + "x", "", row);
      return Cell::str(s);
    }
    case Base::Interval: {
      int64_t days = unique ? static_cast<int64_t>(g) : row.rng.between(0, 30);
      return Cell::str(std::to_string(days) + " days " + std::to_string(row.rng.between(0, 23)) + " hours");
    }
    case Base::Uuid: {
      ColPlan u = cp;
      u.unique = unique;
      return Cell::str(uuid_text(row, u, g));
    }
    case Base::Json: {
      std::string name = words(row.rng, 1, false);
      return Cell::str("{\"id\": " + std::to_string(g + 1) + ", \"name\": " + json_quote(name) + ", \"enabled\": " +
                       (row.rng.chance(70) ? "true" : "false") + ", \"score\": " + std::to_string(row.rng.below(100)) + "}");
    }
    case Base::Bytea: {
      static const char hex[] = "0123456789abcdef";
      std::string s = "\\x";
      for (int i = 0; i < 16; ++i) s += hex[row.rng.below(16)];
      if (unique) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(g));
        s += buf;
      }
      return Cell::str(s);
    }
    case Base::Inet:
      if (unique) return Cell::str("10." + std::to_string((g >> 16) & 255) + "." + std::to_string((g >> 8) & 255) + "." + std::to_string(g & 255));
      return Cell::str("198.51.100." + std::to_string(row.rng.between(1, 254)));
    case Base::Cidr:
      if (unique) return Cell::str("10." + std::to_string((g >> 8) & 255) + "." + std::to_string(g & 255) + ".0/24");
      return Cell::str("10." + std::to_string(row.rng.below(256)) + "." + std::to_string(row.rng.below(256)) + ".0/24");
    case Base::Macaddr: {
      char buf[32];
      uint64_t v = unique ? g : row.rng.next();
      std::snprintf(buf, sizeof buf, "02:00:%02x:%02x:%02x:%02x", static_cast<unsigned>((v >> 24) & 255),
                    static_cast<unsigned>((v >> 16) & 255), static_cast<unsigned>((v >> 8) & 255), static_cast<unsigned>(v & 255));
      return Cell::str(buf);
    }
    case Base::Tsvector: return Cell::str(words(row.rng, 3, false));
    case Base::Enum: {
      if (!t.labels || t.labels->empty()) return Cell::null();
      Cell c = Cell::str(unique ? (*t.labels)[g % t.labels->size()] : row.rng.pick(*t.labels));
      c.labels = t.labels;
      return c;
    }
    case Base::IntRange: {
      int64_t a = unique ? static_cast<int64_t>(g) * 10 : row.rng.between(0, 100);
      return Cell::str("[" + std::to_string(a) + "," + std::to_string(a + row.rng.between(1, 10)) + ")");
    }
    case Base::NumRange: {
      int64_t a = unique ? static_cast<int64_t>(g) * 10 : row.rng.between(0, 100);
      return Cell::str("[" + std::to_string(a) + ".5," + std::to_string(a + row.rng.between(1, 10)) + ".5)");
    }
    case Base::DateRange: {
      int64_t a = unique ? kWindowStart + static_cast<int64_t>(g) * kDay : kWindowStart + row.rng.between(0, kWindowDays) * kDay;
      return Cell::str("[" + format_date(a) + "," + format_date(a + row.rng.between(1, 14) * kDay) + ")");
    }
    case Base::TsRange: {
      int64_t a = unique ? kWindowStart + static_cast<int64_t>(g) * 3600 : row.t0;
      bool tz = t.range_subtype == "tstzrange";
      return Cell::str("[\"" + format_timestamp(a, tz) + "\",\"" + format_timestamp(a + row.rng.between(1, 72) * 3600, tz) + "\")");
    }
    case Base::Xml: return Cell::str("<note>" + words(row.rng, 2, false) + "</note>");
    case Base::Point: return Cell::str("(" + std::to_string(row.rng.between(-90, 90)) + "," + std::to_string(row.rng.between(-180, 180)) + ")");
    case Base::Ltree: return Cell::str(std::string(words(row.rng, 1, false)) + "." + words(row.rng, 1, false) + (unique ? "." + suffix : ""));
    default: return Cell::null();
  }
}

std::string array_element_text(const ColPlan& cp, const Cell& c) {
  std::string s;
  switch (c.kind) {
    case Cell::Kind::Number: {
      char buf[64];
      int scale = cp.type.base == Base::Int ? 0 : cp.type.base == Base::Numeric ? cp.type.scale : 2;
      std::snprintf(buf, sizeof buf, "%.*Lf", scale, c.number);
      return buf;
    }
    case Cell::Kind::Bool: return c.boolean ? "t" : "f";
    case Cell::Kind::Time:
      s = cp.type.base == Base::Date ? format_date(c.time) : format_timestamp(c.time, cp.type.base == Base::TimestampTz);
      break;
    default: s = c.text; break;
  }
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// A column's value (NULL allowed where the column allows it).
Cell value_cell(const ColPlan& cp, RowState& row, uint64_t g, bool force_not_null) {
  bool may_null = cp.nullable && !cp.never_null && !cp.unique && !force_not_null;
  if (may_null) {
    unsigned null_percent = cp.role == Role::Deleted ? 85 : 10;
    if (row.rng.chance(null_percent)) return Cell::null();
  }
  if (cp.type.array_dims == 0) return scalar_cell(cp, row, g, cp.unique);
  ColPlan element = cp;
  element.type.array_dims = 0;
  element.max_len = cp.type.max_len;
  element.min_len = 0;
  element.has_in_list = false;
  element.lo.reset(), element.hi.reset();
  if (element.role == Role::None && element.type.base == Base::Text) element.role = Role::Word;
  size_t n = cp.unique ? 1 + row.rng.below(3) : row.rng.below(4);
  std::string out = "{";
  for (size_t i = 0; i < n; ++i) {
    Cell e = scalar_cell(element, row, g, cp.unique && i == 0 && can_carry_unique(element.type));
    if (i) out += ",";
    out += e.is_null() ? "NULL" : array_element_text(element, e);
  }
  return Cell::str(out + "}");
}

std::string literal(const ColPlan& cp, const Cell& c) {
  switch (c.kind) {
    case Cell::Kind::Null: return "NULL";
    case Cell::Kind::Bool: return c.boolean ? "true" : "false";
    case Cell::Kind::Number: {
      char buf[64];
      int scale = cp.type.base == Base::Int ? 0 : cp.type.base == Base::Numeric ? cp.type.scale : 2;
      std::snprintf(buf, sizeof buf, "%.*Lf", scale, c.number);
      return cp.type.base == Base::Money ? quote_literal(buf) : std::string(buf);
    }
    case Cell::Kind::Time:
      switch (cp.type.base) {
        case Base::Date: return quote_literal(format_date(c.time));
        case Base::Time: return quote_literal(format_time_of_day(c.time));
        case Base::TimeTz: return quote_literal(format_time_of_day(c.time) + "+00");
        case Base::Timestamp: return quote_literal(format_timestamp(c.time, false));
        default: return quote_literal(format_timestamp(c.time, true));
      }
    case Cell::Kind::Text: return quote_literal(c.text);
    default: return "NULL";
  }
}

// ---------------------------------------------------------------------------------------------
// Rows and CHECKs

struct RowBuilder {
  const TablePlan* tp;
  std::vector<Cell> cells;
  std::vector<bool> fk_null;  // per FK: this row has no parent
  RowState* row = nullptr;
  uint64_t g = 0;

  const Cell* lookup(const std::string& name) const {
    auto it = tp->by_name.find(name);
    if (it == tp->by_name.end()) return nullptr;
    const ColPlan& cp = tp->cols[it->second];
    if (cp.source == Source::Omit) return nullptr;
    return &cells[it->second];
  }
  Truth truth(const Expr& e) const {
    return evaluate(e, [this](const std::string& n) { return lookup(n); });
  }
  ColPlan const* col(const std::string& name) const {
    auto it = tp->by_name.find(name);
    return it == tp->by_name.end() ? nullptr : &tp->cols[it->second];
  }
  int index(const std::string& name) const {
    auto it = tp->by_name.find(name);
    return it == tp->by_name.end() ? -1 : it->second;
  }

  bool set_null(int i) {
    const ColPlan& cp = tp->cols[i];
    if (cells[i].is_null()) return true;
    if (cp.source == Source::Omit) return false;
    if (cp.source == Source::Fk) {
      const FkPlan& fk = tp->fks[cp.fk];
      if (!fk.nullable || fk.radix) return false;
      fk_null[cp.fk] = true;
      for (int c : fk.cols) cells[c] = Cell::null();
      return true;
    }
    if (!cp.nullable) return false;
    cells[i] = Cell::null();
    return true;
  }
  bool set_not_null(int i) {
    const ColPlan& cp = tp->cols[i];
    if (!cells[i].is_null()) return true;
    if (cp.source == Source::Fk) {
      fk_null[cp.fk] = false;
      for (int c : tp->fks[cp.fk].cols) cells[c] = Cell::opaque();
      return true;
    }
    if (cp.source != Source::Value) return false;
    cells[i] = value_cell(cp, *row, g, true);
    return !cells[i].is_null();
  }
  bool set_constant(int i, const Expr& k) {
    const ColPlan& cp = tp->cols[i];
    if (cp.source != Source::Value) return false;
    Cell c;
    if (k.kind == Expr::Kind::Null) c = Cell::null();
    else if (ordered_number(cp.type.base)) c = Cell::num(std::strtold(k.value.c_str(), nullptr));
    else if (cp.type.base == Base::Bool) c = Cell::flag(k.value == "true" || k.value == "t");
    else if (ordered_time(cp.type.base)) {
      auto t = parse_time_constant(k.value, cp.type.base == Base::Time || cp.type.base == Base::TimeTz);
      if (!t) return false;
      c = Cell::at(*t);
      c.time_of_day = cp.type.base == Base::Time || cp.type.base == Base::TimeTz;
    } else c = Cell::str(k.value);
    if (cp.type.base == Base::Enum) c.labels = cp.type.labels;
    if (c.is_null() && !cp.nullable) return false;
    cells[i] = c;
    return true;
  }

  // Makes one alternative of a CHECK hold where it can: its atoms become assignments.
  void apply(const Expr& e) {
    using K = Expr::Kind;
    switch (e.kind) {
      case K::And:
        for (const auto& a : e.args) apply(a);
        return;
      case K::IsNull:
        if (e.args[0].kind == K::Column) {
          if (int i = index(e.args[0].name); i >= 0) set_null(i);
        }
        return;
      case K::IsNotNull:
        if (e.args[0].kind == K::Column) {
          if (int i = index(e.args[0].name); i >= 0) set_not_null(i);
        }
        return;
      case K::Column:
        if (int i = index(e.name); i >= 0 && tp->cols[i].type.base == Base::Bool && tp->cols[i].source == Source::Value)
          cells[i] = Cell::flag(true);
        return;
      case K::Not:
        if (e.args[0].kind == K::Column)
          if (int i = index(e.args[0].name); i >= 0 && tp->cols[i].type.base == Base::Bool && tp->cols[i].source == Source::Value)
            cells[i] = Cell::flag(false);
        return;
      case K::In:
        if (!e.negated && e.args[0].kind == K::Column && e.args.size() > 1) {
          int i = index(e.args[0].name);
          if (i >= 0) set_constant(i, e.args[1 + row->rng.below(e.args.size() - 1)]);
        }
        return;
      case K::Between:
        if (!e.negated && e.args[0].kind == K::Column && e.args[1].kind == K::Const) {
          int i = index(e.args[0].name);
          if (i >= 0) set_constant(i, e.args[1]);
        }
        return;
      case K::Compare: apply_compare(e); return;
      default: return;
    }
  }

  void apply_compare(const Expr& e) {
    using K = Expr::Kind;
    const Expr *l = &e.args[0], *r = &e.args[1];
    std::string op = e.name;
    // (a IS NULL) = (b IS NULL): both NULL or both set.
    if ((op == "=" || op == "<>") && (l->kind == K::IsNull || l->kind == K::IsNotNull) &&
        (r->kind == K::IsNull || r->kind == K::IsNotNull) && l->args[0].kind == K::Column && r->args[0].kind == K::Column) {
      int a = index(l->args[0].name), b = index(r->args[0].name);
      if (a < 0 || b < 0) return;
      bool same_sense = (l->kind == r->kind) == (op == "=");
      bool a_null = cells[a].is_null();
      if (same_sense) {
        if (a_null) set_null(b) || (set_not_null(a) && set_not_null(b));
        else set_not_null(b) || (set_null(a) && set_null(b));
      } else {
        if (a_null) set_not_null(b) || (set_not_null(a) && set_null(b));
        else set_null(b) || (set_null(a) && set_not_null(b));
      }
      return;
    }
    // num_nonnulls(...) / num_nulls(...) compared with a number.
    if (r->kind == K::Func && l->kind == K::Const) std::swap(l, r), op = flip(op);
    if (l->kind == K::Func && (l->name == "num_nonnulls" || l->name == "num_nulls") && r->kind == K::Const) {
      long n = std::strtol(r->value.c_str(), nullptr, 10);
      long total = static_cast<long>(l->args.size());
      if (l->name == "num_nulls") {
        n = total - n;
        op = flip(op);
      }
      long want = op == "=" ? n : op == ">" ? n + 1 : op == ">=" ? n : op == "<" ? n - 1 : op == "<=" ? n : (n == 0 ? 1 : 0);
      want = std::clamp(want, 0L, total);
      std::vector<int> idx;
      for (const auto& a : l->args)
        if (a.kind == K::Column) idx.push_back(index(a.name));
      // Columns that cannot be NULL come first; the rest rotate with the row.
      std::vector<int> order;
      for (int i : idx)
        if (i >= 0 && !tp->cols[i].nullable) order.push_back(i);
      size_t start = idx.empty() ? 0 : row->rng.below(idx.size());
      for (size_t k = 0; k < idx.size(); ++k) {
        int i = idx[(start + k) % idx.size()];
        if (i >= 0 && std::find(order.begin(), order.end(), i) == order.end()) order.push_back(i);
      }
      long set = 0;
      for (int i : order) {
        if (set < want && set_not_null(i)) ++set;
        else set_null(i);
      }
      return;
    }
    if (l->kind == K::Const && r->kind == K::Column) std::swap(l, r), op = flip(op);
    if (l->kind != K::Column) return;
    int a = index(l->name);
    if (a < 0 || tp->cols[a].source != Source::Value) return;
    const ColPlan& cp = tp->cols[a];
    if (r->kind == K::Const) {
      if (op == "=" || op == "IS NOT DISTINCT FROM") set_constant(a, *r);
      else if (op == "<>" || op == "IS DISTINCT FROM") {
        if (truth(e) == Truth::False) cells[a] = value_cell(cp, *row, g + 7919, true);
      } else if (truth(e) == Truth::False && set_constant(a, *r)) {
        nudge(a, op);
      }
      return;
    }
    if (r->kind == K::Column) {
      int b = index(r->name);
      if (b < 0) return;
      if (cells[b].is_null() || cells[a].is_null()) return;
      if (truth(e) != Truth::False) return;
      // Move the left side past the right one.
      Cell v = cells[b];
      if (v.kind == Cell::Kind::Opaque) return;
      cells[a] = v;
      nudge(a, op);
    }
  }

  // After a = bound, step a to satisfy a op bound.
  void nudge(int a, const std::string& op) {
    Cell& c = cells[a];
    const ColPlan& cp = tp->cols[a];
    int sign = op == ">" || op == ">=" ? 1 : op == "<" || op == "<=" ? -1 : 0;
    if (op == "<>") sign = 1;
    bool strict = op == ">" || op == "<" || op == "<>";
    if (c.kind == Cell::Kind::Number) {
      int scale = cp.type.base == Base::Int ? 0 : cp.type.base == Base::Numeric ? cp.type.scale : 2;
      long double step = std::pow(10.0L, -scale);
      long double extra = strict ? step : 0;
      if (cp.role == Role::Price || cp.role == Role::Count || cp.role == Role::None)
        extra += static_cast<long double>(row->rng.below(50)) * step;
      c.number += sign * extra;
    } else if (c.kind == Cell::Kind::Time) {
      int64_t unit = cp.type.base == Base::Date ? kDay : 1;
      int64_t extra = (strict ? unit : 0) + (cp.type.base == Base::Date ? row->rng.between(0, 10) * kDay : row->rng.between(0, 5 * kDay));
      c.time += sign * extra;
    }
  }
};

// ---------------------------------------------------------------------------------------------
// SQL

std::string values_alias(size_t i) { return "x" + std::to_string(i); }

struct TableEmitter {
  const TablePlan& tp;
  const Options& options;
  std::vector<int> value_cols;   // ColPlan indexes written from VALUES
  std::vector<int> insert_cols;  // value_cols and FK columns, in table order

  TableEmitter(const TablePlan& t, const Options& o) : tp(t), options(o) {
    for (size_t i = 0; i < tp.cols.size(); ++i) {
      Source s = tp.cols[i].source;
      if (s == Source::Value || s == Source::Null) value_cols.push_back(static_cast<int>(i));
      if (s != Source::Omit) insert_cols.push_back(static_cast<int>(i));
    }
  }

  std::string column_list() const {
    std::string out;
    for (int i : insert_cols) out += (out.empty() ? "" : ", ") + quote_ident(tp.cols[i].name);
    return out;
  }

  std::string parent_subquery(const FkPlan& fk) const {
    std::string refs, order, not_null;
    for (size_t i = 0; i < fk.ref_cols.size(); ++i) {
      std::string q = "q." + quote_ident(fk.ref_cols[i]);
      refs += (i ? ", " : "") + q + " AS r" + std::to_string(i);
      order += (i ? ", " : "") + q;
      not_null += (i ? " AND " : "") + q + " IS NOT NULL";
    }
    if (fk.single_unique) {
      // Parents no row references yet come first, so every row gets a parent of its own.
      std::string match;
      for (size_t i = 0; i < fk.ref_cols.size(); ++i)
        match += (i ? " AND " : "") + std::string("c.") + quote_ident(tp.cols[fk.cols[i]].name) + " = q." + quote_ident(fk.ref_cols[i]);
      order = "EXISTS (SELECT 1 FROM " + quote_qualified(tp.key) + " AS c WHERE " + match + "), " + order;
    }
    if (fk.by_ctid) order = (fk.single_unique ? order.substr(0, order.rfind("), ") + 3) : std::string()) + "q.ctid, " +
                           (fk.single_unique ? order.substr(order.rfind("), ") + 3) : order);
    return "(SELECT " + refs + ", row_number() OVER (ORDER BY " + order + ") - 1 AS rn FROM " + quote_qualified(fk.parent) +
           " AS q WHERE " + not_null + ")";
  }

  std::string count_of(const FkPlan& fk) const {
    std::string not_null;
    for (size_t i = 0; i < fk.ref_cols.size(); ++i)
      not_null += (i ? " AND " : "") + quote_ident(fk.ref_cols[i]) + " IS NOT NULL";
    return "(SELECT count(*) FROM " + quote_qualified(fk.parent) + " WHERE " + not_null + ")";
  }

  // rows: per row, its cells, its global number g, its index in this statement, its FK keys.
  struct Row {
    std::vector<Cell> cells;
    uint64_t g = 0;
    std::vector<std::optional<uint64_t>> keys;  // per FK: random key, NULL for no parent
  };

  std::string statement(const std::vector<Row>& rows) const {
    std::string sql = "INSERT INTO " + quote_qualified(tp.key);
    if (insert_cols.empty()) {
      // Every column is left to the database.
      sql += " (" + quote_ident(tp.cols[0].name) + ") VALUES ";
      for (size_t r = 0; r < rows.size(); ++r) sql += (r ? ", " : "") + std::string("(DEFAULT)");
      return sql + ";\n";
    }
    sql += " (" + column_list() + ")";
    if (tp.fks.empty()) {
      sql += " VALUES\n";
      for (size_t r = 0; r < rows.size(); ++r) {
        sql += r ? ",\n  (" : "  (";
        for (size_t k = 0; k < insert_cols.size(); ++k)
          sql += (k ? ", " : "") + literal(tp.cols[insert_cols[k]], rows[r].cells[insert_cols[k]]);
        sql += ")";
      }
      return sql + (tp.on_conflict ? "\nON CONFLICT DO NOTHING;\n" : ";\n");
    }
    // Foreign keys are joined to the parents' rows, numbered by row_number().
    std::string select;
    for (int i : insert_cols) {
      const ColPlan& cp = tp.cols[i];
      std::string expr;
      if (cp.source == Source::Fk) {
        const FkPlan& fk = tp.fks[cp.fk];
        size_t pos = std::find(fk.cols.begin(), fk.cols.end(), i) - fk.cols.begin();
        expr = "p" + std::to_string(cp.fk) + ".r" + std::to_string(pos);
      } else {
        size_t pos = std::find(value_cols.begin(), value_cols.end(), i) - value_cols.begin();
        expr = "v." + values_alias(pos);
      }
      select += (select.empty() ? "" : ", ") + expr;
    }
    // A CHECK that reads a foreign-key column is only known once the parents are joined: rows
    // that break it are filtered out (the SELECT is wrapped so the CHECK reads the columns' names).
    std::vector<std::string> fk_checks;
    for (const auto& k : tp.table->constraints) {
      if (k.kind != ConstraintKind::Check || k.expr.empty()) continue;
      std::string error;
      auto parsed = parse_check(k.expr, error);
      if (!parsed) continue;
      std::set<std::string> refs;
      referenced_columns(*parsed, refs);
      bool reads_fk = false, all_inserted = !refs.empty();
      for (const auto& c : refs) {
        auto it = tp.by_name.find(c);
        if (it == tp.by_name.end() ||
            std::find(insert_cols.begin(), insert_cols.end(), it->second) == insert_cols.end()) {
          all_inserted = false;
          break;
        }
        reads_fk = reads_fk || tp.cols[it->second].source == Source::Fk;
      }
      if (reads_fk && all_inserted) fk_checks.push_back("(" + k.expr + ") IS NOT FALSE");
    }
    // ON CONFLICT without a target cannot run on a table with a DEFERRABLE unique key: there the
    // repeats are dropped in the SELECT instead (DISTINCT ON each key, and NOT EXISTS in the table).
    bool deferrable = false;
    std::vector<std::vector<std::string>> dedupe;
    for (const auto& k : tp.table->constraints)
      if ((k.kind == ConstraintKind::PrimaryKey || k.kind == ConstraintKind::Unique) && k.deferrable) deferrable = true;
    if (tp.on_conflict && deferrable)
      for (const auto& k : tp.table->constraints) {
        if ((k.kind != ConstraintKind::PrimaryKey && k.kind != ConstraintKind::Unique) || k.columns.empty()) continue;
        bool all = true;
        for (const auto& c : k.columns) {
          auto it = tp.by_name.find(c);
          all = all && it != tp.by_name.end() &&
                std::find(insert_cols.begin(), insert_cols.end(), it->second) != insert_cols.end();
        }
        if (all) dedupe.push_back(k.columns);
      }
    const bool conflict = tp.on_conflict && !deferrable;
    const size_t body_at = sql.size();
    if (!fk_checks.empty() || !dedupe.empty()) {
      select.clear();
      for (size_t j = 0; j < insert_cols.size(); ++j) {
        const ColPlan& cp = tp.cols[insert_cols[j]];
        std::string expr;
        if (cp.source == Source::Fk) {
          const FkPlan& fk = tp.fks[cp.fk];
          size_t pos = std::find(fk.cols.begin(), fk.cols.end(), insert_cols[j]) - fk.cols.begin();
          expr = "p" + std::to_string(cp.fk) + ".r" + std::to_string(pos);
        } else {
          size_t pos = std::find(value_cols.begin(), value_cols.end(), insert_cols[j]) - value_cols.begin();
          expr = "v." + values_alias(pos);
        }
        select += (select.empty() ? "" : ", ") + expr + " AS " + quote_ident(cp.name);
      }
      if (!fk_checks.empty()) sql += "\nSELECT * FROM (";
    }
    sql += "\nSELECT " + select + "\nFROM (VALUES\n";
    for (size_t r = 0; r < rows.size(); ++r) {
      sql += r ? ",\n  (" : "  (";
      sql += std::to_string(rows[r].g) + (r ? "" : "::int8") + ", " + std::to_string(r) + (r ? "" : "::int8");
      for (size_t f = 0; f < tp.fks.size(); ++f) {
        const auto& k = rows[r].keys[f];
        sql += ", " + (k ? std::to_string(*k) : std::string("NULL")) + (r ? "" : "::int8");
      }
      for (int i : value_cols) {
        std::string lit = literal(tp.cols[i], rows[r].cells[i]);
        if (r == 0) lit += "::" + tp.cols[i].type.cast;
        sql += ", " + lit;
      }
      sql += ")";
    }
    std::string aliases = "g, i";
    for (size_t f = 0; f < tp.fks.size(); ++f) aliases += ", k" + std::to_string(f);
    for (size_t k = 0; k < value_cols.size(); ++k) aliases += ", " + values_alias(k);
    sql += "\n) AS v(" + aliases + ")";
    // Counts of the parents of a unique key made of foreign keys (the mixed radix).
    std::vector<int> radix;
    for (size_t f = 0; f < tp.fks.size(); ++f)
      if (tp.fks[f].radix && !tp.fks[f].single_unique) radix.push_back(static_cast<int>(f));
    std::sort(radix.begin(), radix.end(), [&](int a, int b) { return tp.fks[a].radix_pos < tp.fks[b].radix_pos; });
    if (!radix.empty()) {
      std::string counts;
      for (int f : radix) counts += (counts.empty() ? "" : ", ") + count_of(tp.fks[f]) + " AS n" + std::to_string(f);
      sql += "\nCROSS JOIN (SELECT " + counts + ") AS n";
    }
    std::vector<std::string> where;
    for (size_t f = 0; f < tp.fks.size(); ++f) {
      const FkPlan& fk = tp.fks[f];
      std::string p = "p" + std::to_string(f), on;
      if (fk.single_unique) {
        on = p + ".rn = v.k" + std::to_string(f);  // the row's place in this statement
      } else if (fk.radix) {
        size_t pos = std::find(radix.begin(), radix.end(), static_cast<int>(f)) - radix.begin();
        std::string n0 = "NULLIF(n.n" + std::to_string(radix[0]) + ", 0)";
        if (pos == 0) {
          on = p + ".rn = v.g % " + n0;
        } else {
          std::string below = n0;
          for (size_t j = 1; j < pos; ++j) below += " * n.n" + std::to_string(radix[j]);
          // Each further digit is shifted by the first, which spreads the combinations and keeps
          // them distinct (the first digit and this one give back the quotient).
          on = p + ".rn = ((v.g / (" + below + ")) + (v.g % " + n0 + ") * 7919) % NULLIF(n.n" + std::to_string(f) + ", 0)";
        }
      } else {
        on = p + ".rn = v.k" + std::to_string(f) + " % NULLIF(" + count_of(fk) + ", 0)";
      }
      sql += std::string("\n") + (fk.nullable && !fk.radix ? "LEFT JOIN " : "JOIN ") + parent_subquery(fk) + " AS " + p + " ON " + on;
      if (fk.nullable && !fk.radix && fk.resolve_filter)
        where.push_back("(v.k" + std::to_string(f) + " IS NULL OR " + p + ".rn IS NOT NULL)");
    }
    if (radix.size() > 1) {
      std::string product;
      for (int f : radix) product += (product.empty() ? "" : " * ") + std::string("n.n") + std::to_string(f);
      where.push_back("v.g < " + product);
    }
    if (!where.empty()) {
      sql += "\nWHERE ";
      for (size_t w = 0; w < where.size(); ++w) sql += (w ? " AND " : "") + where[w];
    }
    if (!fk_checks.empty()) {
      sql += "\n) AS s\nWHERE ";
      for (size_t w = 0; w < fk_checks.size(); ++w) sql += (w ? " AND " : "") + fk_checks[w];
    }
    for (size_t d = 0; d < dedupe.size(); ++d) {
      std::string alias = "d" + std::to_string(d), cols, match;
      for (size_t j = 0; j < dedupe[d].size(); ++j) {
        std::string c = quote_ident(dedupe[d][j]);
        cols += (j ? ", " : "") + c;
        match += (j ? " AND " : "") + std::string("e.") + c + " = " + alias + "." + c;
      }
      std::string body = sql.substr(body_at);
      sql = sql.substr(0, body_at) + "\nSELECT DISTINCT ON (" + cols + ") * FROM (" + body + "\n) AS " + alias +
            "\nWHERE NOT EXISTS (SELECT 1 FROM " + quote_qualified(tp.key) + " AS e WHERE " + match + ")";
    }
    return sql + (conflict ? "\nON CONFLICT DO NOTHING;\n" : ";\n");
  }
};

// Generates the rows of one table; false (with a problem) when a row cannot satisfy its CHECKs.
bool generate_table(Context& cx, const TablePlan& tp, TableInsert& out) {
  const Options& o = cx.options;
  uint64_t offset = offset_of(o, tp.key);
  uint64_t rows = o.rows;
  if (tp.capacity != std::numeric_limits<uint64_t>::max()) {
    uint64_t left = tp.capacity > offset ? tp.capacity - offset : 0;
    if (left < rows) {
      std::string why;
      for (const auto& cp : tp.cols)
        if (cp.unique && value_capacity(cp) == tp.capacity) {
          why = cp.name;
          break;
        }
      cx.problem(tp.key, why, "only " + std::to_string(left) + " of " + std::to_string(rows) +
                                  " rows generated: its unique values allow " + std::to_string(tp.capacity) + " distinct rows" +
                                  (offset ? " and " + std::to_string(offset) + " exist" : "") +
                                  (why.empty() ? "" : " (" + why + " is " + tp.cols[tp.by_name.at(why)].type.name + ")"),
                 left == 0);
      rows = left;
      if (rows == 0) return false;
    }
  }
  TableEmitter em(tp, o);
  std::vector<TableEmitter::Row> batch;
  for (uint64_t r = 0; r < rows; ++r) {
    uint64_t g = offset + r;
    RowState row{Rng(mix64(tp.hash ^ mix64(g + 1))), {}, 0};
    row.person = Person::pick(row.rng);
    row.t0 = kWindowStart + row.rng.between(0, kWindowDays * kDay);
    RowBuilder b{&tp, std::vector<Cell>(tp.cols.size()), std::vector<bool>(tp.fks.size(), false), &row, g};
    for (size_t f = 0; f < tp.fks.size(); ++f) {
      const FkPlan& fk = tp.fks[f];
      bool none = fk.nullable && !fk.radix && row.rng.chance(10);
      b.fk_null[f] = none;
      for (int c : fk.cols) b.cells[c] = none ? Cell::null() : Cell::opaque();
    }
    for (size_t i = 0; i < tp.cols.size(); ++i) {
      const ColPlan& cp = tp.cols[i];
      if (cp.source == Source::Value) b.cells[i] = value_cell(cp, row, g, false);
      else if (cp.source == Source::Null) b.cells[i] = Cell::null();
    }
    // Every CHECK must come out true or NULL; a false one has its alternatives tried.
    bool ok = false;
    for (int pass = 0; pass < 4 && !ok; ++pass) {
      ok = true;
      for (const auto& ch : tp.checks) {
        if (b.truth(ch.expr) != Truth::False) continue;
        ok = false;
        auto alts = disjuncts(ch.expr);
        size_t start = row.rng.below(alts.size());
        for (size_t a = 0; a < alts.size(); ++a) {
          RowBuilder trial = b;
          trial.apply(*alts[(start + a) % alts.size()]);
          if (trial.truth(ch.expr) != Truth::False) {
            b = trial;
            break;
          }
        }
      }
    }
    if (!ok) {
      // Last resort: the nullable columns the failing CHECKs read, set to NULL.
      for (const auto& ch : tp.checks) {
        if (b.truth(ch.expr) != Truth::False) continue;
        for (const auto& c : ch.columns)
          if (int i = b.index(c); i >= 0) b.set_null(i);
      }
      ok = true;
      for (const auto& ch : tp.checks) ok = ok && b.truth(ch.expr) != Truth::False;
    }
    if (!ok) {
      for (const auto& ch : tp.checks) {
        if (b.truth(ch.expr) != Truth::False) continue;
        std::string column = ch.columns.empty() ? "" : *ch.columns.begin();
        cx.problem(tp.key, column, "skipped: no row pgsafe generates satisfies CHECK (" + ch.text + ") of " + ch.constraint +
                                       " (row " + std::to_string(g) + ")", true);
        break;
      }
      return false;
    }
    // NOT NULL columns must have a value by now.
    for (size_t i = 0; i < tp.cols.size(); ++i) {
      const ColPlan& cp = tp.cols[i];
      if (cp.source == Source::Value && !cp.nullable && b.cells[i].is_null()) b.set_not_null(static_cast<int>(i));
      if ((cp.source == Source::Value || cp.source == Source::Null) && !cp.nullable && b.cells[i].is_null()) {
        cx.problem(tp.key, cp.name, "skipped: the column is NOT NULL and pgsafe has no value for it", true);
        return false;
      }
    }
    TableEmitter::Row er;
    er.cells = std::move(b.cells);
    er.g = g;
    for (size_t f = 0; f < tp.fks.size(); ++f) {
      if (b.fk_null[f]) er.keys.push_back(std::nullopt);
      else if (tp.fks[f].single_unique) er.keys.push_back(batch.size());
      else er.keys.push_back(row.rng.below(1ull << 31));
    }
    batch.push_back(std::move(er));
    if (batch.size() >= std::max<size_t>(1, o.rows_per_statement)) {
      out.statements.push_back(em.statement(batch));
      batch.clear();
    }
  }
  if (!batch.empty()) out.statements.push_back(em.statement(batch));
  out.rows = rows;
  for (const auto& fk : tp.fks) {
    if (fk.nullable && !fk.radix) continue;
    out.exact = false;
    if (std::find(out.required_parents.begin(), out.required_parents.end(), fk.parent) == out.required_parents.end())
      out.required_parents.push_back(fk.parent);
  }
  if (tp.on_conflict) out.exact = false;
  for (const auto& st : out.statements)
    if (st.find("\n) AS s\nWHERE ") != std::string::npos) out.exact = false;  // a CHECK over foreign keys filters rows
  return true;
}

}  // namespace

std::vector<std::string> select_tables(const Catalog& catalog, const std::vector<std::string>& names,
                                       std::vector<std::string>& unknown) {
  std::vector<std::string> out;
  auto eligible = [](const Table& t) { return t.known && t.partition_of.empty(); };
  if (names.empty()) {
    for (const auto& [key, t] : catalog.tables())
      if (eligible(t)) out.push_back(key);
    return out;
  }
  for (const auto& n : names) {
    bool found = false;
    if (n.find('.') != std::string::npos) {
      const Table* t = catalog.find_table(n);
      if (t && eligible(*t)) out.push_back(t->qualified()), found = true;
    } else {
      for (const auto& [key, t] : catalog.tables())
        if (t.name == n && eligible(t)) out.push_back(key), found = true;
    }
    if (!found) unknown.push_back(n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// The catalog's record of a type as format_type() prints it.
std::optional<ColumnType> type_from_sql(const std::string& type) {
  parser::ParsedFile parsed = parser::parse_sql("SELECT NULL::" + type);
  const auto& st = parsed.statements();
  if (st.size() != 1 || !st[0].node || !st[0].node->has_select_stmt() || st[0].node->select_stmt().target_list_size() != 1)
    return std::nullopt;
  const auto& val = st[0].node->select_stmt().target_list(0).res_target().val();
  if (!val.has_type_cast()) return std::nullopt;
  return column_type_of(val.type_cast().type_name());
}

}  // namespace

bool needs_database_columns(const Table& table) {
  if (!table.columns_known) return true;
  for (const auto& c : table.columns)
    if (!c.type_known) return true;
  return false;
}

namespace {

std::shared_ptr<Table> with_database_columns(const Table& t, const std::vector<DatabaseColumn>& columns) {
  auto out = std::make_shared<Table>(t);
  out->columns.clear();
  for (const auto& dc : columns) {
    Column c;
    c.name = dc.name;
    auto type = type_from_sql(dc.type);
    c.type = type.value_or(ColumnType{dc.type, "", {}, 0, dc.type});
    c.type.display = dc.type;
    c.not_null = dc.not_null;
    c.has_default = dc.has_default;
    c.identity = dc.identity;
    c.generated = dc.generated;
    c.type_known = type.has_value();
    out->columns.push_back(c);
  }
  out->columns_known = true;
  return out;
}

}  // namespace

Generated generate(const Catalog& catalog, const Options& options) {
  Generated result;
  Context cx{catalog, options, result.problems, {}, {}, {}};
  std::vector<std::string> unknown;
  for (const auto& t : select_tables(catalog, options.tables, unknown)) cx.selected.insert(t);
  std::vector<std::string> order = dependency_order(cx);
  for (const auto& key : order) {
    TablePlan tp;
    tp.table = catalog.find_table(key);
    tp.key = key;
    if (auto dc = options.database_columns.find(key); dc != options.database_columns.end() && needs_database_columns(*tp.table)) {
      tp.owned = with_database_columns(*tp.table, dc->second);
      tp.table = tp.owned.get();
    }
    tp.hash = hash_text(key, mix64(options.seed));
    if (!plan_table(cx, tp)) {
      cx.skipped.insert(key);
      continue;
    }
    TableInsert ti;
    ti.table = key;
    if (!generate_table(cx, tp, ti)) {
      cx.skipped.insert(key);
      continue;
    }
    result.tables.push_back(std::move(ti));
  }
  // Problems grouped by table, in the order tables are generated (skipped ones where they fell).
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  std::stable_sort(result.problems.begin(), result.problems.end(), [&](const Problem& a, const Problem& b) {
    size_t ra = rank.count(a.table) ? rank[a.table] : order.size(), rb = rank.count(b.table) ? rank[b.table] : order.size();
    return ra < rb;
  });
  return result;
}

// A "-- " comment holds one line: every line break (and any other control character, which a
// client may take as one) continues the comment on a new "-- " line, so no text of a problem
// becomes SQL.
static std::string comment(const std::string& text) {
  std::string out = "-- ";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f') out += "\n-- ";
    else if (c < 0x20 && c != '\t') out += ' ';
    else out += text[i];
  }
  return out + "\n";
}

std::string render_script(const Generated& generated, const Options& options) {
  std::string out = "-- Generated by pgsafe seed --generate: " + std::to_string(options.rows) + " rows per table, seed " +
                    std::to_string(options.seed) + ".\n-- The same migration set and seed give the same rows.\n";
  for (const auto& p : generated.problems)
    out += comment(p.table + (p.column.empty() ? "" : "." + p.column) + ": " + p.message);
  out += "BEGIN;\n";
  for (const auto& t : generated.tables) {
    out += "\n" + comment(t.table + ": " + std::to_string(t.rows) + " rows");
    for (const auto& s : t.statements) out += s;
  }
  out += "\nCOMMIT;\n";
  return out;
}

}  // namespace pgsafe::synth
