// Module init, the engine, the per-thread stream and primitive cache, and threading controls.
// Node worker threads may each load the addon: cached entries own scratch buffers, so every thread
// keeps its own cache and stream instead of sharing unguarded ones.
#include "common.h"
#include "plan-cache.h"

#include <omp.h>

#include <unordered_map>
#include <utility>

namespace tsvino {

bool oneDnnAvx512() {
  static const bool yes = (static_cast<unsigned>(dnnl_get_effective_cpu_isa()) & 0x27u) == 0x27u;
  return yes;
}

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  thread_local dnnl::stream stream(cpuEngine());
  return stream;
}

namespace {
std::unordered_map<std::string, std::shared_ptr<void>>& cache() {
  thread_local std::unordered_map<std::string, std::shared_ptr<void>> entries;
  return entries;
}
// Dynamic shapes could mint keys without end; past this many the cache starts over rather than grow.
constexpr size_t kCacheLimit = 4096;
}  // namespace

std::shared_ptr<void> cacheFind(const std::string& key) {
  auto it = cache().find(key);
  return it == cache().end() ? nullptr : it->second;
}

void cacheStore(const std::string& key, std::shared_ptr<void> value) {
  if (cache().size() >= kCacheLimit) cache().clear();
  cache()[key] = std::move(value);
}

memory::dims dimsOf(const Napi::Value& v, const char* what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of integers");
  auto a = v.As<Napi::Array>();
  memory::dims d(a.Length());
  for (uint32_t i = 0; i < a.Length(); i++) d[i] = a.Get(i).As<Napi::Number>().Int64Value();
  return d;
}

memory::dims dimsField(const Napi::Object& o, const char* name) { return dimsOf(o.Get(name), name); }

std::string keyOf(const memory::dims& d) {
  std::string s = "[";
  for (auto v : d) s += std::to_string(v) + ",";
  return s + "]";
}

int64_t elementCount(const memory::dims& d) {
  int64_t n = 1;
  for (auto v : d) n *= v;
  return n;
}

float* f32Data(const Napi::Value& v, const char* what, int64_t expected) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = v.As<Napi::Float32Array>();
  if (static_cast<int64_t>(a.ElementLength()) != expected) {
    throw Napi::RangeError::New(v.Env(), std::string(what) + " has " + std::to_string(a.ElementLength()) +
                                             " elements, expected " + std::to_string(expected));
  }
  return a.Data();
}

memory::desc plainDesc(const memory::dims& d) {
  memory::dims strides(d.size(), 1);
  for (int i = static_cast<int>(d.size()) - 2; i >= 0; i--) strides[i] = strides[i + 1] * d[i + 1];
  return memory::desc(d, memory::data_type::f32, strides);
}

void Port::init(const memory::desc& userDesc, const memory::desc& wantDesc, bool isOutput) {
  user = userDesc;
  want = wantDesc;
  same = user == want;
  if (same) return;
  scratch = memory(want, cpuEngine());
  convert = isOutput ? dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), want, cpuEngine(), user))
                     : dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), user, cpuEngine(), want));
}

memory Port::input(float* data) {
  memory m(user, cpuEngine(), data);
  if (same) return m;
  convert.execute(cpuStream(), m, scratch);
  return scratch;
}

memory Port::output(float* data) { return same ? memory(user, cpuEngine(), data) : scratch; }

void Port::finish(float* data) {
  if (same) return;
  memory m(user, cpuEngine(), data);
  convert.execute(cpuStream(), scratch, m);
}

Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<void()>& body) {
  try {
    body();
    cpuStream().wait();
  } catch (const dnnl::error& e) {
    if (e.status == dnnl_unimplemented) return Napi::Boolean::New(info.Env(), false);
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  }
  return Napi::Boolean::New(info.Env(), true);
}

namespace {

// 0 (or less) means every core, the meaning of INFERENCE_NUM_THREADS = 0. OpenMP's setting is per
// calling thread, and the primitives run on the JS thread, so setting it here is what they see.
Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  return Napi::String::New(info.Env(), std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                                           std::to_string(v->patch) + " (" + v->hash + ")");
}

// Whether this CPU has an int8 dot-product instruction (AVX-512 VNNI or AVX-VNNI). Without one,
// oneDNN's int8 kernels sum u8·s8 pairs in s16, which 8-bit weights can saturate.
Napi::Value HasInt8Dot(const Napi::CallbackInfo& info) {
  const unsigned isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
  const bool vnni = (isa & 0x40u) != 0 || (isa & 0x400u) != 0;  // the avx512_core_vnni and avx2_vnni bits
  return Napi::Boolean::New(info.Env(), vnni);
}

// oneDNN's effective ISA by name (DNNL_MAX_CPU_ISA caps it), for tests and diagnostics.
Napi::Value EffectiveIsa(const Napi::CallbackInfo& info) {
  const unsigned isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
  const std::pair<unsigned, const char*> names[] = {{0x3e7u, "avx512_core_amx"}, {0xe7u, "avx512_core_bf16"}, {0x67u, "avx512_core_vnni"},
                                                    {0x27u, "avx512_core"}, {0x407u, "avx2_vnni"}, {0x7u, "avx2"}, {0x3u, "avx"}, {0x1u, "sse41"}};
  for (auto [bits, name] : names) {
    if ((isa & bits) == bits) return Napi::String::New(info.Env(), name);
  }
  return Napi::String::New(info.Env(), "any");
}

Napi::Value CacheSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(cache().size()));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("cacheSize", Napi::Function::New(env, CacheSize));
  exports.Set("hasInt8Dot", Napi::Function::New(env, HasInt8Dot));
  exports.Set("effectiveIsa", Napi::Function::New(env, EffectiveIsa));
  registerConvolution(env, exports);
  registerMatmul(env, exports);
  registerPooling(env, exports);
  registerEltwise(env, exports);
  registerSoftmax(env, exports);
  registerBinary(env, exports);
  registerPlan(env, exports);
  registerPlanCache(env, exports);
  return exports;
}

}  // namespace tsvino

// NODE_API_MODULE pastes its argument into an identifier, so it needs an unqualified name.
static Napi::Object InitTsvino(Napi::Env env, Napi::Object exports) { return tsvino::Init(env, exports); }
NODE_API_MODULE(tsvino_native, InitTsvino)
