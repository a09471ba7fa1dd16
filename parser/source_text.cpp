#include "parser/source_text.h"

#include <cstring>

#include <algorithm>

namespace pgsafe {

namespace {
inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

SourceText::SourceText(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  uint32_t code_points = 0;
  code_points_at_checkpoint_.reserve(text_.size() / kCheckpointBytes + 1);
  for (size_t block = 0; block < text_.size(); block += kCheckpointBytes) {
    code_points_at_checkpoint_.push_back(code_points);
    size_t stop = std::min(text_.size(), block + kCheckpointBytes);
    for (size_t i = block; i < stop; ++i) {
      auto c = static_cast<unsigned char>(text_[i]);
      code_points += is_continuation(c) ? 0 : 1;
      if (c == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
    }
  }
}

size_t SourceText::code_points_before(size_t offset) const {
  if (code_points_at_checkpoint_.empty()) return 0;
  size_t k = std::min(offset / kCheckpointBytes, code_points_at_checkpoint_.size() - 1);
  size_t n = code_points_at_checkpoint_[k];
  for (size_t i = k * kCheckpointBytes; i < offset; ++i)
    n += is_continuation(static_cast<unsigned char>(text_[i])) ? 0 : 1;
  return n;
}

Position SourceText::position(size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<uint32_t>(offset));
  size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  size_t line_start = line_starts_[line_index];
  uint32_t column = 1;
  if (offset - line_start > 2 * kCheckpointBytes) {
    column += static_cast<uint32_t>(code_points_before(offset) - code_points_before(line_start));
  } else {
    for (size_t i = line_start; i < offset; ++i) {
      if (!is_continuation(static_cast<unsigned char>(text_[i]))) ++column;
    }
  }
  return Position{static_cast<uint32_t>(line_index + 1), column, static_cast<uint32_t>(offset)};
}

Range SourceText::range(size_t begin, size_t end) const {
  if (end < begin) end = begin;
  return Range{position(begin), position(end)};
}

std::string_view SourceText::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  size_t begin = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

size_t SourceText::advance_chars(size_t from, size_t chars) const {
  size_t i = std::min(from, text_.size());
  while (chars > 0 && i < text_.size()) {
    ++i;
    while (i < text_.size() && is_continuation(static_cast<unsigned char>(text_[i]))) ++i;
    --chars;
  }
  return i;
}

std::optional<size_t> find_invalid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if (!is_continuation(cc)) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return i;
    i += len;
  }
  return std::nullopt;
}

bool looks_binary(std::string_view bytes) {
  // Anywhere, not only near the start: the parser reads a C string, so text after a NUL byte
  // would go unseen by pgsafe while psql still runs it.
  return !bytes.empty() && std::memchr(bytes.data(), '\0', bytes.size()) != nullptr;
}

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if (!is_continuation(c)) ++n;
  return n;
}

}  // namespace pgsafe
