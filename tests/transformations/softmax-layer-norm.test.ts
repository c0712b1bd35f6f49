import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { fuseLayerNorm, fuseSoftmax } from '../../src/transformations/index.js';
import { checkRewrite, count, histogram } from './helpers.js';

const c = (v: number): Node => opset.constant('f32', [], [v]);
function model(f: (x: Output) => Node, shape = [2, 3, 16]): () => Model {
  return () => {
    const x = opset.parameter('f32', shape, 'x');
    const y = f(x.output(0));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
}

test('Softmax fusion: Exp(x − ReduceMax) / ReduceSum along one axis becomes Softmax-8', () => {
  for (const axis of [-1, 1]) {
    const fused = checkRewrite(model((x) => {
      const e = opset.exp(opset.subtract(x, opset.reduceMax(x, [axis], true)));
      return opset.divide(e, opset.reduceSum(e, [axis], true));
    }), fuseSoftmax);
    assert.deepEqual(Object.keys(histogram(fused)).sort(), ['Parameter', 'Result', 'Softmax']);
    const sm = fused.getOrderedOps().find((n) => n.type === 'Softmax')!;
    assert.equal(sm.attrs['axis'], axis < 0 ? 2 : axis);
  }
  // A shift by the max over another axis is still a softmax of the shifted tensor.
  const shifted = checkRewrite(model((x) => {
    const e = opset.exp(opset.subtract(x, opset.reduceMax(x, [2], true)));
    return opset.divide(e, opset.reduceSum(e, [1], true));
  }), fuseSoftmax);
  assert.deepEqual([count(shifted, 'Softmax'), count(shifted, 'ReduceMax')], [1, 1]);
  const unshifted = checkRewrite(model((x) => { const e = opset.exp(x); return opset.divide(e, opset.reduceSum(e, [2], true)); }), fuseSoftmax);
  assert.equal(count(unshifted, 'Softmax'), 1);
});

test('Softmax fusion leaves a shared Exp, two axes and a dropped dim alone', () => {
  const cases = [
    model((x) => { const e = opset.exp(x); return opset.add(opset.divide(e, opset.reduceSum(e, [1], true)), e); }),
    model((x) => { const e = opset.exp(x); return opset.divide(e, opset.reduceSum(e, [1, 2], true)); }),
    model((x) => { const e = opset.exp(x); return opset.divide(e, opset.reduceSum(e, [0], false)); }, [3, 3, 3]),
  ];
  for (const build of cases) {
    const m = build();
    const before = histogram(m);
    assert.equal(fuseSoftmax(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});

const gamma = (): Node => opset.constant('f32', [16], Array.from({ length: 16 }, (_, i) => 0.5 + i / 16));
const beta = (): Node => opset.constant('f32', [16], Array.from({ length: 16 }, (_, i) => i / 8 - 1));

/** (x − mean) normalized by one of the exporters' spellings, then · γ + β. */
function layerNorm(normalize: (d: Node, varEps: Node) => Node, square: (d: Node) => Node = (d) => opset.power(d, c(2))) {
  return (x: Output): Node => {
    const d = opset.subtract(x, opset.reduceMean(x, [-1], true));
    const varEps = opset.add(opset.reduceMean(square(d), [-1], true), c(1e-5));
    return opset.add(opset.multiply(normalize(d, varEps), gamma()), beta());
  };
}

test('LayerNorm fusion: decomposed mean/variance normalization becomes MVN-6 + Multiply + Add', () => {
  const forms: Array<[string, (x: Output) => Node]> = [
    ['d / Sqrt(var + eps), Power(d, 2)', layerNorm((d, ve) => opset.divide(d, opset.sqrt(ve)))],
    ['d · (1 / Sqrt(var + eps)), d · d', layerNorm((d, ve) => opset.multiply(d, opset.divide(c(1), opset.sqrt(ve))), (d) => opset.multiply(d, d))],
    ['d · Power(var + eps, −0.5)', layerNorm((d, ve) => opset.multiply(opset.power(ve, c(-0.5)), d))],
  ];
  for (const [label, f] of forms) {
    const fused = checkRewrite(model(f), fuseLayerNorm, { rtol: 1e-4, atol: 1e-4 });
    const h = histogram(fused);
    assert.deepEqual([h['MVN'], h['Multiply'], h['Add'], h['ReduceMean'] ?? 0], [1, 1, 1, 0], label);
    const mvn = fused.getOrderedOps().find((n) => n.type === 'MVN')!;
    assert.equal(mvn.attrs['epsMode'], 'INSIDE_SQRT', label);
    assert.equal(mvn.attrs['normalizeVariance'], true, label);
    assert.ok(Math.abs(Number(mvn.attrs['eps']) - 1e-5) < 1e-9, label);
  }
});

test('LayerNorm fusion leaves mismatched axes, a non-square and a shared centred tensor alone', () => {
  const cases: Array<(x: Output) => Node> = [
    (x) => {
      const d = opset.subtract(x, opset.reduceMean(x, [-1], true));
      return opset.divide(d, opset.sqrt(opset.add(opset.reduceMean(opset.power(d, c(2)), [1], true), c(1e-5))));
    },
    (x) => {
      const d = opset.subtract(x, opset.reduceMean(x, [-1], true));
      return opset.divide(d, opset.sqrt(opset.add(opset.reduceMean(opset.power(d, c(3)), [-1], true), c(1e-5))));
    },
    (x) => {
      const d = opset.subtract(x, opset.reduceMean(x, [-1], true));
      const n = opset.divide(d, opset.sqrt(opset.add(opset.reduceMean(opset.power(d, c(2)), [-1], true), c(1e-5))));
      return opset.add(n, d);
    },
  ];
  for (const f of cases) {
    const m = model(f)();
    const before = histogram(m);
    assert.equal(fuseLayerNorm(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});
