// 3x3 stride-1 convolutions by Winograd's minimal filtering, F(2x2, 3x3): 16 multiplications per
// 2x2 output tile and channel pair instead of 36. oneDNN 2.6 has Winograd for AVX-512 only; on
// AVX2 its direct kernels run ResNet's 14x14 to 56x56 layers 1.3-2x slower than this
// (bench/native/winograd.cc). Activations are nChw8c in and out; the 16 products are one batched
// oneDNN matmul. No N-API types here, so the micro-benchmark links this file alone.
#pragma once

#include <dnnl.hpp>

#include <cstdint>
#include <vector>

namespace tsvino {

// An activation applied to each output after the bias: max(x, 0) + slope·min(x, 0), or a clamp.
struct WinogradActivation {
  bool clamp = false;
  float alpha = 0, beta = 0;  // relu: alpha is the negative slope; clamp: [alpha, beta]
};

struct WinogradShape {
  int64_t n, ic, oc, h, w;  // source [n, ic, h, w]; the output is [n, oc, h, w]
};

// Whether Winograd pays off and is exact enough here: src [N, IC, H, W] and weights [OC, IC, 3, 3]
// with stride 1, no dilation, padding 1 all round, IC and OC multiples of 8 and at least 64, and
// at least 49 tiles per image (7x7 maps have too few rows for the tile GEMMs to win). AVX2 only.
bool winogradFits(const dnnl::memory::dims& src, const dnnl::memory::dims& weights, const dnnl::memory::dims& dst,
                  const dnnl::memory::dims& strides, const dnnl::memory::dims& gaps, const dnnl::memory::dims& padsBegin,
                  const dnnl::memory::dims& padsEnd);

class WinogradConv {
 public:
  WinogradConv(const WinogradShape& shape, std::vector<WinogradActivation> activations, const dnnl::engine& engine);
  // Weights [OC, IC, 3, 3] row-major into `u`, the transformed [16][IC][OC] (run with the packers).
  static void transformWeights(const WinogradShape& shape, const float* oihw, float* u);
  // The transformed weights' layout.
  static dnnl::memory::desc weightsDesc(const WinogradShape& shape);
  // The batched tile GEMM (JIT code generation: run with the primitive makers).
  void makePrimitive();
  // Floats of scratch `run` needs: the transformed tiles and their products, for one pass over a
  // group of images (at most 32 MiB unless one image needs more).
  int64_t scratchFloats() const;
  // src nChw8c [n, ic, h, w], dst nChw8c [n, oc, h, w], u from transformWeights, bias [oc] or null;
  // the GEMM runs on `stream`.
  void run(const float* src, float* dst, const float* u, const float* bias, float* scratch, dnnl::stream& stream) const;
  static const char* name() { return "tsvino_winograd_f2x2_3x3:avx2"; }

 private:
  WinogradShape s_;
  std::vector<WinogradActivation> act_;
  int64_t th_, tw_;
  int64_t images_, tiles_;  // images per pass (a divisor of n) and their tiles
  dnnl::matmul::primitive_desc pd_;
  dnnl::matmul gemm_;
};

}  // namespace tsvino
