// Clamp fusion: Minimum(Maximum(x, lo), hi) and Maximum(Minimum(x, hi), lo) with one-element
// constant bounds lo ≤ hi become Clamp-1(x, lo, hi): ONNX Clip exports as this pair (ReLU6 in
// MobileNet), and one Clamp is one activation a plugin can fuse into the preceding convolution.
import { isFloatType } from '../core/element-type.js';
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { clamp } from '../ops/clamp.js';
import { commutedOperands, finishPass, replaceOutput, rewriteEach, scalarFor, singleUse, type PassOptions } from './pattern.js';

/** [data, bound] when `n` is `type`(data, one-element constant). */
function boundOf(n: Node, type: string): [Output, number] | undefined {
  const ops = commutedOperands(n, type, (d, c) => scalarFor(c, d) !== undefined && scalarFor(d, c) === undefined);
  return ops ? [ops[0], scalarFor(ops[1], ops[0])!] : undefined;
}

function fuseAt(outer: Node): boolean {
  const innerType = outer.type === 'Minimum' ? 'Maximum' : 'Minimum';
  const o = boundOf(outer, outer.type);
  if (!o || o[0].node.type !== innerType || !singleUse(o[0])) return false;
  const i = boundOf(o[0].node, innerType);
  if (!i || !isFloatType(i[0].elementType)) return false;
  const [lo, hi] = outer.type === 'Minimum' ? [i[1], o[1]] : [o[1], i[1]];
  if (!(lo <= hi)) return false;
  const fused = clamp(i[0], { min: lo, max: hi });
  return replaceOutput(outer.output(0), fused.output(0), [o[0].node, outer], [fused]);
}

/** Replaces every Minimum/Maximum pair with constant bounds by Clamp; returns how many. */
export function fuseClamp(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => (n.type === 'Minimum' || n.type === 'Maximum') && fuseAt(n)), options);
}
