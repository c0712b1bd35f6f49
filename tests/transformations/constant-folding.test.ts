import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import { Tensor, toNumbers } from '../../src/core/tensor.js';
import { opset } from '../../src/ops/index.js';
import { eliminateDeadCode, foldConstants } from '../../src/transformations/index.js';
import { f32 } from '../util/assert.js';
import { checkRewrite, count, histogram } from './helpers.js';

test('constant folding collapses constant chains and ShapeOf of a static shape', () => {
  const build = (): Model => {
    const x = opset.parameter('f32', [2, 3, 4], 'x');
    const w = opset.transpose(opset.multiply(opset.constant(f32([4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), opset.constant('f32', [], [0.5])), [1, 0]);
    const target = opset.concat([opset.gather(opset.shapeOf(x), opset.constant('i64', [1], [0]), opset.constant('i64', [], [0])), opset.constant('i64', [1], [-1])], 0);
    const y = opset.add(opset.reshape(x, target), opset.reshape(w, opset.constant('i64', [1], [-1])));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
  const folded = checkRewrite(build, (m) => foldConstants(m));
  const h = histogram(folded);
  assert.deepEqual(Object.keys(h).sort(), ['Add', 'Constant', 'Parameter', 'Reshape', 'Result']);
  assert.equal(h['Constant'], 2);
  const reshape = folded.getOrderedOps().find((n) => n.type === 'Reshape')!;
  assert.deepEqual(Array.from(toNumbers(reshape.inputValue(1).knownValue!)), [2, -1]);
});

test('constant folding keeps weight decompression unless asked, and never folds ReadValue', () => {
  const build = (): Model => {
    const x = opset.parameter('f32', [2, 3], 'x');
    const w = opset.multiply(opset.convert(opset.constant(new Tensor('f16', [2, 3], [1, 2, 3, 4, 5, 6])), 'f32'), opset.constant('f32', [], [2]));
    return new Model([opset.add(x, w)], [x]);
  };
  const kept = build();
  assert.equal(foldConstants(kept), 0);
  assert.equal(count(kept, 'Convert'), 1);
  const folded = checkRewrite(build, (m) => foldConstants(m, { foldDecompression: true }));
  assert.deepEqual([count(folded, 'Convert'), count(folded, 'Multiply')], [0, 0]);
});

test('constant folding skips a Broadcast that would blow small constants up past the limit', () => {
  const x = opset.parameter('f32', [1024, 1024], 'x');
  const big = opset.broadcast(opset.constant('f32', [], [1]), opset.constant('i64', [2], [1024, 1024]));
  const m = new Model([opset.add(x, big)], [x]);
  assert.equal(foldConstants(m, { maxGrowthBytes: 1 << 20 }), 0);
  assert.equal(count(m, 'Broadcast'), 1);
  assert.equal(foldConstants(m, { maxGrowthBytes: 8 << 20 }), 1);
  assert.equal(count(m, 'Broadcast'), 0);
});

test('dead code elimination cuts dead consumers so consumer counts are exact', () => {
  const x = opset.parameter('f32', [2], 'x');
  const live = opset.relu(x);
  opset.sigmoid(live); // built, then never used
  const m = new Model([live], [x]);
  assert.equal(live.output(0).targets.size, 2);
  assert.equal(eliminateDeadCode(m), 1);
  assert.equal(live.output(0).targets.size, 1);
  assert.equal(eliminateDeadCode(m), 0);
  m.validate();
});
