import os from 'node:os';
import type { Model } from '../../core/model.js';
import { InputError } from '../../core/errors.js';
import { evaluateModel, planEvaluation, type KernelOverride } from '../../ops/evaluate.js';
import type { Executable, Plugin, Properties } from '../plugin.js';
import { supportedNodes, VERSION } from '../common.js';
import { chainKernels, nativeKernels, typescriptKernels } from './kernels/index.js';
import { native, nativeUnavailableReason, type NativeAddon } from './native.js';
import { compilePlan, type CompiledPlan } from './executor.js';
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
    const hint = String(config['PERFORMANCE_HINT'] ?? 'LATENCY').toUpperCase();
    if (!PERFORMANCE_HINTS.includes(hint)) {
      throw new InputError(`PERFORMANCE_HINT "${hint}" is not one of ${PERFORMANCE_HINTS.join(', ')}`);
    }
    noticeNativeUnavailable();
    const model = source.clone();
    const override: KernelOverride = (node, inputs, ctx) => cpuKernels.get(node.type)?.(node, inputs, ctx);
    // OpenMP's thread count is per calling thread, so each run sets its own model's before starting.
    const threads = Math.max(0, Math.floor(Number(config['INFERENCE_NUM_THREADS'] ?? 0)) || 0);
    const properties = { ...this.defaults, ...config, PERFORMANCE_HINT: hint, OPTIMAL_NUMBER_OF_INFER_REQUESTS: 1 };
    if (!native) {
      const plan = planEvaluation(model);
      return { model, properties, run: (inputs, state) => evaluateModel(plan, inputs, state.variables, cpuKernels.size ? override : undefined) };
    }
    const plans = new PlanCache(model, native, threads, override);
    return {
      model,
      properties,
      run: (inputs, state) => {
        native!.setNumThreads(threads);
        return plans.get(inputs).run(inputs, state);
      },
      runAsync: (inputs, state) => {
        try {
          return plans.get(inputs).runAsync(inputs, state);
        } catch (e) {
          return Promise.reject(e);
        }
      },
    };
  },
  queryModel: (model) => supportedNodes(model, 'CPU'),
  version: () => ({ buildNumber: VERSION, description: 'tsvino CPU plugin' }),
};

/** Plans past this many distinct input shapes start the cache over rather than grow without end. */
const PLAN_CACHE_LIMIT = 16;

/**
 * Native plans by input shapes. A model with static inputs is planned once, at compile; a dynamic
 * one is planned on first sight of each shape set (a reshaped copy, so shapes are static inside).
 */
class PlanCache {
  private readonly plans = new Map<string, CompiledPlan>();
  private readonly dynamic: boolean;

  constructor(private readonly model: Model, private readonly addon: NativeAddon, private readonly threads: number,
    private readonly jsKernel: KernelOverride) {
    this.dynamic = model.parameters.some((p) => p.output(0).partialShape.isDynamic());
    if (!this.dynamic) this.plans.set('', this.compile(model.clone()));
  }

  get(inputs: readonly Tensor[]): CompiledPlan {
    const key = this.dynamic ? inputs.map((t) => t.getShape().join('x')).join(';') : '';
    let plan = this.plans.get(key);
    if (!plan) {
      const shaped = this.model.clone();
      shaped.reshape(new Map(inputs.map((t, i) => [i, t.getShape()])));
      if (this.plans.size >= PLAN_CACHE_LIMIT) this.plans.clear();
      plan = this.compile(shaped);
      this.plans.set(key, plan);
    }
    return plan;
  }

  /** Transforms a private copy (fusions change structure the API must not see), then plans it. */
  private compile(copy: Model): CompiledPlan {
    commonTransformations(copy);
    return compilePlan(copy, this.addon, this.threads, this.jsKernel);
  }
}
