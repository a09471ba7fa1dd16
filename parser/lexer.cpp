#include "parser/lexer.h"

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

std::vector<Comment> lex_comments(std::string_view t) {
  std::vector<Comment> out;
  const size_t n = t.size();
  size_t i = 0;
  while (i < n) {
    char c = t[i];
    if (c == '-' && i + 1 < n && t[i + 1] == '-') {
      size_t b = i;
      while (i < n && t[i] != '\n' && t[i] != '\r') ++i;
      out.push_back(Comment{static_cast<uint32_t>(b), static_cast<uint32_t>(i), false});
    } else if (c == '/' && i + 1 < n && t[i + 1] == '*') {
      size_t b = i;
      int depth = 0;
      while (i < n) {
        if (t[i] == '/' && i + 1 < n && t[i + 1] == '*') { ++depth; i += 2; }
        else if (t[i] == '*' && i + 1 < n && t[i + 1] == '/') { i += 2; if (--depth == 0) break; }
        else ++i;
      }
      out.push_back(Comment{static_cast<uint32_t>(b), static_cast<uint32_t>(i), true});
    } else if (c == '\'') {
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
    } else if (c == '"') {
      ++i;
      while (i < n) {
        if (t[i] == '"') {
          if (i + 1 < n && t[i + 1] == '"') { i += 2; continue; }
          ++i;
          break;
        }
        ++i;
      }
    } else if (c == '$' && (i == 0 || !ident_char(static_cast<unsigned char>(t[i - 1])))) {
      size_t len = dollar_tag(t, i);
      if (len == 0) { ++i; continue; }
      std::string_view tag = t.substr(i, len);
      size_t close = t.find(tag, i + len);
      i = close == std::string_view::npos ? n : close + len;
    } else if (ident_start(static_cast<unsigned char>(c))) {
      while (i < n && ident_char(static_cast<unsigned char>(t[i]))) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace pgsafe::parser
