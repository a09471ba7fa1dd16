// `--format text`: a rustc-like layout a person reads in a terminal.
//
//   migrations/001_init.sql:3:1: error[ban-drop-table]: DROP TABLE users deletes ...
//     |
//   3 | DROP TABLE users;
//     | ^^^^^^^^^^^^^^^^^
//     = help: Stop using the table in application code first ...
//     = docs: https://...
//
// A rule's help and docs link are printed with its first finding only; later findings of the rule
// get a one-line pointer to `pgsafe explain <id>` (a help tailored to one finding, such as a
// recipe naming its table, is still printed). The report ends with a count per rule.
#include <algorithm>
#include <map>
#include <string>

#include "reporters/format_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

namespace {

struct Paint {
  bool on;
  std::string operator()(std::string_view s, const char* sgr) const {
    if (!on) return std::string(s);
    return "\x1b[" + std::string(sgr) + "m" + std::string(s) + "\x1b[0m";
  }
};

constexpr const char* kBold = "1";
constexpr const char* kDim = "2";
constexpr const char* kGutter = "1;34";

const char* severity_sgr(Severity s) {
  switch (s) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;33";
    default: return "1;36";
  }
}

// A long line (minified SQL, a generated INSERT) is shown as a piece around the range, not whole:
// a whole line per finding would make the output grow with findings x line length.
constexpr size_t kMaxSnippetBytes = 240;
constexpr size_t kSnippetContextBytes = 60;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t back_to_char_start(std::string_view s, size_t i) {
  while (i > 0 && i < s.size() && is_continuation_byte(s[i])) --i;
  return i;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += is_continuation_byte(c) ? 0 : 1;
  return n;
}

// The source line under the diagnostic plus a caret underline beneath its range. Columns in the
// range are code points; the underline is placed in screen columns, so tabs and wide characters
// before or inside the range do not shift it.
void write_snippet(std::ostream& out, const Diagnostic& d, const SourceText& src, const Paint& paint) {
  const Range& r = d.range;
  // The line from the source's own index (a search from the offset would cost the line's length
  // per finding).
  util::LineAt line{src.line_text(r.start.line), 0};
  line.begin = static_cast<size_t>(line.text.data() - src.text().data());
  if (line.text.data() == nullptr || r.start.offset < line.begin || r.start.offset > line.begin + line.text.size())
    line = util::line_at(src.text(), r.start.offset);
  bool multi_line = r.end.line > r.start.line;
  std::string_view piece = line.text;
  size_t first_cp = r.start.column - 1;  // the range, in code points of `piece`
  size_t last_cp = 0;
  bool cut_before = false, cut_after = false;
  if (line.text.size() > kMaxSnippetBytes) {
    size_t len = line.text.size();
    size_t s = std::min<size_t>(r.start.offset >= line.begin ? r.start.offset - line.begin : 0, len);
    size_t e = multi_line ? len : std::clamp<size_t>(r.end.offset >= line.begin ? r.end.offset - line.begin : s, s, len);
    size_t from = back_to_char_start(line.text, s > kSnippetContextBytes ? s - kSnippetContextBytes : 0);
    size_t to = std::min(len, std::max(e, s + 1) + kSnippetContextBytes);
    to = std::min(to, from + kMaxSnippetBytes);
    to = back_to_char_start(line.text, to);
    if (to <= s) to = std::min(len, s + 1);
    cut_before = from > 0;
    cut_after = to < len;
    piece = line.text.substr(from, to - from);
    first_cp = code_points(line.text.substr(from, s - from));
    last_cp = code_points(line.text.substr(from, std::min(e, to) - from));
    if (e > to) multi_line = true;  // the range runs past what is shown: underline to the end
  }
  util::DisplayLine shown = util::expand_line(piece);
  size_t code_point_count = shown.start_col.size() - 1;
  size_t first = std::min(first_cp, code_point_count);
  size_t last;
  if (multi_line) last = code_point_count;
  else if (piece.size() != line.text.size()) last = std::clamp(last_cp, first, code_point_count);
  else last = std::clamp<size_t>(r.end.column - 1, first, code_point_count);
  // "…" before a piece cut from a longer line: one screen column.
  size_t lead = cut_before ? 1 : 0;
  size_t from = shown.start_col[first] + lead;
  size_t to = shown.start_col[last] + lead;
  // An empty range (an insertion point, or a range starting at the end of a line) still gets one
  // caret so the reader sees where it is.
  size_t carets = std::max<size_t>(to - from, 1);

  std::string number = std::to_string(r.start.line);
  std::string pad(number.size(), ' ');
  std::string text = (cut_before ? "\u2026" : "") + shown.text + (cut_after ? "\u2026" : "");
  out << paint(pad + " |", kGutter) << "\n";
  out << paint(number + " |", kGutter) << (text.empty() ? "" : " ") << text << "\n";
  std::string underline = std::string(from, ' ') + paint(std::string(carets, '^'), severity_sgr(d.severity));
  out << paint(pad + " |", kGutter) << " " << underline;
  if (r.end.line > r.start.line) out << " " << paint("...continues to line " + std::to_string(r.end.line), kDim);
  out << "\n";
}

// "  = label: text", wrapped, continuation lines aligned under the text.
void write_note(std::ostream& out, size_t indent, std::string_view label, std::string_view text, size_t width,
                const Paint& paint) {
  std::string lead = std::string(indent, ' ') + "= " + std::string(label) + ": ";
  size_t avail = width > lead.size() + 20 ? width - lead.size() : 20;
  auto lines = util::wrap(text, avail);
  if (lines.empty()) lines.emplace_back();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0)
      out << std::string(indent, ' ') << paint("= " + std::string(label) + ":", kBold) << " " << lines[i];
    else
      out << std::string(lead.size(), ' ') << lines[i];
    out << "\n";
  }
}

// The closing table: one line per rule, count first, as compilers' statistics print.
void write_counts(std::ostream& out, const std::vector<Diagnostic>& diags, const Paint& paint) {
  std::vector<RuleCount> counts = count_by_rule(diags);
  if (counts.empty()) return;
  size_t number_width = 1;
  for (const auto& c : counts) number_width = std::max(number_width, std::to_string(c.active).size());
  out << paint("Findings per rule:", kBold) << "\n";
  for (const auto& c : counts) {
    std::string n = std::to_string(c.active);
    std::string severity = c.active ? std::string(util::severity_name(c.severity)) : "";
    out << "  " << std::string(number_width - n.size(), ' ') << n << " "
        << (c.active ? paint(severity, severity_sgr(c.severity)) : "") << std::string(8 - severity.size(), ' ') << c.rule;
    if (c.suppressed) out << paint(" (+" + std::to_string(c.suppressed) + " suppressed)", kDim);
    out << "\n";
  }
}

}  // namespace

void write_text(std::ostream& out, const ReportInput& in, const ReportOptions& opts) {
  Paint paint{opts.color};
  // The help already printed for each rule: a later finding with the same help gets a pointer.
  std::map<std::string, std::string, std::less<>> help_shown;
  for (const Diagnostic& d : in.diagnostics) {
    const Range& r = d.range;
    std::string where = d.file + ":" + std::to_string(r.start.line) + ":" + std::to_string(r.start.column) + ":";
    auto src = in.sources.find(d.file);
    // A file- or set-level finding with an empty range (a bad file name, a duplicate version) is
    // about the file, not a line in it: a caret at 1:1 would point at something unrelated.
    bool file_level = d.statement < 0 && r.end.offset <= r.start.offset;
    bool have_line = !file_level && src != in.sources.end() && r.start.offset <= src->second.size();
    size_t indent = std::max<size_t>(std::to_string(r.start.line).size(), 1) + 1;

    if (d.suppression) {
      // Accepted on purpose: one dim line and the reason, so reviewers still see it was waived.
      out << paint(where, kBold) << " " << paint("suppressed[" + d.rule + "]", kDim) << ": "
          << paint(d.message + " (" + std::string(util::severity_name(d.severity)) + ")", kDim) << "\n";
      write_note(out, indent, "justification",
                 d.suppression->justification.empty() ? "(none given)" : d.suppression->justification,
                 opts.text_width, paint);
      out << "\n";
      continue;
    }

    out << paint(where, kBold) << " "
        << paint(std::string(util::severity_name(d.severity)) + "[" + d.rule + "]", severity_sgr(d.severity)) << ": "
        << paint(d.message, kBold) << "\n";
    if (have_line) write_snippet(out, d, src->second, paint);
    auto shown = help_shown.find(d.rule);
    bool first_of_rule = shown == help_shown.end();
    if (!d.help.empty() && (first_of_rule || shown->second != d.help))
      write_note(out, indent, "help", d.help, opts.text_width, paint);
    if (d.fix) {
      std::string fix = d.fix->description + (d.fix->safe ? "" : " (unsafe: review before applying)");
      write_note(out, indent, "fix", fix, opts.text_width, paint);
    }
    if (first_of_rule) {
      if (!d.url.empty()) write_note(out, indent, "docs", d.url, opts.text_width, paint);
      help_shown.emplace(d.rule, d.help);
    } else {
      write_note(out, indent, "see", "pgsafe explain " + d.rule, opts.text_width, paint);
    }
    out << "\n";
  }
  write_counts(out, in.diagnostics, paint);
  if (!in.note.empty()) out << paint(in.note, kDim) << "\n";
}

}  // namespace pgsafe::report
