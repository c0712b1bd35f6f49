// Model-cache support for plans (plan-cache.cc). A plan notes every weight it packs, so the packed
// bytes can be stored with their memory descriptor; a plan built from the cache is given those
// bytes back and uses them wherever a step asks for exactly the layout they were packed in, which
// skips the weight reorders (most of a plan's build time).
#pragma once

#include "plan.h"

#include <vector>

namespace tsvino {

struct PackedWeight {
  int slot = -1;
  memory::desc md;
  memory mem;
  // The step reads the constant's own row-major data, so nothing packed needs storing.
  bool inPlace = false;
};

struct PackedWeights {
  std::vector<PackedWeight> made;   // what this build packed, reused or read in place
  std::vector<PackedWeight> given;  // packed weights handed over by an import
};

// The given packing of `slot` in exactly layout `want` (noted as made), or an empty memory.
memory storedPacking(Plan& plan, int slot, const memory::desc& want);
// Notes that the build packed `slot` as `want` into `mem` (or reads it in place).
void notePacking(Plan& plan, int slot, const memory::desc& want, const memory& mem, bool inPlace);

void registerPlanCache(Napi::Env env, Napi::Object exports);

}  // namespace tsvino
