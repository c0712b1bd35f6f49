import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core, Model, ModelFormatError, Tensor, opset, saveModelSync } from '../../src/index.js';
import type { Node } from '../../src/core/node.js';
import { native } from '../../src/plugins/cpu/native.js';
import { randomArray } from '../util/assert.js';
import { defaultModelPath } from './model-paths.js';

/**
 * CACHE_DIR on CPU with the native plan: what a hit restores (the plan, packed weights, the nodes
 * JavaScript runs) must compute exactly what a fresh compile computes.
 */

const folders: string[] = [];
const fresh = (): string => { const dir = mkdtempSync(join(tmpdir(), 'tsvino-cpu-cache-')); folders.push(dir); return dir; };
after(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const blobs = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.blob'));
const w = (shape: number[], seed: number): Node => opset.constant('f32', shape, randomArray(shape.reduce((a, b) => a * b, 1), seed, -0.5, 0.5));

/** Conv (packed weights) → ReLU → Sin (JavaScript) → MatMul, with one result native and one from JavaScript. */
function mixedModel(seed = 1): Model {
  const x = opset.parameter('f32', [1, 3, 8, 8], 'x');
  const conv = opset.relu(opset.convolution(x, w([4, 3, 3, 3], seed), { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }));
  const wave = opset.sin(conv);
  const flat = opset.reshape(wave, opset.constant('i64', [2], [1, 256]), false);
  const logits = opset.add(opset.matMul(flat, w([256, 10], seed + 1)), w([10], seed + 2));
  logits.output(0).setNames(['logits']);
  const tail = opset.sin(logits);
  tail.output(0).setNames(['tail']);
  return new Model([logits, tail], [x], 'mixed');
}

const input = new Tensor('f32', [1, 3, 8, 8], randomArray(3 * 64, 7));
const run = (core: Core, path: string, config: Record<string, string | number | boolean>) => {
  const compiled = core.compileModelSync(path, 'CPU', config);
  return { compiled, out: compiled.createInferRequest().infer({ x: input }) };
};
const values = (t: Tensor | undefined): number[] => [...(t!.data as Float32Array)];

/** mixedModel(seed) saved as an IR in a fresh folder, a cache folder beside it, and a Core. */
function savedMixed(seed: number, file = 'mixed.xml'): { dir: string; cache: string; path: string; core: Core } {
  const dir = fresh();
  const path = join(dir, file);
  saveModelSync(mixedModel(seed), path, false);
  return { dir, cache: join(dir, 'cache'), path, core: new Core() };
}

/**
 * Offsets inside each buffer of a blob as exportModelSync lays it out: a 22-byte magic line, the
 * header's length and crc32, the JSON header, then the buffers 64-byte aligned (the padding between
 * them carries nothing).
 */
function bufferOffsets(blob: Buffer): number[] {
  const headerEnd = 30 + blob.readUInt32LE(22);
  const dataStart = Math.ceil(headerEnd / 64) * 64;
  const ranges = (JSON.parse(blob.subarray(30, headerEnd).toString('utf8')) as { buffers: Array<[number, number]> }).buffers;
  assert.ok(ranges.length >= 3, `${ranges.length} buffers: packed weights, their descriptors, the constants`);
  return ranges.flatMap(([offset, length]) => [0, 0.5, 0.999].map((f) => dataStart + offset + Math.floor(length * f)));
}

function needsNative(t: TestContext): boolean {
  if (!native?.createPlanPacked) t.skip('oneDNN addon (with the model-cache entry points) not built');
  return native?.createPlanPacked !== undefined;
}

test('CPU cache: a hit restores the plan and computes bit for bit what a fresh compile does, JS nodes included', (t) => {
  if (!needsNative(t)) return;
  const dir = fresh();
  const path = join(dir, 'mixed.xml');
  saveModelSync(mixedModel(), path, false);
  const core = new Core();
  const plain = core.compileModelSync(path, 'CPU').createInferRequest().infer({ x: input });
  const miss = run(core, path, { CACHE_DIR: join(dir, 'cache') });
  const hit = run(core, path, { CACHE_DIR: join(dir, 'cache') });
  assert.equal(miss.compiled.getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(hit.compiled.getProperty('LOADED_FROM_CACHE'), true);
  assert.deepEqual(hit.compiled.outputs.map((o) => o.anyName), ['logits', 'tail']);
  assert.deepEqual(hit.compiled.inputs.map((i) => i.anyName), ['x']);
  for (const name of ['logits', 'tail']) {
    assert.deepEqual(values(hit.out[name]), values(plain[name]), `${name} after a hit`);
    assert.deepEqual(values(miss.out[name]), values(plain[name]), `${name} after a miss`);
  }
  // Exported again, the restored plan still computes the same.
  const again = core.importModelSync(hit.compiled.exportModelSync(), 'CPU').createInferRequest().infer({ x: input });
  assert.deepEqual(values(again['logits']), values(plain['logits']));
  // Async inference and a second request run on the restored plan too.
  const request = hit.compiled.createInferRequest();
  return request.inferAsync({ x: input }).then((out) => assert.deepEqual(values(out['tail']), values(plain['tail'])));
});

test('CPU cache: a convolution on oneDNN\'s AVX-512 Winograd (its own weights format) is restored and computes what a fresh compile does', (t) => {
  if (!needsNative(t)) return;
  const dir = fresh();
  const x = opset.parameter('f32', [1, 32, 16, 16], 'x');
  const opts = { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };
  const conv = opset.convolution(opset.relu(opset.convolution(x, w([32, 32, 3, 3], 44), opts, 'conv')), w([16, 32, 1, 1], 45),
    { strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1] });
  const path = join(dir, 'wino16.xml');
  saveModelSync(new Model([conv], [x], 'wino16'), path, false);
  const core = new Core();
  const feed = { x: new Tensor('f32', [1, 32, 16, 16], randomArray(32 * 16 * 16, 46)) };
  const config = { CACHE_DIR: join(dir, 'cache'), ENABLE_PROFILING: true };
  const missRequest = core.compileModelSync(path, 'CPU', config).createInferRequest();
  const want = values(Object.values(missRequest.infer(feed))[0]);
  const hit = core.compileModelSync(path, 'CPU', config);
  assert.equal(hit.getProperty('LOADED_FROM_CACHE'), true);
  const request = hit.createInferRequest();
  assert.deepEqual(values(Object.values(request.infer(feed))[0]), want);
  const avx512 = (native!.effectiveIsa?.() ?? '').startsWith('avx512');
  for (const r of [missRequest, request]) {
    const execType = r.getProfilingInfo().find((e) => e.nodeName === 'conv')?.execType ?? '';
    if (avx512) assert.match(execType, /wino/);
    else assert.match(execType, /^(onednn|tsvino)_/);
  }
});

test('CPU cache: a hit of the bundled model matches a fresh compile exactly', (t) => {
  if (!needsNative(t)) return;
  const dir = fresh();
  const core = new Core();
  const image = new Tensor('f32', [1, 3, 64, 64], randomArray(3 * 64 * 64, 3));
  const want = core.compileModelSync(defaultModelPath, 'CPU').createInferRequest().infer({ image })['probabilities']!;
  core.compileModelSync(defaultModelPath, 'CPU', { CACHE_DIR: dir });
  const hit = core.compileModelSync(defaultModelPath, 'CPU', { CACHE_DIR: dir });
  assert.equal(hit.getProperty('LOADED_FROM_CACHE'), true);
  assert.deepEqual(values(hit.createInferRequest().infer({ image })['probabilities']), values(want));
});

test('CPU cache: profiling after a hit reports the nodes a fresh compile reports', (t) => {
  if (!needsNative(t)) return;
  const dir = fresh();
  const path = join(dir, 'mixed.xml');
  saveModelSync(mixedModel(), path, false);
  const core = new Core();
  const profile = (config: Record<string, string | boolean>) => {
    const request = core.compileModelSync(path, 'CPU', { ENABLE_PROFILING: true, ...config }).createInferRequest();
    request.infer({ x: input });
    return request.getProfilingInfo().map((p) => `${p.nodeName} ${p.nodeType} ${p.status} ${p.execType}`);
  };
  const want = profile({});
  profile({ CACHE_DIR: join(dir, 'cache') });
  assert.deepEqual(profile({ CACHE_DIR: join(dir, 'cache') }), want);
  assert.ok(want.some((p) => p.includes('Sin') && p.includes('EXECUTED')), 'a JS node is profiled');
  assert.ok(want.some((p) => p.includes('Convolution') && p.includes('onednn')), 'a native step is profiled');
});

test('CPU cache: the key is the file (path, size, mtime) and the config; a change to either misses and recompiles', (t) => {
  if (!needsNative(t)) return;
  const { dir, cache, path, core } = savedMixed(1, 'model.xml');
  const first = values(run(core, path, { CACHE_DIR: cache }).out['logits']);
  assert.equal(run(core, path, { CACHE_DIR: cache }).compiled.getProperty('LOADED_FROM_CACHE'), true);

  // Other weights of the same size, written with a later time: a new file for the key.
  saveModelSync(mixedModel(5), path, false);
  const later = new Date(statSync(path).mtimeMs + 5000);
  utimesSync(path, later, later);
  utimesSync(join(dir, 'model.bin'), later, later);
  const changed = run(core, path, { CACHE_DIR: cache });
  assert.equal(changed.compiled.getProperty('LOADED_FROM_CACHE'), false, 'a changed model file misses');
  assert.notDeepEqual(values(changed.out['logits']), first, 'and the new weights are used');
  assert.equal(run(core, path, { CACHE_DIR: cache }).compiled.getProperty('LOADED_FROM_CACHE'), true);

  // Only the weights file changes (same size): the .bin is part of the key too.
  const bin = join(dir, 'model.bin');
  const bytes = readFileSync(bin);
  bytes.writeFloatLE(bytes.readFloatLE(bytes.length - 4) + 1, bytes.length - 4);
  writeFileSync(bin, bytes);
  const binLater = new Date(later.getTime() + 5000);
  utimesSync(bin, binLater, binLater);
  assert.equal(run(core, path, { CACHE_DIR: cache }).compiled.getProperty('LOADED_FROM_CACHE'), false, 'a changed .bin misses');

  // The same file under another config: a blob of its own, and both stay valid.
  const before = blobs(cache).length;
  assert.equal(run(core, path, { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 }).compiled.getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(run(core, path, { CACHE_DIR: cache, PERFORMANCE_HINT: 'THROUGHPUT' }).compiled.getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(blobs(cache).length, before + 2);
  assert.equal(run(core, path, { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 }).compiled.getProperty('LOADED_FROM_CACHE'), true);
  assert.equal(run(core, path, { CACHE_DIR: cache }).compiled.getProperty('LOADED_FROM_CACHE'), true);
});

test('CPU cache: a truncated, corrupt or stale blob is a clean recompile; importModel of one is a ModelFormatError', (t) => {
  if (!needsNative(t)) return;
  const { cache, path, core } = savedMixed(1);
  const want = values(run(core, path, { CACHE_DIR: cache }).out['tail']);
  const file = join(cache, blobs(cache)[0]!);
  const good = readFileSync(file);
  const flipped = (at: number): Buffer => { const b = Buffer.from(good); b[at] = b[at]! ^ 0x10; return b; };
  const damaged: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['truncated in the header', good.subarray(0, 40)],
    ['truncated in the weights', good.subarray(0, good.length - 1000)],
    ['a flipped bit in the header', flipped(60)],
    ['a flipped bit in the weights', flipped(good.length - 500)],
    ['trailing bytes', Buffer.concat([good, Buffer.alloc(64)])],
    // A flipped bit in any buffer (packed weights, their descriptors, constants), which the hit
    // decodes while the checksum still runs on another thread: the checksum must still win.
    ...bufferOffsets(good).map((at): [string, Buffer] => [`a flipped bit at byte ${at}, in a buffer`, flipped(at)]),
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(file, bytes);
    const again = run(core, path, { CACHE_DIR: cache });
    assert.equal(again.compiled.getProperty('LOADED_FROM_CACHE'), false, what);
    assert.deepEqual(values(again.out['tail']), want, what);
    assert.deepEqual(readFileSync(file), good, `${what}: the blob was written again`);
    if (bytes.length > 0) assert.throws(() => core.importModelSync(bytes, 'CPU'), ModelFormatError, what);
  }
  assert.equal(run(core, path, { CACHE_DIR: cache }).compiled.getProperty('LOADED_FROM_CACHE'), true);
});

test('CPU cache: a blob under another key\'s file name is stale (the header keeps the whole key), and is replaced', (t) => {
  if (!needsNative(t)) return;
  const { cache, path, core } = savedMixed(2, 'model.xml');
  const two = values(run(core, path, { CACHE_DIR: cache }).out['logits']);
  const [twoThreads] = blobs(cache);
  const one = values(run(core, path, { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 }).out['logits']);
  const oneThread = blobs(cache).find((f) => f !== twoThreads)!;
  assert.match(oneThread, /^[0-9a-f]{16}\.blob$/);
  // As if the two keys' names collided: the 2-thread blob sits where the 1-thread one belongs.
  const twoBytes = readFileSync(join(cache, twoThreads!));
  writeFileSync(join(cache, oneThread), twoBytes);
  const again = run(core, path, { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 });
  assert.equal(again.compiled.getProperty('LOADED_FROM_CACHE'), false);
  assert.equal(again.compiled.getProperty('INFERENCE_NUM_THREADS'), 1);
  assert.deepEqual(values(again.out['logits']), one);
  assert.notDeepEqual(readFileSync(join(cache, oneThread)), twoBytes, 'the 1-thread blob was written again');
  assert.equal(run(core, path, { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 }).compiled.getProperty('LOADED_FROM_CACHE'), true);
  assert.deepEqual(values(run(core, path, { CACHE_DIR: cache }).out['logits']), two);
});

test('CPU cache: a dynamic model caches its graph; exportModelSync after inference keeps the plans built so far', async (t) => {
  if (!needsNative(t)) return;
  const dir = fresh();
  const x = opset.parameter('f32', [-1, 4], 'x');
  const y = opset.sin(opset.add(opset.matMul(x, w([4, 3], 2)), w([3], 3)));
  y.output(0).setNames(['y']);
  const path = join(dir, 'dynamic.xml');
  saveModelSync(new Model([y], [x], 'dynamic'), path, false);
  const core = new Core();
  const feed = (rows: number): Tensor => new Tensor('f32', [rows, 4], randomArray(rows * 4, rows));
  const plain = core.compileModelSync(path, 'CPU');
  const want = [1, 5].map((rows) => values(plain.createInferRequest().infer({ x: feed(rows) })['y']));
  core.compileModelSync(path, 'CPU', { CACHE_DIR: dir });
  const hit = core.compileModelSync(path, 'CPU', { CACHE_DIR: join(dir) });
  assert.equal(hit.getProperty('LOADED_FROM_CACHE'), true);
  assert.deepEqual([1, 5].map((rows) => values(hit.createInferRequest().infer({ x: feed(rows) })['y'])), want);
  // The hit planned rows=1 and rows=5 since; its export carries both plans.
  const imported = await core.importModel(hit.exportModelSync(), 'CPU');
  assert.deepEqual([1, 5].map((rows) => values(imported.createInferRequest().infer({ x: feed(rows) })['y'])), want);
  assert.deepEqual(values(imported.createInferRequest().infer({ x: feed(3) })['y']),
    values(plain.createInferRequest().infer({ x: feed(3) })['y']), 'a new shape is planned from the stored graph');
});

test('CPU cache: terminating workers at any moment of a cache hit (its checksum thread still reading the mapped blob) never ends the process', async (t) => {
  if (!needsNative(t)) return;
  const { Worker } = await import('node:worker_threads');
  const dir = fresh();
  const x = opset.parameter('f32', [1, 128, 8, 8], 'x');
  let y: Node = x;
  for (let i = 0; i < 6; i++) y = opset.relu(opset.convolution(y, w([128, 128, 3, 3], 50 + i), { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }));
  const path = join(dir, 'wide.xml');
  saveModelSync(new Model([y], [x], 'wide'), path, false);
  const cache = join(dir, 'cache');
  new Core().compileModelSync(path, 'CPU', { CACHE_DIR: cache, INFERENCE_NUM_THREADS: 1 });
  const index = JSON.stringify(fileURLToPath(new URL('../../src/index.js', import.meta.url)));
  // Hits back to back, so termination lands in every phase: mapping, checksumming, restoring.
  const code = `
    const { Core } = await import(${index});
    const { parentPort } = await import('node:worker_threads');
    const core = new Core();
    parentPort.postMessage('running');
    for (;;) {
      const hit = core.compileModelSync(${JSON.stringify(path)}, 'CPU', { CACHE_DIR: ${JSON.stringify(cache)}, INFERENCE_NUM_THREADS: 1 });
      if (hit.getProperty('LOADED_FROM_CACHE') !== true) throw new Error('the cache missed');
    }`;
  for (let i = 0; i < 24; i++) {
    const worker = new Worker(code, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await new Promise((resolve) => setTimeout(resolve, 1 + (i % 8)));
    assert.equal(await worker.terminate(), 1, `worker ${i} was terminated, not finished`);
  }
});
