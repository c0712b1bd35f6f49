import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { Tensor } from '../../src/core/tensor.js';
import { opset } from '../../src/ops/index.js';
import { fuseQuantizeDequantize } from '../../src/transformations/index.js';
import { checkRewrite, count } from './helpers.js';

const f = (v: number): Node => opset.constant('f32', [], [v]);

/** QuantizeLinear → DequantizeLinear as the ONNX frontend writes them, with its own scales and zero points. */
function qdq(x: Output, q: { scale: number; zp: number; type: 'u8' | 'i8' }, dq = q): Node {
  const [lo, hi] = q.type === 'u8' ? [0, 255] : [-128, 127];
  let v: Node = opset.round(opset.divide(x, f(q.scale)), 'half_to_even');
  if (q.zp !== 0) v = opset.add(v, f(q.zp));
  const stored = opset.convert(opset.clamp(opset.round(v, 'half_to_even'), { min: lo, max: hi }), q.type);
  let back: Node = opset.convert(stored, 'f32');
  if (dq.zp !== 0) back = opset.subtract(back, f(dq.zp));
  return opset.multiply(back, f(dq.scale));
}

const build = (make: (x: Output) => Node) => (): Model => {
  const x = opset.parameter('f32', [2, 16], 'x');
  const y = make(x.output(0));
  y.output(0).setNames(['y']);
  return new Model([y], [x]);
};

test('QDQ fusion: QuantizeLinear → DequantizeLinear (u8 with a zero point, i8 without) become one FakeQuantize', () => {
  for (const q of [{ scale: 0.02, zp: 100, type: 'u8' }, { scale: 0.03, zp: 0, type: 'i8' }] as const) {
    const m = checkRewrite(build((x) => qdq(x, q)), fuseQuantizeDequantize);
    assert.equal(count(m, 'FakeQuantize'), 1);
    assert.equal(count(m, 'Round') + count(m, 'Convert') + count(m, 'Clamp'), 0, 'the integer chain is gone');
    const fq = m.getOrderedOps().find((n) => n.type === 'FakeQuantize')!;
    assert.equal(fq.attrs['levels'], 256);
  }
});

test('QDQ fusion leaves pairs whose scales or zero points differ', () => {
  const mismatched = build((x) => qdq(x, { scale: 0.02, zp: 100, type: 'u8' }, { scale: 0.02, zp: 90, type: 'u8' }))();
  assert.equal(fuseQuantizeDequantize(mismatched), 0);
  const rescaled = build((x) => qdq(x, { scale: 0.02, zp: 0, type: 'u8' }, { scale: 0.04, zp: 0, type: 'u8' }))();
  assert.equal(fuseQuantizeDequantize(rescaled), 0);
});

test('QDQ fusion turns a quantized layer\'s int8 weights into a symmetric weight FakeQuantize, and leaves weight compression alone', () => {
  const codes = Int8Array.from({ length: 32 }, (_, i) => ((i * 37) % 127) - 63);
  const weights = (): Node => opset.multiply(opset.convert(opset.constant('i8', [16, 2], codes), 'f32'), opset.constant('f32', [1, 2], [0.01, 0.02]));
  const layer = checkRewrite(build((x) => opset.matMul(qdq(x, { scale: 0.02, zp: 0, type: 'i8' }), weights())), fuseQuantizeDequantize);
  const fqs = layer.getOrderedOps().filter((n) => n.type === 'FakeQuantize');
  assert.deepEqual(fqs.map((n) => n.attrs['levels']).sort(), [127, 256], 'activation, and 7-bit codes as a 127-level weight quantizer');
  assert.equal(count(layer, 'Convert'), 0);
  const compressed = build((x) => opset.matMul(x, weights()))();
  assert.equal(fuseQuantizeDequantize(compressed), 0, 'no quantized activation: weight compression, not QDQ');
});
