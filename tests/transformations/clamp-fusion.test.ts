import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { fuseClamp } from '../../src/transformations/index.js';
import { checkRewrite, histogram } from './helpers.js';

const c = (v: number): Node => opset.constant('f32', [], [v]);
function model(f: (x: Output) => Node): () => Model {
  return () => {
    const x = opset.parameter('f32', [2, 9], 'x');
    const y = f(x.output(0));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  };
}

test('Clamp fusion: Minimum(Maximum(x, 0), 6) and Maximum(Minimum(x, hi), lo) become Clamp-1', () => {
  const relu6 = checkRewrite(model((x) => opset.minimum(opset.maximum(x, c(0)), c(6))), fuseClamp);
  assert.deepEqual(histogram(relu6), { Parameter: 1, Clamp: 1, Result: 1 });
  const clamp = relu6.getOrderedOps().find((n) => n.type === 'Clamp')!;
  assert.deepEqual([clamp.attrs['min'], clamp.attrs['max']], [0, 6]);
  const swapped = checkRewrite(model((x) => opset.maximum(c(-1.5), opset.minimum(x, c(2)))), fuseClamp);
  const clamp2 = swapped.getOrderedOps().find((n) => n.type === 'Clamp')!;
  assert.deepEqual([clamp2.attrs['min'], clamp2.attrs['max']], [-1.5, 2]);
});

test('Clamp fusion leaves crossed bounds, a tensor bound and a shared inner result alone', () => {
  const cases = [
    model((x) => opset.minimum(opset.maximum(x, c(6)), c(0))),
    model((x) => opset.minimum(opset.maximum(x, c(0)), opset.constant('f32', [9], [1, 2, 3, 4, 5, 6, 7, 8, 9]))),
    model((x) => { const m = opset.maximum(x, c(0)); return opset.add(opset.minimum(m, c(6)), m); }),
  ];
  for (const build of cases) {
    const m = build();
    const before = histogram(m);
    assert.equal(fuseClamp(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});
