import { attr } from '../core/attributes.js';
import { parseElementType, type ElementType } from '../core/element-type.js';
import { boundaryOps, check, defineOp } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { Tensor, shapeSize, type TypedArray } from '../core/tensor.js';
import { Node } from '../core/node.js';
import { sameShape } from './util/shape.js';

/**
 * A constant tensor. In IR its bytes live in the .bin at `offset`/`size`; here `value` holds the
 * tensor and the IR reader/writer map between the two.
 */
export const Constant = defineOp({
  type: 'Constant', version: 'opset1',
  attributes: { elementType: attr.type(), shape: attr.ints(), value: attr.internal<Tensor>() },
  inputCount: [0, 0],
  infer: (_i, attrs, ctx) => {
    const v = attrs.value;
    check(v.getElementType() === attrs.elementType, ctx, `value is ${v.getElementType()}, attribute says ${attrs.elementType}`);
    check(shapeSize(attrs.shape) === v.getSize(), ctx, () => `value has ${v.getSize()} elements, shape [${attrs.shape}] needs ${shapeSize(attrs.shape)}`);
    return [{ type: attrs.elementType, shape: new PartialShape(attrs.shape) }];
  },
  // A constant's value may be shared with a reshaped view; hand out one with the declared shape.
  evaluate: (_i, attrs) => [reshaped(attrs.value, attrs.shape)],
  evaluateKnown: (_i, attrs) => [reshaped(attrs.value, attrs.shape)],
});
boundaryOps.constant = Constant;

function reshaped(t: Tensor, shape: number[]): Tensor {
  return sameShape(t.getShape(), shape) ? t : new Tensor(t.getElementType(), shape, t.data as TypedArray);
}

/**
 * `opset.constant(tensor)` or `opset.constant('f32', [2, 2], [1, 2, 3, 4])`; a plain number or
 * array becomes an f32 (or given type) constant.
 */
export function constant(value: Tensor): Node;
export function constant(type: ElementType | string, shape: readonly number[], values: TypedArray | readonly (number | bigint | boolean | string)[], name?: string): Node;
export function constant(
  a: Tensor | ElementType | string, shape?: readonly number[],
  values?: TypedArray | readonly (number | bigint | boolean | string)[], name?: string,
): Node {
  const t = a instanceof Tensor ? a : new Tensor(parseElementType(a), shape ?? [], values);
  return new Node(Constant, [], { elementType: t.getElementType(), shape: t.getShape(), value: t }, name);
}
