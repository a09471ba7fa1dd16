#pragma once
// Threads for the linter: how many the machine really grants, and threads whose stack size is
// fixed by pgsafe, not by `ulimit -s`, so a deeply nested statement parses the same way on every
// machine and never overflows the stack.
#include <cstddef>
#include <functional>

namespace pgsafe {

// The stack every parsing and analysing thread gets: libpg_query and the rules recurse once per
// nesting level, and their own depth limits stop far below this.
inline constexpr size_t kAnalysisStackBytes = size_t{64} << 20;

// CPUs this process may use: the smaller of the CPU affinity mask and the cgroup CPU quota
// (cgroup v2 cpu.max, or v1 cfs quota/period), rounded up; at least 1.
unsigned usable_cpus();

// Starts fn on a new thread with the given stack size. Returns false, having started nothing,
// when the system refuses the thread (process limit, memory): the caller runs the work another
// way. join() waits for it.
class StackThread {
 public:
  StackThread() = default;
  StackThread(const StackThread&) = delete;
  StackThread& operator=(const StackThread&) = delete;
  StackThread(StackThread&& other) noexcept;
  StackThread& operator=(StackThread&&) = delete;
  ~StackThread();  // joins

  bool start(std::function<void()> fn, size_t stack_bytes = kAnalysisStackBytes);
  void join();

  struct State;  // what the new thread runs (public for the thread's entry function)

 private:
  State* state_ = nullptr;
};

// Runs fn to completion on a thread with the given stack, or on the calling thread when no thread
// can be created.
void run_with_stack(const std::function<void()>& fn, size_t stack_bytes = kAnalysisStackBytes);

}  // namespace pgsafe
