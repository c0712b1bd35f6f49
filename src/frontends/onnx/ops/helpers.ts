import type { ElementType } from '../../../core/element-type.js';
import type { Output } from '../../../core/node.js';
import { Tensor } from '../../../core/tensor.js';
import { constant } from '../../../ops/constant.js';
import type { NodeContext } from '../translator.js';

/**
 * An i64 1-D constant, the usual form of axes, shapes and pads in core ops; built as BigInts at
 * once (as Tensor would convert them, truncated), which per-element conversion made slow.
 */
export const i64Const = (values: readonly number[]): Output =>
  constant('i64', [values.length], BigInt64Array.from(values, (v) => (Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n))).output(0);

/**
 * `v` with the static shape `dims` when `v` is a Constant: a Constant over the same data, which is
 * what folding a Reshape of it would give, without the Reshape and its shape constant to build and
 * fold. Undefined otherwise.
 */
export function reshapedConstant(v: Output, dims: readonly number[]): Output | undefined {
  if (v.node.type !== 'Constant') return undefined;
  const value = v.node.attrs['value'] as Tensor;
  const size = dims.reduce((a, b) => a * b, 1);
  if (value.getElementType() === 'string' || value.getSize() !== size || dims.some((d) => d < 0)) return undefined;
  return constant(new Tensor(value.getElementType(), dims, value.data as never)).output(0);
}
/** A scalar constant of `type`. */
export const scalarConst = (type: ElementType, value: number): Output => constant(new Tensor(type, [], [value])).output(0);

/**
 * Before opset 7, binary ops broadcast only when `broadcast=1`, aligning B at `axis` of A (the
 * pdpd rule); since opset 7 they follow numpy. Returns the core auto_broadcast to use.
 */
export function legacyBroadcast(ctx: NodeContext): { autoBroadcast: 'numpy' | 'none' | 'pdpd' } {
  if (ctx.opset >= 7) return { autoBroadcast: 'numpy' };
  if (!ctx.int('broadcast', 0)) return { autoBroadcast: 'none' };
  return { autoBroadcast: ctx.has('axis') ? 'pdpd' : 'numpy' };
}
