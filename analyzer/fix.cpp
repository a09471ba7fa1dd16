#include "analyzer/fix.h"

#include <algorithm>
#include <sstream>

namespace pgsafe {

namespace {

// The line ending of the line holding `offset`: "\r\n" or "\n"; for a last line without one, the
// file's majority (a file with no line break at all: "\n").
std::string_view line_ending_at(const std::string& text, size_t offset) {
  size_t nl = text.find('\n', offset);
  if (nl != std::string::npos) return nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
  size_t crlf = 0, lf = 0;
  for (size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
    ++(i > 0 && text[i - 1] == '\r' ? crlf : lf);
  return crlf > lf ? "\r\n" : "\n";
}

// Rules write their edits with "\n"; a file written with "\r\n" gets "\r\n" in what is inserted.
std::string with_line_ending(const std::string& insert, std::string_view ending) {
  if (ending == "\n" || insert.find('\n') == std::string::npos) return insert;
  std::string out;
  out.reserve(insert.size() + 8);
  for (size_t i = 0; i < insert.size(); ++i) {
    if (insert[i] == '\n' && (i == 0 || insert[i - 1] != '\r')) out += '\r';
    out += insert[i];
  }
  return out;
}

}  // namespace

FixResult apply_fixes(const std::string& text, const std::vector<const Diagnostic*>& diags, bool include_unsafe) {
  struct Chosen {
    uint32_t begin, end;
    std::string new_text;
  };
  std::vector<Chosen> chosen;
  FixResult out;
  auto overlaps = [&](uint32_t b, uint32_t e) {
    for (const auto& c : chosen) {
      // Two insertions at the same point conflict too: their order would be arbitrary.
      if (b < c.end && c.begin < e) return true;
      if (b == e && c.begin == c.end && b == c.begin) return true;
      if (b == e && b > c.begin && b < c.end) return true;
      if (c.begin == c.end && c.begin > b && c.begin < e) return true;
    }
    return false;
  };
  for (const Diagnostic* d : diags) {
    if (!d->fix || d->suppression || d->fix->edits.empty()) continue;
    if (!d->fix->safe && !include_unsafe) continue;
    bool ok = true;
    for (const auto& e : d->fix->edits) {
      uint32_t b = e.range.start.offset, en = e.range.end.offset;
      if (en < b || en > text.size() || overlaps(b, en)) { ok = false; break; }
    }
    if (!ok) continue;
    for (const auto& e : d->fix->edits)
      chosen.push_back({e.range.start.offset, e.range.end.offset,
                        with_line_ending(e.new_text, line_ending_at(text, e.range.start.offset))});
    ++out.applied;
    out.rules.push_back(d->rule);
  }
  std::sort(chosen.begin(), chosen.end(), [](const Chosen& a, const Chosen& b) { return a.begin > b.begin; });
  out.text = text;
  for (const auto& c : chosen) out.text.replace(c.begin, c.end - c.begin, c.new_text);
  return out;
}

namespace {

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, nl - start + 1));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

// Fixes change few lines of a file, so a diff by longest common subsequence over the lines
// (bounded quadratic) is plenty.
std::string unified_diff(const std::string& path, const std::string& before, const std::string& after) {
  if (before == after) return "";
  std::vector<std::string> a = split_lines(before), b = split_lines(after);
  // Trim the common head and tail so the table stays small.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[head + i] == b[head + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  // The edit script over whole files: ' ' keep, '-' delete, '+' insert.
  struct Op { char kind; size_t ai, bi; };
  std::vector<Op> ops;
  for (size_t k = 0; k < head; ++k) ops.push_back({' ', k, k});
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] == b[head + j]) { ops.push_back({' ', head + i, head + j}); ++i; ++j; }
    else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push_back({'-', head + i, head + j}); ++i; }
    else { ops.push_back({'+', head + i, head + j}); ++j; }
  }
  for (size_t k = 0; k < tail; ++k) ops.push_back({' ', head + n + k, head + m + k});

  std::ostringstream out;
  out << "--- a/" << path << "\n+++ b/" << path << "\n";
  const size_t ctx = 3;
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    size_t start = k >= ctx ? k - ctx : 0;
    size_t end = k;
    // Extend the hunk while changes are within 2*ctx lines of each other.
    while (end < ops.size()) {
      if (ops[end].kind != ' ') { ++end; continue; }
      size_t run = end;
      while (run < ops.size() && ops[run].kind == ' ') ++run;
      if (run == ops.size() || run - end > 2 * ctx) { end = std::min(ops.size(), end + ctx); break; }
      end = run;
    }
    size_t a_start = ops[start].ai, b_start = ops[start].bi, a_len = 0, b_len = 0;
    for (size_t x = start; x < end; ++x) {
      if (ops[x].kind != '+') ++a_len;
      if (ops[x].kind != '-') ++b_len;
    }
    out << "@@ -" << (a_len ? a_start + 1 : a_start) << "," << a_len << " +" << (b_len ? b_start + 1 : b_start) << ","
        << b_len << " @@\n";
    for (size_t x = start; x < end; ++x) {
      const std::string& line = ops[x].kind == '+' ? b[ops[x].bi] : a[ops[x].ai];
      out << ops[x].kind << line;
      if (line.empty() || line.back() != '\n') out << "\n\\ No newline at end of file\n";
    }
    k = end;
  }
  return out.str();
}

}  // namespace pgsafe
