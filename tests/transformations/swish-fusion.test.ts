import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { fuseHSwish, fuseSwish } from '../../src/transformations/index.js';
import { checkRewrite, count, histogram } from './helpers.js';

const c = (v: number): Node => opset.constant('f32', [], [v]);
function model(f: (x: Output) => Node): () => Model {
  return () => {
    const x = opset.parameter('f32', [3, 7], 'x');
    const y = f(x.output(0));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
}

test('Swish fusion: x·Sigmoid(x) and x·Sigmoid(β·x) become Swish-4', () => {
  let fused = checkRewrite(model((x) => opset.multiply(opset.sigmoid(x), x)), fuseSwish);
  assert.equal(count(fused, 'Swish'), 1);
  assert.equal(count(fused, 'Sigmoid'), 0);
  fused = checkRewrite(model((x) => opset.multiply(x, opset.sigmoid(opset.multiply(opset.constant('f32', [1], [1.7]), x)))), fuseSwish);
  assert.equal(count(fused, 'Swish'), 1);
  const swish = fused.getOrderedOps().find((n) => n.type === 'Swish')!;
  assert.equal(swish.inputs.length, 2);
  fused = checkRewrite(model((x) => opset.divide(x, opset.add(c(1), opset.exp(opset.negative(x))))), fuseSwish);
  assert.deepEqual(Object.keys(histogram(fused)).sort(), ['Parameter', 'Result', 'Swish']);
});

test('Swish fusion leaves Sigmoid of another tensor and a shared Sigmoid alone', () => {
  const other = (): Model => {
    const x = opset.parameter('f32', [3, 7], 'x');
    return new Model([opset.multiply(x, opset.sigmoid(opset.relu(x)))], [x]);
  };
  const shared = model((x) => { const s = opset.sigmoid(x); return opset.add(opset.multiply(x, s), s); });
  for (const m of [other(), shared()]) {
    const before = histogram(m);
    assert.equal(fuseSwish(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});

const relu6Forms: Array<[string, (y: Output) => Node]> = [
  ['Clamp(0, 6)', (y) => opset.clamp(y, { min: 0, max: 6 })],
  ['Minimum(Relu, 6)', (y) => opset.minimum(opset.relu(y), c(6))],
  ['Minimum(Maximum(·, 0), 6)', (y) => opset.minimum(opset.maximum(y, c(0)), c(6))],
];

test('HSwish fusion: x·ReLU6(x+3)/6 in each grouping and ReLU6 spelling becomes HSwish-4', () => {
  for (const [label, relu6] of relu6Forms) {
    const forms: Array<(x: Output) => Node> = [
      (x) => opset.divide(opset.multiply(x, relu6(opset.add(x, c(3)).output(0))), c(6)),
      (x) => opset.multiply(x, opset.multiply(relu6(opset.add(c(3), x).output(0)), c(1 / 6))),
      (x) => opset.multiply(opset.multiply(relu6(opset.add(x, c(3)).output(0)), x), c(1 / 6)),
    ];
    for (const f of forms) {
      const fused = checkRewrite(model(f), fuseHSwish);
      assert.equal(count(fused, 'HSwish'), 1, label);
      assert.deepEqual(Object.keys(histogram(fused)).sort(), ['HSwish', 'Parameter', 'Result'], label);
    }
  }
});

test('HSigmoid fusion: ReLU6(x+3)/6 alone becomes HSigmoid-5; x·HSigmoid(x) becomes HSwish', () => {
  const fused = checkRewrite(model((x) => opset.divide(opset.clamp(opset.add(x, c(3)), { min: 0, max: 6 }), c(6))), fuseHSwish);
  assert.equal(count(fused, 'HSigmoid'), 1);
  // 1/6 as an f16 constant (0.16663) converted to f32, as in half-precision exports.
  const sixthF16 = checkRewrite(model((x) => opset.multiply(opset.clamp(opset.add(x, c(3)), { min: 0, max: 6 }), c(0.16663))), fuseHSwish, { rtol: 1e-3, atol: 1e-3 });
  assert.equal(count(sixthF16, 'HSigmoid'), 1);
  const product = checkRewrite(model((x) => opset.multiply(x, opset.hSigmoid(x))), fuseHSwish);
  assert.equal(count(product, 'HSwish'), 1);
  assert.equal(count(product, 'HSigmoid'), 0);
});

test('HSwish fusion leaves x+2, /5 and plain ReLU6 (MobileNet-v2) alone', () => {
  const cases = [
    model((x) => opset.divide(opset.multiply(x, opset.clamp(opset.add(x, c(2)), { min: 0, max: 6 })), c(6))),
    model((x) => opset.divide(opset.multiply(x, opset.clamp(opset.add(x, c(3)), { min: 0, max: 6 })), c(5))),
    model((x) => opset.multiply(opset.multiply(x, opset.clamp(opset.add(x, c(3)), { min: 0, max: 6 })), c(0.17))),
    model((x) => opset.minimum(opset.maximum(opset.add(x, opset.constant('f32', [1, 7], [1, 2, 3, 4, 5, 6, 7])), c(0)), c(6))),
  ];
  for (const build of cases) {
    const m = build();
    const before = histogram(m);
    const r = fuseHSwish(m);
    assert.equal(r.hSwish + r.hSigmoid, 0);
    assert.deepEqual(histogram(m), before);
  }
});
