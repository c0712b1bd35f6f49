import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, Model, Tensor, opset, saveModelSync } from '../../src/index.js';
import { tensorToNpy } from '../../src/tools/npy.js';
import { randomArray } from '../util/assert.js';
import { convNet, cosine, ids, nodesOfType, randomInputs, runModel, tinyLm } from './nets.js';

// The CLI compiled next to these tests, whichever output folder the build used.
const cli = join(import.meta.dirname, '../../src/tools/cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

test('tsvino quantize calibrates on flat <input>.<k>.npy files and writes a quantized IR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-cli-quant-'));
  const model = convNet();
  saveModelSync(model, join(dir, 'model.xml'), false);
  mkdirSync(join(dir, 'data'));
  randomInputs(model, 12, 3).forEach((s, k) => writeFileSync(join(dir, 'data', `x.${k}.npy`), tensorToNpy(s['x']!)));
  const r = run('quantize', '-m', join(dir, 'model.xml'), '-o', join(dir, 'q.xml'), '--data', join(dir, 'data'),
    '--subset-size', '10', '--preset', 'mixed', '-d', 'TEMPLATE', '--ignored-scope', 'names=fc', '--compress-to-fp16', 'false');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Calibrated on 10 samples; 4 FakeQuantize ops inserted/);
  const q = new Core().readModelSync(join(dir, 'q.xml'));
  assert.equal(nodesOfType(q, 'FakeQuantize').length, 4, 'conv1 and conv2, fc ignored');
  const sample = randomInputs(model, 1, 77)[0]!;
  assert.ok(cosine(runModel(q, sample), runModel(model, sample)) > 0.99);
  assert.match(readFileSync(join(dir, 'q.xml'), 'utf8'), /<info name="quantization">\s*<info name="preset" value="mixed"\/>/);
});

test('tsvino quantize reads one sub-folder per sample for multi-input models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-cli-quant2-'));
  const a = opset.parameter('f32', [1, 8], 'input:a'), b = opset.parameter('f32', [1, 8], 'b');
  const y = opset.add(opset.matMul(a, opset.constant('f32', [8, 4], randomArray(32, 1)), {}, 'fa'),
    opset.matMul(b, opset.constant('f32', [8, 4], randomArray(32, 2)), {}, 'fb'), {}, 'sum');
  saveModelSync(new Model([y], [a, b], 'two_inputs'), join(dir, 'model.xml'), false);
  for (let s = 0; s < 3; s++) {
    mkdirSync(join(dir, 'data', `sample${s + 1}`), { recursive: true });
    writeFileSync(join(dir, 'data', `sample${s + 1}`, 'input_a.npy'), tensorToNpy(new Tensor('f32', [1, 8], randomArray(8, 10 + s))));
    writeFileSync(join(dir, 'data', `sample${s + 1}`, 'b.npy'), tensorToNpy(new Tensor('f32', [1, 8], randomArray(8, 20 + s))));
  }
  const r = run('quantize', '-m', join(dir, 'model.xml'), '-o', join(dir, 'q.xml'), '--data', join(dir, 'data'), '-d', 'TEMPLATE');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Calibrated on 3 samples; 4 FakeQuantize ops inserted/);
  // A sample without every input is a one-line error naming what is missing.
  writeFileSync(join(dir, 'data', 'sample1', 'b.npy'), '');
  mkdirSync(join(dir, 'data', 'sample4'));
  writeFileSync(join(dir, 'data', 'sample4', 'b.npy'), tensorToNpy(new Tensor('f32', [1, 8], randomArray(8, 5))));
  const bad = run('quantize', '-m', join(dir, 'model.xml'), '-o', join(dir, 'q2.xml'), '--data', join(dir, 'data'), '-d', 'TEMPLATE');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^tsvino: error: InputError: .*sample4 lacks "input:a"\.npy\n$/);
});

test('tsvino compress-weights writes int4 group-wise weights with a much smaller .bin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-cli-compress-'));
  const model = tinyLm();
  saveModelSync(model, join(dir, 'model.xml'), false);
  const r = run('compress-weights', '-m', join(dir, 'model.xml'), '-o', join(dir, 'int4.xml'), '--mode', 'int4_asym', '--group-size', '16', '--ratio', '0.8');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\[ SUCCESS \] BIN file: .*int4\.bin/);
  const xml = readFileSync(join(dir, 'int4.xml'), 'utf8');
  assert.match(xml, /element_type="u4"/);
  assert.match(xml, /element_type="u8"/, 'the embedding and lm_head stay int8');
  assert.ok(statSync(join(dir, 'int4.bin')).size < 0.3 * statSync(join(dir, 'model.bin')).size);
  const back = new Core().readModelSync(join(dir, 'int4.xml'));
  assert.ok(cosine(runModel(back, ids(1)), runModel(model, ids(1))) > 0.97);
  const bad = run('compress-weights', '-m', join(dir, 'model.xml'), '-o', join(dir, 'x.xml'), '--ratio', '2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--ratio must be a number in \[0, 1\]/);
});
