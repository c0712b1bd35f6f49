import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Model, opset, saveModelSync, type ElementType } from '../../src/index.js';
import { grpcProtoPath } from '../../src/server/package-info.js';
import type { ModelConfig } from '../../src/server/repository.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/server.js';

const tempDirs: string[] = [];
process.on('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh folder under the OS temp dir, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-serve-'));
  tempDirs.push(dir);
  return dir;
}

/** Writes `<base>/<version>/model.xml` atomically (into a staging folder, then renamed), as a deployer would. */
export function saveVersion(base: string, version: number, model: Model): void {
  mkdirSync(base, { recursive: true });
  const staging = join(base, `.staging-${version}-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  saveModelSync(model, join(staging, 'model.xml'));
  renameSync(staging, join(base, String(version)));
}

/** y = x * scale + offset on f32 [1, n]: tiny, and its output says which version answered. */
export function affineModel(n: number, scale: number, offset: number): Model {
  const x = opset.parameter('f32', [1, n], 'x');
  const y = opset.add(opset.multiply(x, opset.constant('f32', [1], [scale])), opset.constant('f32', [1], [offset]));
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'affine');
}

/** One input per KServe datatype, each returned as is: round-trips every encoding. */
export const IDENTITY_TYPES: Array<[string, ElementType]> = [
  ['BOOL', 'boolean'], ['UINT8', 'u8'], ['UINT16', 'u16'], ['UINT32', 'u32'], ['UINT64', 'u64'],
  ['INT8', 'i8'], ['INT16', 'i16'], ['INT32', 'i32'], ['INT64', 'i64'],
  ['FP16', 'f16'], ['FP32', 'f32'], ['FP64', 'f64'], ['BYTES', 'string'],
];
export function identityModel(): Model {
  const params = IDENTITY_TYPES.map(([d, t]) => opset.parameter(t, [2], `in_${d}`));
  return new Model(params.map((p) => p.output(0)), params, 'identity');
}

export function modelConfig(name: string, basePath: string, extra: Partial<ModelConfig> = {}): ModelConfig {
  return { name, basePath, versionPolicy: { kind: 'latest', count: 1 }, targetDevice: 'CPU', nireq: 2, pluginConfig: {}, ...extra };
}

export function startTestServer(opts: ServeOptions): Promise<RunningServer> {
  return startServer({ host: '127.0.0.1', restPort: 0, grpcPort: 0, logLevel: 'warn', pollIntervalMs: 100, ...opts });
}

export interface HttpReply { status: number; json: Record<string, unknown>; headers: Headers; bytes: Buffer }

export async function http(base: string, path: string, init?: RequestInit): Promise<HttpReply> {
  const r = await fetch(base + path, init);
  const bytes = Buffer.from(await r.arrayBuffer());
  const headerLength = r.headers.get('inference-header-content-length');
  const jsonText = headerLength === null ? bytes.toString('utf8') : bytes.subarray(0, Number(headerLength)).toString('utf8');
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(jsonText); } catch { /* metrics and other text bodies */ }
  return { status: r.status, json, headers: r.headers, bytes };
}

export const postJson = (base: string, path: string, body: unknown): Promise<HttpReply> =>
  http(base, path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** A binary-extension request: JSON header, then the raw tensors, with Inference-Header-Content-Length. */
export function binaryBody(header: unknown, tensors: readonly Uint8Array[]): { body: Buffer; headers: Record<string, string> } {
  const head = Buffer.from(JSON.stringify(header));
  return {
    body: Buffer.concat([head, ...tensors]),
    headers: { 'inference-header-content-length': String(head.length), 'content-type': 'application/octet-stream' },
  };
}

/** The binary outputs of a reply, by name, cut by their binary_data_size in order. */
export function binaryOutputs(reply: HttpReply): Map<string, Buffer> {
  const headerLength = Number(reply.headers.get('inference-header-content-length'));
  let at = headerLength;
  const out = new Map<string, Buffer>();
  const outputs = Array.isArray(reply.json['outputs']) ? reply.json['outputs'] : [];
  for (const o of outputs) {
    const size = Number(o.parameters?.binary_data_size ?? 0);
    out.set(String(o.name), reply.bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** A plain gRPC client over the service definition the server ships. */
export class GrpcTestClient {
  private readonly client: grpc.Client;
  private readonly service: grpc.ServiceDefinition;

  constructor(port: number) {
    const definition = loadSync(grpcProtoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const service = definition['inference.GRPCInferenceService'];
    if (!service || 'format' in service) throw new Error('no GRPCInferenceService in the proto');
    this.service = service;
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  call(method: string, request: object): Promise<Record<string, unknown>> {
    const def = this.service[method];
    if (!def) throw new Error(`no method ${method}`);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, (err, reply) => {
        if (err) reject(err);
        else resolve(typeof reply === 'object' && reply !== null ? Object.fromEntries(Object.entries(reply)) : {});
      });
    });
  }

  /** Sends bytes that are not a protobuf message, to check the server refuses them cleanly. */
  callRaw(method: string, bytes: Buffer): Promise<unknown> {
    const def = this.service[method];
    if (!def) throw new Error(`no method ${method}`);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(def.path, (b: Buffer) => b, def.responseDeserialize, bytes, (err, reply) => (err ? reject(err) : resolve(reply)));
    });
  }

  close(): void { this.client.close(); }
}

/** p-th percentile of sorted values. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
