// Shared pieces of the addon: the one engine and stream, the primitive cache, and the conversions
// between JS values and oneDNN descriptors that every primitive family uses.
#pragma once

#include <napi.h>
#include <dnnl.hpp>

#include <functional>
#include <memory>
#include <string>

namespace tsvino {

using dnnl::memory;

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// Whether oneDNN runs AVX-512 kernels here: the CPU has them and DNNL_MAX_CPU_ISA does not cap
// them. Layout choices and tsvino's own AVX2 kernels follow oneDNN's ISA, not the CPU's flags.
bool oneDnnAvx512();

// Primitives are keyed by a string of shapes and attributes so each geometry is built once per
// process; entries are type-erased and each family prefixes its keys, so a lookup never crosses types.
std::shared_ptr<void> cacheFind(const std::string& key);
void cacheStore(const std::string& key, std::shared_ptr<void> value);

template <class T>
std::shared_ptr<T> cached(const std::string& key, const std::function<std::shared_ptr<T>()>& make) {
  if (auto hit = cacheFind(key)) return std::static_pointer_cast<T>(hit);
  auto made = make();
  cacheStore(key, made);
  return made;
}

memory::dims dimsOf(const Napi::Value& v, const char* what);
memory::dims dimsField(const Napi::Object& o, const char* name);
std::string keyOf(const memory::dims& d);

// The Float32Array's storage; throws a TypeError when it is not one or has the wrong length.
float* f32Data(const Napi::Value& v, const char* what, int64_t expected);
int64_t elementCount(const memory::dims& d);

// Row-major f32 descriptor: the layout tsvino tensors always have at the boundary.
memory::desc plainDesc(const memory::dims& d);

// One tensor crossing between a user buffer (plain layout) and the layout a primitive chose.
// The scratch buffer and reorder live in the cached entry; calls are synchronous, so one is enough.
struct Port {
  memory::desc user, want;
  bool same = true;
  dnnl::reorder convert;
  memory scratch;
  void init(const memory::desc& userDesc, const memory::desc& wantDesc, bool isOutput);
  // For an input: a memory in the wanted layout holding `data` (reordered when layouts differ).
  memory input(float* data);
  // For an output: where the primitive should write; call finish(data) after executing.
  memory output(float* data);
  void finish(float* data);
};

// Runs `body`; a oneDNN "unimplemented" (no kernel for this case) becomes `false` so TypeScript can
// fall back, any other oneDNN failure becomes a JS Error with oneDNN's message.
Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<void()>& body);

// The oneDNN algorithm an eltwise or binary name stands for (the names native.ts declares), or
// nullptr for an unknown one; the per-node kernels and the plan share these tables.
const dnnl::algorithm* eltwiseAlgorithmNamed(const std::string& name);
const dnnl::algorithm* binaryAlgorithmNamed(const std::string& name);

void registerConvolution(Napi::Env env, Napi::Object exports);
void registerMatmul(Napi::Env env, Napi::Object exports);
void registerPooling(Napi::Env env, Napi::Object exports);
void registerEltwise(Napi::Env env, Napi::Object exports);
void registerSoftmax(Napi::Env env, Napi::Object exports);
void registerBinary(Napi::Env env, Napi::Object exports);
void registerPlan(Napi::Env env, Napi::Object exports);

}  // namespace tsvino
