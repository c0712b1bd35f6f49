import type { Node, Output } from '../../core/node.js';
import { toIntegers, toNumbers } from '../../core/tensor.js';
import { sourceCoordinate, nearestIndex, type CoordinateTransform, type NearestMode } from '../../ops/util/interpolate-kernel.js';
import type { NativeLowering } from './lower-ops.js';

/**
 * Interpolate-4/11 as oneDNN resampling. oneDNN reads source coordinate (o + 0.5)·in/out − 0.5 on
 * every spatial axis (clamped at the borders): linear interpolates between the two neighbours,
 * nearest rounds to one. An Interpolate is lowered only when, axis by axis, its own coordinate
 * transform (and nearest mode) picks the same source points for every output index, so the
 * results are the reference's; any other setting stays in JavaScript.
 */

const inputOf = (node: Node, i: number): Output => node.inputs[i]!.getSourceOutput();

/** oneDNN's source coordinate for output index o. */
const onednnCoordinate = (o: number, inLen: number, outLen: number): number => ((o + 0.5) * inLen) / outLen - 0.5;

const clip = (c: number, len: number): number => Math.max(0, Math.min(c, len - 1));

/** Whether the axis resamples identically under oneDNN and under Interpolate's attributes. */
function sameAxis(mode: 'nearest' | 'linear', inLen: number, outLen: number, scale: number, transform: CoordinateTransform,
  nearest: NearestMode): boolean {
  if (inLen === outLen && scale === 1) return true;
  for (let o = 0; o < outLen; o++) {
    const ours = sourceCoordinate(transform, o, scale, outLen, inLen);
    const theirs = onednnCoordinate(o, inLen, outLen);
    if (mode === 'linear') {
      if (Math.abs(clip(ours, inLen) - clip(theirs, inLen)) > 1e-5) return false;
    } else {
      // oneDNN's nearest is exact only for whole upscaling factors, where it picks floor(o / factor).
      if (outLen % inLen !== 0) return false;
      if (clip(nearestIndex(nearest, ours, scale < 1), inLen) !== Math.floor(o / (outLen / inLen))) return false;
    }
  }
  return true;
}

export const lowerInterpolate: NativeLowering = (node, l) => {
  const a = node.attrs;
  const mode = a['mode'] === 'nearest' ? 'nearest' : a['mode'] === 'linear_onnx' || a['mode'] === 'linear' ? 'linear' : undefined;
  if (!mode || a['antialias'] === true) return false;
  const pads = [...((a['padsBegin'] as number[] | undefined) ?? []), ...((a['padsEnd'] as number[] | undefined) ?? [])];
  if (pads.some((p) => p !== 0)) return false;
  const x = inputOf(node, 0);
  const xs = x.getShape(), ys = node.output(0).getShape();
  const rank = xs.length;
  if (rank < 3 || rank > 5 || ys.length !== rank || xs[0] !== ys[0] || xs[1] !== ys[1]) return false;
  // The scale each axis's coordinate transform uses: out/in for sizes, the given value for scales.
  // Interpolate-4 takes (data, sizes, scales, axes); Interpolate-11 (data, scales or sizes, axes).
  const v4 = node.op.version === 'opset4';
  const axesInput = v4 ? 3 : 2;
  const axesTensor = node.inputs.length > axesInput ? l.constOf(inputOf(node, axesInput)) : undefined;
  if (node.inputs.length > axesInput && !axesTensor) return false;
  const axes = axesTensor ? toIntegers(axesTensor).map((ax) => (ax < 0 ? ax + rank : ax)) : xs.map((_, i) => i);
  const scales = ys.map((d, i) => d / xs[i]!);
  if (a['shapeCalculationMode'] === 'scales') {
    const t = l.constOf(inputOf(node, v4 ? 2 : 1));
    if (!t) return false;
    const given = Array.from(toNumbers(t), Number);
    axes.forEach((ax, i) => { scales[ax] = given[i]!; });
  }
  const transform = (a['coordinateTransformationMode'] ?? 'half_pixel') as CoordinateTransform;
  const nearest = (a['nearestMode'] ?? 'round_prefer_floor') as NearestMode;
  for (let i = 2; i < rank; i++) {
    if (!sameAxis(mode, xs[i]!, ys[i]!, scales[i]!, transform, nearest)) return false;
  }
  const src = l.slotOf(x);
  if (src === undefined) return false;
  l.emit({ kind: 'resample', src, dst: l.newSlot(ys), algorithm: mode }, node, node.output(0));
  return true;
};
