// Plans and contexts at the JavaScript boundary. A plan is shared by every infer request of a
// compiled model; each request gets a context with its own arena, so requests never share scratch
// memory and may run at the same time on different threads.
#include "plan.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <unordered_map>

namespace tsvino {
namespace {

using PlanPtr = std::shared_ptr<Plan>;

// Runs a context's asynchronous work on one thread of its own, started on first use. OpenMP keeps
// a thread team per calling thread: were runs spread over libuv's pool, each pool thread would grow
// its own team, and the idle teams' spinning threads would compete with the running one for cores.
class RunThread {
 public:
  ~RunThread() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  // Runs `job` there and waits for it (rethrowing what it threw): synchronous inference runs on
  // the same thread as asynchronous, so a process that does both keeps one OpenMP team, not two.
  // Two teams on two cores make libgomp throttle its spin-waits, and every primitive then pays
  // for waking a sleeping worker (mobilenet_v2: about 12% of its latency, docs/PERFORMANCE.md).
  void runAndWait(const std::function<void()>& job) {
    std::mutex doneLock;
    std::condition_variable doneSignal;
    bool done = false;
    std::exception_ptr error;
    post([&] {
      try {
        job();
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(doneLock);
      done = true;
      doneSignal.notify_one();
    });
    std::unique_lock<std::mutex> lock(doneLock);
    doneSignal.wait(lock, [&] { return done; });
    if (error) std::rethrow_exception(error);
  }
  // Queues `job` to run there and returns at once; jobs run one at a time, in order.
  void post(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::thread thread_;
};

struct Context {
  PlanPtr plan;
  void* arena = nullptr;
  size_t arenaBytes = 0;
  std::vector<memory> mems;
  std::vector<std::unordered_map<int, memory>> args;
  // For each external root slot: the memories over its buffer and their byte offsets in it.
  std::unordered_map<int, std::vector<std::pair<memory, size_t>>> dependents;
  RunThread runner;
  ~Context() { std::free(arena); }
};

PlanPtr& planOf(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a plan handle");
  return *v.As<Napi::External<PlanPtr>>().Data();
}

Context& contextOf(const Napi::Value& v) {
  if (!v.IsExternal()) throw Napi::TypeError::New(v.Env(), "expected a plan context handle");
  return *v.As<Napi::External<Context>>().Data();
}

// createPlan({ slots, steps }) → plan handle.
Napi::Value CreatePlan(const Napi::CallbackInfo& info) {
  auto plan = std::make_shared<Plan>();
  buildPlan(*plan, info[0].As<Napi::Object>());
  return Napi::External<PlanPtr>::New(info.Env(), new PlanPtr(plan), [](Napi::Env, PlanPtr* p) { delete p; });
}

const char* kindName(SlotKind k) {
  return k == SlotKind::Arena ? "arena" : k == SlotKind::External ? "external" : "const";
}

// planSlots(plan) → per slot { bytes, first, last, base, offset, kind }: what the memory planner needs.
Napi::Value PlanSlots(const Napi::CallbackInfo& info) {
  const Plan& plan = *planOf(info[0]);
  Napi::Env env = info.Env();
  auto out = Napi::Array::New(env, plan.slots.size());
  for (size_t i = 0; i < plan.slots.size(); i++) {
    const Slot& s = plan.slots[i];
    auto o = Napi::Object::New(env);
    o.Set("bytes", Napi::Number::New(env, s.known ? static_cast<double>(s.md.get_size()) : 0));
    o.Set("first", Napi::Number::New(env, s.last < 0 ? -1 : s.first));
    o.Set("last", Napi::Number::New(env, s.last == INT_MAX ? 1e9 : s.last));
    o.Set("base", Napi::Number::New(env, s.base));
    o.Set("offset", Napi::Number::New(env, static_cast<double>(s.offset)));
    o.Set("kind", Napi::String::New(env, kindName(s.kind)));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// planOps(plan) → per primitive { step, impl }: which oneDNN implementation serves which step.
Napi::Value PlanOps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  awaitPrimitives(*planOf(info[0]), env);
  const Plan& plan = *planOf(info[0]);
  auto out = Napi::Array::New(env, plan.ops.size());
  for (size_t i = 0; i < plan.ops.size(); i++) {
    if (plan.ops[i].kernel) {
      auto o = Napi::Object::New(env);
      o.Set("step", Napi::Number::New(env, plan.ops[i].step));
      o.Set("impl", Napi::String::New(env, plan.ops[i].kernelName));
      o.Set("primitive", Napi::String::New(env, "kernel"));
      out.Set(static_cast<uint32_t>(i), o);
      continue;
    }
    const char* impl = "";
    const_dnnl_primitive_desc_t pd = plan.ops[i].prim.get_primitive_desc();
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
    dnnl_primitive_kind_t kind = dnnl_undefined_primitive;
    dnnl_primitive_desc_query(pd, dnnl_query_primitive_kind, 0, &kind);
    auto o = Napi::Object::New(env);
    o.Set("step", Napi::Number::New(env, plan.ops[i].step));
    o.Set("impl", Napi::String::New(env, impl ? impl : ""));
    o.Set("primitive", Napi::String::New(env, dnnl_prim_kind2str(kind)));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// createContext(plan, offsets, arenaBytes) → context handle. offsets[i] is root slot i's byte
// offset in the arena (ignored for external, constant and sharing slots).
Napi::Value CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PlanPtr plan = planOf(info[0]);
  awaitPrimitives(*plan, env);
  auto offsets = info[1].As<Napi::Array>();
  const size_t arenaBytes = static_cast<size_t>(info[2].As<Napi::Number>().Int64Value());
  if (offsets.Length() != plan->slots.size()) throw Napi::RangeError::New(env, "one offset per slot is needed");
  auto* ctx = new Context();
  ctx->plan = plan;
  ctx->arenaBytes = arenaBytes;
  ctx->arena = std::aligned_alloc(64, ((arenaBytes + 63) / 64) * 64 + 64);
  if (!ctx->arena) {
    delete ctx;
    throw Napi::Error::New(env, "cannot allocate a " + std::to_string(arenaBytes) + "-byte arena");
  }
  auto* arena = static_cast<char*>(ctx->arena);
  // Where slot i's bytes start: arena slots at their root's offset; external roots are bound per run.
  auto place = [&](int i, const memory::desc& md) {
    const auto [root, rel] = resolveStorage(*plan, i);
    const Slot& r = plan->slots[root];
    if (r.kind == SlotKind::Const) {
      // Constants only packed into weights have no run-time copy, and no step reads them.
      if (!r.constMem.get(true)) return memory();
      return memory(md, cpuEngine(), static_cast<char*>(r.constMem.get_data_handle()) + rel);
    }
    if (r.kind == SlotKind::External) {
      memory m(md, cpuEngine(), DNNL_MEMORY_NONE);
      ctx->dependents[root].emplace_back(m, rel);
      return m;
    }
    const double at = offsets.Get(root).As<Napi::Number>().DoubleValue();
    if (at < 0 || at + static_cast<double>(r.md.get_size()) > static_cast<double>(arenaBytes)) {
      throw Napi::RangeError::New(env, "slot " + std::to_string(root) + " does not fit the arena");
    }
    return memory(md, cpuEngine(), arena + static_cast<size_t>(at) + rel);
  };
  try {
    ctx->mems.resize(plan->slots.size());
    for (size_t i = 0; i < plan->slots.size(); i++) {
      if (plan->slots[i].known) ctx->mems[i] = place(static_cast<int>(i), plan->slots[i].md);
    }
    ctx->args.resize(plan->ops.size());
    for (size_t k = 0; k < plan->ops.size(); k++) {
      const PlanOp& op = plan->ops[k];
      auto& args = ctx->args[k];
      for (auto [arg, slot] : op.slotArgs) {
        auto view = std::find_if(op.views.begin(), op.views.end(), [arg = arg](auto& v) { return v.first == arg; });
        args[arg] = view == op.views.end() ? ctx->mems[slot] : place(slot, view->second);
      }
      for (auto& [arg, m] : op.fixedArgs) args[arg] = m;
    }
  } catch (const dnnl::error& e) {
    delete ctx;
    throw Napi::Error::New(env, std::string("oneDNN: ") + e.what());
  } catch (...) {
    delete ctx;
    throw;
  }
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(arenaBytes));
  return Napi::External<Context>::New(env, ctx, [](Napi::Env e, Context* c) {
    Napi::MemoryManagement::AdjustExternalMemory(e, -static_cast<int64_t>(c->arenaBytes));
    delete c;
  });
}

// Points every memory over an external slot at this run's buffer.
void bindExternals(Context& ctx, const Napi::Int32Array& ids, const Napi::Array& buffers) {
  Napi::Env env = ids.Env();
  for (size_t k = 0; k < ids.ElementLength(); k++) {
    const int id = ids[k];
    if (id < 0 || id >= static_cast<int>(ctx.plan->slots.size()) || ctx.plan->slots[id].kind != SlotKind::External) {
      throw Napi::RangeError::New(env, "slot " + std::to_string(id) + " is not an external slot");
    }
    Napi::Value v = buffers.Get(static_cast<uint32_t>(k));
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(env, "external slot " + std::to_string(id) + " needs a Float32Array");
    }
    auto a = v.As<Napi::Float32Array>();
    const size_t need = ctx.plan->slots[id].md.get_size();
    if (a.ByteLength() < need) {
      throw Napi::RangeError::New(env, "external slot " + std::to_string(id) + " needs " + std::to_string(need) +
                                           " bytes, got " + std::to_string(a.ByteLength()));
    }
    auto* base = reinterpret_cast<char*>(a.Data());
    auto it = ctx.dependents.find(id);
    if (it == ctx.dependents.end()) continue;
    for (auto& [m, off] : it->second) m.set_data_handle(base + off);
  }
}

// Runs the primitives serving steps [from, to); with `times`, waits after each one and adds its
// microseconds to times[step] (profiling only: it serializes the stream).
void execute(Context& ctx, int from, int to, double* times) {
  dnnl::stream& s = cpuStream();
  const auto& ops = ctx.plan->ops;
  // A custom kernel first waits for the primitives before it (free on oneDNN's synchronous CPU stream).
  auto run = [&](size_t k) {
    if (!ops[k].kernel) return ops[k].prim.execute(s, ctx.args[k]);
    s.wait();
    ops[k].kernel(ctx.args[k]);
  };
  for (size_t k = 0; k < ops.size(); k++) {
    if (ops[k].step < from || ops[k].step >= to) continue;
    if (!times) {
      run(k);
      continue;
    }
    auto t0 = std::chrono::steady_clock::now();
    run(k);
    s.wait();
    times[ops[k].step] += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  }
  s.wait();
}

void setThreads(int n) { omp_set_num_threads(n > 0 ? n : omp_get_num_procs()); }

// runContext(ctx, from, to, externalIds, externalBuffers, threads, times?) runs on the context's
// run thread and returns when it is done (this thread waits, so the buffers stay put).
Napi::Value RunContext(const Napi::CallbackInfo& info) {
  Context& ctx = contextOf(info[0]);
  bindExternals(ctx, info[3].As<Napi::Int32Array>(), info[4].As<Napi::Array>());
  const int threads = info[5].As<Napi::Number>().Int32Value();
  double* times = info.Length() > 6 && info[6].IsTypedArray() ? info[6].As<Napi::Float64Array>().Data() : nullptr;
  const int from = info[1].As<Napi::Number>().Int32Value(), to = info[2].As<Napi::Number>().Int32Value();
  try {
    ctx.runner.runAndWait([&] {
      setThreads(threads);
      execute(ctx, from, to, times);
    });
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what());
  }
  return info.Env().Undefined();
}

// Asynchronous runs in flight per JavaScript environment (the main thread or a worker). When a
// worker is terminated mid-run, its environment's cleanup waits for them: the run thread is still
// reading the inputs and writing the outputs, JavaScript buffers the teardown would free under it.
struct EnvRuns {
  std::mutex m;
  std::condition_variable idle;
  int inFlight = 0;
};

std::mutex envRunsMutex;
std::unordered_map<napi_env, EnvRuns*> envRunsByEnv;

EnvRuns* envRunsOf(napi_env env) {
  std::lock_guard<std::mutex> lock(envRunsMutex);
  auto it = envRunsByEnv.find(env);
  return it == envRunsByEnv.end() ? nullptr : it->second;
}

void waitForRuns(void* arg) {
  auto* runs = static_cast<EnvRuns*>(arg);
  std::unique_lock<std::mutex> lock(runs->m);
  runs->idle.wait(lock, [runs] { return runs->inFlight == 0; });
  // Left allocated: a run thread may still be returning from its last notify.
}

// One asynchronous run: what the run thread needs, and what must outlive it (the context and the
// external buffers stay referenced until the callback has run on the JS thread).
struct AsyncRun {
  EnvRuns* runs;
  Context* ctx;
  int from, to, threads;
  Napi::ObjectReference keep;
  Napi::ThreadSafeFunction done;
  std::string error;
};

// runContextAsync(ctx, from, to, externalIds, externalBuffers, threads, callback(err)) runs on the
// context's own run thread, which calls back into JavaScript itself when done: one hand-off each
// way, where a libuv worker in between would add two more thread wake-ups to every inference.
// The caller must not touch the context or the buffers until the callback.
Napi::Value RunContextAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Context& ctx = contextOf(info[0]);
  bindExternals(ctx, info[3].As<Napi::Int32Array>(), info[4].As<Napi::Array>());
  EnvRuns* runs = envRunsOf(env);
  if (!runs) throw Napi::Error::New(env, "runContextAsync: the addon was not initialised in this environment");
  auto* run = new AsyncRun{runs, &ctx, info[1].As<Napi::Number>().Int32Value(), info[2].As<Napi::Number>().Int32Value(),
                           info[5].As<Napi::Number>().Int32Value(), Napi::Persistent(Napi::Object::New(env)), {}, {}};
  run->keep.Set("ctx", info[0]);
  run->keep.Set("buffers", info[4]);
  run->done = Napi::ThreadSafeFunction::New(env, info[6].As<Napi::Function>(), "tsvino.plan", 0, 1);
  {
    std::lock_guard<std::mutex> lock(runs->m);
    runs->inFlight++;
  }
  ctx.runner.post([run] {
    try {
      setThreads(run->threads);
      execute(*run->ctx, run->from, run->to, nullptr);
    } catch (const dnnl::error& e) {
      run->error = std::string("oneDNN: ") + e.what();
    } catch (const std::exception& e) {
      run->error = e.what();
    }
    // The callback frees `run` on the JS thread, perhaps before BlockingCall returns here.
    Napi::ThreadSafeFunction done = run->done;
    EnvRuns* runs = run->runs;
    const napi_status queued = done.BlockingCall(run, [](Napi::Env env, Napi::Function callback, AsyncRun* r) {
      if (static_cast<napi_env>(env) == nullptr) {
        // The environment is going away: no JavaScript to call, and its references are gone with it.
        r->keep.SuppressDestruct();
        delete r;
        return;
      }
      std::unique_ptr<AsyncRun> owned(r);
      // Plain N-API calls with their status ignored: while a worker is being terminated the
      // environment still exists but runs no JavaScript, and a node-addon-api wrapper would throw
      // there, out of this C callback, which ends the process (std::terminate).
      napi_value err = nullptr;
      if (r->error.empty()) {
        napi_get_null(env, &err);
      } else {
        napi_value message = nullptr;
        if (napi_create_string_utf8(env, r->error.c_str(), r->error.size(), &message) != napi_ok ||
            napi_create_error(env, nullptr, message, &err) != napi_ok) return;
      }
      napi_value global = nullptr;
      if (napi_get_global(env, &global) != napi_ok) return;
      napi_value ignored = nullptr;
      napi_call_function(env, global, callback, 1, &err, &ignored);
    });
    if (queued != napi_ok) run->keep.SuppressDestruct();  // closing: `run` is leaked rather than freed off-thread
    done.Release();
    std::lock_guard<std::mutex> lock(runs->m);
    runs->inFlight--;
    runs->idle.notify_all();
  });
  return env.Undefined();
}

}  // namespace

void registerPlan(Napi::Env env, Napi::Object exports) {
  auto* runs = new EnvRuns();
  {
    std::lock_guard<std::mutex> lock(envRunsMutex);
    envRunsByEnv[env] = runs;
  }
  napi_add_env_cleanup_hook(env, waitForRuns, runs);
  exports.Set("createPlan", Napi::Function::New(env, CreatePlan));
  exports.Set("planSlots", Napi::Function::New(env, PlanSlots));
  exports.Set("planOps", Napi::Function::New(env, PlanOps));
  exports.Set("createContext", Napi::Function::New(env, CreateContext));
  exports.Set("runContext", Napi::Function::New(env, RunContext));
  exports.Set("runContextAsync", Napi::Function::New(env, RunContextAsync));
}

}  // namespace tsvino
