#pragma once
// PostgreSQL durations (lock_timeout, statement_timeout): what pgsafe accepts before it writes a
// configured value into SQL. A value is a number, optionally a space, optionally one of
// PostgreSQL's time units (us, ms, s, min, h, d; none means milliseconds), as the server reads
// duration settings; anything else (a quote, a semicolon, a second word) is refused, so a value
// from a config file can never become more than one literal.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

namespace pgsafe {

// The duration in milliseconds, as the server rounds it; nullopt when `s` is not a duration.
inline std::optional<double> parse_duration_ms(std::string_view s) {
  size_t i = 0;
  double value = 0;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    value = value * 10 + (s[i++] - '0');
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    double scale = 0.1;
    size_t fraction = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      value += (s[i++] - '0') * scale;
      scale /= 10;
      ++fraction;
    }
    if (fraction == 0) return std::nullopt;
    digits += fraction;
  }
  if (digits == 0 || digits > 30) return std::nullopt;
  while (i < s.size() && s[i] == ' ') ++i;
  std::string_view unit = s.substr(i);
  double per_unit;
  if (unit.empty() || unit == "ms") per_unit = 1;
  else if (unit == "us") per_unit = 0.001;
  else if (unit == "s") per_unit = 1000;
  else if (unit == "min") per_unit = 60'000;
  else if (unit == "h") per_unit = 3'600'000;
  else if (unit == "d") per_unit = 86'400'000;
  else return std::nullopt;
  // A space with no unit after it ("5 ") is not what anyone meant.
  if (unit.empty() && i != s.size()) return std::nullopt;
  if (unit.empty() && i > 0 && s[i - 1] == ' ') return std::nullopt;
  return std::rint(value * per_unit);
}

// Why `s` cannot be a timeout the fix sets, or nullopt when it can: a duration of at least 1 ms
// (0 turns the timeout off) and at most the server's limit, 2147483647 ms (about 24 days).
inline std::optional<std::string> timeout_problem(std::string_view s) {
  auto ms = parse_duration_ms(s);
  if (!ms)
    return std::string(
        "is not a PostgreSQL duration: write a number and a unit (us, ms, s, min, h or d), such as \"2s\", "
        "\"500ms\" or \"5min\"");
  if (*ms < 1) return std::string("is shorter than 1ms: PostgreSQL reads it as 0, which turns the timeout off");
  if (*ms > 2147483647.0) return std::string("is longer than PostgreSQL allows (2147483647ms, about 24 days)");
  return std::nullopt;
}

}  // namespace pgsafe
