import type { Model } from '../../core/model.js';
import type { Node, Output } from '../../core/node.js';
import { Tensor } from '../../core/tensor.js';
import { sameShape } from '../../ops/util/shape.js';
import type { PlanDesc, PlanPostOp, PlanSlotDesc, PlanStep } from './native.js';
import { NATIVE_LOWERINGS } from './lower-ops.js';
import { prepareCompressedWeights } from './lower-compressed.js';
import type { ActivationQuantization } from './lower-int8.js';

/**
 * Lowering: a model with static shapes becomes one native plan (slots and oneDNN steps, with
 * activations, biases, scales and residual sums fused as post-ops) plus the nodes JavaScript still
 * runs between native segments. Values known at compile time are folded here with the reference
 * kernels, so every constant a step sees is plain data.
 */

/** Where a value lives while the lowered program runs. */
export type Value =
  | { kind: 'slot'; slot: number }
  | { kind: 'const'; tensor: Tensor }
  | { kind: 'js' };

export type ProgramItem = { kind: 'native'; from: number; to: number } | { kind: 'js'; node: Node };

export interface LoweredModel {
  desc: PlanDesc;
  program: ProgramItem[];
  /** The slot each native-read parameter is bound to, by parameter index. */
  parameterSlots: Array<number | undefined>;
  /** Slots the JS side owns a buffer for: the outputs of JS nodes read natively, and native values JS reads. */
  externalOf: Map<Output, number>;
  /** The value each model result returns. */
  resultSources: Output[];
  /** Values as the program ends, for the model's results and JS nodes' inputs. */
  values: Map<Output, Value>;
  /** The node each step was lowered from (for errors and profiling). */
  stepNodes: Node[];
  /** Nodes folded into another step, by the step that absorbed them. */
  fusedInto: Map<Node, number>;
}

export class Lowering {
  readonly slots: PlanSlotDesc[] = [];
  readonly steps: PlanStep[] = [];
  readonly stepNodes: Node[] = [];
  readonly values = new Map<Output, Value>();
  readonly program: ProgramItem[] = [];
  readonly fusedInto = new Map<Node, number>();
  /** Producer step of each slot (absent for externals and constants). */
  private readonly producer = new Map<number, number>();
  /** Steps emitted when a value became readable (a post-op may only read values ready before its step). */
  private readonly readyAt = new Map<Output, number>();
  private readonly externalOf = new Map<Output, number>();
  private readonly constSlots = new Map<Tensor, Map<string, number>>();
  /** Activations a quantize step wrote as integers, for int8 readers. */
  private readonly quantized = new Map<Output, { slot: number; q: ActivationQuantization }>();
  /** Values made only when something reads them (a FakeQuantize's dequantized f32 copy). */
  private readonly lazy = new Map<Output, () => void>();
  /** FakeQuantizes of constant weights, folded only if an f32 reader needs the result. */
  private readonly deferred = new Set<Node>();
  private segmentStart = 0;

  /** The CPU has an int8 dot product (VNNI): 8-bit weights run int8 without saturating. */
  readonly int8Dot: boolean;

  constructor(private readonly model: Model, private readonly denied: ReadonlySet<Node>, private readonly unfused: ReadonlySet<Node>,
    options: LoweringOptions = {}) {
    this.int8Dot = options.int8Dot ?? false;
  }

  run(): LoweredModel {
    const params = this.model.parameters;
    params.forEach((p) => { this.values.set(p.output(0), { kind: 'js' }); this.readyAt.set(p.output(0), 0); });
    const compressed = prepareCompressedWeights(this.model, this.unfused);
    for (const node of this.model.getOrderedOps()) {
      if (node.type === 'Parameter' || node.type === 'Result' || compressed.defers(node)) continue;
      if (!this.denied.has(node) && this.nativeReady(node) && compressed.lower(node, this)) continue;
      for (const n of compressed.undefer(node)) if (!this.fold(n)) this.js(n);
      if (this.fold(node)) continue;
      const lower = this.denied.has(node) ? undefined : NATIVE_LOWERINGS.get(node.type);
      if (lower && this.nativeReady(node) && lower(node, this)) continue;
      this.js(node);
    }
    for (const r of this.model.results) this.materialize(r.inputValue(0));
    this.closeSegment();
    for (const r of this.model.results) {
      const v = this.values.get(r.inputValue(0));
      if (v?.kind === 'slot') this.makeExternal(v.slot, r.inputValue(0));
    }
    const parameterSlots = params.map((p) => this.externalOf.get(p.output(0)));
    return {
      desc: { slots: this.slots, steps: this.steps }, program: this.program, parameterSlots,
      externalOf: this.externalOf, values: this.values, resultSources: this.model.results.map((r) => r.inputValue(0)), stepNodes: this.stepNodes, fusedInto: this.fusedInto,
    };
  }

  /** Static f32 shapes everywhere except inputs whose value is known (shapes, axes, orders). */
  private nativeReady(node: Node): boolean {
    // oneDNN descriptors have 1 to 12 dims and no empty tensors; scalars and empties stay in JS.
    const staticF32 = (o: Output): boolean => {
      if (o.elementType !== 'f32' || o.partialShape.isDynamic()) return false;
      const dims = o.getShape();
      return dims.length >= 1 && dims.length <= 8 && dims.every((d) => d > 0);
    };
    return node.outputs.every((o) => staticF32(o) || o.targets.size === 0)
      && node.inputs.every((i) => staticF32(i.getSourceOutput()) || this.constOf(i.getSourceOutput()) !== undefined);
  }

  /** Evaluates nodes whose inputs are all known, with the reference kernel. */
  private fold(node: Node): boolean {
    if (node.inputs.length === 0 && node.type !== 'Constant') return false;
    if (UNFOLDABLE.has(node.type)) return false;
    // A deferred quantizer's result is not known here: folding its readers would compute it.
    const inputs = node.inputs.map((i) => this.knownConst(i.getSourceOutput()));
    if (!inputs.every((t): t is Tensor => t !== undefined)) return false;
    // Quantized weights: int8 layers read the FakeQuantize's inputs, not its f32 result.
    if (node.type === 'FakeQuantize' && !this.denied.has(node)) {
      this.deferred.add(node);
      return true;
    }
    return this.evaluateNow(node, inputs);
  }

  private evaluateNow(node: Node, inputs: Tensor[]): boolean {
    let outs: Tensor[];
    try {
      outs = node.op.evaluate(inputs, node.attrs, {
        name: node.friendlyName, type: node.type, variables: new Map(), runBody: () => { throw new Error('no bodies while folding'); },
      });
    } catch {
      return false; // the node reports its own error when it runs
    }
    outs.forEach((t, i) => { this.values.set(node.output(i), { kind: 'const', tensor: t }); this.readyAt.set(node.output(i), 0); });
    return true;
  }

  private js(node: Node): void {
    for (const i of node.inputs) this.materialize(i.getSourceOutput());
    this.closeSegment();
    this.program.push({ kind: 'js', node });
    for (const i of node.inputs) {
      const src = i.getSourceOutput();
      const v = this.values.get(src);
      if (v?.kind === 'slot') this.makeExternal(v.slot, src);
    }
    node.outputs.forEach((o) => { this.values.set(o, { kind: 'js' }); this.readyAt.set(o, this.steps.length); });
  }

  private closeSegment(): void {
    if (this.steps.length > this.segmentStart) this.program.push({ kind: 'native', from: this.segmentStart, to: this.steps.length });
    this.segmentStart = this.steps.length;
  }

  private makeExternal(slot: number, output: Output): void {
    this.slots[slot]!.kind = 'external';
    this.externalOf.set(output, slot);
  }

  // ---- what the per-op lowerings use ----

  constOf(o: Output): Tensor | undefined {
    if (this.deferred.has(o.node)) this.materialize(o);
    return this.knownConst(o);
  }

  /** `o`'s value when it is already a constant, without computing a deferred one. */
  private knownConst(o: Output): Tensor | undefined {
    const v = this.values.get(o);
    return v?.kind === 'const' ? v.tensor : undefined;
  }

  /** Makes a lazy or deferred value real (emitting its steps now, or folding it). */
  private materialize(o: Output): void {
    if (this.values.has(o)) return;
    const make = this.lazy.get(o);
    if (make) {
      this.lazy.delete(o);
      make();
    } else if (this.deferred.delete(o.node)) {
      // A quantizer that cannot be evaluated runs in JavaScript, where it reports its own error.
      if (!this.evaluateNow(o.node, o.node.inputs.map((i) => this.constOf(i.getSourceOutput())!))) this.js(o.node);
    }
  }

  /** `o` as integers, when a quantize step produced it. */
  quantizedOf(o: Output): { slot: number; q: ActivationQuantization } | undefined { return this.quantized.get(o); }

  /** Records that `slot` holds `o` quantized by `q`; `dequantize` makes `o`'s f32 value when something reads it. */
  setQuantized(o: Output, slot: number, q: ActivationQuantization, dequantize: () => void): void {
    this.quantized.set(o, { slot, q });
    this.lazy.set(o, dequantize);
  }

  /** A FakeQuantize of constants whose f32 result is not computed unless something reads it. */
  isDeferred(node: Node): boolean { return this.deferred.has(node); }

  /** Whether `node` must get a plain f32 step of its own (a retry after its fused or int8 step failed). */
  isUnfused(node: Node): boolean { return this.unfused.has(node); }

  /** A constant slot over integer data (int8 weights), read in place by the plan. */
  intConstSlot(data: Int8Array | Uint8Array, dims: number[]): number {
    return this.slots.push({ dims: [...dims], kind: 'const', type: data instanceof Int8Array ? 's8' : 'u8', data }) - 1;
  }

  /** The slot holding `o` (an external one for values JavaScript produces), or undefined for non-f32 constants. */
  slotOf(o: Output, dims: number[] = o.getShape()): number | undefined {
    this.materialize(o);
    const v = this.values.get(o);
    if (!v) return undefined;
    if (v.kind === 'const') return this.constSlot(v.tensor, dims);
    let slot: number;
    if (v.kind === 'slot') {
      slot = v.slot;
    } else {
      const known = this.externalOf.get(o);
      slot = known ?? this.slots.push({ dims: o.getShape(), kind: 'external' }) - 1;
      this.externalOf.set(o, slot);
    }
    if (sameShape(this.slots[slot]!.dims, dims)) return slot;
    const view = this.newSlot(dims);
    this.emit({ kind: 'reshape', src: slot, dst: view }, o.node);
    return view;
  }

  constSlot(t: Tensor, dims: number[]): number | undefined {
    if (t.getElementType() !== 'f32' || !(t.data instanceof Float32Array)) return undefined;
    let byDims = this.constSlots.get(t);
    if (!byDims) this.constSlots.set(t, byDims = new Map());
    const key = dims.join(',');
    let slot = byDims.get(key);
    if (slot === undefined) {
      slot = this.slots.push({ dims, kind: 'const', data: t.data }) - 1;
      byDims.set(key, slot);
    }
    return slot;
  }

  newSlot(dims: number[], type?: 'u8' | 's8'): number {
    return this.slots.push(type ? { dims: [...dims], kind: 'arena', type } : { dims: [...dims], kind: 'arena' }) - 1;
  }

  /** Emits a step whose result is `output` (a new slot unless the step names its dst). */
  emit(step: PlanStep, node: Node, output?: Output): number {
    const index = this.steps.push(step) - 1;
    this.stepNodes.push(node);
    this.producer.set(step.dst, index);
    if (output) this.define(output, step.dst);
    return index;
  }

  define(output: Output, slot: number): void {
    this.values.set(output, { kind: 'slot', slot });
    this.readyAt.set(output, this.steps.length);
  }

  /**
   * The step that produced `o` when a post-op may still be appended to it: `o` is read only by
   * `consumer`, is no model output, and the step writes `o`'s slot itself.
   */
  fusableProducer<K extends PlanStep['kind']>(o: Output, consumer: Node, kinds: readonly K[]): Extract<PlanStep, { kind: K }> | undefined {
    if (this.unfused.has(consumer)) return undefined;
    if (o.targets.size !== 1 || [...o.targets][0]!.node !== consumer) return undefined;
    const v = this.values.get(o);
    if (v?.kind !== 'slot' || this.slots[v.slot]!.kind !== 'arena') return undefined;
    const index = this.producer.get(v.slot);
    const step = index === undefined ? undefined : this.steps[index];
    return step && isKind(step, kinds) && step.dst === v.slot ? step : undefined;
  }

  /** True when `o` can be read by a post-op of the step that produced `of`. */
  readyBefore(o: Output, of: Output): boolean {
    const v = this.values.get(of);
    const index = v?.kind === 'slot' ? this.producer.get(v.slot) : undefined;
    const ready = this.readyAt.get(o);
    return index !== undefined && ready !== undefined && ready <= index;
  }

  /** Records that `node` was folded into `step` without defining its output (a quantizer writing integers). */
  markFused(node: Node, step: PlanStep): void { this.fusedInto.set(node, this.steps.indexOf(step)); }

  /** Records that `node` was folded into `step`, whose slot now also holds node's output. */
  absorb(node: Node, step: PlanStep, post?: PlanPostOp): void {
    if (post && 'post' in step) step.post.push(post);
    this.fusedInto.set(node, this.steps.indexOf(step));
    this.define(node.output(0), step.dst);
  }
}

/** Ops never folded: inputs, state, randomness, and ops whose value is not a function of inputs. */
const UNFOLDABLE = new Set(['Parameter', 'Result', 'ReadValue', 'Assign', 'RandomUniform', 'Multinomial', 'If', 'Loop',
  'TensorIterator', 'Bernoulli', 'ImageDecoder']);

const isKind = <K extends PlanStep['kind']>(s: PlanStep, kinds: readonly K[]): s is Extract<PlanStep, { kind: K }> =>
  kinds.some((k) => k === s.kind);


export interface LoweringOptions { int8Dot?: boolean }

/** Lowers `model` (static shapes): nodes in `denied` go to JavaScript, nodes in `unfused` get steps of their own. */
export const lowerModel = (model: Model, denied: ReadonlySet<Node> = new Set(), unfused: ReadonlySet<Node> = new Set(),
  options: LoweringOptions = {}): LoweredModel => new Lowering(model, denied, unfused, options).run();
