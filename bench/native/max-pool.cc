// oneDNN 2.6's max pooling on nChw8c activations against the plain loop tsvino's plan runs
// instead (native/src/max-pool.cc, same loop), on the pooling shapes of the corpus CNNs:
//   g++ -O3 -std=c++17 -fopenmp -Inative/src bench/native/max-pool.cc native/src/max-pool.cc -ldnnl -o /tmp/max-pool
//   OMP_NUM_THREADS=2 /tmp/max-pool; OMP_NUM_THREADS=1 /tmp/max-pool
// It checks that both give the same outputs.
#include "max-pool.h"
#include "median-ms.h"

#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using dnnl::memory;

int main() {
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream st(eng);
  // SqueezeNet 1.1's three pools (3x3, stride 2, ceil), and ResNet-50's / DenseNet-121's (3x3, stride 2, pad 1).
  struct Shape { memory::dim c, in, out, pad; } shapes[] = {{64, 111, 55, 0}, {128, 55, 27, 0}, {256, 27, 13, 0}, {64, 112, 56, 1}};
  for (const auto& x : shapes) {
    const memory::dims srcDims{1, x.c, x.in, x.in}, dstDims{1, x.c, x.out, x.out};
    memory::desc srcMd(srcDims, memory::data_type::f32, memory::format_tag::nChw8c), dstMd(dstDims, memory::data_type::f32, memory::format_tag::nChw8c);
    memory src(srcMd, eng), theirs(dstMd, eng), ours(dstMd, eng);
    float* s = static_cast<float*>(src.get_data_handle());
    for (size_t i = 0; i < srcMd.get_size() / 4; i++) s[i] = static_cast<float>((i * 7919) % 1000) / 1000.f;
    dnnl::pooling_v2_forward pool(dnnl::pooling_v2_forward::primitive_desc(
        dnnl::pooling_v2_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::pooling_max, srcMd, dstMd, {2, 2}, {3, 3},
                                       {0, 0}, {x.pad, x.pad}, {x.pad, x.pad}),
        eng));
    const double onednn = medianMs([&] {
      pool.execute(st, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, theirs}});
      st.wait();
    });
    const tsvino::PoolWindow window{srcDims, dstDims, {3, 3}, {2, 2}, {x.pad, x.pad}};
    float* out = static_cast<float*>(ours.get_data_handle());
    const double own = medianMs([&] { tsvino::blockedMaxPool(window, s, out); });
    size_t differ = 0;
    for (size_t i = 0; i < dstMd.get_size() / 4; i++) {
      differ += static_cast<float*>(theirs.get_data_handle())[i] != static_cast<float*>(ours.get_data_handle())[i];
    }
    std::printf("threads %d  C %4ld  %3ld -> %3ld  pad %ld  oneDNN %.3f ms  %s %.3f ms  (%.1fx)  outputs differing: %zu\n",
                omp_get_max_threads(), static_cast<long>(x.c), static_cast<long>(x.in), static_cast<long>(x.out), static_cast<long>(x.pad),
                onednn, tsvino::blockedMaxPoolName(), own, onednn / own, differ);
  }
}
