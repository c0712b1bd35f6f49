// The timing the native micro-benchmarks share: a few warm-up calls, then the median of `runs`.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

inline double medianMs(const std::function<void()>& run, int runs = 21) {
  for (int i = 0; i < 3; i++) run();
  std::vector<double> t;
  for (int i = 0; i < runs; i++) {
    const auto a = std::chrono::steady_clock::now();
    run();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
