// Attention fusion: the exporters' scaled dot-product attention
//   MatMul(Softmax(MatMul(Q, Kᵀ) {· s | / s} [+ mask], axis = last), V)
// becomes ScaledDotProductAttention-13(Q, K, V, mask or 0, s). Kᵀ may be a MatMul transpose_b,
// or a Transpose swapping the last two dims (whose own Transpose producer is merged in, as in
// the PyTorch exports of BERT and GPT-2, where K is Transpose(k, [0, 2, 3, 1])). A constant
// scale on Q or on Kᵀ (torch's own SDPA export puts √s on each) joins the scale input. A
// constant mask that is 0 on and below the diagonal and hugely negative above it (GPT-2's causal
// mask once shapes are static) becomes causal = true, so kernels need not read it.
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { constant } from '../ops/constant.js';
import { scaledDotProductAttention } from '../ops/scaled-dot-product-attention.js';
import { transpose } from '../ops/transpose.js';
import { toNumbers } from '../core/tensor.js';
import {
  boolAttr, constantOf, commutedOperands, constantIntegers, numberAttr, replaceOutput, scalarConstantLike, scalarFor, singleUse, sourceOf,
  finishPass, rewriteEach, type PassOptions,
} from './pattern.js';

const rankOf = (o: Output): number | undefined => (o.partialShape.isRankStatic() ? o.partialShape.rank : undefined);

interface Scores { qk: Node; scale: number; nodes: Node[] }

/** MatMul(Q, Kᵀ) with an optional constant scale (Multiply by s, or Divide by 1/s). */
function scaledScores(o: Output): Scores | undefined {
  if (!singleUse(o)) return undefined;
  const n = o.node;
  if (n.type === 'MatMul') return { qk: n, scale: 1, nodes: [n] };
  if (n.type === 'Divide') {
    const d = scalarFor(sourceOf(n, 1), sourceOf(n, 0));
    const inner = sourceOf(n, 0);
    if (!d || inner.node.type !== 'MatMul' || !singleUse(inner)) return undefined;
    return { qk: inner.node, scale: 1 / d, nodes: [inner.node, n] };
  }
  const m = commutedOperands(n, 'Multiply', (a, c) => a.node.type === 'MatMul' && scalarFor(c, a) !== undefined);
  if (!m || !singleUse(m[0])) return undefined;
  return { qk: m[0].node, scale: scalarFor(m[1], m[0])!, nodes: [m[0].node, n] };
}

/** [scores, mask] for the Softmax input: scores alone, or scores + mask in either order. */
function scoresAndMask(o: Output): [Scores, Output | undefined] | undefined {
  const plain = scaledScores(o);
  if (plain) return [plain, undefined];
  if (o.node.type !== 'Add' || !singleUse(o)) return undefined;
  const ops = commutedOperands(o.node, 'Add', (s) => scaledScores(s) !== undefined);
  if (!ops) return undefined;
  const scores = scaledScores(ops[0])!;
  return [{ ...scores, nodes: [...scores.nodes, o.node] }, ops[1]];
}

/** [t, s, nodes] for t · s with a one-element constant s read only here, else [o, 1, []]. */
function unscaled(o: Output): [Output, number, Node[]] {
  const m = singleUse(o) ? commutedOperands(o.node, 'Multiply', (t, c) => scalarFor(c, t) !== undefined) : undefined;
  return m ? [m[0], scalarFor(m[1], m[0])!, [o.node]] : [o, 1, []];
}

/** K ([..., S, E]) from the right operand `kt` of Q·Kᵀ: new nodes in `created`. */
function keyOf(qk: Node, kt: Output, rank: number, created: Node[]): Output | undefined {
  if (boolAttr(qk, 'transposeB')) return kt;
  const swap = Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
  let source = kt;
  let perm = swap;
  const order = kt.node.type === 'Transpose' ? constantIntegers(sourceOf(kt.node, 1)) : undefined;
  if (order && order.length === rank) {
    // Kᵀ = Transpose(k, order): K = Transpose(k, order ∘ swap), one transpose instead of two.
    source = sourceOf(kt.node, 0);
    perm = swap.map((p) => order[p]!);
  }
  if (perm.every((p, i) => p === i)) return source;
  const orderNode = constant('i64', [rank], perm);
  const k = transpose(source, orderNode);
  created.push(orderNode, k);
  return k.output(0);
}

/**
 * Below this a mask entry is as good as −inf: exp of a gap past ~104 is already 0 in f32, so
 * only scores spread by more than 10⁴ could tell the difference.
 */
const MASKED = -1e4;

/** Whether `mask` is a constant [1, ..., L, S] causal mask for scores with static L × S. */
function isCausalMask(mask: Output, q: Output, k: Output): boolean {
  const t = constantOf(mask);
  const [qs, ks] = [q.partialShape, k.partialShape];
  if (!t || !qs.isRankStatic() || !ks.isRankStatic()) return false;
  const shape = t.getShape();
  const [L, S] = [qs.dim(qs.rank - 2), ks.dim(ks.rank - 2)];
  if (shape.length < 2 || !L.isStatic() || !S.isStatic()) return false;
  if (shape[shape.length - 2] !== L.min || shape[shape.length - 1] !== S.min || shape.slice(0, -2).some((d) => d !== 1)) return false;
  const v = toNumbers(t);
  for (let l = 0; l < L.min; l++) {
    for (let j = 0; j < S.min; j++) {
      const m = v[l * S.min + j]!;
      if (j > l ? !(m <= MASKED) : m !== 0) return false;
    }
  }
  return true;
}

function fuseAt(pv: Node): boolean {
  if (boolAttr(pv, 'transposeA') || boolAttr(pv, 'transposeB')) return false;
  const [p, v] = [sourceOf(pv, 0), sourceOf(pv, 1)];
  const rank = rankOf(p);
  if (p.node.type !== 'Softmax' || !singleUse(p) || rank === undefined || rank < 3) return false;
  const axis = numberAttr(p.node, 'axis');
  if (axis !== rank - 1 && axis !== -1) return false;
  const matched = scoresAndMask(sourceOf(p.node, 0));
  if (!matched) return false;
  const [scores, mask] = matched;
  const [q, qScale, qNodes] = unscaled(sourceOf(scores.qk, 0));
  const [kt, kScale, kNodes] = unscaled(sourceOf(scores.qk, 1));
  if (boolAttr(scores.qk, 'transposeA') || rankOf(q) !== rank || rankOf(kt) !== rank || rankOf(v) !== rank) return false;
  if (mask && (mask.elementType !== q.elementType || (rankOf(mask) ?? Infinity) > rank)) return false;
  const created: Node[] = [];
  const k = keyOf(scores.qk, kt, rank, created);
  if (!k) return false;
  const causal = mask !== undefined && isCausalMask(mask, q, k);
  const maskInput = mask && !causal ? mask : scalarConstantLike(0, q).output(0);
  const scale = scalarConstantLike(scores.scale * qScale * kScale, q);
  if (maskInput !== mask) created.push(maskInput.node);
  const sdpa = scaledDotProductAttention(q, k, v, { mask: maskInput, scale, causal });
  created.push(scale, sdpa);
  return replaceOutput(pv.output(0), sdpa.output(0), [...qNodes, ...kNodes, ...scores.nodes, p.node, pv], created);
}

/** Replaces every matched attention block by ScaledDotProductAttention-13; returns how many. */
export function fuseAttention(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => n.type === 'MatMul' && fuseAt(n)), options);
}
