import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningServer } from '../../src/server/server.js';
import {
  affineModel, binaryBody, binaryOutputs, http, identityModel, IDENTITY_TYPES, modelConfig, postJson, saveVersion,
  startTestServer, tempDir,
} from './helpers.js';

/** Two values per datatype that sit at the edges of its range. */
const SAMPLE: Record<string, unknown[]> = {
  BOOL: [true, false], UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295], UINT64: [0, 2 ** 53 - 1],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647], INT64: [-(2 ** 53 - 1), 2 ** 53 - 1],
  FP16: [1.5, -2], FP32: [0.25, -3.5], FP64: [1e300, -1e-300], BYTES: ['héllo', ''],
};

/** The same samples as raw little-endian bytes. */
function rawSample(datatype: string): Buffer {
  const v = SAMPLE[datatype]!;
  switch (datatype) {
    case 'BOOL': return Buffer.from([1, 0]);
    case 'UINT8': return Buffer.from(Uint8Array.from(v.map(Number)).buffer);
    case 'UINT16': return Buffer.from(Uint16Array.from(v.map(Number)).buffer);
    case 'UINT32': return Buffer.from(Uint32Array.from(v.map(Number)).buffer);
    case 'UINT64': return Buffer.from(BigUint64Array.from(v.map((x) => BigInt(Number(x)))).buffer);
    case 'INT8': return Buffer.from(Int8Array.from(v.map(Number)).buffer);
    case 'INT16': return Buffer.from(Int16Array.from(v.map(Number)).buffer);
    case 'INT32': return Buffer.from(Int32Array.from(v.map(Number)).buffer);
    case 'INT64': return Buffer.from(BigInt64Array.from(v.map((x) => BigInt(Number(x)))).buffer);
    case 'FP16': return Buffer.from(Uint16Array.from([0x3e00, 0xc000]).buffer);
    case 'FP32': return Buffer.from(Float32Array.from(v.map(Number)).buffer);
    case 'FP64': return Buffer.from(Float64Array.from(v.map(Number)).buffer);
    default: return Buffer.concat(v.map((s) => {
      const b = Buffer.from(String(s), 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      return Buffer.concat([len, b]);
    }));
  }
}

describe('KServe v2 REST', () => {
  let server: RunningServer;
  let base: string;
  before(async () => {
    const repo = tempDir();
    saveVersion(join(repo, 'affine'), 1, affineModel(4, 1, 1));
    saveVersion(join(repo, 'affine'), 2, affineModel(4, 2, 0));
    saveVersion(join(repo, 'identity'), 1, identityModel());
    mkdirSync(join(repo, 'broken', '1'), { recursive: true });
    writeFileSync(join(repo, 'broken', '1', 'model.xml'), '<net><layers><layer type="NoSuchOp"');
    server = await startTestServer({
      models: [
        modelConfig('affine', join(repo, 'affine'), { versionPolicy: { kind: 'all' } }),
        modelConfig('identity', join(repo, 'identity')),
        modelConfig('broken', join(repo, 'broken')),
      ],
      grpcPort: -1,
      maxBodyBytes: 64 * 1024,
    });
    base = `http://127.0.0.1:${server.restPort}`;
  });
  after(() => server.close());

  it('answers health and server metadata', async () => {
    assert.equal((await http(base, '/v2/health/live')).status, 200);
    assert.deepEqual((await http(base, '/v2/health/ready')).json, { ready: true });
    const meta = await http(base, '/v2');
    assert.equal(meta.json['name'], 'tsvino');
    assert.ok(Array.isArray(meta.json['extensions']) && meta.json['extensions'].includes('binary_tensor_data'));
  });

  it('describes models and versions', async () => {
    const m = await http(base, '/v2/models/affine');
    assert.equal(m.status, 200);
    assert.deepEqual(m.json['versions'], ['2', '1']);
    assert.deepEqual(m.json['inputs'], [{ name: 'x', datatype: 'FP32', shape: [1, 4] }]);
    assert.deepEqual(m.json['outputs'], [{ name: 'y', datatype: 'FP32', shape: [1, 4] }]);
    assert.equal((await http(base, '/v2/models/affine/versions/1')).status, 200);
    assert.equal((await http(base, '/v2/models/affine/ready')).status, 200);
    assert.equal((await http(base, '/v2/models/affine/versions/1/ready')).status, 200);
    const ids = await http(base, '/v2/models/identity');
    assert.deepEqual(ids.json['inputs'], IDENTITY_TYPES.map(([d]) => ({ name: `in_${d}`, datatype: d, shape: [2] })));
  });

  it('answers 404 for unknown models, versions and routes', async () => {
    for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/affine/versions/9', '/v2/models/affine/versions/9/ready', '/v3/anything']) {
      const r = await http(base, path);
      assert.equal(r.status, 404, path);
      assert.equal(typeof r.json['error'], 'string', path);
    }
    const r = await postJson(base, '/v2/models/nope/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    assert.equal(r.status, 404);
    assert.match(String(r.json['error']), /"nope"/);
  });

  it('keeps serving when one model in the repository is broken', async () => {
    const ready = await http(base, '/v2/models/broken/ready');
    assert.equal(ready.status, 503);
    const r = await postJson(base, '/v2/models/broken/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }] });
    assert.equal(r.status, 503);
    assert.match(String(r.json['error']), /failed to load/);
    const config = await http(base, '/v1/config');
    assert.equal(config.json['broken'] && JSON.stringify(config.json['broken']).includes('FAILED'), true);
    assert.equal((await http(base, '/v2/models/affine/ready')).status, 200);
  });

  it('infers with JSON tensors on the newest or a named version', async () => {
    const body = { id: 'req-7', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [[1, 2, 3, 4]] }] };
    const latest = await postJson(base, '/v2/models/affine/infer', body);
    assert.equal(latest.status, 200);
    assert.equal(latest.json['model_version'], '2');
    assert.equal(latest.json['id'], 'req-7');
    assert.deepEqual(latest.json['outputs'], [{ name: 'y', datatype: 'FP32', shape: [1, 4], data: [2, 4, 6, 8] }]);
    const v1 = await postJson(base, '/v2/models/affine/versions/1/infer', body);
    assert.deepEqual((v1.json['outputs'] as Array<{ data: number[] }>)[0]!.data, [2, 3, 4, 5]);
  });

  it('round-trips every KServe datatype as JSON', async () => {
    const inputs = IDENTITY_TYPES.map(([d]) => ({ name: `in_${d}`, datatype: d, shape: [2], data: SAMPLE[d] }));
    const r = await postJson(base, '/v2/models/identity/infer', { inputs });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const outputs = r.json['outputs'] as Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
    for (const [d] of IDENTITY_TYPES) {
      const o = outputs.find((x) => x.name === `in_${d}`);
      assert.ok(o, d);
      assert.equal(o.datatype, d);
      assert.deepEqual(o.shape, [2]);
      assert.deepEqual(o.data, SAMPLE[d], d);
    }
  });

  it('round-trips every KServe datatype with the binary tensor extension', async () => {
    const raws = IDENTITY_TYPES.map(([d]) => rawSample(d));
    const header = {
      inputs: IDENTITY_TYPES.map(([d], i) => ({ name: `in_${d}`, datatype: d, shape: [2], parameters: { binary_data_size: raws[i]!.length } })),
      parameters: { binary_data_output: true },
    };
    const { body, headers } = binaryBody(header, raws);
    const r = await http(base, '/v2/models/identity/infer', { method: 'POST', body, headers });
    assert.equal(r.status, 200, r.bytes.toString());
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    const outs = binaryOutputs(r);
    IDENTITY_TYPES.forEach(([d], i) => assert.deepEqual(outs.get(`in_${d}`), raws[i], d));
  });

  it('mixes binary and JSON inputs and outputs, and returns only the outputs asked for', async () => {
    const x = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
    const { body, headers } = binaryBody({
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }],
      outputs: [{ name: 'y', parameters: { binary_data: false } }],
    }, [x]);
    const r = await http(base, '/v2/models/affine/infer', { method: 'POST', body, headers });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('inference-header-content-length'), null);
    assert.deepEqual((r.json['outputs'] as Array<{ data: number[] }>)[0]!.data, [2, 4, 6, 8]);

    const some = IDENTITY_TYPES.map(([d]) => ({ name: `in_${d}`, datatype: d, shape: [2], data: SAMPLE[d] }));
    const only = await postJson(base, '/v2/models/identity/infer', { inputs: some, outputs: [{ name: 'in_INT8', parameters: { binary_data: true } }] });
    assert.deepEqual((only.json['outputs'] as Array<{ name: string }>).map((o) => o.name), ['in_INT8']);
    assert.deepEqual(binaryOutputs(only).get('in_INT8'), rawSample('INT8'));
  });

  it('answers 400 naming the input for wrong datatypes, shapes, values and missing inputs', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ inputs: [{ name: 'x', datatype: 'INT32', shape: [1, 4], data: [1, 2, 3, 4] }] }, /input "x".*FP32.*INT32/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }] }, /input "x".*shape \[1,4\].*\[2,4\]/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3] }] }, /input "x".*4 values.*3/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 'a', 3, 4] }] }, /input "x".*numbers/],
      [{ inputs: [{ name: 'z', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] }, /missing input "x"/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }, { name: 'q', datatype: 'FP32', shape: [1], data: [1] }] }, /no input "q"/],
      [{ inputs: [{ name: 'x', datatype: 'FP99', shape: [1, 4], data: [1, 2, 3, 4] }] }, /input "x".*not a KServe datatype/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }] }, /input "x" has neither/],
      [{ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }], outputs: [{ name: 'nope' }] }, /no output "nope"/],
      [{ inputs: [] }, /non-empty "inputs"/],
      [[1, 2], /JSON object/],
    ];
    for (const [body, pattern] of cases) {
      const r = await postJson(base, '/v2/models/affine/infer', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(String(r.json['error']), pattern);
    }
    const range = await postJson(base, '/v2/models/identity/infer', {
      inputs: IDENTITY_TYPES.map(([d]) => ({ name: `in_${d}`, datatype: d, shape: [2], data: d === 'UINT8' ? [0, 300] : SAMPLE[d] })),
    });
    assert.equal(range.status, 400);
    assert.match(String(range.json['error']), /input "in_UINT8".*\[0, 255\].*300/);
  });

  it('answers 400 for malformed JSON and inconsistent binary framing', async () => {
    const bad = await http(base, '/v2/models/affine/infer', { method: 'POST', body: '{"inputs": [', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json['error']), /not valid JSON/);
    const header = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }] };
    const short = binaryBody(header, [Buffer.alloc(8)]);
    const r1 = await http(base, '/v2/models/affine/infer', { method: 'POST', body: short.body, headers: short.headers });
    assert.equal(r1.status, 400);
    assert.match(String(r1.json['error']), /binary_data_size 16/);
    const extra = binaryBody(header, [Buffer.alloc(20)]);
    const r2 = await http(base, '/v2/models/affine/infer', { method: 'POST', body: extra.body, headers: extra.headers });
    assert.equal(r2.status, 400);
    assert.match(String(r2.json['error']), /4 bytes of binary data are not claimed/);
    const r3 = await http(base, '/v2/models/affine/infer', { method: 'POST', body: short.body, headers: { ...short.headers, 'inference-header-content-length': '99999' } });
    assert.equal(r3.status, 400);
    assert.match(String(r3.json['error']), /Inference-Header-Content-Length/);
  });

  it('refuses a body over the size limit with 413 and says why', async () => {
    const big = { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: new Array(40000).fill(1) }] };
    const r = await postJson(base, '/v2/models/affine/infer', big);
    assert.equal(r.status, 413);
    assert.match(String(r.json['error']), /larger than the server's limit of 65536 bytes/);
  });

  it('exports Prometheus metrics under OVMS names', async () => {
    const r = await http(base, '/metrics');
    const text = r.bytes.toString();
    assert.match(text, /ovms_requests_success\{api="KServe",interface="REST",method="ModelInfer",name="affine",version="2"\} [1-9]/);
    assert.match(text, /ovms_requests_fail\{api="KServe",interface="REST",method="ModelInfer",name="affine",version="2"\} [1-9]/);
    for (const name of ['ovms_request_time_us_bucket', 'ovms_inference_time_us_count', 'ovms_current_requests', 'ovms_streams{name="affine",version="1"} 1']) {
      assert.ok(text.includes(name), name);
    }
  });
});
