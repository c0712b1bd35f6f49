// MatMul over compressed weights, parallel over blocks of output columns: each thread decodes one
// block of weights, w = scale · (code − zero point), into its own f32 buffer and multiplies the
// activations by it with oneDNN's sgemm. Only block buffers ever hold f32 weights, so memory stays
// at the codes' size (a quarter of f32 for int8, an eighth for int4) plus threads × K × block floats.
#include "compressed-matmul.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <type_traits>

namespace tsvino {
namespace {

enum class Code { U8, I8, U4, I4 };

// The weights as compress-weights lays them out. Codes are [K][N] row-major, or [N][K] when the
// MatMul reads them transposed; 4-bit codes hold two elements a byte, the first in the low nibble
// (OpenVINO's packing). One scale (and zero point) per `group` consecutive codes along K, stored
// [K/group][N], or [N][K/group] when transposed.
struct Weights {
  Code code;
  const uint8_t* codes;
  int64_t k, n, group;
  bool transposed;
  const float* scale;
  const float* zero;  // null: symmetric codes
};

struct Shape {
  int64_t m;      // rows of activations: every leading axis folded
  int64_t block;  // output columns per block
  int threads;    // most threads; the scratch holds one block buffer each
};

#define TSVINO_INLINE inline __attribute__((always_inline))

template <Code C>
TSVINO_INLINE float nibble(unsigned v) {
  if constexpr (C == Code::I4) return static_cast<float>(static_cast<int>(v ^ 8u) - 8);  // sign-extends 4 bits
  else return static_cast<float>(v);
}

// out[j] = (code[start + j] − z) · s for `count` consecutive codes; s and z run along with j when
// PerElement (one column each), else they hold one value for the whole run (one group).
template <Code C, bool PerElement, bool HasZero>
TSVINO_INLINE void decodeRun(const uint8_t* codes, int64_t start, int64_t count, const float* s, const float* z, float* out) {
  auto value = [&](float q, int64_t j) {
    const float zj = HasZero ? (PerElement ? z[j] : z[0]) : 0.f;
    return (q - zj) * (PerElement ? s[j] : s[0]);
  };
  if constexpr (C == Code::U8 || C == Code::I8) {
    using T = std::conditional_t<C == Code::U8, uint8_t, int8_t>;
    const T* p = reinterpret_cast<const T*>(codes) + start;
    for (int64_t j = 0; j < count; j++) out[j] = value(static_cast<float>(p[j]), j);
  } else {
    int64_t j = 0, e = start;
    if (count > 0 && (e & 1)) {
      out[0] = value(nibble<C>(codes[e >> 1] >> 4), 0);
      j = 1;
      e++;
    }
    const uint8_t* p = codes + (e >> 1);
    const int64_t pairs = (count - j) / 2;
    for (int64_t i = 0; i < pairs; i++) {
      const unsigned b = p[i];
      out[j + 2 * i] = value(nibble<C>(b & 15u), j + 2 * i);
      out[j + 2 * i + 1] = value(nibble<C>(b >> 4), j + 2 * i + 1);
    }
    j += 2 * pairs;
    if (j < count) out[j] = value(nibble<C>(p[pairs] & 15u), j);
  }
}

// Eight codes (the low 8 bytes of `bytes`) decoded into out[0..8).
template <Code C, bool PerElement, bool HasZero>
__attribute__((target("avx2"), always_inline)) inline void put8(__m128i bytes, const float* s, const float* z, __m256 sv, __m256 zv,
                                                                 float* out) {
  const __m256i q32 = C == Code::U8 || C == Code::U4 ? _mm256_cvtepu8_epi32(bytes) : _mm256_cvtepi8_epi32(bytes);
  __m256 q = _mm256_cvtepi32_ps(q32);
  if (HasZero) q = _mm256_sub_ps(q, PerElement ? _mm256_loadu_ps(z) : zv);
  _mm256_storeu_ps(out, _mm256_mul_ps(q, PerElement ? _mm256_loadu_ps(s) : sv));
}

// decodeRun with AVX2: 8 (one-byte codes) or 16 (4-bit codes) elements a step, the rest as there.
template <Code C, bool PerElement, bool HasZero>
__attribute__((target("avx2"))) void decodeRunAvx2(const uint8_t* codes, int64_t start, int64_t count, const float* s, const float* z,
                                                   float* out) {
  constexpr bool fourBit = C == Code::U4 || C == Code::I4;
  if (fourBit && count > 0 && (start & 1)) {  // a run starting at a high nibble: one element first
    decodeRun<C, PerElement, HasZero>(codes, start, 1, s, z, out);
    start++, count--, out++;
    if (PerElement) s++, z += HasZero ? 1 : 0;
  }
  const __m256 sv = _mm256_set1_ps(s[0]), zv = HasZero ? _mm256_set1_ps(z[0]) : _mm256_setzero_ps();
  const int64_t step = PerElement ? 8 : 0;  // how far s and z move per 8 elements
  int64_t j = 0;
  if constexpr (!fourBit) {
    for (const uint8_t* p = codes + start; j + 8 <= count; j += 8) {
      put8<C, PerElement, HasZero>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + j)), s + j / 8 * step, z + j / 8 * step, sv, zv, out + j);
    }
  } else {
    const __m128i low = _mm_set1_epi8(15), eight = _mm_set1_epi8(8);
    for (const uint8_t* p = codes + start / 2; j + 16 <= count; j += 16, p += 8) {
      const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
      // Low and high nibbles interleaved back into element order.
      __m128i q = _mm_unpacklo_epi8(_mm_and_si128(b, low), _mm_and_si128(_mm_srli_epi16(b, 4), low));
      if (C == Code::I4) q = _mm_sub_epi8(_mm_xor_si128(q, eight), eight);
      put8<C, PerElement, HasZero>(q, s + j / 8 * step, z + j / 8 * step, sv, zv, out + j);
      put8<C, PerElement, HasZero>(_mm_srli_si128(q, 8), s + (j / 8 + 1) * step, z + (j / 8 + 1) * step, sv, zv, out + j + 8);
    }
  }
  if (j < count) decodeRun<C, PerElement, HasZero>(codes, start + j, count - j, PerElement ? s + j : s, PerElement && HasZero ? z + j : z, out + j);
}

template <Code C, bool PerElement, bool HasZero, bool Avx2>
TSVINO_INLINE void decodeRunOn(const uint8_t* codes, int64_t start, int64_t count, const float* s, const float* z, float* out) {
  if constexpr (Avx2) decodeRunAvx2<C, PerElement, HasZero>(codes, start, count, s, z, out);
  else decodeRun<C, PerElement, HasZero>(codes, start, count, s, z, out);
}

// Columns n0..n0+cols of [K][N] codes as a [K][cols] block.
template <Code C, bool HasZero, bool Avx2>
void decodeColumns(const Weights& w, int64_t n0, int64_t cols, float* out) {
  // Rows of the block lie N codes apart, too far for the hardware prefetchers to follow.
  constexpr int64_t ahead = 8;
  constexpr bool fourBit = C == Code::U4 || C == Code::I4;
  for (int64_t k = 0; k < w.k; k++) {
    if (k + ahead < w.k) {
      const uint8_t* next = w.codes + (fourBit ? ((k + ahead) * w.n + n0) / 2 : (k + ahead) * w.n + n0);
      for (int64_t b = 0; b < (fourBit ? (cols + 1) / 2 : cols); b += 64) __builtin_prefetch(next + b);
    }
    const int64_t at = (k / w.group) * w.n + n0;
    decodeRunOn<C, true, HasZero, Avx2>(w.codes, k * w.n + n0, cols, w.scale + at, HasZero ? w.zero + at : nullptr, out + k * cols);
  }
}

// Rows n0..n0+rows of [N][K] codes as a [rows][K] block.
template <Code C, bool HasZero, bool Avx2>
void decodeRows(const Weights& w, int64_t n0, int64_t rows, float* out) {
  const int64_t groups = w.k / w.group;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t n = n0 + r;
    for (int64_t g = 0; g < groups; g++) {
      const int64_t at = n * groups + g;
      decodeRunOn<C, false, HasZero, Avx2>(w.codes, n * w.k + g * w.group, w.group, w.scale + at, HasZero ? w.zero + at : nullptr,
                                           out + r * w.k + g * w.group);
    }
  }
}

template <Code C, bool HasZero>
void decodeBlockOf(const Weights& w, int64_t n0, int64_t cols, float* out) {
  // Decoding is the part of the kernel sgemm does not cover, and the addon is built for any x86-64.
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (w.transposed) avx2 ? decodeRows<C, HasZero, true>(w, n0, cols, out) : decodeRows<C, HasZero, false>(w, n0, cols, out);
  else avx2 ? decodeColumns<C, HasZero, true>(w, n0, cols, out) : decodeColumns<C, HasZero, false>(w, n0, cols, out);
}

void decodeBlock(const Weights& w, int64_t n0, int64_t cols, float* out) {
  const bool z = w.zero != nullptr;
  switch (w.code) {
    case Code::U8: return z ? decodeBlockOf<Code::U8, true>(w, n0, cols, out) : decodeBlockOf<Code::U8, false>(w, n0, cols, out);
    case Code::I8: return z ? decodeBlockOf<Code::I8, true>(w, n0, cols, out) : decodeBlockOf<Code::I8, false>(w, n0, cols, out);
    case Code::U4: return z ? decodeBlockOf<Code::U4, true>(w, n0, cols, out) : decodeBlockOf<Code::U4, false>(w, n0, cols, out);
    case Code::I4: return z ? decodeBlockOf<Code::I4, true>(w, n0, cols, out) : decodeBlockOf<Code::I4, false>(w, n0, cols, out);
  }
}

void run(const Weights& w, const Shape& sh, const float* a, float* c, const float* bias, float* scratch) {
  const int64_t blocks = (w.n + sh.block - 1) / sh.block;
  const int threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>({sh.threads, omp_get_max_threads(), blocks})));
  std::atomic<dnnl_status_t> status{dnnl_success};
  // sgemm called inside this parallel region runs on its calling thread alone (oneDNN sees the
  // region), so the threads split the columns and never each other's GEMMs.
#pragma omp parallel num_threads(threads)
  {
    float* buffer = scratch + static_cast<int64_t>(omp_get_thread_num()) * w.k * sh.block;
#pragma omp for schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
      const int64_t n0 = b * sh.block, cols = std::min(sh.block, w.n - n0);
      decodeBlock(w, n0, cols, buffer);
      const dnnl_status_t st = dnnl_sgemm('N', w.transposed ? 'T' : 'N', sh.m, cols, w.k, 1.f, a, w.k, buffer,
                                          w.transposed ? w.k : cols, 0.f, c + n0, w.n);
      if (st != dnnl_success) status = st;
      if (bias) {
        for (int64_t r = 0; r < sh.m; r++) {
          float* row = c + r * w.n + n0;
          for (int64_t j = 0; j < cols; j++) row[j] += bias[n0 + j];
        }
      }
    }
  }
  // Exceptions must not leave an OpenMP region; the plan reports oneDNN errors by name.
  if (status != dnnl_success) throw dnnl::error(status, "sgemm in a compressed matmul");
}

// Output columns per block: at most 192K floats (768 KiB) of decoded weights, and at most 256
// columns (wide blocks make the rows of [K][N] codes long enough to stream), in a number of blocks
// that splits evenly over the threads. Blocks narrower than 16 columns would leave sgemm
// repacking the activations for little work.
int64_t blockColumns(int64_t k, int64_t n, int threads) {
  const int64_t widest = std::max<int64_t>(16, std::min<int64_t>(256, 196608 / k / 16 * 16));
  int64_t blocks = (n + widest - 1) / widest;
  blocks = (blocks + threads - 1) / threads * threads;
  const int64_t cols = ((n + blocks - 1) / blocks + 15) / 16 * 16;
  return std::min(std::max<int64_t>(16, cols), n);
}

[[noreturn]] void fail(const std::string& message) { throw std::invalid_argument("compressed matmul: " + message); }

int64_t intField(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  if (!v.IsNumber()) fail(std::string(key) + " must be a number");
  return v.As<Napi::Number>().Int64Value();
}

// A typed array's bytes, checked to hold exactly `bytes` of them.
const uint8_t* bytesOf(const Napi::Value& v, size_t bytes, const char* what) {
  if (!v.IsTypedArray()) fail(std::string(what) + " must be a typed array");
  auto a = v.As<Napi::TypedArray>();
  if (a.ByteLength() != bytes) {
    fail(std::string(what) + " has " + std::to_string(a.ByteLength()) + " bytes, expected " + std::to_string(bytes));
  }
  return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

const float* floatsOf(const Napi::Value& v, int64_t count, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) fail(std::string(what) + " must be a Float32Array");
  return reinterpret_cast<const float*>(bytesOf(v, static_cast<size_t>(count) * sizeof(float), what));
}

Code codeNamed(const std::string& t) {
  if (t == "u8") return Code::U8;
  if (t == "i8") return Code::I8;
  if (t == "u4") return Code::U4;
  if (t == "i4") return Code::I4;
  fail("code type must be u8, i8, u4 or i4, got " + t);
}

}  // namespace

CompressedMatmul makeCompressedMatmul(const Napi::Object& d, const memory::dims& a, const memory::dims& dst, bool bias, int threads) {
  auto typeValue = d.Get("type");
  if (!typeValue.IsString()) fail("type must be a string");
  const std::string type = typeValue.As<Napi::String>().Utf8Value();
  Weights w{};
  w.code = codeNamed(type);
  w.k = intField(d, "k");
  w.n = intField(d, "n");
  w.group = intField(d, "groupSize");
  auto t = d.Get("transposed");
  w.transposed = t.IsBoolean() && t.As<Napi::Boolean>().Value();
  if (w.k <= 0 || w.n <= 0) fail("K and N must be positive, got " + std::to_string(w.k) + " and " + std::to_string(w.n));
  if (w.group <= 0 || w.k % w.group != 0) fail("group size " + std::to_string(w.group) + " does not divide K = " + std::to_string(w.k));
  if (a.size() < 2 || dst.size() != a.size() || a.back() != w.k || dst.back() != w.n) {
    fail("activations [.., M, " + std::to_string(w.k) + "] and output [.., M, " + std::to_string(w.n) + "] expected");
  }
  int64_t m = 1;
  for (size_t i = 0; i + 1 < a.size(); i++) {
    if (a[i] != dst[i]) fail("activations and output differ in their leading axes");
    m *= a[i];
  }
  const bool fourBit = w.code == Code::U4 || w.code == Code::I4;
  const int64_t elements = w.k * w.n;
  w.codes = bytesOf(d.Get("codes"), static_cast<size_t>(fourBit ? (elements + 1) / 2 : elements), "codes");
  const int64_t scales = elements / w.group;
  w.scale = floatsOf(d.Get("scale"), scales, "scale");
  auto zero = d.Get("zeroPoint");
  w.zero = zero.IsUndefined() || zero.IsNull() ? nullptr : floatsOf(zero, scales, "zeroPoint");
  Shape sh{m, blockColumns(w.k, w.n, std::max(1, threads)), std::max(1, threads)};

  CompressedMatmul out;
  out.name = "cmatmul_" + type + (w.group < w.k ? "_g" + std::to_string(w.group) : "_channel") + (w.transposed ? "_t" : "");
  out.scratchFloats = static_cast<int64_t>(sh.threads) * w.k * sh.block;
  out.run = [w, sh, bias](const std::unordered_map<int, memory>& args) {
    auto ptr = [&](int arg) { return static_cast<float*>(args.at(arg).get_data_handle()); };
    run(w, sh, ptr(DNNL_ARG_SRC), ptr(DNNL_ARG_DST), bias ? ptr(DNNL_ARG_BIAS) : nullptr, ptr(DNNL_ARG_SCRATCHPAD));
  };
  return out;
}

}  // namespace tsvino
