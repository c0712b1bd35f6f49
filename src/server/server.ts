import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Core } from '../index.js';
import { createGrpcServer, listenGrpc, shutdownGrpc } from './grpc.js';
import { ServerMetrics } from './metrics.js';
import { ModelManager } from './model-manager.js';
import { parseConfig, type ModelConfig } from './repository.js';
import { addKServeRoutes, createRestApp } from './rest.js';

export interface ServeOptions {
  /** An OVMS config.json; watched for changes. */
  configPath?: string;
  /** Models given directly (the single-model command line); used when configPath is not. */
  models?: ModelConfig[];
  host?: string;
  /** 0 picks a free port; the bound one is in RunningServer.restPort. */
  restPort?: number;
  /** 0 picks a free port; undefined or a negative number turns gRPC off. */
  grpcPort?: number;
  /** Largest REST body / gRPC message, bytes. */
  maxBodyBytes?: number;
  /** How often version directories and config.json are checked (OVMS's file_system_poll_wait_seconds). */
  pollIntervalMs?: number;
  logLevel?: string;
  /** After this long, drain stops waiting for in-flight requests. */
  drainTimeoutMs?: number;
}

export interface RunningServer {
  restPort: number;
  grpcPort: number | undefined;
  manager: ModelManager;
  metrics: ServerMetrics;
  /** Stops accepting requests, lets in-flight ones finish, then resolves. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Loads the repository, then serves KServe v2 over REST (and gRPC when a port is given). */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const host = opts.host ?? '0.0.0.0';
  const configPath = opts.configPath === undefined ? undefined : resolve(opts.configPath);
  const configs = configPath ? parseConfig(readFileSync(configPath, 'utf8'), dirname(configPath)) : opts.models ?? [];
  const metrics = new ServerMetrics();
  const app = createRestApp(maxBodyBytes, opts.logLevel ?? 'info');
  // The manager and gRPC log through fastify's logger, so every line shares one structured format.
  const manager = new ModelManager(new Core(), app.log, metrics);
  addKServeRoutes(app, manager, metrics);
  // While draining, each response closes its connection: fastify's keep-alive timeout is 72 s, and an
  // idle keep-alive connection would otherwise hold the exit that long. Requests already read are served.
  let draining = false;
  app.addHook('onSend', async (_req, reply, payload) => {
    if (draining) void reply.header('connection', 'close');
    return payload;
  });
  await manager.setConfigs(configs);
  manager.startPolling(opts.pollIntervalMs ?? 1000, configPath);

  const grpcServer = opts.grpcPort !== undefined && opts.grpcPort >= 0
    ? createGrpcServer({ manager, metrics, log: app.log, maxMessageBytes: maxBodyBytes }) : undefined;
  const grpcPort = grpcServer ? await listenGrpc(grpcServer, host, opts.grpcPort ?? 0) : undefined;
  await app.listen({ host, port: opts.restPort ?? 8000 });
  const address = app.server.address();
  const restPort = typeof address === 'object' && address !== null ? address.port : opts.restPort ?? 8000;
  app.log.info({ restPort, grpcPort, models: configs.map((c) => c.name) }, 'server listening');

  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  let closing: Promise<void> | undefined;
  return {
    restPort, grpcPort, manager, metrics,
    close: () => {
      closing ??= (async () => {
        draining = true;
        app.log.info({ inFlight: manager.inFlight() }, 'draining: no new requests, waiting for in-flight ones');
        await Promise.all([app.close(), grpcServer ? shutdownGrpc(grpcServer, drainTimeoutMs) : undefined, manager.close()]);
        app.log.info({}, 'drained');
      })();
      return closing;
    },
  };
}
