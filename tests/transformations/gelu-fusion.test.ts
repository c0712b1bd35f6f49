import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { fuseGelu } from '../../src/transformations/index.js';
import { checkRewrite, count, histogram } from './helpers.js';

const c = (v: number): Node => opset.constant('f32', [], [v]);
const named = (n: Node, name: string): Node => { n.output(0).setNames([name]); return n; };

/** A model y = f(x) over x [2, 8], with y named and an extra ReLU consumer of x. */
function model(f: (x: Output) => Node): () => Model {
  return () => {
    const x = opset.parameter('f32', [2, 8], 'x');
    const y = named(f(x.output(0)), 'y');
    return new Model([y, opset.relu(x)], [x]);
  };
}

const erfPlusOne = (x: Output, div = Math.SQRT2): Node => opset.add(opset.erf(opset.divide(x, c(div))), c(1));

test('GELU erf forms fuse to Gelu-7 erf with equal numerics and the output name kept', () => {
  const forms: Array<[string, (x: Output) => Node]> = [
    ['(0.5·x)·(1 + erf(x/√2))', (x) => opset.multiply(opset.multiply(x, c(0.5)), erfPlusOne(x))],
    ['x·(0.5·(1 + erf(x/√2)))', (x) => opset.multiply(x, opset.multiply(c(0.5), erfPlusOne(x)))],
    ['(x·(1 + erf(x/√2)))·0.5', (x) => opset.multiply(opset.multiply(erfPlusOne(x), x), c(0.5))],
    ['x·(1/√2) inside erf', (x) => opset.multiply(opset.multiply(x, c(0.5)), opset.add(c(1), opset.erf(opset.multiply(c(Math.SQRT1_2), x))))],
  ];
  for (const [label, f] of forms) {
    const fused = checkRewrite(model(f), fuseGelu);
    const h = histogram(fused);
    assert.equal(h['Gelu'], 1, label);
    assert.equal(h['Erf'] ?? 0, 0, label);
    assert.equal(h['Multiply'] ?? 0, 0, label);
    const gelu = fused.getOrderedOps().find((n) => n.type === 'Gelu')!;
    assert.equal(gelu.attrs['approximationMode'], 'erf', label);

  }
});

test('GELU tanh forms (x³ as Power or x·x·x) fuse to Gelu-7 tanh', () => {
  const k = Math.sqrt(2 / Math.PI);
  const tanhGate = (x: Output, cube: Node): Node =>
    opset.add(opset.tanh(opset.multiply(c(k), opset.add(x, opset.multiply(c(0.044715), cube)))), c(1));
  const forms: Array<[string, (x: Output) => Node]> = [
    ['Power(x, 3)', (x) => opset.multiply(opset.multiply(c(0.5), x), tanhGate(x, opset.power(x, c(3))))],
    ['(x·x)·x as PyTorch exports GPT-2', (x) => opset.multiply(opset.multiply(x, c(0.5)), tanhGate(x, opset.multiply(x, opset.multiply(x, x))))],
  ];
  for (const [label, f] of forms) {
    const fused = checkRewrite(model(f), fuseGelu);
    assert.equal(count(fused, 'Gelu'), 1, label);
    assert.equal(count(fused, 'Tanh'), 0, label);
    assert.equal(fused.getOrderedOps().find((n) => n.type === 'Gelu')!.attrs['approximationMode'], 'tanh', label);
  }
});

test('GELU fusion leaves a wrong constant, a wrong factor and a shared intermediate alone', () => {
  const cases: Array<[string, (x: Output) => Node]> = [
    ['x / 1.5 inside erf', (x) => opset.multiply(opset.multiply(x, c(0.5)), erfPlusOne(x, 1.5))],
    ['0.6 instead of 0.5', (x) => opset.multiply(opset.multiply(x, c(0.6)), erfPlusOne(x))],
    ['erf output also read elsewhere', (x) => {
      const e = opset.erf(opset.divide(x, c(Math.SQRT2)));
      return opset.add(opset.multiply(opset.multiply(x, c(0.5)), opset.add(e, c(1))), e);
    }],
  ];
  for (const [label, f] of cases) {
    const m = model(f)();
    const before = histogram(m);
    assert.equal(fuseGelu(m), 0, label);
    assert.deepEqual(histogram(m), before, label);
  }
});

test('the fused node takes the root friendly name, merged rt_info and fused_names', () => {
  const x = opset.parameter('f32', [2, 8], 'x');
  const e = opset.erf(opset.divide(x, c(Math.SQRT2), {}, 'div'), 'erf');
  e.rtInfo['origin'] = 'exporter';
  const y = opset.multiply(opset.multiply(x, c(0.5), {}, 'half'), opset.add(e, c(1), {}, 'plus1'), {}, 'gelu_out');
  y.output(0).setNames(['y']);
  const m = new Model([y], [x]);
  assert.equal(fuseGelu(m), 1);
  const gelu = m.output(0).node;
  assert.deepEqual([gelu.type, gelu.friendlyName, m.output(0).names], ['Gelu', 'gelu_out', ['y']]);
  assert.equal(gelu.rtInfo['origin'], 'exporter');
  assert.deepEqual(gelu.rtInfo['fused_names'], { version: '0', value: 'erf,plus1,gelu_out,half' });
});
