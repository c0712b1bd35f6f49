import { toNumbers, type Tensor } from '../core/tensor.js';

export type WeightCompressionMode = 'int8_asym' | 'int8_sym' | 'int4_sym' | 'int4_asym';
export const WEIGHT_COMPRESSION_MODES: readonly WeightCompressionMode[] = ['int8_asym', 'int8_sym', 'int4_sym', 'int4_asym'];

/** Storage type of the quantized weight (and of its zero point, for asymmetric modes). */
export const storageTypeOf = (mode: WeightCompressionMode): 'u8' | 'i8' | 'u4' | 'i4' =>
  ({ int8_asym: 'u8', int8_sym: 'i8', int4_asym: 'u4', int4_sym: 'i4' } as const)[mode];
export const isAsymmetric = (mode: WeightCompressionMode): boolean => mode.endsWith('_asym');
export const bitsOf = (mode: WeightCompressionMode): number => (mode.startsWith('int4') ? 4 : 8);

/** A weight as integers q with w ≈ scale · (q − zeroPoint), one scale per channel or per group. */
export interface QuantizedWeight {
  mode: WeightCompressionMode;
  /** Integer codes in the weight's element order, laid out as `shape`. */
  codes: Int32Array;
  shape: number[];
  scale: Float64Array;
  zeroPoint: Int32Array | undefined;
  /** Shape of scale and zero point: `shape` with each group's axis of size 1. */
  scaleShape: number[];
}

/**
 * Quantizes `value` with one range per output channel (the axes `first..last` are reduced), or,
 * when groupSize > 0 and one axis is reduced, per group of groupSize consecutive elements along it;
 * the grouped shape splits that axis into [K / groupSize, groupSize], as OpenVINO's group-wise
 * decompression writes it.
 * - asymmetric: [min, max] (widened to hold 0) on 0..2^b−1 with an integer zero point;
 * - symmetric: [−max|w|, max|w|] on −(2^(b−1)−1)..2^(b−1)−1, no zero point.
 */
export function quantizeWeight(value: Tensor, first: number, last: number, groupSize: number, mode: WeightCompressionMode): QuantizedWeight {
  const shape = value.getShape();
  const k = shape.slice(first, last + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, first).reduce((a, b) => a * b, 1);
  const inner = shape.slice(last + 1).reduce((a, b) => a * b, 1);
  const grouped = groupSize > 0 && first === last && groupSize < k;
  const g = grouped ? groupSize : k;
  const groups = k / g;
  const qShape = grouped ? [...shape.slice(0, first), groups, g, ...shape.slice(last + 1)] : shape;
  const scaleShape = grouped
    ? [...shape.slice(0, first), groups, 1, ...shape.slice(last + 1)]
    : shape.map((d, i) => (i >= first && i <= last ? 1 : d));
  const w = toNumbers(value);
  const bits = bitsOf(mode);
  const asym = isAsymmetric(mode);
  const [qMin, qMax] = asym ? [0, 2 ** bits - 1] : [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  const codes = new Int32Array(w.length);
  const count = outer * groups * inner;
  const scale = new Float64Array(count);
  const zeroPoint = asym ? new Int32Array(count) : undefined;
  const at = (o: number, t: number, j: number): number => (o * k + t) * inner + j;
  for (let o = 0; o < outer; o++) {
    for (let gi = 0; gi < groups; gi++) {
      for (let j = 0; j < inner; j++) {
        let lo = 0, hi = 0;
        for (let t = gi * g; t < (gi + 1) * g; t++) {
          const v = w[at(o, t, j)]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        const s = (o * groups + gi) * inner + j;
        let step: number, zp = 0;
        if (asym) {
          step = (hi - lo) / qMax || 1;
          zp = Math.min(qMax, Math.max(0, Math.round(-lo / step)));
          zeroPoint![s] = zp;
        } else {
          step = Math.max(-lo, hi) / qMax || 1;
        }
        scale[s] = step;
        for (let t = gi * g; t < (gi + 1) * g; t++) {
          const i = at(o, t, j);
          codes[i] = Math.min(qMax, Math.max(qMin, Math.round(w[i]! / step) + zp));
        }
      }
    }
  }
  return { mode, codes, shape: qShape, scale, zeroPoint, scaleShape };
}

/**
 * Integer codes as the storage of a `storageTypeOf(mode)` tensor: bytes for u8/i8, and for u4/i4
 * two codes a byte, the first in the low nibble (OpenVINO's packing).
 */
export function packCodes(mode: WeightCompressionMode, codes: Int32Array): Uint8Array | Int8Array {
  const type = storageTypeOf(mode);
  if (type === 'i8') return Int8Array.from(codes);
  if (type === 'u8') return Uint8Array.from(codes);
  const out = new Uint8Array((codes.length + 1) >> 1);
  for (let i = 0; i < codes.length; i++) out[i >> 1]! |= (codes[i]! & 0xf) << ((i & 1) * 4);
  return out;
}

/** The dequantized weight, element by element in the original order. */
export function dequantizeWeight(q: QuantizedWeight): Float64Array {
  const { codes, scale, zeroPoint, shape, scaleShape } = q;
  const out = new Float64Array(codes.length);
  const strides = stridesFor(scaleShape);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < codes.length; i++) {
    let s = 0;
    for (let d = 0; d < rank; d++) if (scaleShape[d] !== 1) s += idx[d]! * strides[d]!;
    out[i] = scale[s]! * (codes[i]! - (zeroPoint ? zeroPoint[s]! : 0));
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d]! < shape[d]!) break; idx[d] = 0; }
  }
  return out;
}

/** Σ(w − ŵ)² / Σw²: how much a weight loses in a mode (orders layers for the int4 ratio). */
export function relativeError(value: Tensor, q: QuantizedWeight): number {
  const w = toNumbers(value);
  const d = dequantizeWeight(q);
  let err = 0, norm = 0;
  for (let i = 0; i < w.length; i++) { err += (w[i]! - d[i]!) ** 2; norm += w[i]! ** 2; }
  return norm > 0 ? err / norm : 0;
}

function stridesFor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}
