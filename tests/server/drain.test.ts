import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Model, opset } from '../../src/index.js';
import { http, postJson, saveVersion, tempDir } from './helpers.js';

/** y = 2x on f32 [?, 4]: its dynamic first axis lets the server batch it. */
function rowsModel(): Model {
  const x = opset.parameter('f32', ['?', 4], 'x');
  const y = opset.multiply(x, opset.constant('f32', [1], [2]));
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'rows');
}

const cli = fileURLToPath(new URL('../../src/tools/cli.js', import.meta.url));

describe('tsvino serve command line', () => {
  it('exits 1 with a one-line reason when it has no models or a bad config', () => {
    const none = spawnSync(process.execPath, [cli, 'serve', '--rest-port', '0'], { encoding: 'utf8' });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /give --config config.json, or both --model-path DIR and --model-name NAME/);
    const config = join(tempDir(), 'config.json');
    writeFileSync(config, JSON.stringify({ model_config_list: [{ config: { name: 'm' } }] }));
    const bad = spawnSync(process.execPath, [cli, 'serve', '--config', config, '--rest-port', '0'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /model_config_list\[0\] \(m\): "base_path" must be a path/);
  });
});

describe('SIGTERM drain', () => {
  it('finishes in-flight requests, then exits 0', async () => {
    const repo = tempDir();
    saveVersion(join(repo, 'rows'), 1, rowsModel());
    // Dynamic batching with a 2 s window holds each request inside the server for that long, whatever
    // the machine's speed, so SIGTERM lands while they are in flight.
    const child = spawn(process.execPath, [cli, 'serve', '--model-path', join(repo, 'rows'), '--model-name', 'rows',
      '--rest-port', '0', '--no-grpc', '--host', '127.0.0.1', '--nireq', '1', '--max-batch-size', '8', '--batch-delay-us', '2000000'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const logs: Array<Record<string, unknown>> = [];
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        let entry: Record<string, unknown>;
        try { entry = JSON.parse(line); } catch { return; }
        logs.push(entry);
        if (entry['msg'] === 'server listening') resolve(Number(entry['restPort']));
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    });
    try {
      const base = `http://127.0.0.1:${await listening}`;
      const requests = [1, 2, 3].map((v) => postJson(base, '/v2/models/rows/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [v, v, v, v] }] }));
      const deadline = Date.now() + 30_000;
      for (;;) {
        const metrics = (await http(base, '/metrics')).bytes.toString();
        const m = /ovms_current_requests\{name="rows",version="1"\} (\d+)/.exec(metrics);
        if (m && Number(m[1]) === 3) break;
        if (Date.now() > deadline) throw new Error('the requests did not reach the model within 30 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGTERM');
      const replies = await Promise.all(requests);
      replies.forEach((r, i) => {
        assert.equal(r.status, 200, JSON.stringify(r.json));
        assert.deepEqual((r.json['outputs'] as Array<{ data: number[] }>)[0]!.data, new Array(4).fill(2 * (i + 1)));
      });
      const [code] = await exited;
      assert.equal(code, 0);
      const draining = logs.find((l) => String(l['msg']).startsWith('draining'));
      assert.ok(draining, 'logs the drain');
      assert.equal(draining['inFlight'], 3, 'all three requests were in flight when the drain began');
      assert.ok(logs.some((l) => l['msg'] === 'drained'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
