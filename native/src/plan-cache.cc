// The model cache's native side: what a plan packed (to store it), a plan built with stored packed
// weights, the CPU's oneDNN ISA (part of the cache key), file mapping (a cache hit reads its blob
// through mmap, so no byte is copied) and the blob checksum (CRC-32C on every core: a cache hit
// must verify all its bytes, and zlib's crc32 runs at a fraction of memory speed).
#include "plan-cache.h"

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define TSVINO_CRC32C_SSE42 1
#endif

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tsvino {
namespace {

using PlanPtr = std::shared_ptr<Plan>;

// Same handle type as plan.cc's, so createContext and friends take either kind of plan.
PlanPtr& planOf(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a plan handle");
  return *v.As<Napi::External<PlanPtr>>().Data();
}

PackedWeights& packingOf(Plan& plan) {
  if (!plan.packing) plan.packing = std::make_shared<PackedWeights>();
  return *plan.packing;
}

Napi::Uint8Array bytesOf(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Uint8Array");
  }
  return v.As<Napi::Uint8Array>();
}

// A stored descriptor is trusted only as far as needed to compare it with the one a step asks
// for: its size and shape fields must be sane before oneDNN computes anything from it.
memory::desc descFromBytes(const Napi::Uint8Array& bytes, size_t dataBytes) {
  Napi::Env env = bytes.Env();
  if (bytes.ByteLength() != sizeof(dnnl_memory_desc_t)) {
    throw Napi::RangeError::New(env, "stored memory descriptor has " + std::to_string(bytes.ByteLength()) + " bytes, this oneDNN's has " +
                                         std::to_string(sizeof(dnnl_memory_desc_t)));
  }
  dnnl_memory_desc_t raw;
  std::memcpy(&raw, bytes.Data(), sizeof raw);
  const bool knownType = raw.data_type == dnnl_f32 || raw.data_type == dnnl_s8 || raw.data_type == dnnl_u8 ||
                         raw.data_type == dnnl_s32 || raw.data_type == dnnl_bf16 || raw.data_type == dnnl_f16;
  bool positive = raw.ndims >= 1 && raw.ndims <= DNNL_MAX_NDIMS;
  for (int i = 0; positive && i < raw.ndims; i++) positive = raw.dims[i] > 0 && raw.padded_dims[i] >= raw.dims[i];
  if (!positive || !knownType || raw.format_kind != dnnl_blocked) {
    throw Napi::RangeError::New(env, "stored memory descriptor is not a blocked layout of 1 to 12 positive dims");
  }
  memory::desc md(raw);
  if (md.get_size() > dataBytes) {
    throw Napi::RangeError::New(env, "stored packed weights hold " + std::to_string(dataBytes) + " bytes, their layout needs " +
                                         std::to_string(md.get_size()));
  }
  return md;
}

// createPlanPacked(desc, packed: [{ slot, desc, data }]) → plan handle. Like createPlan, but a step
// whose weights slot has a stored packing in the layout it asks for uses those bytes in place
// (the caller keeps them alive as long as the plan); other weights are packed as usual.
Napi::Value CreatePlanPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto plan = std::make_shared<Plan>();
  auto list = info[1].As<Napi::Array>();
  PackedWeights& packing = packingOf(*plan);
  for (uint32_t i = 0; i < list.Length(); i++) {
    auto e = list.Get(i).As<Napi::Object>();
    PackedWeight w;
    w.slot = e.Get("slot").As<Napi::Number>().Int32Value();
    auto data = bytesOf(e.Get("data"), "packed weights data");
    w.md = descFromBytes(bytesOf(e.Get("desc"), "packed weights desc"), data.ByteLength());
    // oneDNN's kernels expect 64-byte aligned weights; a blob read into an unaligned buffer is copied.
    if (reinterpret_cast<uintptr_t>(data.Data()) % 64 == 0) {
      w.mem = memory(w.md, cpuEngine(), data.Data());
    } else {
      w.mem = memory(w.md, cpuEngine());
      std::memcpy(w.mem.get_data_handle(), data.Data(), w.md.get_size());
    }
    packing.given.push_back(std::move(w));
  }
  buildPlan(*plan, info[0].As<Napi::Object>());
  return Napi::External<PlanPtr>::New(env, new PlanPtr(plan), [](Napi::Env, PlanPtr* p) { delete p; });
}

// planPacked(plan) → { packed: [{ slot, desc, data }], plainSlots }: each packed weight's
// descriptor bytes and data (a view that keeps the plan alive), and the constant slots whose
// row-major data the plan reads (at run time, or as weights in place), which a cache must keep.
Napi::Value PlanPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PlanPtr plan = planOf(info[0]);
  auto packed = Napi::Array::New(env);
  std::vector<int> plain;
  if (plan->packing) {
    for (const PackedWeight& w : plan->packing->made) {
      if (w.inPlace) {
        plain.push_back(w.slot);
        continue;
      }
      auto desc = Napi::Uint8Array::New(env, sizeof(dnnl_memory_desc_t));
      std::memcpy(desc.Data(), &w.md.data, sizeof(dnnl_memory_desc_t));
      const size_t bytes = w.md.get_size();
      auto buffer = Napi::ArrayBuffer::New(env, w.mem.get_data_handle(), bytes, [](Napi::Env, void*, PlanPtr* keep) { delete keep; },
                                           new PlanPtr(plan));
      auto o = Napi::Object::New(env);
      o.Set("slot", Napi::Number::New(env, w.slot));
      o.Set("desc", desc);
      o.Set("data", Napi::Uint8Array::New(env, bytes, buffer, 0));
      packed.Set(packed.Length(), o);
    }
  }
  for (const PlanOp& op : plan->ops) {
    for (auto [arg, id] : op.slotArgs) {
      if (id >= 0 && id < static_cast<int>(plan->slots.size()) && plan->slots[id].kind == SlotKind::Const) plain.push_back(id);
    }
  }
  auto plainSlots = Napi::Int32Array::New(env, plain.size());
  for (size_t i = 0; i < plain.size(); i++) plainSlots[i] = plain[i];
  auto out = Napi::Object::New(env);
  out.Set("packed", packed);
  out.Set("plainSlots", plainSlots);
  return out;
}

// cpuIsa() → the instruction set oneDNN's kernels target here: packed layouts and primitive
// choices follow it, so a cached plan is valid only where it is the same.
Napi::Value CpuIsa(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "isa-" + std::to_string(static_cast<unsigned>(dnnl_get_effective_cpu_isa())));
}

// mapFile(path) → an ArrayBuffer over a private, copy-on-write mapping of the whole file (unmapped
// when collected). Pages are read on first touch; writes never reach the file.
Napi::Value MapFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Napi::Error::New(env, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    close(fd);
    throw Napi::Error::New(env, "cannot map " + path + ": empty or unreadable");
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  const int mapErrno = errno;
  close(fd);
  if (p == MAP_FAILED) throw Napi::Error::New(env, "cannot map " + path + ": " + std::strerror(mapErrno));
  return Napi::ArrayBuffer::New(env, p, size, [](Napi::Env, void* data, size_t* length) {
    munmap(data, *length);
    delete length;
  }, new size_t(size));
}

// CRC-32C (Castagnoli), bit by bit: the fallback for CPUs without SSE 4.2.
uint32_t crc32cPortable(uint32_t crc, const uint8_t* p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return ~crc;
}

#ifdef TSVINO_CRC32C_SSE42
__attribute__((target("sse4.2"))) uint32_t crc32cHardware(uint32_t crc, const uint8_t* p, size_t n) {
  uint64_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
  }
  uint32_t c32 = static_cast<uint32_t>(c);
  for (; n > 0; n--, p++) c32 = _mm_crc32_u8(c32, *p);
  return ~c32;
}

#endif

uint32_t crc32c(uint32_t crc, const uint8_t* p, size_t n) {
#ifdef TSVINO_CRC32C_SSE42
  static const bool hardware = __builtin_cpu_supports("sse4.2");
  if (hardware) return crc32cHardware(crc, p, n);
#endif
  return crc32cPortable(crc, p, n);
}

// The checksum is defined over fixed blocks so that threads can share the work: each buffer is cut
// into kBlock-byte blocks, each block gets its CRC-32C, and the result is the CRC-32C of those
// CRCs in order (little-endian), with every buffer's length mixed in.
constexpr size_t kBlock = 1 << 20;

// checksum(buffers: Uint8Array[]) → "crc32c:<hex>".
Napi::Value Checksum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto list = info[0].As<Napi::Array>();
  struct Block { const uint8_t* p; size_t n; };
  std::vector<Block> blocks;
  std::vector<uint64_t> lengths;
  for (uint32_t i = 0; i < list.Length(); i++) {
    auto b = bytesOf(list.Get(i), "checksummed buffer");
    const auto* p = static_cast<const uint8_t*>(b.Data());
    lengths.push_back(b.ByteLength());
    for (size_t at = 0; at < b.ByteLength(); at += kBlock) blocks.push_back({p + at, std::min(kBlock, b.ByteLength() - at)});
  }
  std::vector<uint32_t> crcs(blocks.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t k = next++; k < blocks.size(); k = next++) crcs[k] = crc32c(0, blocks[k].p, blocks[k].n);
  };
  // Worth threads only past a few blocks; page faults of a freshly mapped file spread with them.
  const size_t n = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), (blocks.size() + 7) / 8);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; i++) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  uint32_t crc = crc32c(0, reinterpret_cast<const uint8_t*>(lengths.data()), lengths.size() * sizeof(uint64_t));
  crc = crc32c(crc, reinterpret_cast<const uint8_t*>(crcs.data()), crcs.size() * sizeof(uint32_t));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", crc);
  return Napi::String::New(env, std::string("crc32c:") + hex);
}

}  // namespace

memory storedPacking(Plan& plan, int slot, const memory::desc& want) {
  if (!plan.packing) return memory();
  for (const PackedWeight& w : plan.packing->given) {
    if (w.slot == slot && w.md == want) {
      notePacking(plan, slot, want, w.mem, false);
      return w.mem;
    }
  }
  return memory();
}

void notePacking(Plan& plan, int slot, const memory::desc& want, const memory& mem, bool inPlace) {
  PackedWeight w;
  w.slot = slot;
  w.md = want;
  w.mem = mem;
  w.inPlace = inPlace;
  packingOf(plan).made.push_back(std::move(w));
}

void registerPlanCache(Napi::Env env, Napi::Object exports) {
  exports.Set("createPlanPacked", Napi::Function::New(env, CreatePlanPacked));
  exports.Set("planPacked", Napi::Function::New(env, PlanPacked));
  exports.Set("cpuIsa", Napi::Function::New(env, CpuIsa));
  exports.Set("mapFile", Napi::Function::New(env, MapFile));
  exports.Set("checksum", Napi::Function::New(env, Checksum));
}

}  // namespace tsvino
