import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import type { RunningServer } from '../../src/server/server.js';
import { affineModel, GrpcTestClient, identityModel, IDENTITY_TYPES, modelConfig, saveVersion, startTestServer, tempDir } from './helpers.js';

const f32 = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer);
const codeOf = (e: unknown): number | undefined => (typeof e === 'object' && e !== null && 'code' in e ? Number(e.code) : undefined);

async function rejectsWith(p: Promise<unknown>, code: number, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.equal(codeOf(e), code);
    assert.match(String(e instanceof Error ? e.message : e), pattern);
    return true;
  });
}

describe('KServe v2 gRPC', () => {
  let server: RunningServer;
  let client: GrpcTestClient;
  before(async () => {
    const repo = tempDir();
    saveVersion(join(repo, 'affine'), 1, affineModel(4, 1, 1));
    saveVersion(join(repo, 'affine'), 2, affineModel(4, 2, 0));
    saveVersion(join(repo, 'identity'), 1, identityModel());
    server = await startTestServer({
      models: [modelConfig('affine', join(repo, 'affine'), { versionPolicy: { kind: 'all' } }), modelConfig('identity', join(repo, 'identity'))],
      maxBodyBytes: 64 * 1024,
    });
    assert.ok(server.grpcPort);
    client = new GrpcTestClient(server.grpcPort);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('answers liveness, readiness and metadata', async () => {
    assert.deepEqual(await client.call('ServerLive', {}), { live: true });
    assert.deepEqual(await client.call('ServerReady', {}), { ready: true });
    assert.deepEqual(await client.call('ModelReady', { name: 'affine', version: '1' }), { ready: true });
    assert.deepEqual(await client.call('ModelReady', { name: 'affine', version: '7' }), { ready: false });
    const meta = await client.call('ServerMetadata', {});
    assert.equal(meta['name'], 'tsvino');
    const m = await client.call('ModelMetadata', { name: 'affine', version: '' });
    assert.deepEqual(m['versions'], ['2', '1']);
    assert.equal(m['platform'], 'OpenVINO');
    assert.deepEqual(m['inputs'], [{ name: 'x', datatype: 'FP32', shape: ['1', '4'] }]);
  });

  it('infers with raw_input_contents and returns raw_output_contents', async () => {
    const reply = await client.call('ModelInfer', {
      model_name: 'affine', model_version: '1', id: 'g1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [f32([1, 2, 3, 4])],
    });
    assert.equal(reply['model_version'], '1');
    assert.equal(reply['id'], 'g1');
    const outputs = reply['outputs'] as Array<{ name: string; datatype: string; shape: string[] }>;
    assert.equal(outputs[0]!.name, 'y');
    assert.deepEqual(outputs[0]!.shape, ['1', '4']);
    const raw = (reply['raw_output_contents'] as Buffer[])[0]!;
    assert.deepEqual(Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length))), [2, 3, 4, 5]);
  });

  it('takes typed contents for every datatype', async () => {
    const contents: Record<string, object> = {
      BOOL: { bool_contents: [true, false] }, UINT8: { uint_contents: [0, 255] }, UINT16: { uint_contents: [1, 65535] },
      UINT32: { uint_contents: [2, 4294967295] }, UINT64: { uint64_contents: ['3', '18446744073709551615'] },
      INT8: { int_contents: [-128, 127] }, INT16: { int_contents: [-32768, 5] }, INT32: { int_contents: [-7, 2147483647] },
      INT64: { int64_contents: ['-9223372036854775808', '9223372036854775807'] },
      FP16: { fp32_contents: [1.5, -2] }, FP32: { fp32_contents: [0.25, -3.5] }, FP64: { fp64_contents: [1e300, 2] },
      BYTES: { bytes_contents: [Buffer.from('héllo'), Buffer.from('')] },
    };
    const reply = await client.call('ModelInfer', {
      model_name: 'identity',
      inputs: IDENTITY_TYPES.map(([d]) => ({ name: `in_${d}`, datatype: d, shape: [2], contents: contents[d] })),
    });
    const outputs = reply['outputs'] as Array<{ name: string; datatype: string }>;
    const raws = reply['raw_output_contents'] as Buffer[];
    const byName = new Map(outputs.map((o, i) => [o.name, { datatype: o.datatype, raw: raws[i]! }]));
    const get = (d: string) => byName.get(`in_${d}`)!;
    assert.deepEqual([...get('BOOL').raw], [1, 0]);
    assert.equal(get('UINT64').raw.readBigUInt64LE(8), 18446744073709551615n);
    assert.equal(get('INT64').raw.readBigInt64LE(0), -9223372036854775808n);
    assert.equal(get('INT32').raw.readInt32LE(4), 2147483647);
    assert.equal(get('FP16').raw.readUInt16LE(0), 0x3e00);
    assert.equal(get('FP64').raw.readDoubleLE(0), 1e300);
    assert.equal(get('BYTES').raw.readUInt32LE(0), Buffer.byteLength('héllo'));
    assert.equal(get('BYTES').raw.subarray(4, 10).toString(), 'héllo');
    for (const [d] of IDENTITY_TYPES) assert.equal(get(d).datatype, d);
  });

  it('maps bad requests to INVALID_ARGUMENT and unknown models to NOT_FOUND', async () => {
    const x = { name: 'x', datatype: 'FP32', shape: [1, 4] };
    await rejectsWith(client.call('ModelInfer', { model_name: 'nope', inputs: [x], raw_input_contents: [f32([1, 2, 3, 4])] }), status.NOT_FOUND, /"nope"/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', model_version: '5', inputs: [x], raw_input_contents: [f32([1, 2, 3, 4])] }), status.NOT_FOUND, /no version 5/);
    await rejectsWith(client.call('ModelMetadata', { name: 'nope' }), status.NOT_FOUND, /"nope"/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [{ ...x, shape: [4] }], raw_input_contents: [f32([1, 2, 3, 4])] }), status.INVALID_ARGUMENT, /input "x".*shape/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [{ ...x, datatype: 'FP64' }], raw_input_contents: [f32([1, 2, 3, 4])] }), status.INVALID_ARGUMENT, /input "x".*FP32.*FP64/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [x], raw_input_contents: [f32([1, 2])] }), status.INVALID_ARGUMENT, /input "x".*16 bytes.*8/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [{ ...x, name: 'w' }], raw_input_contents: [f32([1, 2, 3, 4])] }), status.INVALID_ARGUMENT, /missing input "x"/);
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [x], contents: {} }), status.INVALID_ARGUMENT, /input "x".*4 values/);
  });

  it('refuses bytes that are not a protobuf message with INVALID_ARGUMENT', async () => {
    // Field 5 (inputs) claims 5 bytes and the message ends after 1.
    await rejectsWith(client.callRaw('ModelInfer', Buffer.from([0x2a, 0x05, 0x0a])), status.INVALID_ARGUMENT, /not a valid protobuf/);
  });

  it('refuses messages over the size limit with RESOURCE_EXHAUSTED', async () => {
    const big = f32(new Array(32 * 1024).fill(1));
    await rejectsWith(client.call('ModelInfer', { model_name: 'affine', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [big] }), status.RESOURCE_EXHAUSTED, /./);
  });

  it('counts gRPC requests in the OVMS metrics', async () => {
    const text = await server.metrics.registry.metrics();
    assert.match(text, /ovms_requests_success\{api="KServe",interface="gRPC",method="ModelInfer",name="affine",version="1"\} [1-9]/);
    assert.match(text, /ovms_requests_fail\{api="KServe",interface="gRPC",method="ModelInfer",name="nope",version=""\} [1-9]/);
  });
});
