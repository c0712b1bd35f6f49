import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, compressWeights, quantize, saveModelSync, type Model } from '../../src/index.js';
import { convNet, cosine, ids, nodeNamed, randomInputs, runModel, tinyLm } from './nets.js';

/** The model as OpenVINO's tools save it by default: f16 constants decompressed by a Convert. */
function viaF16Ir(model: Model): Model {
  const xml = join(mkdtempSync(join(tmpdir(), 'tsvino-f16-')), 'model.xml');
  saveModelSync(model, xml, true);
  return new Core().readModelSync(xml);
}

test('f16-stored weights (Constant → Convert) are quantized like f32 ones', async () => {
  const model = viaF16Ir(convNet());
  assert.equal(nodeNamed(model, 'conv2').inputValue(1).node.type, 'Convert');
  const q = await quantize(model, randomInputs(model, 8, 1), { targetDevice: 'TEMPLATE' });
  const fq = nodeNamed(q, 'conv2').inputValue(1).node;
  assert.equal(fq.type, 'FakeQuantize');
  assert.equal(fq.inputValue(0).node.type, 'Convert', 'the weight quantizer reads the decompressed weight');
  const sample = randomInputs(model, 1, 9)[0]!;
  assert.ok(cosine(runModel(q, sample), runModel(model, sample)) > 0.99);
});

test('f16-stored weights are compressed from their f16 values, replacing the Convert', () => {
  const model = viaF16Ir(tinyLm());
  const c = compressWeights(model, { mode: 'int4_asym', groupSize: 16 });
  const reshape = nodeNamed(c, 'fc1').inputValue(1).node;
  assert.equal(reshape.type, 'Reshape');
  const codes = reshape.inputValue(0).node.inputValue(0).node.inputValue(0).node.inputValue(0).node;
  assert.equal(codes.output(0).elementType, 'u4');
  assert.ok(cosine(runModel(c, ids(2)), runModel(model, ids(2))) > 0.98);
});
