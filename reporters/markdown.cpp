// `--format markdown`: a report for a pull request comment or a GitHub Actions job summary
// (GitHub-flavoured markdown): counts, the active findings in a table, the tables each file
// touches and the lock it takes, and each fired rule's help collapsed in a <details> block.
//
// Messages, paths and identifiers come from the SQL under review, so every piece of them is
// escaped for where it lands: a table cell can never be split by a '|', no HTML is ever passed
// through, no '@name' notifies anyone. The report stays under ReportOptions::markdown_max_bytes
// (GitHub rejects a comment over 65536 characters): the findings table is cut first, with a line
// saying how many were left out and where to see them all.
#include <algorithm>
#include <map>
#include <sstream>

#include "reporters/finding_id.h"
#include "reporters/format_util.h"
#include "reporters/markdown_util.h"
#include "reporters/reporter.h"

namespace pgsafe::report {

// Untrusted text for a markdown table cell (or any inline markdown): one line, every character
// that could start markdown syntax backslash-escaped, HTML's specials as entities, '|' escaped
// as GFM tables require, and '@' followed by a zero-width space so a name in the SQL never
// mentions a GitHub user.
std::string md_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '\n': case '\r': case '\t': case '\f': case '\v': out += ' '; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '@': out += "@&#8203;"; break;
      case '\\': case '`': case '*': case '_': case '[': case ']': case '(': case ')': case '#': case '!':
      case '~': case '|': case '$': case '{': case '}':
        out += '\\';
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) break;  // other control characters
        out += c;
    }
  }
  return out;
}

// Untrusted text shown as code in a table cell. A code span shows everything literally but '|',
// which GFM splits cells on even there (escaped, it stays in the cell). Text a span cannot hold (a
// backtick, a line break, a space at either end) and text with '<', '>' or '&' goes into <code>
// with md_text instead: the report then never carries a '<' from the SQL, even one a code span
// would have shown harmlessly.
std::string code_cell(std::string_view s) {
  bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ';
  for (char c : s)
    plain = plain && c != '`' && c != '<' && c != '>' && c != '&' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (!plain) return "<code>" + md_text(s) + "</code>";
  std::string out = "`";
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out + "`";
}

namespace {

// Longest message shown in a cell, in bytes before escaping: a finding is one row, not a page.
constexpr size_t kMaxMessageBytes = 400;
// Room kept for the lines that say what was left out.
constexpr size_t kNoteReserve = 4000;

// At most `max` bytes of s, cut at a UTF-8 character boundary, with "…" when cut.
std::string clip(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "\u2026";
}

// Text inside raw HTML (a <summary>): markdown is not parsed there, so only entities.
std::string html_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '@': out += "@&#8203;"; break;
      case '\n': case '\r': case '\t': out += ' '; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) break;
        out += c;
    }
  }
  return out;
}

// Rule text written by pgsafe (help, rationale), which uses `code spans`: spans kept as they are,
// HTML's specials outside them as entities. Paragraph breaks are kept.
std::string md_prose(std::string_view s) {
  std::string out;
  bool in_code = false;
  for (char c : s) {
    if (c == '`') in_code = !in_code;
    if (!in_code && c == '<') out += "&lt;";
    else if (!in_code && c == '>') out += "&gt;";
    else if (!in_code && c == '&') out += "&amp;";
    else if (!in_code && c == '@') out += "@&#8203;";
    else if (c != '\r') out += c;
  }
  return out;
}

// A fenced code block that its content cannot close: the fence is longer than any backtick run in it.
std::string fenced(std::string_view code, std::string_view lang) {
  size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string body(code);
  while (!body.empty() && body.back() == '\n') body.pop_back();
  return fence + std::string(lang) + "\n" + body + "\n" + fence + "\n";
}

// A URL for a link destination: bytes outside a conservative set percent-encoded, so a link base
// with spaces, parentheses or '|' cannot end the link or the table cell.
std::string url_safe(std::string_view url) { return util::percent_encode(url, ":/?#@!$&'*+,;=%"); }

std::string plural(size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string severity_cell(Severity s) {
  switch (s) {
    case Severity::Error: return "**error**";
    case Severity::Warning: return "warning";
    default: return "info";
  }
}

bool plain_rule_id(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string rule_code(std::string_view id) { return plain_rule_id(id) ? "`" + std::string(id) + "`" : code_cell(id); }

struct Rules {
  std::map<std::string, const RuleMeta*, std::less<>> by_id;
  const RuleMeta* find(std::string_view id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  }
};

// The rule's documentation page: the URL SARIF gives as helpUri.
std::string docs_url(const Rules& rules, const Diagnostic& d) {
  if (const RuleMeta* m = rules.find(d.rule)) return rule_url(m->id);
  return d.url;
}

std::string heading(const Summary& s) {
  std::vector<std::string> parts;
  if (s.errors) parts.push_back(plural(s.errors, "error"));
  if (s.warnings) parts.push_back(plural(s.warnings, "warning"));
  if (s.infos) parts.push_back(plural(s.infos, "info"));
  std::string line = "## pgsafe: ";
  if (parts.empty()) return line + "no findings\n\n";
  for (size_t i = 0; i < parts.size(); ++i) line += (i ? ", " : "") + parts[i];
  return line + "\n\n";
}

std::string counts(const Summary& s) {
  std::string out = "| Errors | Warnings | Infos | Suppressed | Files checked |\n|---:|---:|---:|---:|---:|\n";
  out += "| " + std::to_string(s.errors) + " | " + std::to_string(s.warnings) + " | " + std::to_string(s.infos) + " | " +
         std::to_string(s.suppressed) + " | " + std::to_string(s.files) + " |\n";
  if (s.baselined) out += "\n" + plural(s.baselined, "finding") + " recorded in the baseline " +
                          (s.baselined == 1 ? "is" : "are") + " not shown.\n";
  return out;
}

std::string location_cell(const Diagnostic& d, const ReportOptions& opts) {
  SourcePath p = source_path(d.file, opts);
  std::string where = p.path + ":" + std::to_string(d.range.start.line);
  std::string shown = code_cell(where);
  bool linkable = !opts.link_base.empty() && p.relative && p.path.rfind("../", 0) != 0 && p.path != "..";
  if (!linkable) return shown;
  std::string base = opts.link_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return "[" + shown + "](" + url_safe(base) + "/" + util::percent_encode_path(p.path) + "#L" +
         std::to_string(d.range.start.line) + ")";
}

std::string finding_row(const Diagnostic& d, const Rules& rules, const ReportOptions& opts) {
  std::string url = docs_url(rules, d);
  std::string rule = url.empty() ? rule_code(d.rule) : "[" + rule_code(d.rule) + "](" + url_safe(url) + ")";
  return "| " + severity_cell(d.severity) + " | " + rule + " | " + location_cell(d, opts) + " | " +
         md_text(clip(d.message, kMaxMessageBytes)) + " |\n";
}

std::string changes_of(const TableChange& t) {
  std::vector<std::string> words;
  if (t.creates) words.push_back("create");
  if (t.alters) words.push_back("alter");
  if (t.drops) words.push_back("drop");
  if (t.rewrites) words.push_back("**rewrite**");
  if (words.empty()) words.push_back("lock");
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? ", " : "") + words[i];
  return out;
}

// One row per table per file; the file is named on its first row only.
std::vector<std::string> table_rows(const std::vector<FileTables>& files, const ReportOptions& opts) {
  std::vector<std::string> rows;
  for (const FileTables& f : files) {
    bool first = true;
    for (const TableChange& t : f.tables) {
      std::string file = first ? code_cell(source_path(f.file, opts).path) : "";
      first = false;
      rows.push_back("| " + file + " | " + code_cell(t.table) + " | " + changes_of(t) + " | " +
                     (t.strongest_lock.empty() ? "none" : md_text(t.strongest_lock)) + " |\n");
    }
  }
  return rows;
}

// The help of one fired rule, collapsed.
std::string help_block(const std::string& id, size_t active, const RuleMeta* m, const Diagnostic& first) {
  std::string summary = m ? std::string(m->summary) : std::string();
  std::string out = "<details><summary><code>" + html_text(id) + "</code> (" + plural(active, "finding") + ")";
  if (!summary.empty()) out += ": " + html_text(summary);
  out += "</summary>\n\n";
  if (m) {
    if (!m->rationale.empty()) out += "**Why:** " + md_prose(m->rationale) + "\n\n";
    if (!m->locks.empty()) out += "**Lock taken:** " + md_prose(m->locks) + "\n\n";
    if (!m->help.empty()) out += "**What to do instead:** " + md_prose(m->help) + "\n\n";
    if (!m->good_example.empty()) out += "Safe recipe:\n\n" + fenced(m->good_example, "sql") + "\n";
  } else if (!first.help.empty()) {
    out += md_prose(first.help) + "\n\n";
  }
  std::string url = m ? rule_url(m->id) : std::string(first.url);
  if (!url.empty()) out += "[Rule documentation](" + url_safe(url) + ")";
  if (plain_rule_id(id)) out += std::string(url.empty() ? "" : " · ") + "`pgsafe explain " + id + "`";
  out += "\n\n</details>\n\n";
  return out;
}

size_t total(const std::vector<std::string>& parts) {
  size_t n = 0;
  for (const auto& p : parts) n += p.size();
  return n;
}

}  // namespace

void write_markdown(std::ostream& out, const ReportInput& in, const ReportOptions& opts) {
  Rules rules;
  for (const RuleMeta* m : in.rules)
    if (m) rules.by_id.emplace(std::string(m->id), m);

  // Active findings, most severe first (the first rows are the ones kept when the table is cut),
  // then in file order.
  std::vector<const Diagnostic*> active;
  for (const Diagnostic& d : in.diagnostics)
    if (!d.suppression) active.push_back(&d);
  std::stable_sort(active.begin(), active.end(), [](const Diagnostic* a, const Diagnostic* b) {
    return static_cast<int>(a->severity) > static_cast<int>(b->severity);
  });

  std::string head = heading(in.summary) + counts(in.summary);
  if (active.empty())
    head += "\n**No findings.** pgsafe checked " + plural(in.summary.files, "file") + " and found nothing to report" +
            (in.summary.suppressed ? " (suppressed findings are counted above, not listed)" : "") + ".\n";

  std::vector<std::string> finding_rows;
  for (const Diagnostic* d : active) finding_rows.push_back(finding_row(*d, rules, opts));
  const std::string findings_head = "\n### Findings\n\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n";

  std::vector<std::string> table_lines;
  std::string tables_head;
  if (in.affected_tables) {
    table_lines = table_rows(*in.affected_tables, opts);
    tables_head = "\n### Tables these migrations touch\n\n";
    if (!table_lines.empty()) tables_head += "| File | Table | Change | Strongest lock |\n|---|---|---|---|\n";
  }

  std::vector<std::string> blocks;
  std::vector<std::string> block_ids;
  for (const RuleCount& c : count_by_rule(in.diagnostics)) {
    if (c.active == 0) continue;
    const Diagnostic* first = nullptr;
    for (const Diagnostic* d : active)
      if (d->rule == c.rule) {
        first = d;
        break;
      }
    blocks.push_back(help_block(c.rule, c.active, rules.find(c.rule), *first));
    block_ids.push_back(c.rule);
  }
  const std::string help_head = "\n### How to fix\n\n";

  // The budget: the heading always; then findings, tables and help in that order, with a share
  // kept for tables and help so a long findings table does not crowd them out entirely.
  const size_t budget = opts.markdown_max_bytes;
  size_t used = head.size() + kNoteReserve;
  size_t need_tables = tables_head.size() + total(table_lines);
  size_t need_help = blocks.empty() ? 0 : help_head.size() + total(blocks);
  size_t keep_tables = std::min(need_tables, budget / 8);
  size_t keep_help = std::min(need_help, budget / 5);
  auto room = [&](size_t reserved) { return used + reserved < budget ? budget - used - reserved : 0; };

  std::string findings;
  size_t shown_findings = 0;
  if (!finding_rows.empty()) {
    findings = findings_head;
    used += findings_head.size();
    for (const auto& row : finding_rows) {
      if (row.size() > room(keep_tables + keep_help)) break;
      findings += row;
      used += row.size();
      ++shown_findings;
    }
    if (shown_findings < finding_rows.size()) {
      size_t left = finding_rows.size() - shown_findings;
      findings += "\n_" + plural(left, "more finding") + " not shown: this report is kept under GitHub's comment size "
                  "limit. Every finding is in the run's annotations and code scanning alerts (or run `pgsafe lint` "
                  "on the branch)._\n";
    }
  }

  std::string tables;
  if (in.affected_tables) {
    tables = tables_head;
    used += tables_head.size();
    if (table_lines.empty()) tables += "No table is created, altered, dropped or locked.\n";
    size_t shown = 0;
    for (const auto& row : table_lines) {
      if (row.size() > room(keep_help)) break;
      tables += row;
      used += row.size();
      ++shown;
    }
    if (shown < table_lines.size())
      tables += "\n_" + plural(table_lines.size() - shown, "more row") + " not shown; `pgsafe plan` lists them all._\n";
  }

  std::string help;
  if (!blocks.empty()) {
    help = help_head;
    used += help_head.size();
    std::vector<std::string> left_out;
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].size() > room(0)) {
        left_out.push_back(block_ids[i]);
        continue;
      }
      help += blocks[i];
      used += blocks[i].size();
    }
    if (!left_out.empty()) {
      help += "Not shown for space: ";
      for (size_t i = 0; i < left_out.size(); ++i) help += (i ? ", " : "") + rule_code(left_out[i]);
      help += " (`pgsafe explain <rule>` prints the help).\n";
    }
  }

  std::string report = head + findings + tables + help;
  while (report.size() >= 2 && report[report.size() - 1] == '\n' && report[report.size() - 2] == '\n') report.pop_back();
  out << report;
}

}  // namespace pgsafe::report
