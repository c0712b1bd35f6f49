// BatchNorm (and per-channel scale/shift) folded into a convolution with constant weights:
//   Conv(x, W) [+ b] → BatchNormInference(γ, β, μ, σ², ε)
//     = Conv(x, W · s) + (b · s + β − μ · s),  s = γ / √(σ² + ε)
//   Conv(x, W) [+ b] → · s [→ + t]  = Conv(x, W · s) + (b · s + t)
// with s, t per output channel. The result is the convolution plus one Add of a [1, C, 1, ...]
// constant, which plugins fuse as the convolution's bias.
import { isFloatType } from '../core/element-type.js';
import type { Model } from '../core/model.js';
import { Node, type Output } from '../core/node.js';
import { tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { add } from '../ops/add.js';
import { constant } from '../ops/constant.js';
import { constantOf, numberAttr, replaceOutput, singleUse, soleConsumer, sourceOf, finishPass, rewriteEach, type PassOptions } from './pattern.js';

/** C values when `o` is a constant that varies only along axis 1 of a rank-`rank` tensor. */
function perChannel(o: Output, channels: number, rank: number): Float64Array | undefined {
  const t = constantOf(o);
  if (!t || !isFloatType(t.getElementType())) return undefined;
  const v = toNumbers(t);
  if (t.getSize() === 1) return new Float64Array(channels).fill(v[0]!);
  const shape = t.getShape();
  if (shape.length > rank) return undefined;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  if (padded.some((d, i) => (i === 1 ? d !== channels : d !== 1))) return undefined;
  return Float64Array.from(v);
}

/** [s, t] of a BatchNormInference (v1 or v5) reading `data`, all parameters constant. */
function batchNormScaleShift(bn: Node, data: Output, channels: number): [Float64Array, Float64Array] | undefined {
  const order = bn.op.version === 'opset1' ? [2, 0, 1, 3, 4] : [0, 1, 2, 3, 4];
  if (sourceOf(bn, order[0]!) !== data) return undefined;
  const params = order.slice(1).map((i) => perChannel(sourceOf(bn, i), channels, 1 + 1));
  const eps = numberAttr(bn, 'epsilon');
  if (params.some((p) => !p || p.length !== channels) || eps === undefined) return undefined;
  const [gamma, beta, mean, variance] = params.map((p) => p!);
  const s = gamma!.map((g, c) => g / Math.sqrt(variance![c]! + eps));
  return [s, beta!.map((b, c) => b - mean![c]! * s[c]!)];
}

/** The per-channel values when `n` is `type`(data, per-channel constant), either operand order. */
function perChannelOperand(n: Node | undefined, type: string, data: Output, channels: number, rank: number): Float64Array | undefined {
  if (!n || n.type !== type || n.inputs.length !== 2) return undefined;
  const [a, b] = [sourceOf(n, 0), sourceOf(n, 1)];
  return (a === data ? perChannel(b, channels, rank) : undefined) ?? (b === data ? perChannel(a, channels, rank) : undefined);
}

const perChannelAdd = (n: Node | undefined, data: Output, channels: number, rank: number): Float64Array | undefined =>
  perChannelOperand(n, 'Add', data, channels, rank);
const perChannelMultiply = (n: Node | undefined, data: Output, channels: number, rank: number): Float64Array | undefined =>
  perChannelOperand(n, 'Multiply', data, channels, rank);

const isScaleNode = (n: Node | undefined): boolean => n?.type === 'BatchNormInference' || n?.type === 'Multiply';

/**
 * Whether a scale (BatchNorm or Multiply) follows `conv` directly or after one single-use Add: a
 * structural test that spares reading constants for the many convolutions no scale follows.
 */
function scaleFollows(conv: Node): boolean {
  const first = soleConsumer(conv.output(0));
  if (isScaleNode(first)) return true;
  return first?.type === 'Add' && singleUse(first.output(0)) && isScaleNode(soleConsumer(first.output(0)));
}

/** Output channel of each weight element: W is [C, ...] or, grouped, [G, C/G, ...]. */
function scaledWeights(w: Tensor, grouped: boolean, scale: Float64Array): Tensor {
  const shape = w.getShape();
  const perChannelSize = shape.slice(grouped ? 2 : 1).reduce((a, b) => a * b, 1);
  const v = toNumbers(w);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale[Math.floor(i / perChannelSize)]!;
  return tensorFromNumbers(w.getElementType(), shape, out);
}

interface Chain { nodes: Node[]; end: Output; scale: Float64Array; shift: Float64Array }

/** What follows the convolution: an optional bias Add, then BatchNorm or Multiply [+ Add]. */
function matchChain(conv: Node, channels: number, rank: number): Chain | undefined {
  let cur = conv.output(0);
  const nodes: Node[] = [conv];
  let bias: Float64Array = new Float64Array(channels);
  const first = soleConsumer(cur);
  const b = perChannelAdd(first, cur, channels, rank);
  if (b && singleUse(first!.output(0))) {
    bias = b;
    nodes.push(first!);
    cur = first!.output(0);
  }
  const next = soleConsumer(cur);
  if (!next) return undefined;
  const bn = next.type === 'BatchNormInference' ? batchNormScaleShift(next, cur, channels) : undefined;
  const mul = bn ? undefined : perChannelMultiply(next, cur, channels, rank);
  if (!bn && !mul) return undefined;
  const scale = bn ? bn[0] : mul!;
  let shift: Float64Array = bn ? bn[1] : new Float64Array(channels);
  nodes.push(next);
  let end = next.output(0);
  if (mul) {
    const after = soleConsumer(end);
    const t = perChannelAdd(after, end, channels, rank);
    if (t) { shift = t; nodes.push(after!); end = after!.output(0); }
  }
  return { nodes, end, scale, shift: shift.map((s, c) => bias[c]! * scale[c]! + s) };
}

function fuseAt(conv: Node): boolean {
  const w = constantOf(sourceOf(conv, 1));
  const out = conv.output(0);
  if (!w || !isFloatType(w.getElementType()) || !singleUse(out) || !out.partialShape.isRankStatic()) return false;
  const grouped = conv.type === 'GroupConvolution';
  const ws = w.getShape();
  const channels = grouped ? ws[0]! * ws[1]! : ws[0]!;
  const rank = out.partialShape.rank;
  const chain = scaleFollows(conv) ? matchChain(conv, channels, rank) : undefined;
  if (!chain) return false;
  const weights = constant(scaledWeights(w, grouped, chain.scale));
  const fusedConv = new Node(conv.op, [sourceOf(conv, 0), weights.output(0)], conv.attrs, conv.friendlyName);
  const biasShape = [1, channels, ...new Array<number>(rank - 2).fill(1)];
  const bias = constant(tensorFromNumbers(out.elementType, biasShape, chain.shift));
  const sum = add(fusedConv, bias);
  if (!replaceOutput(chain.end, sum.output(0), chain.nodes, [weights, fusedConv, bias, sum])) return false;
  fusedConv.friendlyName = conv.friendlyName;
  return true;
}

/** Folds BatchNorm and per-channel Multiply/Add after constant-weight convolutions; returns how many. */
export function fuseBatchNorm(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => (n.type === 'Convolution' || n.type === 'GroupConvolution') && fuseAt(n)), options);
}
