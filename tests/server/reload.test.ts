import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server/server.js';
import { affineModel, http, postJson, saveVersion, startTestServer, tempDir } from './helpers.js';

/** Version v of model "m" answers x * v, so a reply names the version that computed it. */
const versionModel = (v: number) => affineModel(4, v, 0);

function writeConfig(path: string, models: Array<{ name: string; nireq?: number }>): void {
  // Written beside and renamed over, so the poller never reads half a file.
  writeFileSync(`${path}.tmp`, JSON.stringify({
    model_config_list: models.map((m) => ({ config: { name: m.name, base_path: m.name, nireq: m.nireq ?? 2 } })),
  }));
  renameSync(`${path}.tmp`, path);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('hot reload under load', () => {
  let server: RunningServer;
  let repo: string;
  let base: string;
  before(async () => {
    repo = tempDir();
    saveVersion(join(repo, 'm'), 1, versionModel(1));
    writeConfig(join(repo, 'config.json'), [{ name: 'm' }]);
    server = await startTestServer({ configPath: join(repo, 'config.json'), pollIntervalMs: 100 });
    base = `http://127.0.0.1:${server.restPort}`;
  });
  after(() => server.close());

  it('swaps versions and applies config.json changes without failing a request', async () => {
    const failures: string[] = [];
    const seen = new Set<string>();
    let ok = 0;
    let stop = false;
    const infer = async (): Promise<string> => {
      const r = await postJson(base, '/v2/models/m/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 1, 1, 1] }] });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.json)}`);
      const version = String(r.json['model_version']);
      const y = (r.json['outputs'] as Array<{ data: number[] }>)[0]!.data[0];
      if (y !== Number(version)) throw new Error(`version ${version} answered ${y}`);
      return version;
    };
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          seen.add(await infer());
          ok++;
        } catch (e) {
          failures.push(e instanceof Error ? e.message : String(e));
        }
      }
    });
    const servesVersion = (v: string) => until(`version ${v}`, async () => (await infer()) === v);
    try {
      saveVersion(join(repo, 'm'), 2, versionModel(2));
      await servesVersion('2');
      rmSync(join(repo, 'm', '2'), { recursive: true });
      await servesVersion('1');
      saveVersion(join(repo, 'm'), 3, versionModel(3));
      rmSync(join(repo, 'm', '1'), { recursive: true });
      await servesVersion('3');

      saveVersion(join(repo, 'm2'), 1, versionModel(5));
      writeConfig(join(repo, 'config.json'), [{ name: 'm', nireq: 3 }, { name: 'm2' }]);
      await until('model m2', async () => (await http(base, '/v2/models/m2/ready')).status === 200);
      await until('m with nireq 3', async () => (await server.metrics.registry.metrics()).includes('ovms_infer_req_queue_size{name="m",version="3"} 3'));

      writeFileSync(join(repo, 'config.json'), '{ "model_config_list": [ oops');
      await new Promise((r) => setTimeout(r, 400));
      assert.equal((await http(base, '/v2/models/m2/ready')).status, 200, 'an invalid config.json is ignored');
    } finally {
      // Clients stop on failure too, so a failed step cannot leave them running.
      stop = true;
      await Promise.all(clients);
    }
    console.log(`reload under load: ${ok} requests, ${failures.length} failed, versions seen ${[...seen].sort().join(', ')}`);
    assert.deepEqual(failures.slice(0, 3), []);
    assert.deepEqual([...seen].sort(), ['1', '2', '3']);
    const status = (await http(base, '/v1/config')).json;
    assert.deepEqual(Object.keys(status).sort(), ['m', 'm2']);
  });

  it('removes a model dropped from config.json', async () => {
    writeConfig(join(repo, 'config.json'), [{ name: 'm' }]);
    await until('m2 to go', async () => (await http(base, '/v2/models/m2/ready')).status === 404);
    assert.equal((await http(base, '/v2/models/m/ready')).status, 200);
  });
});
