// tsvino's own AVX2 kernels (Winograd F(2x2, 3x3), max pooling on nChw8c) run where oneDNN runs
// AVX2 code; on AVX-512 oneDNN's kernels are faster. This file caps oneDNN at AVX2 (its first
// import, before the addon loads) so these kernels are tested on every CPU with AVX2.
import '../util/onednn-avx2.js';
import { after, test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Core, Model, Tensor, opset, saveModelSync } from '../../src/index.js';
import type { Node } from '../../src/core/node.js';
import { native } from '../../src/plugins/cpu/native.js';
import { assertTensor, randomArray } from '../util/assert.js';

const core = new Core();
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const w = (shape: number[], seed: number, scale = 0.5): Node => opset.constant('f32', shape, randomArray(size(shape), seed, -scale, scale));
const values = (t: Tensor | undefined): number[] => [...(t!.data as Float32Array)];
const convOpts = (strides: number[], pads: [number[], number[]], dilations: number[]) => ({ strides, padsBegin: pads[0], padsEnd: pads[1], dilations });

/** False (the test skipped) without the addon or without AVX2 under oneDNN. */
function avx2(t: TestContext): boolean {
  if (!native) { t.skip('oneDNN addon not built'); return false; }
  const isa = native.effectiveIsa?.() ?? '';
  if (!isa.startsWith('avx2')) { t.skip(`oneDNN runs ${isa} code here, not AVX2`); return false; }
  return true;
}

test('oneDNN is capped at AVX2 for this file', (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  assert.ok(['avx2', 'avx2_vnni', 'avx', 'sse41', 'any'].includes(native.effectiveIsa!()), native.effectiveIsa!());
});

// Max pooling after a convolution reads oneDNN's nChw8c layout, which tsvino's own kernel pools.
// `tail`: a 1x1 convolution reads the pooled result (blocked), else the model returns it (row-major).
const blockedPoolCases: Array<{ x: number[]; oc: number; pool: Parameters<typeof opset.maxPool>[1]; own: boolean; tail: boolean }> = [
  { x: [1, 3, 12, 12], oc: 16, pool: { kernel: [3, 3], strides: [2, 2], roundingType: 'ceil' }, own: true, tail: true },
  { x: [1, 3, 12, 12], oc: 16, pool: { kernel: [3, 3], strides: [2, 2], roundingType: 'ceil' }, own: true, tail: false },
  { x: [2, 5, 9, 9], oc: 12, pool: { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1] }, own: true, tail: true },
  { x: [2, 5, 9, 9], oc: 12, pool: { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1] }, own: true, tail: false },
  { x: [1, 8, 7, 9], oc: 8, pool: { kernel: [2, 2], strides: [2, 2] }, own: true, tail: false },
  { x: [1, 4, 8, 10], oc: 24, pool: { kernel: [3, 2], strides: [1, 3], padsBegin: [1, 0], padsEnd: [1, 1] }, own: true, tail: true },
  // Ceil rounding puts the last window wholly in the end padding: not this kernel's case.
  { x: [1, 8, 5, 5], oc: 8, pool: { kernel: [2, 2], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], roundingType: 'ceil' }, own: false, tail: true },
  { x: [1, 8, 9, 9], oc: 16, pool: { kernel: [3, 3], strides: [2, 2], dilations: [2, 2] }, own: false, tail: true },
];
blockedPoolCases.forEach((c, i) => {
  test(`CPU: MaxPool on a convolution's blocked output matches TEMPLATE (x[${c.x}] oc ${c.oc} k[${c.pool!.kernel}] s[${c.pool!.strides}]${c.tail ? ', read by a convolution' : ', returned'})`, async (t) => {
    if (!avx2(t)) return;
    const x = opset.parameter('f32', c.x, 'x');
    const conv = opset.relu(opset.convolution(x, w([c.oc, c.x[1]!, 3, 3], 600 + i), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1])));
    const pool = opset.maxPool(conv, c.pool, 'pool');
    const model = new Model([c.tail ? opset.convolution(pool, w([8, c.oc, 1, 1], 640 + i), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])) : pool], [x], 'conv-pool');
    const input = new Tensor('f32', c.x, randomArray(size(c.x), 620 + i));
    const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true, INFERENCE_NUM_THREADS: 2 })).createInferRequest();
    const got = Object.values(request.infer({ x: input }));
    const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer({ x: input }));
    got.forEach((g, k) => assertTensor(g, want[k]!, { rtol: 1e-5, atol: 1e-6, label: `output ${k}` }));
    const execType = request.getProfilingInfo().find((e) => e.nodeName === 'pool')?.execType ?? '';
    if (c.own) assert.match(execType, /^tsvino_max_pool_nChw8c:/);
    else assert.doesNotMatch(execType, /^tsvino_max_pool/);
  });
});

// 3x3 stride-1 convolutions with 64+ channels on maps of 49+ tiles run as Winograd F(2x2, 3x3).
const winogradCases: Array<{ x: number[]; oc: number; act: 'relu' | 'clamp' | 'none'; bias: boolean; tail: boolean; own: boolean; why?: string }> = [
  { x: [1, 64, 14, 14], oc: 64, act: 'relu', bias: true, tail: true, own: true },
  { x: [2, 64, 13, 15], oc: 72, act: 'clamp', bias: true, tail: false, own: true },
  { x: [1, 72, 16, 17], oc: 64, act: 'none', bias: false, tail: true, own: true },
  { x: [1, 3, 20, 20], oc: 64, act: 'relu', bias: true, tail: true, own: true, why: 'a plain 3-channel input is reordered to 8-channel blocks first' },
  { x: [1, 64, 12, 12], oc: 64, act: 'relu', bias: true, tail: true, own: false, why: 'only 36 tiles' },
  { x: [1, 64, 14, 14], oc: 32, act: 'relu', bias: true, tail: true, own: false, why: 'fewer than 64 output channels' },
];
winogradCases.forEach((c, i) => {
  test(`CPU: 3x3 convolution x[${c.x}] -> ${c.oc} (${c.act}${c.bias ? ', bias' : ''}) ${c.own ? 'runs as Winograd' : `stays direct: ${c.why}`} and matches TEMPLATE`, async (t) => {
    if (!avx2(t)) return;
    const x = opset.parameter('f32', c.x, 'x');
    // The 3-channel case first widens to 64 channels with a direct convolution, then the tested one.
    const source: Node = c.x[1] === 3 ? opset.convolution(x, w([64, 3, 1, 1], 700 + i), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])) : x;
    const ic = c.x[1] === 3 ? 64 : c.x[1]!;
    let y: Node = opset.convolution(source, w([c.oc, ic, 3, 3], 710 + i, 0.1), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]), 'conv');
    if (c.bias) y = opset.add(y, w([1, c.oc, 1, 1], 720 + i));
    if (c.act === 'relu') y = opset.relu(y);
    if (c.act === 'clamp') y = opset.clamp(y, { min: -0.2, max: 0.6 });
    if (c.tail) y = opset.convolution(y, w([8, c.oc, 1, 1], 730 + i), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]));
    const model = new Model([y], [x], 'winograd');
    const input = new Tensor('f32', c.x, randomArray(size(c.x), 740 + i));
    const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true, INFERENCE_NUM_THREADS: 2 })).createInferRequest();
    const got = Object.values(request.infer({ x: input }))[0]!;
    const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer({ x: input }))[0]!;
    assertTensor(got, want, { rtol: 1e-4, atol: 1e-5 });
    const execType = request.getProfilingInfo().find((e) => e.nodeName === 'conv')?.execType ?? '';
    if (c.own) assert.match(execType, /^tsvino_winograd_f2x2_3x3:/);
    else assert.match(execType, /^onednn_convolution/);
  });
});

test('CPU: a Winograd convolution over a batch too large for one pass equals the same convolution image by image', async (t) => {
  if (!avx2(t)) return;
  // 128 channels at 28x28 need 3.2 MB of tile scratch per image: 11 images (a prime) take 11 passes.
  const weights = w([128, 128, 3, 3], 760, 0.1);
  const build = (batch: number): Model => {
    const x = opset.parameter('f32', [batch, 128, 28, 28], 'x');
    return new Model([opset.relu(opset.convolution(x, weights, convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]), 'conv'))], [x], `batch${batch}`);
  };
  const batch = (await core.compileModel(build(11), 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
  const single = (await core.compileModel(build(1), 'CPU')).createInferRequest();
  const image = 128 * 28 * 28;
  const input = randomArray(11 * image, 761);
  const got = Object.values(batch.infer({ x: new Tensor('f32', [11, 128, 28, 28], input) }))[0]!.data as Float32Array;
  assert.match(batch.getProfilingInfo().find((e) => e.nodeName === 'conv')?.execType ?? '', /^tsvino_winograd/);
  for (let i = 0; i < 11; i++) {
    const one = Object.values(single.infer({ x: new Tensor('f32', [1, 128, 28, 28], input.slice(i * image, (i + 1) * image)) }))[0]!;
    assertTensor(new Tensor('f32', [1, 128, 28, 28], got.slice(i * image, (i + 1) * image)), one, { rtol: 1e-5, atol: 1e-6, label: `image ${i}` });
  }
});

test('CPU cache: a Winograd convolution is restored with its transformed weights and computes what a fresh compile does', (t) => {
  if (!avx2(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-wino-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const x = opset.parameter('f32', [1, 64, 14, 14], 'x');
  const conv = opset.relu(opset.convolution(x, w([64, 64, 3, 3], 40, 0.5), { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }, 'conv'));
  const path = join(dir, 'wino.xml');
  saveModelSync(new Model([conv], [x], 'wino'), path, false);
  const core = new Core();
  const feed = { x: new Tensor('f32', [1, 64, 14, 14], randomArray(64 * 14 * 14, 41)) };
  const config = { CACHE_DIR: join(dir, 'cache'), ENABLE_PROFILING: true };
  const missRequest = core.compileModelSync(path, 'CPU', config).createInferRequest();
  const want = values(Object.values(missRequest.infer(feed))[0]);
  const hit = core.compileModelSync(path, 'CPU', config);
  assert.equal(hit.getProperty('LOADED_FROM_CACHE'), true);
  const request = hit.createInferRequest();
  assert.deepEqual(values(Object.values(request.infer(feed))[0]), want);
  for (const r of [missRequest, request]) assert.match(r.getProfilingInfo().find((e) => e.nodeName === 'conv')?.execType ?? '', /^tsvino_winograd/);
});
