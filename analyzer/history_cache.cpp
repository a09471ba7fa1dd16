#include "analyzer/history_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "analyzer/atomic_write.h"
#include "analyzer/catalog_codec.h"
#include "analyzer/engine.h"

#ifndef PGSAFE_VERSION
#define PGSAFE_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace pgsafe {

namespace {

constexpr char kMagic[8] = {'P', 'G', 'S', 'A', 'F', 'E', 'H', 'C'};
// A file changed this close to the cache being written may change again within the same
// timestamp tick without its stat changing: its stat is not trusted (its bytes are hashed).
constexpr uint64_t kRacyNs = 2'000'000'000ull;
constexpr size_t kMaxCacheBytes = 512u * 1024 * 1024;

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t ns_of(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

bool same_stat(const HistoryFileStamp& a, const HistoryFileStamp& b) {
  return a.valid && b.valid && a.size == b.size && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns &&
         a.inode == b.inode && a.device == b.device;
}

// The build that writes and reads the cache: a rebuilt binary (a changed replay) never trusts
// what another build wrote, even under the same version number.
const std::string& build_identity() {
  static const std::string id = [] {
    std::string s = std::string(PGSAFE_VERSION) + "/" + std::to_string(kHistoryCacheFormat);
    struct stat st {};
    if (::stat("/proc/self/exe", &st) == 0)
      s += "/" + std::to_string(st.st_size) + "/" + std::to_string(ns_of(st.st_mtim));
    return s;
  }();
  return id;
}

// A cache or history file read whole; any failure is a miss.
bool read_whole(const std::string& path, size_t max, std::string& out) {
  std::string why;
  return read_migration_file(path, max, out, why);
}

// Written the way pgsafe writes every file it produces (analyzer/atomic_write.h): a reader sees
// the old cache or the new one, never half of one. Any failure only means no cache.
bool write_atomically(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  fs::path target(path);
  fs::create_directories(target.parent_path(), ec);
  if (ec) return false;
  std::string error;
  bool ok = write_file_atomically(path, bytes, error);
  if (ok) {
    // Git users need not list the cache: it ignores itself, as other tools' caches do.
    fs::path ignore = target.parent_path() / ".gitignore";
    if (!fs::exists(ignore, ec)) {
      int g = ::open(ignore.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (g >= 0) {
        static const char kIgnoreAll[] = "# Written by pgsafe: its history cache (docs/cache.md)\n*\n";
        [[maybe_unused]] ssize_t n = ::write(g, kIgnoreAll, sizeof kIgnoreAll - 1);
        ::close(g);
      }
    }
  }
  return ok;
}

// The header: build, options, and each file as the set sees it with its stamp.
void encode_header(ByteWriter& w, const MigrationSet& set, const std::vector<HistoryFileStamp>& stamps,
                   const std::string& options_key) {
  w.str(build_identity());
  w.str(options_key);
  w.u64(stamps.size());
  for (size_t i = 0; i < stamps.size(); ++i) {
    const MigrationFile& f = set.files[i];
    const HistoryFileStamp& s = stamps[i];
    w.str(f.path);
    w.str(f.version);
    w.str(f.name);
    w.u8(static_cast<uint8_t>(f.direction));
    w.boolean(f.name_matches_layout);
    w.boolean(f.from_stdin);
    w.boolean(f.contents.has_value());
    w.u64(s.content_hash);
    w.boolean(s.valid);
    w.u64(s.size);
    w.u64(s.mtime_ns);
    w.u64(s.ctime_ns);
    w.u64(s.inode);
    w.u64(s.device);
  }
}

std::string assemble(const MigrationSet& set, const std::vector<HistoryFileStamp>& stamps,
                     const std::string& options_key, std::string_view payload) {
  ByteWriter w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.u32(kHistoryCacheFormat);
  encode_header(w, set, stamps, options_key);
  w.str(payload);
  w.u64(content_hash(w.bytes()));
  return std::move(w.bytes());
}

}  // namespace

uint64_t content_hash(std::string_view s) {
  constexpr uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xBF58476D1CE4E5B9ull, k3 = 0x94D049BB133111EBull;
  // Two independent lanes over alternate words; each step is a bijection of the lane for a given
  // word and of the word for a given lane, so one changed word always changes the result.
  uint64_t a = 0x243F6A8885A308D3ull, b = 0x13198A2E03707344ull;
  size_t i = 0;
  const char* p = s.data();
  for (; i + 16 <= s.size(); i += 16) {
    uint64_t w1, w2;
    std::memcpy(&w1, p + i, 8);
    std::memcpy(&w2, p + i + 8, 8);
    a = rotl(a ^ (w1 * k1), 31) * k2;
    b = rotl(b ^ (w2 * k3), 29) * k1;
  }
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w1;
    std::memcpy(&w1, p + i, 8);
    a = rotl(a ^ (w1 * k1), 31) * k2;
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, p + i, s.size() - i);
  b = rotl(b ^ (tail * k3), 29) * k1;
  uint64_t h = a ^ rotl(b, 17) ^ (static_cast<uint64_t>(s.size()) * k2);
  // Final avalanche (splitmix64).
  h ^= h >> 30;
  h *= k2;
  h ^= h >> 27;
  h *= k3;
  h ^= h >> 31;
  return h;
}

HistoryFileStamp stat_stamp(const MigrationFile& f) {
  HistoryFileStamp s;
  if (f.contents) return s;
  struct stat st {};
  if (::stat(f.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return s;
  s.valid = true;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = ns_of(st.st_mtim);
  s.ctime_ns = ns_of(st.st_ctim);
  s.inode = static_cast<uint64_t>(st.st_ino);
  s.device = static_cast<uint64_t>(st.st_dev);
  return s;
}

std::string history_options_key(const MigrationSet& set, const LintOptions& opts) {
  const Config& c = opts.config;
  const Settings& s = c.settings;
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& [id, rc] : c.rules)
    rules.push_back({id, rc.severity ? static_cast<int>(*rc.severity) : -1, rc.options});
  nlohmann::json templates = nlohmann::json::array();
  for (const auto& t : c.template_placeholders) templates.push_back({t.open, t.close});
  nlohmann::json key = {
      {"pg_version", s.pg_version},
      {"pg_version_explicit", s.pg_version_explicit},
      {"assume_in_transaction", s.assume_in_transaction},
      {"exposed_schemas", s.exposed_schemas},
      {"exposed_schemas_auto", s.exposed_schemas_auto},
      {"config_layout", static_cast<int>(c.layout)},
      {"set_layout", static_cast<int>(set.layout)},
      {"migrations_dir", c.migrations_dir ? *c.migrations_dir : std::string("\x01none")},
      {"rules", rules},
      {"select", opts.select},
      {"ignore", opts.ignore},
      {"max_file_size", c.max_file_size},
      {"templates", templates},
      {"parse_window_bytes", opts.parse_window_bytes},
  };
  return key.dump();
}

std::optional<HistorySnapshot> load_history_cache(const std::string& cache_file, const MigrationSet& set,
                                                  size_t count, const std::string& options_key,
                                                  size_t max_file_size) {
  std::string bytes;
  if (count == 0 || count > set.files.size() || !read_whole(cache_file, kMaxCacheBytes, bytes)) return std::nullopt;
  if (bytes.size() < sizeof kMagic + 4 + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  std::string_view body(bytes.data(), bytes.size() - 8);
  uint64_t stored_sum = 0;
  std::memcpy(&stored_sum, bytes.data() + body.size(), 8);
  if (content_hash(body) != stored_sum) return std::nullopt;  // torn, truncated or corrupt
  ByteReader r(body.substr(sizeof kMagic));
  if (r.u32() != kHistoryCacheFormat || !r.ok()) return std::nullopt;
  if (r.view() != build_identity() || r.view() != options_key || r.u64() != count || !r.ok()) return std::nullopt;
  std::vector<HistoryFileStamp> stamps(count);
  bool restamp = false;  // some stamps can now be trusted where they could not be
  const uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (size_t i = 0; i < count; ++i) {
    const MigrationFile& f = set.files[i];
    if (!f.history_only) return std::nullopt;
    if (r.view() != f.path || r.view() != f.version || r.view() != f.name) return std::nullopt;
    if (r.u8() != static_cast<uint8_t>(f.direction) || r.boolean() != f.name_matches_layout ||
        r.boolean() != f.from_stdin || r.boolean() != f.contents.has_value())
      return std::nullopt;
    HistoryFileStamp stored;
    stored.content_hash = r.u64();
    stored.valid = r.boolean();
    stored.size = r.u64();
    stored.mtime_ns = r.u64();
    stored.ctime_ns = r.u64();
    stored.inode = r.u64();
    stored.device = r.u64();
    if (!r.ok()) return std::nullopt;
    if (f.contents) {
      if (content_hash(*f.contents) != stored.content_hash) return std::nullopt;
      stamps[i] = stored;
      continue;
    }
    HistoryFileStamp now_stamp = stat_stamp(f);
    if (!now_stamp.valid) return std::nullopt;
    if (same_stat(stored, now_stamp)) {
      stamps[i] = stored;
      continue;
    }
    // Changed stat, or one not trusted: the bytes decide.
    std::string text;
    if (!read_whole(f.path, max_file_size, text) || content_hash(text) != stored.content_hash) return std::nullopt;
    now_stamp.content_hash = stored.content_hash;
    // Trusted from now on only if the file was not changed while it was read, nor lately.
    HistoryFileStamp after = stat_stamp(f);
    if (same_stat(now_stamp, after) && now_stamp.mtime_ns + kRacyNs < now && now_stamp.ctime_ns + kRacyNs < now) {
      stamps[i] = now_stamp;
      restamp = true;
    } else {
      stored.valid = false;
      stamps[i] = stored;
    }
  }
  std::string_view payload = r.view();  // in the bytes read, which outlive it
  if (!r.ok() || !r.at_end()) return std::nullopt;
  ByteReader p(payload);
  HistorySnapshot snap;
  if (!decode_catalog(p, snap.catalog)) return std::nullopt;
  snap.state.has_last_up = p.boolean();
  snap.state.last_up_version = p.str();
  if (!decode_file_state(p, snap.state.last_up_state)) return std::nullopt;
  snap.state.exposure_reason = p.str();
  if (!p.ok() || !p.at_end()) return std::nullopt;
  // Stamps verified by their bytes are recorded, so the next run only stats those files.
  if (restamp) write_atomically(cache_file, assemble(set, stamps, options_key, payload));
  return snap;
}

bool save_history_cache(const std::string& cache_file, const MigrationSet& set, std::vector<HistoryFileStamp> stamps,
                        const std::string& options_key, const Catalog& catalog, const HistoryState& state) {
  if (stamps.empty() || stamps.size() > set.files.size()) return false;
  const uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (auto& s : stamps)
    if (s.valid && (s.mtime_ns + kRacyNs >= now || s.ctime_ns + kRacyNs >= now)) s.valid = false;
  ByteWriter p;
  encode_catalog(p, catalog);
  p.boolean(state.has_last_up);
  p.str(state.last_up_version);
  encode_file_state(p, state.last_up_state);
  p.str(state.exposure_reason);
  return write_atomically(cache_file, assemble(set, stamps, options_key, p.bytes()));
}

std::string history_cache_path(const std::string& history_dir, const std::string& config_path,
                               const std::string& variant) {
  std::error_code ec;
  fs::path dir = fs::absolute(history_dir, ec);
  if (ec) dir = history_dir;
  dir = dir.lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();  // "a/b/" -> "a/b"
  fs::path root;
  if (!config_path.empty()) {
    fs::path cfg = fs::absolute(config_path, ec);
    root = (ec ? fs::path(config_path) : cfg).lexically_normal().parent_path();
  } else {
    for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
      if (fs::exists(p / ".git", ec)) {
        root = p;
        break;
      }
      if (p == p.parent_path()) break;
    }
    if (root.empty()) root = dir.parent_path();
  }
  std::string id = dir.generic_string() + "\n" + variant;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(content_hash(id)));
  return (root / ".pgsafe" / "cache" / (std::string("history-") + (variant.empty() ? "" : variant + "-") + hex + ".bin"))
      .string();
}

}  // namespace pgsafe
