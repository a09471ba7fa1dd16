#pragma once
// Counts of the steps whose number must grow linearly (or n log n) with the input: names probed
// when naming an index, candidate indexes compared for duplicates, ignores looked up per
// finding, statements visited to place a finding. Tests read them to prove an algorithmic bound
// without timing anything; the engine never reads them. Relaxed atomics: a count, not a fence.
#include <atomic>
#include <cstdint>

namespace pgsafe {

struct WorkCounters {
  std::atomic<uint64_t> index_name_probes{0};       // names tried by Catalog::choose_name
  std::atomic<uint64_t> index_shape_candidates{0};  // indexes compared by a duplicate lookup
  std::atomic<uint64_t> ignore_lookups{0};          // lookups of an ignore for a finding
  std::atomic<uint64_t> statement_visits{0};        // statements looked at to place a finding or an ignore
  std::atomic<uint64_t> version_comparisons{0};     // versions compared by duplicate-version

  void reset() {
    index_name_probes = 0;
    index_shape_candidates = 0;
    ignore_lookups = 0;
    statement_visits = 0;
    version_comparisons = 0;
  }
};

inline WorkCounters& work_counters() {
  static WorkCounters counters;
  return counters;
}

inline void count_work(std::atomic<uint64_t>& counter, uint64_t n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }

}  // namespace pgsafe
