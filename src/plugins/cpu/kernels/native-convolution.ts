import type { Node } from '../../../core/node.js';
import { Tensor } from '../../../core/tensor.js';
import type { KernelOverride } from '../../../ops/evaluate.js';
import { PAD_TYPES, resolvePads, type PadType } from '../../../ops/util/window.js';
import type { ConvGeometry, NativeAddon, PackedWeights } from '../native.js';
import { f32Data, intsAttr, isConstantInput, stringAttr } from './native-util.js';

/**
 * Constant weights packed into the primitive's layout once per node (and geometry: a dynamic input
 * shape may change it); weights computed at run time are reordered on every call instead.
 */
const packed = new WeakMap<Node, { key: string; weights: PackedWeights }>();

const isPadType = (s: string | undefined): s is PadType => PAD_TYPES.some((p) => p === s);

/** Resolved geometry for f32 1-3-D (grouped) convolution, or undefined for what oneDNN should not see. */
export function convGeometry(node: Node, xs: readonly number[], ws: readonly number[]): ConvGeometry | undefined {
  const spatial = xs.length - 2;
  const grouped = node.type === 'GroupConvolution';
  if (spatial < 1 || spatial > 3 || ws.length !== xs.length + (grouped ? 1 : 0)) return undefined;
  const strides = intsAttr(node, 'strides'), dilations = intsAttr(node, 'dilations');
  const padsBegin = intsAttr(node, 'padsBegin'), padsEnd = intsAttr(node, 'padsEnd');
  const autoPad = stringAttr(node, 'autoPad') ?? 'explicit';
  if (!strides || !dilations || !padsBegin || !padsEnd || !isPadType(autoPad)) return undefined;
  if (![strides, dilations, padsBegin, padsEnd].every((a) => a.length === spatial)) return undefined;
  const kernel = ws.slice(-spatial);
  const inSpatial = xs.slice(2);
  const dk = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  const { begin, end } = resolvePads(autoPad, inSpatial, dk, strides, padsBegin, padsEnd);
  const outSpatial = inSpatial.map((s, i) => Math.floor((s + begin[i]! + end[i]! - dk[i]!) / strides[i]!) + 1);
  if (outSpatial.some((o) => o <= 0)) return undefined;
  const cout = grouped ? ws[0]! * ws[1]! : ws[0]!;
  const cinPerGroup = grouped ? ws[2]! * ws[0]! : ws[1]!;
  if (cinPerGroup !== xs[1]) return undefined; // the reference kernel reports the mismatch
  return { x: [...xs], w: [...ws], y: [xs[0]!, cout, ...outSpatial], strides, dilations, padsBegin: begin, padsEnd: end };
}

function weightsFor(addon: NativeAddon, node: Node, w: Float32Array, g: ConvGeometry): Float32Array | PackedWeights {
  if (!isConstantInput(node, 1)) return w;
  const key = JSON.stringify(g);
  const hit = packed.get(node);
  if (hit?.key === key) return hit.weights;
  const weights = addon.packConvWeights(w, g);
  if (weights === false) return w;
  packed.set(node, { key, weights });
  return weights;
}

/** Convolution-1 and GroupConvolution-1 on oneDNN (f32, 1-3 spatial axes). */
export const nativeConvolution = (addon: NativeAddon): KernelOverride => (node, [x, w]) => {
  const xd = f32Data(x), wd = f32Data(w);
  if (!xd || !wd) return undefined;
  const g = convGeometry(node, x!.getShape(), w!.getShape());
  if (!g) return undefined;
  const out = new Tensor('f32', g.y);
  const outData = f32Data(out)!;
  return addon.convolution(xd, weightsFor(addon, node, wd, g), outData, g) ? [out] : undefined;
};
