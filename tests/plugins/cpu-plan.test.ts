import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Core, Model, Tensor, opset } from '../../src/index.js';
import type { Node } from '../../src/core/node.js';
import { compilePlan, type CompiledPlan } from '../../src/plugins/cpu/executor.js';
import { cpuKernels } from '../../src/plugins/cpu/cpu-plugin.js';
import { native } from '../../src/plugins/cpu/native.js';
import { planArena } from '../../src/plugins/cpu/memory-planner.js';
import { commonTransformations } from '../../src/transformations/index.js';
import { assertTensor, randomArray } from '../util/assert.js';

const core = new Core();
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const jsKernel = (node: Node, inputs: readonly Tensor[], ctx: Parameters<NonNullable<ReturnType<typeof cpuKernels.get>>>[2]) =>
  cpuKernels.get(node.type)?.(node, inputs, ctx);
const w = (shape: number[], seed: number, scale = 0.5): Node => opset.constant('f32', shape, randomArray(size(shape), seed, -scale, scale));

interface Expect { nativeSteps?: number; maxJsNodes?: number; minFused?: number; rtol?: number; atol?: number; lo?: number; hi?: number }

/**
 * Builds a model over random inputs, plans it for the native CPU path and checks the plan's
 * outputs against TEMPLATE (the oracle), plus how much of it the plan ran natively and fused.
 */
function check(t: TestContext, shapes: number[][], build: (xs: Node[]) => Node[], seed: number, e: Expect = {}): CompiledPlan | undefined {
  if (!native) { t.skip('oneDNN addon not built'); return undefined; }
  const params = shapes.map((s, i) => opset.parameter('f32', s, `in${i}`));
  const model = new Model(build(params), params, 'case');
  const inputs = shapes.map((s, i) => new Tensor('f32', s, randomArray(size(s), seed * 13 + i, e.lo ?? -1, e.hi ?? 1)));
  const want = core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer(inputs);
  const copy = model.clone();
  commonTransformations(copy);
  const plan = compilePlan(copy, native, 1, jsKernel);
  const got = plan.run(inputs, { variables: new Map() });
  Object.values(want).forEach((wt, i) => assertTensor(got[i]!, wt, { rtol: e.rtol ?? 1e-4, atol: e.atol ?? 1e-5, label: `output ${i}` }));
  if (e.nativeSteps !== undefined) assert.ok(plan.stats.nativeSteps >= e.nativeSteps, `native steps ${plan.stats.nativeSteps} < ${e.nativeSteps}`);
  assert.ok(plan.stats.jsNodes <= (e.maxJsNodes ?? 0), `JS nodes ${plan.stats.jsNodes} > ${e.maxJsNodes ?? 0}`);
  if (e.minFused !== undefined) assert.ok(plan.stats.fused >= e.minFused, `fused ${plan.stats.fused} < ${e.minFused}`);
  return plan;
}

const convOpts = (strides: number[], pads: [number[], number[]], dilations: number[]) => ({ strides, padsBegin: pads[0], padsEnd: pads[1], dilations });

const convCases: Array<{ x: number[]; k: number[]; o: ReturnType<typeof convOpts> }> = [
  { x: [1, 3, 9, 11], k: [8, 3, 3, 3], o: convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]) },
  { x: [2, 5, 13, 7], k: [6, 5, 3, 2], o: convOpts([2, 3], [[0, 1], [2, 0]], [1, 1]) },
  { x: [1, 16, 10, 13], k: [16, 16, 3, 3], o: convOpts([1, 2], [[1, 0], [0, 2]], [2, 3]) },
  { x: [1, 17, 5, 5], k: [33, 17, 1, 1], o: convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]) },
];
convCases.forEach((c, i) => {
  test(`plan: Convolution + bias + ReLU + residual sum fuse and match TEMPLATE (x[${c.x}] k[${c.k}])`, (t) => {
    check(t, [c.x], ([x]) => {
      const y = opset.convolution(x!, w(c.k, i + 1), c.o);
      const channels = c.k[0]!;
      const biased = opset.add(y, w([1, channels, 1, 1], i + 50));
      const act = opset.relu(biased);
      // A second conv with the same output shape supplies the residual operand.
      const other = opset.convolution(x!, w(c.k, i + 90), c.o);
      return [opset.relu(opset.add(other, act))];
    }, i + 1, { nativeSteps: 2, minFused: 4 });
  });
});

test('plan: depthwise and grouped convolution with Clamp (ReLU6) fused', (t) => {
  check(t, [[1, 12, 9, 9]], ([x]) => {
    const dw = opset.groupConvolution(x!, w([12, 1, 1, 3, 3], 3), convOpts([2, 2], [[1, 1], [1, 1]], [1, 1]));
    const g = opset.groupConvolution(opset.clamp(dw, { min: 0, max: 6 }), w([3, 8, 4, 1, 1], 4), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]));
    return [g];
  }, 2, { nativeSteps: 2, minFused: 1 });
});

test('plan: MatMul + bias + GELU + residual on [B, S, K] x [K, N] folds into one GEMM', (t) => {
  check(t, [[2, 5, 24]], ([x]) => {
    const h = opset.gelu(opset.add(opset.matMul(x!, w([24, 40], 7)), w([40], 8)), 'tanh');
    const back = opset.add(opset.matMul(h, w([40, 24], 9)), w([24], 10));
    return [opset.add(back, x!)];
  }, 3, { nativeSteps: 2, minFused: 4 });
});

test('plan: MatMul weights whose rows are 4 KiB apart (padded copy) keep bias, activation and residual', (t) => {
  check(t, [[2, 3, 20]], ([x]) => {
    const up = opset.relu(opset.add(opset.matMul(x!, w([20, 1024], 13, 0.2)), w([1024], 14)));
    const down = opset.matMul(up, w([1024, 20], 15, 0.05));
    return [opset.add(down, x!), up];
  }, 5, { nativeSteps: 2, minFused: 2, rtol: 1e-4, atol: 1e-5 });
});

test('plan: batched MatMul with transposes on both sides, and a 2-D weight transposed', (t) => {
  check(t, [[3, 7, 5], [3, 6, 7]], ([a, b]) => [
    opset.matMul(a!, b!, { transposeA: true, transposeB: true }),
    opset.matMul(a!, w([4, 5], 12), { transposeB: true }),
  ], 4, { nativeSteps: 2 });
});

test('plan: max and average pooling with padding, ceil rounding and excluded pads', (t) => {
  check(t, [[1, 8, 11, 10]], ([x]) => [
    opset.maxPool(x!, { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], roundingType: 'ceil' }),
    opset.avgPool(x!, { kernel: [2, 3], strides: [2, 1], padsBegin: [0, 1], padsEnd: [0, 1], excludePad: true }),
    opset.reduceMean(x!, opset.constant('i64', [2], [2, 3]), true),
  ], 5, { nativeSteps: 3 });
});

// On AVX-512 3x3 stride-1 convolutions over whole 16-channel blocks and 14x14+ maps run as oneDNN's
// Winograd (nChw16c in and out); the others stay on the direct kernels.
[
  { x: [1, 32, 14, 14], oc: 48, sum: false, wino: true },
  { x: [2, 16, 20, 15], oc: 16, sum: true, wino: true },
  { x: [1, 32, 7, 7], oc: 32, sum: false, wino: false },
  { x: [1, 24, 14, 14], oc: 32, sum: false, wino: false },
].forEach((c, i) => {
  test(`CPU: 3x3 convolution x[${c.x}] -> ${c.oc}${c.sum ? ' + residual sum' : ''} ${c.wino ? 'runs as oneDNN Winograd on AVX-512' : 'stays direct'} and matches TEMPLATE`, async (t) => {
    if (!native) { t.skip('oneDNN addon not built'); return; }
    const x = opset.parameter('f32', c.x, 'x');
    const ic = c.x[1]!;
    const head = opset.relu(opset.convolution(x, w([ic, ic, 1, 1], 780 + i, 0.3), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
    let y: Node = opset.add(opset.convolution(head, w([c.oc, ic, 3, 3], 790 + i, 0.1), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]), 'conv'), w([1, c.oc, 1, 1], 800 + i));
    if (c.sum) y = opset.add(y, head);
    y = opset.convolution(opset.relu(y), w([8, c.oc, 1, 1], 810 + i, 0.3), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]));
    const model = new Model([y], [x], 'wino16');
    const input = new Tensor('f32', c.x, randomArray(size(c.x), 820 + i));
    const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true, INFERENCE_NUM_THREADS: 2 })).createInferRequest();
    const got = Object.values(request.infer({ x: input }))[0]!;
    const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer({ x: input }))[0]!;
    assertTensor(got, want, { rtol: 1e-4, atol: 1e-5 });
    const profile = request.getProfilingInfo();
    const execType = profile.find((e) => e.nodeName === 'conv')?.execType ?? '';
    if ((native.effectiveIsa?.() ?? '').startsWith('avx512')) {
      if (c.wino) assert.match(execType, /wino/);
      else assert.doesNotMatch(execType, /wino/);
    }
  });
});

test('CPU: a 3x3 convolution with a fused residual sum stays on oneDNN and matches TEMPLATE', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', [1, 64, 14, 14], 'x');
  const conv = opset.convolution(x, w([64, 64, 3, 3], 750, 0.1), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]), 'conv');
  // The residual operand is the input itself, so the sum can only fuse into this convolution.
  const model = new Model([opset.relu(opset.add(conv, x))], [x], 'winograd-sum');
  const input = new Tensor('f32', [1, 64, 14, 14], randomArray(64 * 14 * 14, 752));
  const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
  assertTensor(Object.values(request.infer({ x: input }))[0]!, Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer({ x: input }))[0]!, { rtol: 1e-4, atol: 1e-5 });
  const info = request.getProfilingInfo();
  assert.match(info.find((e) => e.nodeName === 'conv')?.execType ?? '', /^onednn_convolution/);
  assert.ok(info.some((e) => e.nodeType === 'Add' && e.status === 'OPTIMIZED_OUT'), 'the residual Add fused into the convolution');
});

test('plan: broadcast binaries, scalar arithmetic as linear eltwise, softmax', (t) => {
  check(t, [[2, 3, 4, 5], [1, 3, 1, 5]], ([a, b]) => [
    opset.multiply(opset.subtract(a!, b!), opset.constant('f32', [], [0.5])),
    opset.divide(b!, opset.add(a!, opset.constant('f32', [1], [3]))),
    opset.softmax(a!, -1),
    opset.softmax(a!, 1),
  ], 6, { nativeSteps: 3, minFused: 1, maxJsNodes: 1, lo: 0.5, hi: 2 }); // b / (a + 3) broadcasts its first operand: JS
});

test('plan: MVN over the last axis with gamma and beta becomes one layer normalization', (t) => {
  const plan = check(t, [[2, 6, 16]], ([x]) => {
    const n = opset.mvn(x!, opset.constant('i64', [1], [-1]), { normalizeVariance: true, eps: 1e-5, epsMode: 'INSIDE_SQRT' });
    return [opset.add(opset.multiply(n, w([16], 20, 2)), w([16], 21))];
  }, 7, { minFused: 2 });
  if (plan) assert.equal(plan.stats.nativeSteps, 1);
});

test('plan: batch norm with fused ReLU, and concat of blocked convolution outputs', (t) => {
  check(t, [[1, 16, 7, 7]], ([x]) => {
    const bn = opset.relu(opset.batchNormInference(x!, w([16], 30, 1), w([16], 31), w([16], 32), opset.constant('f32', [16], new Float32Array(16).fill(0.7)), 1e-5));
    const c1 = opset.convolution(bn, w([8, 16, 3, 3], 33), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]));
    const c2 = opset.convolution(bn, w([16, 16, 1, 1], 34), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]));
    return [opset.concat([c1, c2, bn], 1)];
  }, 8, { nativeSteps: 4, minFused: 1 });
});

test('plan: reshape, transpose, split and gather views feed a matmul without copies', (t) => {
  check(t, [[1, 6, 24]], ([x]) => {
    const parts = opset.split(x!, 2, 3);
    const heads = (o: Node) => opset.transpose(opset.reshape(o, opset.constant('i64', [4], [1, 6, 2, 4]), false), [0, 2, 1, 3]);
    const q = heads(parts.output(0) as unknown as Node);
    return [opset.matMul(q, heads(parts.output(1) as unknown as Node), { transposeB: true }), opset.gather(x!, opset.constant('i64', [], [0]), opset.constant('i64', [], [1]))];
  }, 9, { nativeSteps: 4 });
});

test('plan: scaled dot-product attention with a float mask, and causal', (t) => {
  check(t, [[1, 2, 5, 8], [1, 2, 6, 8], [1, 2, 6, 4], [1, 1, 5, 6]], ([q, k, v, m]) => [
    opset.scaledDotProductAttention(q!, k!, v!, { mask: m }),
    opset.scaledDotProductAttention(q!, q!, q!, { causal: true }),
  ], 10, { nativeSteps: 6 });
});

test('plan: nodes without a native kernel run in JavaScript between native segments', (t) => {
  check(t, [[1, 4, 6, 6]], ([x]) => {
    const c = opset.convolution(x!, w([4, 4, 3, 3], 40), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]));
    const js = opset.floor(opset.erf(c)); // no native lowering: the segment boundary is exercised
    return [opset.relu(opset.convolution(js, w([4, 4, 1, 1], 41), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]))), c];
  }, 11, { nativeSteps: 2, maxJsNodes: 2 });
});

test('memory planner: tensors alive together never overlap, dead ones are reused', () => {
  const lifetimes = [
    { bytes: 1000, first: 0, last: 1 }, { bytes: 500, first: 1, last: 2 }, { bytes: 1000, first: 2, last: 3 },
    { bytes: 64, first: 0, last: 3 }, { bytes: 2000, first: 3, last: 4 },
  ];
  const { offsets, totalBytes } = planArena(lifetimes);
  for (let i = 0; i < lifetimes.length; i++) {
    for (let j = i + 1; j < lifetimes.length; j++) {
      const [a, b] = [lifetimes[i]!, lifetimes[j]!];
      if (a.first > b.last || b.first > a.last) continue;
      const disjoint = offsets[i]! + a.bytes <= offsets[j]! || offsets[j]! + b.bytes <= offsets[i]!;
      assert.ok(disjoint, `tensors ${i} and ${j} overlap while both alive`);
    }
  }
  assert.ok(offsets.every((o) => o % 64 === 0), 'offsets are 64-byte aligned');
  assert.ok(totalBytes < lifetimes.reduce((s, l) => s + Math.ceil(l.bytes / 64) * 64, 0), 'some bytes are reused');
});

test('CPU: inferAsync computes off the JS thread (timers fire meanwhile) and equals infer()', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', [1, 256, 256], 'x');
  let y: Node = x;
  for (let i = 0; i < 24; i++) y = opset.tanh(opset.matMul(y, w([256, 256], 60 + i, 0.1)));
  const compiled = await core.compileModel(new Model([y], [x], 'deep'), 'CPU', { INFERENCE_NUM_THREADS: 1 });
  const input = new Tensor('f32', [1, 256, 256], randomArray(65536, 5));
  const sync = Object.values(compiled.createInferRequest().infer({ x: input }))[0]!;
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 0);
  const request = compiled.createInferRequest();
  const results = await Promise.all([0, 1, 2].map(async () => {
    const r = compiled.createInferRequest();
    return Object.values(await r.inferAsync({ x: input }))[0]!;
  }));
  clearInterval(timer);
  void request;
  results.forEach((r) => assertTensor(r, sync, { rtol: 0, atol: 0 }));
  assert.ok(ticks > 0, 'the event loop ran while the plan computed');
});

test('CPU: dynamic input shapes are planned per shape and agree with TEMPLATE', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', '?,3,?,?', 'x');
  const y = opset.relu(opset.add(opset.convolution(x, w([4, 3, 3, 3], 70), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1])), w([1, 4, 1, 1], 71)));
  const model = new Model([y], [x], 'dyn');
  const cpu = (await core.compileModel(model, 'CPU')).createInferRequest();
  const ref = (await core.compileModel(model, 'TEMPLATE')).createInferRequest();
  for (const shape of [[1, 3, 8, 8], [2, 3, 5, 7], [1, 3, 8, 8]]) {
    const input = new Tensor('f32', shape, randomArray(size(shape), shape[3]!));
    assertTensor(Object.values(cpu.infer({ x: input }))[0]!, Object.values(ref.infer({ x: input }))[0]!, { rtol: 1e-4, atol: 1e-5 });
  }
});

test('CPU: ENABLE_PROFILING reports oneDNN kernels per node, fused nodes OPTIMIZED_OUT', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', [1, 8, 12, 12], 'x');
  const conv = opset.convolution(x, w([8, 8, 3, 3], 80), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1]), 'conv');
  const relu = opset.relu(conv, 'relu');
  const js = opset.floor(relu, 'floor');
  const compiled = await core.compileModel(new Model([js], [x], 'prof'), 'CPU', { ENABLE_PROFILING: true });
  const request = compiled.createInferRequest();
  assert.ok(request.getProfilingInfo().every((e) => e.status === 'NOT_RUN'), 'nothing has run yet');
  await request.inferAsync({ x: new Tensor('f32', [1, 8, 12, 12], randomArray(1152, 3)) });
  const byName = new Map(request.getProfilingInfo().map((e) => [e.nodeName, e]));
  assert.equal(byName.get('conv')?.status, 'EXECUTED');
  assert.match(byName.get('conv')!.execType, /^onednn_convolution_/);
  assert.ok(byName.get('conv')!.realTime > 0);
  assert.equal(byName.get('relu')?.status, 'OPTIMIZED_OUT');
  assert.equal(byName.get('floor')?.status, 'EXECUTED');
  assert.match(byName.get('floor')!.execType, /^(typescript|reference)$/);
});

test('CPU: the THROUGHPUT hint runs one stream per core; concurrent requests equal sync results', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', [1, 64, 64], 'x');
  const y = opset.relu(opset.matMul(x, w([64, 64], 90)));
  const model = new Model([y], [x], 'tput');
  const compiled = await core.compileModel(model, 'CPU', { PERFORMANCE_HINT: 'THROUGHPUT' });
  const streams = Number(compiled.getProperty('NUM_STREAMS'));
  assert.ok(streams >= 1);
  assert.equal(compiled.getProperty('OPTIMAL_NUMBER_OF_INFER_REQUESTS'), streams);
  const latency = await core.compileModel(model, 'CPU', { PERFORMANCE_HINT: 'LATENCY', NUM_STREAMS: 1 });
  assert.equal(latency.getProperty('NUM_STREAMS'), 1);
  const inputs = [0, 1, 2, 3].map((i) => new Tensor('f32', [1, 64, 64], randomArray(4096, 100 + i)));
  const want = inputs.map((input) => Object.values(latency.createInferRequest().infer({ x: input }))[0]!);
  const got = await Promise.all(inputs.map(async (input) => Object.values(await compiled.createInferRequest().inferAsync({ x: input }))[0]!));
  got.forEach((g, i) => assertTensor(g, want[i]!, { rtol: 1e-6, atol: 1e-6 }));
  await assert.rejects(async () => core.compileModel(model, 'CPU', { NUM_STREAMS: 0 }), /NUM_STREAMS/);
});

test('plan: a fire module concat is in place (the expand convolutions write into its output)', (t) => {
  // Channels in 16s: pieces that fill whole channel blocks on AVX2 (8) and AVX-512 (16) machines.
  const plan = check(t, [[1, 16, 9, 9]], ([x]) => {
    const squeeze = opset.relu(opset.convolution(x!, w([16, 16, 1, 1], 110), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
    const e1 = opset.relu(opset.convolution(squeeze, w([16, 16, 1, 1], 111), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
    const e3 = opset.relu(opset.convolution(squeeze, w([32, 16, 3, 3], 112, 0.3), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1])));
    return [opset.convolution(opset.concat([e1, e3], 1), w([8, 48, 1, 1], 113, 0.3), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1]))];
  }, 12, { nativeSteps: 5, minFused: 3 });
  if (!plan || !native) return;
  const ops = native.planOps((plan as unknown as { plan: Parameters<typeof native.planOps>[0] }).plan);
  assert.ok(!ops.some((o) => o.primitive === 'concat'), `no concat primitive runs: ${ops.map((o) => o.primitive).join(', ')}`);
});

test('plan: a concat of pieces in 8-channel steps (channels-last on AVX-512, in place on AVX2) matches TEMPLATE', (t) => {
  check(t, [[1, 16, 9, 9]], ([x]) => {
    const squeeze = opset.relu(opset.convolution(x!, w([8, 16, 1, 1], 114), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
    const e1 = opset.relu(opset.convolution(squeeze, w([16, 8, 1, 1], 115), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
    const e3 = opset.relu(opset.convolution(squeeze, w([24, 8, 3, 3], 116), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1])));
    const joined = opset.concat([e1, e3], 1);
    return [opset.convolution(joined, w([8, 40, 1, 1], 117), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])), opset.maxPool(joined, { kernel: [2, 2], strides: [2, 2] })];
  }, 15, { nativeSteps: 5, minFused: 3 });
});

const conv1x1 = (x: Node, out: number, inC: number, seed: number): Node =>
  opset.relu(opset.convolution(x, w([out, inC, 1, 1], seed, 0.3), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])));
const planPrimitives = (plan: CompiledPlan): string[] =>
  native!.planOps((plan as unknown as { plan: Parameters<NonNullable<typeof native>['planOps']>[0] }).plan).map((o) => o.primitive);

test('plan: a DenseNet block shares one buffer: each concat of the growing list is a prefix of the next', (t) => {
  const plan = check(t, [[1, 16, 6, 6]], ([x]) => {
    const x0 = conv1x1(x!, 16, 16, 130);
    const x1 = conv1x1(x0, 16, 16, 131);
    const c1 = opset.concat([x0, x1], 1);
    const x2 = conv1x1(c1, 16, 32, 132);
    const c2 = opset.concat([x0, x1, x2], 1);
    const x3 = conv1x1(c2, 16, 48, 133);
    const c3 = opset.concat([x0, x1, x2, x3], 1);
    return [conv1x1(c3, 8, 64, 134), conv1x1(c1, 8, 32, 135)];
  }, 13, { nativeSteps: 6 });
  if (plan) assert.ok(!planPrimitives(plan).includes('concat'), `no concat primitive runs: ${planPrimitives(plan).join(', ')}`);
});

test('plan: a residual sum never writes over a concat whose inputs later concats still read', (t) => {
  check(t, [[1, 8, 5, 5]], ([x]) => {
    const x0 = conv1x1(x!, 8, 8, 140);
    const x1 = conv1x1(x0, 8, 8, 141);
    const c1 = opset.concat([x0, x1], 1);
    // The sum's operand c1 dies here, but x0 and x1, which live inside it, are read again below.
    const y = opset.add(opset.convolution(c1, w([16, 16, 1, 1], 142, 0.3), convOpts([1, 1], [[0, 0], [0, 0]], [1, 1])), c1);
    const x2 = conv1x1(y, 8, 16, 143);
    return [opset.concat([x0, x1, x2], 1)];
  }, 14, { nativeSteps: 4 });
});

test('plan: ConvolutionBackpropData (plain, strided with output padding, grouped) with bias and ReLU', (t) => {
  check(t, [[1, 6, 5, 7]], ([x]) => [
    opset.relu(opset.add(opset.convolutionBackpropData(x!, w([6, 4, 3, 3], 120), { strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], outputPadding: [1, 0] }), w([1, 4, 1, 1], 121))),
    opset.convolutionBackpropData(x!, w([6, 3, 2, 3], 122), { strides: [1, 2], padsBegin: [0, 1], padsEnd: [0, 0], dilations: [1, 1] }),
    opset.groupConvolutionBackpropData(x!, w([2, 3, 2, 3, 3], 123), { strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }),
  ], 13, { nativeSteps: 3, minFused: 2 });
});

test('CPU: an embedding Gather (row copies) matches TEMPLATE, out-of-range indices included (zeros, as Gather-8 says)', async (t) => {
  const table = opset.parameter('f32', [10, 6], 'table');
  const ids = opset.parameter('i64', [2, 3], 'ids');
  const model = new Model([opset.gather(table, ids, opset.constant('i64', [], [0]))], [table, ids], 'embed');
  const feeds = { table: new Tensor('f32', [10, 6], randomArray(60, 1)), ids: new Tensor('i64', [2, 3], BigInt64Array.from([0n, 9n, -1n, 3n, 3n, 5n])) };
  const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer(feeds))[0]!;
  const cpu = core.compileModelSync(model, 'CPU').createInferRequest();
  assertTensor(Object.values(cpu.infer(feeds))[0]!, want, { rtol: 0, atol: 0 });
  const bad = { ...feeds, ids: new Tensor('i64', [2, 3], BigInt64Array.from([0n, 10n, 1n, 1n, 1n, 1n])) };
  const wantBad = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer(bad))[0]!;
  assertTensor(Object.values(cpu.infer(bad))[0]!, wantBad, { rtol: 0, atol: 0 });
  void t;
});

test('CPU: a dynamic model is transformed at compile, so each shape is planned from the fused graph', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const x = opset.parameter('f32', '?,4,?', 'x');
  const swish = opset.multiply(x, opset.sigmoid(x));
  const model = new Model([opset.relu(swish)], [x], 'dyn-swish');
  const compiled = await core.compileModel(model, 'CPU');
  const types = compiled.executable.model.getOrderedOps().map((n) => n.type);
  assert.ok(types.includes('Swish'), `x * sigmoid(x) fused at compile, got ${types.join(', ')}`);
  assert.ok(!types.includes('Sigmoid'), 'the unfused Sigmoid is gone');
  assert.ok(model.getOrderedOps().some((n) => n.type === 'Sigmoid'), 'the user model is left as it was');
  const cpu = compiled.createInferRequest();
  const ref = (await core.compileModel(model, 'TEMPLATE')).createInferRequest();
  for (const shape of [[1, 4, 9], [3, 4, 2]]) {
    const input = new Tensor('f32', shape, randomArray(size(shape), shape[2]!, -4, 4));
    assertTensor(Object.values(cpu.infer({ x: input }))[0]!, Object.values(ref.infer({ x: input }))[0]!, { rtol: 1e-5, atol: 1e-6 });
  }
});

test('CPU: in-flight inferAsync runs hold no libuv pool thread, so file I/O is not starved', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  // Work enough (about 20 ms a run on one thread, Winograd included) that no run ends before a stat().
  const x = opset.parameter('f32', [1, 32, 128, 128], 'x');
  let y: Node = x;
  for (let i = 0; i < 12; i++) y = opset.relu(opset.convolution(y, w([32, 32, 3, 3], 150 + i, 0.06), convOpts([1, 1], [[1, 1], [1, 1]], [1, 1])));
  const compiled = await core.compileModel(new Model([y], [x], 'busy'), 'CPU', { INFERENCE_NUM_THREADS: 1 });
  // More in-flight requests than libuv's default pool of 4 threads.
  const requests = Array.from({ length: 6 }, () => compiled.createInferRequest());
  const input = new Tensor('f32', [1, 32, 128, 128], randomArray(32 * 128 * 128, 160));
  requests.forEach((r) => r.infer({ x: input }));
  const { stat } = await import('node:fs/promises');
  let finished = 0;
  const runs = requests.map((r) => r.inferAsync({ x: input }).then(() => { finished++; }));
  await stat(import.meta.filename ?? process.argv[1]!);
  const finishedWhenIoDone = finished;
  await Promise.all(runs);
  assert.equal(finishedWhenIoDone, 0, 'a stat() issued with 6 inferences in flight completed before any of them');
});

/**
 * Module code for a worker that compiles a stack of `layers` ReLU(3x3 convolution) over
 * [1, channels, size, size] on one thread, then runs `then` with three requests and an input.
 */
function inferringWorker(channels: number, size: number, layers: number, then: string): string {
  const index = JSON.stringify(fileURLToPath(new URL('../../src/index.js', import.meta.url)));
  return `
    const { Core, Model, Tensor, opset } = await import(${index});
    const { parentPort } = await import('node:worker_threads');
    const x = opset.parameter('f32', [1, ${channels}, ${size}, ${size}], 'x');
    let y = x;
    for (let i = 0; i < ${layers}; i++) {
      const w = opset.constant('f32', [${channels}, ${channels}, 3, 3], new Float32Array(${channels * channels * 9}).fill(0.01));
      y = opset.relu(opset.convolution(y, w, { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }));
    }
    const compiled = new Core().compileModelSync(new Model([y], [x], 'busy'), 'CPU', { INFERENCE_NUM_THREADS: 1 });
    const input = new Tensor('f32', [1, ${channels}, ${size}, ${size}], new Float32Array(${channels * size * size}).fill(1));
    const requests = [0, 1, 2].map(() => compiled.createInferRequest());
    ${then}
  `;
}

test('CPU: terminating a worker while its inferAsync runs waits for the run instead of crashing', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const { Worker } = await import('node:worker_threads');
  const code = inferringWorker(32, 64, 16, `
    const runs = requests.map((r) => r.inferAsync([input]));
    parentPort.postMessage('running');
    await Promise.all(runs);`);
  for (let i = 0; i < 2; i++) {
    const worker = new Worker(code, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    // Without the wait, the run thread wrote into buffers the teardown had freed and the process died here.
    assert.equal(await worker.terminate(), 1, 'the worker was terminated, not finished');
  }
});

test('CPU: terminating a worker that keeps inferring asynchronously never ends the process', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const { Worker } = await import('node:worker_threads');
  // Small runs back to back, so termination lands in every phase: mid-run, while a completion is
  // queued, and while its callback is delivered (a node-addon-api throw there aborted the process).
  const code = inferringWorker(8, 16, 4, `
    parentPort.postMessage('running');
    for (;;) await Promise.all(requests.map((r) => r.inferAsync([input])));`);
  for (let i = 0; i < 16; i++) {
    const worker = new Worker(code, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1]);
    await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await new Promise((resolve) => setTimeout(resolve, i % 4));
    assert.equal(await worker.terminate(), 1, `worker ${i} was terminated, not finished`);
  }
});
