import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { binaryBody, http, saveVersion, slowModel, tempDir } from './helpers.js';

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
    saveVersion(join(repo, 'slow'), 1, slowModel());
    const child = spawn(process.execPath, [cli, 'serve', '--model-path', join(repo, 'slow'), '--model-name', 'slow',
      '--rest-port', '0', '--no-grpc', '--host', '127.0.0.1', '--nireq', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
      const x = new Float32Array(64 * 256).fill(1);
      const { body, headers } = binaryBody({
        inputs: [{ name: 'x', datatype: 'FP32', shape: [64, 256], parameters: { binary_data_size: x.byteLength } }],
        parameters: { binary_data_output: true },
      }, [Buffer.from(x.buffer)]);
      // nireq 1 runs these one by one, so once one has started, others are still to come.
      const requests = Array.from({ length: 6 }, () => http(base, '/v2/models/slow/infer', { method: 'POST', body, headers }));
      const deadline = Date.now() + 30_000;
      for (;;) {
        const metrics = (await http(base, '/metrics')).bytes.toString();
        const m = /ovms_current_requests\{name="slow",version="1"\} (\d+)/.exec(metrics);
        if (m && Number(m[1]) >= 1) break;
        if (Date.now() > deadline) throw new Error('no request reached the model within 30 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGTERM');
      const replies = await Promise.all(requests);
      for (const r of replies) {
        assert.equal(r.status, 200, r.bytes.toString());
        const y = r.bytes.subarray(Number(r.headers.get('inference-header-content-length')));
        assert.equal(y.length, 64 * 256 * 4);
        assert.ok(Math.abs(y.readFloatLE(0) - 1) < 1e-4);
      }
      const [code] = await exited;
      assert.equal(code, 0);
      const draining = logs.find((l) => String(l['msg']).startsWith('draining'));
      assert.ok(draining, 'logs the drain');
      assert.ok(Number(draining['inFlight']) >= 1, `a request was in flight when the drain began (${JSON.stringify(draining)})`);
      assert.ok(logs.some((l) => l['msg'] === 'drained'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
