// table-without-primary-key: at the end of the set, a table the set created has no primary key.
#include "analyzer/rule.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "table-without-primary-key",
    .category = "schema",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A table without a primary key.",
    .rationale =
        "Without a primary key rows cannot be addressed reliably: logical replication cannot replicate "
        "UPDATE and DELETE (no replica identity), ORMs and APIs that update by key misbehave, duplicates creep "
        "in, and adding a key later to a large table takes an ACCESS EXCLUSIVE lock while the unique index is "
        "built. pgsafe checks at the end of the migration set, so a key added by a later migration counts; "
        "partitions are judged through their parent.",
    .help = "Declare a primary key when the table is created, e.g. an identity column; on an existing large "
            "table build the unique index CONCURRENTLY first, then attach it with ADD PRIMARY KEY USING INDEX.",
    .bad_example = "CREATE TABLE audit_log (at timestamptz NOT NULL, message text);",
    .good_example = "CREATE TABLE audit_log (\n"
                    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
                    "  at timestamptz NOT NULL,\n"
                    "  message text\n"
                    ");",
};

class TableWithoutPrimaryKey final : public Rule {
 public:
  void finish_set(const SetContext& ctx, Findings& out) override {
    for (const auto& [key, t] : ctx.catalog.tables()) {
      // Unknown tables, partitions (their parent carries the key) and tables whose definition
      // came from a source pgsafe cannot see (LIKE/INHERITS of an unknown table) are not judged.
      if (!t.known || !t.columns_known || !t.partition_of.empty() || t.created.file < 0) continue;
      if (t.primary_key()) continue;
      Finding f;
      f.file = t.created.file;
      f.begin = t.created.begin;
      f.end = t.created.end;
      f.message = "table " + quote_qualified(t.qualified()) + " has no primary key by the end of the migrations";
      f.help = "Add one, e.g.:\n  ALTER TABLE " + quote_qualified(t.qualified()) +
               " ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;\n"
               "or, for existing columns on a large table: CREATE UNIQUE INDEX CONCURRENTLY ... then "
               "ALTER TABLE ... ADD PRIMARY KEY USING INDEX ...;";
      out.add(std::move(f));
    }
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(table_without_primary_key, kMeta, TableWithoutPrimaryKey)
