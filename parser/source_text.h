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
  // Code points before every kCheckpointBytes-th byte, so a column on a very long line (a
  // minified migration, a generated INSERT) costs at most one block's scan, not the line's.
  static constexpr size_t kCheckpointBytes = 4096;
  std::vector<uint32_t> code_points_at_checkpoint_;
  size_t code_points_before(size_t offset) const;
};

// Where a byte sequence stops being valid UTF-8, if it does.
std::optional<size_t> find_invalid_utf8(std::string_view bytes);
// True for content that is not text: a NUL byte anywhere (psql would run what follows it, while
// a C string, the parser's input, would end there).
bool looks_binary(std::string_view bytes);
// Number of code points in a valid UTF-8 string.
size_t count_code_points(std::string_view s);

}  // namespace pgsafe
