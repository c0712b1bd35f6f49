import type { Node, Output } from '../../core/node.js';
import { Tensor, toNumbers } from '../../core/tensor.js';
import { convGeometry } from './kernels/native-convolution.js';
import { appendEltwise, type NativeLowering } from './lower-ops.js';
import type { Lowering } from './lowering.js';

/**
 * Low-precision lowering, OpenVINO's LPT in miniature: a FakeQuantize on activations becomes a
 * quantize step (f32 → u8/s8), a FakeQuantize on constant weights becomes s8 weights with
 * per-channel scales, and a convolution or matmul reading both runs as an int8 oneDNN primitive
 * whose output scales dequantize its s32 accumulator. Anything that does not fit these shapes
 * keeps the f32 path, with the FakeQuantize computed as quantize + dequantize.
 */

/** An activation quantizer as integers: q = saturate(round(x / scale) + zeroPoint) in `type`. */
export interface ActivationQuantization {
  scale: number;
  zeroPoint: number;
  type: 'u8' | 's8';
}

/** Constant weights as s8 codes with one scale per output channel: w ≈ scales[c] · codes. */
export interface WeightQuantization {
  codes: Int8Array;
  scales: Float32Array;
  /** The largest code: 127 for 8-bit weights, 63 for 7-bit ones. */
  half: number;
}

const RANGE_INPUTS = [1, 2, 3, 4] as const;

const inputOf = (node: Node, i: number): Output => node.inputs[i]!.getSourceOutput();

/** The four range constants of a FakeQuantize as numbers, or undefined when one is not known. */
function rangesOf(fq: Node, l: Lowering): { lo: Float64Array; hi: Float64Array; oLo: Float64Array; oHi: Float64Array; shapes: number[][] } | undefined {
  const ts = RANGE_INPUTS.map((i) => l.constOf(inputOf(fq, i)));
  if (!ts.every((t): t is Tensor => t !== undefined)) return undefined;
  const [lo, hi, oLo, oHi] = ts.map((t) => Float64Array.from(toNumbers(t)));
  return { lo: lo!, hi: hi!, oLo: oLo!, oHi: oHi!, shapes: ts.map((t) => t.getShape()) };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * A per-tensor 256-level FakeQuantize that maps its range onto itself, with 0 on a level, as
 * integers: zero point 0 is u8 (non-negative data), 128 is s8 with zero point 0 when `signed`, any
 * other integer zero point u8 with that zero point. Undefined for anything else.
 */
export function activationQuantization(fq: Node, l: Lowering, signed = true): ActivationQuantization | undefined {
  if (fq.type !== 'FakeQuantize' || fq.attrs['levels'] !== 256 || (fq.attrs['autoBroadcast'] ?? 'numpy') !== 'numpy') return undefined;
  const r = rangesOf(fq, l);
  if (!r || [r.lo, r.hi, r.oLo, r.oHi].some((a) => a.length !== 1)) return undefined;
  const [lo, hi, oLo, oHi] = [r.lo[0]!, r.hi[0]!, r.oLo[0]!, r.oHi[0]!];
  if (!(hi > lo) || !close(lo, oLo) || !close(hi, oHi)) return undefined;
  const scale = (hi - lo) / 255;
  const exact = -lo / scale;
  const zeroPoint = Math.round(exact);
  if (Math.abs(exact - zeroPoint) > 1e-3 || zeroPoint < 0 || zeroPoint > 255) return undefined;
  if (zeroPoint === 128 && signed) return { scale, zeroPoint: 0, type: 's8' };
  return { scale, zeroPoint, type: 'u8' };
}

/**
 * Half the levels of a symmetric weight quantizer: 127 for 8-bit weights (255 levels), 63 for the
 * 7-bit weights of the overflow fix (127 levels), which AVX2's u8·s8 pair sums cannot saturate.
 */
function weightHalfLevels(fq: Node): number | undefined {
  if (fq.type !== 'FakeQuantize' || (fq.attrs['autoBroadcast'] ?? 'numpy') !== 'numpy') return undefined;
  const levels = fq.attrs['levels'];
  return levels === 255 ? 127 : levels === 127 ? 63 : undefined;
}

/**
 * Symmetric per-output-channel weights: a 255- (or 127-) level FakeQuantize on a constant with
 * ranges [−m, m] along `channelAxes` (consecutive axes; 1 elsewhere) becomes codes round(w / s) in
 * −h..h with s = m / h, h = 127 (or 63), exactly the values the FakeQuantize produces, in the
 * weight's own element order. Undefined otherwise.
 */
export function weightQuantization(fq: Node, l: Lowering, channelAxes: readonly number[]): WeightQuantization | undefined {
  const half = weightHalfLevels(fq);
  if (half === undefined) return undefined;
  const w = l.constOf(inputOf(fq, 0));
  const r = rangesOf(fq, l);
  if (!w || !r || w.getElementType() !== 'f32') return undefined;
  if (channelAxes.some((ax, i) => ax !== channelAxes[0]! + i)) return undefined;
  const shape = w.getShape();
  const channels = channelAxes.reduce((a, ax) => a * shape[ax]!, 1);
  const channelShape = shape.map((d, i) => (channelAxes.includes(i) ? d : 1));
  const perChannel = (a: Float64Array, s: number[]): boolean =>
    a.length === 1 || (a.length === channels && s.length === shape.length && s.every((d, i) => d === channelShape[i]));
  if (![r.lo, r.hi, r.oLo, r.oHi].every((a, i) => perChannel(a, r.shapes[i]!))) return undefined;
  const at = (a: Float64Array, c: number): number => a[a.length === 1 ? 0 : c]!;
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = at(r.hi, c);
    if (!(m >= 0) || !close(at(r.lo, c), -m) || !close(at(r.oLo, c), -m) || !close(at(r.oHi, c), m)) return undefined;
    scales[c] = m / half;
  }
  // Runs of `inner` elements (the axes after the channel axes) cycle through the channels.
  const inner = shape.slice(channelAxes[channelAxes.length - 1]! + 1).reduce((a, b) => a * b, 1);
  const values = w.data as Float32Array;
  const codes = new Int8Array(values.length);
  for (let start = 0, block = 0; start < values.length; start += inner, block++) {
    const s = scales[block % channels]!;
    for (let i = start; i < start + inner; i++) codes[i] = s > 0 ? Math.max(-half, Math.min(half, Math.round(values[i]! / s))) : 0;
  }
  return { codes, scales, half };
}

/** MatMul weights quantized per output column: axis 1 of [K, N], axis 0 of [N, K] read transposed. */
export function matMulWeightQuantization(fq: Node, l: Lowering, transposeB: boolean): WeightQuantization | undefined {
  const w = l.constOf(inputOf(fq, 0));
  if (!w || w.getShape().length !== 2) return undefined;
  return weightQuantization(fq, l, [transposeB ? 0 : 1]);
}

/**
 * 7-bit weights as even 8-bit codes (2k with half the scale): oneDNN's non-VNNI int8 kernels halve
 * s8-source weights to stay clear of u8·s8 pair-sum saturation, and halving 2k loses nothing.
 */
function onEvenCodes(q: WeightQuantization): WeightQuantization {
  return { codes: q.codes.map((c) => 2 * c), scales: q.scales.map((s) => s / 2), half: 2 * q.half };
}

/**
 * The weights an int8 kernel reading `src` computes exactly with, or undefined when it cannot:
 * without an int8 dot product (VNNI), oneDNN sums u8·s8 pairs in s16, so u8 sources need 7-bit
 * weights, and its convolutions halve the weights of s8 sources, so those need 7-bit weights as
 * even codes.
 */
export function kernelWeights(w: WeightQuantization, src: ActivationQuantization, int8Dot: boolean, layer: 'conv' | 'matmul'): WeightQuantization | undefined {
  if (int8Dot) return w;
  if (w.half !== 63) return undefined;
  // The GEMM behind int8 matmuls keeps the weights as they are.
  return src.type === 's8' && layer === 'conv' ? onEvenCodes(w) : w;
}

/**
 * Output scales of an int8 layer: the source's scale times each channel's weight scale. A channel
 * of zero weights (codes all 0) keeps scale 1, so its bias, divided by the scale, stays finite.
 */
export function outputScales(src: ActivationQuantization, w: WeightQuantization): Float32Array {
  return w.scales.map((s) => (s > 0 ? s * src.scale : 1));
}

/**
 * oneDNN 2.6 adds an int8 layer's bias to the s32 accumulator before the output scales, so the
 * bias it gets is the f32 bias divided by each channel's scale.
 */
export function int8Bias(bias: Tensor, scales: Float32Array): Tensor {
  const b = bias.data as Float32Array;
  return new Tensor('f32', [b.length], b.map((v, i) => v / scales[scales.length === 1 ? 0 : i]!));
}

// ---- lowerings ----

const weightCache = new WeakMap<Node, WeightQuantization | null>();

/** The s8 form of the FakeQuantize feeding `layer`'s weights, computed once per quantizer. */
function layerWeights(layer: Node, l: Lowering): WeightQuantization | undefined {
  const fq = inputOf(layer, 1).node;
  if (fq.type !== 'FakeQuantize' || !l.isDeferred(fq)) return undefined;
  let w = weightCache.get(fq);
  if (w === undefined) {
    if (layer.type === 'MatMul') w = matMulWeightQuantization(fq, l, layer.attrs['transposeB'] === true) ?? null;
    else w = weightQuantization(fq, l, layer.type === 'GroupConvolution' ? [0, 1] : [0]) ?? null;
    weightCache.set(fq, w);
  }
  return w ?? undefined;
}

/** Whether `layer` can read its input 0 as integers: an int8 convolution or matmul. */
function int8Reader(layer: Node, index: number, l: Lowering): boolean {
  if (index !== 0 || l.isUnfused(layer)) return false;
  const exact = (): boolean => {
    const w = layerWeights(layer, l);
    return w !== undefined && (l.int8Dot || w.half === 63);
  };
  if (layer.type === 'Convolution' || layer.type === 'GroupConvolution') return exact();
  if (layer.type !== 'MatMul' || layer.attrs['transposeA'] === true) return false;
  const a = inputOf(layer, 0);
  const b = inputOf(layer, 1);
  return b.node.type === 'FakeQuantize' && l.isDeferred(b.node) && b.partialShape.rank === 2
    && a.getShape().length === layer.output(0).getShape().length && exact();
}

/**
 * FakeQuantize on an activation: a quantize step whose integers int8 layers read; the f32 result
 * (what the FakeQuantize computes) is a dequantize step, made only if an f32 reader needs it.
 */
export const lowerFakeQuantize: NativeLowering = (node, l) => {
  // oneDNN's int8 GEMM is about twice as fast on u8 sources (with a zero point) as on s8 ones;
  // its convolutions run s8 and u8 alike.
  const matMulReader = [...node.output(0).targets].some((t) => t.node.type === 'MatMul');
  const q = activationQuantization(node, l, !matMulReader);
  const x = inputOf(node, 0);
  if (!q || l.constOf(x) !== undefined) return false;
  const src = l.slotOf(x);
  if (src === undefined) return false;
  const shape = x.getShape();
  const readers = [...node.output(0).targets];
  const zeroPoint = q.type === 's8' ? 0 : q.zeroPoint;
  let dst: number;
  const host = l.fusableProducer(x, node, ['conv', 'matmul'] as const);
  if (host && host.scales && !host.post.some((p) => p.kind === 'sum')
    && appendEltwise(host.post, { algorithm: 'linear', alpha: 1 / q.scale, beta: zeroPoint })) {
    // An int8 producer writes the integers itself: its f32 result, scaled and shifted, saturates
    // to u8/s8 as it is stored, so activations stay int8 between layers.
    dst = host.dst;
    l.slots[dst]!.type = q.type;
    l.markFused(node, host);
  } else {
    const convReaders = readers.some((t) => t.node.type !== 'MatMul' && int8Reader(t.node, t.index, l));
    dst = l.newSlot(shape, q.type);
    l.emit({ kind: 'quantize', src, dst, scale: q.scale, zeroPoint: q.zeroPoint, layout: convReaders ? 'channelsLast' : 'plain' }, node);
  }
  l.setQuantized(node.output(0), dst, q, () => {
    l.emit({ kind: 'dequantize', src: dst, dst: l.newSlot(shape), scale: q.scale, zeroPoint }, node, node.output(0));
  });
  return true;
};

/** The quantized activation and kernel-ready weights of an int8 layer, or undefined when it stays f32. */
function int8Inputs(node: Node, l: Lowering, layer: 'conv' | 'matmul'): { a: { slot: number; q: ActivationQuantization }; w: WeightQuantization } | undefined {
  const a = l.quantizedOf(inputOf(node, 0));
  if (!a || !int8Reader(node, 0, l)) return undefined;
  const w = kernelWeights(layerWeights(node, l)!, a.q, l.int8Dot, layer);
  return w ? { a, w } : undefined;
}

/** Convolution or GroupConvolution over a quantized activation and quantized weights, in int8. */
export const lowerInt8Convolution: NativeLowering = (node, l) => {
  const inputs = int8Inputs(node, l, 'conv');
  if (!inputs) return false;
  const { a, w } = inputs;
  const wShape = inputOf(node, 1).getShape();
  const g = convGeometry(node, inputOf(node, 0).getShape(), wShape);
  if (!g) return false;
  l.emit({
    kind: 'conv', src: a.slot, weights: l.intConstSlot(w.codes, wShape), dst: l.newSlot(g.y), strides: g.strides,
    dilations: g.dilations, padsBegin: g.padsBegin, padsEnd: g.padsEnd, post: [],
    scales: outputScales(a.q, w), srcZeroPoint: a.q.zeroPoint,
  }, node, node.output(0));
  return true;
};

/** MatMul of a quantized activation by quantized constant 2-D weights, in int8. */
export const lowerInt8MatMul: NativeLowering = (node, l) => {
  const inputs = int8Inputs(node, l, 'matmul');
  if (!inputs) return false;
  const { a, w } = inputs;
  l.emit({
    kind: 'matmul', a: a.slot, b: l.intConstSlot(w.codes, inputOf(node, 1).getShape()), dst: l.newSlot(node.output(0).getShape()),
    transposeA: false, transposeB: node.attrs['transposeB'] === true, post: [], scales: outputScales(a.q, w), srcZeroPoint: a.q.zeroPoint,
  }, node, node.output(0));
  return true;
};
