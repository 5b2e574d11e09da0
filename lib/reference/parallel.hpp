#pragma once
// Row-parallel loops. Work is split into fixed contiguous ranges and every output element is
// computed by exactly one thread from the same inputs, so results never depend on thread count.
#include <algorithm>
#include <thread>
#include <vector>

namespace tidemark::detail {

inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  unsigned hc = std::thread::hardware_concurrency();
  return hc ? static_cast<int>(hc) : 1;
}

// `grain`: the fewest items worth a thread of their own (rows are cheap; candidates are not).
template <class F>
void parallel_for(int n, int threads, F&& body, int grain = 16) {
  int t = std::min(resolve_threads(threads), std::max(1, n / std::max(1, grain)));
  if (t <= 1) {
    body(0, n);
    return;
  }
  std::vector<std::jthread> pool;
  pool.reserve(t - 1);
  for (int i = 1; i < t; ++i) {
    int b = static_cast<int>(static_cast<long long>(n) * i / t);
    int e = static_cast<int>(static_cast<long long>(n) * (i + 1) / t);
    pool.emplace_back([&body, b, e] { body(b, e); });
  }
  body(0, static_cast<int>(static_cast<long long>(n) / t));
}

}  // namespace tidemark::detail
