// Elementwise activations in f32. Layout does not matter to them, so every tensor is seen as a
// flat vector and one primitive serves every shape of the same size.
#include "common.h"

#include <cstring>
#include <unordered_map>

namespace tsvino {
namespace {

const std::unordered_map<std::string, dnnl::algorithm>& algorithms() {
  static const std::unordered_map<std::string, dnnl::algorithm> table = {
      {"relu", dnnl::algorithm::eltwise_relu},
      {"logistic", dnnl::algorithm::eltwise_logistic},
      {"tanh", dnnl::algorithm::eltwise_tanh},
      {"exp", dnnl::algorithm::eltwise_exp},
      {"elu", dnnl::algorithm::eltwise_elu},
      {"clip", dnnl::algorithm::eltwise_clip},
      {"gelu_erf", dnnl::algorithm::eltwise_gelu_erf},
      {"gelu_tanh", dnnl::algorithm::eltwise_gelu_tanh},
      {"swish", dnnl::algorithm::eltwise_swish},
      {"hardswish", dnnl::algorithm::eltwise_hardswish},
      {"mish", dnnl::algorithm::eltwise_mish},
      {"soft_relu", dnnl::algorithm::eltwise_soft_relu},
      {"abs", dnnl::algorithm::eltwise_abs},
      {"sqrt", dnnl::algorithm::eltwise_sqrt},
      {"log", dnnl::algorithm::eltwise_log},
      {"linear", dnnl::algorithm::eltwise_linear},
      {"square", dnnl::algorithm::eltwise_square},
      {"pow", dnnl::algorithm::eltwise_pow},
  };
  return table;
}

struct EltwiseEntry {
  dnnl::eltwise_forward prim;
  memory::desc data;
};

// eltwise(x, out, algorithm, alpha, beta) → true, or false if unsupported. alpha/beta mean what
// oneDNN says for the algorithm (elu: alpha; clip: [alpha, beta]; swish: alpha = beta of Swish).
Napi::Value Eltwise(const Napi::CallbackInfo& info) {
  const std::string name = info[2].As<Napi::String>();
  const dnnl::algorithm* alg = eltwiseAlgorithmNamed(name);
  if (!alg) throw Napi::RangeError::New(info.Env(), "unknown eltwise algorithm " + name);
  const float alpha = info[3].As<Napi::Number>().FloatValue(), beta = info[4].As<Napi::Number>().FloatValue();
  const int64_t n = info[0].As<Napi::TypedArray>().ElementLength();
  float* x = f32Data(info[0], "x", n);
  float* y = f32Data(info[1], "out", n);
  return guarded(info, [&] {
    if (n == 0) return;  // oneDNN rejects zero-sized descriptors for some algorithms; nothing to do anyway
    // The exact bits of alpha/beta: a decimal rendering could let two nearby values share a primitive.
    uint32_t ab[2];
    std::memcpy(&ab[0], &alpha, 4);
    std::memcpy(&ab[1], &beta, 4);
    const std::string key = "eltwise" + name + keyOf({ab[0], ab[1], n});
    auto e = cached<EltwiseEntry>(key, [&] {
      auto p = std::make_shared<EltwiseEntry>();
      p->data = plainDesc({n});
      dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, *alg, p->data, alpha, beta);
      p->prim = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(desc, cpuEngine()));
      return p;
    });
    memory xm(e->data, cpuEngine(), x), ym(e->data, cpuEngine(), y);
    e->prim.execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_DST, ym}});
  });
}

}  // namespace

const dnnl::algorithm* eltwiseAlgorithmNamed(const std::string& name) {
  auto it = algorithms().find(name);
  return it == algorithms().end() ? nullptr : &it->second;
}

void registerEltwise(Napi::Env env, Napi::Object exports) {
  exports.Set("eltwise", Napi::Function::New(env, Eltwise));
}

}  // namespace tsvino
