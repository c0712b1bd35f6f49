import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import { opset } from '../../src/ops/index.js';
import { Core } from '../../src/runtime/core.js';
import { commonTransformations } from '../../src/transformations/index.js';
import { assertTensor, f32, i64, randomArray } from '../util/assert.js';
import { floatAttr, intAttr, intsAttr, onnxModel } from '../util/onnx-builder.js';
import { checkRewrite, histogram, randomInputs, runTemplate } from './helpers.js';

const core = new Core();
const C = 8;
const vec = (seed: number): ReturnType<typeof f32> => f32([C], randomArray(C, seed, 0.5, 1.5));

/**
 * x [2, 3, 8] → LayerNormalization-17 → MatMul → GELU (erf, decomposed) → decomposed
 * LayerNorm (opset-16 style) → softmax written out → y. Shape arithmetic on ShapeOf feeds a Reshape.
 */
function onnxBytes(): Uint8Array {
  const w = f32([C, C], randomArray(C * C, 3, -0.5, 0.5));
  return onnxModel({
    opset: 17,
    inputs: [{ name: 'x', dims: [2, 3, C] }],
    outputs: [{ name: 'y', dims: [2, 3, C] }],
    initializers: [
      ['gamma', vec(1)], ['beta', vec(2)], ['w', w], ['sqrt2', f32([], [Math.SQRT2])], ['one', f32([], [1])], ['half', f32([], [0.5])],
      ['two', f32([], [2])], ['eps', f32([], [1e-5])], ['gamma2', vec(4)], ['beta2', vec(5)], ['minus1', i64([1], [-1])],
    ],
    nodes: [
      { op: 'LayerNormalization', inputs: ['x', 'gamma', 'beta'], outputs: ['ln'], attrs: [intAttr('axis', -1), floatAttr('epsilon', 1e-5)] },
      { op: 'MatMul', inputs: ['ln', 'w'], outputs: ['h'] },
      { op: 'Div', inputs: ['h', 'sqrt2'], outputs: ['h_div'] },
      { op: 'Erf', inputs: ['h_div'], outputs: ['h_erf'] },
      { op: 'Add', inputs: ['h_erf', 'one'], outputs: ['h_erf1'] },
      { op: 'Mul', inputs: ['h', 'h_erf1'], outputs: ['h_mul'] },
      { op: 'Mul', inputs: ['h_mul', 'half'], outputs: ['g'] },
      { op: 'ReduceMean', inputs: ['g'], outputs: ['mean'], attrs: [intsAttr('axes', [-1])] },
      { op: 'Sub', inputs: ['g', 'mean'], outputs: ['d'] },
      { op: 'Pow', inputs: ['d', 'two'], outputs: ['d2'] },
      { op: 'ReduceMean', inputs: ['d2'], outputs: ['var'], attrs: [intsAttr('axes', [-1])] },
      { op: 'Add', inputs: ['var', 'eps'], outputs: ['var_eps'] },
      { op: 'Sqrt', inputs: ['var_eps'], outputs: ['std'] },
      { op: 'Div', inputs: ['d', 'std'], outputs: ['n'] },
      { op: 'Mul', inputs: ['n', 'gamma2'], outputs: ['n_g'] },
      { op: 'Add', inputs: ['n_g', 'beta2'], outputs: ['n_b'] },
      { op: 'Shape', inputs: ['n_b'], outputs: ['shape'] },
      { op: 'Reshape', inputs: ['n_b', 'minus1'], outputs: ['flat'] },
      { op: 'Reshape', inputs: ['flat', 'shape'], outputs: ['back'] },
      { op: 'ReduceMax', inputs: ['back'], outputs: ['max'], attrs: [intsAttr('axes', [-1]), intAttr('keepdims', 1)] },
      { op: 'Sub', inputs: ['back', 'max'], outputs: ['shifted'] },
      { op: 'Exp', inputs: ['shifted'], outputs: ['e'] },
      { op: 'ReduceSum', inputs: ['e', 'minus1'], outputs: ['sum'], attrs: [intAttr('keepdims', 1)] },
      { op: 'Div', inputs: ['e', 'sum'], outputs: ['y'] },
    ],
  });
}

test('pipeline on an ONNX model: LayerNormalization-17 stays MVN, GELU/LayerNorm/Softmax fuse, shape ops fold', () => {
  const original = core.readModelSync(onnxBytes());
  assert.equal(histogram(original)['MVN'], 1, 'the frontend emits MVN-6 for LayerNormalization-17');
  const model = core.readModelSync(onnxBytes());
  const stats = commonTransformations(model);
  model.validate();
  const h = histogram(model);
  assert.deepEqual([h['MVN'], h['Gelu'], h['Softmax'], h['Erf'] ?? 0, h['ReduceMean'] ?? 0, h['ShapeOf'] ?? 0, h['Reshape'] ?? 0], [2, 1, 1, 0, 0, 0, 0]);
  assert.deepEqual([stats.geluFusion, stats.layerNormFusion, stats.softmaxFusion], [1, 1, 1]);
  assert.ok(stats.constantFolding >= 1 && stats.transposeElimination >= 1);
  assert.deepEqual(model.output(0).names, ['y']);
  const mvn = model.getOrderedOps().filter((n) => n.type === 'MVN');
  for (const n of mvn) assert.deepEqual([n.getVersion(), n.attrs['epsMode'], n.attrs['normalizeVariance']], ['opset6', 'INSIDE_SQRT', true]);
  const inputs = randomInputs(original, 7);
  const [want, got] = [runTemplate(original, inputs), runTemplate(model, inputs)];
  assertTensor(got[0]!, want[0]!, { rtol: 1e-4, atol: 1e-5 });
});

test('pipeline reaches a fixed point: a second run changes nothing', () => {
  const model = core.readModelSync(onnxBytes());
  commonTransformations(model);
  const before = histogram(model);
  const again = commonTransformations(model);
  assert.equal(again.rounds, 1);
  assert.deepEqual(histogram(model), before);
});

test('pipeline options: disabled passes do not run', () => {
  const model = core.readModelSync(onnxBytes());
  const stats = commonTransformations(model, { disable: ['geluFusion', 'softmaxFusion'] });
  assert.deepEqual([stats.geluFusion, stats.softmaxFusion, stats.layerNormFusion], [0, 0, 1]);
  assert.equal(histogram(model)['Erf'], 1);
});

test('pipeline on a conv block: BatchNorm folds, HSwish fuses, numerics hold', () => {
  checkRewrite(() => {
    const x = opset.parameter('f32', [1, 3, 9, 9], 'x');
    const w = opset.constant(f32([4, 3, 3, 3], randomArray(108, 5, -1, 1)));
    const [g, b, m, v] = [6, 7, 8, 9].map((s) => opset.constant(f32([4], randomArray(4, s, 0.3, 1.2))));
    const bn = opset.batchNormInference(opset.convolution(x, w, { padsBegin: [1, 1], padsEnd: [1, 1] }), g!, b!, m!, v!, 1e-5);
    const three = opset.constant('f32', [], [3]);
    const y = opset.divide(opset.multiply(bn, opset.clamp(opset.add(bn, three), { min: 0, max: 6 })), opset.constant('f32', [], [6]));
    y.output(0).setNames(['y']);
    return new Model([y], [x]);
  }, (model) => {
    const stats = commonTransformations(model);
    assert.deepEqual([stats.batchNormFusion, stats.hSwishFusion], [1, 1]);
    assert.deepEqual(histogram(model), { Parameter: 1, Constant: 2, Convolution: 1, Add: 1, HSwish: 1, Result: 1 });
  });
});

test('pipeline on an ONNX self-attention block (PyTorch layout, dynamic batch) fuses one SDPA', () => {
  const [S, H, D] = [4, 2, 4];
  const w = (seed: number): ReturnType<typeof f32> => f32([H * D, H * D], randomArray(H * D * H * D, seed, -0.5, 0.5));
  const bytes = onnxModel({
    opset: 17,
    inputs: [{ name: 'x', dims: ['batch', S, H * D] }, { name: 'mask', dims: ['batch', 1, 1, S] }],
    outputs: [{ name: 'y', dims: ['batch', S, H * D] }],
    initializers: [['wq', w(1)], ['wk', w(2)], ['wv', w(3)], ['heads', i64([4], [0, 0, H, D])], ['merged', i64([3], [0, 0, H * D])], ['scale', f32([], [Math.sqrt(D)])]],
    nodes: [
      ...['q', 'k', 'v'].flatMap((n) => [
        { op: 'MatMul', inputs: ['x', `w${n}`], outputs: [`${n}_p`] },
        { op: 'Reshape', inputs: [`${n}_p`, 'heads'], outputs: [`${n}_h`] },
        { op: 'Transpose', inputs: [`${n}_h`], outputs: [`${n}_t`], attrs: [intsAttr('perm', n === 'k' ? [0, 2, 3, 1] : [0, 2, 1, 3])] },
      ]),
      { op: 'MatMul', inputs: ['q_t', 'k_t'], outputs: ['qk'] },
      { op: 'Div', inputs: ['qk', 'scale'], outputs: ['qk_s'] },
      { op: 'Add', inputs: ['qk_s', 'mask'], outputs: ['qk_m'] },
      { op: 'Softmax', inputs: ['qk_m'], outputs: ['p'], attrs: [intAttr('axis', -1)] },
      { op: 'MatMul', inputs: ['p', 'v_t'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['ctx_t'], attrs: [intsAttr('perm', [0, 2, 1, 3])] },
      { op: 'Reshape', inputs: ['ctx_t', 'merged'], outputs: ['y'] },
    ],
  });
  const model = core.readModelSync(bytes);
  const stats = commonTransformations(model);
  assert.equal(stats.attentionFusion, 1);
  const h = histogram(model);
  assert.deepEqual([h['ScaledDotProductAttention'], h['Softmax'] ?? 0, h['MatMul']], [1, 0, 3]);
  assert.equal(model.output(0).partialShape.toString(), '[?,4,8]');
  const original = core.readModelSync(bytes);
  original.reshape({ x: [3, S, H * D], mask: [3, 1, 1, S] });
  model.reshape({ x: [3, S, H * D], mask: [3, 1, 1, S] });
  const inputs = randomInputs(original, 3);
  assertTensor(runTemplate(model, inputs)[0]!, runTemplate(original, inputs)[0]!, { rtol: 1e-4, atol: 1e-5 });
});
