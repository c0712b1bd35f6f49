// oneDNN 2.6's direct 3x3 convolution (jit:avx2, nChw8c, bias + ReLU fused) against tsvino's
// Winograd F(2x2, 3x3) (native/src/winograd.cc) on the 3x3 layers of ResNet-50 and DenseNet-121,
// with the time to transform the weights and the largest difference between the two outputs:
//   g++ -O3 -std=c++17 -fopenmp -Inative/src bench/native/winograd.cc native/src/winograd.cc -ldnnl -o /tmp/winograd
//   OMP_NUM_THREADS=2 /tmp/winograd; OMP_NUM_THREADS=1 /tmp/winograd
#include "winograd.h"
#include "median-ms.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using dnnl::memory;
using tag = memory::format_tag;

int main() {
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream st(eng);
  const memory::dim shapes[][3] = {{64, 64, 56}, {128, 128, 28}, {256, 256, 14}, {512, 512, 7}, {128, 32, 56}, {128, 32, 28}};
  for (const auto& sh : shapes) {
    const memory::dim ic = sh[0], oc = sh[1], hw = sh[2];
    std::vector<float> weights(oc * ic * 9), bias(oc);
    for (size_t i = 0; i < weights.size(); i++) weights[i] = static_cast<float>((i * 7919) % 1000) / 1000.f - 0.5f;
    for (memory::dim i = 0; i < oc; i++) bias[i] = 0.01f * static_cast<float>(i);
    const memory::desc src({1, ic, hw, hw}, memory::data_type::f32, tag::nChw8c), dst({1, oc, hw, hw}, memory::data_type::f32, tag::nChw8c);
    const memory::desc biasMd({oc}, memory::data_type::f32, tag::a);
    dnnl::post_ops po;
    po.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0, 0);
    dnnl::primitive_attr attr;
    attr.set_post_ops(po);
    dnnl::convolution_forward::primitive_desc pd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src,
                                        memory::desc({oc, ic, 3, 3}, memory::data_type::f32, tag::any), biasMd, dst, {1, 1}, {1, 1}, {1, 1}),
        attr, eng);
    memory s(src, eng), direct(dst, eng), wino(dst, eng), packed(pd.weights_desc(), eng), b(biasMd, eng, bias.data());
    memory plainWeights(memory::desc({oc, ic, 3, 3}, memory::data_type::f32, tag::oihw), eng, weights.data());
    float* x = static_cast<float*>(s.get_data_handle());
    for (size_t i = 0; i < src.get_size() / 4; i++) x[i] = static_cast<float>((i * 104729) % 1000) / 1000.f - 0.3f;
    dnnl::reorder(plainWeights, packed).execute(st, plainWeights, packed);
    st.wait();
    dnnl::convolution_forward conv(pd);
    const double directMs = medianMs([&] {
      conv.execute(st, {{DNNL_ARG_SRC, s}, {DNNL_ARG_WEIGHTS, packed}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, direct}});
      st.wait();
    });
    const tsvino::WinogradShape shape{1, ic, oc, hw, hw};
    tsvino::WinogradConv w(shape, {tsvino::WinogradActivation{}}, eng);
    memory u(tsvino::WinogradConv::weightsDesc(shape), eng);
    const auto t0 = std::chrono::steady_clock::now();
    tsvino::WinogradConv::transformWeights(shape, weights.data(), static_cast<float*>(u.get_data_handle()));
    const double transformMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    w.makePrimitive();
    std::vector<float> scratch(w.scratchFloats());
    const double winoMs = medianMs([&] { w.run(x, static_cast<float*>(wino.get_data_handle()), static_cast<const float*>(u.get_data_handle()), bias.data(), scratch.data(), st); });
    double diff = 0, scale = 0;
    const float* a = static_cast<const float*>(direct.get_data_handle());
    const float* c = static_cast<const float*>(wino.get_data_handle());
    for (size_t i = 0; i < dst.get_size() / 4; i++) {
      diff = std::max(diff, static_cast<double>(std::fabs(a[i] - c[i])));
      scale = std::max(scale, static_cast<double>(std::fabs(a[i])));
    }
    std::printf("threads %d  %4ld -> %4ld  %2ldx%-2ld  direct %.3f ms  winograd %.3f ms  (%.2fx)  weight transform %.2f ms  max|diff| %.1e of %.1e%s\n",
                omp_get_max_threads(), static_cast<long>(ic), static_cast<long>(oc), static_cast<long>(hw), static_cast<long>(hw), directMs, winoMs,
                directMs / winoMs, transformMs, diff, scale,
                tsvino::winogradFits(src.dims(), {oc, ic, 3, 3}, dst.dims(), {1, 1}, {0, 0}, {1, 1}, {1, 1}) ? "" : "  (the plan keeps direct)");
  }
}
