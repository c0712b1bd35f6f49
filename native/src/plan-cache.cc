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
#include <map>
#include <memory>
#include <mutex>
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
  // Winograd weights (oneDNN's wino format) carry their own size, checked against the data below.
  const bool wino = raw.format_kind == dnnl_format_kind_wino && raw.format_desc.wino_desc.size > 0;
  if (!positive || !knownType || (raw.format_kind != dnnl_blocked && !wino)) {
    throw Napi::RangeError::New(env, "stored memory descriptor is not a blocked (or Winograd) layout of 1 to 12 positive dims");
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
  // Primitives are made in the background (JavaScript restores the rest meanwhile); awaitPlan
  // waits for them, and every entry point that needs them waits too.
  buildPlan(*plan, info[0].As<Napi::Object>(), PrimitiveCreation::Background);
  return Napi::External<PlanPtr>::New(env, new PlanPtr(plan), [](Napi::Env, PlanPtr* p) { delete p; });
}

// awaitPlan(plan): waits until the plan's primitives exist; throws if one could not be made.
Napi::Value AwaitPlan(const Napi::CallbackInfo& info) {
  awaitPrimitives(*planOf(info[0]), info.Env());
  return info.Env().Undefined();
}

// planPacked(plan) → { packed: [{ slot, desc, data }], plainSlots }: each packed weight's
// descriptor bytes and data (a view that keeps the plan alive), and the constant slots whose
// row-major data the plan reads (at run time, or as weights in place), which a cache must keep.
Napi::Value PlanPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PlanPtr plan = planOf(info[0]);
  awaitPrimitives(*plan, env);
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

// A mapped file, unmapped when its last owner lets go: the ArrayBuffer mapFile returns, and any
// checksum still reading it (a worker's teardown may collect the ArrayBuffer first). Mappings are
// registered by address, so that code handed only views of one can find and share it.
struct Mapping {
  void* base;
  size_t size;
};
std::mutex mappingsLock;
std::map<uintptr_t, std::weak_ptr<Mapping>> mappings;  // by start address

std::shared_ptr<Mapping> registerMapping(void* base, size_t size) {
  std::shared_ptr<Mapping> m(new Mapping{base, size}, [](Mapping* dead) {
    {
      std::lock_guard<std::mutex> guard(mappingsLock);
      mappings.erase(reinterpret_cast<uintptr_t>(dead->base));
    }
    munmap(dead->base, dead->size);
    delete dead;
  });
  std::lock_guard<std::mutex> guard(mappingsLock);
  mappings[reinterpret_cast<uintptr_t>(base)] = m;
  return m;
}

// The live mapping holding `p`, or null when `p` is not in one.
std::shared_ptr<Mapping> mappingOf(const void* p) {
  const auto at = reinterpret_cast<uintptr_t>(p);
  std::lock_guard<std::mutex> guard(mappingsLock);
  auto it = mappings.upper_bound(at);
  if (it == mappings.begin()) return nullptr;
  --it;
  auto m = it->second.lock();
  return m && at < it->first + m->size ? m : nullptr;
}

// mapFile(path) → an ArrayBuffer over a private, copy-on-write mapping of the whole file (unmapped
// when collected and no checksum reads it any more). Pages are read on first touch; writes never
// reach the file.
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
  auto* owner = new std::shared_ptr<Mapping>(registerMapping(p, size));
  return Napi::ArrayBuffer::New(env, p, size, [](Napi::Env, void*, std::shared_ptr<Mapping>* o) { delete o; }, owner);
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

bool hasSse42() {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}

// Three equal-length blocks at once: the crc32 instruction has a latency of three cycles and a
// throughput of one, so three independent chains run it at full rate (about 3x one chain).
__attribute__((target("sse4.2"))) void crc32cHardware3(const uint8_t* const p[3], size_t n, uint32_t out[3]) {
  uint64_t c0 = ~0u, c1 = ~0u, c2 = ~0u;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t v0, v1, v2;
    std::memcpy(&v0, p[0] + i, 8);
    std::memcpy(&v1, p[1] + i, 8);
    std::memcpy(&v2, p[2] + i, 8);
    c0 = _mm_crc32_u64(c0, v0);
    c1 = _mm_crc32_u64(c1, v1);
    c2 = _mm_crc32_u64(c2, v2);
  }
  uint32_t c[3] = {static_cast<uint32_t>(c0), static_cast<uint32_t>(c1), static_cast<uint32_t>(c2)};
  for (int k = 0; k < 3; k++) {
    for (size_t j = i; j < n; j++) c[k] = _mm_crc32_u8(c[k], p[k][j]);
    out[k] = ~c[k];
  }
}

#endif

// CRC-32C of three blocks of `n` bytes each, from a zero initial value.
void crc32cOfThree(const uint8_t* const p[3], size_t n, uint32_t out[3]) {
#ifdef TSVINO_CRC32C_SSE42
  if (hasSse42()) return crc32cHardware3(p, n, out);
#endif
  for (int k = 0; k < 3; k++) out[k] = crc32cPortable(0, p[k], n);
}

uint32_t crc32c(uint32_t crc, const uint8_t* p, size_t n) {
#ifdef TSVINO_CRC32C_SSE42
  if (hasSse42()) return crc32cHardware(crc, p, n);
#endif
  return crc32cPortable(crc, p, n);
}

// The checksum is defined over fixed blocks so that threads can share the work: each buffer is cut
// into kBlock-byte blocks, each block gets its CRC-32C, and the result is the CRC-32C of those
// CRCs in order (little-endian), with every buffer's length mixed in.
constexpr size_t kBlock = 1 << 20;

struct ChecksumBlock {
  const uint8_t* p;
  size_t n;
};

// The blocks of every buffer in `list`, and each buffer's length.
void blocksOf(const Napi::Array& list, std::vector<ChecksumBlock>& blocks, std::vector<uint64_t>& lengths) {
  for (uint32_t i = 0; i < list.Length(); i++) {
    auto b = bytesOf(list.Get(i), "checksummed buffer");
    const auto* p = static_cast<const uint8_t*>(b.Data());
    lengths.push_back(b.ByteLength());
    for (size_t at = 0; at < b.ByteLength(); at += kBlock) blocks.push_back({p + at, std::min(kBlock, b.ByteLength() - at)});
  }
}

// "crc32c:<hex>" over the blocks; touches no JavaScript value, so it may run on any thread.
std::string checksumOf(const std::vector<ChecksumBlock>& blocks, const std::vector<uint64_t>& lengths) {
  std::vector<uint32_t> crcs(blocks.size());
  std::atomic<size_t> next{0};
  // Work comes in groups of three blocks, which run interleaved when all three are whole.
  const size_t groups = (blocks.size() + 2) / 3;
  auto work = [&] {
    for (size_t g = next++; g < groups; g = next++) {
      const size_t k = 3 * g;
      if (k + 2 < blocks.size() && blocks[k].n == kBlock && blocks[k + 1].n == kBlock && blocks[k + 2].n == kBlock) {
        const uint8_t* const p[3] = {blocks[k].p, blocks[k + 1].p, blocks[k + 2].p};
        crc32cOfThree(p, kBlock, &crcs[k]);
        continue;
      }
      for (size_t j = k; j < std::min(k + 3, blocks.size()); j++) crcs[j] = crc32c(0, blocks[j].p, blocks[j].n);
    }
  };
  // A second thread from two groups on: reading a blob is bound by memory, not by one core's CRCs.
  const size_t n = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), groups);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; i++) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  uint32_t crc = crc32c(0, reinterpret_cast<const uint8_t*>(lengths.data()), lengths.size() * sizeof(uint64_t));
  crc = crc32c(crc, reinterpret_cast<const uint8_t*>(crcs.data()), crcs.size() * sizeof(uint32_t));
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", crc);
  return std::string("crc32c:") + hex;
}

// checksum(buffers: Uint8Array[]) → "crc32c:<hex>".
Napi::Value Checksum(const Napi::CallbackInfo& info) {
  std::vector<ChecksumBlock> blocks;
  std::vector<uint64_t> lengths;
  blocksOf(info[0].As<Napi::Array>(), blocks, lengths);
  return Napi::String::New(info.Env(), checksumOf(blocks, lengths));
}

// A checksum computed on its own thread. It holds references to its buffers until collected, and
// shares ownership of the mappings they lie in: a worker's teardown releases ArrayBuffers in no
// order we control, and a mapped blob's went first. For other memory, an environment cleanup
// hook joins the thread before V8 frees its backing stores.
struct ChecksumJob {
  std::vector<Napi::Reference<Napi::Value>> keep;
  std::vector<std::shared_ptr<Mapping>> mapped;
  std::thread thread;
  std::string result;
  napi_env env = nullptr;
  bool hooked = false;

  void join() {
    if (thread.joinable()) thread.join();
  }
  void unhook() {
    if (hooked) napi_remove_env_cleanup_hook(env, &ChecksumJob::onCleanup, this);
    hooked = false;
  }
  static void onCleanup(void* arg) {
    auto* job = static_cast<ChecksumJob*>(arg);
    job->hooked = false;
    job->join();
  }
};

// checksumStart(buffers) → handle: checksum(buffers) on another thread, so that a cache hit can
// restore the model while its bytes are verified. checksumResult(handle) waits for it.
Napi::Value ChecksumStart(const Napi::CallbackInfo& info) {
  auto list = info[0].As<Napi::Array>();
  std::vector<ChecksumBlock> blocks;
  std::vector<uint64_t> lengths;
  blocksOf(list, blocks, lengths);
  auto* job = new ChecksumJob();
  for (uint32_t i = 0; i < list.Length(); i++) job->keep.push_back(Napi::Persistent(list.Get(i)));
  for (const ChecksumBlock& b : blocks) {
    auto m = mappingOf(b.p);
    if (m && std::find(job->mapped.begin(), job->mapped.end(), m) == job->mapped.end()) job->mapped.push_back(std::move(m));
  }
  job->thread = std::thread([job, blocks = std::move(blocks), lengths = std::move(lengths)] {
    job->result = checksumOf(blocks, lengths);
    job->mapped.clear();  // the bytes are read: the mappings may go now
  });
  job->env = info.Env();
  job->hooked = napi_add_env_cleanup_hook(job->env, &ChecksumJob::onCleanup, job) == napi_ok;
  return Napi::External<ChecksumJob>::New(info.Env(), job, [](Napi::Env, ChecksumJob* j) {
    j->join();
    j->unhook();
    delete j;
  });
}

Napi::Value ChecksumResult(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected a checksum handle");
  ChecksumJob& job = *info[0].As<Napi::External<ChecksumJob>>().Data();
  job.join();
  job.unhook();
  return Napi::String::New(info.Env(), job.result);
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
  exports.Set("awaitPlan", Napi::Function::New(env, AwaitPlan));
  exports.Set("cpuIsa", Napi::Function::New(env, CpuIsa));
  exports.Set("mapFile", Napi::Function::New(env, MapFile));
  exports.Set("checksum", Napi::Function::New(env, Checksum));
  exports.Set("checksumStart", Napi::Function::New(env, ChecksumStart));
  exports.Set("checksumResult", Napi::Function::New(env, ChecksumResult));
}

}  // namespace tsvino
