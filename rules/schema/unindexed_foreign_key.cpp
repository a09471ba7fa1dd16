// unindexed-foreign-key: at the end of the set, a foreign key no index can serve.
#include <map>

#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "unindexed-foreign-key",
    .category = "schema",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A foreign key whose columns do not lead any index on the referencing table.",
    .rationale =
        "PostgreSQL indexes the referenced side of a foreign key (it must be a primary key or unique), but not "
        "the referencing side. Every DELETE or key UPDATE on the parent table then scans the whole child table "
        "to find dependent rows, under the parent's lock, and joins from parent to children cannot use an "
        "index. pgsafe checks at the end of the migration set, so an index added by a later migration counts; "
        "an index counts when the foreign key's columns are its leading columns, in order (a primary key or "
        "unique constraint counts, a partial index does not).",
    .help = "Add an index whose leading columns are the foreign key's columns. On a table that already holds "
            "data, build it with CREATE INDEX CONCURRENTLY (outside a transaction) so writes are not blocked.",
    .bad_example = "CREATE TABLE authors (id bigint PRIMARY KEY);\n"
                   "CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors (id));",
    .good_example = "CREATE TABLE authors (id bigint PRIMARY KEY);\n"
                    "CREATE TABLE books (id bigint PRIMARY KEY, author_id bigint REFERENCES authors (id));\n"
                    "CREATE INDEX books_author_id_idx ON books (author_id);",
};

bool leads(const std::vector<std::string>& index_cols, const std::vector<std::string>& fk_cols) {
  if (fk_cols.empty() || index_cols.size() < fk_cols.size()) return false;
  for (size_t i = 0; i < fk_cols.size(); ++i)
    if (index_cols[i] != fk_cols[i]) return false;
  return true;
}

class UnindexedForeignKey final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    // One pass over the indexes, not one per foreign key: sets replay thousands of tables.
    std::map<std::string, std::vector<const Index*>> by_table;
    for (const auto& [key, ix] : ctx.catalog.indexes())
      if (ix.valid && !ix.partial) by_table[ix.table].push_back(&ix);
    for (const auto& [key, t] : ctx.catalog.tables()) {
      if (!t.known) continue;  // indexes of a table from outside the set are unknown
      for (const auto& k : t.constraints) {
        if (k.kind != ConstraintKind::ForeignKey || k.columns.empty() || k.source.file < 0) continue;
        bool covered = false;
        for (const std::string& owner : {t.qualified(), t.partition_of}) {
          auto it = by_table.find(owner);
          if (it == by_table.end()) continue;
          for (const Index* ix : it->second) covered = covered || leads(ix->columns, k.columns);
        }
        if (covered) continue;
        std::string cols, name = t.name;
        for (const auto& c : k.columns) {
          cols += (cols.empty() ? "" : ", ") + quote_ident(c);
          name += "_" + c;
        }
        Finding f;
        f.file = k.source.file;
        f.begin = k.source.begin;
        f.end = k.source.end;
        f.message = "foreign key " + quote_ident(k.name) + " on " + quote_qualified(t.qualified()) + " (" + cols +
                    ") has no index leading with its columns: deletes and key updates on " +
                    quote_qualified(k.ref_table) + " scan the whole table";
        f.help = "Index the referencing columns (CONCURRENTLY, outside a transaction, if the table already has rows):\n"
                 "  CREATE INDEX CONCURRENTLY " + quote_ident(name + "_idx") + " ON " + quote_qualified(t.qualified()) +
                 " (" + cols + ");";
        out.add(std::move(f));
      }
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(unindexed_foreign_key, kMeta, UnindexedForeignKey)
