#include "parser/parser.h"

#include <google/protobuf/arena.h>
#include <google/protobuf/io/coded_stream.h>
#include <pg_query.h>

#include <algorithm>
#include <string>

#include "parser/lexer.h"
#include "parser/plpgsql.h"

namespace pgsafe::parser {

namespace {

// RAII owners for libpg_query results: each is freed exactly once, on every path.
struct ScanResultOwner {
  PgQueryScanResult r;
  explicit ScanResultOwner(const char* s) : r(pg_query_scan(s)) {}
  ~ScanResultOwner() { pg_query_free_scan_result(r); }
  ScanResultOwner(const ScanResultOwner&) = delete;
  ScanResultOwner& operator=(const ScanResultOwner&) = delete;
};
struct ProtobufParseOwner {
  PgQueryProtobufParseResult r;
  explicit ProtobufParseOwner(const char* s) : r(pg_query_parse_protobuf(s)) {}
  ~ProtobufParseOwner() { pg_query_free_protobuf_parse_result(r); }
  ProtobufParseOwner(const ProtobufParseOwner&) = delete;
  ProtobufParseOwner& operator=(const ProtobufParseOwner&) = delete;
};
bool read_message(const PgQueryProtobuf& buf, google::protobuf::Message* msg, int depth) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(buf.data),
                                            static_cast<int>(buf.len));
  in.SetRecursionLimit(depth);
  return msg->ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
}

// Postgres reports error positions as 1-based character (not byte) positions.
uint32_t char_pos_to_byte(std::string_view text, int cursorpos) {
  size_t chars = cursorpos > 0 ? static_cast<size_t>(cursorpos - 1) : 0;
  size_t i = 0;
  while (chars > 0 && i < text.size()) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    --chars;
  }
  return static_cast<uint32_t>(i);
}

// Errors that say a statement is nested beyond the parser's limits rather than wrong.
bool is_nesting_limit(std::string_view message) {
  return message.find("stack depth limit exceeded") != std::string_view::npos ||
         message.find("nested too deeply") != std::string_view::npos ||
         message.rfind("memory exhausted", 0) == 0;
}

// Postgres quotes the rest of the input after "at or near": keep messages to one short line.
std::string clean_message(const char* msg) {
  std::string m = msg ? msg : "syntax error";
  size_t nl = m.find_first_of("\r\n");
  bool cut = false;
  if (nl != std::string::npos) { m.resize(nl); cut = true; }
  if (m.size() > 120) {
    size_t at = 117;
    while (at > 0 && (static_cast<unsigned char>(m[at]) & 0xC0) == 0x80) --at;
    m.resize(at);
    cut = true;
  }
  if (cut) {
    bool quoted = std::count(m.begin(), m.end(), '"') % 2 == 1;
    m += quoted ? "...\"" : "...";
  }
  return m;
}

void scan_into(const std::string& buf, std::vector<Token>& tokens, std::vector<Comment>& comments,
               std::optional<SyntaxError>& error) {
  tokens.clear();
  comments.clear();
  ScanResultOwner scan(buf.c_str());
  if (scan.r.error) {
    error = SyntaxError{char_pos_to_byte(buf, scan.r.error->cursorpos), clean_message(scan.r.error->message)};
    return;
  }
  pg_query::ScanResult result;
  if (!read_message(scan.r.pbuf, &result, 100)) return;
  tokens.reserve(static_cast<size_t>(result.tokens_size()));
  for (const auto& t : result.tokens()) {
    Token tok{static_cast<uint32_t>(t.start()), static_cast<uint32_t>(t.end()), t.token(),
              t.keyword_kind() != pg_query::NO_KEYWORD};
    if (t.token() == pg_query::SQL_COMMENT || t.token() == pg_query::C_COMMENT) {
      comments.push_back(Comment{tok.begin, tok.end, t.token() == pg_query::C_COMMENT});
    } else {
      tokens.push_back(tok);
    }
  }
}

}  // namespace

class FileParser {
 public:
  FileParser(std::string_view text, const ParseLimits& limits, ParsedFile& out)
      : text_(out.text_), limits_(limits), out_(out) {}

  void run() {
    const std::string& buf = out_.text_;
    // Fast path: one parse of the whole file; comments from the small lexer.
    out_.comments_ = lex_comments(buf);
    if (parse_whole(buf)) {
      expand_do_blocks();
      return;
    }
    // Slow path: split the file so each statement parses on its own; an unterminated literal
    // runs to the end of the file and its statement reports it.
    for (const auto& [b, e] : split_statements(buf)) parse_piece(b, e);
    expand_do_blocks();
  }

 private:
  bool parse_whole(const std::string& buf) {
    ProtobufParseOwner parsed(buf.c_str());
    if (parsed.r.error) return false;
    auto* result = google::protobuf::Arena::CreateMessage<pg_query::ParseResult>(out_.arena_.get());
    if (!read_message(parsed.r.parse_tree, result, limits_.max_tree_depth)) return false;
    for (const auto& raw : result->stmts()) add_statement(raw, 0, static_cast<uint32_t>(buf.size()));
    return true;
  }

  void parse_piece(uint32_t begin, uint32_t end_offset) {
    std::string piece(text_.substr(begin, end_offset - begin));
    uint32_t base = begin;
    ProtobufParseOwner parsed(piece.c_str());
    uint32_t end = base + static_cast<uint32_t>(piece.size());
    if (parsed.r.error) {
      std::string message = clean_message(parsed.r.error->message);
      uint32_t at = base + char_pos_to_byte(piece, parsed.r.error->cursorpos);
      if (is_nesting_limit(message)) {
        // The parser's own limits (its stack, its grammar stack, the tree's serialisation): the
        // statement is valid SQL, nested deeper than any parser here follows.
        message = "statement is nested too deeply to parse (" + message + "); pgsafe cannot check it";
        if (parsed.r.error->cursorpos <= 0) at = first_token_at_or_after(base, end);
      }
      add_error_statement(base, end, SyntaxError{at, message});
      return;
    }
    auto* result = google::protobuf::Arena::CreateMessage<pg_query::ParseResult>(out_.arena_.get());
    if (!read_message(parsed.r.parse_tree, result, limits_.max_tree_depth)) {
      add_error_statement(base, end,
                          SyntaxError{first_token_at_or_after(base, end),
                                      "statement is nested too deeply to analyse (more than " +
                                          std::to_string(limits_.max_tree_depth / 2) + " levels)"});
      return;
    }
    for (const auto& raw : result->stmts()) {
      // Locations inside this tree are relative to the piece.
      Statement st;
      if (!span_of(raw, base, static_cast<uint32_t>(piece.size()), st)) continue;
      st.node = &raw.stmt();
      st.base = base;
      out_.statements_.push_back(std::move(st));
    }
  }

  void add_statement(const pg_query::RawStmt& raw, uint32_t base, uint32_t text_len) {
    Statement st;
    if (!span_of(raw, base, text_len, st)) return;
    st.node = &raw.stmt();
    st.base = base;
    out_.statements_.push_back(std::move(st));
  }

  // The statement's bytes from its first to its last real token (comments and blanks trimmed).
  bool span_of(const pg_query::RawStmt& raw, uint32_t base, uint32_t text_len, Statement& st) {
    uint32_t loc = base + static_cast<uint32_t>(raw.stmt_location());
    uint32_t len = raw.stmt_len() > 0 ? static_cast<uint32_t>(raw.stmt_len()) : text_len - static_cast<uint32_t>(raw.stmt_location());
    uint32_t stop = std::min<uint32_t>(loc + len, static_cast<uint32_t>(text_.size()));
    st.begin = first_token_at_or_after(loc, stop);
    st.end = last_token_end_before(stop, st.begin);
    return true;
  }

  static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

  // The comment starting exactly at pos, if any.
  const Comment* comment_at(uint32_t pos) const {
    const auto& cs = out_.comments_;
    auto it = std::lower_bound(cs.begin(), cs.end(), pos, [](const Comment& c, uint32_t v) { return c.begin < v; });
    return it != cs.end() && it->begin == pos ? &*it : nullptr;
  }
  // The comment ending exactly at pos, if any.
  const Comment* comment_ending_at(uint32_t pos) const {
    const auto& cs = out_.comments_;
    auto it = std::lower_bound(cs.begin(), cs.end(), pos, [](const Comment& c, uint32_t v) { return c.end < v; });
    return it != cs.end() && it->end == pos ? &*it : nullptr;
  }

  // First byte at or after loc that is neither blank nor inside a comment.
  uint32_t first_token_at_or_after(uint32_t loc, uint32_t stop) const {
    uint32_t i = loc;
    while (i < stop) {
      if (blank(text_[i])) { ++i; continue; }
      if (const Comment* c = comment_at(i)) { i = c->end; continue; }
      break;
    }
    return std::min(i, stop);
  }

  // One past the last byte before stop that is neither blank, a ';' nor inside a comment.
  uint32_t last_token_end_before(uint32_t stop, uint32_t begin) const {
    uint32_t e = stop;
    while (e > begin) {
      char c = text_[e - 1];
      if (blank(c) || c == ';') { --e; continue; }
      if (const Comment* cm = comment_ending_at(e); cm && cm->begin >= begin) { e = cm->begin; continue; }
      // A line comment ends at the newline, which the loop above already stepped over.
      break;
    }
    return e;
  }

  void add_error_statement(uint32_t loc, uint32_t stop, SyntaxError err) {
    Statement st;
    st.begin = first_token_at_or_after(loc, stop);
    st.end = last_token_end_before(stop, st.begin);
    if (err.offset < st.begin) err.offset = st.begin;
    // An error past the last known token (an unterminated literal) runs to the end of the span.
    if (st.end <= st.begin || err.offset >= st.end) {
      uint32_t e = std::min<uint32_t>(stop, static_cast<uint32_t>(text_.size()));
      while (e > err.offset && (text_[e - 1] == ' ' || text_[e - 1] == '\n' || text_[e - 1] == '\t' || text_[e - 1] == '\r')) --e;
      st.end = std::max(e, st.begin + 1);
    }
    st.error = std::move(err);
    out_.statements_.push_back(std::move(st));
  }

  // DO blocks nested deeper than this (a DO run by a DO ...) are reported, not read.
  static constexpr int kMaxDoDepth = 16;

  void expand_do_blocks() {
    bool any = false;
    for (const auto& st : out_.statements_)
      if (st.node && st.node->has_do_stmt()) { any = true; break; }
    if (!any) return;
    std::vector<Statement> expanded;
    expanded.reserve(out_.statements_.size());
    for (auto& st : out_.statements_) {
      expanded.push_back(std::move(st));
      const Statement& outer = expanded.back();
      if (!outer.node || !outer.node->has_do_stmt()) continue;
      expand_do(expanded, expanded.size() - 1, text_, outer.base, OffsetMap::shifted(0), false, 1);
    }
    out_.statements_ = std::move(expanded);
  }

  // Appends the statements the DO statement expanded[index] runs, each followed by those of any
  // DO block among them (depth bounded). src is the text the DO's locations index from loc_base,
  // src_map takes src positions to file offsets.
  void expand_do(std::vector<Statement>& expanded, size_t index, std::string_view src, uint32_t loc_base,
                 const OffsetMap& src_map, bool conditional, int depth) {
    DoBody body = extract_do_body(expanded[index].node->do_stmt(), src, loc_base, src_map);
    if (!body.plpgsql) return;
    if (depth > kMaxDoDepth) {
      expanded[index].body_error = SyntaxError{body.offset, "the statements of this DO block are not checked: DO blocks are nested more than " +
                                                                std::to_string(kMaxDoDepth) + " deep"};
      return;
    }
    std::vector<EmbeddedSql> found;
    if (auto body_error = find_embedded_sql(body, found)) expanded[index].body_error = std::move(body_error);
    const uint32_t do_begin = expanded[index].begin, do_end = expanded[index].end;
    const int parent = static_cast<int>(index);
    for (auto& e : found) {
      ProtobufParseOwner parsed(e.sql.c_str());
      if (parsed.r.error) continue;  // PL/pgSQL expressions that are not statements on their own
      auto* result = google::protobuf::Arena::CreateMessage<pg_query::ParseResult>(out_.arena_.get());
      if (!read_message(parsed.r.parse_tree, result, limits_.max_tree_depth)) continue;
      for (const auto& raw : result->stmts()) {
        // The statement's bytes in e.sql, blanks and the ';' trimmed, then mapped to the file.
        size_t b = static_cast<size_t>(std::max(0, raw.stmt_location()));
        size_t x = raw.stmt_len() > 0 ? b + static_cast<size_t>(raw.stmt_len()) : e.sql.size();
        x = std::min(x, e.sql.size());
        while (b < x && blank(e.sql[b])) ++b;
        while (x > b && (blank(e.sql[x - 1]) || e.sql[x - 1] == ';')) --x;
        Statement inner;
        inner.node = &raw.stmt();
        inner.begin = std::clamp(e.map.map(b), do_begin, do_end);
        inner.end = x > b ? std::clamp(e.map.map(x - 1) + 1, inner.begin, do_end) : inner.begin;
        // Node locations are exact at the statement's start (and all through it unless an
        // escape or a || lies inside it).
        uint32_t start = e.map.map(static_cast<size_t>(std::max(0, raw.stmt_location())));
        uint32_t loc = static_cast<uint32_t>(std::max(0, raw.stmt_location()));
        inner.base = start >= loc ? start - loc : 0;
        inner.parent = parent;
        inner.conditional = conditional || e.conditional;
        expanded.push_back(std::move(inner));
        if (expanded.back().node->has_do_stmt())
          expand_do(expanded, expanded.size() - 1, e.sql, 0, e.map, expanded.back().conditional, depth + 1);
      }
    }
  }

  std::string_view text_;
  const ParseLimits& limits_;
  ParsedFile& out_;
};

ParsedFile::ParsedFile() : arena_(std::make_unique<google::protobuf::Arena>()) {}
ParsedFile::~ParsedFile() = default;
ParsedFile::ParsedFile(ParsedFile&&) noexcept = default;
ParsedFile& ParsedFile::operator=(ParsedFile&&) noexcept = default;

const std::vector<Token>& ParsedFile::tokens() const {
  if (!tokens_scanned_ && windowed()) scan_window_tokens();
  if (!tokens_scanned_) {
    // Rules that need tokens pay for the scanner; the fast path never runs it.
    std::vector<Comment> ignored;
    std::optional<SyntaxError> error;
    scan_into(text_, tokens_, ignored, error);
    tokens_scanned_ = true;
  }
  return tokens_;
}

size_t ParsedFile::token_at_or_after(uint32_t offset) const {
  const auto& tokens_ = tokens();
  auto it = std::lower_bound(tokens_.begin(), tokens_.end(), offset,
                             [](const Token& t, uint32_t v) { return t.begin < v; });
  return static_cast<size_t>(it - tokens_.begin());
}

ParsedFile parse_sql(std::string_view text, const ParseLimits& limits) {
  if (limits.window_bytes > 0 && text.size() > 4 * limits.window_bytes) return parse_windowed(text, limits);
  ParsedFile out;
  out.text_.assign(text.data(), text.size());
  FileParser(text, limits, out).run();
  out.index_kinds();
  return out;
}

void ParsedFile::index_kinds() {
  by_kind_.clear();
  for (size_t i = 0; i < statements_.size(); ++i)
    if (const pg_query::Node* n = statements_[i].node) by_kind_[static_cast<int>(n->node_case())].push_back(static_cast<uint32_t>(i));
}

const std::vector<uint32_t>& ParsedFile::statements_of_kind(int node_case) const {
  static const std::vector<uint32_t> kNone;
  auto it = by_kind_.find(node_case);
  return it == by_kind_.end() ? kNone : it->second;
}

size_t ParsedFile::first_of_kind_after(int node_case, size_t statement) const {
  const auto& v = statements_of_kind(node_case);
  return static_cast<size_t>(std::upper_bound(v.begin(), v.end(), static_cast<uint32_t>(statement)) - v.begin());
}

std::vector<Comment> scanner_comments(std::string_view text) {
  std::vector<Token> tokens;
  std::vector<Comment> comments;
  std::optional<SyntaxError> error;
  scan_into(std::string(text), tokens, comments, error);
  return comments;
}

bool bare_parse(std::string_view text) {
  std::string buf(text);
  {
    ProtobufParseOwner parsed(buf.c_str());
    if (!parsed.r.error) return true;
  }
  // Like pgsafe, get a tree for every statement that has one: split with libpg_query's own
  // scanner-based splitter and parse each piece. Nothing else (no trees are read back).
  PgQuerySplitResult split = pg_query_split_with_scanner(buf.c_str());
  if (!split.error) {
    for (int i = 0; i < split.n_stmts; ++i) {
      std::string piece = buf.substr(static_cast<size_t>(split.stmts[i]->stmt_location),
                                     static_cast<size_t>(split.stmts[i]->stmt_len));
      ProtobufParseOwner parsed(piece.c_str());
    }
  }
  pg_query_free_split_result(split);
  return false;
}

const char* postgres_grammar_version() { return PG_VERSION; }

}  // namespace pgsafe::parser
