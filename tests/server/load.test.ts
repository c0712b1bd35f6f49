import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server/server.js';
import { affineModel, binaryBody, GrpcTestClient, http, modelConfig, percentile, saveVersion, startTestServer, tempDir } from './helpers.js';

const CLIENTS = 24;
const SECONDS = 3;
const N = 16;

interface Tally { ok: number; errors: string[]; latenciesMs: number[] }

/** `clients` loops that each send one request after another until the deadline. */
async function hammer(clients: number, seconds: number, send: () => Promise<void>): Promise<Tally> {
  const tally: Tally = { ok: 0, errors: [], latenciesMs: [] };
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < deadline) {
      const t0 = performance.now();
      try {
        await send();
        tally.ok++;
        tally.latenciesMs.push(performance.now() - t0);
      } catch (e) {
        tally.errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  }));
  tally.latenciesMs.sort((a, b) => a - b);
  return tally;
}

function report(label: string, t: Tally): void {
  const p = (q: number) => percentile(t.latenciesMs, q).toFixed(2);
  console.log(`${label}: ${t.ok} requests in ${SECONDS} s from ${CLIENTS} clients (${(t.ok / SECONDS).toFixed(0)}/s), ${t.errors.length} errors, p50 ${p(50)} ms, p99 ${p(99)} ms`);
}

describe('load on loopback', () => {
  let server: RunningServer;
  before(async () => {
    const repo = tempDir();
    saveVersion(join(repo, 'affine'), 1, affineModel(N, 3, 1));
    server = await startTestServer({ models: [modelConfig('affine', join(repo, 'affine'), { nireq: 4 })] });
  });
  after(() => server.close());

  it(`serves ${CLIENTS} concurrent REST clients (binary tensors) with no errors`, async () => {
    const base = `http://127.0.0.1:${server.restPort}`;
    const x = new Float32Array(N).map((_, i) => i);
    const { body, headers } = binaryBody({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, N], parameters: { binary_data_size: x.byteLength } }],
      parameters: { binary_data_output: true },
    }, [Buffer.from(x.buffer)]);
    const t = await hammer(CLIENTS, SECONDS, async () => {
      const r = await http(base, '/v2/models/affine/infer', { method: 'POST', body, headers });
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.bytes.toString()}`);
      const hl = Number(r.headers.get('inference-header-content-length'));
      const y = r.bytes.subarray(hl);
      if (y.length !== 4 * N || y.readFloatLE(4 * 5) !== 16) throw new Error('wrong result');
    });
    report('REST binary', t);
    assert.deepEqual(t.errors.slice(0, 3), []);
    assert.ok(t.ok > 0);
  });

  it(`serves ${CLIENTS} concurrent gRPC clients with no errors`, async () => {
    assert.ok(server.grpcPort);
    const clients = Array.from({ length: 4 }, () => new GrpcTestClient(server.grpcPort!));
    let next = 0;
    const raw = Buffer.from(new Float32Array(N).fill(2).buffer);
    const t = await hammer(CLIENTS, SECONDS, async () => {
      const client = clients[next++ % clients.length]!;
      const reply = await client.call('ModelInfer', { model_name: 'affine', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, N] }], raw_input_contents: [raw] });
      const out = (reply['raw_output_contents'] as Buffer[])[0]!;
      if (out.readFloatLE(0) !== 7) throw new Error('wrong result');
    });
    clients.forEach((c) => c.close());
    report('gRPC', t);
    assert.deepEqual(t.errors.slice(0, 3), []);
    assert.ok(t.ok > 0);
  });
});
