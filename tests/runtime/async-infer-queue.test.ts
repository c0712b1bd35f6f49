import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncInferQueue, Core, InputError, Model, Tensor, addon, opset, registerPlugin } from '../../src/index.js';
import type { Executable, Plugin } from '../../src/index.js';
import { templatePlugin } from '../../src/plugins/template/template-plugin.js';
import { assertTensor, randomArray } from '../util/assert.js';
import { defaultModelPath } from './model-paths.js';

function reluModel(): Model {
  const x = opset.parameter('f32', [1, 4], 'x');
  const r = opset.relu(x);
  r.output(0).setNames(['y']);
  return new Model([r], [x], 'relu');
}

const input = (v: number): Tensor => new Tensor('f32', [1, 4], new Float32Array([v, -v, 2 * v, -2 * v]));

/**
 * A device whose runs finish after a delay off the JS thread (like a native plan), counting how
 * many are in flight at once, so the queue's limit is observable.
 */
function slowDevice(delaysMs: number[]): { plugin: Plugin; maxInFlight: () => number; starts: number[] } {
  const starts: number[] = [];
  let inFlight = 0;
  let max = 0;
  let calls = 0;
  const plugin: Plugin = {
    ...templatePlugin,
    name: 'SLOWTEST',
    compile(model, config): Executable {
      const inner = templatePlugin.compile(model, config);
      return {
        ...inner,
        properties: { ...inner.properties, OPTIMAL_NUMBER_OF_INFER_REQUESTS: 3 },
        runAsync: (inputs, state) => {
          inFlight++;
          starts.push((inputs[0]!.data as Float32Array)[0]!);
          max = Math.max(max, inFlight);
          const delay = delaysMs[calls++ % delaysMs.length]!;
          return new Promise((resolve, reject) => setTimeout(() => {
            inFlight--;
            try { resolve(inner.run(inputs, state)); } catch (e) { reject(e); }
          }, delay));
        },
      };
    },
  };
  return { plugin, maxInFlight: () => max, starts };
}

test('AsyncInferQueue: openvino-node callback (error, request, userData); every job done; results equal sync inference', async () => {
  const compiled = new Core().compileModelSync(defaultModelPath, 'CPU');
  const sync = compiled.createInferRequest();
  const queue = new AsyncInferQueue<number>(compiled, 3);
  assert.equal(queue.length, 3);
  const images = Array.from({ length: 7 }, (_, i) => new Tensor('f32', [1, 3, 64, 64], randomArray(3 * 64 * 64, i + 1)));
  const seen = new Map<number, Tensor>();
  queue.setCallback((error, request, id) => {
    assert.equal(error, null);
    assert.ok(id !== undefined);
    // The request's outputs are this job's until the callback returns.
    seen.set(id, request.getOutputTensor());
  });
  const resolved = await Promise.all(images.map((img, i) => queue.startAsync({ image: img }, i)));
  assert.deepEqual(resolved, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(seen.size, 7);
  images.forEach((img, i) => assertTensor(seen.get(i)!, sync.infer({ image: img })['probabilities']!, { label: `job ${i}` }));
  queue.release();
});

test('AsyncInferQueue: jobs limit is respected, queued jobs start first in first out, waitAll waits for all', async () => {
  const { plugin, maxInFlight, starts } = slowDevice([15, 2, 8, 1, 5]);
  registerPlugin(plugin);
  const compiled = new Core().compileModelSync(reluModel(), 'SLOWTEST');
  const queue = new AsyncInferQueue<number>(compiled);
  assert.equal(queue.length, 3, 'jobs default to OPTIMAL_NUMBER_OF_INFER_REQUESTS');
  const order: number[] = [];
  const values = new Map<number, number>();
  queue.setCallback((error, request, id) => {
    assert.equal(error, null);
    order.push(id!);
    values.set(id!, (request.getOutputTensor().data as Float32Array)[2]!);
  });
  for (let i = 0; i < 10; i++) void queue.startAsync([input(i)], i);
  assert.equal(queue.isReady(), false);
  await queue.waitAll();
  assert.equal(order.length, 10);
  assert.equal(maxInFlight(), 3);
  assert.deepEqual(starts, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.notDeepEqual(order, [...order].sort((a, b) => a - b), 'delays make jobs finish out of start order');
  for (let i = 0; i < 10; i++) assert.equal(values.get(i), 2 * i, `job ${i} saw its own outputs`);
  assert.equal(queue.isReady(), true);
  await queue.waitAll();
  queue.release();
});

test('AsyncInferQueue: inference errors reach the callback; a throwing callback rejects that job only', async () => {
  const compiled = new Core().compileModelSync(reluModel(), 'TEMPLATE');
  const queue = new AsyncInferQueue<string>(compiled, 2);
  const errors: Array<[string | undefined, Error | null]> = [];
  queue.setCallback((error, _request, tag) => {
    errors.push([tag, error]);
    if (tag === 'throws') throw new Error('callback failed');
  });
  const wrongShape = new Tensor('f32', [2, 4], new Float32Array(8));
  assert.equal(await queue.startAsync([wrongShape], 'bad input'), 'bad input');
  await assert.rejects(queue.startAsync([input(1)], 'throws'), /callback failed/);
  assert.equal(await queue.startAsync([input(1)], 'fine'), 'fine');
  assert.equal(await queue.startAsync([input(1)]), undefined);
  assert.equal(errors.length, 4);
  assert.ok(errors[0]![1] instanceof InputError);
  assert.match(errors[0]![1]!.message, /input "x" expects shape \[1,4\], got \[2,4\]/);
  assert.deepEqual(errors.slice(1).map(([tag, e]) => [tag, e]), [['throws', null], ['fine', null], [undefined, null]]);
});

test('AsyncInferQueue: no callback or after release rejects; release twice is fine; queued jobs reject on release', async () => {
  const { plugin } = slowDevice([10]);
  registerPlugin(plugin);
  const compiled = new Core().compileModelSync(reluModel(), 'SLOWTEST');
  assert.throws(() => new AsyncInferQueue(compiled, 0), /jobs must be a positive integer, got 0/);
  assert.throws(() => new AsyncInferQueue(compiled, 1.5), InputError);
  const queue = new AsyncInferQueue(compiled, 1);
  await assert.rejects(queue.startAsync([input(1)], 'x'), /Callback has to be set before starting inference/);
  let done = 0;
  queue.setCallback(() => { done++; });
  const running = queue.startAsync([input(1)], 'a');
  const queued = queue.startAsync([input(2)], 'b');
  queue.release();
  queue.release();
  await assert.rejects(queued, /released before this job started/);
  assert.equal(await running, 'a');
  assert.equal(done, 1);
  await assert.rejects(queue.startAsync([input(1)], 'c'), /Callback has to be set/);
  assert.equal(addon.AsyncInferQueue, AsyncInferQueue);
});
