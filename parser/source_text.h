#pragma once
// A file's bytes plus the index that turns byte offsets into 1-based line and column.
// Columns count Unicode code points, as the JSON contract and LSP clients expect.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe {

struct Position {
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in code points
  uint32_t offset = 0;  // 0-based byte offset
};

struct Range {
  Position start;
  Position end;  // exclusive
};

class SourceText {
 public:
  SourceText() = default;
  SourceText(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  size_t size() const { return text_.size(); }

  Position position(size_t offset) const;
  Range range(size_t begin, size_t end) const;
  // The text of the 1-based line, without its line terminator.
  std::string_view line_text(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  // Byte offset of the code point `chars` code points after `from` (clamped to the end).
  size_t advance_chars(size_t from, size_t chars) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Where a byte sequence stops being valid UTF-8, if it does.
std::optional<size_t> find_invalid_utf8(std::string_view bytes);
// True for content that looks like a binary file (a NUL byte in the first 8 KiB).
bool looks_binary(std::string_view bytes);
// Number of code points in a valid UTF-8 string.
size_t count_code_points(std::string_view s);

}  // namespace pgsafe
