// MatMul with compressed weights (int8/int4 codes and per-channel or group-wise scales, as
// compress-weights writes them): f32 activations [.., M, K] times weights decoded block by block
// into a small per-thread f32 buffer that oneDNN's sgemm reads, so no f32 copy of the weights exists.
#pragma once

#include "plan.h"

#include <stdexcept>
#include <string>

namespace tsvino {

struct CompressedMatmul {
  PlanKernel run;
  std::string name;
  // f32 elements of scratch the kernel needs (one block buffer per thread), from the plan's arena.
  int64_t scratchFloats = 0;
};

// From a "cmatmul" step's `compressed` description, for activations `a` [.., M, K] and output
// `dst` [.., M, N]; `threads` is the most OpenMP threads the step will run with. Throws
// std::invalid_argument naming what does not fit (a group size that does not divide K, buffers of
// the wrong length). The codes, scale and zero point buffers are read in place: the caller keeps
// them alive as long as the plan.
CompressedMatmul makeCompressedMatmul(const Napi::Object& desc, const memory::dims& a, const memory::dims& dst, bool bias,
                                      int threads);

}  // namespace tsvino
