import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import { ShapeInferenceError } from '../../src/core/errors.js';
import { Tensor } from '../../src/core/tensor.js';
import { evaluateModel } from '../../src/ops/evaluate.js';
import { opset } from '../../src/ops/index.js';
import { runOpCases } from '../util/op-harness.js';
import { f32, randomArray } from '../util/assert.js';

const rand = (shape: number[], seed: number): Tensor => f32(shape, randomArray(shape.reduce((a, b) => a * b, 1), seed, -2, 2));

/** softmax(Q·Kᵀ·scale + bias)·V built from MatMul/Softmax and run by the reference evaluator. */
function decomposed(q: Tensor, k: Tensor, v: Tensor, scale: number, bias?: Tensor): Tensor {
  const [pq, pk, pv] = [q, k, v].map((t, i) => opset.parameter('f32', t.getShape(), `in${i}`));
  let scores = opset.multiply(opset.matMul(pq!, pk!, { transposeB: true }), opset.constant('f32', [], [scale]));
  if (bias) scores = opset.add(scores, opset.constant(bias));
  const out = opset.matMul(opset.softmax(scores, -1), pv!);
  return evaluateModel(new Model([out], [pq!, pk!, pv!]), [q, k, v])[0]!;
}

const causalBias = (L: number, S: number): Tensor =>
  f32([L, S], Array.from({ length: L * S }, (_, i) => (i % S > Math.floor(i / S) ? -Infinity : 0)));

const [q, k, v] = [rand([2, 3, 4, 5], 1), rand([2, 3, 6, 5], 2), rand([2, 3, 6, 7], 3)];
const floatMask = rand([2, 1, 1, 6], 4);
const boolValues = [true, true, false, true, false, true, true, false, true, true, true, false];
const boolMask = new Tensor('boolean', [2, 1, 1, 6], boolValues);
const boolBias = f32([2, 1, 1, 6], boolValues.map((b) => (b ? 0 : -Infinity)));
const kShared = rand([1, 3, 6, 5], 5);
const vShared = rand([1, 3, 6, 7], 6);

runOpCases('ScaledDotProductAttention', [
  {
    name: 'default scale 1/sqrt(E), no mask', inputs: { q, k, v },
    build: (p) => opset.scaledDotProductAttention(p.q!, p.k!, p.v!),
    expected: [decomposed(q, k, v, 1 / Math.sqrt(5))], rtol: 1e-4, atol: 1e-5,
  },
  {
    name: 'float mask broadcast over heads and rows, explicit scale', inputs: { q, k, v, m: floatMask },
    build: (p) => opset.scaledDotProductAttention(p.q!, p.k!, p.v!, { mask: p.m!, scale: opset.constant('f32', [], [0.25]) }),
    expected: [decomposed(q, k, v, 0.25, floatMask)], rtol: 1e-4, atol: 1e-5,
  },
  {
    name: 'boolean mask: false positions take no attention', inputs: { q, k, v, m: boolMask },
    build: (p) => opset.scaledDotProductAttention(p.q!, p.k!, p.v!, { mask: p.m! }),
    expected: [decomposed(q, k, v, 1 / Math.sqrt(5), boolBias)], rtol: 1e-4, atol: 1e-5,
  },
  {
    name: 'causal ignores the mask input', inputs: { q, k: rand([2, 3, 4, 5], 7), v: rand([2, 3, 4, 7], 8), m: rand([4, 4], 9) },
    build: (p) => opset.scaledDotProductAttention(p.q!, p.k!, p.v!, { mask: p.m!, causal: true }),
    expected: [decomposed(q, rand([2, 3, 4, 5], 7), rand([2, 3, 4, 7], 8), 1 / Math.sqrt(5), causalBias(4, 4))], rtol: 1e-4, atol: 1e-5,
  },
  {
    name: 'key and value batch dims broadcast to the query', inputs: { q, k: kShared, v: vShared },
    build: (p) => opset.scaledDotProductAttention(p.q!, p.k!, p.v!),
    expected: [decomposed(q, kShared, vShared, 1 / Math.sqrt(5))], rtol: 1e-4, atol: 1e-5,
  },
]);

test('ScaledDotProductAttention shape inference: dynamic dims, and errors that name the problem', () => {
  const node = opset.scaledDotProductAttention(
    opset.parameter('f32', '[?,12,?,64]'), opset.parameter('f32', '[?,12,?,64]'), opset.parameter('f32', '[?,12,?,32]'),
    { mask: opset.parameter('f32', '[?,1,1,?]') });
  assert.equal(node.output(0).partialShape.toString(), '[?,12,?,32]');
  assert.throws(() => opset.scaledDotProductAttention(opset.parameter('f32', [2, 4, 8]), opset.parameter('f32', [2, 6, 7]), opset.parameter('f32', [2, 6, 8])),
    (e: unknown) => e instanceof ShapeInferenceError && /query has E=8, key has E=7/.test(e.message));
  assert.throws(() => opset.scaledDotProductAttention(opset.parameter('f32', [4, 8]), opset.parameter('f32', [6, 8]), opset.parameter('f32', [6, 8])),
    (e: unknown) => e instanceof ShapeInferenceError && /rank ≥ 3/.test(e.message));
  assert.throws(() => opset.scaledDotProductAttention(opset.parameter('f32', [1, 4, 8]), opset.parameter('f32', [1, 6, 8]), opset.parameter('f32', [1, 6, 8]),
    { mask: opset.parameter('f32', [3, 4, 6]) }), (e: unknown) => e instanceof ShapeInferenceError);
});
