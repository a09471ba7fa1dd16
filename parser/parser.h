#pragma once
// The only door to libpg_query. A file is scanned once (tokens and comments), parsed as a whole
// on the fast path, and — when that fails — split with the scanner and parsed statement by
// statement, so one syntax error costs one statement, not the file. DDL inside DO blocks is
// parsed with the PL/pgSQL parser and surfaced as statements of their own.
#include <cstdint>
#include <map>
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

// An optional value kept on the heap, with std::optional's interface: a pointer's size in the
// statement, which almost never has one (a file of a million statements keeps a million of them).
template <typename T>
class BoxedOptional {
 public:
  BoxedOptional() = default;
  BoxedOptional(std::nullopt_t) {}
  BoxedOptional(T value) : p_(std::make_unique<T>(std::move(value))) {}
  BoxedOptional(std::optional<T> value) {
    if (value) p_ = std::make_unique<T>(std::move(*value));
  }
  BoxedOptional(const BoxedOptional& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  BoxedOptional(BoxedOptional&&) noexcept = default;
  BoxedOptional& operator=(const BoxedOptional& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  BoxedOptional& operator=(BoxedOptional&&) noexcept = default;

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

struct Statement {
  const pg_query::Node* node = nullptr;  // the statement's tree; null when it failed to parse
  uint32_t base = 0;   // add to node locations to get file byte offsets
  uint32_t begin = 0;  // first byte of the statement's first token
  uint32_t end = 0;    // one past its last byte (the ';' excluded)
  int32_t parent : 31 = -1;  // index of the enclosing DO statement for statements found inside one
  bool conditional : 1 = false;  // inside IF/CASE/LOOP/exception handling of a DO block
  BoxedOptional<SyntaxError> error;
  // For a DO statement whose PL/pgSQL body could not be parsed: why (its statements are unseen).
  BoxedOptional<SyntaxError> body_error;
};

struct ParseLimits {
  // Protobuf nesting allowed when reading a tree; deeper statements are reported, not analysed.
  int max_tree_depth = 3000;
  // When set, a text larger than four times this is parsed in windows of about this many bytes
  // (cut after a statement's ';'), so parsing never holds more than one window's trees and the
  // parser's own memory; see ParsedFile::windowed(). 0: the whole text at once.
  size_t window_bytes = 0;
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

  // Indexes of the statements of one kind (a pg_query::Node::NodeCase), in order. Rules that look
  // ahead or back in the file for statements of some kind read these, so a file of n statements
  // costs them n steps, not n squared. In a windowed parse only the kinds kept across windows
  // (see below) are listed.
  const std::vector<uint32_t>& statements_of_kind(int node_case) const;
  // The first index in statements_of_kind(node_case) of a statement after `statement`.
  size_t first_of_kind_after(int node_case, size_t statement) const;

  // A large text parsed in windows (ParseLimits::window_bytes): statements() lists every
  // statement of the file with its span, parent and errors, but a statement carries its tree
  // (node) only while its window is the current one, so memory holds one window's trees however
  // large the file. Outside it a statement's node is null, except for the kinds rules look for
  // across statements (retained_across_windows in parser/windowed.cpp: CREATE TABLE [AS], CREATE
  // VIEW, INSERT ... SELECT, ALTER TABLE, RENAME, transaction control, CREATE SCHEMA/DATABASE),
  // whose trees are kept; a rule that starts looking for another kind must add it there.
  // tokens() are those of the current window. Statements are visited in order with
  // enter_window(i) before statement i is read; a text parsed whole has one window, always current.
  bool windowed() const { return !windows_.empty(); }
  void enter_window(size_t statement);

 private:
  friend ParsedFile parse_sql(std::string_view text, const ParseLimits& limits);
  friend ParsedFile parse_windowed(std::string_view text, const ParseLimits& limits);
  friend class FileParser;
  struct Window {
    uint32_t begin = 0, end = 0;   // its bytes in the text
    uint32_t first = 0, count = 0; // its statements
  };
  void scan_window_tokens() const;
  void index_kinds();
  std::map<int, std::vector<uint32_t>> by_kind_;  // node case -> statement indexes
  std::unique_ptr<google::protobuf::Arena> arena_;
  std::vector<Statement> statements_;
  std::vector<Comment> comments_;
  std::string text_;                       // the parsed text (what offsets refer to)
  mutable std::vector<Token> tokens_;
  mutable bool tokens_scanned_ = false;
  // Windowed parses only.
  std::vector<Window> windows_;
  size_t current_window_ = static_cast<size_t>(-1);
  std::unique_ptr<ParsedFile> window_;     // the current window, parsed on its own
  std::vector<std::pair<uint32_t, const pg_query::Node*>> retained_;  // statement -> tree kept in arena_
  ParseLimits limits_;
};

// The parse of a text in windows (see ParsedFile::windowed); parse_sql calls it for large texts
// when ParseLimits::window_bytes asks.
ParsedFile parse_windowed(std::string_view text, const ParseLimits& limits);

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
