// Layer-norm fusion: the decomposed normalization
//   d = x − ReduceMean(x, a);  v = ReduceMean(d², a);  n = d / Sqrt(v + ε)
// (d² as Power(d, 2) or d · d; the division also as d · (1 / Sqrt(v + ε)) or d · Power(v + ε, −0.5))
// becomes MVN-6(x, a, normalize_variance, ε inside the root). Scale (· γ) and shift (+ β) that
// follow stay as they are: MVN + Multiply + Add, the form the ONNX frontend emits for
// LayerNormalization.
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { constant } from '../ops/constant.js';
import { mvn } from '../ops/mvn.js';
import {
  boolAttr, commutedOperands, constantIntegers, isScalarNear, normalizedAxes, replaceOutput, sameAxes, scalarFor, singleUse, sourceOf,
  finishPass, rewriteEach, type PassOptions,
} from './pattern.js';

/** [x, axes] when `o` is ReduceMean(x, axes) with kept dims. */
function meanOf(o: Output): [Output, number[]] | undefined {
  const n = o.node;
  if (n.type !== 'ReduceMean' || !boolAttr(n, 'keepDims')) return undefined;
  const x = sourceOf(n, 0);
  const axes = constantIntegers(sourceOf(n, 1));
  const norm = axes && normalizedAxes(axes, x);
  return norm && norm.length > 0 ? [x, norm] : undefined;
}

const isSquareOf = (sq: Output, d: Output): boolean =>
  (sq.node.type === 'Power' && sourceOf(sq.node, 0) === d && isScalarNear(sourceOf(sq.node, 1), 2, 1e-6)) ||
  (sq.node.type === 'Multiply' && sourceOf(sq.node, 0) === d && sourceOf(sq.node, 1) === d);

interface Denominator { varianceEps: Output; reciprocal: boolean; nodes: Node[] }

/** v + ε as Sqrt(v + ε) (reciprocal false) or 1 / Sqrt(v + ε), Power(v + ε, −0.5) (reciprocal true). */
function rootOf(o: Output): Denominator | undefined {
  const n = o.node;
  if (!singleUse(o)) return undefined;
  if (n.type === 'Sqrt') return { varianceEps: sourceOf(n, 0), reciprocal: false, nodes: [n] };
  if (n.type === 'Power' && isScalarNear(sourceOf(n, 1), -0.5, 1e-6)) return { varianceEps: sourceOf(n, 0), reciprocal: true, nodes: [n] };
  if (n.type === 'Divide' && scalarFor(sourceOf(n, 0), sourceOf(n, 1)) === 1) {
    const root = sourceOf(n, 1);
    if (root.node.type !== 'Sqrt' || !singleUse(root)) return undefined;
    return { varianceEps: sourceOf(root.node, 0), reciprocal: true, nodes: [root.node, n] };
  }
  return undefined;
}

interface Normalization { d: Output; denominator: Denominator }

function splitNormalization(n: Node): Normalization | undefined {
  if (n.type === 'Divide') {
    const denominator = rootOf(sourceOf(n, 1));
    return denominator && !denominator.reciprocal ? { d: sourceOf(n, 0), denominator } : undefined;
  }
  const isReciprocal = (d: Output, r: Output): boolean => d.node.type === 'Subtract' && rootOf(r)?.reciprocal === true;
  const ops = commutedOperands(n, 'Multiply', isReciprocal);
  return ops ? { d: ops[0], denominator: rootOf(ops[1])! } : undefined;
}

function fuseAt(n: Node): boolean {
  const norm = splitNormalization(n);
  if (!norm || norm.d.node.type !== 'Subtract') return false;
  const { d, denominator } = norm;
  const [x, meanOut] = [sourceOf(d.node, 0), sourceOf(d.node, 1)];
  const mean = meanOf(meanOut);
  if (!mean || mean[0] !== x || !singleUse(meanOut)) return false;
  const plusEps = commutedOperands(denominator.varianceEps.node, 'Add', (v, e) => (scalarFor(e, v) ?? -1) >= 0);
  if (!plusEps || !singleUse(denominator.varianceEps) || !singleUse(plusEps[0])) return false;
  const [variance, eps] = [plusEps[0], scalarFor(plusEps[1], plusEps[0])!];
  const varMean = meanOf(variance);
  if (!varMean || !sameAxes(varMean[1], mean[1]) || !isSquareOf(varMean[0], d) || !singleUse(varMean[0])) return false;
  // d feeds only the square and the normalization (a d · d square reads it twice).
  const dReads = [...d.targets].every((i) => i.node === n || i.node === varMean[0].node);
  if (!dReads) return false;
  const axes = constant('i64', [mean[1].length], mean[1]);
  const fused = mvn(x, axes, { normalizeVariance: true, eps, epsMode: 'INSIDE_SQRT' });
  const matched = [meanOut.node, d.node, varMean[0].node, variance.node, denominator.varianceEps.node, ...denominator.nodes, n];
  return replaceOutput(n.output(0), fused.output(0), matched, [axes, fused]);
}

/** Replaces every decomposed mean-variance normalization by MVN-6; returns how many. */
export function fuseLayerNorm(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => (n.type === 'Divide' || n.type === 'Multiply') && fuseAt(n)), options);
}
