import type { Output } from '../../../core/node.js';
import { opset } from '../../../ops/index.js';
import type { PadType } from '../../../ops/util/window.js';
import type { NodeContext } from '../translator.js';
import { i64Const, reshapedConstant } from './helpers.js';

/** The sliding-window attributes shared by Conv, ConvTranspose and the pools, filled to `n` axes. */
export interface OnnxWindow {
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  autoPad: PadType;
}

const AUTO_PAD: Readonly<Record<string, PadType>> = {
  NOTSET: 'explicit', SAME_UPPER: 'same_upper', SAME_LOWER: 'same_lower', VALID: 'valid',
};

/** Rank of an output, or undefined when dynamic. */
export const rankOf = (x: Output): number | undefined => (x.partialShape.isRankStatic() ? x.partialShape.rank : undefined);

/** Static dims of an output, or undefined unless every dim is static. */
export const staticShape = (x: Output): number[] | undefined => (x.partialShape.isStatic() ? x.partialShape.toShape() : undefined);

/** Static spatial dims (from axis 2), or undefined when any is dynamic. */
export function staticSpatial(x: Output): number[] | undefined {
  const s = x.partialShape;
  if (!s.isRankStatic()) return undefined;
  const dims = s.getDimensions().slice(2);
  return dims.every((d) => d.isStatic()) ? dims.map((d) => d.min) : undefined;
}

/**
 * Number of spatial axes: kernel_shape's length when given, else the data's rank − 2, else the
 * weights' rank − 2 (ONNX allows kernel_shape to be left out when weights carry it).
 */
export function spatialCount(ctx: NodeContext, data: Output, weights?: Output): number {
  if (ctx.has('kernel_shape')) return ctx.intList('kernel_shape').length;
  const r = rankOf(data) ?? (weights ? rankOf(weights) : undefined);
  if (r === undefined) return ctx.unsupported('inputs of dynamic rank without kernel_shape');
  if (r < 3) return ctx.invalid(`input must have rank ≥ 3, got ${r}`);
  return r - 2;
}

/** Reads strides, dilations, pads and auto_pad for `n` spatial axes (ONNX pads: all begins, then all ends). */
export function readWindow(ctx: NodeContext, n: number, withDilations = true): OnnxWindow {
  const ones = new Array<number>(n).fill(1);
  const strides = ctx.intList('strides', ones);
  const dilations = withDilations ? ctx.intList('dilations', ones) : ones;
  const pads = ctx.intList('pads', new Array<number>(2 * n).fill(0));
  const autoPadName = ctx.string('auto_pad', 'NOTSET');
  const autoPad = AUTO_PAD[autoPadName];
  if (!autoPad) return ctx.invalid(`auto_pad "${autoPadName}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  if (strides.length !== n || dilations.length !== n || pads.length !== 2 * n) {
    return ctx.invalid(`strides [${strides}], dilations [${dilations}] and pads [${pads}] do not fit ${n} spatial axes`);
  }
  return { strides, dilations, padsBegin: pads.slice(0, n), padsEnd: pads.slice(n), autoPad };
}

/** A per-channel vector [C] reshaped to [1, C, 1, ...] so it broadcasts over data of `rank`. */
export function perChannel(v: Output, rank: number): Output {
  const ones = new Array<number>(rank - 2).fill(1);
  const size = v.partialShape.isStatic() ? v.partialShape.toShape().reduce((a, b) => a * b, 1) : -1;
  return (size >= 0 ? reshapedConstant(v, [1, size, ...ones]) : undefined) ?? opset.reshape(v, i64Const([1, -1, ...ones])).output(0);
}

/** Spatial axes [2, rank) of data with a static rank (refuses dynamic rank). */
export function spatialAxes(ctx: NodeContext, x: Output): number[] {
  const r = rankOf(x);
  if (r === undefined) return ctx.unsupported('data of dynamic rank');
  return Array.from({ length: Math.max(0, r - 2) }, (_, i) => i + 2);
}

/** Axes [axis, rank) after normalizing a possibly negative axis against a static rank. */
export function trailingAxes(ctx: NodeContext, x: Output, axis: number): number[] {
  const r = rankOf(x);
  if (r === undefined) return ctx.unsupported('data of dynamic rank');
  const a = axis < 0 ? axis + r : axis;
  if (a < 0 || a >= r) return ctx.invalid(`axis ${axis} is out of range for rank ${r}`);
  return Array.from({ length: r - a }, (_, i) => i + a);
}

/** The shape of `x` from index `start` to `end` as a 1-D i64 output (works on dynamic dims). */
export function shapeSlice(x: Output, start: number, end: number): Output {
  return opset.slice(opset.shapeOf(x), [start], [end], [1], [0]).output(0);
}

/** Converts when the type differs (ONNX lets scale/bias/mean differ from the data type). */
export function castTo(x: Output, like: Output): Output {
  return x.elementType === like.elementType ? x : opset.convert(x, like.elementType).output(0);
}
