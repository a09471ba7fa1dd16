#include "applier/drift_expr.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

#include "analyzer/catalog_expr.h"
#include "analyzer/catalog_types.h"
#include "parser/parser.h"
#include "parser/tree.h"

namespace pgsafe::applier {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

void canon(pg_query::Node& n);

// Byte offsets into the parsed text (location, list_start, rexpr_list_end, ...).
bool is_position(const std::string& name) {
  auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends("location") || name == "list_start" || name == "list_end" || name == "rexpr_list_start" ||
         name == "rexpr_list_end" || name == "stmt_len";
}

// Every location zeroed and every Node below canonicalised, by reflection: the tree's shape
// is all that is compared.
void canon_message(Message& m) {
  const auto* refl = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  refl->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 && !f->is_repeated() && is_position(f->name())) {
      refl->ClearField(&m, f);
      continue;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    bool is_node = f->message_type()->full_name() == "pg_query.Node";
    if (f->is_repeated()) {
      int n = refl->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        Message* child = refl->MutableRepeatedMessage(&m, f, i);
        if (is_node) canon(static_cast<pg_query::Node&>(*child));
        else canon_message(*child);
      }
    } else {
      Message* child = refl->MutableMessage(&m, f);
      if (is_node) canon(static_cast<pg_query::Node&>(*child));
      else canon_message(*child);
    }
  }
}

// Names PostgreSQL resolves through the search_path, printed with or without the schema.
void drop_implicit_schema(google::protobuf::RepeatedPtrField<pg_query::Node>& names) {
  while (names.size() > 1) {
    std::string first = tree::string_value(names.Get(0));
    if (first != "pg_catalog" && first != "public") break;
    names.erase(names.begin());
  }
}

bool is_const(const pg_query::Node& n) {
  if (n.has_a_const()) return true;
  if (n.has_a_array_expr()) {
    for (const auto& e : n.a_array_expr().elements())
      if (!is_const(e)) return false;
    return true;
  }
  return false;
}

// Casts PostgreSQL adds when it prints an expression: constants get their type spelled out,
// varchar and name values are cast to text for text operators.
bool cast_to_drop(const pg_query::TypeCast& tc) {
  if (is_const(tc.arg())) return true;
  std::string type = tc.type_name().names_size() ? tree::string_value(*tc.type_name().names().rbegin()) : "";
  return type == "text" || type == "varchar" || type == "bpchar" || type == "name" || type == "regclass";
}

void replace_with(pg_query::Node& n, pg_query::Node child) { n = std::move(child); }

// An interval literal as PostgreSQL stores it (months, days, microseconds): '12 months' and
// '1 year' are one value, and PostgreSQL prints the latter. nullopt for forms not read here.
std::optional<std::string> interval_value(const std::string& text) {
  double months = 0, days = 0, micros = 0;
  size_t i = 0;
  auto skip = [&] { while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i; };
  bool any = false;
  for (skip(); i < text.size(); skip()) {
    size_t start = i;
    if (text[i] == '+' || text[i] == '-') ++i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double n = std::strtod(text.substr(start, i - start).c_str(), nullptr);
    skip();
    if (i < text.size() && text[i] == ':') return std::nullopt;  // hh:mm:ss: not read here
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(ustart, i - ustart);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.size() > 1 && unit.back() == 's' && unit != "ms" && unit != "us") unit.pop_back();
    if (unit == "year" || unit == "y" || unit == "yr") months += n * 12;
    else if (unit == "decade") months += n * 120;
    else if (unit == "century") months += n * 1200;
    else if (unit == "month" || unit == "mon") months += n;
    else if (unit == "week" || unit == "w") days += n * 7;
    else if (unit == "day" || unit == "d") days += n;
    else if (unit == "hour" || unit == "h" || unit == "hr") micros += n * 3600e6;
    else if (unit == "minute" || unit == "min" || unit == "m") micros += n * 60e6;
    else if (unit == "second" || unit == "sec" || unit == "s" || unit.empty()) micros += n * 1e6;
    else if (unit == "millisecond" || unit == "ms" || unit == "msec") micros += n * 1e3;
    else if (unit == "microsecond" || unit == "us" || unit == "usec") micros += n;
    else return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  char buf[96];
  std::snprintf(buf, sizeof buf, "@interval %.0f/%.0f/%.0f", months, days, micros);
  return std::string(buf);
}

pg_query::Node make_op(const std::string& op, const pg_query::Node& l, const pg_query::Node& r) {
  pg_query::Node out;
  auto* e = out.mutable_a_expr();
  e->set_kind(pg_query::AEXPR_OP);
  e->add_name()->mutable_string()->set_sval(op);
  *e->mutable_lexpr() = l;
  *e->mutable_rexpr() = r;
  return out;
}

pg_query::Node make_bool(pg_query::BoolExprType op, pg_query::Node a, pg_query::Node b) {
  pg_query::Node out;
  auto* be = out.mutable_bool_expr();
  be->set_boolop(op);
  *be->add_args() = std::move(a);
  *be->add_args() = std::move(b);
  return out;
}

void canon(pg_query::Node& n) {
  // Children first: a rewrite below may make this node's rewrite possible (a cast on an array
  // of constants once the elements' casts are gone).
  switch (n.node_case()) {
    case pg_query::Node::kAConst: {
      // 1, '1'::integer and '1' are one constant once the cast is gone: compare the text.
      auto& c = *n.mutable_a_const();
      std::string text;
      if (c.isnull()) text = "NULL";
      else if (c.has_ival()) text = std::to_string(c.ival().ival());
      else if (c.has_fval()) text = c.fval().fval();
      else if (c.has_boolval()) text = c.boolval().boolval() ? "true" : "false";
      else if (c.has_sval()) text = c.sval().sval();
      else if (c.has_bsval()) text = c.bsval().bsval();
      bool isnull = c.isnull();
      c.Clear();
      if (isnull) c.set_isnull(true);
      else c.mutable_sval()->set_sval(text);
      return;
    }
    default: break;
  }
  {
    Message* inner = nullptr;
    const auto* refl = n.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    refl->ListFields(n, &fields);
    for (const FieldDescriptor* f : fields)
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) inner = refl->MutableMessage(&n, f);
    if (inner) canon_message(*inner);
  }
  switch (n.node_case()) {
    case pg_query::Node::kTypeCast: {
      auto& tc = *n.mutable_type_cast();
      bool interval = tc.type_name().names_size() && tree::string_value(*tc.type_name().names().rbegin()) == "interval";
      if (interval && tc.arg().has_a_const() && tc.arg().a_const().has_sval())
        if (auto v = interval_value(tc.arg().a_const().sval().sval()))
          tc.mutable_arg()->mutable_a_const()->mutable_sval()->set_sval(*v);
      if (cast_to_drop(tc)) {
        pg_query::Node arg = tc.arg();
        replace_with(n, std::move(arg));
      } else {
        drop_implicit_schema(*tc.mutable_type_name()->mutable_names());
      }
      return;
    }
    case pg_query::Node::kTypeName:
      drop_implicit_schema(*n.mutable_type_name()->mutable_names());
      return;
    case pg_query::Node::kFuncCall: {
      auto& fc = *n.mutable_func_call();
      drop_implicit_schema(*fc.mutable_funcname());
      fc.set_funcformat(pg_query::CoercionForm(0));
      // nextval('seq'): sequences are not compared, and the catalog does not follow their
      // renames (ALTER SEQUENCE ... RENAME) nor their schema (PostgreSQL prints 'utils.seq').
      if (fc.funcname_size() == 1 && tree::string_value(fc.funcname(0)) == "nextval" && fc.args_size() == 1 &&
          fc.args(0).has_a_const())
        fc.mutable_args(0)->mutable_a_const()->mutable_sval()->set_sval("<sequence>");
      return;
    }
    case pg_query::Node::kColumnRef: {
      // PostgreSQL qualifies columns in sub-queries (m.org_id) where the text may not.
      auto& fields = *n.mutable_column_ref()->mutable_fields();
      while (fields.size() > 1) fields.erase(fields.begin());
      return;
    }
    case pg_query::Node::kRangeVar: {
      auto& rv = *n.mutable_range_var();
      if (rv.schemaname() == "public") rv.clear_schemaname();
      return;
    }
    case pg_query::Node::kRowExpr:
      n.mutable_row_expr()->set_row_format(pg_query::CoercionForm(0));
      return;
    case pg_query::Node::kSubLink: {
      auto& sl = *n.mutable_sub_link();
      // EXISTS ignores its select list, which PostgreSQL prints expanded (SELECT * -> columns).
      if (sl.sub_link_type() == pg_query::EXISTS_SUBLINK && sl.has_subselect() && sl.subselect().has_select_stmt())
        sl.mutable_subselect()->mutable_select_stmt()->clear_target_list();
      return;
    }
    case pg_query::Node::kBoolExpr: {
      auto& be = *n.mutable_bool_expr();
      if (be.boolop() == pg_query::NOT_EXPR) return;
      // (a AND b) AND c == a AND b AND c
      google::protobuf::RepeatedPtrField<pg_query::Node> flat;
      for (auto& a : *be.mutable_args()) {
        if (a.has_bool_expr() && a.bool_expr().boolop() == be.boolop())
          for (auto& inner : *a.mutable_bool_expr()->mutable_args()) *flat.Add() = std::move(inner);
        else *flat.Add() = std::move(a);
      }
      be.mutable_args()->Swap(&flat);
      return;
    }
    case pg_query::Node::kAExpr: {
      auto& e = *n.mutable_a_expr();
      drop_implicit_schema(*e.mutable_name());
      switch (e.kind()) {
        case pg_query::AEXPR_LIKE:
        case pg_query::AEXPR_ILIKE:
          e.set_kind(pg_query::AEXPR_OP);  // LIKE prints as ~~, ILIKE as ~~*
          return;
        case pg_query::AEXPR_IN: {
          // x IN (a, b) prints as x = ANY (ARRAY[a, b]); NOT IN as <> ALL.
          std::string op = e.name_size() ? tree::string_value(e.name(0)) : "=";
          pg_query::Node array;
          auto* arr = array.mutable_a_array_expr();
          if (e.rexpr().has_list())
            for (const auto& item : e.rexpr().list().items()) *arr->add_elements() = item;
          *e.mutable_rexpr() = std::move(array);
          e.set_kind(op == "<>" ? pg_query::AEXPR_OP_ALL : pg_query::AEXPR_OP_ANY);
          return;
        }
        case pg_query::AEXPR_BETWEEN:
        case pg_query::AEXPR_NOT_BETWEEN: {
          if (!e.rexpr().has_list() || e.rexpr().list().items_size() != 2) return;
          bool neg = e.kind() == pg_query::AEXPR_NOT_BETWEEN;
          pg_query::Node x = e.lexpr();
          pg_query::Node lo = e.rexpr().list().items(0), hi = e.rexpr().list().items(1);
          pg_query::Node out = neg ? make_bool(pg_query::OR_EXPR, make_op("<", x, lo), make_op(">", x, hi))
                                   : make_bool(pg_query::AND_EXPR, make_op(">=", x, lo), make_op("<=", x, hi));
          replace_with(n, std::move(out));
          return;
        }
        default: return;
      }
    }
    default: return;
  }
}

// The first target of `SELECT <expr>`, or null.
const pg_query::Node* first_target(const parser::ParsedFile& parsed) {
  const auto& stmts = parsed.statements();
  if (stmts.size() != 1 || !stmts[0].node || stmts[0].error || !stmts[0].node->has_select_stmt()) return nullptr;
  const auto& sel = stmts[0].node->select_stmt();
  if (sel.target_list_size() != 1 || !sel.target_list(0).has_res_target()) return nullptr;
  return &sel.target_list(0).res_target().val();
}

}  // namespace

std::optional<std::string> canonical_expr(std::string_view sql) {
  if (sql.empty() || sql.find("...") != std::string_view::npos) return std::nullopt;
  std::string text = "SELECT (" + std::string(sql) + "\n)";
  parser::ParsedFile parsed = parser::parse_sql(text);
  const pg_query::Node* val = first_target(parsed);
  if (!val) return std::nullopt;
  pg_query::Node copy = *val;
  canon(copy);
  std::string out;
  if (!copy.SerializeToString(&out)) return std::nullopt;
  return out;
}

struct SourceExpressions::Parsed {
  parser::ParsedFile parsed;
};

SourceExpressions::SourceExpressions() = default;
SourceExpressions::~SourceExpressions() = default;

std::optional<std::string> SourceExpressions::find(int file, std::string_view file_text, uint32_t offset,
                                                   const std::string& rendered) {
  if (file < 0 || rendered.empty()) return std::nullopt;
  auto& slot = files_[file];
  if (!slot) {
    slot = std::make_unique<Parsed>();
    slot->parsed = parser::parse_sql(file_text);
  }
  for (const auto& st : slot->parsed.statements()) {
    if (!st.node || offset < st.begin || offset > st.end) continue;
    std::optional<std::string> found;
    tree::for_each_message(*st.node, [&](const google::protobuf::Message& m) {
      if (found) return false;
      if (m.GetDescriptor() != pg_query::Node::descriptor()) return true;
      const auto& node = static_cast<const pg_query::Node&>(m);
      if (node.node_case() == pg_query::Node::NODE_NOT_SET || expr_sql(node) != rendered) return true;
      pg_query::Node copy = node;
      canon(copy);
      std::string out;
      if (copy.SerializeToString(&out)) found = out;
      return false;
    });
    if (found) return found;
  }
  return std::nullopt;
}

std::optional<ColumnType> parse_type(std::string_view sql) {
  static std::mutex mu;
  static std::map<std::string, std::optional<ColumnType>> cache;
  std::string key(sql);
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::optional<ColumnType> result;
  std::string text = "SELECT NULL::" + key;
  parser::ParsedFile parsed = parser::parse_sql(text);
  const pg_query::Node* val = first_target(parsed);
  if (val && val->has_type_cast()) {
    result = column_type_of(val->type_cast().type_name());
    result->display = key;
  }
  std::lock_guard<std::mutex> lock(mu);
  cache[key] = result;
  return result;
}

std::string type_key(const ColumnType& t) {
  std::string out = (t.schema.empty() || t.schema == "public" || t.schema == "pg_catalog" ? "" : t.schema + ".") + t.name;
  if (t.array_dims > 0) out += "[]";
  return out;
}

bool same_type(const ColumnType& a, const ColumnType& b) {
  if (a.name != b.name || a.mods != b.mods || (a.array_dims > 0) != (b.array_dims > 0)) return false;
  auto schema = [](const std::string& s) { return s == "public" || s == "pg_catalog" ? std::string() : s; };
  std::string sa = schema(a.schema), sb = schema(b.schema);
  return sa.empty() || sb.empty() || sa == sb;
}

}  // namespace pgsafe::applier
