// Softmax fusion: Exp(x − ReduceMax(x, a)) / ReduceSum(·, a) along one axis a (kept dims) → Softmax-8.
// The unshifted Exp(x) / ReduceSum(Exp(x), a) is the same function and fuses too.
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { softmax } from '../ops/softmax.js';
import { boolAttr, constantIntegers, normalizedAxes, replaceOutput, sameAxes, singleUse, sourceOf, finishPass, rewriteEach, type PassOptions } from './pattern.js';

/** The single normalized axis of a keep-dims reduction of `data`, or undefined. */
function reductionAxis(reduce: Node, type: string, data: Output): number | undefined {
  if (reduce.type !== type || sourceOf(reduce, 0) !== data || !boolAttr(reduce, 'keepDims')) return undefined;
  const axes = constantIntegers(sourceOf(reduce, 1));
  const norm = axes && normalizedAxes(axes, data);
  return norm?.length === 1 ? norm[0] : undefined;
}

function fuseAt(div: Node): boolean {
  const [e, sum] = [sourceOf(div, 0), sourceOf(div, 1)];
  if (e.node.type !== 'Exp' || e.targets.size !== 2) return false;
  const axis = reductionAxis(sum.node, 'ReduceSum', e);
  if (axis === undefined || !singleUse(sum)) return false;
  const arg = sourceOf(e.node, 0);
  let x = arg;
  const matched: Node[] = [e.node, sum.node, div];
  if (arg.node.type === 'Subtract' && singleUse(arg)) {
    const [data, max] = [sourceOf(arg.node, 0), sourceOf(arg.node, 1)];
    if (sameAxes([reductionAxis(max.node, 'ReduceMax', data) ?? -1], [axis]) && singleUse(max)) {
      x = data;
      matched.unshift(max.node, arg.node);
    }
  }
  const fused = softmax(x, axis);
  return replaceOutput(div.output(0), fused.output(0), matched, [fused]);
}

/** Replaces every matched softmax decomposition by Softmax-8; returns how many. */
export function fuseSoftmax(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => n.type === 'Divide' && fuseAt(n)), options);
}
