import os from 'node:os';
import type { Model } from '../../core/model.js';
import { InputError, ModelFormatError } from '../../core/errors.js';
import { evaluateModel, planEvaluation, type KernelOverride } from '../../ops/evaluate.js';
import { PRETRANSFORMED_KEY, type Executable, type ExportedExecutable, type Plugin, type ProfilingInfo, type Properties, type RequestState } from '../plugin.js';
import { requestProfiles } from '../profiling.js';
import { supportedNodes, VERSION } from '../common.js';
import { chainKernels, nativeKernels, typescriptKernels } from './kernels/index.js';
import { native, nativeUnavailableReason, type NativeAddon } from './native.js';
import { compilePlan, type CompiledPlan } from './executor.js';
import { decodeExecutable, encodeExecutable } from './plan-codec.js';
import { commonTransformations } from '../../transformations/index.js';
import type { Tensor } from '../../core/tensor.js';

/**
 * Kernels that replace an op's reference evaluate on CPU, keyed by op type: oneDNN first, then the
 * faster TypeScript kernels. A node whose kernels all decline (return undefined) falls back to the
 * reference kernel inside the same compiled graph.
 */
export const cpuKernels = chainKernels(nativeKernels(native), typescriptKernels);

let noticeShown = false;
/** Says once per process that CPU runs without oneDNN, and why (not when the user turned it off). */
function noticeNativeUnavailable(): void {
  if (native || noticeShown || process.env['TSVINO_DISABLE_NATIVE'] === '1') return;
  noticeShown = true;
  console.warn(`tsvino: CPU is running without its oneDNN kernels (${nativeUnavailableReason ?? 'unknown reason'}); using TypeScript kernels.`);
}

const PERFORMANCE_HINTS = ['LATENCY', 'THROUGHPUT', 'CUMULATIVE_THROUGHPUT', 'NONE'];

/** CPU: the device users deploy on: oneDNN kernels where the addon is built, TypeScript ones elsewhere, per op. */
export const cpuPlugin: Plugin = {
  name: 'CPU',
  fullName: `${os.cpus()[0]?.model.trim() ?? 'CPU'} (${os.cpus().length} cores)`,
  defaults: {
    INFERENCE_NUM_THREADS: 0,
    PERFORMANCE_HINT: 'LATENCY',
    NUM_STREAMS: 1,
    ENABLE_PROFILING: false,
    INFERENCE_PRECISION_HINT: 'f32',
  },
  readOnly: ['FULL_DEVICE_NAME', 'SUPPORTED_PROPERTIES', 'OPTIMAL_NUMBER_OF_INFER_REQUESTS', 'AVAILABLE_DEVICES'],
  compile(source: Model, config: Properties): Executable {
    const { properties, threadsPerStream, profiling } = settingsOf(this.defaults, config);
    noticeNativeUnavailable();
    const model = source.clone();
    if (!native) {
      const plan = planEvaluation(model);
      const profiles = requestProfiles(plan.order, (node, byOverride) => (byOverride ? 'typescript' : 'reference'));
      return {
        model, properties,
        run: (inputs, state) => evaluateModel(plan, inputs, state.variables, cpuKernels.size ? override : undefined,
          profiling ? profiles.timerFor(state) : undefined),
        ...(profiling ? { profilingInfo: profiles.info } : {}),
      };
    }
    // The model is transformed in place (PlanCache); its results keep their tensor names, so the
    // transformed graph serves as the compiled model's ports without another clone.
    const plans = new PlanCache(model, { addon: native, threads: threadsPerStream, jsKernel: override, profiling });
    return nativeExecutable(model, plans, properties);
  },
  queryModel: (model) => supportedNodes(model, 'CPU'),
  version: () => ({ buildNumber: VERSION, description: 'tsvino CPU plugin' }),
  // Without the addon an executable is a graph run by kernels; the runtime stores its graph instead.
  exportExecutable: (exe) => {
    const plans = nativePlans.get(exe);
    return plans && native ? encodeExecutable(plans.model, plans.dynamic, plans.entries(), native) : undefined;
  },
  importExecutable(exported: ExportedExecutable, config: Properties): Executable {
    if (!native) throw new ModelFormatError(`the compiled model holds native CPU plans, and this process has no oneDNN addon (${nativeUnavailableReason ?? 'unknown reason'})`);
    const { properties, threadsPerStream, profiling } = settingsOf(this.defaults, config);
    const restored = decodeExecutable(exported, native, threadsPerStream, override, profiling);
    const plans = new PlanCache(restored.model, { addon: native, threads: threadsPerStream, jsKernel: override, profiling }, restored.plans);
    return nativeExecutable(restored.model, plans, properties);
  },
  // Packed weights follow the ISA, primitives the thread count: a plan is valid only where both agree.
  cacheKey: (config) => {
    const { threadsPerStream } = resolveStreams(config, hintOf(config));
    return JSON.stringify(native ? { onednn: native.version(), isa: native.cpuIsa?.() ?? '', threadsPerStream } : { native: false });
  },
  ...fileMapper(native),
};

/** Cache blobs are mapped and checked through the addon when it can: a hit then copies no byte. */
function fileMapper(addon: NativeAddon | undefined): Pick<Plugin, 'mapFile' | 'checksum' | 'checksumAsync'> {
  const map = addon?.mapFile?.bind(addon);
  const sum = addon?.checksum?.bind(addon);
  const start = addon?.checksumStart?.bind(addon);
  const result = addon?.checksumResult?.bind(addon);
  const sumAsync = start && result ? (parts: readonly Uint8Array[]) => { const job = start(parts); return () => result(job); } : undefined;
  return {
    ...(map ? { mapFile: (path: string) => new Uint8Array(map(path)) } : {}),
    ...(sum ? { checksum: sum } : {}),
    ...(sumAsync ? { checksumAsync: sumAsync } : {}),
  };
}

const override: KernelOverride = (node, inputs, ctx) => cpuKernels.get(node.type)?.(node, inputs, ctx);

function hintOf(config: Properties): string {
  const hint = String(config['PERFORMANCE_HINT'] ?? 'LATENCY').toUpperCase();
  if (!PERFORMANCE_HINTS.includes(hint)) throw new InputError(`PERFORMANCE_HINT "${hint}" is not one of ${PERFORMANCE_HINTS.join(', ')}`);
  return hint;
}

/** The effective properties of a compile, and what planning needs of them. */
function settingsOf(defaults: Properties, config: Properties): { properties: Properties; threadsPerStream: number; profiling: boolean } {
  const hint = hintOf(config);
  // A model from the cache still gets the transformations: they are idempotent and cheap next to planning.
  const { [PRETRANSFORMED_KEY]: _pretransformed, ...userConfig } = config;
  const { streams, threadsPerStream } = resolveStreams(userConfig, hint);
  const properties: Properties = {
    ...defaults, ...userConfig, PERFORMANCE_HINT: hint, NUM_STREAMS: streams,
    INFERENCE_NUM_THREADS: streams * threadsPerStream, OPTIMAL_NUMBER_OF_INFER_REQUESTS: streams,
  };
  return { properties, threadsPerStream, profiling: userConfig['ENABLE_PROFILING'] === true };
}

/** The plans behind each native executable, for exportExecutable. */
const nativePlans = new WeakMap<Executable, PlanCache>();

function nativeExecutable(model: Model, plans: PlanCache, properties: Properties): Executable {
  const addon = plans.addon;
  const threads = plans.threads;
  const profiling = properties['ENABLE_PROFILING'] === true;
  const exe: Executable = {
    model,
    properties,
    run: (inputs, state) => {
      addon.setNumThreads(threads);
      return plans.get(inputs, state).run(inputs, state);
    },
    runAsync: (inputs, state) => {
      try {
        return plans.get(inputs, state).runAsync(inputs, state);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    ...(profiling ? { profilingInfo: (state: RequestState) => plans.last(state)?.profilingInfo(state) ?? plans.idleProfile() } : {}),
  };
  nativePlans.set(exe, plans);
  return exe;
}

/**
 * Streams: concurrent infer requests, each running its native segments on its context's own
 * thread with a share of the cores. THROUGHPUT (or NUM_STREAMS AUTO) gives one stream per core;
 * LATENCY one stream with every core.
 */
function resolveStreams(config: Properties, hint: string): { streams: number; threadsPerStream: number } {
  const cores = os.availableParallelism();
  const threads = Math.max(0, Math.floor(Number(config['INFERENCE_NUM_THREADS'] ?? 0)) || 0) || cores;
  const requested = config['NUM_STREAMS'];
  let streams: number;
  if (requested === undefined || String(requested).toUpperCase() === 'AUTO') {
    streams = hint === 'THROUGHPUT' || hint === 'CUMULATIVE_THROUGHPUT' ? threads : 1;
  } else {
    streams = Math.floor(Number(requested));
    if (!Number.isFinite(streams) || streams < 1) throw new InputError(`NUM_STREAMS must be a positive integer or AUTO, got ${String(requested)}`);
  }
  streams = Math.min(streams, threads);
  return { streams, threadsPerStream: Math.max(1, Math.floor(threads / streams)) };
}

/** Plans past this many distinct input shapes start the cache over rather than grow without end. */
const PLAN_CACHE_LIMIT = 16;

interface PlanOptions { addon: NativeAddon; threads: number; jsKernel: KernelOverride; profiling: boolean }

/**
 * Native plans by input shapes. A model with static inputs is planned once, at compile; a dynamic
 * one is planned on first sight of each shape set (a reshaped copy, so shapes are static inside).
 */
class PlanCache {
  private readonly plans = new Map<string, CompiledPlan>();
  readonly dynamic: boolean;
  private readonly lastPlan = new WeakMap<RequestState, CompiledPlan>();

  /** `restored`: plans a model-cache import brought, by input-shape key. */
  constructor(readonly model: Model, private readonly options: PlanOptions, restored?: ReadonlyMap<string, CompiledPlan>) {
    this.dynamic = model.parameters.some((p) => p.output(0).partialShape.isDynamic());
    if (restored) restored.forEach((plan, key) => this.plans.set(key, plan));
    else if (!this.dynamic) this.plans.set('', this.compile(model));
    // A dynamic model is transformed as far as its shapes allow: each shape's plan then starts from
    // the fused graph, and a model cache stores that graph rather than the source one.
    else commonTransformations(model);
  }

  get addon(): NativeAddon { return this.options.addon; }
  get threads(): number { return this.options.threads; }
  /** Every plan built so far, by input-shape key ('' for a static model). */
  entries(): Array<[string, CompiledPlan]> { return [...this.plans]; }

  get(inputs: readonly Tensor[], state?: RequestState): CompiledPlan {
    const key = this.dynamic ? inputs.map((t) => t.getShape().join('x')).join(';') : '';
    let plan = this.plans.get(key);
    if (!plan) {
      const shaped = this.model.clone();
      shaped.reshape(new Map(inputs.map((t, i) => [i, t.getShape()])));
      if (this.plans.size >= PLAN_CACHE_LIMIT) this.plans.clear();
      plan = this.compile(shaped);
      this.plans.set(key, plan);
    }
    if (state) this.lastPlan.set(state, plan);
    return plan;
  }

  /** The plan the last run with `state` used (profiling reads its figures). */
  last(state: RequestState): CompiledPlan | undefined { return this.lastPlan.get(state) ?? this.plans.get(''); }

  /** Before any run of a dynamic model: every node NOT_RUN. */
  idleProfile(): ProfilingInfo[] {
    return this.model.getOrderedOps().map((n) => ({ nodeName: n.friendlyName, nodeType: n.type, execType: 'undef', realTime: 0, cpuTime: 0, status: 'NOT_RUN' }));
  }

  /** Transforms a private copy (fusions change structure the API must not see), then plans it. */
  private compile(copy: Model): CompiledPlan {
    commonTransformations(copy);
    const { addon, threads, jsKernel, profiling } = this.options;
    return compilePlan(copy, addon, threads, jsKernel, profiling);
  }
}
