// Two-input elementwise arithmetic in f32 with broadcasting. oneDNN broadcasts only the second
// operand (dims of 1 in src1 stretch to src0's); the caller swaps or declines the other cases.
#include "common.h"

#include <unordered_map>

namespace tsvino {
namespace {

const std::unordered_map<std::string, dnnl::algorithm>& algorithms() {
  static const std::unordered_map<std::string, dnnl::algorithm> table = {
      {"add", dnnl::algorithm::binary_add}, {"mul", dnnl::algorithm::binary_mul},
      {"sub", dnnl::algorithm::binary_sub}, {"div", dnnl::algorithm::binary_div},
      {"max", dnnl::algorithm::binary_max}, {"min", dnnl::algorithm::binary_min},
  };
  return table;
}

struct BinaryEntry {
  dnnl::binary prim;
  memory::desc a, b, c;
};

// binary(a, aDims, b, bDims, out, algorithm) → true, or false if unsupported. Both dims have the
// output's rank; aDims equals the output's dims.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  memory::dims ad = dimsOf(info[1], "aDims"), bd = dimsOf(info[3], "bDims");
  const std::string name = info[5].As<Napi::String>();
  const dnnl::algorithm* alg = binaryAlgorithmNamed(name);
  if (!alg) throw Napi::RangeError::New(info.Env(), "unknown binary algorithm " + name);
  if (ad.size() != bd.size()) throw Napi::RangeError::New(info.Env(), "binary operands must have equal rank");
  float* a = f32Data(info[0], "a", elementCount(ad));
  float* b = f32Data(info[2], "b", elementCount(bd));
  float* c = f32Data(info[4], "out", elementCount(ad));
  return guarded(info, [&] {
    if (elementCount(ad) == 0) return;
    auto e = cached<BinaryEntry>("binary" + name + keyOf(ad) + keyOf(bd), [&] {
      auto p = std::make_shared<BinaryEntry>();
      p->a = plainDesc(ad);
      p->b = plainDesc(bd);
      p->c = plainDesc(ad);
      dnnl::binary::desc desc(*alg, p->a, p->b, p->c);
      p->prim = dnnl::binary(dnnl::binary::primitive_desc(desc, cpuEngine()));
      return p;
    });
    memory am(e->a, cpuEngine(), a), bm(e->b, cpuEngine(), b), cm(e->c, cpuEngine(), c);
    e->prim.execute(cpuStream(), {{DNNL_ARG_SRC_0, am}, {DNNL_ARG_SRC_1, bm}, {DNNL_ARG_DST, cm}});
  });
}

}  // namespace

const dnnl::algorithm* binaryAlgorithmNamed(const std::string& name) {
  auto it = algorithms().find(name);
  return it == algorithms().end() ? nullptr : &it->second;
}

void registerBinary(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary));
}

}  // namespace tsvino
