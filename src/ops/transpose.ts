import { check, defineOp, type InputInfo, type OpContext } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { toIntegers, type Tensor } from '../core/tensor.js';
import type { Node } from '../core/node.js';
import { checkIntegerInput, staticLength } from './util/axes.js';
import { remapCoords, stridesOf } from './util/copy.js';
import { intInput, type IntInput } from './util/int-input.js';
import { checkRankAtMost, knownIntegers, makeNode, type NodeInput } from './util/shape.js';

/** The permutation to apply: `order` checked against `rank`, or the reversal when empty. */
function resolveOrder(order: readonly number[], rank: number, ctx: OpContext): number[] {
  if (order.length === 0) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  check(order.length === rank, ctx, () => `input_order [${order}] has ${order.length} entries, expected ${rank} (the data rank)`);
  const seen = new Set(order);
  check(seen.size === rank && order.every((a) => Number.isInteger(a) && a >= 0 && a < rank), ctx,
    `input_order [${order}] is not a permutation of 0..${rank - 1}`);
  return [...order];
}

function transposeShape(data: PartialShape, orderInfo: InputInfo, ctx: OpContext): PartialShape {
  checkIntegerInput(orderInfo, ctx, 'input_order');
  checkRankAtMost(orderInfo, 1, ctx, 'input_order');
  const order = knownIntegers(orderInfo);
  if (!data.isRankStatic()) {
    const n = order ? order.length : staticLength(orderInfo);
    return n ? PartialShape.dynamic(n) : PartialShape.dynamic();
  }
  if (!order) return PartialShape.dynamic(data.rank);
  const dims = data.getDimensions();
  return new PartialShape(resolveOrder(order, data.rank, ctx).map((a) => dims[a]!));
}

/** Transpose-1: permutes dims by the second input; an empty order reverses them. */
export const Transpose = defineOp({
  type: 'Transpose', version: 'opset1',
  attributes: {},
  inputCount: [2, 2],
  valueInputs: [1],
  infer: ([x, order], _a, ctx) => [{ type: x!.type, shape: transposeShape(x!.shape, order!, ctx) }],
  evaluate: ([x, orderT], _a, ctx) => [transposeTensor(x!, resolveOrder(toIntegers(orderT!), x!.getShape().length, ctx))],
});

/** Output dim i is input dim perm[i]. */
export function transposeTensor(x: Tensor, perm: readonly number[]): Tensor {
  const inShape = x.getShape();
  const inStrides = stridesOf(inShape);
  const outShape = perm.map((a) => inShape[a]!);
  const strides = perm.map((a) => inStrides[a]!);
  return remapCoords(x, outShape, (c) => {
    let i = 0;
    for (let d = 0; d < c.length; d++) i += c[d]! * strides[d]!;
    return i;
  });
}

/** `transpose(x, [0, 2, 1])`; `[]` reverses the dims. */
export const transpose = (x: NodeInput, order: IntInput, name?: string): Node =>
  makeNode(Transpose, [x, intInput(order)], {}, name);

