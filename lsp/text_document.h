#pragma once
// Open documents as the editor sees them, and the two ways to name a place in one: LSP positions
// (0-based line, character counted in the negotiated encoding's code units: UTF-16 by default)
// and the byte offsets pgsafe's findings carry.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe::lsp {

enum class Encoding { Utf8, Utf16, Utf32 };
const char* encoding_name(Encoding e);  // "utf-8", "utf-16", "utf-32"

struct LspPosition {
  uint32_t line = 0;
  uint32_t character = 0;
  bool operator==(const LspPosition&) const = default;
};

// Line starts of a text, as LSP counts lines: broken at "\n", "\r\n" and "\r".
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);
  // The position of a byte offset (clamped to the text; an offset inside a code point counts
  // from the code point's start).
  LspPosition position(std::string_view text, size_t offset, Encoding enc) const;
  // The byte offset of a position. A line past the end is the end of the text; a character past
  // the end of its line is the line's end (before its terminator), as the protocol says; a
  // UTF-16 position between the halves of a surrogate pair is the start of that code point.
  size_t offset(std::string_view text, LspPosition pos, Encoding enc) const;
  size_t line_count() const { return starts_.size(); }
  size_t line_start(size_t line) const { return starts_[line]; }
  // Where line `line`'s content ends: its terminator, or the end of the text.
  size_t line_end(std::string_view text, size_t line) const;

 private:
  std::vector<size_t> starts_{0};
};

// Code units of a code point that starts with byte `lead`, in an encoding.
uint32_t units_of(unsigned char lead, Encoding enc);

struct Document {
  std::string uri;
  std::string path;         // absolute, for file: URIs; "" for other schemes
  std::string language_id;
  int64_t version = 0;
  std::string text;
  LineIndex lines;

  void set_text(std::string t);
  // Applies one contentChanges entry: a range replaced (from positions in enc), or the whole text.
  void apply_change(std::optional<std::pair<LspPosition, LspPosition>> range, const std::string& new_text, Encoding enc);
};

// file:///a%20b/c.sql <-> /a b/c.sql. Other schemes (untitled:, ...) give nullopt.
std::optional<std::string> path_from_uri(std::string_view uri);
std::string uri_from_path(std::string_view absolute_path);

}  // namespace pgsafe::lsp
