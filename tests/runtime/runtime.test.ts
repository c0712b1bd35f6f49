import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Core, Tensor, Model, PartialShape, InputError, opset, addon, CompiledModel,
} from '../../src/index.js';
import { f32 } from '../util/assert.js';

function tinyModel(): Model {
  const x = opset.parameter('f32', [2, 2], 'x');
  const b = opset.parameter('f32', [2], 'b');
  const sum = opset.add(x, b);
  sum.output(0).setNames(['sum']);
  const r = opset.relu(sum);
  r.output(0).setNames(['out']);
  return new Model([r, sum], [x, b], 'tiny');
}

test('Core lists devices and answers version and property queries', () => {
  const core = new Core();
  assert.deepEqual(core.getAvailableDevices(), ['CPU', 'TEMPLATE']);
  assert.ok(core.getVersions('CPU')['CPU']!.buildNumber);
  assert.equal(core.getProperty('CPU', 'PERFORMANCE_HINT'), 'LATENCY');
  core.setProperty('CPU', { INFERENCE_NUM_THREADS: 2 });
  assert.equal(core.getProperty('CPU', 'INFERENCE_NUM_THREADS'), 2);
  core.setProperty({ CACHE_DIR: '/tmp/x' });
  assert.equal(core.getProperty('CACHE_DIR'), '/tmp/x');
  assert.ok((core.getProperty('CPU', 'SUPPORTED_PROPERTIES') as string[]).includes('NUM_STREAMS'));
  assert.throws(() => core.setProperty('CPU', { NOT_A_PROPERTY: 1 }), /unknown property "NOT_A_PROPERTY"/);
  assert.throws(() => core.setProperty('CPU', { INFERENCE_NUM_THREADS: -1 }), InputError);
  assert.throws(() => core.getProperty('GPU', 'X'), /device "GPU" is not available/);
  assert.equal(Object.keys(core.queryModel(tinyModel(), 'CPU')).length, 6);
});

for (const device of ['CPU', 'TEMPLATE']) {
  test(`${device}: infer by name, by index, with typed arrays; outputs keyed by name`, async () => {
    const core = new Core();
    const compiled = await core.compileModel(tinyModel(), device);
    assert.ok(compiled instanceof CompiledModel);
    assert.deepEqual(compiled.inputs.map((i) => i.anyName), ['x', 'b']);
    assert.equal(compiled.output('out').getPartialShape().toString(), '[2,2]');
    const req = compiled.createInferRequest();
    const x = f32([2, 2], [1, -2, 3, -4]);
    const byName = req.infer({ x, b: new Float32Array([1, 1]) });
    assert.deepEqual([...(byName['out']!.data as Float32Array)], [2, 0, 4, 0]);
    assert.deepEqual([...(byName['sum']!.data as Float32Array)], [2, -1, 4, -3]);
    const byIndex = req.infer([x, f32([2], [0, 10])]);
    assert.deepEqual([...(byIndex['out']!.data as Float32Array)], [1, 8, 3, 6]);
    assert.equal(req.getOutputTensor(0), byIndex['out']);
    assert.equal(req.getTensor('sum'), byIndex['sum']);
    assert.equal(req.getTensor(compiled.input('x')), x);
    const asyncOut = await req.inferAsync({ x, b: f32([2], [0, 0]) });
    assert.deepEqual([...(asyncOut['out']!.data as Float32Array)], [1, 0, 3, 0]);
    assert.equal(req.getCompiledModel(), compiled);
    assert.deepEqual(compiled.getProperty('EXECUTION_DEVICES'), [device]);
  });
}

test('setInputTensor/setTensor then infer() with no arguments', () => {
  const compiled = new Core().compileModelSync(tinyModel(), 'CPU');
  const req = compiled.createInferRequest();
  req.setInputTensor(0, f32([2, 2], [1, 1, 1, 1]));
  req.setTensor('b', f32([2], [1, 2]));
  const out = req.infer();
  assert.deepEqual([...(out['out']!.data as Float32Array)], [2, 3, 2, 3]);
});

test('wrong input name, type, shape or a missing input fail with InputError naming the input', () => {
  const req = new Core().compileModelSync(tinyModel(), 'CPU').createInferRequest();
  const b = f32([2], [0, 0]);
  assert.throws(() => req.infer({ y: f32([2, 2], [0, 0, 0, 0]), b }), /no input "y"; its inputs are: x, b/);
  assert.throws(() => req.infer({ x: new Tensor('i32', [2, 2]), b }), /input "x" expects element type f32, got i32/);
  assert.throws(() => req.infer({ x: f32([2, 3], [0, 0, 0, 0, 0, 0]), b }), /input "x" expects shape \[2,2\], got \[2,3\]/);
  assert.throws(() => req.infer({ x: new Float32Array(3), b }), /needs 4 elements/);
  const fresh = new Core().compileModelSync(tinyModel(), 'CPU').createInferRequest();
  assert.throws(() => fresh.infer({ x: f32([2, 2], [0, 0, 0, 0]) }), /input "b" \(index 1\) is not set/);
  assert.throws(() => fresh.infer([b]), /2 inputs, 1 were given/);
});

test('dynamic inputs accept any fitting shape, and bare typed arrays are refused for them', () => {
  const x = opset.parameter('f32', new PartialShape('?, 2'), 'x');
  const model = new Model([opset.relu(x)], [x], 'dyn');
  assert.ok(model.isDynamic());
  const req = new Core().compileModelSync(model, 'CPU').createInferRequest();
  const out = req.infer({ x: f32([3, 2], [1, -1, 2, -2, 3, -3]) });
  assert.deepEqual(Object.values(out)[0]!.getShape(), [3, 2]);
  assert.throws(() => req.infer({ x: new Float32Array(4) }), /dynamic shape \[\?,2\]; pass a Tensor/);
  assert.throws(() => req.infer({ x: f32([3, 3], new Float32Array(9)) }), /expects shape \[\?,2\]/);
});

test('async errors reject; an unknown device rejects compileModel', async () => {
  const core = new Core();
  await assert.rejects(core.compileModel(tinyModel(), 'NPU'), /device "NPU" is not available/);
  const req = core.compileModelSync(tinyModel(), 'CPU').createInferRequest();
  await assert.rejects(req.inferAsync({ nope: f32([1], [1]) }), InputError);
  const busy = req.inferAsync({ x: f32([2, 2], [0, 0, 0, 0]), b: f32([2], [0, 0]) });
  await assert.rejects(req.inferAsync(), /already running/);
  await busy;
});

test('the addon object mirrors openvino-node\'s entry point', () => {
  const core = new addon.Core();
  assert.ok(core.getAvailableDevices().includes('CPU'));
  assert.equal(new addon.PartialShape('1,?').toString(), '[1,?]');
});

test('ENABLE_MMAP: model files are mapped by default and read when it is off, with the same results', async () => {
  const { defaultModelPath } = await import('./model-paths.js');
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const mapped = new Core();
  assert.equal(mapped.getProperty('ENABLE_MMAP'), true);
  const copied = new Core();
  copied.setProperty({ ENABLE_MMAP: 'NO' });
  assert.equal(copied.getProperty('ENABLE_MMAP'), false);
  assert.throws(() => copied.setProperty({ ENABLE_MMAP: 'sometimes' }), /ENABLE_MMAP must be a boolean/);
  const a = mapped.readModelSync(defaultModelPath);
  const b = copied.readModelSync(defaultModelPath);
  const input = a.inputs[0]!;
  const shape = input.partialShape.toShape();
  const data = new Float32Array(shape.reduce((x, y) => x * y, 1)).map((_, i) => Math.sin(i));
  const run = (m: Model) => Object.values(mapped.compileModelSync(m, 'TEMPLATE').createInferRequest().infer([new Tensor('f32', shape, data)]))[0]!;
  assert.deepEqual(Array.from(run(a).data as Float32Array), Array.from(run(b).data as Float32Array));
  // An empty file cannot be mapped; it is read the ordinary way and fails as a malformed model.
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-mmap-'));
  try {
    writeFileSync(join(dir, 'empty.onnx'), new Uint8Array(0));
    assert.throws(() => mapped.readModelSync(join(dir, 'empty.onnx')), { name: 'ModelFormatError', message: /ONNX model has no graph/ });
    assert.throws(() => mapped.readModelSync(join(dir, 'missing.onnx')), { name: 'ModelFormatError', message: /ENOENT/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
