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
// Enums as one byte; a value past the last enumerator is a corrupt file.
template <typename E, E kLast>
void put_enum(ByteWriter& w, E e) { w.u8(static_cast<uint8_t>(e)); }
template <typename E, E kLast>
void get_enum(ByteReader& r, E& e) {
  uint8_t v = r.u8();
  if (v > static_cast<uint8_t>(kLast)) r.fail();
  e = static_cast<E>(v);
}
void put(ByteWriter& w, ConstraintKind k) { put_enum<ConstraintKind, ConstraintKind::NotNull>(w, k); }
void get(ByteReader& r, ConstraintKind& k) { get_enum<ConstraintKind, ConstraintKind::NotNull>(r, k); }
void put(ByteWriter& w, UserTypeKind k) { put_enum<UserTypeKind, UserTypeKind::Other>(w, k); }
void get(ByteReader& r, UserTypeKind& k) { get_enum<UserTypeKind, UserTypeKind::Other>(r, k); }

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
PGSAFE_CODEC_DECLARE(Extension)
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

// Each struct's fields are listed once (PGSAFE_CODEC_FIELDS) and written or read in that order.
struct Writer {
  ByteWriter& w;
  template <typename... A>
  void operator()(const A&... a) const { (put(w, a), ...); }
};
struct Reader {
  ByteReader& r;
  template <typename... A>
  void operator()(A&... a) const { (get(r, a), ...); }
};
#define PGSAFE_CODEC_FIELDS(T, ...)                                  \
  void put(ByteWriter& w, const T& x) { Writer{w}(__VA_ARGS__); } \
  void get(ByteReader& r, T& x) { Reader{r}(__VA_ARGS__); }

PGSAFE_CODEC_FIELDS(ColumnType, x.name, x.schema, x.mods, x.array_dims, x.display)

PGSAFE_CODEC_FIELDS(Column, x.name, x.type, x.not_null, x.has_default, x.identity, x.generated,
                    x.generated_virtual, x.default_expr, x.identity_kind, x.generated_expr, x.collation,
                    x.type_known)

PGSAFE_CODEC_FIELDS(Constraint, x.name, x.kind, x.columns, x.ref_table, x.ref_columns, x.validated, x.source,
                    x.expr, x.on_delete, x.on_update, x.deferrable)

PGSAFE_CODEC_FIELDS(Index, x.name, x.table, x.columns, x.unique, x.primary, x.partial, x.valid, x.source, x.keys,
                    x.predicate, x.method, x.include, x.constraint, x.concurrently)

PGSAFE_CODEC_FIELDS(Policy, x.name, x.command, x.permissive, x.roles, x.using_expr, x.check_expr,
                    x.using_true, x.check_true, x.source)

PGSAFE_CODEC_FIELDS(Table, x.schema, x.name, x.columns, x.constraints, x.partitioned, x.unlogged,
                    x.rls_enabled, x.rls_forced, x.created, x.known, x.columns_known, x.rls_known,
                    x.partition_of, x.inherits, x.policies, x.grants, x.rls_changed)

PGSAFE_CODEC_FIELDS(View, x.schema, x.name, x.materialized, x.security_invoker, x.security_barrier,
                    x.check_option, x.columns, x.created)

PGSAFE_CODEC_FIELDS(Function, x.schema, x.name, x.arg_types, x.procedure, x.security_definer,
                    x.sets_search_path, x.search_path, x.language, x.returns, x.volatility, x.created)

PGSAFE_CODEC_FIELDS(UserType, x.schema, x.name, x.kind, x.labels, x.base, x.not_null, x.checks, x.attributes,
                    x.created)

PGSAFE_CODEC_FIELDS(Schema, x.name, x.created)

PGSAFE_CODEC_FIELDS(Extension, x.name, x.schema, x.created)

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
    put(w, c.extensions_);
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
    get(r, c.extensions_);
    get(r, c.default_privileges_);
    get(r, c.tables_removed_);
    return r.ok();
  }
};

void encode_catalog(ByteWriter& w, const Catalog& catalog) { CatalogCodec::encode(w, catalog); }
bool decode_catalog(ByteReader& r, Catalog& out) { return CatalogCodec::decode(r, out); }

// FileState's fields, in one list for both directions.
template <typename Io, typename S>
void file_state_fields(Io&& io, S& x) {
  io(x.wrapped_by_applier,
     x.in_explicit_transaction,
     x.explicit_transaction_depth,
     x.lock_timeout_set,
     x.statement_timeout_set,
     x.tables_created_in_file,
     x.tables_created_in_transaction,
     x.access_exclusive_in_transaction,
     x.not_valid_constraints_in_transaction,
     x.columns_added_in_file,
     x.indexes_created_in_file,
     x.renamed_to_in_file,
     x.tables_emptied_in_transaction,
     x.column_types_changed_in_file,
     x.columns_dropped_in_file,
     x.not_null_set_in_file,
     x.reverts_up,
     x.statements_seen);
}

void encode_file_state(ByteWriter& w, const FileState& s) { file_state_fields(Writer{w}, s); }

bool decode_file_state(ByteReader& r, FileState& s) {
  s = FileState{};
  file_state_fields(Reader{r}, s);
  return r.ok();
}

}  // namespace pgsafe
