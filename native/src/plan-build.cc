// Turning a plan description into primitives: layouts are chosen here, step by step, and a reorder
// appears only where a step cannot read the layout its producer wrote.
#include "plan.h"
#include "plan-cache.h"
#include "compressed-matmul.h"
#include "max-pool.h"
#include "winograd.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <tuple>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include <omp.h>
#include <unordered_map>

namespace tsvino {
namespace {

using tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

struct StepError {
  std::string message;
  bool unimplemented;
};

// dims, strides and inner blocks of a descriptor, for error messages.
std::string describe(const memory::desc& md) {
  const auto& d = md.data;
  std::string s = "dims";
  for (int i = 0; i < d.ndims; i++) s += (i ? "x" : " ") + std::to_string(d.dims[i]);
  if (d.format_kind != dnnl_blocked) return s + " (not blocked: kind " + std::to_string(d.format_kind) + ")";
  s += " strides";
  for (int i = 0; i < d.ndims; i++) s += (i ? "," : " ") + std::to_string(d.format_desc.blocking.strides[i]);
  for (int i = 0; i < d.format_desc.blocking.inner_nblks; i++) {
    s += " block" + std::to_string(d.format_desc.blocking.inner_idxs[i]) + ":" + std::to_string(d.format_desc.blocking.inner_blks[i]);
  }
  if (d.extra.flags) s += " extra-flags " + std::to_string(d.extra.flags);
  return s;
}

dnnl::algorithm eltwiseAlgorithm(const std::string& name) {
  const dnnl::algorithm* alg = eltwiseAlgorithmNamed(name);
  if (!alg) throw StepError{"unknown eltwise algorithm " + name, true};
  return *alg;
}

dnnl::algorithm binaryAlgorithm(const std::string& name) {
  const dnnl::algorithm* alg = binaryAlgorithmNamed(name);
  if (!alg) throw StepError{"unknown binary algorithm " + name, true};
  return *alg;
}

// Every primitive takes its scratchpad from the context's arena, so contexts never share one.
dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

bool isPlainStrided(const memory::desc& md) {
  return md.data.format_kind == dnnl_blocked && md.data.format_desc.blocking.inner_nblks == 0;
}

memory::dims stridesOf(const memory::desc& md) {
  return memory::dims(md.data.format_desc.blocking.strides, md.data.format_desc.blocking.strides + md.data.ndims);
}

memory::desc strided(const memory::dims& dims, const memory::dims& strides) { return memory::desc(dims, kF32, strides); }

// Row-major over the slot's dims, with outer dims collapsed when the caller asks for fewer.
memory::desc anyDesc(const memory::dims& d) { return memory::desc(d, kF32, tag::any); }

bool hasAvx512() { return oneDnnAvx512(); }

// oneDNN's AVX-512 Winograd F(2x2, 3x3): 3x3 stride-1 f32 convolutions on whole 16-channel blocks,
// in nChw16c. It beat the direct kernels by about 30% at 56x56 to 14x14 (resnet50's stages); at
// 7x7 the 16/9 larger transformed weights cost more than the arithmetic saves. dilations are
// OpenVINO's (1 = dense).
bool avx512WinogradFits(const memory::dims& src, const memory::dims& weights, const memory::dims& dst, const memory::dims& strides,
                        const memory::dims& dilations) {
  if (!hasAvx512() || src.size() != 4 || weights.size() != 4 || dst.size() != 4) return false;
  if (weights[2] != 3 || weights[3] != 3 || weights[1] != src[1] || weights[0] != dst[1]) return false;
  for (int i = 0; i < 2; i++) {
    if (strides[i] != 1 || dilations[i] != 1) return false;
  }
  return src[1] % 16 == 0 && dst[1] % 16 == 0 && dst[2] * dst[3] >= 14 * 14;
}


std::string str(const Napi::Object& o, const char* key) { return o.Get(key).As<Napi::String>().Utf8Value(); }
double num(const Napi::Object& o, const char* key, double fallback = 0) {
  auto v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}
int slotField(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
}
bool flag(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  return v.IsBoolean() && v.As<Napi::Boolean>().Value();
}

// A slot's element type: f32 unless the description says "u8" or "s8" (quantized tensors).
memory::data_type slotType(const Napi::Object& o) {
  auto v = o.Get("type");
  if (!v.IsString()) return kF32;
  const std::string t = v.As<Napi::String>().Utf8Value();
  if (t == "f32") return kF32;
  if (t == "u8") return memory::data_type::u8;
  if (t == "s8") return memory::data_type::s8;
  throw Napi::TypeError::New(o.Env(), "slot type must be f32, u8 or s8, got " + t);
}

memory::desc plainDescOf(const memory::dims& d, memory::data_type dt) {
  return dt == kF32 ? plainDesc(d) : memory::desc(d, dt, stridesOf(plainDesc(d)));
}

// A constant's bytes: a Float32Array for f32 slots, an Int8Array or Uint8Array for s8 and u8 ones.
const void* constSlotData(const Napi::Value& v, memory::data_type dt, int64_t expected) {
  if (dt == kF32) return f32Data(v, "constant slot data", expected);
  const napi_typedarray_type want = dt == memory::data_type::s8 ? napi_int8_array : napi_uint8_array;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want) {
    throw Napi::TypeError::New(v.Env(), std::string("constant slot data must be an ") + (dt == memory::data_type::s8 ? "Int8Array" : "Uint8Array"));
  }
  auto a = v.As<Napi::TypedArray>();
  if (static_cast<int64_t>(a.ElementLength()) != expected) {
    throw Napi::RangeError::New(v.Env(), "constant slot data has " + std::to_string(a.ElementLength()) + " elements, expected " + std::to_string(expected));
  }
  return static_cast<const uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
}

class Builder {
 public:
  Builder(Plan& plan, std::vector<int> lastUse) : p_(plan), lastUse_(std::move(lastUse)) {}

  int step = 0;

  Slot& slot(int id) {
    if (id < 0 || id >= static_cast<int>(p_.slots.size())) throw StepError{"slot " + std::to_string(id) + " does not exist", false};
    return p_.slots[id];
  }

  const memory::desc& mdOf(int id) {
    Slot& s = slot(id);
    if (!s.known) throw StepError{"slot " + std::to_string(id) + " is read before any step writes it", false};
    touch(id);
    return s.md;
  }

  void touch(int id) {
    Slot& s = slot(id);
    s.first = std::min(s.first, step);
    s.last = std::max(s.last, step);
  }

  bool diesHere(int id) { return lastUse_[id] <= step; }
  // Whether a slot sharing `root`'s storage (an in-place concat's input or prefix) is read after
  // this step: then writing over `root` here would clobber it.
  bool aliasedLater(int root) {
    for (size_t i = 0; i < p_.slots.size(); i++) {
      if (static_cast<int>(i) != root && p_.slots[i].base >= 0 && rootOf(p_, static_cast<int>(i)) == root && lastUse_[i] > step) return true;
    }
    return false;
  }
  // The root slot owning `id`'s bytes and `id`'s offset in it.
  std::pair<int, size_t> storageOf(int id) const { return resolveStorage(p_, id); }

  int scratch(const memory::desc& md) {
    Slot s;
    s.dims = md.dims();
    s.md = md;
    s.known = true;
    p_.slots.push_back(s);
    lastUse_.push_back(step);
    int id = static_cast<int>(p_.slots.size()) - 1;
    touch(id);
    return id;
  }

  void produce(int id, const memory::desc& md) {
    Slot& s = slot(id);
    if (s.kind == SlotKind::Const) throw StepError{"constant slot " + std::to_string(id) + " cannot be written", false};
    if (s.kind == SlotKind::External) {
      // The caller's buffer is row-major; a step must have been asked for that layout.
      if (!(md == s.md)) throw StepError{"external slot " + std::to_string(id) + " must be written row-major", false};
      touch(id);
      return;
    }
    s.md = md;
    s.known = true;
    touch(id);
  }

  // Whether a row-major reader (JavaScript, a view) needs `id`: then its producer writes row-major.
  bool plainReader(int id) {
    Slot& s = slot(id);
    return s.kind == SlotKind::External || s.wantPlain;
  }

  // What a step may write into `id`: the caller's row-major layout when a plain reader needs it.
  memory::desc dstWant(int id) {
    Slot& s = slot(id);
    return plainReader(id) ? plainDescOf(s.dims, s.dt) : memory::desc(s.dims, s.dt, tag::any);
  }

  // `id` in layout `want`: itself when it already is, else a reordered copy.
  int as(int id, const memory::desc& want) {
    if (mdOf(id) == want) return id;
    int t = scratch(want);
    reorder(id, t);
    return t;
  }

  int plain(int id) { return as(id, plainDescOf(slot(id).dims, slot(id).dt)); }

  // Dense (no gaps) in any layout is what elementwise primitives can read directly.
  int dense(int id) {
    const memory::desc& md = mdOf(id);
    if (!isPlainStrided(md) || md == plainDescOf(slot(id).dims, slot(id).dt)) return id;
    // Channels-last (what int8 convolutions write) and other permutations without gaps are dense too.
    if (md.get_size() == plainDescOf(slot(id).dims, slot(id).dt).get_size() && !isView(id)) return id;
    return plain(id);
  }

  // A slot sharing another's storage (reshape, transpose, slice views).
  bool isView(int id) { return slot(id).base >= 0; }

  void reorder(int from, int to) {
    memory::desc src = mdOf(from), dst = mdOf(to);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::reorder::primitive_desc pd;
    try {
      pd = dnnl::reorder::primitive_desc(cpuEngine(), src, cpuEngine(), dst, attr);
    } catch (const dnnl::error&) {
      // Not every pair of blocked layouts has a direct reorder; row-major is reachable from both.
      const memory::desc rowMajor = plainDesc(slot(from).dims);
      if (src == rowMajor || dst == rowMajor) {
        throw StepError{"no reorder from " + describe(src) + " to " + describe(dst), true};
      }
      int mid = scratch(rowMajor);
      reorder(from, mid);
      reorder(mid, to);
      return;
    }
    add([pd] { return dnnl::primitive(dnnl::reorder(pd)); }, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}}, {}, pd.scratchpad_desc());
  }

  // The primitive itself (JIT code generation, the slow part) is made later, on worker threads.
  void add(std::function<dnnl::primitive()> make, std::vector<std::pair<int, int>> args,
           std::vector<std::pair<int, memory>> fixed, const memory::desc& scratchpad,
           std::vector<std::pair<int, memory::desc>> views = {}) {
    if (scratchpad.get_size() > 0) args.emplace_back(DNNL_ARG_SCRATCHPAD, scratch(scratchpad));
    PlanOp op;
    op.slotArgs = std::move(args);
    op.fixedArgs = std::move(fixed);
    op.step = step;
    op.views = std::move(views);
    p_.ops.push_back(std::move(op));
    makers.push_back(std::move(make));
  }

  // `dst` for a row-major reader (JavaScript, a view) when its step wrote the blocked `out`.
  void reorderToPlain(int out, int dst) {
    if (slot(dst).kind == SlotKind::Arena) produce(dst, plainDescOf(slot(dst).dims, slot(dst).dt));
    else touch(dst);
    reorder(out, dst);
  }

  // A step that runs `kernel` instead of a primitive (there is nothing to create later).
  void addKernel(PlanKernel kernel, std::string name, std::vector<std::pair<int, int>> args, const memory::desc& scratchpad,
                 std::function<dnnl::primitive()> make = [] { return dnnl::primitive(); }) {
    add(std::move(make), std::move(args), {}, scratchpad);
    p_.ops.back().kernel = std::move(kernel);
    p_.ops.back().kernelName = std::move(name);
  }

  std::vector<std::function<dnnl::primitive()>> makers;  // one per op, in order
  std::vector<std::function<void()>> packJobs;           // weight reorders, run with the makers

  // A constant in a layout of tsvino's own kernels: `fill` writes it from the row-major data, with the
  // packers; an import hands back the stored bytes instead. Empty when neither exists (a blob
  // whose plan packed this constant for another kernel).
  memory ownPacked(int id, const memory::desc& want, std::function<void(const void* rowMajor, void* out)> fill) {
    touch(id);
    if (memory stored = storedPacking(p_, id, want)) return stored;
    const void* data = slot(id).constData;
    if (!data) return memory();
    memory out(want, cpuEngine());
    packJobs.push_back([fill = std::move(fill), data, out] { fill(data, out.get_data_handle()); });
    notePacking(p_, id, want, out, false);
    return out;
  }

  // A constant in layout `want`, reordered from the caller's row-major data once, at build time.
  memory packed(int id, const memory::desc& userMd, const memory::desc& want) {
    Slot& s = slot(id);
    if (s.kind != SlotKind::Const) throw StepError{"weights slot " + std::to_string(id) + " must be a constant", true};
    touch(id);
    if (memory stored = storedPacking(p_, id, want)) return stored;
    if (!s.constData) throw StepError{"weights slot " + std::to_string(id) + " was cached packed for another layout", false};
    // Already in the wanted layout (row-major GEMM weights): read the caller's buffer in place,
    // which the TypeScript side keeps alive as long as the plan. No second copy of the weights.
    if (want == userMd) {
      memory inPlace(userMd, cpuEngine(), const_cast<void*>(s.constData));
      notePacking(p_, id, want, inPlace, true);
      return inPlace;
    }
    memory out(want, cpuEngine());
    memory user(userMd, cpuEngine(), const_cast<void*>(s.constData));
    dnnl::reorder::primitive_desc pd;
    try {
      pd = dnnl::reorder::primitive_desc(cpuEngine(), userMd, cpuEngine(), want);
    } catch (const dnnl::error&) {
      throw StepError{"cannot pack weights from " + describe(userMd) + " to " + describe(want), true};
    }
    // The data is read while the build call lasts, which is when the jobs run.
    packJobs.push_back([pd, user, out]() mutable {
      dnnl::reorder(pd).execute(cpuStream(), user, out);
      cpuStream().wait();
    });
    notePacking(p_, id, want, out, false);
    return out;
  }

  struct PostOps {
    dnnl::primitive_attr attr;
    std::vector<std::pair<int, int>> args;
    std::vector<std::pair<int, memory::desc>> views;
    int sum = -1;
  };

  // Fused post-ops: eltwise activations, a residual sum (accumulated into dst) and binary operands
  // (per-channel scales, masks); `reshape` maps a binary operand's dims when the step collapsed its dst.
  PostOps postOps(const Napi::Value& list, const std::function<memory::desc(int)>& operandDesc) {
    PostOps out;
    out.attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (!list.IsArray()) return out;
    auto arr = list.As<Napi::Array>();
    dnnl::post_ops po;
    for (uint32_t i = 0; i < arr.Length(); i++) {
      auto e = arr.Get(i).As<Napi::Object>();
      const std::string kind = str(e, "kind");
      if (kind == "eltwise") {
        po.append_eltwise(1.f, eltwiseAlgorithm(str(e, "algorithm")), static_cast<float>(num(e, "alpha")),
                          static_cast<float>(num(e, "beta")));
      } else if (kind == "sum") {
        if (out.sum >= 0) throw StepError{"a step takes at most one residual sum", true};
        out.sum = slotField(e, "src");
        touch(out.sum);
        po.append_sum(1.f);
      } else if (kind == "binary") {
        int src = slotField(e, "src");
        memory::desc md = operandDesc(src);
        po.append_binary(binaryAlgorithm(str(e, "algorithm")), md);
        const int arg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(static_cast<int>(i)) | DNNL_ARG_SRC_1;
        out.args.emplace_back(arg, src);
        out.views.emplace_back(arg, md);
      } else {
        throw StepError{"unknown post-op " + kind, true};
      }
    }
    out.attr.set_post_ops(po);
    return out;
  }

  // A binary post-op operand as a plain tensor, reordered when a producer left it blocked.
  memory::desc plainOperand(int id, const memory::dims& viewDims) {
    int p = plain(id);
    if (p != id) throw StepError{"binary post-op operand " + std::to_string(id) + " is not row-major", true};
    return plainDesc(viewDims);
  }

  // Before a step with a residual sum runs, dst must hold the residual: share its storage when the
  // residual dies here and already has dst's layout, otherwise copy it in.
  void prepareSum(int sum, int dst, const memory::desc& dstMd) {
    if (sum < 0) return;
    Slot& r = slot(sum);
    Slot& d = slot(dst);
    if (r.kind == SlotKind::Arena && r.base < 0 && diesHere(sum) && !aliasedLater(sum) && d.kind == SlotKind::Arena && mdOf(sum) == dstMd) {
      d.base = sum;
      d.offset = 0;
      produce(dst, dstMd);
      return;
    }
    produce(dst, dstMd);
    reorder(sum, dst);
  }

  Plan& p_;
  std::vector<int> lastUse_;
};

memory::dims dimsOf(const Napi::Object& o, const char* key) { return dimsField(o, key); }

// ---- int8: quantize, dequantize, and the scales of int8 convolutions and matmuls ----

int32_t zeroPointOf(const Napi::Object& s, const char* key) { return static_cast<int32_t>(num(s, key)); }

// A run-time s32 zero point, passed as a fixed argument (oneDNN's int8 kernels take them at run time).
memory zeroPointMemory(int32_t zp) {
  memory m(memory::desc({1}, memory::data_type::s32, tag::x), cpuEngine());
  *static_cast<int32_t*>(m.get_data_handle()) = zp;
  return m;
}

// Output scales (src scale × per-channel weight scale) and the source zero point of an int8 step.
// `channelMask` selects the output-channel axes the scales run along when there is more than one.
void int8Scales(const Napi::Object& s, dnnl::primitive_attr& attr, int channelMask, std::vector<std::pair<int, memory>>& fixed) {
  auto v = s.Get("scales");
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw StepError{"an int8 step needs its output scales as a Float32Array", false};
  }
  auto arr = v.As<Napi::Float32Array>();
  std::vector<float> scales(arr.Data(), arr.Data() + arr.ElementLength());
  attr.set_output_scales(scales.size() == 1 ? 0 : channelMask, scales);
  const int32_t zp = zeroPointOf(s, "srcZeroPoint");
  if (zp != 0) {
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    fixed.emplace_back(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, zeroPointMemory(zp));
  }
}

// A reorder from src into dst's layout `want` that also rescales (and shifts by zero points).
void addScaledReorder(Builder& b, int src, int dst, const memory::desc& want, const dnnl::primitive_attr& attr) {
  dnnl::reorder::primitive_desc pd(cpuEngine(), b.mdOf(src), cpuEngine(), want, attr);
  b.produce(dst, want);
  b.add([pd] { return dnnl::primitive(dnnl::reorder(pd)); }, {{DNNL_ARG_FROM, src}, {DNNL_ARG_TO, dst}}, {}, pd.scratchpad_desc());
}

// f32 → u8/s8: q = saturate(round(x / scale) + zeroPoint), written in the layout the int8 consumer
// reads ("channelsLast" for convolutions, row-major for matmuls), straight from the producer's layout.
void buildQuantize(Builder& b, const Napi::Object& s) {
  int src = slotField(s, "src"), dst = slotField(s, "dst");
  Slot& d = b.slot(dst);
  if (d.dt == kF32) throw StepError{"quantize writes a u8 or s8 slot", false};
  const float scale = static_cast<float>(num(s, "scale"));
  if (!(scale > 0)) throw StepError{"quantize needs a positive scale", false};
  const tag channelsLast = str(s, "layout") != "channelsLast" ? tag::undef
                           : d.dims.size() == 4                ? tag::nhwc
                           : d.dims.size() == 5                ? tag::ndhwc
                                                               : tag::undef;
  dnnl::primitive_attr attr = userScratchpad();
  attr.set_output_scales(0, {1.f / scale});
  const int32_t zp = zeroPointOf(s, "zeroPoint");
  if (zp != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {zp});
  if (channelsLast == tag::undef) return addScaledReorder(b, src, dst, plainDescOf(d.dims, d.dt), attr);
  // Quantizing while transposing takes oneDNN's slow generic reorder: transpose in f32 first.
  if (b.mdOf(src) == plainDesc(b.slot(src).dims)) src = b.as(src, memory::desc(d.dims, kF32, channelsLast));
  addScaledReorder(b, src, dst, memory::desc(d.dims, d.dt, channelsLast), attr);
}

// u8/s8 → f32: x = scale · (q − zeroPoint), row-major (what FakeQuantize's other readers see).
void buildDequantize(Builder& b, const Napi::Object& s) {
  int src = slotField(s, "src"), dst = slotField(s, "dst");
  if (b.slot(src).dt == kF32) throw StepError{"dequantize reads a u8 or s8 slot", false};
  memory::desc want = b.dstWant(dst);
  if (want.data.format_kind == dnnl_format_kind_any) want = plainDesc(b.slot(dst).dims);
  dnnl::primitive_attr attr = userScratchpad();
  attr.set_output_scales(0, {static_cast<float>(num(s, "scale"))});
  const int32_t zp = zeroPointOf(s, "zeroPoint");
  if (zp != 0) attr.set_zero_points(DNNL_ARG_FROM, 0, {zp});
  addScaledReorder(b, src, dst, want, attr);
}

// The activations of a post-op list that only holds ReLUs and clamps, which the Winograd kernel
// applies itself; false for anything else (sums, binaries, other eltwise algorithms).
bool winogradActivations(const Napi::Value& list, std::vector<WinogradActivation>& out) {
  if (!list.IsArray()) return true;
  auto arr = list.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    auto e = arr.Get(i).As<Napi::Object>();
    if (str(e, "kind") != "eltwise") return false;
    const std::string alg = str(e, "algorithm");
    if (alg != "relu" && alg != "clip") return false;
    out.push_back({alg == "clip", static_cast<float>(num(e, "alpha")), static_cast<float>(num(e, "beta"))});
  }
  return true;
}

// A 3x3 stride-1 f32 convolution by Winograd F(2x2, 3x3) (winograd.cc): weights transformed with
// the packers (and stored by the model cache), the tile GEMM created with the primitives, tiles in
// the step's scratchpad. False, with nothing built, when the weights exist only in another packing.
bool buildWinograd(Builder& b, int src, int w, int bias, int dst, std::vector<WinogradActivation> acts) {
  const memory::dims& srcDims = b.slot(src).dims;
  const memory::dims& dstDims = b.slot(dst).dims;
  const WinogradShape shape{srcDims[0], srcDims[1], dstDims[1], srcDims[2], srcDims[3]};
  memory u = b.ownPacked(w, WinogradConv::weightsDesc(shape), [shape](const void* oihw, void* out) {
    WinogradConv::transformWeights(shape, static_cast<const float*>(oihw), static_cast<float*>(out));
  });
  if (!u) return false;
  const int x = b.as(src, memory::desc(srcDims, kF32, tag::nChw8c));
  const memory::desc blocked(dstDims, kF32, tag::nChw8c);
  const bool plainDst = b.plainReader(dst);
  const int out = plainDst ? b.scratch(blocked) : dst;
  auto conv = std::make_shared<WinogradConv>(shape, std::move(acts), cpuEngine());
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, out}};
  if (bias >= 0) {
    b.mdOf(bias);
    args.emplace_back(DNNL_ARG_BIAS, bias);
  }
  if (!plainDst) b.produce(dst, blocked);
  PlanKernel kernel = [conv, u, hasBias = bias >= 0](const std::unordered_map<int, memory>& a) {
    conv->run(static_cast<const float*>(a.at(DNNL_ARG_SRC).get_data_handle()), static_cast<float*>(a.at(DNNL_ARG_DST).get_data_handle()),
              static_cast<const float*>(u.get_data_handle()),
              hasBias ? static_cast<const float*>(a.at(DNNL_ARG_BIAS).get_data_handle()) : nullptr,
              static_cast<float*>(a.at(DNNL_ARG_SCRATCHPAD).get_data_handle()), cpuStream());
  };
  b.addKernel(std::move(kernel), WinogradConv::name(), args, memory::desc({conv->scratchFloats()}, kF32, tag::x), [conv] {
    conv->makePrimitive();
    return dnnl::primitive();
  });
  if (plainDst) b.reorderToPlain(out, dst);
  return true;
}

void buildConvolution(Builder& b, const Napi::Object& s) {
  int src = slotField(s, "src"), w = slotField(s, "weights"), bias = slotField(s, "bias"), dst = slotField(s, "dst");
  memory::dims strides = dimsOf(s, "strides"), gaps = dimsOf(s, "dilations");
  for (auto& d : gaps) d -= 1;  // oneDNN counts the gap between taps; OpenVINO the step (1 = dense)
  memory::dims padsBegin = dimsOf(s, "padsBegin"), padsEnd = dimsOf(s, "padsEnd");
  const memory::dims& wDims = b.slot(w).dims;
  std::vector<WinogradActivation> acts;
  if (b.slot(src).dt == kF32 && b.slot(w).dt == kF32 && b.slot(w).kind == SlotKind::Const && (bias < 0 || b.slot(bias).dt == kF32) &&
      winogradFits(b.slot(src).dims, wDims, b.slot(dst).dims, strides, gaps, padsBegin, padsEnd) && winogradActivations(s.Get("post"), acts) &&
      buildWinograd(b, src, w, bias, dst, std::move(acts))) {
    return;
  }
  auto post = b.postOps(s.Get("post"), [&](int id) { return b.plainOperand(id, b.slot(id).dims); });
  memory::desc biasMd = bias >= 0 ? b.mdOf(bias) : memory::desc();
  // A quantized source makes this an int8 convolution: u8/s8 activations, s8 weights, s32
  // accumulation, dequantized by per-channel output scales before bias and post-ops.
  const memory::data_type srcType = b.slot(src).dt;
  std::vector<std::pair<int, memory>> fixed;
  // Output scales index dst's dims, so per channel is axis 1 for grouped convolutions too.
  if (srcType != kF32) int8Scales(s, post.attr, 0b10, fixed);
  const memory::data_type wType = b.slot(w).dt;
  // int8 kernels write channels-last; a row-major reader gets a reorder after the convolution.
  const memory::desc want = b.dstWant(dst);
  const bool reorderOut = srcType != kF32 && post.sum < 0 && want.data.format_kind != dnnl_format_kind_any;
  const memory::desc dstMd = reorderOut ? memory::desc(want.dims(), want.data_type(), tag::any) : want;
  // f32 on AVX-512: convolutions read and write nChw16c when a JIT kernel takes it, else oneDNN
  // chooses (channels-last brgconv). Measured against oneDNN's own choice in one process
  // (docs/PERFORMANCE.md): resnet50 about 9% and mobilenet_v2 about 7% faster, and channel
  // concats of whole blocks become free.
  const memory::dims& srcDims = b.slot(src).dims;
  const memory::desc anySrc(srcDims, srcType, tag::any);
  memory::desc srcMd = anySrc, convDst = dstMd;
  if (srcType == kF32 && hasAvx512() && srcDims.size() == 4) {
    const memory::desc blocked16(srcDims, kF32, tag::nChw16c);
    if (b.mdOf(src) == blocked16) srcMd = blocked16;
    if (!b.slot(dst).avoidBlocked16 && dstMd.data.format_kind == dnnl_format_kind_any) convDst = memory::desc(b.slot(dst).dims, kF32, tag::nChw16c);
  }
  auto convPd = [&](const memory::desc& x, const memory::desc& y) {
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, x,
                                         memory::desc(wDims, wType, tag::any), biasMd, y, strides, gaps, padsBegin, padsEnd);
    return dnnl::convolution_forward::primitive_desc(desc, post.attr, cpuEngine());
  };
  dnnl::convolution_forward::primitive_desc pd;
  memory::dims openvinoDilations = gaps;
  for (auto& d : openvinoDilations) d += 1;
  if (srcType == kF32 && wType == kF32 && dstMd.data.format_kind == dnnl_format_kind_any &&
      avx512WinogradFits(srcDims, wDims, b.slot(dst).dims, strides, openvinoDilations)) {
    const memory::desc src16(srcDims, kF32, tag::nChw16c), dst16(b.slot(dst).dims, kF32, tag::nChw16c);
    try {
      dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, src16,
                                           memory::desc(wDims, wType, tag::any), biasMd, dst16, strides, gaps, padsBegin, padsEnd);
      pd = dnnl::convolution_forward::primitive_desc(desc, post.attr, cpuEngine());
    } catch (const dnnl::error&) {
      pd = {};  // post-ops or padding it does not take: the direct kernels below
    }
  }
  const bool steered = !(srcMd == anySrc) || !(convDst == dstMd);
  if (!pd && steered) {
    try {
      pd = convPd(srcMd, convDst);
      if (std::string(pd.impl_info_str()).rfind("ref", 0) == 0) pd = {};
    } catch (const dnnl::error&) {
      pd = {};
    }
  }
  if (!pd) pd = convPd(anySrc, dstMd);
  int x = b.as(src, pd.src_desc());
  memory weights = b.packed(w, plainDescOf(wDims, wType), pd.weights_desc());
  fixed.emplace_back(DNNL_ARG_WEIGHTS, weights);
  const int out = reorderOut && !(pd.dst_desc() == want) ? b.scratch(pd.dst_desc()) : dst;
  b.prepareSum(post.sum, dst, pd.dst_desc());
  if (post.sum < 0 && out == dst) b.produce(dst, pd.dst_desc());
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, out}};
  if (bias >= 0) args.emplace_back(DNNL_ARG_BIAS, bias);
  args.insert(args.end(), post.args.begin(), post.args.end());
  b.add([pd] { return dnnl::primitive(dnnl::convolution_forward(pd)); }, args, std::move(fixed), pd.scratchpad_desc(), post.views);
  if (out != dst) b.reorderToPlain(out, dst);
}

// A slot matmul and the views can read as it lies: row-major strides of any kind; a blocked
// layout is reordered to row-major first.
int stridedSlot(Builder& b, int id) { return isPlainStrided(b.mdOf(id)) ? id : b.plain(id); }

// `md` with axes i and j swapped: the same memory seen transposed.
memory::desc swapAxes(const memory::desc& md, int i, int j) {
  std::vector<int> perm(md.data.ndims);
  for (int k = 0; k < md.data.ndims; k++) perm[k] = k;
  std::swap(perm[i], perm[j]);
  return md.permute_axes(perm);
}

memory::desc transposedLast2(const memory::desc& md) { return swapAxes(md, md.data.ndims - 2, md.data.ndims - 1); }

// ConvolutionBackpropData as oneDNN's deconvolution. OpenVINO's weights are [C_in, C_out, k...]
// (grouped: [G, C_in/G, C_out/G, k...]); oneDNN reads them with the two channel axes swapped.
void buildDeconvolution(Builder& b, const Napi::Object& s) {
  int src = slotField(s, "src"), w = slotField(s, "weights"), bias = slotField(s, "bias"), dst = slotField(s, "dst");
  memory::dims strides = dimsOf(s, "strides"), gaps = dimsOf(s, "dilations");
  for (auto& d : gaps) d -= 1;
  memory::dims padsBegin = dimsOf(s, "padsBegin"), padsEnd = dimsOf(s, "padsEnd");
  const memory::dims wDims = b.slot(w).dims;
  const int grouped = wDims.size() == b.slot(src).dims.size() + 1 ? 1 : 0;
  memory::desc wUser = swapAxes(plainDesc(wDims), grouped, grouped + 1);
  auto post = b.postOps(s.Get("post"), [&](int id) { return b.plainOperand(id, b.slot(id).dims); });
  memory::desc biasMd = bias >= 0 ? b.mdOf(bias) : memory::desc();
  dnnl::deconvolution_forward::desc desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
                                         anyDesc(b.slot(src).dims), anyDesc(wUser.dims()), biasMd, b.dstWant(dst), strides,
                                         gaps, padsBegin, padsEnd);
  dnnl::deconvolution_forward::primitive_desc pd(desc, post.attr, cpuEngine());
  int x = b.as(src, pd.src_desc());
  memory weights = b.packed(w, wUser, pd.weights_desc());
  b.prepareSum(post.sum, dst, pd.dst_desc());
  if (post.sum < 0) b.produce(dst, pd.dst_desc());
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}};
  if (bias >= 0) args.emplace_back(DNNL_ARG_BIAS, bias);
  args.insert(args.end(), post.args.begin(), post.args.end());
  b.add([pd] { return dnnl::primitive(dnnl::deconvolution_forward(pd)); }, args, {{DNNL_ARG_WEIGHTS, weights}},
        pd.scratchpad_desc(), post.views);
}

// Leading axes of a row-major-strided md folded into one, when their strides allow it.
bool collapsible(const memory::desc& md) {
  auto st = stridesOf(md);
  auto d = md.dims();
  for (size_t i = 0; i + 2 < d.size(); i++) {
    if (d[i] != 1 && st[i] != st[i + 1] * d[i + 1]) return false;
  }
  return true;
}

void buildMatmul(Builder& b, const Napi::Object& s) {
  int a = slotField(s, "a"), w = slotField(s, "b"), bias = slotField(s, "bias"), dst = slotField(s, "dst");
  const bool ta = flag(s, "transposeA"), tb = flag(s, "transposeB");
  const bool constB = b.slot(w).kind == SlotKind::Const;
  // The slot ids whose storage the step reads may change when reorders are inserted.
  int aSlot = stridedSlot(b, a);
  memory::desc aMd = ta ? transposedLast2(b.mdOf(aSlot)) : b.mdOf(aSlot);
  memory::desc bUser = constB ? plainDescOf(b.slot(w).dims, b.slot(w).dt) : memory::desc();
  if (constB && tb) bUser = transposedLast2(bUser);
  int bSlot = constB ? w : stridedSlot(b, w);
  memory::desc bMd = constB ? bUser : tb ? transposedLast2(b.mdOf(bSlot)) : b.mdOf(bSlot);
  memory::dims outDims = b.slot(dst).dims;
  const int rank = static_cast<int>(outDims.size());
  // [.., M, K] x [K, N] with constant weights is one [M', K] x [K, N] product when A's leading axes
  // fold: one large GEMM instead of a batch of small ones.
  const bool fold = constB && bMd.data.ndims == 2 && rank > 2 && !ta && collapsible(aMd);
  int64_t rows = 1;
  for (int i = 0; i + 1 < rank; i++) rows *= outDims[i];
  const int64_t n = outDims[rank - 1];
  if (fold) {
    auto st = stridesOf(aMd);
    aMd = memory::desc({rows, aMd.dims()[rank - 1]}, aMd.data_type(), memory::dims{st[rank - 2], st[rank - 1]});
  } else if (bMd.data.ndims != rank || aMd.data.ndims != rank) {
    throw StepError{"matmul operands must have the output's rank", true};
  }
  auto operand = [&](int id) {
    memory::dims d = b.slot(id).dims;
    if (!fold) return b.plainOperand(id, d);
    int64_t lead = 1;
    for (size_t i = 0; i + 1 < d.size(); i++) lead *= d[i];
    if (d.back() != n && d.back() != 1) throw StepError{"post-op operand does not broadcast", true};
    if (lead != 1 && lead != rows) throw StepError{"post-op operand does not broadcast over folded rows", true};
    return b.plainOperand(id, {lead, d.back()});
  };
  auto post = b.postOps(s.Get("post"), operand);
  const memory::data_type dstType = b.slot(dst).dt;
  memory::desc dstMd = plainDescOf(outDims, dstType);
  memory::desc primDst = fold ? plainDescOf({rows, n}, dstType) : dstMd;
  memory::desc weightsMd = constB ? memory::desc(bMd.dims(), b.slot(w).dt, tag::any) : bMd;
  // oneDNN 2.6's f32 GEMM runs at about half speed on [K, N] weights whose rows are a multiple of
  // 4 KiB apart (bert's and gpt2's 768 -> 3072 layers): its packing reads alias in the cache. Rows
  // padded by 64 bytes run at full speed (measured 1.8-2.3x on those shapes, 1 and 2 threads). Only
  // those layers get the padded copy; the others keep reading the model's buffer in place.
  const bool aliasedRows = constB && !tb && bMd.data.ndims == 2 && b.slot(w).dt == memory::data_type::f32 &&
                           aMd.data_type() == memory::data_type::f32 && (n * 4) % 4096 == 0;
  if (aliasedRows) weightsMd = memory::desc(bMd.dims(), memory::data_type::f32, memory::dims{n + 16, 1});
  memory::desc biasMd;
  if (bias >= 0) {
    memory::dims bd(fold ? 2 : rank, 1);
    bd.back() = n;
    biasMd = plainDesc(bd);
    b.touch(bias);
  }
  // A quantized A makes this an int8 matmul (u8/s8 × s8 → s32), dequantized per output column.
  std::vector<std::pair<int, memory>> fixed;
  if (aMd.data_type() != memory::data_type::f32) {
    if (!constB) throw StepError{"an int8 matmul needs constant weights", true};
    int8Scales(s, post.attr, 1 << (primDst.data.ndims - 1), fixed);
  }
  dnnl::matmul::desc desc(aMd, weightsMd, biasMd, primDst);
  dnnl::matmul::primitive_desc pd(desc, post.attr, cpuEngine());
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, aSlot}, {DNNL_ARG_DST, dst}};
  if (constB) {
    fixed.emplace_back(DNNL_ARG_WEIGHTS, b.packed(w, bUser, pd.weights_desc()));
  } else {
    args.emplace_back(DNNL_ARG_WEIGHTS, bSlot);
  }
  if (bias >= 0) args.emplace_back(DNNL_ARG_BIAS, bias);
  b.prepareSum(post.sum, dst, dstMd);
  if (post.sum < 0) b.produce(dst, dstMd);
  args.insert(args.end(), post.args.begin(), post.args.end());
  // The primitive sees views of the slots (transposed, folded); the context gives it those views.
  std::vector<std::pair<int, memory::desc>> views = post.views;
  views.emplace_back(DNNL_ARG_SRC, aMd);
  views.emplace_back(DNNL_ARG_DST, primDst);
  if (!constB) views.emplace_back(DNNL_ARG_WEIGHTS, bMd);
  if (bias >= 0) views.emplace_back(DNNL_ARG_BIAS, biasMd);
  b.add([pd] { return dnnl::primitive(dnnl::matmul(pd)); }, args, std::move(fixed), pd.scratchpad_desc(), views);
}

void buildPooling(Builder& b, const Napi::Object& s) {
  int src = b.dense(slotField(s, "src")), dst = slotField(s, "dst");
  const std::string alg = str(s, "algorithm");
  auto algorithm = alg == "max" ? dnnl::algorithm::pooling_max
                   : alg == "avg" ? dnnl::algorithm::pooling_avg_include_padding
                                  : dnnl::algorithm::pooling_avg_exclude_padding;
  memory::dims gaps = dimsOf(s, "dilations");
  for (auto& d : gaps) d -= 1;
  memory::desc srcMd = b.mdOf(src);
  const bool plainDst = b.plainReader(dst);
  const bool dilated = std::any_of(gaps.begin(), gaps.end(), [](memory::dim d) { return d != 0; });
  if (alg == "max" && !dilated && b.slot(src).dims.size() == 4 && srcMd == memory::desc(b.slot(src).dims, kF32, tag::nChw8c)) {
    const PoolWindow window{b.slot(src).dims, b.slot(dst).dims, dimsOf(s, "kernel"), dimsOf(s, "strides"), dimsOf(s, "padsBegin")};
    if (blockedMaxPoolFits(window)) {
      // A row-major reader gets the (smaller) pooled result reordered, not a reordered input.
      const memory::desc blocked(b.slot(dst).dims, kF32, tag::nChw8c);
      const int out = plainDst ? b.scratch(blocked) : dst;
      PlanKernel kernel = [window](const std::unordered_map<int, memory>& args) {
        blockedMaxPool(window, static_cast<const float*>(args.at(DNNL_ARG_SRC).get_data_handle()),
                       static_cast<float*>(args.at(DNNL_ARG_DST).get_data_handle()));
      };
      if (!plainDst) b.produce(dst, blocked);
      b.addKernel(std::move(kernel), blockedMaxPoolName(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, out}}, memory::desc());
      if (plainDst) b.reorderToPlain(out, dst);
      return;
    }
  }
  if (plainDst) {
    src = b.plain(src);
    srcMd = b.mdOf(src);
  }
  dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, algorithm, srcMd, b.dstWant(dst),
                                      dimsOf(s, "strides"), dimsOf(s, "kernel"), gaps, dimsOf(s, "padsBegin"),
                                      dimsOf(s, "padsEnd"));
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::pooling_v2_forward::primitive_desc pd(desc, attr, cpuEngine());
  int x = b.as(src, pd.src_desc());
  b.produce(dst, pd.dst_desc());
  b.add([pd] { return dnnl::primitive(dnnl::pooling_v2_forward(pd)); }, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}}, {}, pd.scratchpad_desc());
}

// Elementwise steps keep their input's layout unless a plain reader needs the result.
int elementwiseSource(Builder& b, int src, int dst) {
  int x = b.dense(src);
  if (b.plainReader(dst)) x = b.plain(x);
  return x;
}

void buildEltwise(Builder& b, const Napi::Object& s) {
  int dst = slotField(s, "dst");
  int x = elementwiseSource(b, slotField(s, "src"), dst);
  memory::desc md = b.mdOf(x);
  dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, eltwiseAlgorithm(str(s, "algorithm")), md,
                                   static_cast<float>(num(s, "alpha")), static_cast<float>(num(s, "beta")));
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::eltwise_forward::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, md);
  b.add([pd] { return dnnl::primitive(dnnl::eltwise_forward(pd)); }, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}}, {}, pd.scratchpad_desc());
}

void buildBinary(Builder& b, const Napi::Object& s) {
  int dst = slotField(s, "dst");
  int a = elementwiseSource(b, slotField(s, "a"), dst);
  int other = slotField(s, "b");
  memory::desc aMd = b.mdOf(a);
  // A same-shaped operand follows a's layout; a broadcast one is read row-major.
  const bool sameDims = b.slot(other).dims == b.slot(a).dims;
  if (!sameDims && !(aMd == plainDesc(b.slot(a).dims))) {
    a = b.plain(a);
    aMd = b.mdOf(a);
  }
  int c = sameDims ? b.as(other, aMd) : b.plain(other);
  auto post = b.postOps(s.Get("post"), [&](int id) { return b.plainOperand(id, b.slot(id).dims); });
  dnnl::binary::desc desc(binaryAlgorithm(str(s, "algorithm")), aMd, b.mdOf(c), aMd);
  dnnl::binary::primitive_desc pd(desc, post.attr, cpuEngine());
  b.prepareSum(post.sum, dst, aMd);
  if (post.sum < 0) b.produce(dst, aMd);
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC_0, a}, {DNNL_ARG_SRC_1, c}, {DNNL_ARG_DST, dst}};
  args.insert(args.end(), post.args.begin(), post.args.end());
  b.add([pd] { return dnnl::primitive(dnnl::binary(pd)); }, args, {}, pd.scratchpad_desc(), post.views);
}

void buildSoftmax(Builder& b, const Napi::Object& s) {
  int x = b.plain(slotField(s, "src")), dst = slotField(s, "dst");
  memory::desc md = b.mdOf(x);
  dnnl::softmax_v2_forward::desc desc(dnnl::prop_kind::forward_inference,
                                      flag(s, "log") ? dnnl::algorithm::softmax_log : dnnl::algorithm::softmax_accurate,
                                      md, md, static_cast<int>(num(s, "axis")));
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::softmax_v2_forward::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, md);
  b.add([pd] { return dnnl::primitive(dnnl::softmax_v2_forward(pd)); }, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}}, {}, pd.scratchpad_desc());
}

// Layer normalization over the last axis, with optional per-element scale and shift.
void buildLayerNorm(Builder& b, const Napi::Object& s) {
  int x = b.plain(slotField(s, "src")), dst = slotField(s, "dst");
  int scale = slotField(s, "scale"), shift = slotField(s, "shift");
  memory::desc md = b.mdOf(x);
  auto flags = dnnl::normalization_flags::none;
  if (scale >= 0) flags |= dnnl::normalization_flags::use_scale;
  if (shift >= 0) flags |= dnnl::normalization_flags::use_shift;
  dnnl::layer_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, md,
                                               static_cast<float>(num(s, "eps")), flags);
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::layer_normalization_forward::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, md);
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}};
  if (scale >= 0) args.emplace_back(DNNL_ARG_SCALE, scale), b.touch(scale);
  if (shift >= 0) args.emplace_back(DNNL_ARG_SHIFT, shift), b.touch(shift);
  if (pd.mean_desc().get_size() > 0) args.emplace_back(DNNL_ARG_MEAN, b.scratch(pd.mean_desc()));
  if (pd.variance_desc().get_size() > 0) args.emplace_back(DNNL_ARG_VARIANCE, b.scratch(pd.variance_desc()));
  b.add([pd] { return dnnl::primitive(dnnl::layer_normalization_forward(pd)); }, args, {}, pd.scratchpad_desc());
}

// Inference batch normalization with the model's statistics; `relu` fuses a following ReLU.
void buildBatchNorm(Builder& b, const Napi::Object& s) {
  int dst = slotField(s, "dst");
  int x = elementwiseSource(b, slotField(s, "src"), dst);
  memory::desc md = b.mdOf(x);
  auto flags = dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
               dnnl::normalization_flags::use_shift;
  if (flag(s, "relu")) flags |= dnnl::normalization_flags::fuse_norm_relu;
  dnnl::batch_normalization_forward::desc desc(dnnl::prop_kind::forward_inference, md,
                                               static_cast<float>(num(s, "eps")), flags);
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::batch_normalization_forward::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, md);
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}};
  for (auto [arg, key] : {std::pair{DNNL_ARG_MEAN, "mean"}, std::pair{DNNL_ARG_VARIANCE, "variance"},
                          std::pair{DNNL_ARG_SCALE, "scale"}, std::pair{DNNL_ARG_SHIFT, "shift"}}) {
    int id = slotField(s, key);
    b.touch(id);
    args.emplace_back(arg, id);
  }
  if (pd.workspace_desc().get_size() > 0) args.emplace_back(DNNL_ARG_WORKSPACE, b.scratch(pd.workspace_desc()));
  b.add([pd] { return dnnl::primitive(dnnl::batch_normalization_forward(pd)); }, args, {}, pd.scratchpad_desc());
}

// A concat whose pieces are contiguous runs of its output (everything before the axis has size 1,
// so in row-major or channel-blocked layouts each input is one block of bytes) costs nothing: each
// input's storage becomes its run of the output, so the producers write there directly and no
// primitive runs. DenseNet's blocks concatenate a growing list, concat(x0..xk) then concat(x0..xk+1):
// there the earlier concat, whose inputs lead this one's at the same offsets, becomes this one's
// prefix, so the whole block shares one buffer and no feature map is ever copied. Inputs need not
// die here: nothing writes an aliased slot again (an in-place sum never targets a slot that other
// live slots alias, see prepareSum), and the root stays alive while any alias is read.
bool concatInPlace(Builder& b, const std::vector<int>& ids, int dst, const memory::desc& dstMd, int axis, tag chosen) {
  Slot& d = b.slot(dst);
  if (d.kind != SlotKind::Arena || d.base >= 0) return false;
  for (int i = 0; i < axis; i++) {
    if (d.dims[i] != 1) return false;
  }
  auto wantOf = [&](const memory::dims& dims) { return chosen == tag::undef ? plainDesc(dims) : memory::desc(dims, kF32, chosen); };
  // A leading run of inputs that an earlier in-place concat already holds, in order from its start.
  int prefix = -1;
  size_t k0 = 0;
  if (b.slot(ids[0]).base >= 0) {
    prefix = b.storageOf(ids[0]).first;
    Slot& p = b.slot(prefix);
    if (p.kind != SlotKind::Arena || !p.known || !(p.md == wantOf(p.dims))) return false;
    size_t at = 0;
    while (k0 < ids.size() && b.storageOf(ids[k0]) == std::pair<int, size_t>{prefix, at}) {
      at += b.slot(ids[k0]).md.get_size();
      k0++;
    }
    if (at != p.md.get_size()) return false;
  }
  std::vector<size_t> offsets;
  size_t at = prefix >= 0 ? b.slot(prefix).md.get_size() : 0;
  for (size_t k = k0; k < ids.size(); k++) {
    Slot& in = b.slot(ids[k]);
    const bool once = std::count(ids.begin(), ids.end(), ids[k]) == 1;
    if (in.kind != SlotKind::Arena || in.base >= 0 || !in.known || !(in.md == wantOf(in.dims)) || !once) return false;
    offsets.push_back(at);
    at += in.md.get_size();
  }
  if (at != dstMd.get_size()) return false;
  if (prefix >= 0) {
    b.slot(prefix).base = dst;
    b.slot(prefix).offset = 0;
  }
  for (size_t k = k0; k < ids.size(); k++) {
    Slot& in = b.slot(ids[k]);
    in.base = dst;
    in.offset = offsets[k - k0];
  }
  for (int id : ids) b.touch(id);
  b.produce(dst, dstMd);
  return true;
}

// Concat in one layout: the first blocked layout among the inputs when every input's slice along
// the axis fills whole blocks (DenseNet's chains of concats stay blocked end to end), else row-major.
void buildConcat(Builder& b, const Napi::Object& s) {
  int dst = slotField(s, "dst");
  auto srcs = s.Get("srcs").As<Napi::Array>();
  const int axis = static_cast<int>(num(s, "axis"));
  const bool plainOut = b.plainReader(dst);
  std::vector<int> ids;
  for (uint32_t i = 0; i < srcs.Length(); i++) ids.push_back(b.dense(srcs.Get(i).As<Napi::Number>().Int32Value()));
  auto tagged = [&](const memory::dims& d, tag t) { return memory::desc(d, kF32, t); };
  tag chosen = tag::undef;
  if (!plainOut && axis == 1) {
    for (int id : ids) {
      const memory::dims d = b.slot(id).dims;
      for (auto [t, block, rank] : {std::tuple{tag::nChw8c, 8, 4}, std::tuple{tag::nChw16c, 16, 4}, std::tuple{tag::nCdhw8c, 8, 5}}) {
        if (static_cast<int>(d.size()) == rank && b.mdOf(id) == tagged(d, t)) {
          bool fits = true;
          for (int other : ids) fits = fits && b.slot(other).dims.size() == d.size() && b.slot(other).dims[1] % block == 0;
          if (fits) chosen = t;
        }
      }
      if (chosen != tag::undef) break;
    }
  }
  // Channels-last inputs (what brgconv writes on AVX-512) keep that layout: one strided copy
  // instead of a reorder to row-major per input and another back for the next convolution.
  // The pieces interleave, so such a concat is never in place.
  bool channelsLast = false;
  if (!plainOut && chosen == tag::undef && axis == 1) {
    for (int id : ids) {
      const memory::dims d = b.slot(id).dims;
      const tag t = d.size() == 4 ? tag::nhwc : d.size() == 5 ? tag::ndhwc : d.size() == 3 ? tag::nwc : tag::undef;
      if (t != tag::undef && d[1] > 1 && b.mdOf(id) == tagged(d, t)) {
        chosen = t;
        channelsLast = true;
        break;
      }
    }
  }
  const memory::dims outDims = b.slot(dst).dims;
  memory::desc dstMd = chosen == tag::undef ? plainDesc(outDims) : tagged(outDims, chosen);
  if (!channelsLast && concatInPlace(b, ids, dst, dstMd, axis, chosen)) return;
  std::vector<memory::desc> mds;
  for (int& id : ids) {
    const memory::dims d = b.slot(id).dims;
    id = chosen == tag::undef ? b.plain(id) : b.as(id, tagged(d, chosen));
    mds.push_back(b.mdOf(id));
  }
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::concat::primitive_desc pd(dstMd, axis, mds, cpuEngine(), attr);
  b.produce(dst, pd.dst_desc());
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_DST, dst}};
  for (size_t i = 0; i < ids.size(); i++) args.emplace_back(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), ids[i]);
  b.add([pd] { return dnnl::primitive(dnnl::concat(pd)); }, args, {}, pd.scratchpad_desc());
}

void buildReduce(Builder& b, const Napi::Object& s) {
  int x = b.plain(slotField(s, "src")), dst = slotField(s, "dst");
  const std::string alg = str(s, "algorithm");
  static const std::unordered_map<std::string, dnnl::algorithm> table = {
      {"sum", dnnl::algorithm::reduction_sum}, {"mean", dnnl::algorithm::reduction_mean},
      {"max", dnnl::algorithm::reduction_max}, {"min", dnnl::algorithm::reduction_min},
      {"mul", dnnl::algorithm::reduction_mul},
  };
  auto it = table.find(alg);
  if (it == table.end()) throw StepError{"unknown reduction " + alg, true};
  memory::desc dstMd = plainDesc(b.slot(dst).dims);
  dnnl::reduction::desc desc(it->second, b.mdOf(x), dstMd, 0.f, 0.f);
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::reduction::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, dstMd);
  b.add([pd] { return dnnl::primitive(dnnl::reduction(pd)); }, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}}, {}, pd.scratchpad_desc());
}

// Strides that let `to` view memory laid out as (from, fromStrides), when a reshape needs no copy:
// walking both shapes from the innermost axis, every run of source axes that is contiguous in
// memory must be re-split exactly by whole target axes (axes of size 1 take any stride).
bool reshapedStrides(const memory::dims& from, const memory::dims& fromStrides, const memory::dims& to, memory::dims& out) {
  out.assign(to.size(), 0);
  int t = static_cast<int>(to.size()) - 1;
  int64_t runElems = 1, viewElems = 1, runStride = fromStrides.empty() ? 1 : fromStrides.back();
  for (int f = static_cast<int>(from.size()) - 1; f >= 0; f--) {
    runElems *= from[f];
    const bool runEnds = f == 0 || (from[f - 1] != 1 && fromStrides[f - 1] != runElems * runStride);
    if (!runEnds) continue;
    while (t >= 0 && (viewElems < runElems || to[t] == 1)) {
      out[t] = viewElems * runStride;
      viewElems *= to[t];
      t--;
    }
    if (viewElems != runElems) return false;
    if (f > 0) {
      runStride = fromStrides[f - 1];
      runElems = 1;
      viewElems = 1;
    }
  }
  for (; t >= 0; t--) {
    if (to[t] != 1) return false;
    out[t] = 1;
  }
  return true;
}

// A view shares its source's storage: reshape (row-major only), transpose (permuted strides) and
// slice (offset along one axis). Copying into an external buffer, or a source whose layout does not
// allow the view, turns into a reorder instead.
void buildView(Builder& b, const Napi::Object& s, const std::string& kind) {
  int src = slotField(s, "src"), dst = slotField(s, "dst");
  Slot& d = b.slot(dst);
  const memory::dims& outDims = d.dims;
  int x = src;
  memory::desc view;
  size_t extra = 0;
  if (kind == "reshape") {
    memory::dims st;
    if (isPlainStrided(b.mdOf(x)) && reshapedStrides(b.slot(x).dims, stridesOf(b.mdOf(x)), outDims, st)) {
      view = strided(outDims, st);
    } else {
      x = b.plain(src);
      view = plainDesc(outDims);
    }
  } else if (kind == "transpose") {
    x = stridedSlot(b, x);
    auto order = dimsOf(s, "order");
    auto st = stridesOf(b.mdOf(x));
    memory::dims outStrides(order.size());
    for (size_t i = 0; i < order.size(); i++) outStrides[i] = st[order[i]];
    view = strided(outDims, outStrides);
  } else {  // slice
    x = stridedSlot(b, x);
    const int axis = static_cast<int>(num(s, "axis"));
    const int64_t start = static_cast<int64_t>(num(s, "start"));
    auto st = stridesOf(b.mdOf(x));
    view = strided(outDims, st);
    extra = static_cast<size_t>(start * st[axis]) * sizeof(float);
  }
  Slot& xs = b.slot(x);
  if (d.kind == SlotKind::External || xs.kind == SlotKind::Const || (d.wantPlain && !(view == plainDesc(outDims)))) {
    // Materialize: a reorder from the view into dst's own row-major storage.
    int v = b.scratch(view);
    Slot& vs = b.slot(v);
    vs.base = xs.base >= 0 ? xs.base : x;
    vs.offset = xs.offset + extra;
    if (xs.kind == SlotKind::Const) throw StepError{"views of constants are folded before lowering", true};
    b.touch(vs.base);
    b.reorderToPlain(v, dst);
    return;
  }
  d.base = xs.base >= 0 ? xs.base : x;
  d.offset = xs.offset + extra;
  b.touch(d.base);
  b.produce(dst, view);
}

void buildCopy(Builder& b, const Napi::Object& s) {
  int src = slotField(s, "src"), dst = slotField(s, "dst");
  b.mdOf(src);
  b.reorderToPlain(src, dst);
}

// MatMul over int8/int4 weights decoded block by block (compressed-matmul.cc); A is read row-major.
void buildCompressedMatmul(Builder& b, const Napi::Object& s) {
  int a = b.plain(slotField(s, "a")), bias = slotField(s, "bias"), dst = slotField(s, "dst");
  CompressedMatmul k;
  try {
    k = makeCompressedMatmul(s.Get("compressed").As<Napi::Object>(), b.slot(a).dims, b.slot(dst).dims, bias >= 0, omp_get_max_threads());
  } catch (const std::invalid_argument& e) {
    throw StepError{e.what(), false};
  }
  std::vector<std::pair<int, int>> args = {{DNNL_ARG_SRC, a}, {DNNL_ARG_DST, dst}};
  if (bias >= 0) {
    b.mdOf(bias);
    args.emplace_back(DNNL_ARG_BIAS, bias);
  }
  b.produce(dst, plainDesc(b.slot(dst).dims));
  b.addKernel(std::move(k.run), k.name, args, memory::desc({k.scratchFloats}, kF32, tag::x));
}

// Interpolate as oneDNN resampling (nearest or linear over the spatial axes). oneDNN maps output
// coordinates with half-pixel centres and scale out/in; TypeScript lowers only the Interpolate
// modes that map to the same source coordinates.
void buildResample(Builder& b, const Napi::Object& s) {
  int dst = slotField(s, "dst");
  int x = elementwiseSource(b, slotField(s, "src"), dst);
  const bool plainOut = b.plainReader(dst);
  const memory::desc dstMd = plainOut ? plainDesc(b.slot(dst).dims) : anyDesc(b.slot(dst).dims);
  const auto alg = str(s, "algorithm") == "nearest" ? dnnl::algorithm::resampling_nearest : dnnl::algorithm::resampling_linear;
  dnnl::resampling_forward::desc desc(dnnl::prop_kind::forward_inference, alg, b.mdOf(x), dstMd);
  const dnnl::primitive_attr attr = userScratchpad();
  dnnl::resampling_forward::primitive_desc pd(desc, attr, cpuEngine());
  b.produce(dst, pd.dst_desc());
  b.add([pd] { return dnnl::primitive(dnnl::resampling_forward(pd)); }, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, dst}}, {}, pd.scratchpad_desc());
}

void buildStep(Builder& b, const Napi::Object& s) {
  const std::string kind = str(s, "kind");
  if (kind == "conv") buildConvolution(b, s);
  else if (kind == "deconv") buildDeconvolution(b, s);
  else if (kind == "matmul") buildMatmul(b, s);
  else if (kind == "pool") buildPooling(b, s);
  else if (kind == "eltwise") buildEltwise(b, s);
  else if (kind == "binary") buildBinary(b, s);
  else if (kind == "softmax") buildSoftmax(b, s);
  else if (kind == "layernorm") buildLayerNorm(b, s);
  else if (kind == "batchnorm") buildBatchNorm(b, s);
  else if (kind == "concat") buildConcat(b, s);
  else if (kind == "reduce") buildReduce(b, s);
  else if (kind == "reshape" || kind == "transpose" || kind == "slice") buildView(b, s, kind);
  else if (kind == "copy") buildCopy(b, s);
  else if (kind == "cmatmul") buildCompressedMatmul(b, s);
  else if (kind == "resample") buildResample(b, s);
  else if (kind == "quantize") buildQuantize(b, s);
  else if (kind == "dequantize") buildDequantize(b, s);
  else throw StepError{"unknown step kind " + kind, true};
}

// Slots each step reads, for lifetimes: every numeric field except dst, plus post-op and concat sources.
void readsOf(const Napi::Object& s, std::vector<int>& out) {
  auto keys = s.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string k = keys.Get(i).As<Napi::String>();
    if (k == "src" || k == "a" || k == "b" || k == "weights" || k == "bias" || k == "scale" || k == "shift" ||
        k == "mean" || k == "variance") {
      int id = slotField(s, k.c_str());
      if (id >= 0) out.push_back(id);
    }
  }
  for (const char* listKey : {"srcs", "post"}) {
    auto v = s.Get(listKey);
    if (!v.IsArray()) continue;
    auto arr = v.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); i++) {
      auto e = arr.Get(i);
      if (e.IsNumber()) out.push_back(e.As<Napi::Number>().Int32Value());
      else if (e.IsObject() && e.As<Napi::Object>().Get("src").IsNumber()) out.push_back(slotField(e.As<Napi::Object>(), "src"));
    }
  }
}

// On AVX-512 convolutions write nChw16c (buildConvolution), where a channel concat of whole
// 16-channel blocks is free (in place at batch 1). A concat whose pieces are not whole blocks
// would reorder each nChw16c piece, so its sources, and walking back the sources of the
// layout-keeping steps (pooling, eltwise, batchnorm, binary) that produce them, keep the layout
// oneDNN picks (channels-last), which that concat copies once.
void markAvoidBlocked16(Plan& plan, const Napi::Array& steps) {
  if (!hasAvx512()) return;
  auto valid = [&](int id) { return id >= 0 && id < static_cast<int>(plan.slots.size()); };
  auto wholeBlocks = [&](int id) {
    const Slot& s = plan.slots[id];
    return s.dt == kF32 && s.dims.size() == 4 && s.dims[1] % 16 == 0;
  };
  for (uint32_t i = steps.Length(); i-- > 0;) {
    auto s = steps.Get(i).As<Napi::Object>();
    const std::string kind = str(s, "kind");
    if (kind == "concat" && static_cast<int>(num(s, "axis")) == 1) {
      auto srcs = s.Get("srcs").As<Napi::Array>();
      std::vector<int> ids;
      bool fits = true;
      for (uint32_t k = 0; k < srcs.Length(); k++) {
        ids.push_back(srcs.Get(k).As<Napi::Number>().Int32Value());
        fits = fits && valid(ids.back()) && wholeBlocks(ids.back());
      }
      for (int id : ids) {
        if (!fits && valid(id)) plan.slots[id].avoidBlocked16 = true;
      }
      continue;
    }
    if (kind != "pool" && kind != "eltwise" && kind != "batchnorm" && kind != "binary") continue;
    const int dst = slotField(s, "dst"), src = slotField(s, kind == "binary" ? "a" : "src");
    if (valid(dst) && valid(src) && plan.slots[dst].avoidBlocked16) plan.slots[src].avoidBlocked16 = true;
  }
}

// Creates every primitive and packs every weight on a few threads: oneDNN's JIT code generation
// dominates compile time, and primitive creation is thread-safe. Each thread uses the caller's
// OpenMP thread count, so the primitives are identical to ones made on the calling thread. With
// PrimitiveCreation::Background (and nothing to pack) the threads outlive the call; the plan's
// `pending` holds them until awaitPrimitives.
void makePrimitives(Plan& plan, Builder& b, Napi::Env env, PrimitiveCreation creation) {
  auto pending = std::make_shared<PendingPrimitives>();
  pending->makers = std::move(b.makers);
  pending->packJobs = std::move(b.packJobs);
  const int ompThreads = omp_get_max_threads();
  Plan* target = &plan;
  auto work = [pending, ompThreads, target] {
    omp_set_num_threads(ompThreads);
    const size_t makers = pending->makers.size(), jobs = makers + pending->packJobs.size();
    for (size_t k = pending->next++; k < jobs; k = pending->next++) {
      try {
        if (k < makers) target->ops[k].prim = pending->makers[k]();
        else pending->packJobs[k - makers]();
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> guard(pending->lock);
        if (pending->error.empty()) {
          pending->error = e.what();
          pending->errorStep = k < makers ? target->ops[k].step : -1;
        }
      }
    }
  };
  const unsigned n = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  if (creation == PrimitiveCreation::Background && pending->packJobs.empty() && !pending->makers.empty()) {
    for (unsigned i = 0; i < n; i++) pending->threads.emplace_back(work);
    plan.pending = std::move(pending);
    return;
  }
  // Not on this (JavaScript) thread: packing runs OpenMP regions, and a team here would sit beside
  // the run threads' teams for the life of the process (see RunThread::runAndWait in plan.cc).
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; i++) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  pending->joined = true;
  plan.pending = std::move(pending);
  awaitPrimitives(plan, env);
}

}  // namespace

Plan::~Plan() {
  if (!pending) return;
  std::lock_guard<std::mutex> guard(pending->joining);
  for (auto& t : pending->threads) {
    if (t.joinable()) t.join();
  }
}

void awaitPrimitives(Plan& plan, Napi::Env env) {
  if (!plan.pending) return;
  std::string error;
  int errorStep = -1;
  {
    std::lock_guard<std::mutex> joinGuard(plan.pending->joining);
    if (!plan.pending->joined) {
      for (auto& t : plan.pending->threads) t.join();
      plan.pending->joined = true;
    }
    std::lock_guard<std::mutex> guard(plan.pending->lock);
    error = plan.pending->error;
    errorStep = plan.pending->errorStep;
  }
  if (error.empty()) return;
  auto err = Napi::Error::New(env, "step " + std::to_string(errorStep) + ": oneDNN: " + error);
  if (errorStep >= 0) err.Set("step", Napi::Number::New(env, errorStep));
  err.Set("unimplemented", Napi::Boolean::New(env, false));
  throw err;
}

int rootOf(const Plan& plan, int slot) { return resolveStorage(plan, slot).first; }

std::pair<int, size_t> resolveStorage(const Plan& plan, int slot) {
  size_t offset = 0;
  while (plan.slots[slot].base >= 0) {
    offset += plan.slots[slot].offset;
    slot = plan.slots[slot].base;
  }
  return {slot, offset};
}

void buildPlan(Plan& plan, const Napi::Object& desc, PrimitiveCreation creation) {
  Napi::Env env = desc.Env();
  auto slots = desc.Get("slots").As<Napi::Array>();
  for (uint32_t i = 0; i < slots.Length(); i++) {
    auto o = slots.Get(i).As<Napi::Object>();
    Slot s;
    s.dims = dimsField(o, "dims");
    const std::string kind = str(o, "kind");
    s.kind = kind == "external" ? SlotKind::External : kind == "const" ? SlotKind::Const : SlotKind::Arena;
    s.wantPlain = flag(o, "plain");
    s.dt = slotType(o);
    if (s.kind != SlotKind::Arena) {
      s.md = plainDescOf(s.dims, s.dt);
      s.known = true;
    }
    if (s.kind == SlotKind::Const && !flag(o, "packedOnly")) s.constData = constSlotData(o.Get("data"), s.dt, elementCount(s.dims));
    plan.slots.push_back(s);
  }
  auto steps = desc.Get("steps").As<Napi::Array>();
  plan.stepCount = steps.Length();
  std::vector<int> lastUse(plan.slots.size(), -1);
  for (uint32_t i = 0; i < steps.Length(); i++) {
    std::vector<int> reads;
    readsOf(steps.Get(i).As<Napi::Object>(), reads);
    for (int id : reads) {
      if (id >= 0 && id < static_cast<int>(lastUse.size())) lastUse[id] = static_cast<int>(i);
    }
  }
  // External slots outlive every step: JavaScript reads them after the plan ran.
  for (size_t i = 0; i < plan.slots.size(); i++) {
    if (plan.slots[i].kind == SlotKind::External) lastUse[i] = INT_MAX;
  }
  markAvoidBlocked16(plan, steps);
  Builder b(plan, lastUse);
  for (uint32_t i = 0; i < steps.Length(); i++) {
    b.step = static_cast<int>(i);
    auto s = steps.Get(i).As<Napi::Object>();
    try {
      buildStep(b, s);
    } catch (const StepError& e) {
      auto err = Napi::Error::New(env, "step " + std::to_string(i) + " (" + str(s, "kind") + "): " + e.message);
      err.Set("step", Napi::Number::New(env, i));
      err.Set("unimplemented", Napi::Boolean::New(env, e.unimplemented));
      throw err;
    } catch (const dnnl::error& e) {
      auto err = Napi::Error::New(env, "step " + std::to_string(i) + " (" + str(s, "kind") + "): oneDNN: " + e.what());
      err.Set("step", Napi::Number::New(env, i));
      err.Set("unimplemented", Napi::Boolean::New(env, e.status == dnnl_unimplemented));
      throw err;
    }
  }
  makePrimitives(plan, b, env, creation);
  // Constants read at run time (biases, scales, operands) get an owned copy, so the plan does not
  // depend on the JavaScript buffer staying alive; weights were packed into their own memory.
  std::vector<bool> readAtRun(plan.slots.size(), false);
  for (const auto& op : plan.ops) {
    for (auto [arg, id] : op.slotArgs) readAtRun[id] = true;
  }
  for (size_t i = 0; i < plan.slots.size(); i++) {
    Slot& s = plan.slots[i];
    if (s.kind == SlotKind::Const && readAtRun[i]) {
      s.constMem = memory(s.md, cpuEngine());
      if (!s.constData) throw Napi::Error::New(env, "constant slot " + std::to_string(i) + " was cached packed only, but a step reads it");
      std::memcpy(s.constMem.get_data_handle(), s.constData, s.md.get_size());
    }
    s.constData = nullptr;
  }
  // A slot sharing storage keeps its root alive for as long as it is read.
  for (size_t i = 0; i < plan.slots.size(); i++) {
    Slot& s = plan.slots[i];
    if (s.base < 0) continue;
    Slot& root = plan.slots[rootOf(plan, static_cast<int>(i))];
    // A slot that became part of another (an in-place concat) shares its lifetime, both ways.
    root.first = std::min(root.first, s.first);
    root.last = std::max(root.last, s.last);
  }
}

}  // namespace tsvino
