#include "reporters/format_util.h"

#include <filesystem>

namespace pgsafe::report::util {

namespace fs = std::filesystem;

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
    case Severity::Off: return "off";
  }
  return "off";
}

RootedPath relative_to_root(std::string_view file, std::string_view root) {
  fs::path p{std::string(file)};
  if (root.empty()) return {p.lexically_normal().generic_string(), p.is_relative()};
  fs::path r = fs::path(std::string(root)).lexically_normal();
  fs::path abs = p.is_absolute() ? p.lexically_normal() : (r / p).lexically_normal();
  fs::path rel = abs.lexically_relative(r);
  std::string s = rel.generic_string();
  // lexically_relative answers "../x" for files outside the root; those keep their absolute path.
  if (rel.empty() || s == ".." || s.rfind("../", 0) == 0) return {abs.generic_string(), false};
  return {s, true};
}

std::string percent_encode(std::string_view text, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || (c && keep.find(static_cast<char>(c)) != std::string_view::npos);
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string percent_encode_path(std::string_view path) { return percent_encode(path, "/"); }

std::string file_uri(std::string_view absolute_path) { return "file://" + percent_encode_path(absolute_path); }

char32_t decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > s.size()) { len = 1; return c; }
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) { len = 1; return c; }
    cp = (cp << 6) | (cc & 0x3F);
  }
  len = n;
  return cp;
}

int display_width(char32_t cp) {
  struct Span { char32_t lo, hi; };
  // Combining marks and zero-width characters draw on the previous cell.
  static constexpr Span kZero[] = {{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
                                   {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x200B, 0x200F},
                                   {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x1F3FB, 0x1F3FF}};
  // East Asian Wide/Fullwidth blocks and the emoji planes terminals draw two cells wide.
  static constexpr Span kWide[] = {{0x1100, 0x115F},  {0x2E80, 0x303E},  {0x3041, 0x33FF},  {0x3400, 0x4DBF},
                                   {0x4E00, 0x9FFF},  {0xA000, 0xA4CF},  {0xAC00, 0xD7A3},  {0xF900, 0xFAFF},
                                   {0xFE30, 0xFE4F},  {0xFF00, 0xFF60},  {0xFFE0, 0xFFE6},  {0x1F300, 0x1F64F},
                                   {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};
  for (const auto& z : kZero)
    if (cp >= z.lo && cp <= z.hi) return 0;
  for (const auto& w : kWide)
    if (cp >= w.lo && cp <= w.hi) return 2;
  return 1;
}

DisplayLine expand_line(std::string_view line, int tab_width) {
  DisplayLine out;
  size_t col = 0;
  for (size_t i = 0; i < line.size();) {
    size_t len = 1;
    char32_t cp = decode_utf8(line, i, len);
    out.start_col.push_back(col);
    if (cp == '\t') {
      size_t next = (col / tab_width + 1) * tab_width;
      out.text.append(next - col, ' ');
      col = next;
    } else if (cp < 0x20 || cp == 0x7F) {
      // Other control characters would move the terminal cursor; show a placeholder instead.
      out.text += "\xEF\xBF\xBD";
      col += 1;
    } else {
      out.text.append(line.substr(i, len));
      col += static_cast<size_t>(display_width(cp));
    }
    i += len;
  }
  out.start_col.push_back(col);
  return out;
}

namespace {

size_t text_width(std::string_view s) {
  size_t w = 0;
  for (size_t k = 0; k < s.size();) {
    size_t l = 1;
    w += static_cast<size_t>(display_width(decode_utf8(s, k, l)));
    k += l;
  }
  return w;
}

// The end of the word starting at i: the next space, except that a space inside an inline code
// span (`...`) does not end it, so `-- pgsafe-ignore x: why` is never split across lines and
// survives copy-paste. A backtick without a partner in the paragraph is an ordinary character.
size_t word_end(std::string_view para, size_t i) {
  bool in_code = false;
  size_t j = i;
  for (; j < para.size(); ++j) {
    char c = para[j];
    if (c == '`') {
      if (in_code) in_code = false;
      else if (para.find('`', j + 1) != std::string_view::npos) in_code = true;
    } else if (c == ' ' && !in_code) {
      break;
    }
  }
  return j;
}

}  // namespace

std::vector<std::string> wrap(std::string_view text, size_t width) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view para = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    // Indented lines (SQL recipes, lists) keep their layout; only prose is re-flowed.
    if (!para.empty() && (para[0] == ' ' || para[0] == '\t')) {
      lines.emplace_back(para);
    } else {
      std::string current;
      size_t current_width = 0;
      size_t i = 0;
      bool any = false;
      while (i < para.size()) {
        while (i < para.size() && para[i] == ' ') ++i;
        if (i >= para.size()) break;
        size_t j = word_end(para, i);
        std::string_view word = para.substr(i, j - i);
        size_t word_width = text_width(word);
        if (!current.empty() && current_width + 1 + word_width > width) {
          lines.push_back(std::move(current));
          current.clear();
          current_width = 0;
        }
        if (!current.empty()) {
          current += ' ';
          ++current_width;
        }
        current.append(word);
        current_width += word_width;
        any = true;
        i = j;
      }
      if (any || nl != std::string_view::npos || lines.empty()) lines.push_back(std::move(current));
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

LineAt line_at(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t begin = offset == 0 ? 0 : text.rfind('\n', offset - 1);
  begin = (begin == std::string_view::npos || offset == 0) ? 0 : begin + 1;
  size_t end = text.find('\n', offset);
  if (end == std::string_view::npos) end = text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return {text.substr(begin, end - begin), begin};
}

std::string pascal_case(std::string_view kebab) {
  std::string out;
  bool upper = true;
  for (char c : kebab) {
    if (c == '-' || c == '_') { upper = true; continue; }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

}  // namespace pgsafe::report::util
