// A CPU plan as the model cache stores it: the lowered program (slots, steps, which nodes run in
// JavaScript), the weights oneDNN packed (with their memory descriptors), and a small graph that
// keeps only what JavaScript needs: parameters, results, the JS nodes, and stand-ins for the
// values they read. Restoring one builds the native plan straight from the stored description,
// so a cache hit skips reading the model, cloning, the transformations, lowering and packing.
import { attr } from '../../core/attributes.js';
import { InputError, ModelFormatError, TsvinoError } from '../../core/errors.js';
import { Model } from '../../core/model.js';
import { Node, type Output } from '../../core/node.js';
import { defineOp } from '../../core/op.js';
import type { Tensor } from '../../core/tensor.js';
import type { KernelOverride } from '../../ops/evaluate.js';
import { Constant } from '../../ops/constant.js';
import { BufferTable, decodeGraph, decodeValue, encodeGraph, encodeValue, type BufferSink, type DecodeContext, type Json } from '../graph-codec.js';
import type { ExportedExecutable } from '../plugin.js';
import { restorePlan, type CompiledPlan, type PlanProgram, type ProfileEntry } from './executor.js';
import type { ProgramItem, Value } from './lowering.js';
import type { NativeAddon, PlanDesc, PlanHandle } from './native.js';

/**
 * A value a native segment computes, in a stored plan's graph: JS nodes and results read it from
 * the plan's external slot, never by evaluating this node. Its inputs are the JavaScript values
 * the computation reads, so the graph keeps the JS nodes that feed native steps, in order.
 */
const PlanValue = defineOp({
  type: 'PlanValue', version: 'tsvino',
  attributes: { elementType: attr.type(), shape: attr.shape() },
  inputCount: [0, Infinity],
  infer: (_i, attrs) => [{ type: attrs.elementType, shape: attrs.shape }],
  evaluate: (_i, _a, ctx) => { throw new InputError(`"${ctx.name}" is computed by the native plan; it has no kernel of its own`); },
});

/** The ops a stored plan's graph may name beyond the registry. */
export const PLAN_OPS: DecodeContext['ops'] = new Map([[`${PlanValue.type}:${PlanValue.version}`, PlanValue]]);

type Ref = [number, number];

/** What the JSON of a stored plan holds; buffers are indices into the blob's buffer list. */
interface EncodedPlan {
  graph: Json;
  /** A native segment [from, to), or the graph index of a JS node. */
  program: Array<Ref | number>;
  desc: Json;
  packed: Array<{ slot: number; desc: number; data: number }>;
  externals: Array<[number, number, number]>;
  values: Array<[number, number, Value['kind'], number]>;
  profile: Array<[string, string, ProfileEntry['role'], number[] | number]>;
  fused: number;
  native: boolean;
}

/** Encodes a plan; its weights go to `sink`. Throws InputError when the graph holds what cannot be stored. */
export function encodePlan(parts: CompiledPlan['parts'], addon: NativeAddon, sink: BufferSink): Json {
  const { model, program, plan } = parts;
  const kept = keptGraph(model, program);
  const { graph, index } = encodeGraph(kept.model, sink);
  const nodeRef = (n: Node): number => {
    const at = index.get(kept.nodes.get(n) ?? n);
    if (at === undefined) throw new InputError(`cannot store the plan: node "${n.friendlyName}" is not in its graph`);
    return at;
  };
  const ref = (o: Output): Ref => {
    const mine = kept.outputs.get(o) ?? o;
    const at = index.get(mine.node);
    if (at === undefined) throw new InputError(`cannot store the plan: output ${o.index} of "${o.node.friendlyName}" is not in its graph`);
    return [at, mine.index];
  };
  const packing = plan && addon.planPacked ? addon.planPacked(plan) : { packed: [], plainSlots: new Int32Array(0) };
  const desc = storedDesc(program.desc, packing.packed.map((p) => p.slot), packing.plainSlots);
  const encoded: EncodedPlan = {
    graph,
    program: program.program.map((p) => (p.kind === 'native' ? [p.from, p.to] : nodeRef(p.node))),
    desc: encodeValue(desc, sink, 'the plan description'),
    packed: packing.packed.map((p) => ({ slot: p.slot, desc: sink.add(p.desc), data: sink.add(p.data) })),
    externals: [...program.externalOf].map(([o, slot]) => [...ref(o), slot]),
    values: [...program.values].filter(([o]) => kept.outputs.has(o)).map(([o, v]) => [...ref(o), v.kind, v.kind === 'slot' ? v.slot : -1]),
    profile: program.profile.map((e) => [e.nodeName, e.nodeType, e.role, e.role === 'native' ? e.steps : e.role === 'js' ? nodeRef(e.node) : -1]),
    fused: program.fused,
    native: plan !== undefined,
  };
  return encoded as unknown as Json;
}

/**
 * The slots as stored: a constant that only ever served as packed weights loses its row-major
 * data (the packed copy replaces it), so a blob holds each weight once.
 */
function storedDesc(desc: PlanDesc, packedSlots: readonly number[], plainSlots: Int32Array): PlanDesc {
  const packed = new Set(packedSlots);
  const plain = new Set(plainSlots);
  const slots = desc.slots.map((s, i) => {
    if (s.kind !== 'const' || !packed.has(i) || plain.has(i)) return s;
    const { data: _data, ...rest } = s;
    return { ...rest, packedOnly: true };
  });
  return { ...desc, slots };
}

/**
 * The graph JavaScript needs: parameters, results, sinks and JS nodes, each reading a copy of its
 * producer when that is kept too, else a stand-in: a Constant for a value known at compile time,
 * a PlanValue for one a native step computes.
 */
function keptGraph(model: Model, program: PlanProgram): { model: Model; outputs: Map<Output, Output>; nodes: Map<Node, Node> } {
  const js = new Set(program.program.flatMap((p) => (p.kind === 'js' ? [p.node] : [])));
  const sinks = new Set(model.sinks);
  const isKept = (n: Node): boolean => n.type === 'Parameter' || n.type === 'Result' || js.has(n) || sinks.has(n);
  const order = model.getOrderedOps();
  const reads = keptReads(order, isKept);
  const outputs = new Map<Output, Output>();
  const nodes = new Map<Node, Node>();
  const outputOf = (o: Output): Output => {
    let mine = outputs.get(o);
    if (!mine) {
      const v = program.values.get(o);
      mine = standIn(o, v, v?.kind === 'const' ? [] : [...(reads.get(o.node) ?? [])].map(outputOf));
      outputs.set(o, mine);
    }
    return mine;
  };
  for (const n of order) {
    if (!isKept(n)) continue;
    const copy = new Node(n.op, n.inputs.map((i) => outputOf(i.getSourceOutput())), { ...n.attrs }, n.friendlyName);
    copy.rtInfo = n.rtInfo;
    n.outputs.forEach((o, i) => {
      const mine = copy.output(i);
      if (mine.elementType !== o.elementType || mine.partialShape.toString() !== o.partialShape.toString()) {
        throw new InputError(`cannot store the plan: ${n.type} node "${n.friendlyName}" infers ${mine.partialShape.toString()} over stand-ins, not ${o.partialShape.toString()}`);
      }
      mine.setNames(o.nameSet);
      outputs.set(o, mine);
    });
    nodes.set(n, copy);
  }
  const pick = (list: readonly Node[]): Node[] => list.map((n) => nodes.get(n)!);
  const kept = new Model(pick(model.results), pick(model.parameters), model.getName(), { sinks: pick(model.sinks), variables: model.variables });
  kept.setFriendlyName(model.getFriendlyName());
  kept.rtInfo = model.rtInfo;
  return { model: kept, outputs, nodes };
}

/** Per node that is not kept, the outputs of kept nodes its value is computed from. */
function keptReads(order: readonly Node[], isKept: (n: Node) => boolean): Map<Node, Set<Output>> {
  const reads = new Map<Node, Set<Output>>();
  for (const n of order) {
    if (isKept(n)) continue;
    const mine = new Set<Output>();
    for (const i of n.inputs) {
      const src = i.getSourceOutput();
      if (isKept(src.node)) mine.add(src);
      else reads.get(src.node)?.forEach((o) => mine.add(o));
    }
    reads.set(n, mine);
  }
  return reads;
}

function standIn(o: Output, v: Value | undefined, inputs: Output[]): Output {
  const name = o.node.outputs.length > 1 ? `${o.node.friendlyName}:${o.index}` : o.node.friendlyName;
  const n = v?.kind === 'const'
    ? new Node(Constant, [], { elementType: v.tensor.getElementType(), shape: v.tensor.getShape(), value: v.tensor }, name)
    : new Node(PlanValue, inputs, { elementType: o.elementType, shape: o.partialShape }, name);
  n.output(0).setNames(o.nameSet);
  return n.output(0);
}

/** Restores a stored plan; its native plan is built here, with the stored packed weights. */
export function decodePlan(v: Json, ctx: DecodeContext, addon: NativeAddon, threads: number, jsKernel: KernelOverride,
  profiling: boolean): { model: Model; plan: CompiledPlan } {
  // The blob passed its checksum, so this is what encodePlan wrote; fields are still checked where
  // a wrong one could misaddress (indices), and the native builder checks the description as it
  // checks a fresh lowering's. decodeExecutable turns anything else thrown here into a format error.
  const e = v as unknown as EncodedPlan;
  const fail = (what: string): never => { throw new ModelFormatError(`compiled model: stored CPU plan ${what}`); };
  if (typeof e !== 'object' || e === null || !Array.isArray(e.program) || !Array.isArray(e.profile)) return fail('is not a plan');
  // The native plan first: its primitives are then created on helper threads while the rest
  // of the plan is restored here (the caller awaits them).
  const desc = decodeValue(e.desc, ctx) as PlanDesc;
  const packed = e.packed.map((p) => ({ slot: p.slot, desc: buffer(ctx, p.desc), data: buffer(ctx, p.data) }));
  let handle: PlanHandle | undefined;
  if (e.native) {
    if (!addon.createPlanPacked) return fail('needs an addon with createPlanPacked (rebuild native/)');
    // oneDNN sizes primitives for the thread count in effect when they are created.
    addon.setNumThreads(threads);
    handle = addon.createPlanPacked(desc, packed);
  }
  const { model, nodes } = decodeGraph(e.graph, { ...ctx, ops: PLAN_OPS });
  const node = (i: number): Node => nodes[i] ?? fail(`names node ${i}, which its graph lacks`);
  const out = (n: number, i: number): Output => node(n).outputs[i] ?? fail(`names output ${i} of node ${n}, which it lacks`);
  const items = e.program.map((p): ProgramItem => (Array.isArray(p) ? { kind: 'native', from: p[0], to: p[1] } : { kind: 'js', node: node(p) }));
  const values = new Map<Output, Value>(e.values.map(([n, i, kind, slot]): [Output, Value] => {
    const o = out(n, i);
    if (kind === 'slot') return [o, { kind, slot }];
    if (kind === 'js') return [o, { kind }];
    const tensor = o.node.type === 'Constant' ? o.node.attrs['value'] as Tensor : fail(`keeps a known value in ${o.node.type} "${o.node.friendlyName}"`);
    return [o, { kind: 'const', tensor }];
  }));
  const profile = e.profile.map(([nodeName, nodeType, role, at]): ProfileEntry => {
    if (role === 'native') return { nodeName, nodeType, role, steps: Array.isArray(at) ? at : fail('profile lacks steps') };
    if (role === 'js') return { nodeName, nodeType, role, node: node(Number(at)) };
    return { nodeName, nodeType, role };
  });
  const program: PlanProgram = {
    desc, program: items, values, profile, fused: e.fused,
    externalOf: new Map(e.externals.map(([n, i, slot]) => [out(n, i), slot])),
    resultSources: model.results.map((r) => r.inputValue(0)),
    keepAlive: packed.map((p) => p.data),
  };
  return { model, plan: restorePlan(model, program, addon, handle, threads, jsKernel, profiling) };
}

function buffer(ctx: DecodeContext, i: number): Uint8Array {
  const b = ctx.buffers[i];
  if (!b) throw new ModelFormatError(`compiled model: buffer ${i} does not exist`);
  return b;
}

/**
 * A CPU executable as stored: its plans by input-shape key, and for a model with dynamic inputs
 * its whole graph too, which later shapes are planned from.
 */
export function encodeExecutable(model: Model, dynamic: boolean, plans: ReadonlyArray<[string, CompiledPlan]>, addon: NativeAddon): ExportedExecutable {
  const table = new BufferTable();
  const meta: Json = {
    format: 1, dynamic,
    graph: dynamic ? encodeGraph(model, table).graph : null,
    plans: plans.map(([key, plan]) => ({ key, plan: encodePlan(plan.parts, addon, table) })),
  };
  return { meta, buffers: table.buffers };
}

export function decodeExecutable(exported: ExportedExecutable, addon: NativeAddon, threads: number, jsKernel: KernelOverride,
  profiling: boolean): { model: Model; plans: Map<string, CompiledPlan> } {
  const fail = (what: string): never => { throw new ModelFormatError(`compiled model: stored CPU executable ${what}`); };
  const meta = exported.meta;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta) || meta['format'] !== 1 || !Array.isArray(meta['plans'])) {
    return fail('has no plans of format 1');
  }
  const ctx: DecodeContext = { buffers: exported.buffers };
  try {
    const plans = new Map<string, CompiledPlan>();
    let model: Model | undefined;
    for (const entry of meta['plans']) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail('has a plan that is not an object');
      const restored = decodePlan(entry['plan'] ?? null, ctx, addon, threads, jsKernel, profiling);
      plans.set(String(entry['key']), restored.plan);
      model ??= restored.model;
    }
    if (meta['dynamic'] === true) model = decodeGraph(meta['graph'] ?? null, ctx).model;
    // The import is done only when every plan's primitives exist (see NativeAddon.awaitPlan).
    for (const plan of plans.values()) if (plan.parts.plan) addon.awaitPlan?.(plan.parts.plan);
    return { model: model ?? fail('has neither a plan nor a graph'), plans };
  } catch (e) {
    // Whatever a damaged blob trips over (a missing field, a bad index) is a format error.
    if (e instanceof TsvinoError) throw e;
    throw new ModelFormatError(`compiled model: stored CPU executable is damaged: ${(e as Error).message}`, { cause: e });
  }
}
