#include "parser/lexer.h"

#include <algorithm>

namespace pgsafe::parser {

namespace {

inline bool ident_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
inline bool ident_char(unsigned char c) { return ident_start(c) || (c >= '0' && c <= '9') || c == '$'; }

// Length of a dollar-quote tag ("$$" or "$tag$") starting at i, or 0.
size_t dollar_tag(std::string_view t, size_t i) {
  size_t j = i + 1;
  if (j < t.size() && t[j] == '$') return 2;
  if (j >= t.size() || !ident_start(static_cast<unsigned char>(t[j]))) return 0;
  while (j < t.size() && ident_char(static_cast<unsigned char>(t[j])) && t[j] != '$') ++j;
  return j < t.size() && t[j] == '$' ? j - i + 1 : 0;
}

}  // namespace

namespace {

// Walks the text once; calls on_comment(begin, end, block) for comments, on_word(begin, end) for
// identifiers/keywords and on_char(pos) for any other significant single byte outside literals.
template <typename Comment_, typename Word, typename Char>
void lex(std::string_view t, Comment_&& on_comment, Word&& on_word, Char&& on_char) {
  const size_t n = t.size();
  size_t i = 0;
  while (i < n) {
    char c = t[i];
    if (c == '-' && i + 1 < n && t[i + 1] == '-') {
      size_t b = i;
      while (i < n && t[i] != '\n' && t[i] != '\r') ++i;
      on_comment(b, i, false);
    } else if (c == '/' && i + 1 < n && t[i + 1] == '*') {
      size_t b = i;
      int depth = 0;
      while (i < n) {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') { ++depth; i += 2; }
        else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') { i += 2; if (--depth == 0) break; }
        else ++i;
      }
      on_comment(b, i, true);
    } else if (c == '\'') {
      size_t b = i;
      // E'...' (backslash escapes) when the quote follows a lone E/e.
      bool escapes = i > 0 && (t[i - 1] == 'E' || t[i - 1] == 'e') &&
                     (i < 2 || !ident_char(static_cast<unsigned char>(t[i - 2])));
      ++i;
      while (i < n) {
        if (escapes && t[i] == '\\') { i += 2; continue; }
        if (t[i] == '\'') {
          if (i + 1 < n && t[i + 1] == '\'') { i += 2; continue; }
          ++i;
          break;
        }
        ++i;
      }
      on_word(b, std::min(i, n));
    } else if (c == '"') {
      size_t b = i;
      ++i;
      while (i < n) {
        if (t[i] == '"') {
          if (i + 1 < n && t[i + 1] == '"') { i += 2; continue; }
          ++i;
          break;
        }
        ++i;
      }
      on_word(b, i);
    } else if (c == '$' && (i == 0 || !ident_char(static_cast<unsigned char>(t[i - 1])))) {
      size_t len = dollar_tag(t, i);
      if (len == 0) { ++i; continue; }
      std::string_view tag = t.substr(i, len);
      size_t close = t.find(tag, i + len);
      size_t b = i;
      i = close == std::string_view::npos ? n : close + len;
      on_word(b, i);
    } else if (ident_start(static_cast<unsigned char>(c))) {
      size_t b = i;
      while (i < n && ident_char(static_cast<unsigned char>(t[i]))) ++i;
      on_word(b, i);
    } else {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') on_char(i);
      ++i;
    }
  }
}

bool word_is(std::string_view t, size_t b, size_t e, std::string_view upper) {
  if (e - b != upper.size()) return false;
  for (size_t k = 0; k < upper.size(); ++k) {
    char c = t[b + k];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[k]) return false;
  }
  return true;
}

}  // namespace

std::vector<Comment> lex_comments(std::string_view t) {
  std::vector<Comment> out;
  lex(
      t,
      [&](size_t b, size_t e, bool block) {
        out.push_back(Comment{static_cast<uint32_t>(b), static_cast<uint32_t>(e), block});
      },
      [](size_t, size_t) {}, [](size_t) {});
  return out;
}

namespace {

// Walks the statements of a text: on_token(begin, end) for each token outside comments (';' ends
// included are not), on_end(pos) for each ';' that ends a statement: outside parentheses and
// outside SQL-standard function bodies (BEGIN ATOMIC ... END).
template <typename Token_, typename End>
void walk_statements(std::string_view t, Token_&& on_token, End&& on_end) {
  int parens = 0;
  int atomic = 0;  // nesting inside BEGIN ATOMIC bodies (CASE ... END counted too)
  bool after_begin = false;
  lex(
      t, [](size_t, size_t, bool) {},
      [&](size_t b, size_t e) {
        on_token(b, e);
        if (after_begin && word_is(t, b, e, "ATOMIC")) ++atomic;
        else if (atomic > 0 && word_is(t, b, e, "CASE")) ++atomic;
        else if (atomic > 0 && word_is(t, b, e, "END")) --atomic;
        after_begin = word_is(t, b, e, "BEGIN");
      },
      [&](size_t i) {
        after_begin = false;
        char c = t[i];
        if (c == ';' && parens == 0 && atomic == 0) {
          on_end(i);
          return;
        }
        on_token(i, i + 1);
        if (c == '(') ++parens;
        else if (c == ')' && parens > 0) --parens;
      });
}

}  // namespace

std::vector<std::pair<uint32_t, uint32_t>> split_statements(std::string_view t) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  bool open = false;
  size_t begin = 0, last_end = 0;
  walk_statements(
      t,
      [&](size_t b, size_t e) {
        if (!open) {
          open = true;
          begin = b;
        }
        last_end = e;
      },
      [&](size_t) {
        if (open) out.emplace_back(static_cast<uint32_t>(begin), static_cast<uint32_t>(last_end));
        open = false;
      });
  if (open) out.emplace_back(static_cast<uint32_t>(begin), static_cast<uint32_t>(last_end));
  return out;
}

std::vector<uint32_t> window_cuts(std::string_view t, size_t window_bytes, size_t* statements) {
  std::vector<uint32_t> cuts;
  size_t last = 0, count = 0;
  walk_statements(
      t, [](size_t, size_t) {},
      [&](size_t i) {
        ++count;
        if (i + 1 - last >= window_bytes && i + 1 < t.size()) {
          cuts.push_back(static_cast<uint32_t>(i + 1));
          last = i + 1;
        }
      });
  if (statements) *statements = count + 1;  // a last statement may have no ';'
  return cuts;
}

}  // namespace pgsafe::parser
