import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Tensor, UnsupportedOperationError } from '../../src/index.js';
import type { AttributeProto } from '../../src/frontends/onnx/proto.js';
import { assertTensor, f32, type Expected } from '../util/assert.js';
import { floatAttr, intAttr, intsAttr, onnxModel, stringAttr, type IoSpec } from '../util/onnx-builder.js';

const core = new Core();
const F32 = 1, BOOL = 9, I64 = 7;
type In = { name: string; t: Tensor; elemType?: number; dims?: Array<number | string> };

function model(spec: { op: string; opset: number; inputs: In[]; attrs?: AttributeProto[]; initializers?: Array<[string, Tensor]>; outs: IoSpec[] }): Uint8Array {
  return onnxModel({
    opset: spec.opset,
    inputs: spec.inputs.map((i) => ({ name: i.name, elemType: i.elemType ?? F32, dims: i.dims ?? i.t.getShape() })),
    outputs: spec.outs,
    initializers: spec.initializers ?? [],
    nodes: [{
      op: spec.op, outputs: spec.outs.map((o) => o.name), attrs: spec.attrs ?? [],
      inputs: [...spec.inputs.map((i) => i.name), ...(spec.initializers ?? []).map(([n]) => n)],
    }],
  });
}

/** Runs one node on CPU; returns its outputs in order. */
function run(spec: Parameters<typeof model>[0]): Tensor[] {
  const req = core.compileModelSync(core.readModelSync(model(spec)), 'CPU').createInferRequest();
  req.infer(Object.fromEntries(spec.inputs.map((i) => [i.name, i.t])));
  // By position: an output that passes a graph input through is keyed by the input's name.
  return spec.outs.map((_, i) => req.getOutputTensor(i));
}
const check = (t: Tensor, e: Expected) => assertTensor(t, e, { rtol: 1e-5, atol: 1e-6 });
const y = (dims: Array<number | string>, elemType = F32): IoSpec => ({ name: 'y', elemType, dims });
const refused = (spec: Parameters<typeof model>[0], re: RegExp) =>
  assert.throws(() => core.readModelSync(model(spec)), (e: unknown) => e instanceof UnsupportedOperationError && re.test(e.message));

test('MaxPool Indices: row-major by default, column-major within each slice with storage_order=1', () => {
  // x = [[1, 5, 2], [3, 4, 0]]: both 2×2 windows pick the 5 at (0, 1).
  const x = { name: 'x', t: f32([1, 1, 2, 3], [1, 5, 2, 3, 4, 0]) };
  const outs = [y([1, 1, 1, 2]), { name: 'i', elemType: I64, dims: [1, 1, 1, 2] }];
  const attrs = [intsAttr('kernel_shape', [2, 2])];
  const [v, rowMajor] = run({ op: 'MaxPool', opset: 12, inputs: [x], attrs, outs });
  check(v!, { type: 'f32', shape: [1, 1, 1, 2], values: [5, 5] });
  check(rowMajor!, { type: 'i64', shape: [1, 1, 1, 2], values: [1, 1] });
  const [, colMajor] = run({ op: 'MaxPool', opset: 12, inputs: [x], attrs: [...attrs, intAttr('storage_order', 1)], outs });
  // (h, w) = (0, 1) counted column-major in a 2×3 slice: w·H + h = 2.
  check(colMajor!, { type: 'i64', shape: [1, 1, 1, 2], values: [2, 2] });
});

test('AveragePool-19 with dilations: count_include_pad and ceil_mode', () => {
  const x = { name: 'x', t: f32([1, 1, 4], [1, 2, 3, 4]) };
  const base = [intsAttr('kernel_shape', [2]), intsAttr('dilations', [2]), intsAttr('pads', [1, 1])];
  // Taps at o−1 and o+1: {−1,1}, {0,2}, {1,3}, {2,4}.
  check(run({ op: 'AveragePool', opset: 19, inputs: [x], attrs: base, outs: [y([1, 1, 4])] })[0]!,
    { type: 'f32', shape: [1, 1, 4], values: [2, 2, 3, 3] });
  check(run({ op: 'AveragePool', opset: 19, inputs: [x], attrs: [...base, intAttr('count_include_pad', 1)], outs: [y([1, 1, 4])] })[0]!,
    { type: 'f32', shape: [1, 1, 4], values: [1, 2, 3, 1.5] });
  // Stride 2, ceil: a second window {2, 4} hangs past the end and averages what it covers.
  const ceil = [intsAttr('kernel_shape', [2]), intsAttr('dilations', [2]), intsAttr('strides', [2]), intAttr('ceil_mode', 1)];
  check(run({ op: 'AveragePool', opset: 19, inputs: [x], attrs: ceil, outs: [y([1, 1, 2])] })[0]!,
    { type: 'f32', shape: [1, 1, 2], values: [2, 3] });
});

test('LpPool-1 reads p as a float, later versions as an int', () => {
  const x = { name: 'x', t: f32([1, 1, 2], [-1, 2]) };
  check(run({ op: 'LpPool', opset: 1, inputs: [x], attrs: [intsAttr('kernel_shape', [2]), floatAttr('p', 3)], outs: [y([1, 1, 1])] })[0]!,
    { type: 'f32', shape: [1, 1, 1], values: [Math.cbrt(9)] });
  check(run({ op: 'LpPool', opset: 18, inputs: [x], attrs: [intsAttr('kernel_shape', [2]), intAttr('p', 1)], outs: [y([1, 1, 1])] })[0]!,
    { type: 'f32', shape: [1, 1, 1], values: [3] });
});

test('GroupNormalization: scale and bias per group in opset 18, per channel in opset 21', () => {
  // Groups [1, 3] and [2, 6] both normalize to [−1, 1] (epsilon 0).
  const x = { name: 'x', t: f32([1, 4, 1, 1], [1, 3, 2, 6]) };
  const attrs = [intAttr('num_groups', 2), floatAttr('epsilon', 0)];
  check(run({ op: 'GroupNormalization', opset: 18, inputs: [x], attrs, initializers: [['s', f32([2], [2, 3])], ['b', f32([2], [0.5, -1])]], outs: [y([1, 4, 1, 1])] })[0]!,
    { type: 'f32', shape: [1, 4, 1, 1], values: [-1.5, 2.5, -4, 2] });
  check(run({ op: 'GroupNormalization', opset: 21, inputs: [x], attrs, initializers: [['s', f32([4], [1, 2, 3, 4])], ['b', f32([4], [0, 0, 0, 1])]], outs: [y([1, 4, 1, 1])] })[0]!,
    { type: 'f32', shape: [1, 4, 1, 1], values: [-1, 2, -3, 5] });
});

test('Dropout-12: training with ratio 0 is the identity with an all-true mask; a random one is refused', () => {
  const x = { name: 'x', t: f32([2], [1, -2]) };
  const outs = [y([2]), { name: 'mask', elemType: BOOL, dims: [2] }];
  const train = (ratio: number): Array<[string, Tensor]> => [['ratio', f32([], [ratio])], ['training', new Tensor('boolean', [], [true])]];
  const [v, mask] = run({ op: 'Dropout', opset: 13, inputs: [x], initializers: train(0), outs });
  check(v!, { type: 'f32', shape: [2], values: [1, -2] });
  check(mask!, { type: 'boolean', shape: [2], values: [true, true] });
  refused({ op: 'Dropout', opset: 13, inputs: [x], initializers: train(0.5), outs }, /non-zero ratio/);
  // Dropout-7's mask has the data type.
  check(run({ op: 'Dropout', opset: 7, inputs: [x], outs: [y([2]), { name: 'mask', elemType: F32, dims: [2] }] })[1]!,
    { type: 'f32', shape: [2], values: [1, 1] });
});

test('Gemm-6 with broadcast=1, alpha and beta', () => {
  const a = { name: 'a', t: f32([1, 2], [1, 2]) }, b = { name: 'b', t: f32([2, 2], [1, 0, 0, 1]) };
  const attrs = [intAttr('broadcast', 1), floatAttr('alpha', 2), floatAttr('beta', 0.5)];
  check(run({ op: 'Gemm', opset: 6, inputs: [a, b], attrs, initializers: [['c', f32([2], [2, 4])]], outs: [y([1, 2])] })[0]!,
    { type: 'f32', shape: [1, 2], values: [3, 6] });
});

test('refused forms name the reason', () => {
  const x4 = { name: 'x', t: f32([1, 4, 1, 1], [1, 2, 3, 4]) };
  refused({ op: 'LRN', opset: 13, inputs: [x4], attrs: [intAttr('size', 2)], outs: [y([1, 4, 1, 1])] }, /even size 2/);
  const scale = f32([4], [1, 1, 1, 1]);
  refused({ op: 'BatchNormalization', opset: 6, inputs: [x4], attrs: [intAttr('spatial', 0)],
    initializers: [['s', scale], ['b', scale], ['m', scale], ['v', scale]], outs: [y([1, 4, 1, 1])] }, /spatial=0/);
  const dyn = { name: 'x', t: f32([1, 1, 2, 2], [1, 2, 3, 4]), dims: [1, 1, 'h', 'w'] };
  refused({ op: 'ConvTranspose', opset: 11, inputs: [dyn], attrs: [stringAttr('auto_pad', 'SAME_UPPER'), intsAttr('strides', [2, 2])],
    initializers: [['w', f32([1, 1, 2, 2], [1, 1, 1, 1])]], outs: [y([1, 1, 'a', 'b'])] }, /dynamic spatial dims/);
});

test('Col2Im of a 1-D image (known shapes) goes through a transposed convolution', () => {
  // Columns [[a0, a1, a2], [b0, b1, b2]]: block l puts tap 0 at l and tap 1 at l + 1.
  const x = { name: 'x', t: f32([1, 2, 3], [1, 2, 3, 10, 20, 30]) };
  const inits: Array<[string, Tensor]> = [['image', new Tensor('i64', [1], [4])], ['block', new Tensor('i64', [1], [2])]];
  check(run({ op: 'Col2Im', opset: 18, inputs: [x], initializers: inits, outs: [y([1, 1, 4])] })[0]!,
    { type: 'f32', shape: [1, 1, 4], values: [1, 12, 23, 30] });
});

test('Conv and BatchNormalization: constant per-channel operands and grouped weights become constants of the broadcast shape (no Reshape to fold); graph inputs keep a Reshape', () => {
  const x = { name: 'x', t: f32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]) };
  const w = f32([2, 1, 1, 1], [2, -1]);
  const b = f32([2], [0.5, 1]);
  const spec = { op: 'Conv', opset: 17, inputs: [x], attrs: [intAttr('group', 2)], initializers: [['w', w], ['b', b]] as Array<[string, Tensor]>, outs: [y([1, 2, 2, 2])] };
  const read = core.readModelSync(model(spec));
  const types = read.getOrderedOps().map((n) => n.type);
  assert.ok(!types.includes('Reshape'), types.join(' '));
  const bias = read.getOrderedOps().find((n) => n.type === 'Add')!.inputValue(1);
  assert.deepEqual(bias.partialShape.toShape(), [1, 2, 1, 1]);
  check(run(spec)[0]!, { type: 'f32', shape: [1, 2, 2, 2], values: [2.5, 4.5, 6.5, 8.5, -4, -5, -6, -7] });
  // The same weights and bias fed as graph inputs: reshaped at run time, same result.
  const asInput = { ...spec, inputs: [x, { name: 'w', t: w }, { name: 'b', t: b }], initializers: [] };
  assert.ok(core.readModelSync(model(asInput)).getOrderedOps().some((n) => n.type === 'Reshape'));
  check(run(asInput)[0]!, { type: 'f32', shape: [1, 2, 2, 2], values: [2.5, 4.5, 6.5, 8.5, -4, -5, -6, -7] });

  const stats = (v: number[]) => f32([2], v);
  const bn = { op: 'BatchNormalization', opset: 15, inputs: [x], initializers: [['s', stats([2, 1])], ['o', stats([0, 1])], ['m', stats([1, 0])], ['v', stats([1, 4])]] as Array<[string, Tensor]>, outs: [y([1, 2, 2, 2])] };
  assert.ok(!core.readModelSync(model(bn)).getOrderedOps().some((n) => n.type === 'Reshape'));
  // (x − m) / sqrt(v + 1e-5) · s + o per channel.
  const expected = [1, 2, 3, 4].map((v) => ((v - 1) / Math.sqrt(1 + 1e-5)) * 2).concat([5, 6, 7, 8].map((v) => v / Math.sqrt(4 + 1e-5) + 1));
  check(run(bn)[0]!, { type: 'f32', shape: [1, 2, 2, 2], values: expected });
});
