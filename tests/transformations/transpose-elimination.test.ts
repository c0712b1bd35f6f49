import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { eliminateTransposes } from '../../src/transformations/index.js';
import { checkRewrite, count, histogram } from './helpers.js';

function model(body: (x: Output) => Node, shape: number[] = [2, 3, 4, 5]): () => Model {
  return () => {
    const x = opset.parameter('f32', shape, 'x');
    const y = opset.relu(body(x.output(0)));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
}

test('Transpose∘Transpose merges into one Transpose, or none when it cancels; identity goes', () => {
  const merged = checkRewrite(model((x) => opset.transpose(opset.transpose(x, [0, 2, 3, 1]), [0, 3, 1, 2].reverse())), eliminateTransposes);
  assert.equal(count(merged, 'Transpose'), 1);
  const cancelled = checkRewrite(model((x) => opset.transpose(opset.transpose(x, [0, 2, 3, 1]), [0, 3, 1, 2])), eliminateTransposes);
  assert.equal(count(cancelled, 'Transpose'), 0);
  const identity = checkRewrite(model((x) => opset.transpose(x, [0, 1, 2, 3])), eliminateTransposes);
  assert.equal(count(identity, 'Transpose'), 0);
});

test('Reshape chains collapse to one Reshape; a reshape to the same static shape goes', () => {
  const chain = checkRewrite(model((x) => opset.reshape(opset.unsqueeze(opset.reshape(x, opset.constant('i64', [2], [6, 20])), [0]), opset.constant('i64', [3], [2, -1, 4]))), eliminateTransposes);
  assert.deepEqual([count(chain, 'Reshape'), count(chain, 'Unsqueeze')], [1, 0]);
  const same = checkRewrite(model((x) => opset.squeeze(opset.reshape(x, opset.constant('i64', [5], [2, 3, 4, 5, 1])), [4])), eliminateTransposes);
  assert.deepEqual([count(same, 'Reshape'), count(same, 'Squeeze')], [0, 0]);
});

test('Reshape merging keeps special_zero semantics on dynamic shapes', () => {
  // The outer 0 copies a dim of the inner result, so bypassing the inner reshape would change it.
  const build = (): Model => {
    const x = opset.parameter('f32', '[?,12]', 'x');
    const inner = opset.reshape(x, opset.constant('i64', [3], [0, 3, 4]), true);
    const outer = opset.reshape(inner, opset.constant('i64', [2], [0, -1]), true);
    return new Model([outer], [x]);
  };
  const m = build();
  assert.equal(eliminateTransposes(m), 0);
  // Without zeros the target stands alone and the chain merges.
  const x = opset.parameter('f32', '[?,12]', 'x');
  const outer = opset.reshape(opset.reshape(x, opset.constant('i64', [3], [-1, 3, 4]), false), opset.constant('i64', [2], [-1, 6]), true);
  const merged = new Model([outer], [x]);
  assert.equal(eliminateTransposes(merged), 1);
  assert.equal(count(merged, 'Reshape'), 1);
  assert.equal(merged.output(0).partialShape.toString(), '[?,6]');
});

test('a model output keeps its name, and a transpose between input and output stays', () => {
  const x = opset.parameter('f32', [2, 3], 'x');
  x.output(0).setNames(['x']);
  const t = opset.transpose(x, [0, 1]);
  t.output(0).setNames(['y']);
  const m = new Model([t], [x]);
  assert.equal(eliminateTransposes(m), 0, 'merging y into the input x would rename an input');
  assert.deepEqual(m.output(0).names, ['y']);
  assert.deepEqual(m.input(0).names, ['x']);
  assert.equal(histogram(m)['Transpose'], 1);
});

test('transposes around an elementwise op cancel (NHWC↔NCHW round trips)', () => {
  const c = (v: number): Node => opset.constant('f32', [1], [v]);
  const cancelled = checkRewrite(model((x) => opset.transpose(opset.sigmoid(opset.transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2])), eliminateTransposes);
  assert.deepEqual([count(cancelled, 'Transpose'), count(cancelled, 'Sigmoid')], [0, 1]);
  const merged = checkRewrite(model((x) => opset.transpose(opset.multiply(opset.transpose(x, [0, 2, 3, 1]), c(1.5)), [1, 0, 2, 3])), eliminateTransposes);
  assert.deepEqual([count(merged, 'Transpose'), count(merged, 'Multiply')], [1, 1]);
  // A full-size operand would need its own transpose: left alone.
  const other = model((x) => opset.transpose(opset.add(opset.transpose(x, [0, 2, 3, 1]), opset.constant('f32', [3], [1, 2, 3])), [0, 3, 1, 2]))();
  const before = histogram(other);
  assert.equal(eliminateTransposes(other), 0);
  assert.deepEqual(histogram(other), before);
});
