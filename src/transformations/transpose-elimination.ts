// Transpose and reshape elimination:
//   Transpose(x, identity)                 → x
//   Transpose(Transpose(x, p), q)          → Transpose(x, p∘q), or x when that is the identity
//   Reshape(Reshape|Squeeze|Unsqueeze(x))  → one Reshape(x) (also Squeeze/Unsqueeze outside, static shapes)
//   Reshape|Squeeze|Unsqueeze to the same static shape → x
//   Transpose(f(Transpose(x, p)), q) → Transpose(f(x), p∘q) for an elementwise f with no other
//   tensor operand (unary ops, or a one-element constant one), so transposes around it cancel
import type { Model } from '../core/model.js';
import { Node, type Output } from '../core/node.js';
import { constant } from '../ops/constant.js';
import { reshape } from '../ops/reshape.js';
import { transpose } from '../ops/transpose.js';
import { boolAttr, constantIntegers, forwardOutput, replaceOutput, scalarFor, singleUse, sourceOf, finishPass, rewriteEach, type PassOptions } from './pattern.js';

const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

/** The permutation of a Transpose with a constant order (the empty order reverses the dims). */
function permutationOf(n: Node): number[] | undefined {
  if (n.type !== 'Transpose') return undefined;
  const order = constantIntegers(sourceOf(n, 1));
  const data = sourceOf(n, 0);
  if (!order) return undefined;
  if (order.length > 0) return order;
  if (!data.partialShape.isRankStatic()) return undefined;
  const r = data.partialShape.rank;
  return Array.from({ length: r }, (_, i) => r - 1 - i);
}

const UNARY = new Set([
  'Abs', 'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Erf', 'Gelu', 'Negative', 'Clamp', 'HSwish', 'HSigmoid',
  'Mish', 'SoftPlus', 'Elu', 'Floor', 'Ceiling', 'Sign', 'Sin', 'Cos', 'Convert',
]);
const BINARY = new Set(['Add', 'Subtract', 'Multiply', 'Divide', 'Maximum', 'Minimum', 'Power']);

/** Whether `n` applies elementwise to input 0 alone: a unary op or one with one-element constant operands. */
function isElementwiseOnData(n: Node): boolean {
  if (UNARY.has(n.type)) return n.inputs.length === 1;
  if (n.type === 'Swish' || BINARY.has(n.type)) {
    return n.inputs.slice(1).every((i) => scalarFor(i.getSourceOutput(), sourceOf(n, 0)) !== undefined);
  }
  return false;
}

/** Transpose(f(Transpose(x, p)), q) → Transpose(f(x), p∘q), or f(x) when p∘q is the identity. */
function sinkThroughElementwise(n: Node, perm: readonly number[]): boolean {
  const f = sourceOf(n, 0).node;
  if (!isElementwiseOnData(f) || !singleUse(f.output(0))) return false;
  const inner = sourceOf(f, 0).node;
  const first = permutationOf(inner);
  if (!first || first.length !== perm.length) return false;
  const x = sourceOf(inner, 0);
  const moved = new Node(f.op, [x, ...f.inputs.slice(1).map((i) => i.getSourceOutput())], f.attrs, f.friendlyName);
  moved.rtInfo = structuredClone(f.rtInfo);
  const composed = perm.map((p) => first[p]!);
  if (isIdentity(composed)) return replaceOutput(n.output(0), moved.output(0), [inner, f, n], [moved]);
  const order = constant('i64', [composed.length], composed);
  const merged = transpose(moved, order);
  return replaceOutput(n.output(0), merged.output(0), [inner, f, n], [moved, order, merged]);
}

function simplifyTranspose(n: Node): boolean {
  const perm = permutationOf(n);
  if (!perm) return false;
  if (isIdentity(perm)) return forwardOutput(n.output(0), sourceOf(n, 0));
  const inner = sourceOf(n, 0).node;
  if (inner.type !== 'Transpose') return sinkThroughElementwise(n, perm);
  const first = permutationOf(inner);
  if (!first || first.length !== perm.length) return false;
  // Output dim i of the outer is its input dim perm[i], which is x's dim first[perm[i]].
  const composed = perm.map((p) => first[p]!);
  const x = sourceOf(inner, 0);
  if (isIdentity(composed)) return forwardOutput(n.output(0), x);
  const order = constant('i64', [composed.length], composed);
  const merged = transpose(x, order);
  return replaceOutput(n.output(0), merged.output(0), [inner, n], [order, merged]);
}

const RESHAPING = new Set(['Reshape', 'Squeeze', 'Unsqueeze']);

const staticShape = (o: Output): number[] | undefined => (o.partialShape.isStatic() ? o.partialShape.toShape() : undefined);

/** A target for Reshape(x) that reproduces `n`'s output without depending on its input's dims. */
function standaloneTarget(n: Node): number[] | undefined {
  const out = staticShape(n.output(0));
  if (out) return out;
  if (n.type !== 'Reshape') return undefined;
  const target = constantIntegers(sourceOf(n, 1));
  // With special_zero a 0 copies the input's dim, which changes once the input is bypassed.
  if (!target || (boolAttr(n, 'specialZero') && target.includes(0))) return undefined;
  return target;
}

function simplifyReshape(n: Node): boolean {
  const x = sourceOf(n, 0);
  const [inShape, outShape] = [staticShape(x), staticShape(n.output(0))];
  if (inShape && outShape && inShape.join() === outShape.join()) return forwardOutput(n.output(0), x);
  if (!RESHAPING.has(x.node.type)) return false;
  const target = standaloneTarget(n);
  if (!target) return false;
  const source = sourceOf(x.node, 0);
  const sourceShape = staticShape(source);
  if (sourceShape && outShape && sourceShape.join() === outShape.join()) return forwardOutput(n.output(0), source);
  const targetNode = constant('i64', [target.length], target);
  const merged = reshape(source, targetNode, false);
  return replaceOutput(n.output(0), merged.output(0), [x.node, n], [targetNode, merged]);
}

/** Removes identity and back-to-back transposes and reshapes; returns how many rewrites. */
export function eliminateTransposes(model: Model, options: PassOptions = {}): number {
  return finishPass(model, rewriteEach(model, (n) => n.type === 'Transpose' ? simplifyTranspose(n) : RESHAPING.has(n.type) && simplifyReshape(n)), options);
}
