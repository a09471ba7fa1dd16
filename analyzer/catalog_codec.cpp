#include "analyzer/catalog_codec.h"

#include <utility>

namespace pgsafe {

namespace {

// Every field of every catalog struct is written, in declaration order. A field added to a
// struct in catalog.h (or file_state.h) must be added here too: tests/history_cache_test.cpp
// checks the struct sizes this file was written against, decodes and re-encodes a catalog, and
// compares findings with and without the cache over the shared corpus.

void put(ByteWriter& w, const std::string& s) { w.str(s); }
void put(ByteWriter& w, bool b) { w.boolean(b); }
void put(ByteWriter& w, int v) { w.i32(v); }
void put(ByteWriter& w, uint64_t v) { w.u64(v); }
void get(ByteReader& r, std::string& s) { s = r.str(); }
void get(ByteReader& r, bool& b) { b = r.boolean(); }
void get(ByteReader& r, int& v) { v = r.i32(); }
void get(ByteReader& r, uint64_t& v) { v = r.u64(); }

// Declared first: the container templates below call them (the types' namespace is not this one).
#define PGSAFE_CODEC_DECLARE(T) \
  void put(ByteWriter& w, const T& x); \
  void get(ByteReader& r, T& x);
PGSAFE_CODEC_DECLARE(SourceRef)
PGSAFE_CODEC_DECLARE(ColumnType)
PGSAFE_CODEC_DECLARE(Column)
PGSAFE_CODEC_DECLARE(Constraint)
PGSAFE_CODEC_DECLARE(Index)
PGSAFE_CODEC_DECLARE(Policy)
PGSAFE_CODEC_DECLARE(Table)
PGSAFE_CODEC_DECLARE(View)
PGSAFE_CODEC_DECLARE(Function)
PGSAFE_CODEC_DECLARE(UserType)
PGSAFE_CODEC_DECLARE(Schema)
#undef PGSAFE_CODEC_DECLARE

void put(ByteWriter& w, const SourceRef& s) {
  w.i32(s.file);
  w.u32(s.begin);
  w.u32(s.end);
  w.u32(s.base);
}
void get(ByteReader& r, SourceRef& s) {
  s.file = r.i32();
  s.begin = r.u32();
  s.end = r.u32();
  s.base = r.u32();
}

template <typename T>
void put(ByteWriter& w, const std::vector<T>& v) {
  w.u32(static_cast<uint32_t>(v.size()));
  for (const auto& x : v) put(w, x);
}
template <typename T>
void get(ByteReader& r, std::vector<T>& v) {
  uint32_t n = r.count();
  v.clear();
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) get(r, v.emplace_back());
}
void put(ByteWriter& w, const std::set<std::string>& s) {
  w.u32(static_cast<uint32_t>(s.size()));
  for (const auto& x : s) w.str(x);
}
void get(ByteReader& r, std::set<std::string>& s) {
  uint32_t n = r.count(4);
  s.clear();
  for (uint32_t i = 0; i < n && r.ok(); ++i) s.insert(s.end(), r.str());
}
template <typename V>
void put(ByteWriter& w, const std::map<std::string, V>& m) {
  w.u32(static_cast<uint32_t>(m.size()));
  for (const auto& [k, v] : m) {
    w.str(k);
    put(w, v);
  }
}
template <typename V>
void get(ByteReader& r, std::map<std::string, V>& m) {
  uint32_t n = r.count(4);
  m.clear();
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    std::string k = r.str();
    // Keys were written in order: appending at the end costs constant time.
    get(r, m.emplace_hint(m.end(), std::move(k), V{})->second);
  }
}

void put(ByteWriter& w, const ColumnType& t) {
  put(w, t.name);
  put(w, t.schema);
  put(w, t.mods);
  put(w, t.array_dims);
  put(w, t.display);
}
void get(ByteReader& r, ColumnType& t) {
  get(r, t.name);
  get(r, t.schema);
  get(r, t.mods);
  get(r, t.array_dims);
  get(r, t.display);
}

void put(ByteWriter& w, const Column& c) {
  put(w, c.name);
  put(w, c.type);
  put(w, c.not_null);
  put(w, c.has_default);
  put(w, c.identity);
  put(w, c.generated);
  put(w, c.generated_virtual);
  put(w, c.default_expr);
  put(w, c.identity_kind);
  put(w, c.generated_expr);
  put(w, c.collation);
  put(w, c.type_known);
}
void get(ByteReader& r, Column& c) {
  get(r, c.name);
  get(r, c.type);
  get(r, c.not_null);
  get(r, c.has_default);
  get(r, c.identity);
  get(r, c.generated);
  get(r, c.generated_virtual);
  get(r, c.default_expr);
  get(r, c.identity_kind);
  get(r, c.generated_expr);
  get(r, c.collation);
  get(r, c.type_known);
}

void put(ByteWriter& w, const Constraint& c) {
  put(w, c.name);
  w.u8(static_cast<uint8_t>(c.kind));
  put(w, c.columns);
  put(w, c.ref_table);
  put(w, c.ref_columns);
  put(w, c.validated);
  put(w, c.source);
  put(w, c.expr);
  put(w, c.on_delete);
  put(w, c.on_update);
  put(w, c.deferrable);
}
void get(ByteReader& r, Constraint& c) {
  get(r, c.name);
  uint8_t kind = r.u8();
  if (kind > static_cast<uint8_t>(ConstraintKind::NotNull)) r.fail();
  c.kind = static_cast<ConstraintKind>(kind);
  get(r, c.columns);
  get(r, c.ref_table);
  get(r, c.ref_columns);
  get(r, c.validated);
  get(r, c.source);
  get(r, c.expr);
  get(r, c.on_delete);
  get(r, c.on_update);
  get(r, c.deferrable);
}

void put(ByteWriter& w, const Index& ix) {
  put(w, ix.name);
  put(w, ix.table);
  put(w, ix.columns);
  put(w, ix.unique);
  put(w, ix.primary);
  put(w, ix.partial);
  put(w, ix.valid);
  put(w, ix.source);
  put(w, ix.keys);
  put(w, ix.predicate);
  put(w, ix.method);
  put(w, ix.include);
  put(w, ix.constraint);
  put(w, ix.concurrently);
}
void get(ByteReader& r, Index& ix) {
  get(r, ix.name);
  get(r, ix.table);
  get(r, ix.columns);
  get(r, ix.unique);
  get(r, ix.primary);
  get(r, ix.partial);
  get(r, ix.valid);
  get(r, ix.source);
  get(r, ix.keys);
  get(r, ix.predicate);
  get(r, ix.method);
  get(r, ix.include);
  get(r, ix.constraint);
  get(r, ix.concurrently);
}

void put(ByteWriter& w, const Policy& p) {
  put(w, p.name);
  put(w, p.command);
  put(w, p.permissive);
  put(w, p.roles);
  put(w, p.using_expr);
  put(w, p.check_expr);
  put(w, p.using_true);
  put(w, p.check_true);
  put(w, p.source);
}
void get(ByteReader& r, Policy& p) {
  get(r, p.name);
  get(r, p.command);
  get(r, p.permissive);
  get(r, p.roles);
  get(r, p.using_expr);
  get(r, p.check_expr);
  get(r, p.using_true);
  get(r, p.check_true);
  get(r, p.source);
}

void put(ByteWriter& w, const Table& t) {
  put(w, t.schema);
  put(w, t.name);
  put(w, t.columns);
  put(w, t.constraints);
  put(w, t.partitioned);
  put(w, t.unlogged);
  put(w, t.rls_enabled);
  put(w, t.rls_forced);
  put(w, t.created);
  put(w, t.known);
  put(w, t.columns_known);
  put(w, t.rls_known);
  put(w, t.partition_of);
  put(w, t.inherits);
  put(w, t.policies);
  put(w, t.grants);
  put(w, t.rls_changed);
}
void get(ByteReader& r, Table& t) {
  get(r, t.schema);
  get(r, t.name);
  get(r, t.columns);
  get(r, t.constraints);
  get(r, t.partitioned);
  get(r, t.unlogged);
  get(r, t.rls_enabled);
  get(r, t.rls_forced);
  get(r, t.created);
  get(r, t.known);
  get(r, t.columns_known);
  get(r, t.rls_known);
  get(r, t.partition_of);
  get(r, t.inherits);
  get(r, t.policies);
  get(r, t.grants);
  get(r, t.rls_changed);
}

void put(ByteWriter& w, const View& v) {
  put(w, v.schema);
  put(w, v.name);
  put(w, v.materialized);
  put(w, v.security_invoker);
  put(w, v.security_barrier);
  put(w, v.check_option);
  put(w, v.columns);
  put(w, v.created);
}
void get(ByteReader& r, View& v) {
  get(r, v.schema);
  get(r, v.name);
  get(r, v.materialized);
  get(r, v.security_invoker);
  get(r, v.security_barrier);
  get(r, v.check_option);
  get(r, v.columns);
  get(r, v.created);
}

void put(ByteWriter& w, const Function& f) {
  put(w, f.schema);
  put(w, f.name);
  put(w, f.arg_types);
  put(w, f.procedure);
  put(w, f.security_definer);
  put(w, f.sets_search_path);
  put(w, f.search_path);
  put(w, f.language);
  put(w, f.returns);
  put(w, f.created);
}
void get(ByteReader& r, Function& f) {
  get(r, f.schema);
  get(r, f.name);
  get(r, f.arg_types);
  get(r, f.procedure);
  get(r, f.security_definer);
  get(r, f.sets_search_path);
  get(r, f.search_path);
  get(r, f.language);
  get(r, f.returns);
  get(r, f.created);
}

void put(ByteWriter& w, const UserType& t) {
  put(w, t.schema);
  put(w, t.name);
  w.u8(static_cast<uint8_t>(t.kind));
  put(w, t.labels);
  put(w, t.base);
  put(w, t.not_null);
  put(w, t.checks);
  put(w, t.attributes);
  put(w, t.created);
}
void get(ByteReader& r, UserType& t) {
  get(r, t.schema);
  get(r, t.name);
  uint8_t kind = r.u8();
  if (kind > static_cast<uint8_t>(UserTypeKind::Other)) r.fail();
  t.kind = static_cast<UserTypeKind>(kind);
  get(r, t.labels);
  get(r, t.base);
  get(r, t.not_null);
  get(r, t.checks);
  get(r, t.attributes);
  get(r, t.created);
}

void put(ByteWriter& w, const Schema& s) {
  put(w, s.name);
  put(w, s.created);
}
void get(ByteReader& r, Schema& s) {
  get(r, s.name);
  get(r, s.created);
}

}  // namespace

class CatalogCodec {
 public:
  static void encode(ByteWriter& w, const Catalog& c) {
    put(w, c.tables_);
    put(w, c.indexes_.by_name_);
    put(w, c.indexes_.removed_);
    put(w, c.views_);
    put(w, c.functions_);
    put(w, c.types_);
    put(w, c.schemas_);
    put(w, c.default_privileges_);
    put(w, c.tables_removed_);
    // name_hints_ is a lookup cache that never changes a result: a fresh catalog rebuilds it.
  }
  static bool decode(ByteReader& r, Catalog& c) {
    c = Catalog{};
    get(r, c.tables_);
    std::map<std::string, Index> indexes;
    get(r, indexes);
    // Through put, so the by-table and by-shape lookups are rebuilt with the names.
    for (auto& [name, ix] : indexes) {
      if (ix.name != name) r.fail();
      if (!r.ok()) break;
      c.indexes_.put(std::move(ix));
    }
    get(r, c.indexes_.removed_);
    get(r, c.views_);
    get(r, c.functions_);
    get(r, c.types_);
    get(r, c.schemas_);
    get(r, c.default_privileges_);
    get(r, c.tables_removed_);
    return r.ok();
  }
};

void encode_catalog(ByteWriter& w, const Catalog& catalog) { CatalogCodec::encode(w, catalog); }
bool decode_catalog(ByteReader& r, Catalog& out) { return CatalogCodec::decode(r, out); }

void encode_file_state(ByteWriter& w, const FileState& s) {
  put(w, s.wrapped_by_applier);
  put(w, s.in_explicit_transaction);
  put(w, s.explicit_transaction_depth);
  put(w, s.lock_timeout_set);
  put(w, s.statement_timeout_set);
  put(w, s.tables_created_in_file);
  put(w, s.tables_created_in_transaction);
  put(w, s.access_exclusive_in_transaction);
  put(w, s.not_valid_constraints_in_transaction);
  put(w, s.columns_added_in_file);
  put(w, s.indexes_created_in_file);
  put(w, s.renamed_to_in_file);
  put(w, s.tables_emptied_in_transaction);
  put(w, s.column_types_changed_in_file);
  put(w, s.columns_dropped_in_file);
  put(w, s.not_null_set_in_file);
  put(w, s.reverts_up);
  put(w, s.statements_seen);
}

bool decode_file_state(ByteReader& r, FileState& s) {
  s = FileState{};
  get(r, s.wrapped_by_applier);
  get(r, s.in_explicit_transaction);
  get(r, s.explicit_transaction_depth);
  get(r, s.lock_timeout_set);
  get(r, s.statement_timeout_set);
  get(r, s.tables_created_in_file);
  get(r, s.tables_created_in_transaction);
  get(r, s.access_exclusive_in_transaction);
  get(r, s.not_valid_constraints_in_transaction);
  get(r, s.columns_added_in_file);
  get(r, s.indexes_created_in_file);
  get(r, s.renamed_to_in_file);
  get(r, s.tables_emptied_in_transaction);
  get(r, s.column_types_changed_in_file);
  get(r, s.columns_dropped_in_file);
  get(r, s.not_null_set_in_file);
  get(r, s.reverts_up);
  get(r, s.statements_seen);
  return r.ok();
}

}  // namespace pgsafe
