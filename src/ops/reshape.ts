import { attr } from '../core/attributes.js';
import { Dimension } from '../core/dimension.js';
import { isIntegerType } from '../core/element-type.js';
import { check, defineOp, type OpContext } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { shapeSize, toIntegers, Tensor, type TypedArray } from '../core/tensor.js';
import type { Node } from '../core/node.js';
import { knownIntegers, makeNode, type NodeInput } from './util/shape.js';

/**
 * Resolves Reshape-1's target pattern against a (possibly partial) input shape: 0 copies the
 * input dim when special_zero is set, one -1 takes what is left.
 */
function resolvePattern(input: PartialShape, pattern: number[], specialZero: boolean, ctx: OpContext): PartialShape {
  check(pattern.filter((d) => d === -1).length <= 1, ctx, () => `target shape [${pattern}] has more than one -1`);
  check(pattern.every((d) => d >= -1), ctx, () => `target shape [${pattern}] has a dimension below -1`);
  const dims: Dimension[] = pattern.map((d, i) => {
    if (d === 0 && specialZero) {
      check(!input.isRankStatic() || i < input.rank, ctx, () => `special_zero copies input dim ${i}, but the input ${input.toString()} has rank ${input.isRankStatic() ? input.rank : '?'}`);
      return input.isRankStatic() ? input.dim(i) : Dimension.dynamic();
    }
    return d === -1 ? Dimension.dynamic() : new Dimension(d);
  });
  const minus = pattern.indexOf(-1);
  if (input.isStatic()) {
    const total = shapeSize(input.toShape());
    const known = dims.reduce((a, d, i) => (i === minus ? a : a * d.min), 1);
    if (minus >= 0) {
      check(known !== 0 ? total % known === 0 : total === 0, ctx,
        () => `cannot reshape ${input.toString()} (${total} elements) to [${pattern}]`);
      dims[minus] = new Dimension(known === 0 ? 0 : total / known);
    } else {
      check(known === total, ctx, () => `cannot reshape ${input.toString()} (${total} elements) to [${pattern}] (${known} elements)`);
    }
  }
  return new PartialShape(dims);
}

/** Reshape-1: new shape from a 1-D integer input; no data movement. */
export const Reshape = defineOp({
  type: 'Reshape', version: 'opset1',
  attributes: { specialZero: attr.bool() },
  inputCount: [2, 2],
  valueInputs: [1],
  infer: ([x, target], attrs, ctx) => {
    check(isIntegerType(target!.type), ctx, `target shape must be an integer tensor, got ${target!.type}`);
    check(!target!.shape.isRankStatic() || target!.shape.rank <= 1, ctx, () => `target shape must be 1-D, got ${target!.shape.toString()}`);
    const pattern = knownIntegers(target);
    if (pattern) return [{ type: x!.type, shape: resolvePattern(x!.shape, pattern, attrs.specialZero, ctx) }];
    const len = target!.shape.isStatic() ? target!.shape.toShape()[0] ?? 1 : undefined;
    return [{ type: x!.type, shape: PartialShape.dynamic(len) }];
  },
  evaluate: ([x, target], attrs, ctx) => {
    const shape = resolvePattern(new PartialShape(x!.getShape()), toIntegers(target!), attrs.specialZero, ctx).toShape();
    return [new Tensor(x!.getElementType(), shape, x!.data as TypedArray)];
  },
});

export const reshape = (x: NodeInput, target: NodeInput, specialZero = false, name?: string): Node =>
  makeNode(Reshape, [x, target], { specialZero }, name);
