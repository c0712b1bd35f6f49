import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Model, opset } from '../../src/index.js';
import type { RunningServer } from '../../src/server/server.js';
import { affineModel, http, modelConfig, postJson, saveVersion, startTestServer, tempDir } from './helpers.js';

/** y = 2x on f32 [?, 3]: batchable along the first axis. */
function batchableModel(): Model {
  const x = opset.parameter('f32', ['?', 3], 'x');
  const y = opset.multiply(x, opset.constant('f32', [1], [2]));
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'batchable');
}

describe('dynamic batching', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    const repo = tempDir();
    saveVersion(join(repo, 'b'), 1, batchableModel());
    saveVersion(join(repo, 'fixed'), 1, affineModel(4, 1, 0));
    server = await startTestServer({
      models: [
        modelConfig('b', join(repo, 'b'), { nireq: 1, dynamicBatching: { maxBatchSize: 8, maxQueueDelayUs: 50_000 } }),
        modelConfig('fixed', join(repo, 'fixed'), { dynamicBatching: { maxBatchSize: 4, maxQueueDelayUs: 100 } }),
      ],
      grpcPort: -1,
    });
    base = `http://127.0.0.1:${server.restPort}`;
  });
  after(() => server.close());

  it('stacks concurrent requests into one inference and splits the results back', async () => {
    const rows = [1, 2, 1, 3, 1];
    const replies = await Promise.all(rows.map((n, i) => postJson(base, '/v2/models/b/infer', {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [n, 3], data: Array.from({ length: n * 3 }, (_, k) => 100 * i + k) }],
    })));
    replies.forEach((r, i) => {
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const out = (r.json['outputs'] as Array<{ shape: number[]; data: number[] }>)[0]!;
      assert.deepEqual(out.shape, [rows[i], 3]);
      assert.deepEqual(out.data, Array.from({ length: rows[i]! * 3 }, (_, k) => 2 * (100 * i + k)));
    });
    const metrics = await server.metrics.registry.metrics();
    const count = Number(/tsvino_batch_size_count\{name="b",version="1"\} (\d+)/.exec(metrics)?.[1]);
    const sum = Number(/tsvino_batch_size_sum\{name="b",version="1"\} (\d+)/.exec(metrics)?.[1]);
    assert.equal(sum, 8, 'every row went through a batch');
    assert.ok(count < rows.length, `${rows.length} requests ran as ${count} inferences`);
  });

  it('still refuses a bad request on its own, without failing the batch', async () => {
    const [good, bad] = await Promise.all([
      postJson(base, '/v2/models/b/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }] }),
      postJson(base, '/v2/models/b/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }),
    ]);
    assert.equal(good.status, 200);
    assert.equal(bad.status, 400);
    assert.match(String(bad.json['error']), /input "x": expects shape \[\?,3\]/);
  });

  it('refuses to batch a model whose first dimension is static', async () => {
    const r = await http(base, '/v2/models/fixed/ready');
    assert.equal(r.status, 503);
    const status = JSON.stringify((await http(base, '/v1/config')).json['fixed']);
    assert.match(status, /dynamic_batching needs a dynamic first dimension/);
  });
});
