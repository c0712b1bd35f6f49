// Max pooling over activations in oneDNN's 8-channel blocked layout (nChw8c), the layout AVX2
// convolutions hand over. oneDNN 2.6's jit pooling reads this layout at about a third of the speed
// of a plain loop (bench/native/max-pool.cc), and a pooling step follows most CNN stems. Plain
// C++ with no oneDNN or N-API types, so the micro-benchmark links it alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tsvino {

struct PoolWindow {
  std::vector<int64_t> src, dst;  // [N, C, H, W]
  std::vector<int64_t> kernel, strides, padsBegin;
};

// Whether the kernel computes this pooling: 2-D, and every window overlapping the input (else
// oneDNN's own rules for empty windows apply, and it runs the step). Dilation is the caller's check.
bool blockedMaxPoolFits(const PoolWindow& w);

// Pools `src` (nChw8c over w.src) into `dst` (nChw8c over w.dst), parallel over channel blocks and
// output rows on the OpenMP threads in effect. Padded channels must hold zeros; they stay zeros.
void blockedMaxPool(const PoolWindow& w, const float* src, float* dst);

// The implementation name profiling reports.
const char* blockedMaxPoolName();

}  // namespace tsvino
