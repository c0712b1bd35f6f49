import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import { Node, type Output } from '../../src/core/node.js';
import { BatchNormInference1 } from '../../src/ops/batch-norm-inference.js';
import { opset } from '../../src/ops/index.js';
import { fuseBatchNorm } from '../../src/transformations/index.js';
import { f32, randomArray } from '../util/assert.js';
import { checkRewrite, histogram } from './helpers.js';

const rand = (shape: number[], seed: number, lo = -1, hi = 1): Node =>
  opset.constant(f32(shape, randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi)));

/** [gamma, beta, mean, variance] for C channels. */
const bnParams = (channels: number): Node[] => [rand([channels], 11), rand([channels], 12), rand([channels], 13), rand([channels], 14, 0.2, 2)];

function model(inShape: number[], body: (x: Output) => Node): () => Model {
  return () => {
    const x = opset.parameter('f32', inShape, 'x');
    const y = body(x.output(0));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
}

const conv = (x: Output): Node => opset.convolution(x, rand([4, 3, 3, 3], 1), { strides: [2, 2], padsBegin: [1, 0], padsEnd: [1, 1] });
const groupConv = (x: Output): Node => opset.groupConvolution(x, rand([2, 3, 2, 3, 3], 2), { dilations: [2, 1] });

test('BatchNorm fusion: Conv → BatchNormInference-5 becomes Conv(scaled W) + Add([1,C,1,1])', () => {
  const fused = checkRewrite(model([1, 3, 7, 7], (x) => {
    const [g, b, m, v] = bnParams(4);
    return opset.batchNormInference(conv(x), g!, b!, m!, v!, 1e-3);
  }), fuseBatchNorm);
  assert.deepEqual(histogram(fused), { Parameter: 1, Constant: 2, Convolution: 1, Add: 1, Result: 1 });
  const add = fused.getOrderedOps().find((n) => n.type === 'Add')!;
  assert.deepEqual(add.inputValue(1).getShape(), [1, 4, 1, 1]);
});

test('BatchNorm fusion: GroupConvolution + bias Add → BatchNormInference-1 (v0 input order)', () => {
  const fused = checkRewrite(model([1, 4, 6, 6], (x) => {
    const [g, b, m, v] = bnParams(6);
    const biased = opset.add(groupConv(x), rand([1, 6, 1, 1], 3));
    return new Node(BatchNormInference1, [g!.output(0), b!.output(0), biased.output(0), m!.output(0), v!.output(0)], { epsilon: 1e-5 });
  }), fuseBatchNorm);
  assert.deepEqual(histogram(fused), { Parameter: 1, Constant: 2, GroupConvolution: 1, Add: 1, Result: 1 });
});

test('BatchNorm fusion: Conv → Multiply(per-channel) → Add(per-channel) folds into weights and bias', () => {
  const fused = checkRewrite(model([1, 3, 7, 7], (x) =>
    opset.add(opset.multiply(rand([4, 1, 1], 4), conv(x)), rand([1, 4, 1, 1], 5))), fuseBatchNorm);
  assert.deepEqual(histogram(fused), { Parameter: 1, Constant: 2, Convolution: 1, Add: 1, Result: 1 });
});

test('BatchNorm fusion leaves non-constant statistics, a shared conv output and a per-column scale alone', () => {
  const cases: Array<() => Model> = [
    () => {
      const x = opset.parameter('f32', [1, 3, 7, 7], 'x');
      const mean = opset.parameter('f32', [4], 'mean');
      const [g, b, , v] = bnParams(4);
      return new Model([opset.batchNormInference(conv(x.output(0)), g!, b!, mean, v!, 1e-3)], [x, mean]);
    },
    model([1, 3, 7, 7], (x) => {
      const y = conv(x);
      const [g, b, m, v] = bnParams(4);
      return opset.add(opset.batchNormInference(y, g!, b!, m!, v!, 1e-3), y);
    }),
    model([1, 3, 7, 7], (x) => opset.multiply(conv(x), rand([1, 1, 1, 3], 6))),
  ];
  for (const build of cases) {
    const m = build();
    const before = histogram(m);
    assert.equal(fuseBatchNorm(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});
