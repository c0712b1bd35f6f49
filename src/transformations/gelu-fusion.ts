// GELU fusion: the exporters' decompositions of GELU become one Gelu-7.
//   erf:  x · 0.5 · (1 + erf(x / √2))            (also x · 1/√2, and any grouping of the product)
//   tanh: x · 0.5 · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))   (x³ as Power(x, 3) or x·x·x)
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { gelu } from '../ops/gelu.js';
import {
  commutedOperands, findProduct, isScalarNear, productFactors, replaceOutput, scalarFor, singleUse, soleConsumer, sourceOf,
  finishPass, rewriteEach, type PassOptions,
} from './pattern.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** x when `arg` is x / √2 or x · (1/√2). */
function erfArgument(arg: Output): Output | undefined {
  const n = arg.node;
  if (n.type === 'Divide' && isScalarNear(sourceOf(n, 1), Math.SQRT2)) return sourceOf(n, 0);
  return commutedOperands(n, 'Multiply', (_x, c) => isScalarNear(c, Math.SQRT1_2))?.[0];
}

/** Whether `cube` is x³: Power(x, 3), or a Multiply tree of exactly three x factors. */
function isCubeOf(cube: Output, x: Output): boolean {
  const n = cube.node;
  if (n.type === 'Power') return sourceOf(n, 0) === x && isScalarNear(sourceOf(n, 1), 3, 1e-6);
  const tree = productFactors(cube, x);
  return tree !== undefined && tree.scale === 1 && tree.factors.length === 3 && tree.factors.every((f) => f === x);
}

/** x when `arg` is √(2/π) · (x + 0.044715 · x³). */
function tanhArgument(arg: Output): Output | undefined {
  const scaled = commutedOperands(arg.node, 'Multiply', (_s, c) => isScalarNear(c, SQRT_2_OVER_PI));
  if (!scaled || !singleUse(scaled[0])) return undefined;
  const isCubicTerm = (x: Output, term: Output): boolean => singleUse(term) &&
    commutedOperands(term.node, 'Multiply', (cube, c) => isScalarNear(c, 0.044715) && isCubeOf(cube, x)) !== undefined;
  return commutedOperands(scaled[0].node, 'Add', isCubicTerm)?.[0];
}

/** Fuses one GELU whose Erf or Tanh node is `core`; returns whether it did. */
function fuseAt(core: Node): boolean {
  const x = core.type === 'Erf' ? erfArgument(sourceOf(core, 0)) : tanhArgument(sourceOf(core, 0));
  if (!x || !singleUse(core.output(0))) return false;
  const plusOne = soleConsumer(core.output(0));
  if (!plusOne || !commutedOperands(plusOne, 'Add', (e, c) => e === core.output(0) && scalarFor(c, x) === 1)) return false;
  const product = findProduct(plusOne.output(0), [plusOne.output(0), x], 0.5);
  if (!product) return false;
  const fused = gelu(x, core.type === 'Erf' ? 'erf' : 'tanh');
  return replaceOutput(product.root.output(0), fused.output(0), [core, plusOne, ...product.nodes], [fused]);
}

/** Replaces every matched GELU decomposition by Gelu-7; returns how many. */
export function fuseGelu(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => (n.type === 'Erf' || n.type === 'Tanh') && fuseAt(n)), options);
}
