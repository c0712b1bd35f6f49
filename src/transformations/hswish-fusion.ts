// HSwish and HSigmoid fusion, with ReLU6(y) written as Clamp(y, 0, 6), Minimum(Relu(y), 6) or
// Minimum(Maximum(y, 0), 6):
//   ReLU6(x + 3) / 6  (or · 1/6)          → HSigmoid-5(x)
//   x · ReLU6(x + 3) / 6  (any grouping)   → HSwish-4(x)
//   x · HSigmoid(x)                        → HSwish-4(x)
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { hSigmoid } from '../ops/h-sigmoid.js';
import { hSwish } from '../ops/h-swish.js';
import { commutedOperands, numberAttr, replaceOutput, scalarFor, singleUse, soleConsumer, sourceOf, finishPass, rewriteEach, type PassOptions } from './pattern.js';

/** [y, nodes] when `o` is ReLU6(y) in one of its three spellings. */
function relu6Input(o: Output): [Output, Node[]] | undefined {
  const n = o.node;
  if (n.type === 'Clamp') {
    return numberAttr(n, 'min') === 0 && numberAttr(n, 'max') === 6 ? [sourceOf(n, 0), [n]] : undefined;
  }
  const capped = commutedOperands(n, 'Minimum', (v, c) => scalarFor(c, v) === 6);
  if (!capped || !singleUse(capped[0])) return undefined;
  const inner = capped[0].node;
  if (inner.type === 'Relu') return [sourceOf(inner, 0), [inner, n]];
  const floored = commutedOperands(inner, 'Maximum', (v, c) => scalarFor(c, v) === 0);
  return floored ? [floored[0], [inner, n]] : undefined;
}

/** [x, nodes] when `o` is ReLU6(x + 3). */
function hardGate(o: Output): [Output, Node[]] | undefined {
  const relu6 = relu6Input(o);
  if (!relu6 || !singleUse(relu6[0])) return undefined;
  const shifted = commutedOperands(relu6[0].node, 'Add', (v, c) => scalarFor(c, v) === 3);
  return shifted ? [shifted[0], [relu6[0].node, ...relu6[1]]] : undefined;
}

/** Whether `n` divides `v` by 6 or multiplies it by 1/6. */
function isSixth(n: Node, v: Output): boolean {
  if (n.type === 'Divide') return sourceOf(n, 0) === v && scalarFor(sourceOf(n, 1), v) === 6;
  // 1/6 rounds differently in f16 and f32 constants: compare with a relative tolerance.
  return commutedOperands(n, 'Multiply', (a, c) => a === v && Math.abs((scalarFor(c, v) ?? 0) * 6 - 1) < 1e-3) !== undefined;
}

/** x · g where g is `gate`, matched from `gate`'s single consumer. */
function timesX(gate: Output, x: Output): Node | undefined {
  const next = soleConsumer(gate);
  return next && commutedOperands(next, 'Multiply', (a, b) => a === x && b === gate) ? next : undefined;
}

/** Fuses the HSwish or HSigmoid rooted at the ReLU6 output `relu6`; returns the fused op's type. */
function fuseAt(relu6: Output): 'HSwish' | 'HSigmoid' | undefined {
  const gate = hardGate(relu6);
  if (!gate || !singleUse(relu6)) return undefined;
  const [x, nodes] = gate;
  const next = soleConsumer(relu6)!;
  if (isSixth(next, relu6)) {
    const product = singleUse(next.output(0)) ? timesX(next.output(0), x) : undefined;
    const root = product ?? next;
    const fused = product ? hSwish(x) : hSigmoid(x);
    const matched = product ? [...nodes, next, product] : [...nodes, next];
    return replaceOutput(root.output(0), fused.output(0), matched, [fused]) ? fused.type === 'HSwish' ? 'HSwish' : 'HSigmoid' : undefined;
  }
  const product = timesX(relu6, x);
  if (!product || !singleUse(product.output(0))) return undefined;
  const scaled = soleConsumer(product.output(0))!;
  if (!isSixth(scaled, product.output(0))) return undefined;
  const fused = hSwish(x);
  return replaceOutput(scaled.output(0), fused.output(0), [...nodes, product, scaled], [fused]) ? 'HSwish' : undefined;
}

/** x · HSigmoid(x) → HSwish(x). */
function fuseHSigmoidProduct(hsig: Node): boolean {
  const x = sourceOf(hsig, 0);
  if (!singleUse(hsig.output(0))) return false;
  const product = timesX(hsig.output(0), x);
  if (!product) return false;
  const fused = hSwish(x);
  return replaceOutput(product.output(0), fused.output(0), [hsig, product], [fused]);
}

const RELU6_ENDS = new Set(['Clamp', 'Minimum']);

/** Replaces hard-sigmoid and hard-swish decompositions; returns how many of each. */
export function fuseHSwish(model: Model, options: PassOptions = {}): { hSwish: number; hSigmoid: number } {
  const counts = { hSwish: 0, hSigmoid: 0 };
  rewriteEach(model, (n) => {
    const fused = RELU6_ENDS.has(n.type) ? fuseAt(n.output(0)) : undefined;
    if (fused === 'HSwish') counts.hSwish++;
    else if (fused === 'HSigmoid') counts.hSigmoid++;
    return fused !== undefined;
  });
  counts.hSwish += rewriteEach(model, (n) => n.type === 'HSigmoid' && fuseHSigmoidProduct(n));
  finishPass(model, counts.hSwish + counts.hSigmoid, options);
  return counts;
}
