import { InputError } from '../core/errors.js';
import { toNumbers, type Tensor } from '../core/tensor.js';

/**
 * How an activation's range is estimated over the calibration samples:
 * - 'minmax': the smallest minimum and largest maximum seen;
 * - 'mean_minmax': the mean over samples of each sample's minimum and maximum (robust to one outlier sample);
 * - 'percentile': the mean over samples of each sample's low and high percentiles.
 */
export type RangeEstimator = 'minmax' | 'mean_minmax' | 'percentile';
export const RANGE_ESTIMATORS: readonly RangeEstimator[] = ['minmax', 'mean_minmax', 'percentile'];

/** What to gather for one tensor. */
export interface StatisticsSpec {
  range?: { estimator: RangeEstimator; percentile?: number };
  /** Axis (negative counts from the end) for per-channel means and absolute maxima. */
  channelAxis?: number;
  channelMean?: boolean;
  channelAbsMax?: boolean;
}

export interface Range { low: number; high: number }

/** Running statistics of one tensor across calibration samples; holds no sample data. */
export class TensorStatistics {
  private samples = 0;
  private low = Infinity;
  private high = -Infinity;
  private sumLow = 0;
  private sumHigh = 0;
  private meanSum: Float64Array | undefined;
  private meanCount = 0;
  private absMax: Float64Array | undefined;
  /** The shape of the last sample (bias correction feeds a tensor of this shape). */
  lastShape: number[] = [];

  constructor(readonly spec: StatisticsSpec) {
    const p = spec.range?.percentile;
    if (p !== undefined && !(p > 50 && p <= 100)) throw new InputError(`percentile must be in (50, 100], got ${p}`);
  }

  update(t: Tensor): void {
    const values = toNumbers(t);
    this.samples++;
    this.lastShape = t.getShape();
    if (this.spec.range) this.updateRange(values);
    if (this.spec.channelMean || this.spec.channelAbsMax) this.updateChannels(values, t.getShape());
  }

  private updateRange(values: ArrayLike<number>): void {
    const estimator = this.spec.range!.estimator;
    let lo: number, hi: number;
    if (estimator === 'percentile') [lo, hi] = percentiles(values, this.spec.range!.percentile ?? 99.99);
    else [lo, hi] = extremes(values);
    this.low = Math.min(this.low, lo);
    this.high = Math.max(this.high, hi);
    this.sumLow += lo;
    this.sumHigh += hi;
  }

  private updateChannels(values: ArrayLike<number>, shape: number[]): void {
    const rank = shape.length;
    const axisSpec = this.spec.channelAxis ?? 1;
    const axis = axisSpec < 0 ? axisSpec + rank : axisSpec;
    if (axis < 0 || axis >= rank) throw new InputError(`channel axis ${axisSpec} is out of range for a tensor of shape [${shape.join(',')}]`);
    const channels = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    if (this.spec.channelMean) {
      if (!this.meanSum) this.meanSum = new Float64Array(channels);
      if (this.meanSum.length !== channels) throw new InputError(`channel count changed between samples: ${this.meanSum.length} then ${channels}`);
      for (let i = 0; i < values.length; i++) this.meanSum[Math.floor(i / inner) % channels]! += values[i]!;
      this.meanCount += values.length / channels;
    }
    if (this.spec.channelAbsMax) {
      if (!this.absMax) this.absMax = new Float64Array(channels);
      if (this.absMax.length !== channels) throw new InputError(`channel count changed between samples: ${this.absMax.length} then ${channels}`);
      for (let i = 0; i < values.length; i++) {
        const c = Math.floor(i / inner) % channels;
        const a = Math.abs(values[i]!);
        if (a > this.absMax[c]!) this.absMax[c] = a;
      }
    }
  }

  get sampleCount(): number { return this.samples; }

  /** The estimated range; NaN-free only when samples held finite values. */
  range(): Range {
    if (!this.spec.range || this.samples === 0) throw new InputError('no range statistics were collected');
    if (this.spec.range.estimator === 'minmax') return { low: this.low, high: this.high };
    return { low: this.sumLow / this.samples, high: this.sumHigh / this.samples };
  }

  channelMean(): Float64Array {
    if (!this.meanSum) throw new InputError('no per-channel means were collected');
    return this.meanSum.map((s) => s / this.meanCount);
  }

  channelAbsMax(): Float64Array {
    if (!this.absMax) throw new InputError('no per-channel maxima were collected');
    return this.absMax;
  }
}

/** Minimum and maximum of the finite values (infinities and NaN would poison a range). */
function extremes(values: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/**
 * The (100 − p)-th and p-th percentiles, interpolating linearly between neighbours. Uses selection
 * (linear on average) rather than a full sort: activations run to millions of values a sample.
 */
export function percentiles(values: ArrayLike<number>, p: number): [number, number] {
  const finite = Float64Array.from(values).filter(Number.isFinite);
  if (finite.length === 0) return [0, 0];
  const at = (q: number): number => {
    const pos = (q / 100) * (finite.length - 1);
    const i = Math.floor(pos);
    const f = pos - i;
    const lo = select(finite, i);
    if (f === 0 || i + 1 >= finite.length) return lo;
    // After selecting i, every element right of it is ≥ it: the next order statistic is their minimum.
    let next = Infinity;
    for (let j = i + 1; j < finite.length; j++) if (finite[j]! < next) next = finite[j]!;
    return lo * (1 - f) + next * f;
  };
  return [at(100 - p), at(p)];
}

/** Reorders `a` so a[k] is its k-th smallest, smaller ones before it, larger after (Hoare's selection). */
function select(a: Float64Array, k: number): number {
  let left = 0, right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left, j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}
