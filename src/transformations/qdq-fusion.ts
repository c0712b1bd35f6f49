// Q→DQ fusion: an ONNX QuantizeLinear followed by DequantizeLinear, as the ONNX frontend spells
// them (Divide → Round → [Add zp] → Round → Clamp → Convert(u8/i8) → Convert(f32) → [Subtract zp]
// → Multiply), computes exactly FakeQuantize-1 with 256 levels over [(qmin − zp)·s, (qmax − zp)·s].
// It becomes that FakeQuantize, the form low-precision kernels read. The weights of a layer whose
// activation is quantized that way, DequantizeLinear of an int8 constant (Constant(i8) → Convert →
// [Subtract] → Multiply by per-channel scales), become a symmetric FakeQuantize on the dequantized
// constant. Elsewhere the weight pattern stays: it is weight compression, decompressed on the fly.
import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { Tensor, toNumbers } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { fakeQuantize } from '../ops/fake-quantize.js';
import { commutedOperands, constantOf, finishPass, replaceOutput, rewriteEach, sourceOf, type PassOptions } from './pattern.js';

const RANGES: Record<string, [number, number]> = { u8: [0, 255], i8: [-128, 127] };

/** The numbers a Constant holds, also through a Convert of one (a zero point stored as u8). */
function numbersOf(o: Output): Float64Array | undefined {
  const t = constantOf(o.node.type === 'Convert' ? sourceOf(o.node, 0) : o);
  return t && t.getElementType() !== 'string' ? Float64Array.from(toNumbers(t), Number) : undefined;
}

function scalarValue(o: Output): number | undefined {
  const v = numbersOf(o);
  return v && v.length === 1 ? v[0] : undefined;
}

/** [data, scalar] for `type`(data, one-element constant), either operand order. */
function withScalar(n: Node, type: string): [Output, number] | undefined {
  const ops = commutedOperands(n, type, (_d, c) => scalarValue(c) !== undefined);
  return ops ? [ops[0], scalarValue(ops[1])!] : undefined;
}

const isType = (o: Output, type: string): boolean => o.node.type === type && o.node.outputs.length === 1;

/** The quantize half: x, its scale, zero point and integer type, read back from Convert(Clamp(Round(...))). */
function quantizeOf(q: Output): { x: Output; scale: number; zeroPoint: number; type: string } | undefined {
  const range = RANGES[q.elementType];
  if (!range || !isType(q, 'Convert')) return undefined;
  const clamp = sourceOf(q.node, 0);
  if (!isType(clamp, 'Clamp') || clamp.node.attrs['min'] !== range[0] || clamp.node.attrs['max'] !== range[1]) return undefined;
  const rounded = sourceOf(clamp.node, 0);
  if (!isType(rounded, 'Round')) return undefined;
  let v = sourceOf(rounded.node, 0);
  let zeroPoint = 0;
  const added = isType(v, 'Add') ? withScalar(v.node, 'Add') : undefined;
  if (added) [v, zeroPoint] = added;
  if (!isType(v, 'Round')) return undefined;
  const divided = sourceOf(v.node, 0);
  if (!isType(divided, 'Divide')) return undefined;
  const scale = scalarValue(sourceOf(divided.node, 1));
  const x = sourceOf(divided.node, 0);
  if (scale === undefined || !(scale > 0) || x.elementType !== 'f32') return undefined;
  return { x, scale, zeroPoint, type: q.elementType };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));

/** Multiply(Convert_f32(q) [− zp], scale) of a quantize half with the same scale and zero point. */
function fuseActivation(m: Node): boolean {
  const outer = withScalar(m, 'Multiply');
  if (!outer || m.output(0).elementType !== 'f32') return false;
  let [deq, scale] = outer;
  let zeroPoint = 0;
  const sub = isType(deq, 'Subtract') && scalarValue(sourceOf(deq.node, 1)) !== undefined ? deq.node : undefined;
  if (sub) [deq, zeroPoint] = [sourceOf(sub, 0), scalarValue(sourceOf(sub, 1))!];
  if (!isType(deq, 'Convert') || deq.elementType !== 'f32') return false;
  const q = quantizeOf(sourceOf(deq.node, 0));
  if (!q || !close(q.scale, scale) || q.zeroPoint !== zeroPoint || !Number.isInteger(zeroPoint)) return false;
  const [qmin, qmax] = RANGES[q.type]!;
  const bound = (v: number): Node => constant(new Tensor('f32', [], Float32Array.of(v)));
  const lo = (qmin - zeroPoint) * scale, hi = (qmax - zeroPoint) * scale;
  const fq = fakeQuantize(q.x, bound(lo), bound(hi), bound(lo), bound(hi), 256);
  return replaceOutput(m.output(0), fq.output(0), [m], [fq]);
}

/**
 * DequantizeLinear of an i8 constant with zero point 0 and per-output-channel scales, as the
 * weights of `layer`: a FakeQuantize on the dequantized weights, 255 levels (127 when every code
 * fits 7 bits), ranges ±half·scale per channel.
 */
function fuseWeights(layer: Node): boolean {
  if (!['Convolution', 'MatMul'].includes(layer.type) || sourceOf(layer, 0).node.type !== 'FakeQuantize') return false;
  const w = sourceOf(layer, 1);
  const outer = isType(w, 'Multiply') ? commutedOperands(w.node, 'Multiply', (d, c) => numbersOf(c) !== undefined && (isType(d, 'Convert') || isType(d, 'Subtract'))) : undefined;
  if (!outer) return false;
  let [deq] = outer;
  const scaleOut = outer[1];
  // A zero point of zeros (DequantizeLinear with an explicit int8 zero point) subtracts nothing.
  if (isType(deq, 'Subtract')) {
    const zp = numbersOf(sourceOf(deq.node, 1));
    if (!zp || zp.some((v) => v !== 0)) return false;
    deq = sourceOf(deq.node, 0);
  }
  if (!isType(deq, 'Convert')) return false;
  const codesNode = sourceOf(deq.node, 0).node;
  if (codesNode.type !== 'Constant' || sourceOf(deq.node, 0).elementType !== 'i8' || deq.elementType !== 'f32') return false;
  const codes = numbersOf(sourceOf(deq.node, 0))!;
  const scales = numbersOf(scaleOut)!;
  const shape = w.getShape();
  const scaleShape = scaleOut.getShape();
  // Per output channel: axis 0 of a convolution filter, the last axis of a MatMul's [K, N] weights.
  const channelAxis = layer.type === 'MatMul' ? (layer.attrs['transposeB'] === true ? 0 : shape.length - 1) : 0;
  if (layer.type === 'MatMul' && shape.length !== 2) return false;
  const padded = [...new Array<number>(shape.length - scaleShape.length).fill(1), ...scaleShape];
  const perChannel = scales.length === 1 || padded.every((d, i) => (i === channelAxis ? d === shape[i] : d === 1));
  if (!perChannel || scales.some((s) => !(s > 0))) return false;
  let maxCode = 0;
  for (const c of codes) maxCode = Math.max(maxCode, Math.abs(c));
  if (maxCode > 127) return false; // −128 has no symmetric counterpart
  const half = maxCode <= 63 ? 63 : 127;
  const stride = shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
  const values = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i]! * scales[scales.length === 1 ? 0 : Math.floor(i / stride) % shape[channelAxis]!]!;
  const rangeShape = scales.length === 1 ? [] : shape.map((d, i) => (i === channelAxis ? d : 1));
  const range = (sign: number): Node => constant(new Tensor('f32', rangeShape, Float32Array.from(scales, (s) => sign * half * s)));
  const dequantized = constant(new Tensor('f32', shape, values));
  const fq = fakeQuantize(dequantized, range(-1), range(1), range(-1), range(1), 2 * half + 1);
  return replaceOutput(w, fq.output(0), [w.node], [dequantized, fq]);
}

/** Rewrites Q→DQ pairs on activations, then the int8 weights of the layers they feed; returns how many. */
export function fuseQuantizeDequantize(model: Model, options: PassOptions = {}): number {
  const activations = rewriteEach(model, (n) => n.type === 'Multiply' && fuseActivation(n));
  const weights = activations > 0 ? rewriteEach(model, fuseWeights) : 0;
  return finishPass(model, activations + weights, options);
}
