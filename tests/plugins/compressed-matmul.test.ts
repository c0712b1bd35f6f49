import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Model, ShapeInferenceError, Tensor, compressWeights, opset, type Node, type WeightCompressionMode } from '../../src/index.js';
import { tensorFromNumbers } from '../../src/core/tensor.js';
import { compressedWeightsDesc } from '../../src/plugins/cpu/lower-compressed.js';
import { lowerModel } from '../../src/plugins/cpu/lowering.js';
import { native } from '../../src/plugins/cpu/native.js';
import { packCodes, quantizeWeight, storageTypeOf } from '../../src/quantization/weight-quantization.js';
import { assertTensor, randomArray } from '../util/assert.js';
import { commonTransformations } from '../../src/transformations/index.js';
import { TINY_LM, ids, tinyLm } from '../quantization/nets.js';

const core = new Core();
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

interface Case {
  mode: WeightCompressionMode;
  k: number;
  n: number;
  /** Codes per scale along K; -1: per output channel. */
  group: number;
  transposeB?: boolean;
  /** Activations; the last axis is K. */
  x: number[];
  bias?: boolean;
}

/**
 * x → MatMul(x, decompression(weights)) [+ bias]: the subgraph compress-weights writes, built
 * directly so each case picks its mode, grouping and layout.
 */
function compressedModel(c: Case, seed: number): Model {
  const shape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
  const axis = c.transposeB ? 1 : 0;
  const w = new Tensor('f32', shape, randomArray(size(shape), seed, -0.5, 0.5));
  const q = quantizeWeight(w, axis, axis, c.group, c.mode);
  const storage = storageTypeOf(c.mode);
  let x: Node = opset.convert(opset.constant(new Tensor(storage, q.shape, packCodes(c.mode, q.codes))), 'f32');
  if (q.zeroPoint) x = opset.subtract(x, opset.convert(opset.constant(new Tensor(storage, q.scaleShape, packCodes(c.mode, q.zeroPoint))), 'f32'));
  x = opset.multiply(x, opset.constant(tensorFromNumbers('f32', q.scaleShape, q.scale)));
  if (q.shape.length !== shape.length) x = opset.reshape(x, opset.constant('i64', [2], shape.map(BigInt)), false);
  const input = opset.parameter('f32', c.x, 'x');
  let y = opset.matMul(input, x, { transposeB: c.transposeB === true }, 'fc');
  if (c.bias) y = opset.add(opset.constant('f32', [c.n], randomArray(c.n, seed + 7, -1, 1)), y, {}, 'fc/bias');
  return new Model([y], [input], 'compressed');
}

/** CPU (the native plan) against TEMPLATE (the reference evaluator) on random activations. */
async function checkAgainstReference(t: TestContext, c: Case, seed: number): Promise<void> {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const model = compressedModel(c, seed);
  const x = new Tensor('f32', c.x, randomArray(size(c.x), seed + 1, -1, 1));
  const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer([x]))[0]!;
  const compiled = await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true });
  const request = compiled.createInferRequest();
  const got = Object.values(request.infer([x]))[0]!;
  assertTensor(got, want, { rtol: 1e-4, atol: 1e-4 });
  const fc = request.getProfilingInfo().find((p) => p.nodeName === 'fc');
  assert.match(fc?.execType ?? '', new RegExp(`^cmatmul_${storageTypeOf(c.mode)}`), `fc runs the compressed kernel, got ${fc?.execType}`);
  if (c.bias) assert.equal(request.getProfilingInfo().find((p) => p.nodeName === 'fc/bias')?.status, 'OPTIMIZED_OUT', 'the bias joins the step');
}

const CASES: Array<[string, Case]> = [
  ['int8_asym per channel', { mode: 'int8_asym', k: 37, n: 19, group: -1, x: [5, 37] }],
  ['int8_sym per channel, transposed', { mode: 'int8_sym', k: 37, n: 19, group: -1, transposeB: true, x: [3, 37] }],
  ['int4_asym groups of 8, odd N', { mode: 'int4_asym', k: 24, n: 19, group: 8, x: [2, 3, 24], bias: true }],
  ['int4_sym groups of 8, odd N', { mode: 'int4_sym', k: 24, n: 19, group: 8, x: [4, 24] }],
  ['int4_asym groups of 16, transposed, odd N', { mode: 'int4_asym', k: 48, n: 21, group: 16, transposeB: true, x: [2, 3, 48], bias: true }],
  ['int4_sym groups of 8, transposed, odd K·N', { mode: 'int4_sym', k: 24, n: 7, group: 8, transposeB: true, x: [1, 24] }],
  ['int4_asym per channel, odd K and N', { mode: 'int4_asym', k: 33, n: 17, group: -1, x: [6, 33] }],
  ['int4_asym per channel, transposed, odd K', { mode: 'int4_asym', k: 33, n: 17, group: -1, transposeB: true, x: [2, 2, 33] }],
  // More columns than one block, and K larger than one block's worth of rows.
  ['int8_asym wide: several column blocks', { mode: 'int8_asym', k: 300, n: 530, group: -1, x: [3, 300], bias: true }],
  ['int4_asym wide, transposed: several column blocks', { mode: 'int4_asym', k: 256, n: 301, group: 32, transposeB: true, x: [1, 2, 256] }],
];

CASES.forEach(([name, c], i) => {
  test(`compressed MatMul on the native plan matches TEMPLATE: ${name}`, (t) => checkAgainstReference(t, c, 100 + i));
});

test('compressed weights: a group size that does not divide K is a ShapeInferenceError naming the node', () => {
  const node = opset.matMul(opset.parameter('f32', [2, 24], 'x'), opset.constant('f32', [24, 4], new Float32Array(96)), {}, 'fc');
  const parts = { type: 'u4' as const, codes: new Uint8Array(48), k: 24, n: 4, groupSize: 5, transposed: false, scale: new Float32Array(16) };
  assert.throws(() => compressedWeightsDesc(node, parts), (e: unknown) =>
    e instanceof ShapeInferenceError && /MatMul node "fc"/.test(e.message) && /group size 5 does not divide K = 24/.test(e.message));
  assert.throws(() => compressedWeightsDesc(node, { ...parts, groupSize: 8, scale: new Float32Array(7) }), /12 scales expected/);
  assert.throws(() => compressedWeightsDesc(node, { ...parts, groupSize: 8, scale: new Float32Array(12), codes: new Uint8Array(47) }), /take 48 bytes/);
});

test('compressed weights: the native plan refuses a step whose group size does not divide K, naming the step', (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const compressed = { type: 'u4' as const, codes: new Uint8Array(48), k: 24, n: 4, groupSize: 5, transposed: false, scale: new Float32Array(16) };
  assert.throws(() => native!.createPlan({
    slots: [{ dims: [2, 24], kind: 'external' }, { dims: [2, 4], kind: 'external' }],
    steps: [{ kind: 'cmatmul', a: 0, dst: 1, compressed }],
  }), (e: Error & { step?: number }) => e.step === 0 && /group size 5 does not divide K = 24/.test(e.message));
});

test('compress-weights int4 on a tiny LM: CPU matches TEMPLATE, MatMuls run compressed, the embedding decodes only its rows', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const model = compressWeights(tinyLm(), { mode: 'int4_asym', groupSize: 32 });
  const input = ids(3);
  const want = core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer(input)['logits']!;
  const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
  assertTensor(request.infer(input)['logits']!, want, { rtol: 1e-4, atol: 1e-4 });
  const profile = request.getProfilingInfo();
  for (const layer of ['fc1', 'fc2', 'fc3', 'lm_head']) {
    assert.match(profile.find((p) => p.nodeName === layer)?.execType ?? '', /^cmatmul_/, `${layer} runs the compressed kernel`);
  }
  // The codes' Gather reads 6 rows of the u8 table; no node decodes the whole [64, 64] table.
  const codes = profile.find((p) => p.nodeName === 'embedding/codes');
  assert.equal(codes?.status, 'EXECUTED', 'the embedding gathers its codes');
});

/** x[3, K] → MatMul(x, decompression) whose scale varies along K: not a layout the kernel reads. */
function perRowScaleModel(): Model {
  const [k, n] = [12, 5];
  const codes = opset.constant('u8', [k, n], Array.from({ length: k * n }, (_, i) => (i * 37) % 256));
  const scale = opset.constant('f32', [k, 1], randomArray(k, 9, 0.01, 0.05));
  const weight = opset.multiply(opset.subtract(opset.convert(codes, 'f32'), opset.constant('f32', [], [128])), scale);
  const x = opset.parameter('f32', [3, k], 'x');
  return new Model([opset.matMul(x, weight, {}, 'fc')], [x], 'per_row');
}

test('compressed weights the kernel cannot read fall back to an f32 MatMul and still match TEMPLATE', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const model = perRowScaleModel();
  const x = new Tensor('f32', [3, 12], randomArray(36, 4, -1, 1));
  const want = Object.values(core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer([x]))[0]!;
  const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
  assertTensor(Object.values(request.infer([x]))[0]!, want, { rtol: 1e-5, atol: 1e-5 });
  assert.match(request.getProfilingInfo().find((p) => p.nodeName === 'fc')?.execType ?? '', /^onednn_matmul/);
});

test('a decompressed weight another node also reads is computed for it, and the MatMul still runs compressed', async (t) => {
  if (!native) { t.skip('oneDNN addon not built'); return; }
  const base = compressedModel({ mode: 'int4_asym', k: 16, n: 6, group: 8, x: [2, 16] }, 40);
  const fc = base.getOrderedOps().find((n) => n.friendlyName === 'fc')!;
  const weight = fc.inputValue(1);
  weight.setNames(['weight']);
  const model = new Model([fc, weight.node], base.parameters, 'shared');
  const x = new Tensor('f32', [2, 16], randomArray(32, 41, -1, 1));
  const want = core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer([x]);
  const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true })).createInferRequest();
  const got = request.infer([x]);
  for (const name of Object.keys(want)) assertTensor(got[name]!, want[name]!, { rtol: 1e-5, atol: 1e-5, label: name });
  assert.match(request.getProfilingInfo().find((p) => p.nodeName === 'fc')?.execType ?? '', /^cmatmul_u4_g8/);
});

test('lowering a compressed tiny LM makes no f32 copy of any weight or of the embedding table', () => {
  const model = compressWeights(tinyLm(), { mode: 'int4_asym', groupSize: 32 });
  commonTransformations(model);
  const lowered = lowerModel(model);
  const { V, D, H } = TINY_LM;
  const weightShapes = [[V, D], [D, H], [D, D]].map((s) => s.join('x'));
  const f32Weights = lowered.desc.slots.filter((s) => s.kind === 'const' && weightShapes.includes(s.dims.join('x')));
  assert.deepEqual(f32Weights.map((s) => s.dims), [], 'no weight-sized f32 constant reaches the plan');
  const folded = [...lowered.values.values()].filter((v) => v.kind === 'const' && v.tensor.getElementType() === 'f32' && v.tensor.getSize() >= D * D);
  assert.deepEqual(folded.map((v) => (v.kind === 'const' ? v.tensor.getShape() : [])), [], 'nothing weight-sized is folded to f32');
  assert.equal(lowered.desc.steps.filter((s) => s.kind === 'cmatmul').length, 4);
  const jsOutputs = lowered.program.flatMap((p) => (p.kind === 'js' ? p.node.outputs.map((o) => o.getShape().join('x')) : []));
  assert.ok(!jsOutputs.includes(`${V}x${D}`), 'no JavaScript node decodes the whole table');
});
