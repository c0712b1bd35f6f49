import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Model, Tensor, opset } from '../../src/index.js';
import type { Node } from '../../src/core/node.js';
import { typescriptKernels } from '../../src/plugins/cpu/kernels/index.js';
import { assertTensor, randomArray } from '../util/assert.js';

const core = new Core();

/** Runs the same graph on CPU and on TEMPLATE (the oracle) and compares. */
function compareWithTemplate(build: (x: Node) => Node, xShape: number[], seed: number): void {
  const x = opset.parameter('f32', xShape, 'x');
  const model = new Model([build(x)], [x], 'case');
  const input = new Tensor('f32', xShape, randomArray(xShape.reduce((a, b) => a * b, 1), seed));
  const run = (device: string) => Object.values(core.compileModelSync(model, device).createInferRequest().infer({ x: input }))[0]!;
  assertTensor(run('CPU'), run('TEMPLATE'), { rtol: 1e-4, atol: 1e-5 });
}

const weights = (shape: number[], seed: number) => opset.constant(new Tensor('f32', shape, randomArray(shape.reduce((a, b) => a * b, 1), seed)));

test('CPU registers TypeScript kernels for Convolution, GroupConvolution, MatMul and Gather', () => {
  assert.deepEqual([...typescriptKernels.keys()].sort(), ['Convolution', 'Gather', 'GroupConvolution', 'MatMul']);
});

const convCases = [
  { x: [1, 3, 7, 9], k: [5, 3, 3, 3], strides: [1, 1], pads: [[1, 1], [1, 1]], dil: [1, 1], autoPad: 'explicit' },
  { x: [2, 4, 11, 6], k: [3, 4, 3, 2], strides: [2, 3], pads: [[0, 1], [2, 0]], dil: [1, 1], autoPad: 'explicit' },
  { x: [1, 2, 10, 10], k: [4, 2, 3, 3], strides: [1, 1], pads: [[0, 0], [0, 0]], dil: [2, 3], autoPad: 'explicit' },
  { x: [1, 3, 9, 8], k: [2, 3, 4, 3], strides: [2, 2], pads: [[0, 0], [0, 0]], dil: [1, 1], autoPad: 'same_upper' },
  { x: [1, 3, 9, 8], k: [2, 3, 4, 3], strides: [2, 2], pads: [[0, 0], [0, 0]], dil: [1, 1], autoPad: 'same_lower' },
  { x: [1, 3, 5, 5], k: [6, 3, 1, 1], strides: [1, 1], pads: [[0, 0], [0, 0]], dil: [1, 1], autoPad: 'valid' },
  { x: [1, 3, 2, 2], k: [1, 3, 3, 3], strides: [1, 1], pads: [[1, 0], [0, 1]], dil: [1, 1], autoPad: 'explicit' },
] as const;

convCases.forEach((c, i) => {
  test(`CPU Convolution matches TEMPLATE: x[${c.x}] k[${c.k}] stride ${c.strides} dil ${c.dil} ${c.autoPad}`, () => {
    compareWithTemplate((x) => opset.convolution(x, weights([...c.k], 100 + i), {
      strides: [...c.strides], padsBegin: [...c.pads[0]], padsEnd: [...c.pads[1]], dilations: [...c.dil], autoPad: c.autoPad,
    }), [...c.x], i + 1);
  });
});

for (const [groups, cinG, coutG, stride] of [[3, 1, 1, 1], [4, 1, 2, 2], [2, 3, 5, 1]] as const) {
  test(`CPU GroupConvolution matches TEMPLATE: ${groups} groups of ${cinG}→${coutG}, stride ${stride}`, () => {
    compareWithTemplate((x) => opset.groupConvolution(x, weights([groups, coutG, cinG, 3, 3], groups), {
      strides: [stride, stride], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1],
    }), [2, groups * cinG, 7, 5], groups * 10);
  });
}

const matCases: Array<{ a: number[]; b: number[]; ta?: boolean; tb?: boolean }> = [
  { a: [3, 5], b: [5, 4] },
  { a: [2, 3, 5], b: [5, 7] },
  { a: [2, 1, 3, 5], b: [4, 2, 5], tb: true },
  { a: [5, 3], b: [5, 6], ta: true },
  { a: [4, 6], b: [6] },
  { a: [6], b: [3, 6, 2] },
  { a: [2, 5, 3], b: [2, 4, 5], ta: true, tb: true },
];
matCases.forEach((c, i) => {
  test(`CPU MatMul matches TEMPLATE: [${c.a}]${c.ta ? 'ᵀ' : ''} × [${c.b}]${c.tb ? 'ᵀ' : ''}`, () => {
    compareWithTemplate((x) => opset.matMul(x, weights(c.b, 50 + i), { transposeA: c.ta ?? false, transposeB: c.tb ?? false }), c.a, 60 + i);
  });
});

test('a window larger than the padded input is a shape error naming the node', () => {
  const x = opset.parameter('f32', [1, 3, 2, 2], 'x');
  assert.throws(() => opset.convolution(x, weights([1, 3, 3, 3], 1), { strides: [1, 1], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1] }, 'too_big'),
    /Convolution node "too_big": window after dilation \(3\) is larger than the padded data \(2\)/);
});

test('CPU falls back to the reference kernel for what its kernels do not cover (f16, 1-D conv)', () => {
  const x = opset.parameter('f16', [1, 2, 5], 'x');
  const w = opset.constant(new Tensor('f16', [1, 2, 3], [1, 1, 1, 1, 1, 1]));
  const model = new Model([opset.convolution(x, w, { strides: [1], padsBegin: [0], padsEnd: [0], dilations: [1] })], [x]);
  const out = Object.values(core.compileModelSync(model, 'CPU').createInferRequest().infer({ x: new Tensor('f16', [1, 2, 5], [1, 2, 3, 4, 5, 1, 1, 1, 1, 1]) }))[0]!;
  assertTensor(out, { type: 'f16', shape: [1, 1, 3], values: [9, 12, 15] });
});
