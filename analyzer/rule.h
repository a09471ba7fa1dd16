#pragma once
// The rule interface. The engine walks each statement once and calls only the rules subscribed
// to that statement's kind; file- and set-level rules get finish hooks. Rules read context and
// never own it: the statement, the migration state and the catalog before it, the settings and
// their own options.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/catalog.h"
#include "analyzer/diagnostic.h"
#include "analyzer/file_state.h"
#include "analyzer/migration_set.h"
#include "analyzer/rule_meta.h"
#include "analyzer/settings.h"
#include "parser/parser.h"
#include "parser/source_text.h"
#include "parser/tree.h"

namespace pgsafe {

// A fix expressed in file byte offsets; the engine turns it into ranges.
struct FixEdit {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string new_text;
};
struct FixSpec {
  std::string description;
  bool safe = true;
  std::vector<FixEdit> edits;
};

struct Finding {
  uint32_t begin = 0;     // byte range in the file
  uint32_t end = 0;
  std::string message;
  std::string help;       // specific help; the rule's help is used when empty
  std::optional<FixSpec> fix;
  int file = -1;          // set-level findings name their file (index into the set)
  // A rule whose findings differ in gravity (e.g. a rewrite vs. possible data loss) sets it;
  // a severity configured for the rule still wins.
  std::optional<Severity> severity = std::nullopt;
};

class Findings {
 public:
  void add(Finding f) { items_.push_back(std::move(f)); }
  std::vector<Finding>& items() { return items_; }

 private:
  std::vector<Finding> items_;
};

// Everything a rule may read about one statement.
struct StatementContext {
  const MigrationFile& file;
  const SourceText& source;
  const parser::ParsedFile& parsed;
  const parser::Statement& stmt;
  size_t index;                       // position in parsed.statements()
  const FileState& state;             // before this statement
  const Catalog& catalog;             // before this statement
  const Settings& settings;
  const nlohmann::json& options;      // this rule's [rules.<id>] table (an object, maybe empty)

  const pg_query::Node& node() const { return *stmt.node; }
  // File offset of a parse location inside this statement (-1 -> statement start).
  uint32_t offset(int location) const {
    return location < 0 ? stmt.begin : stmt.base + static_cast<uint32_t>(location);
  }
  // A finding spanning the whole statement.
  Finding at_statement(std::string message, std::string help = {}) const {
    return Finding{stmt.begin, stmt.end, std::move(message), std::move(help), std::nullopt, -1};
  }
  // A finding starting at a node's location (when the tree has one) and running to the end of
  // the statement's current line, or the statement's end.
  Finding at_location(int location, std::string message, std::string help = {}) const;
  // Whether the table "schema.name" was created earlier in this file or this transaction.
  // Whether column `column` of table "schema.name" is new: its table is, or it was added
  // earlier in this file (no running code reads it, no rows depend on it yet).
  bool column_is_new(const std::string& qualified, const std::string& column) const {
    return table_is_new(qualified) || state.columns_added_in_file.count(qualified + "." + column) > 0;
  }
  bool table_is_new(const std::string& qualified) const {
    return state.tables_created_in_file.count(qualified) || state.tables_created_in_transaction.count(qualified);
  }
  // Whether index "schema.name" was created earlier in this file (or by the up file a down file reverts).
  bool index_is_new(const std::string& qualified) const { return state.indexes_created_in_file.count(qualified) > 0; }
  // Whether this file (or the up file a down file reverts) gave the name by renaming:
  // kind "table" with "schema.name", or "column" with "schema.table.column".
  bool renamed_here(std::string_view kind, const std::string& name) const {
    return state.renamed_to_in_file.count(std::string(kind) + ":" + name) > 0;
  }
};

struct FileContext {
  const MigrationFile& file;
  const SourceText& source;
  const parser::ParsedFile& parsed;
  const FileState& state;             // at the end of the file
  const Catalog& catalog;             // after the file
  const Settings& settings;
  const nlohmann::json& options;
};

struct SetContext {
  const MigrationSet& set;
  const Catalog& catalog;             // at the end of the set
  const Settings& settings;
  const nlohmann::json& options;
};

// One ignore comment as found in a file, and whether it suppressed anything.
struct IgnoreComment {
  std::vector<std::string> rules;
  std::string reason;
  bool whole_file = false;
  uint32_t begin = 0, end = 0;        // the comment's bytes
  int statement = -1;                 // the statement it precedes (line ignores)
  std::vector<bool> used;             // per entry in rules
  std::vector<bool> known;            // per entry: a registered rule id
  bool malformed = false;             // no reason given, or no rule named
  std::string problem;
};

struct SuppressionContext {
  const MigrationFile& file;
  const SourceText& source;
  const std::vector<IgnoreComment>& ignores;
};

// Pseudo statement kinds a rule may subscribe to besides pg_query::Node::NodeCase values.
inline constexpr int kUnparsedStatement = 0;  // statements that failed to parse (NODE_NOT_SET)
inline constexpr int kAnyStatement = -1;      // every parsed statement

class Rule {
 public:
  virtual ~Rule() = default;
  // Node kinds (pg_query::Node::NodeCase values, or the pseudo kinds above) this rule checks.
  virtual std::vector<int> subscriptions() const { return {}; }
  virtual void check(const StatementContext& ctx, Findings& out) {}
  virtual void finish_file(const FileContext& ctx, Findings& out) {}
  virtual void finish_set(const SetContext& ctx, Findings& out) {}
  // Called once per file after suppressions were matched (for unused-ignore).
  virtual void check_suppressions(const SuppressionContext& ctx, Findings& out) {}
};

using RuleFactory = std::unique_ptr<Rule> (*)();

struct RuleDef {
  const RuleMeta& meta;
  RuleFactory make;
  const char* symbol;  // the rules.def name: id with '-' as '_'
};

}  // namespace pgsafe

// Used once at the bottom of each rule file: PGSAFE_DEFINE_RULE(ban_drop_table, kMeta, BanDropTable)
#define PGSAFE_DEFINE_RULE(symbol, meta, cls)                                                   \
  namespace pgsafe::rules {                                                                     \
  extern const ::pgsafe::RuleDef symbol##_def;                                                  \
  const ::pgsafe::RuleDef symbol##_def{meta, []() -> std::unique_ptr<::pgsafe::Rule> {           \
                                         return std::make_unique<cls>();                        \
                                       },                                                       \
                                       #symbol};                                                \
  }
