#include "lsp/text_document.h"

#include <algorithm>
#include <cctype>

#include "reporters/format_util.h"

namespace pgsafe::lsp {

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::Utf8: return "utf-8";
    case Encoding::Utf32: return "utf-32";
    case Encoding::Utf16: break;
  }
  return "utf-16";
}

namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;  // a stray byte counts as one (documents are checked as UTF-8 before linting)
}

}  // namespace

uint32_t units_of(unsigned char lead, Encoding enc) {
  size_t len = sequence_length(lead);
  switch (enc) {
    case Encoding::Utf8: return static_cast<uint32_t>(len);
    case Encoding::Utf32: return 1;
    case Encoding::Utf16: break;
  }
  return len == 4 ? 2 : 1;  // a code point past U+FFFF is a surrogate pair
}

LineIndex::LineIndex(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      starts_.push_back(i + 1);
    } else if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      starts_.push_back(i + 1);
    }
  }
}

size_t LineIndex::line_end(std::string_view text, size_t line) const {
  size_t end = line + 1 < starts_.size() ? starts_[line + 1] : text.size();
  size_t begin = starts_[line];
  if (end > begin && end <= text.size() && line + 1 < starts_.size()) {
    if (text[end - 1] == '\n') --end;
    if (end > begin && text[end - 1] == '\r') --end;
  }
  return end;
}

LspPosition LineIndex::position(std::string_view text, size_t offset, Encoding enc) const {
  offset = std::min(offset, text.size());
  while (offset > 0 && offset < text.size() && continuation(static_cast<unsigned char>(text[offset]))) --offset;
  size_t line = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin()) - 1;
  // An offset between "\r" and "\n" belongs to the line the pair ends.
  size_t begin = starts_[line];
  size_t end = std::min(offset, line_end(text, line));
  uint32_t character = 0;
  for (size_t i = begin; i < end;) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    character += units_of(c, enc);
    i += sequence_length(c);
  }
  return {static_cast<uint32_t>(line), character};
}

size_t LineIndex::offset(std::string_view text, LspPosition pos, Encoding enc) const {
  if (pos.line >= starts_.size()) return text.size();
  size_t i = starts_[pos.line];
  size_t end = line_end(text, pos.line);
  uint32_t counted = 0;
  while (i < end && counted < pos.character) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t units = units_of(c, enc);
    if (counted + units > pos.character) break;  // inside a code point: its start
    counted += units;
    i += std::min(sequence_length(c), end - i);
  }
  return i;
}

void Document::set_text(std::string t) {
  text = std::move(t);
  lines = LineIndex(text);
}

void Document::apply_change(std::optional<std::pair<LspPosition, LspPosition>> range, const std::string& new_text,
                            Encoding enc) {
  if (!range) {
    set_text(new_text);
    return;
  }
  size_t a = lines.offset(text, range->first, enc);
  size_t b = lines.offset(text, range->second, enc);
  if (b < a) std::swap(a, b);
  text.replace(a, b - a, new_text);
  lines = LineIndex(text);
}

std::optional<std::string> path_from_uri(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.size() < scheme.size()) return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(uri[i])) != scheme[i]) return std::nullopt;
  std::string_view rest = uri.substr(scheme.size());
  // file://host/path: only the local host (empty or "localhost") names a file here.
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") return std::nullopt;
  rest = rest.substr(slash);
  size_t cut = rest.find_first_of("?#");
  if (cut != std::string_view::npos) rest = rest.substr(0, cut);
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      out += static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  if (out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

std::string uri_from_path(std::string_view absolute_path) { return report::util::file_uri(absolute_path); }

}  // namespace pgsafe::lsp
