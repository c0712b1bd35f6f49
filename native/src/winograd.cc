// Winograd F(2x2, 3x3) on nChw8c activations (winograd.h). With d a 4x4 input tile, g a 3x3
// filter and Y the 2x2 output tile: Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A. The elementwise products are
// summed over input channels, so for each of the 16 tile positions they form one GEMM
// [tiles x IC] x [IC x OC]. Each vector holds 8 channels (one nChw8c block).
#include "winograd.h"
#include "common.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>

namespace tsvino {

using dnnl::memory;

bool winogradFits(const memory::dims& src, const memory::dims& weights, const memory::dims& dst, const memory::dims& strides,
                  const memory::dims& gaps, const memory::dims& padsBegin, const memory::dims& padsEnd) {
  // AVX2 only: on AVX-512 oneDNN's direct brgconv beat this kernel on resnet50 (about 12% of the
  // whole model, docs/PERFORMANCE.md), so there the convolution stays oneDNN's.
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && !oneDnnAvx512();
  if (!avx2 || src.size() != 4 || weights.size() != 4 || dst.size() != 4) return false;
  const int64_t ic = src[1], oc = weights[0], h = src[2], w = src[3];
  if (weights[1] != ic || weights[2] != 3 || weights[3] != 3) return false;
  if (dst[0] != src[0] || dst[1] != oc || dst[2] != h || dst[3] != w) return false;
  for (int i = 0; i < 2; i++) {
    if (strides[i] != 1 || gaps[i] != 0 || padsBegin[i] != 1 || padsEnd[i] != 1) return false;
  }
  return ic % 8 == 0 && oc % 8 == 0 && ic >= 64 && oc >= 64 && ((h + 1) / 2) * ((w + 1) / 2) >= 49;
}

namespace {

// Images per pass: the most that divide the batch and keep the tiles and their products within
// 32 MiB of scratch (a large batch would otherwise need hundreds of megabytes), at least one.
int64_t imagesPerPass(const WinogradShape& s, int64_t tilesPerImage) {
  const int64_t bytesPerImage = 16 * tilesPerImage * (s.ic + s.oc) * static_cast<int64_t>(sizeof(float));
  for (int64_t d = s.n; d > 1; d--) {
    if (s.n % d == 0 && d * bytesPerImage <= (int64_t{32} << 20)) return d;
  }
  return 1;
}

}  // namespace

WinogradConv::WinogradConv(const WinogradShape& shape, std::vector<WinogradActivation> activations, const dnnl::engine& engine)
    : s_(shape), act_(std::move(activations)), th_((shape.h + 1) / 2), tw_((shape.w + 1) / 2),
      images_(imagesPerPass(shape, th_ * tw_)), tiles_(images_ * th_ * tw_) {
  const memory::desc v({16, tiles_, s_.ic}, memory::data_type::f32, memory::format_tag::abc);
  const memory::desc u = weightsDesc(s_);
  const memory::desc m({16, tiles_, s_.oc}, memory::data_type::f32, memory::format_tag::abc);
  pd_ = dnnl::matmul::primitive_desc(dnnl::matmul::desc(v, u, m), engine);
}

namespace {

// G g Gᵀ for 8 output channels at once (lane l: channel o0 + l, input channel i), with
// G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]; row p = 4a + b goes to u + p * rowStride.
__attribute__((target("avx2,fma"))) void transformFilters8(const float* first, int64_t filterStride, float* u, int64_t rowStride) {
  const __m256i at = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int>(filterStride)));
  __m256 k[9];
  for (int j = 0; j < 9; j++) k[j] = _mm256_i32gather_ps(first + j, at, 4);
  const __m256 half = _mm256_set1_ps(0.5f);
  __m256 t[4][3];  // G g: rows of the filter combined
  for (int c = 0; c < 3; c++) {
    const __m256 sum = _mm256_add_ps(k[c], k[6 + c]);
    t[0][c] = k[c];
    t[1][c] = _mm256_mul_ps(half, _mm256_add_ps(sum, k[3 + c]));
    t[2][c] = _mm256_mul_ps(half, _mm256_sub_ps(sum, k[3 + c]));
    t[3][c] = k[6 + c];
  }
  for (int a = 0; a < 4; a++) {
    const __m256 sum = _mm256_add_ps(t[a][0], t[a][2]);
    _mm256_storeu_ps(u + (a * 4 + 0) * rowStride, t[a][0]);
    _mm256_storeu_ps(u + (a * 4 + 1) * rowStride, _mm256_mul_ps(half, _mm256_add_ps(sum, t[a][1])));
    _mm256_storeu_ps(u + (a * 4 + 2) * rowStride, _mm256_mul_ps(half, _mm256_sub_ps(sum, t[a][1])));
    _mm256_storeu_ps(u + (a * 4 + 3) * rowStride, t[a][2]);
  }
}

}  // namespace

memory::desc WinogradConv::weightsDesc(const WinogradShape& s) {
  return memory::desc({16, s.ic, s.oc}, memory::data_type::f32, memory::format_tag::abc);
}

void WinogradConv::transformWeights(const WinogradShape& s, const float* oihw, float* u) {
  // U[p][i][o]: eight output channels per step, so each of the 16 rows fills 8 floats at a time.
  for (int64_t i = 0; i < s.ic; i++) {
    for (int64_t o = 0; o < s.oc; o += 8) transformFilters8(oihw + (o * s.ic + i) * 9, s.ic * 9, u + i * s.oc + o, s.ic * s.oc);
  }
}

void WinogradConv::makePrimitive() { gemm_ = dnnl::matmul(pd_); }

int64_t WinogradConv::scratchFloats() const { return 16 * tiles_ * (s_.ic + s_.oc); }

namespace {

// Bᵀ d B for one 4x4 tile of 8-channel vectors, with Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]];
// position p = 4r + c goes to out + p * stride. Unaligned loads and stores: nothing here needs more
// than the float alignment slots and scratch are given, at no cost when they are aligned.
__attribute__((target("avx2,fma"))) inline void inputTile(const __m256 d[4][4], float* out, int64_t stride) {
  __m256 t[4][4];
  for (int c = 0; c < 4; c++) {
    t[0][c] = _mm256_sub_ps(d[0][c], d[2][c]);
    t[1][c] = _mm256_add_ps(d[1][c], d[2][c]);
    t[2][c] = _mm256_sub_ps(d[2][c], d[1][c]);
    t[3][c] = _mm256_sub_ps(d[1][c], d[3][c]);
  }
  for (int r = 0; r < 4; r++) {
    _mm256_storeu_ps(out + (r * 4 + 0) * stride, _mm256_sub_ps(t[r][0], t[r][2]));
    _mm256_storeu_ps(out + (r * 4 + 1) * stride, _mm256_add_ps(t[r][1], t[r][2]));
    _mm256_storeu_ps(out + (r * 4 + 2) * stride, _mm256_sub_ps(t[r][2], t[r][1]));
    _mm256_storeu_ps(out + (r * 4 + 3) * stride, _mm256_sub_ps(t[r][1], t[r][3]));
  }
}

__attribute__((target("avx2,fma"))) inline __m256 activate(__m256 x, const std::vector<WinogradActivation>& act) {
  for (const WinogradActivation& a : act) {
    if (a.clamp) {
      x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(a.alpha)), _mm256_set1_ps(a.beta));
    } else {
      const __m256 zero = _mm256_setzero_ps();
      x = _mm256_fmadd_ps(_mm256_set1_ps(a.alpha), _mm256_min_ps(x, zero), _mm256_max_ps(x, zero));
    }
  }
  return x;
}

}  // namespace

__attribute__((target("avx2,fma"))) void WinogradConv::run(const float* src, float* dst, const float* u, const float* bias, float* scratch, dnnl::stream& stream) const {
  const int64_t icb = s_.ic / 8, ocb = s_.oc / 8, h = s_.h, w = s_.w, th = th_, tw = tw_, tiles = tiles_;
  float* v = scratch;                       // [16][tiles][IC]
  float* m = scratch + 16 * tiles * s_.ic;  // [16][tiles][OC]
  const dnnl::engine engine = stream.get_engine();
  const memory vMem(pd_.src_desc(), engine, v), uMem(pd_.weights_desc(), engine, const_cast<float*>(u)), mMem(pd_.dst_desc(), engine, m);
  for (int64_t first = 0; first < s_.n; first += images_) {
    const float* in = src + first * icb * h * w * 8;
    float* out = dst + first * ocb * h * w * 8;
    const int64_t inRows = images_ * icb * th;
#pragma omp parallel for schedule(static)
    for (int64_t row = 0; row < inRows; row++) {
      const int64_t image = row / (icb * th), cb = row / th % icb, ty = row % th;
      const float* plane = in + (image * icb + cb) * h * w * 8;
      for (int64_t tx = 0; tx < tw; tx++) {
        __m256 d[4][4];
        for (int r = 0; r < 4; r++) {
          const int64_t y = ty * 2 - 1 + r;
          for (int c = 0; c < 4; c++) {
            const int64_t x = tx * 2 - 1 + c;
            d[r][c] = y >= 0 && y < h && x >= 0 && x < w ? _mm256_loadu_ps(plane + (y * w + x) * 8) : _mm256_setzero_ps();
          }
        }
        const int64_t tile = (image * th + ty) * tw + tx;
        inputTile(d, v + tile * s_.ic + cb * 8, tiles * s_.ic);
      }
    }
    gemm_.execute(stream, {{DNNL_ARG_SRC, vMem}, {DNNL_ARG_WEIGHTS, uMem}, {DNNL_ARG_DST, mMem}});
    stream.wait();
    // Aᵀ m A with Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]], then bias and activations, clipped to the map.
    const int64_t outRows = images_ * ocb * th;
#pragma omp parallel for schedule(static)
    for (int64_t row = 0; row < outRows; row++) {
      const int64_t image = row / (ocb * th), ob = row / th % ocb, ty = row % th;
      float* plane = out + (image * ocb + ob) * h * w * 8;
      const __m256 b = bias ? _mm256_loadu_ps(bias + ob * 8) : _mm256_setzero_ps();
      for (int64_t tx = 0; tx < tw; tx++) {
        const int64_t tile = (image * th + ty) * tw + tx;
        const float* p = m + tile * s_.oc + ob * 8;
        __m256 q[4][4];
        for (int k = 0; k < 16; k++) q[k / 4][k % 4] = _mm256_loadu_ps(p + k * tiles * s_.oc);
        __m256 t[2][4];
        for (int c = 0; c < 4; c++) {
          t[0][c] = _mm256_add_ps(_mm256_add_ps(q[0][c], q[1][c]), q[2][c]);
          t[1][c] = _mm256_sub_ps(_mm256_sub_ps(q[1][c], q[2][c]), q[3][c]);
        }
        for (int r = 0; r < 2; r++) {
          const int64_t y = ty * 2 + r;
          if (y >= h) break;
          const __m256 y0 = _mm256_add_ps(_mm256_add_ps(t[r][0], t[r][1]), t[r][2]);
          const __m256 y1 = _mm256_sub_ps(_mm256_sub_ps(t[r][1], t[r][2]), t[r][3]);
          _mm256_storeu_ps(plane + (y * w + tx * 2) * 8, activate(_mm256_add_ps(y0, b), act_));
          if (tx * 2 + 1 < w) _mm256_storeu_ps(plane + (y * w + tx * 2 + 1) * 8, activate(_mm256_add_ps(y1, b), act_));
        }
      }
    }
  }
}

}  // namespace tsvino
