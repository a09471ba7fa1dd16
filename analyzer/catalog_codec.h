#pragma once
// A compact binary form of the catalog (and the per-file state), for the history cache
// (analyzer/history_cache.h). Little-endian fixed-width integers and length-prefixed strings;
// decoding checks every length against what is left, so a truncated or corrupt input fails
// cleanly (false) and never reads past its end. The form is private to one pgsafe build: the
// cache keys it by format and build, so there is no versioning inside.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "analyzer/catalog.h"
#include "analyzer/file_state.h"

namespace pgsafe {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void i32(int32_t v) { raw(&v, sizeof v); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  std::string& bytes() { return out_; }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  uint8_t u8() {
    uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  int32_t i32() {
    int32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  bool boolean() { return u8() != 0; }
  // A string's bytes in place (valid while the input is), for comparing without a copy.
  std::string_view view() {
    uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string str() {
    uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items each at least min_bytes long: more than what is left is corruption (and
  // would otherwise make a reader reserve or loop for billions of items).
  uint32_t count(size_t min_bytes = 1) {
    uint32_t n = u32();
    if (ok_ && static_cast<uint64_t>(n) * min_bytes > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }
  void fail() { ok_ = false; }

 private:
  void raw(void* p, size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void encode_catalog(ByteWriter& w, const Catalog& catalog);
// False when the input is not a whole encoded catalog (out is then unspecified).
bool decode_catalog(ByteReader& r, Catalog& out);

void encode_file_state(ByteWriter& w, const FileState& state);
bool decode_file_state(ByteReader& r, FileState& out);

}  // namespace pgsafe
