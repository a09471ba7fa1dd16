#pragma once
// A small word reader over raw SQL text, for rules that must find where a keyword sits to offer
// a fix (e.g. insert IF NOT EXISTS after CREATE TABLE). It works on any byte range, including
// statements found inside DO bodies, which have no scanner tokens of their own. Comments,
// string literals and dollar-quoted strings are skipped; quoted identifiers are words too.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe::rules {

struct Word {
  uint32_t begin = 0, end = 0;  // file byte offsets
  std::string text;             // lower-cased for bare words, unquoted for "quoted" ones
  bool quoted = false;
  char punct = 0;               // a single punctuation character ('(', '.', ',', ...) instead of a word
};

inline std::vector<Word> read_words(std::string_view file, uint32_t begin, uint32_t end, size_t limit = 0) {
  std::vector<Word> out;
  if (end > file.size()) end = static_cast<uint32_t>(file.size());
  uint32_t i = begin;
  auto ident_char = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; };
  while (i < end && (limit == 0 || out.size() < limit)) {
    unsigned char c = static_cast<unsigned char>(file[i]);
    if (std::isspace(c)) { ++i; continue; }
    if (c == '-' && i + 1 < end && file[i + 1] == '-') {
      while (i < end && file[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < end && file[i + 1] == '*') {
      int depth = 0;
      while (i < end) {
        if (file[i] == '/' && i + 1 < end && file[i + 1] == '*') { ++depth; i += 2; continue; }
        if (file[i] == '*' && i + 1 < end && file[i + 1] == '/') { i += 2; if (--depth == 0) break; continue; }
        ++i;
      }
      continue;
    }
    if (c == '\'') {
      ++i;
      while (i < end) {
        if (file[i] == '\'') {
          if (i + 1 < end && file[i + 1] == '\'') { i += 2; continue; }
          ++i;
          break;
        }
        ++i;
      }
      continue;
    }
    if (c == '$') {
      // $tag$ ... $tag$
      uint32_t j = i + 1;
      while (j < end && (std::isalnum(static_cast<unsigned char>(file[j])) || file[j] == '_')) ++j;
      if (j < end && file[j] == '$') {
        std::string_view tag = file.substr(i, j - i + 1);
        size_t close = file.find(tag, j + 1);
        i = close == std::string_view::npos || close >= end ? end : static_cast<uint32_t>(close + tag.size());
        continue;
      }
    }
    if (c == '"') {
      Word w;
      w.begin = i;
      w.quoted = true;
      ++i;
      while (i < end) {
        if (file[i] == '"') {
          if (i + 1 < end && file[i + 1] == '"') { w.text += '"'; i += 2; continue; }
          ++i;
          break;
        }
        w.text += file[i++];
      }
      w.end = i;
      out.push_back(std::move(w));
      continue;
    }
    if (ident_char(c)) {
      Word w;
      w.begin = i;
      while (i < end && ident_char(static_cast<unsigned char>(file[i]))) {
        w.text += static_cast<char>(std::tolower(static_cast<unsigned char>(file[i])));
        ++i;
      }
      w.end = i;
      out.push_back(std::move(w));
      continue;
    }
    Word w;
    w.begin = i;
    w.end = i + 1;
    w.punct = static_cast<char>(c);
    out.push_back(std::move(w));
    ++i;
  }
  return out;
}

// Whether a word is the bare keyword kw (lower case).
inline bool is_kw(const Word& w, std::string_view kw) { return !w.quoted && !w.punct && w.text == kw; }

// Walks the leading words of a statement: `expect` consumes required keywords in order, `skip`
// consumes any of a set of optional ones. A mismatch makes the walk fail (no fix is offered).
class WordWalk {
 public:
  explicit WordWalk(std::vector<Word> words) : words_(std::move(words)) {}
  bool ok() const { return ok_; }
  WordWalk& expect(std::string_view kw) {
    if (ok_ && pos_ < words_.size() && is_kw(words_[pos_], kw)) last_end_ = words_[pos_++].end;
    else ok_ = false;
    return *this;
  }
  WordWalk& skip(std::initializer_list<std::string_view> kws) {
    while (ok_ && pos_ < words_.size()) {
      bool any = false;
      for (auto kw : kws) any = any || is_kw(words_[pos_], kw);
      if (!any) break;
      last_end_ = words_[pos_++].end;
    }
    return *this;
  }
  // End offset of the last consumed word.
  uint32_t end() const { return last_end_; }
  const Word* peek() const { return pos_ < words_.size() ? &words_[pos_] : nullptr; }

 private:
  std::vector<Word> words_;
  size_t pos_ = 0;
  uint32_t last_end_ = 0;
  bool ok_ = true;
};

}  // namespace pgsafe::rules
