#pragma once
// Small, shared readers of libpg_query parse trees (protobuf classes). Rules include this,
// which brings in the generated header; the build gives them a precompiled header for it.
#include <pg_query/pg_query.pb.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe::tree {

using NodeList = google::protobuf::RepeatedPtrField<pg_query::Node>;

// "schema.name" or "name" as written.
std::string qualified_name(const pg_query::RangeVar& rv);
// A list of String nodes joined with '.', e.g. a DROP object name or a type name.
std::string join_names(const NodeList& names, std::string_view sep = ".");
// The last String of a name list (the unqualified name).
std::string last_name(const NodeList& names);
// The String value of a node, or "" for other kinds.
std::string string_value(const pg_query::Node& node);
// A type as a person writes it: "varchar(50)", "bigint", "timestamptz", "text[]".
std::string format_type(const pg_query::TypeName& type);
// The canonical base name of a type ("int4", "varchar", "timestamptz"), schema dropped.
std::string base_type_name(const pg_query::TypeName& type);
// Integer type modifiers (e.g. {10, 2} for numeric(10,2)); non-constant ones are skipped.
std::vector<int> type_modifiers(const pg_query::TypeName& type);

// The parse location (byte offset relative to the parsed text) of a node, or -1.
int location_of(const pg_query::Node& node);
int location_of(const google::protobuf::Message& msg);

// Visit every message below (and including) root, depth first, without recursion.
// Return false from the visitor to skip a message's children.
void for_each_message(const google::protobuf::Message& root,
                      const std::function<bool(const google::protobuf::Message&)>& visit);

// A DefElem's value as text (String, Integer, Boolean, TypeName), "" when absent.
std::string def_elem_text(const pg_query::DefElem& d);

// The message type of the node's kind ("CreateStmt", "AlterTableStmt", ...), "" when unset.
// Reads a table made from pg_query.proto at build time, not protobuf reflection (whose first use
// builds the descriptors of the whole .proto file).
std::string_view node_type_name(const pg_query::Node& node);

// The statement kind as Postgres' command tag would name it, e.g. "ALTER TABLE".
std::string statement_kind(const pg_query::Node& stmt);

}  // namespace pgsafe::tree
