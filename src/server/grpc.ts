import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { badRequest, grpcCodeOf, notFound, toServerError } from './errors.js';
import { decodeGrpcInfer, encodeGrpcReply } from './grpc-codec.js';
import { runInference } from './inference.js';
import type { ServerMetrics } from './metrics.js';
import type { Logger, ModelManager } from './model-manager.js';
import { modelMetadata, serverMetadata } from './metadata.js';
import { grpcProtoPath } from './package-info.js';

export interface GrpcOptions {
  manager: ModelManager;
  metrics: ServerMetrics;
  log: Logger;
  /** Largest request message in bytes; larger ones get RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
}

/** What a request deserializer returns for bytes that are not the message, so the call gets INVALID_ARGUMENT. */
class MalformedMessage {
  constructor(readonly reason: string) {}
}

function inferenceService(): grpc.ServiceDefinition {
  const definition = loadSync(grpcProtoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const service = definition['inference.GRPCInferenceService'];
  if (!service || 'format' in service) throw new Error(`${grpcProtoPath} does not define inference.GRPCInferenceService`);
  // grpc-js answers INTERNAL when deserializing fails; malformed protobuf is the client's error.
  return Object.fromEntries(Object.entries(service).map(([method, def]) => [method, {
    ...def,
    requestDeserialize: (bytes: Buffer): unknown => {
      try {
        return def.requestDeserialize(bytes);
      } catch (e) {
        return new MalformedMessage(e instanceof Error ? e.message : String(e));
      }
    },
  }]));
}

type Handler = (request: Record<string, unknown>) => unknown | Promise<unknown>;

const field = (r: Record<string, unknown>, key: string): string => (typeof r[key] === 'string' ? String(r[key]) : '');

/** Wraps a handler: checks the message decoded, awaits it, and maps errors to gRPC status codes. */
function unary(log: Logger, handler: Handler): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const request = call.request;
    const run = async (): Promise<unknown> => {
      if (request instanceof MalformedMessage) throw badRequest(`request is not a valid protobuf message: ${request.reason}`);
      const r = typeof request === 'object' && request !== null ? Object.fromEntries(Object.entries(request)) : {};
      return handler(r);
    };
    run().then((reply) => callback(null, reply), (e: unknown) => {
      const err = toServerError(e);
      if (err.kind === 'internal') log.error({ error: err.message, method: call.getPath() }, 'gRPC call failed');
      callback({ code: grpcCodeOf(err), details: err.message });
    });
  };
}

/** The KServe v2 gRPC service on @grpc/grpc-js. */
export function createGrpcServer(opts: GrpcOptions): grpc.Server {
  const { manager, metrics, log } = opts;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': opts.maxMessageBytes, 'grpc.max_send_message_length': -1 });
  const counted = (method: string, r: Record<string, unknown>, fn: () => unknown) => {
    const name = field(r, 'name');
    const version = field(r, 'version');
    try {
      const out = fn();
      metrics.countRequest('gRPC', method, name, version, true);
      return out;
    } catch (e) {
      metrics.countRequest('gRPC', method, name, version, false);
      throw e;
    }
  };
  server.addService(inferenceService(), {
    ServerLive: unary(log, () => ({ live: true })),
    ServerReady: unary(log, () => ({ ready: manager.ready })),
    ServerMetadata: unary(log, () => serverMetadata()),
    ModelReady: unary(log, (r) => counted('ModelReady', r, () => {
      const name = field(r, 'name');
      if (!manager.hasModel(name)) throw notFound(`model "${name}" is not served`);
      return { ready: manager.isModelReady(name, field(r, 'version')) };
    })),
    ModelMetadata: unary(log, (r) => counted('ModelMetadata', r, () => modelMetadata(manager, field(r, 'name'), field(r, 'version')))),
    ModelInfer: unary(log, (r) => {
      const { call, id } = decodeGrpcInfer(r);
      return runInference(manager, metrics, 'gRPC', call, (outcome) => encodeGrpcReply(outcome, id));
    }),
  });
  return server;
}

/** Binds and starts listening; resolves with the bound port (useful with port 0). */
export function listenGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}

/** Stops taking calls and resolves when the in-flight ones have finished (forcing after `timeoutMs`). */
export function shutdownGrpc(server: grpc.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => { server.forceShutdown(); resolve(); }, timeoutMs);
    server.tryShutdown(() => { clearTimeout(force); resolve(); });
  });
}
