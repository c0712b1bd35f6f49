// Swish fusion: x · Sigmoid(x) → Swish-4(x), x · Sigmoid(β · x) → Swish-4(x, β) for a
// one-element constant β, and x / (1 + Exp(−x)) → Swish-4(x).
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { swish } from '../ops/swish.js';
import { commutedOperands, replaceOutput, scalarConstantLike, scalarFor, singleUse, sourceOf, finishPass, rewriteEach, type PassOptions } from './pattern.js';

interface SwishMatch { x: Output; sigmoid: Node; beta?: { value: number; node: Node } }

/** The Swish parts when `s` is Sigmoid(x) or Sigmoid(β · x), read only by the product. */
function matchSigmoid(s: Output, x: Output): SwishMatch | undefined {
  if (s.node.type !== 'Sigmoid' || !singleUse(s)) return undefined;
  const arg = sourceOf(s.node, 0);
  if (arg === x) return { x, sigmoid: s.node };
  const scaled = commutedOperands(arg.node, 'Multiply', (v, b) => v === x && scalarFor(b, x) !== undefined);
  if (!scaled || !singleUse(arg)) return undefined;
  return { x, sigmoid: s.node, beta: { value: scalarFor(scaled[1], x)!, node: arg.node } };
}

function fuseAt(mul: Node): boolean {
  const ops = commutedOperands(mul, 'Multiply', (x, s) => matchSigmoid(s, x) !== undefined);
  if (!ops) return false;
  const { x, sigmoid, beta } = matchSigmoid(ops[1], ops[0])!;
  // Swish takes β as a scalar of the data type, whatever shape the exporter gave the constant.
  const betaNode = beta && scalarConstantLike(beta.value, x);
  const fused = swish(x, betaNode);
  const matched = beta ? [beta.node, sigmoid, mul] : [sigmoid, mul];
  return replaceOutput(mul.output(0), fused.output(0), matched, betaNode ? [betaNode, fused] : [fused]);
}

/** x / (1 + Exp(Negative(x))) → Swish(x). */
function fuseDivisionAt(div: Node): boolean {
  const [x, denominator] = [sourceOf(div, 0), sourceOf(div, 1)];
  if (!singleUse(denominator)) return false;
  const sum = commutedOperands(denominator.node, 'Add', (e, one) => e.node.type === 'Exp' && scalarFor(one, x) === 1);
  if (!sum || !singleUse(sum[0])) return false;
  const negated = sourceOf(sum[0].node, 0);
  if (negated.node.type !== 'Negative' || sourceOf(negated.node, 0) !== x || !singleUse(negated)) return false;
  const fused = swish(x);
  return replaceOutput(div.output(0), fused.output(0), [negated.node, sum[0].node, denominator.node, div], [fused]);
}

/** Replaces every x · Sigmoid(x) (or Sigmoid(β · x)) by Swish-4; returns how many. */
export function fuseSwish(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => n.type === 'Multiply' ? fuseAt(n) : n.type === 'Divide' && fuseDivisionAt(n)), options);
}
