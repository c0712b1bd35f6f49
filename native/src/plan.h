// A compiled execution plan: a whole graph's native steps built once, run many times.
//
// TypeScript lowers a model into slots (tensors) and steps (one oneDNN primitive each, post-ops
// fused) and hands them over in one call. The plan then
//   1. builds every primitive, letting oneDNN choose blocked layouts between steps and inserting a
//      reorder only where a consumer cannot read its producer's layout;
//   2. reports each slot's byte size and lifetime, so TypeScript's memory planner can place slots
//      in one arena;
//   3. creates contexts (one per infer request) that own an arena and run the steps, synchronously
//      or on a worker thread.
#pragma once

#include "common.h"

#include <atomic>
#include <climits>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tsvino {

// A step that runs its own code instead of a oneDNN primitive, over the memories bound to its
// DNNL_ARG_* args (compressed-matmul.cc).
using PlanKernel = std::function<void(const std::unordered_map<int, memory>&)>;

enum class SlotKind { Arena, External, Const };

struct Slot {
  memory::dims dims;
  SlotKind kind = SlotKind::Arena;
  memory::desc md;
  bool known = false;
  // Some reader outside the primitive chain (a reshape view, JavaScript) needs row-major layout.
  bool wantPlain = false;
  // A channel concat whose pieces are not whole 16-channel blocks reads it: nChw16c would make
  // that concat reorder every piece, so its producer keeps the layout oneDNN picks.
  bool avoidBlocked16 = false;
  // Storage shared with another slot (views, in-place sums): the root slot and a byte offset.
  int base = -1;
  size_t offset = 0;
  int first = INT_MAX, last = -1;
  // f32 everywhere except quantized activations (u8/s8) and int8 weights (s8).
  memory::data_type dt = memory::data_type::f32;
  memory constMem;  // Const slots own their (copied) data
  // Valid only while the plan is being built; null for a constant a cache import brought only in
  // packed form (plan-cache.h), which no step may read any other way.
  const void* constData = nullptr;
};

struct PlanOp {
  dnnl::primitive prim;
  std::vector<std::pair<int, int>> slotArgs;      // (DNNL_ARG_*, slot)
  std::vector<std::pair<int, memory>> fixedArgs;  // packed weights and owned constants
  int step = 0;                                   // index of the TypeScript step it serves
  // Args the primitive reads through another desc than the slot's (transposed or folded views).
  std::vector<std::pair<int, memory::desc>> views;
  // Set for custom steps: run instead of `prim`, and reported under `kernelName`.
  PlanKernel kernel;
  std::string kernelName;
};

struct PackedWeights;  // plan-cache.h

// Primitives still being created on helper threads (a cache import returns before they are
// ready, so that JavaScript's own restoring overlaps oneDNN's code generation).
struct PendingPrimitives {
  std::vector<std::function<dnnl::primitive()>> makers;  // one per op, in order
  std::vector<std::function<void()>> packJobs;           // weight reorders (never in the background)
  std::atomic<size_t> next{0};                           // the next job to take: makers, then packJobs
  std::vector<std::thread> threads;
  std::mutex joining;  // held while joining the threads (never taken by them)
  std::mutex lock;     // guards the error, which the threads set
  std::string error;   // the first maker's failure
  int errorStep = -1;
  bool joined = false;
};

struct Plan {
  // A deque: builders hold references to slots while scratch slots are appended.
  std::deque<Slot> slots;
  std::vector<PlanOp> ops;
  std::vector<std::string> stepKinds;  // per step, the kernel that runs it (for profiling)
  size_t stepCount = 0;
  // Weights packed by this build, and packed weights a model-cache import handed over.
  std::shared_ptr<PackedWeights> packing;
  // Set while primitives are made in the background; see awaitPrimitives.
  std::shared_ptr<PendingPrimitives> pending;

  Plan() = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
  ~Plan();
};

// When to create the primitives: before buildPlan returns, or on helper threads while the caller
// goes on (only where no weight needs packing from the caller's buffers, which live for the call).
enum class PrimitiveCreation { Now, Background };

// Waits for background primitive creation; throws a JS Error naming the failing step if it failed.
// Every entry point that runs or inspects primitives calls it first.
void awaitPrimitives(Plan& plan, Napi::Env env);

// Builds the plan from its JavaScript description; throws a JS Error naming the failing step
// (with `step` and `unimplemented` properties) when a step cannot be built.
void buildPlan(Plan& plan, const Napi::Object& desc, PrimitiveCreation creation = PrimitiveCreation::Now);

int rootOf(const Plan& plan, int slot);
// The root slot owning `slot`'s bytes, and `slot`'s byte offset in it (following every alias).
std::pair<int, size_t> resolveStorage(const Plan& plan, int slot);

void registerPlan(Napi::Env env, Napi::Object exports);

}  // namespace tsvino
