#pragma once
// PL/pgSQL bodies of DO blocks: where the body sits in the file and which SQL statements it runs,
// including dynamic SQL whose text is a constant (EXECUTE '...', $q$...$q$, E'...', constants
// joined by ||, format() of a constant without placeholders).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/parser.h"

namespace pg_query { class DoStmt; }

namespace pgsafe::parser {

// Where each byte of a text derived from another (a string constant's value, a DO body, a
// statement found in one) came from: piecewise linear, one segment per run of bytes copied
// unchanged. Escapes ('' or \n) and concatenations start new segments, so positions stay exact
// on both sides of them.
class OffsetMap {
 public:
  // text position p -> p + offset.
  static OffsetMap shifted(uint32_t offset);
  // From text position `text_pos` on, positions map linearly from `target`.
  void add(uint32_t text_pos, uint32_t target);
  uint32_t map(size_t text_pos) const;
  // This map (text -> mid) followed by outer (mid -> target).
  OffsetMap then(const OffsetMap& outer) const;
  // Positions shifted by `by` first: (p) -> map(p + by).
  OffsetMap after_shift(uint32_t by) const;
  size_t segments() const { return segs_.size(); }

 private:
  struct Seg {
    uint32_t text;
    uint32_t target;
  };
  std::vector<Seg> segs_;
};

// A SQL string constant as written and the value it denotes.
struct StringConstant {
  std::string value;
  OffsetMap map;    // value position -> position in the text it was read from
  size_t end = 0;   // one past the constant's closing quote
};

// The string constant starting at text[pos]: '...', E'...' (escapes decoded), $tag$...$tag$.
std::optional<StringConstant> read_string_constant(std::string_view text, size_t pos);
// The value of a dynamic SQL expression when it is a constant: one string constant, constants
// joined by ||, or format() of such a constant with no placeholder other than %%.
std::optional<StringConstant> constant_sql(std::string_view expr);

struct DoBody {
  bool plpgsql = false;
  std::string text;       // the body as PL/pgSQL sees it (quotes removed)
  OffsetMap map;          // body position -> file offset
  uint32_t offset = 0;    // file offset of the body's first byte
};

struct EmbeddedSql {
  std::string sql;
  OffsetMap map;          // sql position -> file offset
  bool conditional = false;
};

// The body of a DO statement whose node locations index `src` from `loc_base`; `src_map` maps
// src positions to file offsets (for a statement of the file itself: src is the file text and
// the map the identity).
DoBody extract_do_body(const pg_query::DoStmt& stmt, std::string_view src, uint32_t loc_base,
                       const OffsetMap& src_map);
// The statements a DO body runs: plain SQL statements (a nested DO included) and EXECUTE of a
// constant. Returns why the body could not be read (PL/pgSQL syntax error, nesting too deep for
// the PL/pgSQL parser), positioned at the body; its statements are then unseen. Never recurses
// on the body's nesting.
std::optional<SyntaxError> find_embedded_sql(const DoBody& body, std::vector<EmbeddedSql>& out);

}  // namespace pgsafe::parser
