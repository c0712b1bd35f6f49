import { toNumbers, type Tensor } from '../core/tensor.js';
import type { Range } from './statistics.js';

/** The four range inputs and levels of one FakeQuantize, as plain data. */
export interface FakeQuantizeParams {
  levels: number;
  /** Shape of each range tensor (weights: one entry per output channel; activations: a scalar). */
  shape: number[];
  inputLow: Float64Array;
  inputHigh: Float64Array;
  outputLow: Float64Array;
  outputHigh: Float64Array;
}

/** 'performance': symmetric activations; 'mixed': asymmetric activations (weights symmetric in both). */
export type Preset = 'performance' | 'mixed';

/** Maximum of |value| over `axes`, keeping those axes as size 1 (a per-channel reduction). */
export function reduceAbsMax(t: Tensor, axes: readonly number[]): { data: Float64Array; shape: number[] } {
  const shape = t.getShape();
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Float64Array(kept.reduce((a, b) => a * b, 1));
  const values = toNumbers(t);
  forEachReducedIndex(shape, kept, (i, r) => {
    const a = Math.abs(values[i]!);
    if (a > out[r]!) out[r] = a;
  });
  return { data: out, shape: kept };
}

/** Calls fn(flat index, index into the reduced shape) for every element of `shape`, in order. */
export function forEachReducedIndex(shape: readonly number[], reduced: readonly number[], fn: (i: number, r: number) => void): void {
  const rank = shape.length;
  const rStride = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) { rStride[d] = reduced[d] === 1 ? 0 : acc; acc *= reduced[d]!; }
  const total = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(rank).fill(0);
  let r = 0;
  for (let i = 0; i < total; i++) {
    fn(i, r);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      r += rStride[d]!;
      if (idx[d]! < shape[d]!) break;
      r -= rStride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Per-output-channel symmetric int8 weights as NNCF writes them: 255 levels (the narrow range
 * −127..127, so the zero point is exact and the product never needs −128), [−max|w|, max|w|].
 * With `sevenBit` (NNCF's overflow fix) 127 levels, −63..63: without an int8 dot product (VNNI),
 * CPUs sum u8·s8 pairs in 16 bits, which 8-bit weights can saturate and 7-bit ones cannot.
 */
export function weightQuantizer(value: Tensor, reductionAxes: readonly number[], sevenBit = false): FakeQuantizeParams {
  const { data, shape } = reduceAbsMax(value, reductionAxes);
  const low = data.map((m) => -m);
  return { levels: sevenBit ? 127 : 255, shape, inputLow: low, inputHigh: data, outputLow: low.slice(), outputHigh: data.slice() };
}

/**
 * A per-tensor 8-bit activation quantizer (256 levels) from an observed range:
 * - symmetric, non-negative data (after ReLU): [0, max], unsigned;
 * - symmetric, signed data: [−max·128/127, max], so the grid is −128..127 with zero exact;
 * - asymmetric: [min, max] widened to hold 0 and shifted so 0 falls on a level (an integer zero point).
 */
export function activationQuantizer(range: Range, symmetric: boolean): FakeQuantizeParams {
  let lo = Math.min(range.low, 0), hi = Math.max(range.high, 0);
  if (symmetric) {
    if (lo < 0) {
      hi = Math.max(-lo, hi);
      lo = (-hi * 128) / 127;
    }
  } else if (hi > lo) {
    const scale = (hi - lo) / 255;
    const zeroPoint = Math.round(-lo / scale);
    lo = -zeroPoint * scale;
    hi = lo + 255 * scale;
  }
  const one = (v: number): Float64Array => Float64Array.of(v);
  return { levels: 256, shape: [], inputLow: one(lo), inputHigh: one(hi), outputLow: one(lo), outputHigh: one(hi) };
}
