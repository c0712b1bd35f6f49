import { ShapeInferenceError } from '../../core/errors.js';
import type { Model } from '../../core/model.js';
import type { Node, Output } from '../../core/node.js';
import type { Tensor } from '../../core/tensor.js';
import { sameShape } from '../../ops/util/shape.js';
import { gatherCompressedRows } from '../../transformations/gather-decompression.js';
import { constantOf, sourceOf } from '../../transformations/pattern.js';
import { fixedF32, matchDecompression, type DecompressionMatch } from '../../transformations/weight-decompression.js';
import type { Lowering } from './lowering.js';
import type { CompressedWeightsDesc, PlanStep } from './native.js';

/**
 * Compressed weights on the native plan. A MatMul reading
 * [Reshape](Multiply(Subtract?(Convert(int8/int4 codes), zero point), scale)) becomes one "cmatmul"
 * step that reads the codes in place and decodes them block by block (native/src/compressed-matmul.cc);
 * the decompression nodes are never evaluated, so no f32 copy of the weights is made. Should the
 * step be refused (the plan retries it as an ordinary MatMul), the chain is folded then, as before.
 * A Gather over a compressed table is first rewritten to gather the codes (gather-decompression.ts).
 */

type CompressedStep = Extract<PlanStep, { kind: 'cmatmul' }>;

/**
 * `parts` when they describe a weight the native kernel can run: positive K and N, a group size
 * dividing K, and codes, scales and zero points of the lengths those imply. Throws a
 * ShapeInferenceError naming `node` otherwise.
 */
export function compressedWeightsDesc(node: Node, parts: CompressedWeightsDesc): CompressedWeightsDesc {
  const fail = (what: string): never => { throw new ShapeInferenceError(node.friendlyName, node.type, `compressed weights: ${what}`); };
  const { k, n, groupSize, type } = parts;
  if (!(Number.isInteger(k) && k > 0 && Number.isInteger(n) && n > 0)) fail(`K and N must be positive integers, got ${k} and ${n}`);
  if (!(Number.isInteger(groupSize) && groupSize > 0 && k % groupSize === 0)) fail(`group size ${groupSize} does not divide K = ${k}`);
  const codeBytes = type === 'u4' || type === 'i4' ? Math.ceil((k * n) / 2) : k * n;
  if (parts.codes.byteLength !== codeBytes) fail(`${type} codes of a ${k}×${n} weight take ${codeBytes} bytes, got ${parts.codes.byteLength}`);
  const scales = (k / groupSize) * n;
  if (parts.scale.length !== scales) fail(`${scales} scales expected (one per ${groupSize} codes), got ${parts.scale.length}`);
  if (parts.zeroPoint && parts.zeroPoint.length !== scales) fail(`${scales} zero points expected, got ${parts.zeroPoint.length}`);
  return parts;
}

/**
 * The weight of a MatMul as codes plus [K/g][N] (transposed: [N][K/g]) scales and zero points, or
 * undefined when the subgraph is not one the kernel runs (a scale varying inside a group, say).
 * Codes are [K, N] or, group-wise, [K/g, g, N]; transposed [N, K] or [N, K/g, g].
 */
function weightParts(m: DecompressionMatch, weight: readonly number[], transposed: boolean): CompressedWeightsDesc | undefined {
  const codes = constantOf(m.codes);
  if (!codes || weight.length !== 2) return undefined;
  const q = codes.getShape();
  const [k, n] = transposed ? [weight[1]!, weight[0]!] : [weight[0]!, weight[1]!];
  if (!sameShape(m.decoded.getShape(), q)) return undefined;
  let groups: number;
  if (q.length === 2 && sameShape(q, weight)) groups = 1;
  else if (q.length === 3 && !transposed && q[2] === n && q[0]! * q[1]! === k) groups = q[0]!;
  else if (q.length === 3 && transposed && q[0] === n && q[1]! * q[2]! === k) groups = q[1]!;
  else return undefined;
  const scale = perGroup(fixedF32(m.scale), q, groups, n, transposed);
  const zeroPoint = m.zeroPoint && perGroup(fixedF32(m.zeroPoint), q, groups, n, transposed);
  if (!scale || (m.zeroPoint && !zeroPoint)) return undefined;
  const data = codes.data;
  if (!(data instanceof Uint8Array || data instanceof Int8Array)) return undefined;
  return { type: m.codeType, codes: data, k, n, groupSize: k / groups, transposed, scale, ...(zeroPoint ? { zeroPoint } : {}) };
}

/**
 * A scale or zero point broadcast over codes of shape `q`, laid out one value per (group, column):
 * [groups][n], or [n][groups] when transposed. Undefined when it varies inside a group.
 */
function perGroup(t: Tensor | undefined, q: readonly number[], groups: number, n: number, transposed: boolean): Float32Array | undefined {
  if (!t || !(t.data instanceof Float32Array) || t.getShape().length > q.length) return undefined;
  const padded = [...new Array<number>(q.length - t.getShape().length).fill(1), ...t.getShape()];
  // Its dims over the codes seen as [G, g, N] (transposed [N, G, g]); per-channel codes have G = 1.
  const d = q.length === 3 ? padded : transposed ? [padded[0]!, 1, padded[1]!] : [1, padded[0]!, padded[1]!];
  const [groupAxis, columnAxis, withinAxis] = transposed ? [1, 0, 2] : [0, 2, 1];
  if (d[withinAxis] !== 1 || (d[groupAxis] !== 1 && d[groupAxis] !== groups) || (d[columnAxis] !== 1 && d[columnAxis] !== n)) return undefined;
  const strides = [d[1]! * d[2]!, d[2]!, 1].map((st, axis) => (d[axis] === 1 ? 0 : st));
  const [gs, cs] = [strides[groupAxis]!, strides[columnAxis]!];
  const src = t.data;
  const out = new Float32Array(groups * n);
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < n; c++) out[transposed ? c * groups + g : g * n + c] = src[g * gs + c * cs]!;
  }
  return out;
}

const numpy = (n: Node): boolean => (n.attrs['autoBroadcast'] ?? 'numpy') === 'numpy';

/** dims hold one value per output column (the last axis of `out`) and 1 elsewhere. */
function perColumn(dims: readonly number[], out: readonly number[]): boolean {
  if (dims.length > out.length) return false;
  const padded = [...new Array<number>(out.length - dims.length).fill(1), ...dims];
  return padded.every((d, i) => (i === out.length - 1 ? d === out[i] : d === 1));
}

/** What the lowering asks about compressed weights, node by node. */
export class CompressedWeights {
  /** MatMuls whose second input is a decompression subgraph. */
  private readonly matmuls = new Map<Node, DecompressionMatch>();
  /** Decompression nodes left unevaluated: nothing but those MatMuls reads them. */
  private readonly deferred = new Set<Node>();
  /** cmatmul steps by the output they compute (a following bias Add joins them). */
  private readonly steps = new Map<Output, CompressedStep>();

  constructor(model: Model, private readonly unfused: ReadonlySet<Node>) {
    for (const node of model.getOrderedOps()) {
      if (node.type !== 'MatMul' || node.attrs['transposeA'] === true) continue;
      const m = matchDecompression(sourceOf(node, 1));
      if (m) this.matmuls.set(node, m);
    }
    for (const m of this.matmuls.values()) if (this.onlyMatMulsRead(m)) m.nodes.forEach((n) => this.deferred.add(n));
  }

  private onlyMatMulsRead(m: DecompressionMatch): boolean {
    const chain = new Set(m.nodes);
    return m.nodes.every((n) => n.outputs.every((o) => [...o.targets].every((i) =>
      (o === m.output ? i.index === 1 && this.matmuls.get(i.node)?.output === o : chain.has(i.node)))));
  }

  /** A decompression node no reader needs evaluated (yet). */
  defers(node: Node): boolean { return this.deferred.has(node); }

  /** A MatMul over compressed weights as a cmatmul step, or a per-column Add after one as its bias. */
  lower(node: Node, l: Lowering): boolean {
    if (node.type === 'MatMul') return this.lowerMatMul(node, l);
    return node.type === 'Add' && this.absorbBias(node, l);
  }

  /**
   * For a MatMul that did not become a cmatmul step: the deferred nodes of its weights, producers
   * first, no longer deferred, for the caller to evaluate.
   */
  undefer(node: Node): Node[] {
    return this.matmuls.get(node)?.nodes.filter((n) => this.deferred.delete(n)) ?? [];
  }

  private lowerMatMul(node: Node, l: Lowering): boolean {
    const m = this.matmuls.get(node);
    const x = sourceOf(node, 0);
    if (!m || x.getShape().length < 2) return false;
    const parts = weightParts(m, m.output.getShape(), node.attrs['transposeB'] === true);
    if (!parts || x.getShape()[x.getShape().length - 1] !== parts.k) return false;
    const a = l.slotOf(x);
    if (a === undefined) return false;
    const step: CompressedStep = { kind: 'cmatmul', a, dst: l.newSlot(node.output(0).getShape()), compressed: compressedWeightsDesc(node, parts) };
    l.emit(step, node, node.output(0));
    this.steps.set(node.output(0), step);
    return true;
  }

  private absorbBias(add: Node, l: Lowering): boolean {
    if (this.unfused.has(add) || !numpy(add)) return false;
    const out = add.output(0).getShape();
    for (const [host, operand] of [[sourceOf(add, 0), sourceOf(add, 1)], [sourceOf(add, 1), sourceOf(add, 0)]] as const) {
      const step = this.steps.get(host);
      const c = l.constOf(operand);
      if (!step || step.bias !== undefined || host.targets.size !== 1 || !c || !sameShape(host.getShape(), out)) continue;
      if (!perColumn(c.getShape(), out)) continue;
      const bias = l.constSlot(c, [out[out.length - 1]!]);
      if (bias === undefined) continue;
      step.bias = bias;
      l.absorb(add, step);
      return true;
    }
    return false;
  }
}

/**
 * Before lowering `model`: Gathers over compressed tables are rewritten to decode only the rows
 * they read, and the MatMuls over compressed weights are found.
 */
export function prepareCompressedWeights(model: Model, unfused: ReadonlySet<Node>): CompressedWeights {
  gatherCompressedRows(model);
  return new CompressedWeights(model, unfused);
}
