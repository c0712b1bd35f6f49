// Max pooling on nChw8c activations (max-pool.h). Each output pixel of a channel block is the
// lane-wise max of the window's 8-float vectors; windows are clipped to the input, which is what
// padding means for max pooling.
#include "max-pool.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cfloat>

namespace tsvino {
namespace {

struct Geometry {
  int64_t blocks, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw;
};

// One output row of one channel block (of one image): `s` is the block's first input row, `d` the
// output row.
__attribute__((target("avx2"))) void poolRowAvx2(const float* s, float* d, const Geometry& g, int64_t y) {
  const int64_t y0 = std::max<int64_t>(0, y * g.sh - g.ph), y1 = std::min(g.ih, y * g.sh - g.ph + g.kh);
  for (int64_t x = 0; x < g.ow; x++) {
    const int64_t x0 = std::max<int64_t>(0, x * g.sw - g.pw), x1 = std::min(g.iw, x * g.sw - g.pw + g.kw);
    __m256 m = _mm256_set1_ps(-FLT_MAX);
    for (int64_t r = y0; r < y1; r++) {
      const float* row = s + r * g.iw * 8;
      for (int64_t q = x0; q < x1; q++) m = _mm256_max_ps(m, _mm256_load_ps(row + q * 8));
    }
    _mm256_store_ps(d + x * 8, m);
  }
}

void poolRowPortable(const float* s, float* d, const Geometry& g, int64_t y) {
  const int64_t y0 = std::max<int64_t>(0, y * g.sh - g.ph), y1 = std::min(g.ih, y * g.sh - g.ph + g.kh);
  for (int64_t x = 0; x < g.ow; x++) {
    const int64_t x0 = std::max<int64_t>(0, x * g.sw - g.pw), x1 = std::min(g.iw, x * g.sw - g.pw + g.kw);
    float m[8];
    std::fill(m, m + 8, -FLT_MAX);
    for (int64_t r = y0; r < y1; r++) {
      for (int64_t q = x0; q < x1; q++) {
        const float* v = s + (r * g.iw + q) * 8;
        for (int l = 0; l < 8; l++) m[l] = std::max(m[l], v[l]);
      }
    }
    std::copy(m, m + 8, d + x * 8);
  }
}

}  // namespace

bool blockedMaxPoolFits(const PoolWindow& w) {
  if (w.src.size() != 4 || w.dst.size() != 4 || w.kernel.size() != 2 || w.strides.size() != 2 || w.padsBegin.size() != 2) return false;
  for (int i = 0; i < 2; i++) {
    const int64_t in = w.src[2 + i], out = w.dst[2 + i], k = w.kernel[i], st = w.strides[i], p = w.padsBegin[i];
    if (k < 1 || st < 1 || p < 0 || p >= k || out < 1) return false;
    // The last window must start inside the input (ceil rounding can place one in the end padding).
    if ((out - 1) * st - p >= in) return false;
  }
  return w.src[0] == w.dst[0] && w.src[1] == w.dst[1];
}

const char* blockedMaxPoolName() {
  return __builtin_cpu_supports("avx2") ? "tsvino_max_pool_nChw8c:avx2" : "tsvino_max_pool_nChw8c:portable";
}

void blockedMaxPool(const PoolWindow& w, const float* src, float* dst) {
  const Geometry g{w.src[0] * ((w.src[1] + 7) / 8), w.src[2], w.src[3], w.dst[2], w.dst[3], w.kernel[0], w.kernel[1],
                   w.strides[0], w.strides[1], w.padsBegin[0], w.padsBegin[1]};
  static const bool avx2 = __builtin_cpu_supports("avx2");
  const int64_t rows = g.blocks * g.oh;
  // Image and channel block are one index: nChw8c stores the blocks of every image back to back.
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < rows; i++) {
    const int64_t block = i / g.oh, y = i % g.oh;
    const float* s = src + block * g.ih * g.iw * 8;
    float* d = dst + (block * g.oh + y) * g.ow * 8;
    if (avx2) poolRowAvx2(s, d, g, y);
    else poolRowPortable(s, d, g, y);
  }
}

}  // namespace tsvino
