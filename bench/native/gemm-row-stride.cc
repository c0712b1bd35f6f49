// oneDNN 2.6 f32 matmul on constant [K, N] weights: row-major rows (stride N), transposed ("ba"),
// and rows padded to N + 16 floats, for the transformer and classifier shapes of the corpus.
// Why the CPU plugin pads weights whose rows lie a multiple of 4 KiB apart (docs/PERFORMANCE.md):
//   g++ -O2 -std=c++17 -fopenmp bench/native/gemm-row-stride.cc -ldnnl -o /tmp/gemm-row-stride
//   OMP_NUM_THREADS=2 /tmp/gemm-row-stride; OMP_NUM_THREADS=1 /tmp/gemm-row-stride
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
  dnnl::stream s(eng);
  const memory::dim shapes[][3] = {{128, 768, 768},  {128, 768, 3072}, {128, 3072, 768}, {64, 768, 2304}, {64, 768, 3072},
                                   {64, 3072, 768},  {128, 1024, 4096}, {128, 4096, 1024}, {1, 2048, 1000}, {64, 768, 50257}};
  for (const auto& sh : shapes) {
    const memory::dim m = sh[0], k = sh[1], n = sh[2];
    memory::desc src({m, k}, memory::data_type::f32, memory::format_tag::ab);
    memory::desc dst({m, n}, memory::data_type::f32, memory::format_tag::ab);
    memory a(src, eng), c(dst, eng);
    std::fill(static_cast<float*>(a.get_data_handle()), static_cast<float*>(a.get_data_handle()) + m * k, 0.5f);
    const memory::desc weights[] = {memory::desc({k, n}, memory::data_type::f32, memory::format_tag::ab),
                                    memory::desc({k, n}, memory::data_type::f32, memory::format_tag::ba),
                                    memory::desc({k, n}, memory::data_type::f32, memory::dims{n + 16, 1})};
    double ms[3];
    for (int v = 0; v < 3; v++) {
      memory b(weights[v], eng);
      std::fill(static_cast<float*>(b.get_data_handle()), static_cast<float*>(b.get_data_handle()) + weights[v].get_size() / 4, 0.25f);
      dnnl::matmul mm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights[v], dst), eng));
      ms[v] = medianMs([&] {
        mm.execute(s, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
        s.wait();
      });
    }
    const double gflop = 2.0 * m * k * n / 1e9;
    std::printf("threads %d  M %5ld K %5ld N %5ld  rows %7.2f ms (%3.0f GFLOPS)  transposed %7.2f ms  padded %7.2f ms (%3.0f GFLOPS)\n",
                omp_get_max_threads(), static_cast<long>(m), static_cast<long>(k), static_cast<long>(n), ms[0], gflop / ms[0] * 1e3, ms[1],
                ms[2], gflop / ms[2] * 1e3);
  }
}
