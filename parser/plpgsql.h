#pragma once
// PL/pgSQL bodies of DO blocks: where the body sits in the file and which SQL statements it runs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parser/parser.h"

namespace pg_query { class DoStmt; }

namespace pgsafe::parser {

struct DoBody {
  bool plpgsql = false;
  std::string text;       // the body as PL/pgSQL sees it (quotes removed)
  uint32_t offset = 0;    // file offset of the body's first byte (exact for dollar quoting;
                          // '...' bodies with doubled quotes map approximately)
};

struct EmbeddedSql {
  std::string sql;
  uint32_t offset = 0;    // file offset of sql's first byte (best effort for quoted bodies)
  bool conditional = false;
};

DoBody extract_do_body(const pg_query::DoStmt& stmt, uint32_t base, std::string_view file_text);
// The statements a DO body runs: plain SQL statements and EXECUTE of a string literal.
// Returns the PL/pgSQL parser's error when the body does not parse.
std::optional<SyntaxError> find_embedded_sql(const DoBody& body, std::vector<EmbeddedSql>& out);

}  // namespace pgsafe::parser
