#pragma once
// The history cache: linting one new file replays its whole history first (hundreds of files
// read, parsed and applied to the catalog, never reported). The engine's state once the history
// files at the start of a set are processed is saved to a file, and the next run over the same
// history restores it instead of reading, parsing and replaying those files (docs/cache.md).
//
// What is saved is everything those files leave behind that can change a later finding: the
// catalog, the state of the last up file (a down file right after starts from it), and the
// evidence that an API serves the public schema. Rules never run on history files, so they keep
// nothing of them.
//
// A cache file is used only when it was written by this pgsafe build (version, cache format and
// the executable's own size and time) for exactly the same history: the same files in the same
// order with the same paths, versions, names and directions, the same bytes (a content hash per
// file; a file whose size, times, inode and device are unchanged since the cache recorded its
// hash is not read again), and the same options (everything in the configuration and on the
// command line that can change replay or findings). Anything else is a miss: the history is
// replayed and the cache rewritten. A cache that cannot be read, is truncated, corrupt or of
// another format is a miss too; one that cannot be written is no cache. Never an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/catalog.h"
#include "analyzer/file_state.h"
#include "analyzer/migration_set.h"

namespace pgsafe {

struct LintOptions;

inline constexpr uint32_t kHistoryCacheFormat = 2;  // 2: Function::volatility, Catalog extensions

// A fast 64-bit hash of a file's bytes (not cryptographic: it tells edits apart, it is no
// defence against crafted collisions; a single changed 8-byte word never collides).
uint64_t content_hash(std::string_view bytes);

// What the cache records of one history file, besides its place in the set.
struct HistoryFileStamp {
  uint64_t content_hash = 0;
  // From stat(2), taken before the file was read. valid: the file is on disk and was not changed
  // within a few seconds of the cache being written (a change in the same timestamp tick could
  // leave these unchanged), so an equal stat means the same bytes.
  bool valid = false;
  uint64_t size = 0, mtime_ns = 0, ctime_ns = 0, inode = 0, device = 0;
};
// The stat part of a stamp for a file of the set (invalid for in-memory files).
HistoryFileStamp stat_stamp(const MigrationFile& f);

// The engine's state after the history files, besides the catalog.
struct HistoryState {
  bool has_last_up = false;  // the last file processed was an up file
  std::string last_up_version;
  FileState last_up_state;
  // Why an API serves public, from the history files alone ("" when they show nothing).
  std::string exposure_reason;
};
struct HistorySnapshot {
  Catalog catalog;
  HistoryState state;
};

// Everything in the options that can change replay or findings, as one string.
std::string history_options_key(const MigrationSet& set, const LintOptions& opts);

// The snapshot the cache file holds for the first `count` files of the set, when it holds one
// for exactly those files and that key; nullopt otherwise. max_file_size bounds a history file
// read to check its hash.
std::optional<HistorySnapshot> load_history_cache(const std::string& cache_file, const MigrationSet& set,
                                                  size_t count, const std::string& options_key,
                                                  size_t max_file_size);

// Writes the cache file for the first stamps.size() files of the set (atomically; creating its
// folder). False when it could not be written (nothing to report: there is then no cache).
bool save_history_cache(const std::string& cache_file, const MigrationSet& set,
                        std::vector<HistoryFileStamp> stamps, const std::string& options_key,
                        const Catalog& catalog, const HistoryState& state);

// Where the CLI keeps the cache for a history folder: <root>/.pgsafe/cache/history-<hash>.bin,
// root being the folder of the configuration file when there is one, else the git work tree
// holding the history folder, else the history folder's parent. `variant` tells apart caches of
// the same folder read differently (the git index).
std::string history_cache_path(const std::string& history_dir, const std::string& config_path,
                               const std::string& variant = "");

}  // namespace pgsafe
