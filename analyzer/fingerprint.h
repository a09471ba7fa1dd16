#pragma once
// FNV-1a, 64 bits, as 16 hex digits: stable across platforms and releases, which is all a
// fingerprint needs (baseline entries, SARIF partialFingerprints tell one project's findings
// apart; it is no defence against crafted collisions).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace pgsafe {

inline uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

inline std::string fnv1a_hex(std::string_view bytes) {
  uint64_t h = fnv1a64(bytes);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace pgsafe
