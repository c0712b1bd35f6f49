import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core, InputError, Model, Tensor, opset } from '../../src/index.js';
import { evaluateModel, planEvaluation, type NodeTimer } from '../../src/ops/evaluate.js';
import { defaultModelPath } from './model-paths.js';

function smallModel(): Model {
  const x = opset.parameter('f32', [1, 8], 'x');
  const w = opset.constant('f32', [8, 8], new Float32Array(64).fill(0.5));
  const mm = opset.matMul(x, w);
  mm.setFriendlyName('dense');
  const r = opset.relu(mm);
  r.setFriendlyName('act');
  r.output(0).setNames(['y']);
  return new Model([r], [x], 'small');
}

test('ENABLE_PROFILING: getProfilingInfo lists every node with type, kernel, times in µs and status', () => {
  const compiled = new Core().compileModelSync(smallModel(), 'TEMPLATE', { ENABLE_PROFILING: true });
  const request = compiled.createInferRequest();
  const before = request.getProfilingInfo();
  assert.ok(before.length >= 5);
  assert.ok(before.every((p) => p.status === 'NOT_RUN' && p.realTime === 0));
  request.infer({ x: new Float32Array(8).fill(1) });
  const info = request.getProfilingInfo();
  const byName = new Map(info.map((p) => [p.nodeName, p]));
  const dense = byName.get('dense')!;
  assert.deepEqual([dense.nodeType, dense.execType, dense.status], ['MatMul', 'reference', 'EXECUTED']);
  assert.ok(dense.realTime > 0 && dense.cpuTime === dense.realTime);
  assert.equal(byName.get('act')!.nodeType, 'Relu');
  const param = info.find((p) => p.nodeType === 'Parameter')!;
  assert.equal(param.status, 'NOT_RUN');
  assert.equal(info.find((p) => p.nodeType === 'Constant')!.status, 'NOT_RUN');
  assert.ok(info.some((p) => p.nodeType === 'Result' && p.status === 'EXECUTED'));
  // Figures belong to the request: another request has not run yet.
  assert.ok(compiled.createInferRequest().getProfilingInfo().every((p) => p.status === 'NOT_RUN'));
  // A returned list is a snapshot.
  dense.realTime = -1;
  assert.ok(request.getProfilingInfo().find((p) => p.nodeName === 'dense')!.realTime > 0);
});

test('getProfilingInfo without ENABLE_PROFILING is a typed error naming the property', () => {
  const request = new Core().compileModelSync(smallModel(), 'TEMPLATE').createInferRequest();
  request.infer({ x: new Float32Array(8) });
  assert.throws(() => request.getProfilingInfo(), (e: unknown) => e instanceof InputError && /ENABLE_PROFILING/.test(e.message));
});

test('profiling does not change results; the default model reports each of its convolutions', () => {
  const core = new Core();
  const image = new Tensor('f32', [1, 3, 64, 64], new Float32Array(3 * 64 * 64).map((_, i) => (i % 17) / 17));
  const plain = core.compileModelSync(defaultModelPath, 'TEMPLATE').createInferRequest().infer({ image });
  const profiled = core.compileModelSync(defaultModelPath, 'TEMPLATE', { ENABLE_PROFILING: true }).createInferRequest();
  const out = profiled.infer({ image });
  assert.deepEqual([...(out['probabilities']!.data as Float32Array)], [...(plain['probabilities']!.data as Float32Array)]);
  const convs = profiled.getProfilingInfo().filter((p) => p.nodeType === 'Convolution');
  assert.equal(convs.length, 2);
  assert.ok(convs.every((c) => c.status === 'EXECUTED' && c.realTime > 0));
});

test('the evaluator timer sees each executed node once and says whether an override ran it', () => {
  const model = smallModel();
  const seen: Array<[string, boolean]> = [];
  const timer: NodeTimer = { record: (node, ms, byOverride) => { assert.ok(ms >= 0); seen.push([node.type, byOverride]); } };
  const override = (node: { type: string }, inputs: readonly Tensor[]): Tensor[] | undefined =>
    (node.type === 'Relu' ? [inputs[0]!] : undefined);
  evaluateModel(planEvaluation(model), [new Tensor('f32', [1, 8], new Float32Array(8).fill(1))], new Map(), override, timer);
  assert.deepEqual(seen.filter(([t]) => t !== 'Constant'), [['MatMul', false], ['Relu', true], ['Result', false]]);
});
