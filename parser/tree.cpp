#include "parser/tree.h"

#include <algorithm>
#include <iterator>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

namespace pgsafe::tree {

std::string qualified_name(const pg_query::RangeVar& rv) {
  std::string out;
  if (!rv.catalogname().empty()) out += rv.catalogname() + ".";
  if (!rv.schemaname().empty()) out += rv.schemaname() + ".";
  out += rv.relname();
  return out;
}

std::string string_value(const pg_query::Node& node) {
  if (node.has_string()) return node.string().sval();
  if (node.has_a_star()) return "*";
  return {};
}

std::string join_names(const NodeList& names, std::string_view sep) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += sep;
    out += string_value(n);
  }
  return out;
}

std::string last_name(const NodeList& names) {
  if (names.empty()) return {};
  return string_value(names[names.size() - 1]);
}

std::string base_type_name(const pg_query::TypeName& type) {
  std::string name = last_name(type.names());
  return name;
}

std::vector<int> type_modifiers(const pg_query::TypeName& type) {
  std::vector<int> mods;
  for (const auto& m : type.typmods()) {
    if (m.has_a_const() && m.a_const().has_ival()) mods.push_back(m.a_const().ival().ival());
  }
  return mods;
}

namespace {
std::string friendly_type(const std::string& internal, bool qualified_catalog) {
  if (!qualified_catalog) return internal;
  static const std::pair<const char*, const char*> names[] = {
      {"int2", "smallint"}, {"int4", "integer"}, {"int8", "bigint"}, {"float4", "real"},
      {"float8", "double precision"}, {"bool", "boolean"}, {"bpchar", "char"}, {"varchar", "varchar"},
      {"timestamptz", "timestamptz"}, {"timestamp", "timestamp"}, {"timetz", "timetz"},
      {"time", "time"}, {"interval", "interval"}, {"numeric", "numeric"}, {"bit", "bit"},
      {"varbit", "varbit"}};
  for (const auto& [from, to] : names)
    if (internal == from) return to;
  return internal;
}
}  // namespace

std::string format_type(const pg_query::TypeName& type) {
  bool catalog = type.names_size() == 2 && string_value(type.names(0)) == "pg_catalog";
  std::string out = catalog ? friendly_type(last_name(type.names()), true) : join_names(type.names());
  if (type.setof()) out = "setof " + out;
  if (type.pct_type()) out += "%TYPE";
  std::vector<int> mods = type_modifiers(type);
  if (!mods.empty() && !(catalog && (last_name(type.names()) == "interval"))) {
    out += "(";
    for (size_t i = 0; i < mods.size(); ++i) {
      if (i) out += ",";
      out += std::to_string(mods[i]);
    }
    out += ")";
  }
  for (const auto& b : type.array_bounds()) {
    int v = b.has_integer() ? b.integer().ival() : -1;
    out += v >= 0 ? "[" + std::to_string(v) + "]" : "[]";
  }
  return out;
}

int location_of(const google::protobuf::Message& msg) {
  const auto* desc = msg.GetDescriptor();
  const auto* field = desc->FindFieldByName("location");
  if (!field || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT32) return -1;
  return msg.GetReflection()->GetInt32(msg, field);
}

int location_of(const pg_query::Node& node) {
  if (node.node_case() == pg_query::Node::NODE_NOT_SET) return -1;
  const auto* refl = node.GetReflection();
  const auto* oneof = node.GetDescriptor()->FindOneofByName("node");
  const auto* field = refl->GetOneofFieldDescriptor(node, oneof);
  if (!field) return -1;
  return location_of(refl->GetMessage(node, field));
}

void for_each_message(const google::protobuf::Message& root,
                      const std::function<bool(const google::protobuf::Message&)>& visit) {
  std::vector<const google::protobuf::Message*> stack{&root};
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  while (!stack.empty()) {
    const google::protobuf::Message* msg = stack.back();
    stack.pop_back();
    if (!visit(*msg)) continue;
    const auto* refl = msg->GetReflection();
    fields.clear();
    refl->ListFields(*msg, &fields);
    // Push in reverse so children are visited in source order.
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      const auto* f = *it;
      if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (f->is_repeated()) {
        int n = refl->FieldSize(*msg, f);
        for (int i = n - 1; i >= 0; --i) stack.push_back(&refl->GetRepeatedMessage(*msg, f, i));
      } else {
        stack.push_back(&refl->GetMessage(*msg, f));
      }
    }
  }
}

std::string def_elem_text(const pg_query::DefElem& d) {
  if (!d.has_arg()) return {};
  const auto& a = d.arg();
  if (a.has_string()) return a.string().sval();
  if (a.has_integer()) return std::to_string(a.integer().ival());
  if (a.has_boolean()) return a.boolean().boolval() ? "true" : "false";
  if (a.has_float_()) return a.float_().fval();
  if (a.has_type_name()) return format_type(a.type_name());
  if (a.has_a_const()) {
    const auto& c = a.a_const();
    if (c.has_sval()) return c.sval().sval();
    if (c.has_ival()) return std::to_string(c.ival().ival());
    if (c.has_boolval()) return c.boolval().boolval() ? "true" : "false";
  }
  return {};
}

namespace {
struct NodeName {
  int number;
  const char* name;
};
constexpr NodeName kNodeNames[] = {
#include <pg_query/node_names.inc>
};
}  // namespace

std::string_view node_type_name(const pg_query::Node& node) {
  const int number = static_cast<int>(node.node_case());
  const auto* end = std::end(kNodeNames);
  const auto* it = std::lower_bound(std::begin(kNodeNames), end, number,
                                    [](const NodeName& n, int v) { return n.number < v; });
  return it != end && it->number == number ? std::string_view(it->name) : std::string_view();
}

std::string statement_kind(const pg_query::Node& stmt) {
  using N = pg_query::Node;
  switch (stmt.node_case()) {
    case N::kCreateStmt: return "CREATE TABLE";
    case N::kAlterTableStmt: return "ALTER TABLE";
    case N::kDropStmt: return "DROP";
    case N::kIndexStmt: return "CREATE INDEX";
    case N::kTruncateStmt: return "TRUNCATE";
    case N::kDeleteStmt: return "DELETE";
    case N::kUpdateStmt: return "UPDATE";
    case N::kInsertStmt: return "INSERT";
    case N::kSelectStmt: return "SELECT";
    case N::kRenameStmt: return "RENAME";
    case N::kDoStmt: return "DO";
    case N::kTransactionStmt: return "TRANSACTION";
    case N::kVariableSetStmt: return "SET";
    case N::kCreateFunctionStmt: return "CREATE FUNCTION";
    case N::kViewStmt: return "CREATE VIEW";
    case N::kCreateSchemaStmt: return "CREATE SCHEMA";
    case N::kCreatedbStmt: return "CREATE DATABASE";
    case N::kDropdbStmt: return "DROP DATABASE";
    case N::kCreateEnumStmt: return "CREATE TYPE";
    case N::kAlterEnumStmt: return "ALTER TYPE";
    case N::kCreateExtensionStmt: return "CREATE EXTENSION";
    case N::kCreateSeqStmt: return "CREATE SEQUENCE";
    case N::kCreateTrigStmt: return "CREATE TRIGGER";
    case N::kCreatePolicyStmt: return "CREATE POLICY";
    case N::kGrantStmt: return "GRANT";
    case N::kCommentStmt: return "COMMENT";
    default: {
      std::string_view name = node_type_name(stmt);
      return name.empty() ? "statement" : std::string(name);
    }
  }
}

}  // namespace pgsafe::tree
