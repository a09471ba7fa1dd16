#include "analyzer/suppressions.h"

#include <cctype>

#include "analyzer/work_counters.h"

namespace pgsafe {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The comment's words without its markers.
std::string_view comment_body(std::string_view c) {
  if (c.substr(0, 2) == "--") c.remove_prefix(2);
  else if (c.substr(0, 2) == "/*") {
    c.remove_prefix(2);
    if (c.size() >= 2 && c.substr(c.size() - 2) == "*/") c.remove_suffix(2);
  }
  return trim(c);
}

}  // namespace

bool parse_ignore_comment(std::string_view comment, IgnoreComment& out) {
  std::string_view body = comment_body(comment);
  constexpr std::string_view kFile = "pgsafe-ignore-file";
  constexpr std::string_view kLine = "pgsafe-ignore";
  if (body.substr(0, kFile.size()) == kFile) {
    out.whole_file = true;
    body.remove_prefix(kFile.size());
  } else if (body.substr(0, kLine.size()) == kLine) {
    body.remove_prefix(kLine.size());
  } else {
    return false;
  }
  // "pgsafe-ignored" or "pgsafe-ignore-next" are other words, not ours.
  if (!body.empty() && !std::isspace(static_cast<unsigned char>(body.front())) && body.front() != ':') return false;
  size_t colon = body.find(':');
  std::string_view ids = trim(colon == std::string_view::npos ? body : body.substr(0, colon));
  std::string_view reason = colon == std::string_view::npos ? std::string_view{} : trim(body.substr(colon + 1));
  size_t start = 0;
  while (start <= ids.size()) {
    size_t comma = ids.find(',', start);
    std::string_view id = trim(ids.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!id.empty()) {
      // Ids are separated by commas; allow blanks too ("a b" or "a, b").
      size_t s = 0;
      while (s < id.size()) {
        size_t e = id.find_first_of(" \t", s);
        std::string_view part = id.substr(s, e == std::string_view::npos ? std::string_view::npos : e - s);
        if (!part.empty()) out.rules.emplace_back(part);
        if (e == std::string_view::npos) break;
        s = e + 1;
      }
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  out.reason = std::string(reason);
  if (out.rules.empty()) {
    out.malformed = true;
    out.problem = "names no rule; write `pgsafe-ignore <rule-id>: <reason>`";
  } else if (out.reason.empty()) {
    out.malformed = true;
    out.problem = "gives no reason, so it suppresses nothing; write `: <why this is safe here>` after the rule id";
  }
  out.used.assign(out.rules.size(), false);
  out.known.assign(out.rules.size(), true);
  return true;
}

std::vector<IgnoreComment> collect_ignores(const SourceText& source, const parser::ParsedFile& parsed) {
  std::vector<IgnoreComment> out;
  const auto& stmts = parsed.statements();
  const std::string& text = source.text();
  // Comments come in file order, so the first statement starting after each one never moves
  // back: one pass over the statements for all the ignores, whatever their order.
  size_t next = 0;
  for (const auto& c : parsed.comments()) {
    std::string_view body(text.data() + c.begin, c.end - c.begin);
    if (body.find("pgsafe-ignore") == std::string_view::npos) continue;
    IgnoreComment ig;
    if (!parse_ignore_comment(body, ig)) continue;
    ig.begin = c.begin;
    ig.end = c.end;
    if (!ig.whole_file) {
      // The statement that follows: the first one (in the list) starting after the comment.
      while (next < stmts.size() && stmts[next].begin < c.end) {
        count_work(work_counters().statement_visits);
        ++next;
      }
      if (next < stmts.size()) ig.statement = static_cast<int>(next);
    }
    out.push_back(std::move(ig));
  }
  return out;
}

FileDirectives collect_directives(const SourceText& source, const parser::ParsedFile& parsed) {
  FileDirectives d;
  const std::string& text = source.text();
  for (const auto& c : parsed.comments()) {
    std::string_view body = comment_body(std::string_view(text.data() + c.begin, c.end - c.begin));
    if (body == "pgsafe:no-transaction" || body.substr(0, 22) == "pgsafe:no-transaction ") d.no_transaction = true;
  }
  return d;
}

}  // namespace pgsafe
