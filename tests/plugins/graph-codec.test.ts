import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model, type Variable } from '../../src/core/model.js';
import { ModelFormatError } from '../../src/core/errors.js';
import { PartialShape } from '../../src/core/partial-shape.js';
import { Tensor } from '../../src/core/tensor.js';
import { evaluateModel } from '../../src/ops/evaluate.js';
import { opset } from '../../src/ops/index.js';
import { BufferTable, decodeGraph, decodeValue, encodeGraph, encodeValue, type Json } from '../../src/plugins/graph-codec.js';
import { assertTensor, f32, randomArray } from '../util/assert.js';
import { describe } from '../ir/ir-util.js';

const { parameter, constant, relu, add, clamp, ifOp, loop, readValue, assign } = opset;

/** encode → JSON text → decode over copies of the buffers (as a blob would give them back). */
function roundTrip(m: Model): { model: Model; buffers: number } {
  const table = new BufferTable();
  const { graph } = encodeGraph(m, table);
  const json = JSON.parse(JSON.stringify(graph)) as Json;
  return { model: decodeGraph(json, { buffers: table.buffers.map((b) => b.slice()) }).model, buffers: table.buffers.length };
}

test('graph codec: names, shapes, attributes (NaN, ±Infinity, -0), rt_info and constants of every type survive', () => {
  const x = parameter('f32', ['?', 3, '1..10'], 'x');
  x.rtInfo = { layout: 'N?CH' };
  const low = clamp(add(x, constant('f32', [3, 1], [1, -2, 3]), {}, 'add'), { min: -Infinity, max: 6 }, 'clamp');
  low.output(0).setNames(['low', 'with,comma']);
  low.rtInfo = { fused_names: { version: '0', value: 'a,b' } };
  const tensors = [
    new Tensor('f16', [3], [1.5, -2, 65504]), new Tensor('f64', [3], [NaN, -0, -1e300]), new Tensor('i64', [2], [9007199254740993n, -5n]),
    new Tensor('u64', [1], [18446744073709551615n]), new Tensor('i4', [5], [-8, 7, -1, 0, 3]), new Tensor('u1', [10], [1, 0, 1, 1, 0, 0, 1, 0, 1, 1]),
    new Tensor('boolean', [2], [true, false]), new Tensor('string', [3], ['', 'héllo', 'a,b']), new Tensor('i8', [3], [-128, 0, 127]),
  ];
  const consts = tensors.map((t, i) => constant(t.getElementType(), t.getShape(), t.data as never, `c${i}`));
  const m = new Model([relu(low, 'act'), ...consts], [x], 'tiny');
  m.rtInfo = { framework: { format: 'onnx', opsets: { 'ai.onnx': 17 } } };
  const { model } = roundTrip(m);
  assert.deepEqual(describe(model), describe(m));
  const outs = evaluateModel(model, [f32([2, 3, 4], randomArray(24, 3, -10, 10))]);
  tensors.forEach((t, i) => assert.deepEqual(Array.from(outs[i + 1]!.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), `constant ${i}`));
  assert.ok(Object.is((outs[2]!.data as Float64Array)[1], -0), '-0 stays -0');
});

test('graph codec: every kind of dimension (static, ?, bounded and unbounded intervals) and a dynamic rank survive as stored', () => {
  const shapes = [new PartialShape([0, 3]), new PartialShape('?,2..,1..10,3'), new PartialShape('..7,0..0'), new PartialShape('...'), new PartialShape([])];
  const params = shapes.map((sh, i) => parameter('f32', sh, `p${i}`));
  const m = new Model(params.map((p, i) => relu(p, `r${i}`)), params, 'dims');
  const { model } = roundTrip(m);
  const spelled = (x: Model): string[] => x.getOrderedOps().flatMap((n) => n.outputs.map((o) => `${n.friendlyName}: ${o.partialShape.toString()}`));
  assert.deepEqual(spelled(model), spelled(m));
  assert.equal(model.getOrderedOps().find((n) => n.friendlyName === 'r1')!.output(0).partialShape.dim(1).getMaxLength(), -1);
});

test('graph codec: If and Loop bodies, port maps, and a stateful model evaluate the same after a round trip', () => {
  const c = parameter('boolean', [], 'cond');
  const a = parameter('f32', [2], 'a');
  const ta = parameter('f32', [2], 'ta');
  const ea = parameter('f32', [2], 'ea');
  const branchy = ifOp(c, new Model([relu(ta, 'then_relu')], [ta], 'then'), new Model([add(ea, ea, {}, 'twice')], [ea], 'else'), [a], {
    thenInputs: [{ external: 1, body: 0 }], thenOutputs: [{ external: 0, body: 0 }],
    elseInputs: [{ external: 1, body: 0 }], elseOutputs: [{ external: 0, body: 0 }],
  }, 'if');
  const acc = parameter('f32', [2], 'acc');
  const s = parameter('f32', [2], 's');
  const i = parameter('i64', [1], 'i');
  const body = new Model([add(acc, s, {}, 'next'), constant('boolean', [1], [true]), i], [acc, i, s], 'loop_body');
  const looped = loop(constant('i64', [], [3]), constant('boolean', [], [true]), body, [branchy.output(0), a], {
    currentIteration: 1, condition: 1,
    inputs: [{ kind: 'merged', external: 2, body: 0, bodyResult: 0 }, { kind: 'invariant', external: 3, body: 2 }],
    outputs: [{ kind: 'last', body: 0, external: 0 }],
  }, 'loop');
  const v: Variable = { id: 'state', type: 'f32', shape: new PartialShape([2]) };
  const sum = add(readValue(v, constant('f32', [2], [1, 1]), 'rv'), looped.output(0), {}, 'sum');
  const m = new Model([sum], [c, a], 'stateful', { sinks: [assign(sum, v, 'save')], variables: [v] });
  const { model } = roundTrip(m);
  assert.deepEqual(describe(model), describe(m));
  assert.equal(model.sinks.length, 1);
  for (const cond of [true, false]) {
    const feeds = [new Tensor('boolean', [], [cond]), f32([2], [-1, 2])];
    const [sa, sb] = [new Map<string, Tensor>(), new Map<string, Tensor>()];
    for (let k = 0; k < 2; k++) assertTensor(evaluateModel(model, feeds, sb)[0]!, evaluateModel(m, feeds, sa)[0]!);
  }
});

test('graph codec: a weight shared by two constants is stored once; a damaged graph is a ModelFormatError', () => {
  const data = randomArray(64, 1);
  const x = parameter('f32', [8, 8], 'x');
  const m = new Model([add(x, constant('f32', [8, 8], data)), add(x, constant('f32', [1, 8, 8], data))], [x], 'shared');
  const table = new BufferTable();
  const { graph } = encodeGraph(m, table);
  assert.equal(table.buffers.length, 1);
  const text = JSON.stringify(graph);
  assert.throws(() => decodeGraph(JSON.parse(text.replace('"Add"', '"NoSuchOp"')) as Json, { buffers: table.buffers }), ModelFormatError);
  assert.throws(() => decodeGraph(JSON.parse(text) as Json, { buffers: [] }), ModelFormatError);
  assert.throws(() => decodeGraph(JSON.parse(text.replace('"type":"f32"', '"type":"f31"')) as Json, { buffers: table.buffers }), ModelFormatError);
});

test('graph codec: plain values, typed arrays and objects with $-keys round-trip', () => {
  const table = new BufferTable();
  const value = { a: [1, NaN, Infinity, -Infinity, -0, 2n], typed: new Int32Array([1, -2, 3]), $odd: { $u: 'kept' }, none: undefined, nil: null };
  const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value, table, 'test'))) as Json, { buffers: table.buffers }) as typeof value;
  assert.deepEqual(back, value);
  assert.ok(back.typed instanceof Int32Array);
  assert.throws(() => encodeValue(new Map(), table, 'a Map'), /cannot store a Map/);
});
