import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, Model, Tensor, opset, quantize, type Node } from '../../src/index.js';
import { randomArray } from '../util/assert.js';
import { percentiles } from '../../src/quantization/statistics.js';
import { toNumbers } from '../../src/core/tensor.js';
import { convNet, cosine, nodeNamed, nodesOfType, randomInputs, runModel, transformerNet } from './nets.js';

const opts = { targetDevice: 'TEMPLATE', subsetSize: 24 } as const;

/** The FakeQuantize feeding input `i` of the node named `name`, if any. */
const fqOn = (m: Model, name: string, i: number): Node | undefined => {
  const src = nodeNamed(m, name).inputValue(i).node;
  return src.type === 'FakeQuantize' ? src : undefined;
};
const values = (n: Node, i: number): number[] => {
  const v = n.inputValue(i).node.attrs['value'];
  assert.ok(v instanceof Tensor, 'a constant input');
  return Array.from(toNumbers(v));
};

test('quantize puts FakeQuantize on the weights and activation inputs of convolutions and MatMuls', async () => {
  const model = convNet();
  const q = await quantize(model, randomInputs(model, 24, 1), opts);
  assert.equal(nodesOfType(model, 'FakeQuantize').length, 0, 'the input model is left alone');
  for (const layer of ['conv1', 'conv2', 'fc']) {
    const act = fqOn(q, layer, 0), weight = fqOn(q, layer, 1);
    assert.ok(act && weight, `${layer} has both quantizers`);
    assert.equal(act.attrs['levels'], 256);
    assert.equal(weight.attrs['levels'], 127, 'overflow fix: 7-bit weights by default');
    assert.equal(weight.inputValue(0).node.type, 'Constant');
  }
  assert.equal(fqOn(q, 'conv1', 0)!.inputValue(0).node.type, 'Parameter');
  assert.equal(fqOn(q, 'conv2', 0)!.inputValue(0).node.friendlyName, 'relu1', 'activation FQ sits after the ReLU');
  assert.equal(fqOn(q, 'fc', 0)!.inputValue(0).node.friendlyName, 'pool');
  assert.equal(nodesOfType(q, 'FakeQuantize').length, 6);
});

test('weight ranges are symmetric, one per output channel, from the weight\'s own maxima', async () => {
  const model = convNet();
  const q = await quantize(model, randomInputs(model, 8, 2), opts);
  const conv = fqOn(q, 'conv2', 1)!;
  assert.deepEqual(conv.inputValue(1).shape, [8, 1, 1, 1]);
  const w = values(nodeNamed(model, 'conv2'), 1);
  const high = values(conv, 2), low = values(conv, 1);
  for (let o = 0; o < 8; o++) {
    const max = Math.max(...w.slice(o * 72, (o + 1) * 72).map(Math.abs));
    assert.ok(Math.abs(high[o]! - max) < 1e-6, `channel ${o}: ${high[o]} vs ${max}`);
    assert.equal(low[o], -high[o]!);
  }
  const fc = fqOn(q, 'fc', 1)!; // MatMul weight [K=8, N=4]: one range per output column
  assert.deepEqual(fc.inputValue(1).shape, [1, 4]);
});

test('presets: performance is symmetric, mixed is asymmetric with an integer zero point', async () => {
  const model = transformerNet();
  const data = randomInputs(model, 16, 3);
  const perf = await quantize(model, data, { ...opts, preset: 'performance', smoothQuantAlpha: -1 });
  const mixed = await quantize(model, data, { ...opts, preset: 'mixed', smoothQuantAlpha: -1 });
  // The Q projection reads the scaled LayerNorm output, which takes both signs.
  const [pl, ph] = [values(fqOn(perf, 'q', 0)!, 1)[0]!, values(fqOn(perf, 'q', 0)!, 2)[0]!];
  assert.ok(pl < 0 && Math.abs(pl / ph + 128 / 127) < 1e-6, `symmetric signed range [${pl}, ${ph}]`);
  const [ml, mh] = [values(fqOn(mixed, 'q', 0)!, 1)[0]!, values(fqOn(mixed, 'q', 0)!, 2)[0]!];
  const zeroPoint = -ml / ((mh - ml) / 255);
  assert.ok(Math.abs(zeroPoint - Math.round(zeroPoint)) < 1e-3, `zero point ${zeroPoint} is an integer`);
  assert.ok(Math.abs(ml / mh + 128 / 127) > 1e-3, 'mixed range is not the symmetric one');
  // After the ReLU, symmetric means unsigned [0, max].
  assert.equal(values(fqOn(perf, 'mlp_down', 0)!, 1)[0], 0);
  // Weights stay symmetric under both presets.
  const w = fqOn(mixed, 'q', 1)!;
  assert.deepEqual(values(w, 1), values(w, 2).map((v) => -v));
});

test('quantized models stay close to float on held-out inputs (cosine ≥ 0.99), on TEMPLATE and CPU', async () => {
  for (const make of [convNet, transformerNet]) {
    const model = make();
    const q = await quantize(model, randomInputs(model, 32, 4), { ...opts, ...(make === transformerNet ? { modelType: 'transformer' as const } : {}) });
    for (const sample of randomInputs(model, 6, 99)) {
      const ref = runModel(model, sample);
      for (const device of ['TEMPLATE', 'CPU']) {
        const c = cosine(runModel(q, sample, device), ref);
        assert.ok(c >= 0.99, `${model.getName()} on ${device}: cosine ${c}`);
      }
    }
  }
});

test('transformer mode quantizes both inputs of the attention MatMuls and inserts SmoothQuant scales', async () => {
  const model = transformerNet();
  const q = await quantize(model, randomInputs(model, 16, 5, [3, 9]), { ...opts, modelType: 'transformer' });
  for (const name of ['scores', 'context']) {
    assert.ok(fqOn(q, name, 0) && fqOn(q, name, 1), `${name} has activation FQs on both inputs`);
  }
  const smooth = nodesOfType(q, 'Multiply').filter((n) => n.friendlyName.endsWith('smooth_quant_multiply'));
  assert.equal(smooth.length, 4, 'one shared scale for q/k/v, one each for attn_out, mlp_up and mlp_down');
  assert.equal(q.getRtInfo()['quantization'] !== undefined, true);
  assert.equal((q.getRtInfo()['quantization'] as Record<string, string>)['preset'], 'mixed');
});

test('ignoredScope leaves named, typed and pattern-matched nodes in float, and rejects entries that match nothing', async () => {
  const model = transformerNet();
  const data = randomInputs(model, 8, 6);
  const q = await quantize(model, data, { ...opts, ignoredScope: { names: ['q'], types: ['Softmax'], patterns: ['mlp_.*'] }, smoothQuantAlpha: -1 });
  for (const name of ['q', 'mlp_up', 'mlp_down']) {
    assert.equal(fqOn(q, name, 0), undefined, `${name} input stays float`);
    assert.equal(fqOn(q, name, 1), undefined, `${name} weight stays float`);
  }
  assert.ok(fqOn(q, 'k', 0) && fqOn(q, 'k', 1), 'k is still quantized');
  const c = await quantize(convNet(), randomInputs(convNet(), 4, 6), { ...opts, ignoredScope: { types: ['Convolution'] } });
  assert.equal(fqOn(c, 'conv1', 0), undefined);
  assert.ok(fqOn(c, 'fc', 1));
  await assert.rejects(quantize(model, data, { ...opts, ignoredScope: { names: ['no_such_node'] } }),
    (e: Error) => e instanceof InputError && /name "no_such_node" matched no node/.test(e.message));
  await assert.rejects(quantize(model, data, { ...opts, ignoredScope: { patterns: ['(unclosed'] } }), InputError);
});

test('fast bias correction removes the output mean shift that coarse weight grids cause', async () => {
  // Each weight column holds one outlier, so its int8 step is coarse and the small weights round
  // with a bias; with positive inputs that shifts every output channel's mean.
  const w = randomArray(64 * 8, 21, -0.05, 0.05);
  for (let c = 0; c < 8; c++) w[(c * 7) * 8 + c] = 3;
  const x = opset.parameter('f32', [1, 64], 'x');
  const y = opset.add(opset.matMul(x, opset.constant('f32', [64, 8], w), {}, 'fc'), opset.constant('f32', [8], new Float32Array(8).fill(0.1)), {}, 'fc/bias');
  const model = new Model([y], [x], 'outlier_fc');
  const positive = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ({ x: new Tensor('f32', [1, 64], randomArray(64, seed + i, 0, 2)) }));
  const calibration = positive(32, 100), held = positive(32, 500);
  const meanShift = (m: Model): number => {
    const d = new Float64Array(8);
    for (const s of held) {
      const q = toNumbers(runModel(m, s)), r = toNumbers(runModel(model, s));
      for (let c = 0; c < 8; c++) d[c]! += (q[c]! - r[c]!) / held.length;
    }
    return Math.sqrt(d.reduce((a, v) => a + v * v, 0));
  };
  const without = await quantize(model, calibration, { ...opts, fastBiasCorrection: false });
  const withBc = await quantize(model, calibration, { ...opts, fastBiasCorrection: true });
  assert.match(nodeNamed(withBc, 'fc/bias').inputValue(1).node.friendlyName, /bias_corrected$/);
  assert.equal(nodeNamed(without, 'fc/bias').inputValue(1).node.type, 'Constant');
  const [a, b] = [meanShift(without), meanShift(withBc)];
  assert.ok(b < a / 3, `output mean shift ${b} with correction, ${a} without`);
});

test('calibration data may be a generator or async iterable; subsetSize caps how many samples are read', async () => {
  const model = convNet();
  const data = randomInputs(model, 10, 8);
  let read = 0;
  function* generator() { for (const d of data) { read++; yield d; } }
  const fromGenerator = await quantize(model, generator(), { ...opts, subsetSize: 4 });
  assert.equal(read, 4, 'a one-shot generator is read once, only as far as subsetSize');
  async function* asyncGenerator() { for (const d of data.slice(0, 4)) yield d; }
  const fromAsync = await quantize(model, asyncGenerator(), { ...opts, subsetSize: 4 });
  const fromArray = await quantize(model, data, { ...opts, subsetSize: 4 });
  const range = (m: Model): number[] => values(fqOn(m, 'conv1', 0)!, 2);
  assert.deepEqual(range(fromGenerator), range(fromArray));
  assert.deepEqual(range(fromAsync), range(fromArray));
  await assert.rejects(quantize(model, [], opts), (e: Error) => e instanceof InputError && /empty/.test(e.message));
  await assert.rejects(quantize(model, data, { ...opts, subsetSize: 0 }), InputError);
  await assert.rejects(quantize(model, data, { ...opts, preset: 'fast' as never }), InputError);
  await assert.rejects(quantize(fromArray, data, opts), (e: Error) => e instanceof InputError && /already quantized/.test(e.message));
});

test('range estimators: minmax ⊇ mean_minmax, and percentile clips an outlier', async () => {
  const model = convNet();
  const data = randomInputs(model, 12, 9);
  (data[0]!['x']!.data as Float32Array)[5] = 40; // one outlier pixel in one sample
  const high = async (rangeEstimator: 'minmax' | 'mean_minmax' | 'percentile'): Promise<number> =>
    values(fqOn(await quantize(model, data, { ...opts, rangeEstimator, fastBiasCorrection: false }), 'conv1', 0)!, 2)[0]!;
  const [mm, mean, pct] = [await high('minmax'), await high('mean_minmax'), await high('percentile')];
  assert.ok(Math.abs(mm - 40) < 1e-9, `minmax keeps the outlier: ${mm}`);
  assert.ok(mean < mm && mean > 1, `mean_minmax: ${mean}`);
  assert.ok(pct < mean, `percentile: ${pct}`);
});

test('percentiles match a sorted reference, interpolating between neighbours', () => {
  const data = randomArray(10001, 77, -5, 5);
  const sorted = Float64Array.from(data).sort();
  for (const p of [99, 99.99, 75, 100]) {
    const pos = (p / 100) * (sorted.length - 1), i = Math.floor(pos), f = pos - i;
    const high = i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
    const lowPos = ((100 - p) / 100) * (sorted.length - 1), li = Math.floor(lowPos), lf = lowPos - li;
    const low = sorted[li]! * (1 - lf) + sorted[li + 1]! * lf;
    const [gotLow, gotHigh] = percentiles(data, p);
    assert.ok(Math.abs(gotHigh - high) < 1e-12 && Math.abs(gotLow - low) < 1e-12, `p=${p}: [${gotLow}, ${gotHigh}] vs [${low}, ${high}]`);
  }
  assert.deepEqual(percentiles(Float32Array.of(Number.NaN, 2, Infinity), 99), [2, 2]);
});

test('overflowFix: 8-bit weights when disabled, 7-bit on the first layer only under first_layer', async () => {
  const model = convNet();
  const off = await quantize(model, randomInputs(model, 8, 1), { ...opts, overflowFix: 'disable' });
  for (const layer of ['conv1', 'conv2', 'fc']) assert.equal(fqOn(off, layer, 1)!.attrs['levels'], 255, layer);
  const first = await quantize(model, randomInputs(model, 8, 1), { ...opts, overflowFix: 'first_layer' });
  assert.deepEqual(['conv1', 'conv2', 'fc'].map((layer) => fqOn(first, layer, 1)!.attrs['levels']), [127, 255, 255]);
  await assert.rejects(quantize(model, randomInputs(model, 8, 1), { ...opts, overflowFix: 'sometimes' as never }), /overflowFix must be one of/);
});
