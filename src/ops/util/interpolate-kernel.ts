import { shapeSize, tensorFromNumbers, toNumbers, type Tensor } from '../../core/tensor.js';
import { stridesOf } from './shape.js';
import { forEachIndex } from './window.js';

export type CoordinateTransform = 'half_pixel' | 'pytorch_half_pixel' | 'asymmetric' | 'tf_half_pixel_for_nn' | 'align_corners';
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';

export interface InterpolateSetup {
  mode: 'nearest' | 'linear' | 'linear_onnx' | 'cubic';
  coordinateTransformationMode: CoordinateTransform;
  nearestMode: NearestMode;
  antialias: boolean;
  cubeCoeff: number;
  /** Axes being resized, and for each the scale the coordinate transform divides by. */
  axes: number[];
  scales: number[];
  outShape: number[];
}

/** Maps an output coordinate to the input axis (OpenVINO's coordinate_transformation_mode). */
/** The source coordinate of output index x along one axis (OpenVINO's coordinate_transformation_mode). */
export function sourceCoordinate(mode: CoordinateTransform, x: number, scale: number, outLen: number, inLen: number): number {
  switch (mode) {
    case 'half_pixel': return (x + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outLen > 1 ? (x + 0.5) / scale - 0.5 : 0;
    case 'asymmetric': return x / scale;
    case 'tf_half_pixel_for_nn': return (x + 0.5) / scale;
    case 'align_corners': return outLen === 1 ? 0 : (x * (inLen - 1)) / (outLen - 1);
  }
}

/** The source index nearest_mode picks for coordinate x. */
export function nearestIndex(mode: NearestMode, x: number, downsample: boolean): number {
  switch (mode) {
    case 'round_prefer_floor': return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil': return Math.round(x);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'simple': return downsample ? Math.ceil(x) : Math.trunc(x);
  }
}

/** Keys' cubic convolution weights for the 4 taps around a fractional offset `s` with parameter a. */
function cubicCoeffs(s: number, a: number): number[] {
  const t = Math.abs(s);
  return [
    a * (t - 1) * (t - 1) * t,
    ((a + 2) * t - (a + 3)) * t * t + 1,
    ((-a - 2) * t + (2 * a + 3)) * t * t - a * t,
    -a * t * t * (t - 1),
  ];
}

/** Resizes an already padded tensor following the Interpolate-4 specification's formulas. */
export function interpolateKernel(x: Tensor, s: InterpolateSetup): Tensor {
  const inShape = x.getShape();
  const v = toNumbers(x);
  const inStr = stridesOf(inShape);
  const out = new Float64Array(shapeSize(s.outShape));
  const clip = (c: number, axis: number): number => Math.max(0, Math.min(c, inShape[axis]! - 1));
  const coord = (o: number[], i: number): number => sourceCoordinate(s.coordinateTransformationMode, o[s.axes[i]!]!, s.scales[i]!, s.outShape[s.axes[i]!]!, inShape[s.axes[i]!]!);
  const offsetOf = (idx: number[]): number => idx.reduce((acc, c, d) => acc + c * inStr[d]!, 0);
  const n = s.axes.length;
  let o = 0;
  forEachIndex(s.outShape, (oi) => {
    const base = [...oi];
    if (s.mode === 'nearest') {
      s.axes.forEach((axis, i) => { base[axis] = clip(nearestIndex(s.nearestMode, coord(oi, i), s.scales[i]! < 1), axis); });
      out[o++] = v[offsetOf(base)]!;
      return;
    }
    if (s.mode === 'linear_onnx') {
      // Two taps per axis; a coordinate clamped onto the border takes both at half weight.
      const taps = s.axes.map((axis, i) => {
        const c = clip(coord(oi, i), axis);
        const i1 = clip(Math.trunc(c), axis), i2 = Math.min(i1 + 1, inShape[axis]! - 1);
        return i1 === i2 ? { i1, i2, w1: 0.5, w2: 0.5 } : { i1, i2, w1: Math.abs(c - i2), w2: Math.abs(c - i1) };
      });
      let acc = 0;
      forEachIndex(new Array<number>(n).fill(2), (corner) => {
        let w = 1;
        s.axes.forEach((axis, i) => {
          const t = taps[i]!;
          base[axis] = corner[i] ? t.i2 : t.i1;
          w *= corner[i] ? t.w2 : t.w1;
        });
        acc += w * v[offsetOf(base)]!;
      });
      out[o++] = acc;
      return;
    }
    if (s.mode === 'cubic') {
      const starts = s.axes.map((_, i) => Math.floor(coord(oi, i)));
      const coeffs = s.axes.map((_, i) => cubicCoeffs(coord(oi, i) - starts[i]!, s.cubeCoeff));
      let acc = 0;
      forEachIndex(new Array<number>(n).fill(4), (tap) => {
        let w = 1;
        s.axes.forEach((axis, i) => { base[axis] = clip(starts[i]! + tap[i]! - 1, axis); w *= coeffs[i]![tap[i]!]!; });
        acc += w * v[offsetOf(base)]!;
      });
      out[o++] = acc;
      return;
    }
    // linear: triangle filter, widened by 1/scale when antialiasing a downscale.
    const antialias = s.antialias && s.scales.some((sc) => sc < 1);
    const a = s.scales.map((sc) => (antialias ? sc : 1));
    const r = s.scales.map((sc, i) => (sc > 1 ? 2 : Math.ceil(2 / a[i]!)));
    const centers = s.axes.map((_, i) => coord(oi, i));
    let sum = 0, wsum = 0;
    forEachIndex(r.map((ri) => 2 * ri + 1), (k) => {
      let w = 1;
      for (let i = 0; i < n; i++) {
        const axis = s.axes[i]!;
        const p = k[i]! - r[i]! + Math.round(centers[i]!);
        if (p < 0 || p >= inShape[axis]!) return;
        base[axis] = p;
        w *= a[i]! * Math.max(0, 1 - Math.abs(a[i]! * (centers[i]! - p)));
      }
      wsum += w;
      sum += w * v[offsetOf(base)]!;
    });
    out[o++] = wsum === 0 ? 0 : sum / wsum;
  });
  return tensorFromNumbers(x.getElementType(), s.outShape, out);
}

/** Zero-pads every axis by pads_begin/pads_end (already resized to the rank). */
export function padTensor(x: Tensor, begin: readonly number[], end: readonly number[]): Tensor {
  if (begin.every((p) => p === 0) && end.every((p) => p === 0)) return x;
  const shape = x.getShape();
  const outShape = shape.map((d, i) => d + begin[i]! + end[i]!);
  const v = toNumbers(x);
  const out = new Float64Array(shapeSize(outShape));
  const oStr = stridesOf(outShape);
  let i = 0;
  forEachIndex(shape, (idx) => {
    out[idx.reduce((acc, c, d) => acc + (c + begin[d]!) * oStr[d]!, 0)] = v[i++]!;
  });
  return tensorFromNumbers(x.getElementType(), outShape, out);
}
