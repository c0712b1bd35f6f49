import type { Model } from '../../core/model.js';
import type { Node, Output } from '../../core/node.js';
import { performance } from 'node:perf_hooks';
import { InputError, ShapeInferenceError } from '../../core/errors.js';
import type { EvalContext } from '../../core/op.js';
import { Tensor, shapeSize } from '../../core/tensor.js';
import { evaluateModel, evaluateNode, type KernelOverride } from '../../ops/evaluate.js';
import type { ProfilingInfo, RequestState } from '../plugin.js';
import { lowerModel, type LoweredModel, type ProgramItem, type Value } from './lowering.js';
import { planArena } from './memory-planner.js';
import type { NativeAddon, PlanBuildError, PlanContextHandle, PlanDesc, PlanHandle } from './native.js';

/**
 * A model compiled for CPU at one set of static input shapes: a native plan for every node oneDNN
 * runs, and the remaining nodes run in JavaScript between native segments. Each infer request
 * (RequestState) gets its own arena.
 */
export interface CompiledPlan {
  run(inputs: readonly Tensor[], state: RequestState): Tensor[];
  runAsync(inputs: readonly Tensor[], state: RequestState): Promise<Tensor[]>;
  /** Per-node figures of the last run with `state` (profiling plans only; NOT_RUN before any). */
  profilingInfo(state: RequestState): ProfilingInfo[];
  /** Steps that run natively, JS nodes, and the arena size (for diagnostics and tests). */
  readonly stats: { nativeSteps: number; jsNodes: number; arenaBytes: number; fused: number };
  /** What the plan was made of, for the model cache to store. */
  readonly parts: { model: Model; program: PlanProgram; plan: PlanHandle | undefined };
}

/**
 * What running a plan needs of its lowering. A plan from the model cache restores this over a
 * graph that keeps only the nodes JavaScript runs (plan-codec.ts), without lowering again.
 */
export interface PlanProgram {
  desc: PlanDesc;
  program: ProgramItem[];
  /** Slots the JS side owns a buffer for: the outputs of JS nodes read natively, and native values JS reads. */
  externalOf: Map<Output, number>;
  /** Values as the program ends, for the model's results and JS nodes' inputs. */
  values: Map<Output, Value>;
  resultSources: Output[];
  /** What profiling reports for each node of the planned model, in execution order. */
  profile: ProfileEntry[];
  /** How many nodes were fused into another node's step. */
  fused: number;
  /** Bytes the native plan reads in place without holding them (stored packed weights): kept as long as the plan. */
  keepAlive?: readonly Uint8Array[];
}

/** A node of the planned model as profiling sees it: fused, run by native steps, run in JS, or doing no work per run. */
export type ProfileEntry = { nodeName: string; nodeType: string }
  & ({ role: 'fused' } | { role: 'native'; steps: number[] } | { role: 'js'; node: Node } | { role: 'idle' });

/** The profile skeleton of a fresh lowering: native steps win over JS, as each node runs one way. */
function profileEntries(model: Model, lowered: LoweredModel): ProfileEntry[] {
  const steps = new Map<Node, number[]>();
  lowered.stepNodes.forEach((n, k) => { const list = steps.get(n); if (list) list.push(k); else steps.set(n, [k]); });
  const js = new Set(lowered.program.flatMap((p) => (p.kind === 'js' ? [p.node] : [])));
  return model.getOrderedOps().map((n): ProfileEntry => {
    const base = { nodeName: n.friendlyName, nodeType: n.type };
    if (lowered.fusedInto.has(n)) return { ...base, role: 'fused' };
    const own = steps.get(n);
    if (own) return { ...base, role: 'native', steps: own };
    return js.has(n) ? { ...base, role: 'js', node: n } : { ...base, role: 'idle' };
  });
}

const programOf = (model: Model, lowered: LoweredModel): PlanProgram => ({
  desc: lowered.desc, program: lowered.program, externalOf: lowered.externalOf, values: lowered.values,
  resultSources: lowered.resultSources, profile: profileEntries(model, lowered), fused: lowered.fusedInto.size,
});

/** A plan from the model cache: its program restored, its native plan already built from the stored desc. */
export function restorePlan(model: Model, program: PlanProgram, addon: NativeAddon, plan: PlanHandle | undefined, threads: number,
  jsKernel: KernelOverride, profiling: boolean): CompiledPlan {
  return new PlanExecutor(model, program, addon, plan, threads, jsKernel, profiling);
}

/** Lowering retries: each failed step sends its node to JavaScript; past this, everything does. */
const MAX_BUILD_ATTEMPTS = 24;

export function compilePlan(model: Model, addon: NativeAddon, threads: number, jsKernel: KernelOverride, profiling = false): CompiledPlan {
  const denied = new Set<Node>();
  const unfused = new Set<Node>();
  // oneDNN sizes each primitive's parallel work (and scratchpad) for the thread count in effect
  // when it is created, so plans are built with the count they will run with.
  addon.setNumThreads(threads);
  for (let attempt = 0; attempt < MAX_BUILD_ATTEMPTS; attempt++) {
    const lowered = lowerModel(model, denied, unfused, { int8Dot: addon.hasInt8Dot?.() ?? false });
    let plan: PlanHandle;
    try {
      plan = addon.createPlan(lowered.desc);
    } catch (e) {
      const err = e as PlanBuildError;
      const node = err.step === undefined ? undefined : lowered.stepNodes[err.step];
      if (!node || denied.has(node)) throw e;
      if (process.env['TSVINO_PLAN_DEBUG']) process.stderr.write(`plan retry: ${node.type} "${node.friendlyName}": ${err.message}\n`);
      // oneDNN may refuse a post-op chain or an int8 variant it would run as a plain f32 step:
      // first split the step (and drop int8), then give up on it.
      const fused = [...lowered.fusedInto].filter(([, step]) => step === err.step).map(([n]) => n);
      const step = lowered.desc.steps[err.step!];
      const int8 = step !== undefined && 'scales' in step && step.scales !== undefined && !unfused.has(node);
      if (fused.length || int8) {
        fused.forEach((n) => unfused.add(n));
        if (int8) unfused.add(node);
      } else {
        denied.add(node);
      }
      continue;
    }
    return new PlanExecutor(model, lowered, addon, plan, threads, jsKernel, profiling);
  }
  return new PlanExecutor(model, lowerModel(model, new Set(model.getOrderedOps())), addon, undefined, threads, jsKernel, profiling);
}

class PlanExecutor implements CompiledPlan {
  private readonly contexts = new WeakMap<RequestState, PlanContextHandle>();
  private readonly profiles = new WeakMap<RequestState, ProfilingInfo[]>();
  private impls: string[] | undefined;
  private readonly offsets: number[] = [];
  private readonly arenaBytes: number = 0;
  /** Slots JS owns a buffer for that a native step writes: fresh buffers each run. */
  private readonly nativeWritten: Array<[number, number]> = [];
  readonly stats: CompiledPlan['stats'];
  private readonly lowered: PlanProgram;

  constructor(
    private readonly model: Model, source: LoweredModel | PlanProgram, private readonly addon: NativeAddon,
    private readonly plan: PlanHandle | undefined, private readonly threads: number, private readonly jsKernel: KernelOverride,
    private readonly profiling: boolean,
  ) {
    const lowered = 'stepNodes' in source ? programOf(model, source) : source;
    this.lowered = lowered;
    if (plan) {
      const infos = addon.planSlots(plan);
      const roots = infos.map((s, i) => ({ i, s })).filter(({ s }) => s.kind === 'arena' && s.base < 0 && s.bytes > 0 && s.last >= 0);
      const arena = planArena(roots.map(({ s }) => ({ bytes: s.bytes, first: s.first, last: s.last })));
      this.offsets = infos.map(() => 0);
      roots.forEach(({ i }, k) => { this.offsets[i] = arena.offsets[k]!; });
      this.arenaBytes = arena.totalBytes;
    }
    const fromJs = new Set<number>();
    for (const [o, slot] of lowered.externalOf) if (lowered.values.get(o)?.kind !== 'slot') fromJs.add(slot);
    lowered.desc.slots.forEach((s, i) => {
      if (s.kind === 'external' && !fromJs.has(i)) this.nativeWritten.push([i, shapeSize(s.dims)]);
    });
    this.stats = {
      nativeSteps: plan ? lowered.desc.steps.length : 0,
      jsNodes: lowered.program.filter((p) => p.kind === 'js').length,
      arenaBytes: this.arenaBytes,
      fused: lowered.fused,
    };
  }

  get parts(): CompiledPlan['parts'] { return { model: this.model, program: this.lowered, plan: this.plan }; }

  private contextFor(state: RequestState): PlanContextHandle | undefined {
    if (!this.plan) return undefined;
    let ctx = this.contexts.get(state);
    if (!ctx) {
      ctx = this.addon.createContext(this.plan, this.offsets, this.arenaBytes);
      this.contexts.set(state, ctx);
    }
    return ctx;
  }

  run(inputs: readonly Tensor[], state: RequestState): Tensor[] {
    const r = this.begin(inputs, state);
    const times = this.profiling ? new Float64Array(this.lowered.desc.steps.length) : undefined;
    for (const item of this.lowered.program) {
      if (item.kind === 'native') {
        const [ids, buffers] = r.bound();
        this.addon.runContext(r.ctx!, item.from, item.to, ids, buffers, this.threads, times);
      } else {
        r.runJs(item.node);
      }
    }
    if (times) this.profiles.set(state, this.profileOf(times, r.jsTimes));
    return r.results();
  }

  profilingInfo(state: RequestState): ProfilingInfo[] {
    return (this.profiles.get(state) ?? this.profileOf(undefined, new Map())).map((e) => ({ ...e }));
  }

  /** Native step times go to the node each step was lowered from; nodes fused into a step are OPTIMIZED_OUT. */
  private profileOf(times: Float64Array | undefined, jsTimes: ReadonlyMap<Node, { us: number; kernel: string }>): ProfilingInfo[] {
    const impls = this.plan ? (this.impls ??= this.stepImpls()) : [];
    return this.lowered.profile.map((e): ProfilingInfo => {
      const base = { nodeName: e.nodeName, nodeType: e.nodeType };
      const idle = { ...base, execType: 'undef', realTime: 0, cpuTime: 0 };
      if (!times) return { ...idle, status: 'NOT_RUN' };
      if (e.role === 'fused') return { ...idle, execType: 'fused', status: 'OPTIMIZED_OUT' };
      if (e.role === 'native') {
        const us = e.steps.reduce((sum, k) => sum + (times[k] ?? 0), 0);
        return { ...base, execType: impls[e.steps[0]!] ?? 'onednn', realTime: us, cpuTime: us, status: 'EXECUTED' };
      }
      const js = e.role === 'js' ? jsTimes.get(e.node) : undefined;
      if (js) return { ...base, execType: js.kernel, realTime: js.us, cpuTime: js.us, status: 'EXECUTED' };
      // Constants and everything folded at compile time do no work per run.
      const type = e.nodeType;
      return { ...idle, status: type === 'Parameter' || type === 'Constant' || type === 'Result' ? 'NOT_RUN' : 'OPTIMIZED_OUT' };
    });
  }

  /** Per step, the oneDNN implementation of its main primitive ('onednn_jit:avx2'...), or its own kernel's name. */
  private stepImpls(): string[] {
    const out: string[] = [];
    for (const op of this.addon.planOps(this.plan!)) {
      if (out[op.step] === undefined || op.primitive !== 'reorder') out[op.step] = op.primitive === 'kernel' ? op.impl : `onednn_${op.primitive}_${op.impl}`;
    }
    // As OpenVINO's CPU plugin marks low-precision layers: int8 steps end in _I8.
    this.lowered.desc.steps.forEach((s, k) => { if ('scales' in s && s.scales && out[k]) out[k] += '_I8'; });
    return out;
  }

  async runAsync(inputs: readonly Tensor[], state: RequestState): Promise<Tensor[]> {
    // Profiling times each primitive on this thread; figures over a worker hop would mean less.
    if (this.profiling) return this.run(inputs, state);
    const r = this.begin(inputs, state);
    for (const item of this.lowered.program) {
      if (item.kind === 'native') {
        const [ids, buffers] = r.bound();
        await new Promise<void>((resolve, reject) => {
          this.addon.runContextAsync(r.ctx!, item.from, item.to, ids, buffers, this.threads, (err) => (err ? reject(err) : resolve()));
        });
      } else {
        r.runJs(item.node);
      }
    }
    return r.results();
  }

  private begin(inputs: readonly Tensor[], state: RequestState): Run {
    const { model, lowered } = this;
    if (inputs.length !== model.parameters.length) {
      throw new InputError(`model "${model.getName()}" takes ${model.parameters.length} inputs, got ${inputs.length}`);
    }
    const r = new Run(lowered, this.contextFor(state), state, this.jsKernel, this.profiling);
    model.parameters.forEach((p, i) => r.setValue(p.output(0), inputs[i]!));
    for (const [slot, size] of this.nativeWritten) r.buffers.set(slot, new Float32Array(size));
    return r;
  }
}

/** One run's values: tensors JS holds and the buffers bound to external slots. */
class Run {
  readonly buffers = new Map<number, Float32Array>();
  readonly jsTimes = new Map<Node, { us: number; kernel: string }>();
  private readonly tensors = new Map<Output, Tensor>();

  constructor(
    private readonly lowered: Pick<PlanProgram, 'externalOf' | 'values' | 'resultSources'>, readonly ctx: PlanContextHandle | undefined,
    private readonly state: RequestState, private readonly jsKernel: KernelOverride, private readonly profiling: boolean,
  ) {}

  setValue(o: Output, t: Tensor): void {
    this.tensors.set(o, t);
    const slot = this.lowered.externalOf.get(o);
    if (slot === undefined) return;
    if (!(t.data instanceof Float32Array)) {
      throw new ShapeInferenceError(o.node.friendlyName, o.node.type, `output ${o.index} must be f32 data for the native plan`);
    }
    this.buffers.set(slot, t.data);
  }

  bound(): [Int32Array, Float32Array[]] {
    return [Int32Array.from(this.buffers.keys()), [...this.buffers.values()]];
  }

  valueOf(o: Output): Tensor {
    const known = this.tensors.get(o);
    if (known) return known;
    const v = this.lowered.values.get(o);
    if (v?.kind === 'const') return v.tensor;
    const slot = this.lowered.externalOf.get(o);
    const data = slot === undefined ? undefined : this.buffers.get(slot);
    if (!data) throw new InputError(`node "${o.node.friendlyName}" output ${o.index} has no value (is its producer outside the model?)`);
    const t = new Tensor('f32', o.getShape(), data);
    this.tensors.set(o, t);
    return t;
  }

  runJs(node: Node): void {
    const args = node.inputs.map((i) => this.valueOf(i.getSourceOutput()));
    const ctx: EvalContext = {
      name: node.friendlyName, type: node.type, variables: this.state.variables,
      runBody: (body, bodyInputs) => evaluateModel(body, bodyInputs, this.state.variables, this.jsKernel),
    };
    const t0 = this.profiling ? performance.now() : 0;
    const { outs, byOverride } = evaluateNode(node, args, ctx, this.jsKernel);
    if (this.profiling) this.jsTimes.set(node, { us: (performance.now() - t0) * 1000, kernel: byOverride ? 'typescript' : 'reference' });
    outs.forEach((t, i) => this.setValue(node.output(i), t));
  }

  results(): Tensor[] {
    return this.lowered.resultSources.map((o) => this.valueOf(o));
  }
}
