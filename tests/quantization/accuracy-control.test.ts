import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, InputError, Model, Tensor, opset, quantize, quantizeWithAccuracyControl, type CalibrationDataset, type CompiledModel } from '../../src/index.js';
import { randomArray } from '../util/assert.js';
import { cosine, nodeNamed, runModel } from './nets.js';

/**
 * fc1 → fc2 → fc3, where fc1's first output channel is huge but fc2 ignores it (its weight row
 * is zero): the per-tensor quantizer on fc2's input spends its whole range on that channel, so
 * fc2 is the one layer that int8 breaks.
 */
function outlierChain(): Model {
  const x = opset.parameter('f32', [1, 16], 'x');
  const w1 = randomArray(16 * 16, 1);
  for (let k = 0; k < 16; k++) w1[k * 16] = 200 + k;
  const w2 = randomArray(16 * 8, 2);
  w2.fill(0, 0, 8);
  const fc1 = opset.matMul(x, opset.constant('f32', [16, 16], w1), {}, 'fc1');
  const fc2 = opset.relu(opset.matMul(fc1, opset.constant('f32', [16, 8], w2), {}, 'fc2'), 'act2');
  const fc3 = opset.matMul(fc2, opset.constant('f32', [8, 4], randomArray(32, 3)), {}, 'fc3');
  return new Model([fc3], [x], 'outlier_chain');
}

const samples = (n: number, seed: number) => Array.from({ length: n }, (_, i) => ({ x: new Tensor('f32', [1, 16], randomArray(16, seed + i)) }));

test('accuracy control reverts the most sensitive layer until the metric drop is within maxDrop', async () => {
  const model = outlierChain();
  const calibration = samples(16, 100), validation = samples(12, 900);
  const expected = validation.map((s) => runModel(model, s));
  let calls = 0;
  const validate = async (compiled: CompiledModel, data: CalibrationDataset<{ x: Tensor }>): Promise<number> => {
    calls++;
    let sum = 0, i = 0;
    for await (const s of data) {
      const request = compiled.createInferRequest();
      request.infer(s);
      sum += cosine(request.getOutputTensor(0), expected[i++]!);
    }
    return sum / i;
  };
  const opts = { targetDevice: 'TEMPLATE', fastBiasCorrection: false };
  const plain = await quantize(model, calibration, opts);
  const plainMetric = await validate(await new Core().compileModel(plain, 'TEMPLATE'), validation);
  const maxDrop = 0.002;
  assert.ok(1 - plainMetric > maxDrop, `plain quantization must lose more than maxDrop for this test to mean anything (metric ${plainMetric})`);

  const q = await quantizeWithAccuracyControl(model, calibration, validation, validate, { ...opts, maxDrop });
  const metric = await validate(await new Core().compileModel(q, 'TEMPLATE'), validation);
  assert.ok(1 - metric <= maxDrop, `drop ${1 - metric} exceeds ${maxDrop}`);
  const quantizedInputs = (name: string): number =>
    nodeNamed(q, name).inputs.filter((i) => i.getSourceOutput().node.type === 'FakeQuantize').length;
  assert.equal(quantizedInputs('fc2'), 0, 'fc2 is back in float');
  assert.equal(quantizedInputs('fc1'), 2, 'fc1 stays quantized');
  assert.equal(quantizedInputs('fc3'), 2, 'fc3 stays quantized');
  assert.ok(calls >= 3, 'the float, the quantized and at least one reverted model were validated');
  for (const s of samples(4, 5000)) assert.ok(cosine(runModel(q, s), runModel(model, s)) > 0.99);
});

test('accuracy control returns the quantized model as is when it already meets maxDrop, and checks its inputs', async () => {
  const model = outlierChain();
  const calibration = samples(8, 100);
  const q = await quantizeWithAccuracyControl(model, calibration, samples(4, 900), () => 1, { targetDevice: 'TEMPLATE', maxDrop: 0 });
  for (const name of ['fc1', 'fc2', 'fc3']) assert.equal(nodeNamed(q, name).inputValue(1).node.type, 'FakeQuantize');
  await assert.rejects(quantizeWithAccuracyControl(model, calibration, samples(4, 900), () => Number.NaN, { targetDevice: 'TEMPLATE' }), InputError);
  await assert.rejects(quantizeWithAccuracyControl(model, calibration, samples(4, 900), () => 1, { targetDevice: 'TEMPLATE', maxDrop: -1 }), InputError);
});
