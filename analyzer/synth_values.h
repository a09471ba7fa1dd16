#pragma once
// Values that look real for the data generator (synth.h): a deterministic random number
// generator (the same seed gives the same numbers with any compiler and standard library), the
// role a column plays judged from its name (email, first name, city, price, created_at...), and
// text for each role from small word lists written for pgsafe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgsafe::synth {

// splitmix64's finalizer: a bijective mix of 64 bits.
inline uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// FNV-1a over the bytes, then mixed: stable names -> stable streams.
inline uint64_t hash_text(std::string_view s, uint64_t h = 0xCBF29CE484222325ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return mix64(h);
}

// splitmix64: a counter through mix64. Only integer arithmetic, so its output is the same
// everywhere (std::uniform_int_distribution is not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mix64(state_);
  }
  // [0, n); the small modulo bias does not matter for test data.
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  // [lo, hi], inclusive.
  int64_t between(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename List>
  const auto& pick(const List& list) { return list[below(list.size())]; }

 private:
  uint64_t state_;
};

// What a column holds, judged from its name (and its table's, for "name").
enum class Role {
  None,
  Email, FirstName, LastName, FullName, Username, Phone, Url, ImageUrl, City, Country, CountryCode, Region,
  PostalCode, Address, Title, Description, Slug, Company, Color, Currency, Language, Timezone, Status, IpText,
  Secret, Word, Code,
  Latitude, Longitude, Price, Quantity, Count, Rating, Age, Year, Percent, Position,
  Created, Updated, Published, Deleted, Starts, Ends, Birth, Due,
  FlagOff, FlagOn,
};

Role role_of(std::string_view column, std::string_view table);

// One person per generated row, so first_name, last_name, name, email and username agree.
struct Person {
  std::string_view first, last;
  static Person pick(Rng& rng);
};

// Text for a role ("" role None gives a couple of words). unique, when not empty, is woven in so
// the value differs from every other row's (e.g. "jane.doe.4k@example.com").
std::string text_for(Role role, Rng& rng, const Person& person, const std::string& unique);

// Words and sentences.
std::string words(Rng& rng, int count, bool capitalise);
std::string sentences(Rng& rng, int count);

// n as base 36 ("0".."z", "10", ...): short unique suffixes.
std::string base36(uint64_t n);

}  // namespace pgsafe::synth
