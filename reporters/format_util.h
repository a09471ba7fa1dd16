#pragma once
// Small pieces the four reporters share: names, paths relative to a root, URI escaping, and
// terminal display widths. Kept free of the engine so reporters only ever format.
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/diagnostic.h"

namespace pgsafe::report::util {

// "error" | "warning" | "info" (the JSON contract's words).
std::string_view severity_name(Severity s);

// The path as a consumer rooted at `root` should see it: relative to root with '/' separators when
// the file lies inside root, otherwise as given (normalised). Relative inputs are taken to be
// relative to root, since the CLI passes its working directory.
struct RootedPath {
  std::string path;
  bool inside_root = false;
};
RootedPath relative_to_root(std::string_view file, std::string_view root);

// RFC 3986 percent-encoding of a path: unreserved characters and '/' stay, every other byte
// (spaces, '%', '#', '?', non-ASCII UTF-8) becomes %XX.
std::string percent_encode_path(std::string_view path);
// Percent-encoding that keeps RFC 3986's unreserved characters and those in `keep`.
std::string percent_encode(std::string_view text, std::string_view keep);

// The file URI of an absolute path ("file:///a%20b/c.sql").
std::string file_uri(std::string_view absolute_path);

// The code point starting at s[i] and its length in bytes; invalid bytes decode as themselves
// (length 1) so a stray byte cannot stall a loop.
char32_t decode_utf8(std::string_view s, size_t i, size_t& len);

// Columns a code point occupies on a terminal: 0 for combining marks, 2 for East Asian wide and
// fullwidth characters and most emoji, 1 otherwise.
int display_width(char32_t cp);

// A source line prepared for display: tabs expanded to `tab_width` stops, and for every code point
// the display column it starts at, so a code-point column maps to a screen column.
struct DisplayLine {
  std::string text;                 // what is printed
  std::vector<size_t> start_col;    // start_col[k] = screen column (0-based) of code point k; one extra entry for end of line
};
DisplayLine expand_line(std::string_view line, int tab_width = 4);

// Splits text at '\n' and wraps each line at `width` columns on spaces; a word longer than the
// width is kept whole rather than cut, and an inline code span (`like this`) counts as one word,
// so a command or comment quoted in help is never broken across lines.
std::vector<std::string> wrap(std::string_view text, size_t width);

// The line holding byte `offset` of `text`, without its terminator (a trailing '\r' dropped), and
// the byte offset where it starts. Found from the offset, so no line index is needed.
struct LineAt {
  std::string_view text;
  size_t begin = 0;
};
LineAt line_at(std::string_view text, size_t offset);

// "ban-drop-table" -> "BanDropTable".
std::string pascal_case(std::string_view kebab);

}  // namespace pgsafe::report::util
