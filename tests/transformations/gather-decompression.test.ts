import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node } from '../../src/core/node.js';
import { Tensor } from '../../src/core/tensor.js';
import { opset } from '../../src/ops/index.js';
import { gatherCompressedRows } from '../../src/transformations/gather-decompression.js';
import { assertTensor, randomArray } from '../util/assert.js';
import { histogram, runTemplate } from './helpers.js';

const [V, D] = [11, 6];

/** ids[2,3] → Gather(scale · (Convert(codes) − zp), ids, axis): a compressed embedding table. */
function embedding(opts: { codes?: 'u8' | 'i8' | 'u4'; scaleShape?: number[]; zeroPoint?: boolean; axis?: number } = {}): Model {
  const type = opts.codes ?? 'u8';
  const count = V * D;
  const values = Array.from(randomArray(count, 3, 0, type === 'u4' ? 15 : 127), Math.floor);
  let x: Node = opset.convert(opset.constant(type, [V, D], type === 'i8' ? values.map((v) => v - 64) : values), 'f32');
  if (opts.zeroPoint !== false) x = opset.subtract(x, opset.convert(opset.constant('u8', [V, 1], Array.from({ length: V }, (_, i) => i % 9)), 'f32'));
  const scaleShape = opts.scaleShape ?? [V, 1];
  x = opset.multiply(x, opset.constant('f32', scaleShape, randomArray(scaleShape.reduce((a, b) => a * b, 1), 5, 0.01, 0.1)));
  const ids = opset.parameter('i64', [2, 3], 'ids');
  const y = opset.gather(x, ids, opts.axis ?? 0, 0, 'embedding');
  y.output(0).setNames(['y']);
  return new Model([y], [ids], 'embedding');
}

const ids = new Tensor('i64', [2, 3], BigInt64Array.from([0n, 10n, 4n, 4n, 7n, 1n]));

function checkRewritten(build: () => Model): Model {
  const [original, rewritten] = [build(), build()];
  assert.equal(gatherCompressedRows(rewritten), 1);
  rewritten.validate();
  assert.deepEqual(rewritten.outputs[0]!.names, original.outputs[0]!.names);
  assertTensor(runTemplate(rewritten, [ids])[0]!, runTemplate(original, [ids])[0]!, { rtol: 0, atol: 0 });
  return rewritten;
}

test('gather decompression: an embedding over u8/i8 codes gathers the codes, zero points and scales, exactly', () => {
  for (const codes of ['u8', 'i8'] as const) {
    const m = checkRewritten(() => embedding({ codes }));
    const gathers = m.getOrderedOps().filter((n) => n.type === 'Gather');
    assert.deepEqual(gathers.map((g) => g.inputValue(0).node.type).sort(), ['Constant', 'Convert', 'Constant'].sort(),
      `${codes}: codes, zero points and scales are gathered`);
    // The Convert to f32 reads only the gathered rows.
    const convert = m.getOrderedOps().find((n) => n.type === 'Convert' && n.inputValue(0).node.type === 'Gather')!;
    assert.deepEqual(convert.output(0).getShape(), [2, 3, D]);
  }
});

test('gather decompression: symmetric codes and per-column scales (kept ungathered)', () => {
  const m = checkRewritten(() => embedding({ zeroPoint: false, scaleShape: [1, D] }));
  assert.equal(histogram(m)['Gather'], 1, 'only the codes are gathered');
  assert.equal(histogram(m)['Subtract'], undefined);
});

test('gather decompression leaves 4-bit tables and other axes alone', () => {
  for (const m of [embedding({ codes: 'u4' }), embedding({ axis: 1 })]) {
    const before = histogram(m);
    assert.equal(gatherCompressedRows(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});
