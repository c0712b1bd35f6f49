import { attr } from '../core/attributes.js';
import { Dimension } from '../core/dimension.js';
import { isFloatType } from '../core/element-type.js';
import type { Node } from '../core/node.js';
import { check, defineOp, type InputInfo, type OpContext } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { shapeSize, tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { broadcastIndices, broadcastShapes, broadcastStatic } from './util/broadcast.js';
import { checkOneElement } from './util/unary.js';
import { makeNode, type NodeInput } from './util/shape.js';

const INPUTS = ['query', 'key', 'value'];

/** Batch dims, then the two matrix dims of one rank-≥3 operand. */
function splitDims(info: InputInfo, what: string, ctx: OpContext): { batch: Dimension[]; rows: Dimension; cols: Dimension } | undefined {
  if (!info.shape.isRankStatic()) return undefined;
  const d = info.shape.getDimensions();
  check(d.length >= 3, ctx, () => `${what} must have rank ≥ 3 ([N, ..., rows, cols]), got ${info.shape.toString()}`);
  return { batch: d.slice(0, -2), rows: d[d.length - 2]!, cols: d[d.length - 1]! };
}

function inferAttention(inputs: readonly InputInfo[], ctx: OpContext): PartialShape {
  const [q, k, v, mask, scale] = inputs;
  inputs.slice(0, 3).forEach((x, i) => {
    check(isFloatType(x.type), ctx, `${INPUTS[i]} must be floating point, got ${x.type}`);
    check(x.type === q!.type, ctx, `${INPUTS[i]} type ${x.type} differs from query type ${q!.type}`);
  });
  if (mask) check(mask.type === q!.type || mask.type === 'boolean', ctx, `attention_mask must be boolean or ${q!.type}, got ${mask.type}`);
  if (scale) {
    check(scale.type === q!.type, ctx, `scale must be ${q!.type}, got ${scale.type}`);
    checkOneElement(scale, ctx, 'scale');
  }
  const [dq, dk, dv] = [splitDims(q!, 'query', ctx), splitDims(k!, 'key', ctx), splitDims(v!, 'value', ctx)];
  if (!dq || !dk || !dv) return PartialShape.dynamic();
  check(dq.cols.compatible(dk.cols), ctx, () => `query has E=${dq.cols.toString()}, key has E=${dk.cols.toString()}`);
  check(dk.rows.compatible(dv.rows), ctx, () => `key has S=${dk.rows.toString()}, value has S=${dv.rows.toString()}`);
  let batch = broadcastShapes(new PartialShape(dq.batch), new PartialShape(dk.batch), 'numpy', ctx);
  batch = broadcastShapes(batch, new PartialShape(dv.batch), 'numpy', ctx);
  const s = dk.rows.merge(dv.rows) ?? dk.rows;
  if (mask?.shape.isRankStatic()) {
    const scores = new PartialShape([...batch.getDimensions(), dq.rows, s]);
    const merged = broadcastShapes(scores, mask.shape, 'numpy', ctx);
    check(merged.rank === scores.rank && merged.compatible(scores), ctx, () => `attention_mask ${mask.shape.toString()} does not broadcast to ${scores.toString()}`);
  }
  return new PartialShape([...batch.getDimensions(), dq.rows, dv.cols]);
}

/**
 * softmax(Q·Kᵀ · scale + bias) · V over the last two dims, batch dims broadcast. The bias is the
 * float mask, or −inf where a boolean mask is false, or −inf above the diagonal when causal.
 */
function attention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | undefined, scale: number, causal: boolean): Tensor {
  const [qs, ks, vs] = [q.getShape(), k.getShape(), v.getShape()];
  const [L, E] = [qs[qs.length - 2]!, qs[qs.length - 1]!];
  const S = ks[ks.length - 2]!;
  const Ev = vs[vs.length - 1]!;
  const batch = broadcastStatic(broadcastStatic(qs.slice(0, -2), ks.slice(0, -2)), vs.slice(0, -2));
  const nb = shapeSize(batch);
  const [iq, ik, iv] = [qs, ks, vs].map((s) => broadcastIndices(s.slice(0, -2), batch));
  const maskIdx = mask && broadcastIndices(mask.getShape(), [...batch, L, S]);
  const [qv, kv, vv] = [q, k, v].map(toNumbers);
  const mv = mask && toNumbers(mask);
  const isBool = mask?.getElementType() === 'boolean';
  const out = new Float64Array(nb * L * Ev);
  const row = new Float64Array(S);
  for (let b = 0; b < nb; b++) {
    const [qb, kb, vb] = [iq![b]! * L * E, ik![b]! * S * E, iv![b]! * S * Ev];
    for (let l = 0; l < L; l++) {
      let max = -Infinity;
      for (let s = 0; s < S; s++) {
        let acc = 0;
        for (let e = 0; e < E; e++) acc += qv![qb + l * E + e]! * kv![kb + s * E + e]!;
        let bias = 0;
        if (causal) bias = s > l ? -Infinity : 0;
        else if (mv) {
          const m = mv[maskIdx![(b * L + l) * S + s]!]!;
          bias = isBool ? (m ? 0 : -Infinity) : m;
        }
        row[s] = acc * scale + bias;
        max = Math.max(max, row[s]!);
      }
      let sum = 0;
      for (let s = 0; s < S; s++) { row[s] = Math.exp(row[s]! - max); sum += row[s]!; }
      for (let j = 0; j < Ev; j++) {
        let acc = 0;
        for (let s = 0; s < S; s++) acc += row[s]! * vv![vb + s * Ev + j]!;
        out[(b * L + l) * Ev + j] = acc / sum;
      }
    }
  }
  return tensorFromNumbers(q.getElementType(), [...batch, L, Ev], out);
}

/**
 * ScaledDotProductAttention-13: inputs query [N, ..., L, E], key [N, ..., S, E], value
 * [N, ..., S, Ev], optional attention_mask (broadcast to [N, ..., L, S]) and scale (default
 * 1/√E). With `causal` the mask input is ignored.
 */
export const ScaledDotProductAttention = defineOp({
  type: 'ScaledDotProductAttention', version: 'opset13',
  attributes: { causal: attr.bool({ default: false }) },
  inputCount: [3, 5],
  infer: (inputs, _a, ctx) => [{ type: inputs[0]!.type, shape: inferAttention(inputs, ctx) }],
  evaluate: ([q, k, v, mask, scale], attrs) => {
    const E = q!.getShape()[q!.getShape().length - 1]!;
    const s = scale ? toNumbers(scale)[0]! : 1 / Math.sqrt(E);
    return [attention(q!, k!, v!, mask, s, attrs.causal)];
  },
});

/** `scaledDotProductAttention(q, k, v, { mask, scale, causal })`; a scale needs a mask (a scalar 0 will do). */
export function scaledDotProductAttention(
  q: NodeInput, k: NodeInput, v: NodeInput,
  o: { mask?: NodeInput; scale?: NodeInput; causal?: boolean } = {}, name?: string,
): Node {
  check(!o.scale || o.mask, { name: name ?? 'ScaledDotProductAttention', type: 'ScaledDotProductAttention' },
    'a scale input needs an attention_mask input before it (pass a scalar 0 for none)');
  const inputs = [q, k, v, ...(o.mask ? [o.mask] : []), ...(o.scale ? [o.scale] : [])];
  return makeNode(ScaledDotProductAttention, inputs, { causal: o.causal ?? false }, name);
}
