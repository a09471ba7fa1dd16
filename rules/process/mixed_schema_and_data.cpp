// mixed-schema-and-data: one migration that changes the schema and also rewrites data.
#include <optional>
#include <set>

#include "analyzer/rule.h"
#include "rules/support/dml.h"
#include "rules/support/identifiers.h"
#include "rules/support/words.h"

namespace pgsafe::rules {
namespace {

const RuleMeta kMeta{
    .id = "mixed-schema-and-data",
    .category = "process",
    .default_severity = Severity::Warning,
    .enabled_by_default = true,
    .summary = "A migration that mixes schema changes with INSERT/UPDATE/DELETE.",
    .rationale =
        "Schema migrations are short and take locks; data migrations touch many rows and can run for "
        "minutes. In one file (one transaction) the locks taken by the DDL are held for as long as the "
        "data change runs, a failing UPDATE rolls back the schema change with it, and the data change "
        "cannot be re-run, batched or skipped on its own. Teams that keep the two apart also review "
        "them differently. Reported once per file, at the first data statement, naming the first "
        "schema change it is mixed with.\n\n"
        "Counted as data: INSERT, UPDATE, DELETE, MERGE, TRUNCATE, COPY ... FROM, and a SELECT whose "
        "WITH clause modifies data; statements inside DO blocks count too. Not counted: data statements "
        "whose target table was created earlier in the same file (seeding a new lookup table holds no "
        "lock anyone waits for and belongs with its CREATE). CREATE TABLE ... AS and SELECT INTO count "
        "as schema changes only: the rows they copy go into a table the same statement creates. GRANT, "
        "COMMENT, SET and transaction control are neither.",
    .help = "Move the data change into its own migration that runs after the schema migration (for large "
            "tables, update in batches of a few thousand rows and commit between batches). If the two "
            "really must be atomic, keep them together and say so: "
            "`-- pgsafe-ignore-file mixed-schema-and-data: <why>`.",
    .bad_example = "ALTER TABLE users ADD COLUMN display_name text;\n"
                   "UPDATE users SET display_name = first_name || ' ' || last_name;",
    .good_example = "-- migrations/20240101000000_add_display_name.sql\n"
                    "ALTER TABLE users ADD COLUMN display_name text;\n"
                    "-- migrations/20240101000100_backfill_display_name.sql\n"
                    "UPDATE users SET display_name = first_name || ' ' || last_name;",
};

struct Seen {
  uint32_t begin = 0, end = 0;
  std::string what;
};

bool is_schema_change(const pg_query::Node& n) {
  using N = pg_query::Node;
  switch (n.node_case()) {
    case N::kIndexStmt: case N::kRenameStmt: case N::kViewStmt: case N::kCompositeTypeStmt: case N::kRuleStmt:
    case N::kDefineStmt: case N::kReindexStmt: case N::kClusterStmt:
      return true;
    default: break;
  }
  std::string_view name = tree::node_type_name(n);
  if (name.empty()) return false;
  bool ddl_prefix = name.rfind("Create", 0) == 0 || name.rfind("Alter", 0) == 0 || name.rfind("Drop", 0) == 0;
  // CREATE/ALTER/DROP ROLE, DATABASE, USER MAPPING ... are about the cluster, not this schema; still DDL.
  return ddl_prefix && name.size() > 4 && name.compare(name.size() - 4, 4, "Stmt") == 0;
}

class MixedSchemaAndData final : public Rule {
 public:
  std::vector<int> subscriptions() const override { return {kAnyStatement}; }

  void check(const StatementContext& ctx, Findings& out) override {
    if (ctx.file.index != file_) {
      file_ = ctx.file.index;
      ddl_.reset();
      data_.reset();
    }
    const auto& n = ctx.node();
    // SELECT ... INTO creates a table: a schema change (the raw parse tree keeps it a SELECT).
    if (n.has_select_stmt() && n.select_stmt().has_into_clause() && n.select_stmt().into_clause().has_rel()) {
      if (!ddl_) ddl_ = Seen{ctx.stmt.begin, ctx.stmt.end, "SELECT INTO " + sql_name(n.select_stmt().into_clause().rel())};
      return;
    }
    if (is_schema_change(n)) {
      if (!ddl_) ddl_ = Seen{ctx.stmt.begin, ctx.stmt.end, describe_ddl(ctx)};
      return;
    }
    if (data_) return;
    // The table a data statement writes to, and whether that is a table created in this file.
    bool data = false;
    std::string what;
    for_each_executed_statement(n, false, [&](const pg_query::Node& s, bool) {
      const pg_query::RangeVar* target = nullptr;
      switch (s.node_case()) {
        case pg_query::Node::kInsertStmt: target = &s.insert_stmt().relation(); break;
        case pg_query::Node::kUpdateStmt: target = &s.update_stmt().relation(); break;
        case pg_query::Node::kDeleteStmt: target = &s.delete_stmt().relation(); break;
        case pg_query::Node::kMergeStmt: target = &s.merge_stmt().relation(); break;
        case pg_query::Node::kCopyStmt:
          if (s.copy_stmt().is_from() && s.copy_stmt().has_relation()) target = &s.copy_stmt().relation();
          break;
        case pg_query::Node::kTruncateStmt:
          for (const auto& r : s.truncate_stmt().relations())
            if (r.has_range_var() && !new_table(ctx, r.range_var())) {
              if (!data) what = "TRUNCATE " + sql_name(r.range_var());
              data = true;
            }
          return;
        default: return;
      }
      if (target && !new_table(ctx, *target)) {
        if (!data)
          what = std::string(s.has_merge_stmt() ? "MERGE INTO" : s.has_copy_stmt() ? "COPY" : s.has_insert_stmt() ? "INSERT INTO"
                             : s.has_delete_stmt() ? "DELETE FROM" : "UPDATE") + " " + sql_name(*target);
        data = true;
      }
    });
    if (data) data_ = Seen{ctx.stmt.begin, ctx.stmt.end, what};
  }

  void finish_file(const FileContext& ctx, Findings& out) override {
    if (ctx.file.index != file_ || !ddl_ || !data_) return;
    uint32_t line = ctx.source.position(ddl_->begin).line;
    out.add(Finding{data_->begin, data_->end,
                    data_->what + " changes data in a migration that also changes the schema (" + ddl_->what +
                        " at line " + std::to_string(line) + "); keep data changes in their own migration",
                    {}, std::nullopt, -1});
  }

 private:
  int file_ = -2;
  std::optional<Seen> ddl_, data_;

  static bool new_table(const StatementContext& ctx, const pg_query::RangeVar& rv) {
    return ctx.state.created_here(Catalog::qualify(rv.schemaname(), rv.relname()));
  }

  // "ALTER TABLE users", "CREATE INDEX users_email_idx": the kind of statement and its object.
  static std::string describe_ddl(const StatementContext& ctx) {
    const auto& n = ctx.node();
    switch (n.node_case()) {
      case pg_query::Node::kCreateStmt: return "CREATE TABLE " + sql_name(n.create_stmt().relation());
      case pg_query::Node::kAlterTableStmt: return "ALTER TABLE " + sql_name(n.alter_table_stmt().relation());
      case pg_query::Node::kIndexStmt:
        return "CREATE INDEX" + (n.index_stmt().idxname().empty() ? "" : " " + sql_ident(n.index_stmt().idxname()));
      case pg_query::Node::kCreateTableAsStmt:
        if (!n.create_table_as_stmt().has_into()) break;
        return std::string(n.create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW "
                                                                                          : "CREATE TABLE ") +
               sql_name(n.create_table_as_stmt().into().rel()) + " AS";
      default: break;
    }
    std::string kind = tree::statement_kind(n);
    if (kind.size() < 4 || kind.compare(kind.size() - 4, 4, "Stmt") != 0) return kind;
    // Kinds without a name of their own: the first two words as written ("CREATE DOMAIN").
    std::string out;
    for (const auto& w : read_words(ctx.source.text(), ctx.stmt.begin, ctx.stmt.end, 2)) {
      if (w.punct || w.quoted) break;
      std::string up;
      for (char c : w.text) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out += (out.empty() ? "" : " ") + up;
    }
    return out.empty() ? kind : out;
  }
};

}  // namespace
}  // namespace pgsafe::rules

PGSAFE_DEFINE_RULE(mixed_schema_and_data, kMeta, MixedSchemaAndData)
