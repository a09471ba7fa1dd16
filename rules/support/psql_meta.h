#pragma once
// psql meta-commands (`\i`, `\set`, `\c`, `\copy`, ...) are interpreted by psql itself and never
// reach the server; sent through libpq (migration tools, pgsafe's applier) they are syntax errors.
// The statement splitter knows nothing of them, so such a line ends up at the start of (or inside)
// an unparsed statement. Shared by psql-meta-command and syntax-error.
#include <cstdint>
#include <string_view>
#include <vector>

#include "parser/parser.h"

namespace pgsafe::rules {

struct MetaCommandLine {
  uint32_t begin = 0, end = 0;  // the backslash to the end of the line
};

// Lines of an unparsed statement whose first non-blank character is a backslash.
inline std::vector<MetaCommandLine> psql_meta_lines(std::string_view text, const parser::Statement& st) {
  std::vector<MetaCommandLine> out;
  if (st.node) return out;
  uint32_t end = std::min<uint32_t>(st.end, static_cast<uint32_t>(text.size()));
  // A statement's first line starts at its first token; later lines at a newline.
  uint32_t line = st.begin;
  while (line < end) {
    uint32_t i = line;
    while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r')) ++i;
    size_t nl = text.find('\n', i);
    uint32_t eol = nl == std::string_view::npos ? static_cast<uint32_t>(text.size()) : static_cast<uint32_t>(nl);
    if (i < end && text[i] == '\\') {
      uint32_t e = eol;
      while (e > i && (text[e - 1] == '\r' || text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
      out.push_back({i, e});
    }
    if (nl == std::string_view::npos) break;
    line = eol + 1;
  }
  return out;
}

// Whether a statement's parse failure is caused by a psql meta-command: it starts with one, or
// the error points into one.
inline bool is_psql_meta_statement(std::string_view text, const parser::Statement& st) {
  auto lines = psql_meta_lines(text, st);
  if (lines.empty()) return false;
  if (lines.front().begin == st.begin) return true;
  if (!st.error) return false;
  for (const auto& l : lines)
    if (st.error->offset >= l.begin && st.error->offset <= l.end) return true;
  return false;
}

}  // namespace pgsafe::rules
