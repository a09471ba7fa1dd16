#pragma once
// The only door to libpg_query. A file is scanned once (tokens and comments), parsed as a whole
// on the fast path, and — when that fails — split with the scanner and parsed statement by
// statement, so one syntax error costs one statement, not the file. DDL inside DO blocks is
// parsed with the PL/pgSQL parser and surfaced as statements of their own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf { class Arena; }
namespace pg_query { class Node; }

namespace pgsafe::parser {

struct Token {
  uint32_t begin = 0;
  uint32_t end = 0;   // exclusive
  int32_t kind = 0;   // pg_query::Token value
  bool keyword = false;
};

struct Comment {
  uint32_t begin = 0;
  uint32_t end = 0;   // exclusive
  bool block = false; // /* ... */ rather than -- ...
};

struct SyntaxError {
  uint32_t offset = 0;  // absolute byte offset of the error
  std::string message;
};

struct Statement {
  const pg_query::Node* node = nullptr;  // the statement's tree; null when it failed to parse
  uint32_t base = 0;   // add to node locations to get file byte offsets
  uint32_t begin = 0;  // first byte of the statement's first token
  uint32_t end = 0;    // one past its last byte (the ';' excluded)
  int parent = -1;     // index of the enclosing DO statement for statements found inside one
  bool conditional = false;  // inside IF/CASE/LOOP/exception handling of a DO block
  std::optional<SyntaxError> error;
  // For a DO statement whose PL/pgSQL body could not be parsed: why (its statements are unseen).
  std::optional<SyntaxError> body_error;
};

struct ParseLimits {
  // Protobuf nesting allowed when reading a tree; deeper statements are reported, not analysed.
  int max_tree_depth = 3000;
};

class ParsedFile {
 public:
  ParsedFile();
  ~ParsedFile();
  ParsedFile(ParsedFile&&) noexcept;
  ParsedFile& operator=(ParsedFile&&) noexcept;

  const std::vector<Statement>& statements() const { return statements_; }
  const std::vector<Comment>& comments() const { return comments_; }
  // The scanner's tokens (comments excluded), computed on first use: the fast path does not
  // need them.
  const std::vector<Token>& tokens() const;

  // Index of the first token starting at or after offset.
  size_t token_at_or_after(uint32_t offset) const;

 private:
  friend ParsedFile parse_sql(std::string_view text, const ParseLimits& limits);
  friend class FileParser;
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::vector<Statement> statements_;
  std::vector<Comment> comments_;
  std::string text_;                       // the parsed text (what offsets refer to)
  mutable std::vector<Token> tokens_;
  mutable bool tokens_scanned_ = false;
};

ParsedFile parse_sql(std::string_view text, const ParseLimits& limits = {});

// Comments as libpg_query's scanner sees them (empty when the text does not scan). The fast path
// finds comments with the project's own lexer; tests hold the two to the same answer.
std::vector<Comment> scanner_comments(std::string_view text);

// Parse text with libpg_query only, as little as it takes to get every statement's tree (the
// whole text, or statement by statement when that fails): what the benchmark compares against.
bool bare_parse(std::string_view text);

// libpg_query's Postgres grammar version, e.g. "15.1".
const char* postgres_grammar_version();

}  // namespace pgsafe::parser
