#include "analyzer/concurrency.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace pgsafe {

namespace {

// ceil(quota / period) from cgroup files, 0 when there is no limit or nothing to read.
unsigned cgroup_cpu_limit() {
  {
    std::ifstream in("/sys/fs/cgroup/cpu.max");  // cgroup v2: "<quota|max> <period>"
    std::string quota;
    double period = 0;
    if (in >> quota >> period) {
      if (quota == "max" || period <= 0) return 0;
      try {
        double q = std::stod(quota);
        if (q > 0) return static_cast<unsigned>(std::max(1.0, std::ceil(q / period)));
      } catch (...) {
      }
      return 0;
    }
  }
  std::ifstream q_in("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), p_in("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double q = 0, p = 0;
  if (q_in >> q && p_in >> p && q > 0 && p > 0) return static_cast<unsigned>(std::max(1.0, std::ceil(q / p)));
  return 0;
}

}  // namespace

unsigned usable_cpus() {
  unsigned n = std::thread::hardware_concurrency();
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) {
    int c = CPU_COUNT(&mask);
    if (c > 0) n = n == 0 ? static_cast<unsigned>(c) : std::min(n, static_cast<unsigned>(c));
  }
  if (unsigned limit = cgroup_cpu_limit(); limit > 0) n = n == 0 ? limit : std::min(n, limit);
  return std::max(1u, n);
}

struct StackThread::State {
  std::function<void()> fn;
  pthread_t id{};
  bool joined = false;
};

namespace {
void* trampoline(void* arg) {
  auto* s = static_cast<StackThread::State*>(arg);
  s->fn();
  return nullptr;
}
}  // namespace

StackThread::StackThread(StackThread&& other) noexcept : state_(other.state_) { other.state_ = nullptr; }

StackThread::~StackThread() { join(); }

bool StackThread::start(std::function<void()> fn, size_t stack_bytes) {
  join();
  auto* s = new State{std::move(fn)};
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) {
    delete s;
    return false;
  }
  bool ok = pthread_attr_setstacksize(&attr, stack_bytes) == 0 &&
            pthread_create(&s->id, &attr, &trampoline, s) == 0;
  pthread_attr_destroy(&attr);
  if (!ok) {
    delete s;
    return false;
  }
  state_ = s;
  return true;
}

void StackThread::join() {
  if (!state_) return;
  pthread_join(state_->id, nullptr);
  delete state_;
  state_ = nullptr;
}

void run_with_stack(const std::function<void()>& fn, size_t stack_bytes) {
  std::exception_ptr failure;
  StackThread t;
  bool started = t.start(
      [&] {
        try {
          fn();
        } catch (...) {
          failure = std::current_exception();
        }
      },
      stack_bytes);
  if (!started) {
    fn();
    return;
  }
  t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace pgsafe
