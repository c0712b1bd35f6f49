import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, quantize, saveModelSync } from '../../src/index.js';
import { toNumbers } from '../../src/core/tensor.js';
import { convNet, cosine, nodesOfType, randomInputs, runModel, transformerNet } from './nets.js';

test('quantized models save as OpenVINO IR with FakeQuantize layers and read back with the same results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-quant-ir-'));
  for (const [make, options] of [[convNet, {}], [transformerNet, { modelType: 'transformer' as const }]] as const) {
    const model = make();
    const q = await quantize(model, randomInputs(model, 8, 1), { targetDevice: 'TEMPLATE', ...options });
    const xml = join(dir, `${model.getName()}.xml`);
    saveModelSync(q, xml, false);
    const text = readFileSync(xml, 'utf8');
    assert.match(text, /<layer id="\d+" name="[^"]*fq_weights_1" type="FakeQuantize" version="opset1">\s*<data levels="127" auto_broadcast="numpy"\s*\/>/);
    assert.match(text, /type="FakeQuantize" version="opset1">\s*<data levels="256"/);
    const back = new Core().readModelSync(xml);
    assert.equal(nodesOfType(back, 'FakeQuantize').length, nodesOfType(q, 'FakeQuantize').length);
    for (const sample of randomInputs(model, 2, 40)) {
      assert.deepEqual(Array.from(toNumbers(runModel(back, sample))), Array.from(toNumbers(runModel(q, sample))));
    }
    // Saved with the default f16 weights, as OpenVINO's tools save them, it still tracks float.
    saveModelSync(q, join(dir, 'f16.xml'));
    const half = new Core().readModelSync(join(dir, 'f16.xml'));
    const sample = randomInputs(model, 1, 41)[0]!;
    assert.ok(cosine(runModel(half, sample), runModel(model, sample)) > 0.99);
  }
});
