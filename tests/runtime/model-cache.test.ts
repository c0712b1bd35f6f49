import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Core, InputError, Model, ModelFormatError, Tensor, opset, registerPlugin } from '../../src/index.js';
import type { Plugin, Properties } from '../../src/index.js';
import { PRETRANSFORMED_KEY } from '../../src/plugins/plugin.js';
import { templatePlugin } from '../../src/plugins/template/template-plugin.js';
import { assertTensor, randomArray } from '../util/assert.js';
import { defaultModelPath } from './model-paths.js';
import { onnxModel } from '../util/onnx-builder.js';

/** TEMPLATE under another name, remembering the config of every compile it was asked for. */
const compiles: Properties[] = [];
const countingPlugin: Plugin = {
  ...templatePlugin,
  name: 'COUNTING',
  compile(model, config) {
    compiles.push(config);
    return templatePlugin.compile(model, config);
  },
};
registerPlugin(countingPlugin);

const image = new Tensor('f32', [1, 3, 64, 64], randomArray(3 * 64 * 64, 3));
const expected = new Core().compileModelSync(defaultModelPath, 'TEMPLATE').createInferRequest().infer({ image })['probabilities']!;
const blobs = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.blob'));
const fresh = (): string => mkdtempSync(join(tmpdir(), 'tsvino-cache-'));

function scaleModel(factor: number): Model {
  const x = opset.parameter('f32', [1, 4], 'x');
  const y = opset.multiply(x, opset.constant('f32', [1], new Float32Array([factor])));
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'scale');
}

test('CACHE_DIR: the first compile stores a blob, the next one loads it and skips transformations', () => {
  const dir = fresh();
  compiles.length = 0;
  const first = new Core();
  first.setProperty({ CACHE_DIR: dir });
  const miss = first.compileModelSync(defaultModelPath, 'COUNTING');
  assert.equal(miss.getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(blobs(dir).length, 1);
  assert.equal(compiles[0]![PRETRANSFORMED_KEY], undefined);
  const hit = new Core().compileModelSync(defaultModelPath, 'COUNTING', { CACHE_DIR: dir });
  assert.equal(hit.getProperty('LOADED_FROM_CACHE'), true);
  assert.equal(compiles.length, 2);
  assert.equal(compiles[1]![PRETRANSFORMED_KEY], true);
  assert.ok(!(hit.getProperty('SUPPORTED_PROPERTIES') as string[]).includes(PRETRANSFORMED_KEY), 'the private flag is not a property');
  assert.throws(() => hit.getProperty(PRETRANSFORMED_KEY), InputError);
  assert.deepEqual(hit.inputs.map((i) => i.anyName), ['image']);
  assertTensor(hit.createInferRequest().infer({ image })['probabilities']!, expected);
  assert.equal(blobs(dir).length, 1);
});

test('CACHE_DIR: a changed config or a changed model misses; the same Model object hits', () => {
  const dir = fresh();
  const core = new Core();
  core.setProperty({ CACHE_DIR: dir });
  const doubling = scaleModel(2);
  assert.equal(core.compileModelSync(doubling, 'COUNTING').getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(core.compileModelSync(doubling, 'COUNTING').getProperty('LOADED_FROM_CACHE'), true);
  assert.equal(core.compileModelSync(doubling.clone(), 'COUNTING').getProperty('LOADED_FROM_CACHE'), true, 'equal content hits');
  // Node names are content (profiling reports them), and a separately built graph gets new ones.
  assert.equal(core.compileModelSync(scaleModel(2), 'COUNTING').getProperty('LOADED_FROM_CACHE'), false);
  const profiled = core.compileModelSync(doubling, 'COUNTING', { ENABLE_PROFILING: true });
  assert.equal(profiled.getProperty('LOADED_FROM_CACHE'), false, 'config is part of the key');
  const changedModel = scaleModel(3);
  const changed = core.compileModelSync(changedModel, 'COUNTING');
  assert.equal(changed.getProperty('LOADED_FROM_CACHE'), false, 'weights are part of the key');
  assert.equal(core.compileModelSync(doubling, 'TEMPLATE').getProperty('LOADED_FROM_CACHE'), false, 'device is part of the key');
  assert.equal(blobs(dir).length, 5);
  const out = core.compileModelSync(changedModel, 'COUNTING').createInferRequest().infer({ x: new Float32Array([1, 2, 3, 4]) });
  assert.deepEqual([...(out['y']!.data as Float32Array)], [3, 6, 9, 12]);
  // A cached profiled model still profiles.
  const cachedProfiled = core.compileModelSync(doubling, 'COUNTING', { ENABLE_PROFILING: true });
  assert.equal(cachedProfiled.getProperty('LOADED_FROM_CACHE'), true);
  const request = cachedProfiled.createInferRequest();
  request.infer({ x: new Float32Array(4) });
  assert.ok(request.getProfilingInfo().some((p) => p.nodeType === 'Multiply' && p.status === 'EXECUTED'));
});

test('CACHE_DIR: a corrupt or truncated blob is replaced by a fresh compile, never an error', () => {
  const dir = fresh();
  const core = new Core();
  core.compileModelSync(defaultModelPath, 'COUNTING', { CACHE_DIR: dir });
  const file = join(dir, blobs(dir)[0]!);
  const good = readFileSync(file);
  const damaged = [Buffer.from('garbage'), good.subarray(0, good.length - 100), Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([good[good.length - 1]! ^ 0xff])])];
  for (const bytes of damaged) {
    writeFileSync(file, bytes);
    const compiled = core.compileModelSync(defaultModelPath, 'COUNTING', { CACHE_DIR: dir });
    assert.equal(compiled.getProperty('LOADED_FROM_CACHE'), false);
    assertTensor(compiled.createInferRequest().infer({ image })['probabilities']!, expected);
    assert.deepEqual(readFileSync(file), good, 'the blob was rewritten');
  }
  assert.equal(core.compileModelSync(defaultModelPath, 'COUNTING', { CACHE_DIR: dir }).getProperty('LOADED_FROM_CACHE'), true);
});

test('CACHE_DIR with an ONNX path: read twice it hits; changed external data misses', () => {
  const dir = fresh();
  const cache = join(dir, 'cache');
  writeFileSync(join(dir, 'w.bin'), Buffer.from(new Float32Array([2, 3]).buffer));
  writeFileSync(join(dir, 'mul.onnx'), onnxModel({
    inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y', dims: [2] }],
    nodes: [{ op: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
    externalInitializers: [{ name: 'w', dims: [2], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] }],
  }));
  const core = new Core();
  const run = (c: ReturnType<Core['compileModelSync']>) => [...(c.createInferRequest().infer({ x: new Float32Array([1, 1]) })['y']!.data as Float32Array)];
  const first = core.compileModelSync(join(dir, 'mul.onnx'), 'COUNTING', { CACHE_DIR: cache });
  assert.equal(first.getProperty('LOADED_FROM_CACHE'), false);
  const second = core.compileModelSync(join(dir, 'mul.onnx'), 'COUNTING', { CACHE_DIR: cache });
  assert.equal(second.getProperty('LOADED_FROM_CACHE'), true);
  assert.deepEqual(run(second), [2, 3]);
  writeFileSync(join(dir, 'w.bin'), Buffer.from(new Float32Array([5, 7]).buffer));
  utimesSync(join(dir, 'w.bin'), new Date(), new Date(Date.now() + 10_000));
  const changed = core.compileModelSync(join(dir, 'mul.onnx'), 'COUNTING', { CACHE_DIR: cache });
  assert.equal(changed.getProperty('LOADED_FROM_CACHE'), false);
  assert.deepEqual(run(changed), [5, 7]);
});

test('CACHE_DIR on CPU: cached and fresh compiles agree', () => {
  const dir = fresh();
  const core = new Core();
  const a = core.compileModelSync(defaultModelPath, 'CPU', { CACHE_DIR: dir }).createInferRequest().infer({ image });
  const b = core.compileModelSync(defaultModelPath, 'CPU', { CACHE_DIR: dir });
  assert.equal(b.getProperty('LOADED_FROM_CACHE'), true);
  assertTensor(b.createInferRequest().infer({ image })['probabilities']!, a['probabilities']!, { rtol: 1e-5 });
});

test('exportModelSync / importModelSync / importModel round trip (buffer, tensor, stream); wrong device and bad bytes are typed errors', async () => {
  const core = new Core();
  const compiled = core.compileModelSync(defaultModelPath, 'TEMPLATE');
  const blob = compiled.exportModelSync();
  assert.ok(Buffer.isBuffer(blob));
  const imported = core.importModelSync(blob, 'TEMPLATE');
  assert.deepEqual(imported.outputs.map((o) => o.anyName), ['probabilities']);
  assertTensor(imported.createInferRequest().infer({ image })['probabilities']!, expected);
  const fromTensor = await core.importModel(new Tensor('u8', [blob.length], new Uint8Array(blob)), 'TEMPLATE');
  assertTensor(fromTensor.createInferRequest().infer({ image })['probabilities']!, expected);
  const fromStream = await core.importModel(Readable.from([blob.subarray(0, 1000), blob.subarray(1000)]), 'TEMPLATE', { ENABLE_PROFILING: true });
  const request = fromStream.createInferRequest();
  assertTensor(request.infer({ image })['probabilities']!, expected);
  assert.ok(request.getProfilingInfo().length > 0, 'import config overrides the exported one');
  assert.throws(() => core.importModelSync(blob, 'CPU'), (e: unknown) => e instanceof InputError && /exported from device TEMPLATE/.test(e.message));
  assert.throws(() => core.importModelSync(Buffer.from('not a model'), 'TEMPLATE'), ModelFormatError);
  assert.throws(() => core.importModelSync(blob.subarray(0, blob.length - 10), 'TEMPLATE'), /truncated/);
  await assert.rejects(core.importModel(Buffer.alloc(0), 'TEMPLATE'), ModelFormatError);
});
