#pragma once
// A minimal SQL lexer that finds comments without libpg_query's scanner: it knows just enough of
// PostgreSQL's lexical rules (quoted strings, E'' escapes, quoted identifiers, dollar quoting,
// nested block comments) to never mistake a "--" inside a literal for a comment. The full scanner
// runs only when a file needs splitting after a syntax error, or when a rule asks for tokens.
#include <string_view>
#include <vector>

#include "parser/parser.h"

namespace pgsafe::parser {

std::vector<Comment> lex_comments(std::string_view text);

// Statement spans [begin, end) for a file that does not parse as a whole: split at ';' outside
// parentheses and outside SQL-standard function bodies (BEGIN ATOMIC ... END), with leading
// blanks and comments excluded. Every non-blank, non-comment byte lands in some span.
std::vector<std::pair<uint32_t, uint32_t>> split_statements(std::string_view text);

// Where to cut a large text into windows of about window_bytes each: just after a ';' that ends
// a statement (as split_statements sees them), so each window holds whole statements. Returns the
// cut offsets, increasing, none at 0 or at the end; *statements (if given) gets an upper bound
// of the number of statements.
std::vector<uint32_t> window_cuts(std::string_view text, size_t window_bytes, size_t* statements = nullptr);

}  // namespace pgsafe::parser
