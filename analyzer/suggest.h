#pragma once
// "Did you mean ...?": the known name closest to a misspelt one, for config keys, rule ids,
// option values and subcommands. Header-only: the CLI and the analyzer both use it.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe {

// Edits (insert, delete, substitute, swap two neighbours) that turn a into b, case-insensitive.
inline size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// The candidate nearest to word, when it is near enough to be a slip of the keyboard: at most
// a third of the word's length in edits (and at least one), or a candidate the word (three
// characters or more) abbreviates. Ties go to the earlier candidate.
template <typename Names>
std::optional<std::string> closest_name(std::string_view word, const Names& candidates) {
  size_t limit = std::max<size_t>(1, (word.size() + 2) / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    std::string_view cand(c);
    size_t dist = edit_distance(word, cand);
    if (word.size() >= 3 && word.size() < cand.size() && edit_distance(word, cand.substr(0, word.size())) == 0)
      dist = std::min<size_t>(dist, 1);
    if (dist < best_distance) {
      best_distance = dist;
      best = std::string(cand);
    }
  }
  return best;
}

// " (did you mean 'x'?)" or "".
template <typename Names>
std::string did_you_mean(std::string_view word, const Names& candidates) {
  auto best = closest_name(word, candidates);
  return best ? " (did you mean '" + *best + "'?)" : std::string();
}

}  // namespace pgsafe
