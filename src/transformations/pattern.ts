// Matching and rewriting helpers every pass shares: constant reads, commutative operand matches,
// single-use checks, and a replace that keeps provenance (friendly name, rt_info, tensor names).
import { TsvinoError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { eliminateDeadCode } from './dead-code-elimination.js';

/** The value of a Constant output with its declared shape, or undefined for any other producer. */
export function constantOf(o: Output): Tensor | undefined {
  if (o.node.type !== 'Constant') return undefined;
  // The Constant op hands out its value reshaped to the declared shape, whatever its size.
  return o.knownValue ?? o.node.op.evaluateKnown?.([], o.node.attrs)?.[0];
}

/** The single number a one-element constant holds (any rank), or undefined. */
export function scalarOf(o: Output): number | undefined {
  const t = constantOf(o);
  if (!t || t.getSize() !== 1 || t.getElementType() === 'string') return undefined;
  return toNumbers(t)[0];
}

/** Whether `o` is a one-element constant equal to `expected` within a relative tolerance. */
export function isScalarNear(o: Output, expected: number, rtol = 1e-3): boolean {
  const v = scalarOf(o);
  return v !== undefined && Math.abs(v - expected) <= rtol * Math.abs(expected) + 1e-7;
}

/**
 * A one-element constant that cannot change the rank of `like` when it broadcasts against it
 * (a [1,1,1] constant against a rank-2 tensor would), or undefined.
 */
export function scalarFor(o: Output, like: Output): number | undefined {
  const rank = o.partialShape.isRankStatic() ? o.partialShape.rank : Infinity;
  const likeRank = like.partialShape.isRankStatic() ? like.partialShape.rank : -1;
  return rank <= Math.max(likeRank, 0) || rank === 0 ? scalarOf(o) : undefined;
}

export const singleUse = (o: Output): boolean => o.targets.size === 1;

/** The only node reading `o`, when exactly one input reads it. */
export function soleConsumer(o: Output): Node | undefined {
  if (o.targets.size !== 1) return undefined;
  return o.targets.values().next().value?.node;
}

export const sourceOf = (n: Node, i: number): Output => n.input(i).getSourceOutput();

/**
 * Both operand orders of a two-input node of `type` (Add, Multiply, ...): returns [a, b] with
 * `test(a, b)` true, trying (in0, in1) then (in1, in0).
 */
export function commutedOperands(n: Node, type: string, test: (a: Output, b: Output) => boolean): [Output, Output] | undefined {
  if (n.type !== type || n.inputs.length !== 2) return undefined;
  const [a, b] = [sourceOf(n, 0), sourceOf(n, 1)];
  if (test(a, b)) return [a, b];
  if (test(b, a)) return [b, a];
  return undefined;
}

/** Reads a typed attribute; undefined when absent or of another kind. */
export function numberAttr(n: Node, key: string): number | undefined {
  const v = n.attrs[key];
  return typeof v === 'number' ? v : undefined;
}
export const boolAttr = (n: Node, key: string): boolean => n.attrs[key] === true;

/** The integer values of a constant input (axes, orders, target shapes), or undefined. */
export function constantIntegers(o: Output): number[] | undefined {
  const t = constantOf(o);
  if (!t || t.getElementType() === 'string') return undefined;
  return Array.from(toNumbers(t), (v) => Number(v));
}

/** Axes normalized into [0, rank), sorted; undefined when the rank is dynamic or an axis is out of range. */
export function normalizedAxes(axes: readonly number[], o: Output): number[] | undefined {
  if (!o.partialShape.isRankStatic()) return undefined;
  const rank = o.partialShape.rank;
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  if (out.some((a) => a < 0 || a >= rank)) return undefined;
  return [...new Set(out)].sort((a, b) => a - b);
}

export const sameAxes = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.join() === b.join();

/** The original node names a node stands for: its own, or those its `fused_names` rt_info lists. */
function originalNames(n: Node): string[] {
  const fused = n.rtInfo['fused_names'];
  if (fused && typeof fused === 'object' && 'value' in fused && typeof fused.value === 'string' && fused.value) return fused.value.split(',');
  return [n.friendlyName];
}

/**
 * Gives `created` the provenance of `matched`: their merged rt_info, `fused_names` listing the
 * original nodes (written to IR as OpenVINO does), and `root`'s friendly name on `named`.
 */
export function copyProvenance(matched: readonly Node[], created: readonly Node[], root: Node, named: Node): void {
  const info: Record<string, unknown> = {};
  for (const n of matched) Object.assign(info, structuredClone(n.rtInfo));
  const names = [...new Set(matched.flatMap(originalNames))].join(',');
  for (const c of created) {
    if (c.type === 'Constant') continue;
    c.rtInfo = { ...structuredClone(info), ...c.rtInfo, fused_names: { version: '0', value: names } };
  }
  named.friendlyName = root.friendlyName;
}

const KEEP_ALIVE = new Set(['Parameter', 'Result', 'Assign']);

/**
 * Disconnects `n` from its sources once nothing reads any of its outputs, and then its sources in
 * turn, so consumer counts stay exact while a pass rewrites. Parameters, Results and sinks stay.
 */
export function detachIfDead(n: Node): void {
  const stack = [n];
  while (stack.length) {
    const node = stack.pop()!;
    if (KEEP_ALIVE.has(node.type) || node.outputs.some((o) => o.targets.size > 0)) continue;
    for (const input of node.inputs) {
      input.detach();
      stack.push(input.getSourceOutput().node);
    }
  }
}

/**
 * Whether `b` may stand in for `a`: the same element type, the same rank and compatible dims
 * (a rewrite may know a dim its original left dynamic, never contradict one).
 */
export function sameTypeAndShape(a: Output, b: Output): boolean {
  if (a.elementType !== b.elementType) return false;
  const [sa, sb] = [a.partialShape, b.partialShape];
  if (!sa.isRankStatic() || !sb.isRankStatic()) return sa.toString() === sb.toString();
  return sa.rank === sb.rank && sa.compatible(sb);
}

/**
 * Replaces `old` with `replacement`: consumers move, tensor names move, rt_info of `matched`
 * merges onto `created`, and the root's friendly name goes to the replacement's node. Refuses
 * (and detaches the new nodes) when the replacement's type or shape differs from the original.
 */
export function replaceOutput(old: Output, replacement: Output, matched: readonly Node[], created: readonly Node[]): boolean {
  if (!sameTypeAndShape(old, replacement)) {
    for (const c of created) detachIfDead(c);
    return false;
  }
  if (created.includes(replacement.node)) copyProvenance(matched, created, old.node, replacement.node);
  else if (created.length) copyProvenance(matched, created, old.node, created[created.length - 1]!);
  old.replace(replacement);
  detachIfDead(old.node);
  for (const c of created) detachIfDead(c);
  return true;
}

/**
 * Whether consumers of `from` may read `to` directly (removing the node in between) without
 * merging a model output's tensor names into a model input or into another model output.
 */
export function canForward(from: Output, to: Output): boolean {
  const feedsResult = (o: Output): boolean => [...o.targets].some((i) => i.node.type === 'Result');
  if (!feedsResult(from)) return true;
  return to.node.type !== 'Parameter' && to.node.type !== 'Constant' && !feedsResult(to);
}

/** Forwards `to` to every consumer of `from` (the node producing `from` disappears). */
export function forwardOutput(from: Output, to: Output): boolean {
  if (!canForward(from, to) || !sameTypeAndShape(from, to)) return false;
  from.replace(to);
  detachIfDead(from.node);
  return true;
}

/**
 * The factors of a Multiply tree rooted at `root`: inner Multiply nodes read only inside the tree
 * are opened up, anything else is a factor. One-element constant factors are multiplied into
 * `scale`; `nodes` lists the Multiply nodes opened (the root first).
 */
export function productFactors(root: Output, like: Output): { factors: Output[]; scale: number; nodes: Node[] } | undefined {
  const factors: Output[] = [];
  const nodes: Node[] = [];
  let scale = 1;
  const stack = [root];
  while (stack.length) {
    const o = stack.pop()!;
    if (o.node.type === 'Multiply' && (o === root || singleUse(o))) {
      nodes.push(o.node);
      stack.push(sourceOf(o.node, 1), sourceOf(o.node, 0));
      continue;
    }
    const c = scalarFor(o, like);
    if (c !== undefined) scale *= c;
    else if (o.node.type === 'Constant') return undefined;
    else factors.push(o);
  }
  return { factors, scale, nodes };
}

/** Whether `factors` are exactly the outputs `expected`, in any order. */
export function sameFactors(factors: readonly Output[], expected: readonly Output[]): boolean {
  if (factors.length !== expected.length) return false;
  const rest = [...expected];
  for (const f of factors) {
    const i = rest.indexOf(f);
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/**
 * Climbs from `start` through single-use Multiply consumers (at most `levels`) to the first
 * Multiply whose factor tree is exactly `expected` times `scale`; returns that node and the tree.
 */
export function findProduct(start: Output, expected: readonly Output[], scale: number, levels = 3): { root: Node; nodes: Node[] } | undefined {
  let o = start;
  for (let level = 0; level < levels; level++) {
    const next = soleConsumer(o);
    if (!next || next.type !== 'Multiply') return undefined;
    const tree = productFactors(next.output(0), expected[0]!);
    if (tree && sameFactors(tree.factors, expected) && Math.abs(tree.scale - scale) <= 1e-3 * Math.abs(scale)) {
      return { root: next, nodes: tree.nodes };
    }
    o = next.output(0);
  }
  return undefined;
}

/** A rank-0 Constant of `like`'s element type holding `value`. */
export const scalarConstantLike = (value: number, like: Output): Node =>
  constant(tensorFromNumbers(like.elementType, [], [value]));

/** Options every pass takes. */
export interface PassOptions {
  /**
   * Re-run shape inference over the model after a pass that changed it (default true). The
   * pipeline turns it off per pass and validates once at the end: rewrites keep every output's
   * type and a compatible shape, so the graph stays consistent in between.
   */
  validate?: boolean;
}

/** Validates `model` when `rewrites` changed it and the caller wants that; returns `rewrites`. */
export function finishPass<T extends number>(model: Model, rewrites: T, options: PassOptions): T {
  if (rewrites > 0 && options.validate !== false) model.validate();
  return rewrites;
}

/**
 * Calls `rewrite` on every node something reads, producers first; returns how many it rewrote.
 * A replacement that fails shape inference (a match the fused op cannot express) counts as no
 * match: the graph stays as it was and the nodes built for it are cut off.
 */
export function rewriteEach(model: Model, rewrite: (n: Node) => boolean): number {
  let count = 0;
  for (const n of model.getOrderedOps()) {
    if (!n.outputs.some((o) => o.targets.size > 0)) continue;
    try {
      if (rewrite(n)) count++;
    } catch (e) {
      if (!(e instanceof TsvinoError)) throw e;
      eliminateDeadCode(model);
    }
  }
  return count;
}
