import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantize } from '../../src/index.js';
import { toNumbers } from '../../src/core/tensor.js';
import { CalibrationSubset } from '../../src/quantization/dataset.js';
import { smoothQuant } from '../../src/quantization/smooth-quant.js';
import { withExtraOutputs } from '../../src/quantization/collect.js';
import { assertTensor } from '../util/assert.js';
import { cosine, nodeNamed, nodesOfType, randomInputs, runModel, transformerNet } from './nets.js';
import { Core, type Model, type Output } from '../../src/index.js';

const OUTLIERS = [3, 17];

/** Per-channel (last axis) max |value| of one tensor of `model` over the samples. */
function channelMax(model: Model, tensor: Output, samples: ReturnType<typeof randomInputs>): number[] {
  const tapped = withExtraOutputs(model, [tensor]);
  const request = new Core().compileModelSync(tapped, 'TEMPLATE').createInferRequest();
  const max: number[] = [];
  for (const s of samples) {
    request.infer(s);
    const t = request.getOutputTensor(tapped.outputs.length - 1);
    const v = toNumbers(t), c = t.getShape().at(-1)!;
    for (let i = 0; i < v.length; i++) max[i % c] = Math.max(max[i % c] ?? 0, Math.abs(v[i]!));
  }
  return max;
}

test('SmoothQuant is an equivalence transform: outputs are unchanged before quantization', async () => {
  const model = transformerNet();
  const smoothed = model.clone();
  const calibration = randomInputs(model, 16, 1, OUTLIERS);
  const count = await smoothQuant(smoothed, new CalibrationSubset(calibration), { alpha: 0.95, device: 'TEMPLATE', ignored: new Set() });
  assert.equal(count, 4);
  assert.equal(nodesOfType(smoothed, 'Multiply').length, nodesOfType(model, 'Multiply').length + 4);
  for (const sample of randomInputs(model, 4, 50, OUTLIERS)) {
    assertTensor(runModel(smoothed, sample), runModel(model, sample), { rtol: 1e-4, atol: 1e-4 });
  }
});

test('SmoothQuant flattens activation outlier channels into the weights', async () => {
  const model = transformerNet();
  const smoothed = model.clone();
  const calibration = randomInputs(model, 16, 2, OUTLIERS);
  await smoothQuant(smoothed, new CalibrationSubset(calibration), { alpha: 0.95, device: 'TEMPLATE', ignored: new Set() });
  const spread = (m: number[]): number => Math.max(...m) / Math.min(...m);
  // mlp_up reads the residual sum, which carries the input's outlier channels.
  const before = spread(channelMax(model, nodeNamed(model, 'mlp_up').inputValue(0), calibration));
  const after = spread(channelMax(smoothed, nodeNamed(smoothed, 'mlp_up').inputValue(0), calibration));
  assert.ok(after < before / 4, `channel range spread ${after} after, ${before} before`);
  assert.match(nodeNamed(smoothed, 'mlp_up').inputValue(1).node.friendlyName, /smooth_quant$/);
});

test('with activation outliers, quantizing with SmoothQuant (α = 0.5) tracks float better than without', async () => {
  const model = transformerNet();
  const calibration = randomInputs(model, 24, 3, OUTLIERS);
  const base = { targetDevice: 'TEMPLATE', modelType: 'transformer' as const, subsetSize: 24 };
  const withSq = await quantize(model, calibration, { ...base, smoothQuantAlpha: 0.5 });
  const withoutSq = await quantize(model, calibration, { ...base, smoothQuantAlpha: -1 });
  let a = 0, b = 0;
  for (const s of randomInputs(model, 6, 60, OUTLIERS)) {
    const ref = runModel(model, s);
    a += 1 - cosine(runModel(withSq, s), ref);
    b += 1 - cosine(runModel(withoutSq, s), ref);
  }
  assert.ok(a < b, `1 − cosine summed: ${a} with SmoothQuant, ${b} without`);
});
