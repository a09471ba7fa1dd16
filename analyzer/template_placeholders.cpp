#include "analyzer/template_placeholders.h"

#include <algorithm>

namespace pgsafe {

namespace {

// Actions that render no value of their own: Go's control words and comments (and the
// Jinja-style ones, for projects that configure {% %} delimiters).
bool is_control_action(std::string_view body) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r' || s.front() == '-'))
      s.remove_prefix(1);
    return s;
  };
  body = trim(body);
  if (body.empty() || body.rfind("/*", 0) == 0 || body.front() == '#') return true;
  size_t n = 0;
  while (n < body.size() && ((body[n] >= 'a' && body[n] <= 'z') || body[n] == '_')) ++n;
  std::string_view word = body.substr(0, n);
  static const char* const kControl[] = {"if",    "else",   "end",    "range",    "with",   "define",  "block",
                                         "template", "break", "continue", "for",  "endfor", "endif",   "elif",
                                         "set",   "macro",  "endmacro", "include", "import", "extends", "raw",
                                         "endraw"};
  for (const char* c : kControl)
    if (word == c) return true;
  return false;
}

bool starts_with_at(const std::string& text, size_t pos, const std::string& what) {
  return !what.empty() && text.compare(pos, what.size(), what) == 0;
}

// Where the action opened at `open_end` closes (one past the closing delimiter), or npos.
size_t find_close(const std::string& text, size_t open_end, const std::string& close) {
  size_t j = open_end;
  while (j < text.size()) {
    char c = text[j];
    if (starts_with_at(text, j, close)) return j + close.size();
    if (c == ';') return std::string::npos;
    if (c == '"' || c == '`') {
      // A string inside the action may hold the closing delimiter; skip it whole.
      size_t k = j + 1;
      while (k < text.size() && text[k] != c) k += (c == '"' && text[k] == '\\') ? 2 : 1;
      if (k >= text.size()) return std::string::npos;
      j = k + 1;
      continue;
    }
    ++j;
  }
  return std::string::npos;
}

constexpr size_t kMaxIdentifier = 63;  // PostgreSQL's NAMEDATALEN - 1

}  // namespace

std::vector<TemplatePlaceholder> substitute_template_placeholders(std::string& text,
                                                                  const std::vector<TemplateDelimiters>& delimiters) {
  std::vector<TemplatePlaceholder> out;
  if (delimiters.empty()) return out;
  size_t i = 0;
  while (i < text.size()) {
    const TemplateDelimiters* d = nullptr;
    for (const auto& cand : delimiters)
      if (starts_with_at(text, i, cand.open)) {
        d = &cand;
        break;
      }
    if (!d) {
      ++i;
      continue;
    }
    size_t end = find_close(text, i + d->open.size(), d->close);
    if (end == std::string::npos) {
      i += d->open.size();
      continue;
    }
    TemplatePlaceholder p;
    p.begin = static_cast<uint32_t>(i);
    p.end = static_cast<uint32_t>(end);
    p.original = text.substr(i, end - i);
    std::string_view body(p.original);
    body = body.substr(d->open.size(), body.size() - d->open.size() - d->close.size());
    // The identifier fills the action's first line (at most 63 bytes); the rest is blank.
    size_t first_line = p.original.find('\n');
    if (first_line == std::string::npos) first_line = p.original.size();
    if (!is_control_action(body)) {
      std::string name = "_tpl" + std::to_string(out.size() + 1);
      size_t len = std::min(first_line, kMaxIdentifier);
      if (name.size() > len) name.resize(len);
      name.resize(len, '_');
      p.identifier = name;
    }
    for (size_t k = i; k < end; ++k) {
      size_t rel = k - i;
      if (text[k] == '\n' || text[k] == '\r') continue;
      text[k] = rel < p.identifier.size() ? p.identifier[rel] : ' ';
    }
    out.push_back(std::move(p));
    i = end;
  }
  return out;
}

std::string restore_template_placeholders(std::string text, const std::vector<TemplatePlaceholder>& placeholders) {
  for (size_t n = 0; n < placeholders.size(); ++n) {
    const auto& p = placeholders[n];
    // Only a stand-in that carries its whole number is unambiguous.
    std::string number = "_tpl" + std::to_string(n + 1);
    if (p.identifier.size() < number.size()) continue;
    size_t pos = 0;
    while ((pos = text.find(p.identifier, pos)) != std::string::npos) {
      size_t after = pos + p.identifier.size();
      if (after < text.size() && text[after] >= '0' && text[after] <= '9') {
        pos = after;
        continue;
      }
      text.replace(pos, p.identifier.size(), p.original);
      pos += p.original.size();
    }
  }
  return text;
}

}  // namespace pgsafe
