#include "analyzer/baseline.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "analyzer/fingerprint.h"
#include "parser/lexer.h"

namespace fs = std::filesystem;

namespace pgsafe {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

auto key_tuple(const BaselineEntry& e) { return std::tie(e.file, e.rule, e.fingerprint, e.occurrence); }

}  // namespace

std::string normalize_statement(std::string_view sql) {
  std::vector<parser::Comment> comments = parser::lex_comments(sql);
  std::string out;
  out.reserve(sql.size());
  size_t next_comment = 0;
  bool pending_space = false;
  for (size_t i = 0; i < sql.size();) {
    if (next_comment < comments.size() && i >= comments[next_comment].begin) {
      // A comment separates tokens like whitespace does.
      i = std::max<size_t>(i, comments[next_comment].end);
      ++next_comment;
      pending_space = true;
      continue;
    }
    char c = sql[i++];
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string statement_fingerprint(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  for (const auto& [begin, end] : parser::split_statements(text))
    if (offset >= begin && offset < std::max(end, begin + 1)) return fnv1a_hex(normalize_statement(text.substr(begin, end - begin)));
  // Outside every statement (a comment, the end of the file): the line is what is flagged.
  size_t line_begin = offset == 0 ? 0 : text.rfind('\n', offset - 1);
  line_begin = line_begin == std::string_view::npos || offset == 0 ? 0 : line_begin + 1;
  size_t line_end = text.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = text.size();
  return fnv1a_hex(normalize_statement(text.substr(line_begin, line_end - line_begin)));
}

std::string baseline_path(std::string_view file, const fs::path& base_dir, const fs::path& cwd) {
  fs::path p{std::string(file)};
  fs::path abs = (p.is_absolute() ? p : cwd / p).lexically_normal();
  fs::path rel = abs.lexically_relative(base_dir.lexically_normal());
  return rel.empty() ? abs.generic_string() : rel.generic_string();
}

std::vector<BaselineEntry> baseline_keys(const std::vector<Diagnostic>& diags,
                                         const std::map<std::string, SourceText>& sources, const fs::path& base_dir,
                                         const fs::path& cwd) {
  std::vector<BaselineEntry> keys;
  keys.reserve(diags.size());
  std::map<std::tuple<std::string, std::string, std::string>, size_t> seen;
  std::map<std::string, std::string> paths;
  for (const Diagnostic& d : diags) {
    BaselineEntry e;
    auto p = paths.find(d.file);
    if (p == paths.end()) p = paths.emplace(d.file, baseline_path(d.file, base_dir, cwd)).first;
    e.file = p->second;
    e.rule = d.rule;
    e.message = d.message;
    // A finding about the whole file (a bad name, a duplicate version) has no statement.
    bool file_level = d.statement < 0 && d.range.end.offset <= d.range.start.offset;
    auto src = sources.find(d.file);
    if (!file_level && src != sources.end())
      e.fingerprint = statement_fingerprint(src->second.text(), d.range.start.offset);
    else
      e.fingerprint = fnv1a_hex("");
    if (!d.suppression) e.occurrence = seen[{e.file, e.rule, e.fingerprint}]++;
    keys.push_back(std::move(e));
  }
  return keys;
}

bool parse_baseline(std::string_view json_text, Baseline& out, std::string& error) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a pgsafe baseline (not a JSON object)";
    return false;
  }
  if (!j.contains("version") || !j["version"].is_number_integer()) {
    error = "not a pgsafe baseline (no \"version\")";
    return false;
  }
  if (j["version"].get<int64_t>() != kBaselineVersion) {
    error = "baseline version " + j["version"].dump() + " is not supported (this pgsafe reads version " +
            std::to_string(kBaselineVersion) + "); write it again with --write-baseline";
    return false;
  }
  if (!j.contains("findings") || !j["findings"].is_array()) {
    error = "not a pgsafe baseline (no \"findings\" array)";
    return false;
  }
  out.entries.clear();
  size_t index = 0;
  for (const auto& f : j["findings"]) {
    auto bad = [&](const char* what) {
      error = "finding " + std::to_string(index) + ": " + what;
      return false;
    };
    if (!f.is_object()) return bad("not an object");
    for (const char* k : {"file", "rule", "fingerprint"})
      if (!f.contains(k) || !f[k].is_string()) return bad("needs string fields file, rule and fingerprint");
    if (!f.contains("occurrence") || !f["occurrence"].is_number_unsigned()) return bad("needs an occurrence (0 or more)");
    BaselineEntry e;
    e.file = f["file"].get<std::string>();
    e.rule = f["rule"].get<std::string>();
    e.fingerprint = f["fingerprint"].get<std::string>();
    e.occurrence = f["occurrence"].get<size_t>();
    if (f.contains("message") && f["message"].is_string()) e.message = f["message"].get<std::string>();
    out.entries.push_back(std::move(e));
    ++index;
  }
  return true;
}

bool read_baseline(const std::string& path, Baseline& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the baseline file";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_baseline(ss.str(), out, error);
}

std::string baseline_json(const Baseline& b) {
  std::vector<const BaselineEntry*> sorted;
  for (const auto& e : b.entries) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(),
            [](const BaselineEntry* x, const BaselineEntry* y) { return key_tuple(*x) < key_tuple(*y); });
  nlohmann::ordered_json j;
  j["version"] = kBaselineVersion;
  j["tool"] = "pgsafe";
  j["findings"] = nlohmann::ordered_json::array();
  for (const BaselineEntry* e : sorted) {
    nlohmann::ordered_json f;
    f["file"] = e->file;
    f["rule"] = e->rule;
    f["fingerprint"] = e->fingerprint;
    f["occurrence"] = e->occurrence;
    f["message"] = e->message;
    j["findings"].push_back(std::move(f));
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

size_t apply_baseline(std::vector<Diagnostic>& diags, const std::vector<BaselineEntry>& keys, const Baseline& b) {
  std::set<std::tuple<std::string, std::string, std::string, size_t>> known;
  for (const auto& e : b.entries) known.insert({e.file, e.rule, e.fingerprint, e.occurrence});
  size_t hidden = 0;
  std::vector<Diagnostic> kept;
  kept.reserve(diags.size());
  for (size_t i = 0; i < diags.size(); ++i) {
    const BaselineEntry& k = keys[i];
    if (!diags[i].suppression && known.count({k.file, k.rule, k.fingerprint, k.occurrence})) {
      ++hidden;
      continue;
    }
    kept.push_back(std::move(diags[i]));
  }
  diags = std::move(kept);
  return hidden;
}

Baseline next_baseline(const std::vector<Diagnostic>& diags, const std::vector<BaselineEntry>& keys,
                       const Baseline& previous, const std::set<std::string>& linted_files,
                       const std::function<bool(std::string_view rule)>& rule_ran) {
  Baseline b;
  for (size_t i = 0; i < diags.size(); ++i)
    if (!diags[i].suppression) b.entries.push_back(keys[i]);
  for (const auto& e : previous.entries)
    if (!linted_files.count(e.file) || !rule_ran(e.rule)) b.entries.push_back(e);
  return b;
}

}  // namespace pgsafe
