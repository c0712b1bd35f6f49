import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { httpStatusOf, notFound, ServerError, toServerError, unavailable } from './errors.js';
import { runInference } from './inference.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelManager } from './model-manager.js';
import { serverMetadata, modelMetadata } from './metadata.js';
import { decodeRestInfer, encodeRestReply } from './rest-codec.js';


interface ModelParams { name: string; version?: string }

/** Fastify's own failures (body too large, bad media type) as our `{"error": "..."}` replies. */
function asServerError(e: unknown, bodyLimit: number): ServerError {
  if (e instanceof ServerError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ServerError('too-large', `request body is larger than the server's limit of ${bodyLimit} bytes (see --max-body-size)`);
  }
  const status = typeof e === 'object' && e !== null && 'statusCode' in e ? Number(e.statusCode) : 0;
  if (status >= 400 && status < 500) return new ServerError('bad-request', e instanceof Error ? e.message : String(e));
  return toServerError(e);
}

/**
 * A fastify app that takes every body as bytes and answers every error as `{"error": "..."}`. Bodies
 * over `bodyLimit` bytes get 413. Its pino logger is the server's structured log.
 */
export function createRestApp(bodyLimit: number, logLevel: string): FastifyInstance {
  // Per-request lines only at debug: under load they would drown the model lifecycle events.
  const app = Fastify({
    // return503OnClosing off: a request already on an open connection when SIGTERM arrives is served.
    bodyLimit, logger: { level: logLevel }, return503OnClosing: false, logController: new LogController({ disableRequestLogging: logLevel !== 'debug' }),
  });
  // Every body arrives as bytes: the binary tensor extension sends JSON followed by raw tensors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((e, req, reply) => {
    const err = asServerError(e, bodyLimit);
    if (err.kind === 'internal') req.log.error({ error: err.message, url: req.url }, 'request failed');
    void reply.code(httpStatusOf(err)).type('application/json').send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type('application/json').send({ error: `no route ${req.method} ${req.url}; the KServe v2 API is under /v2` });
  });
  return app;
}

/** The KServe v2 REST API, plus Prometheus /metrics and OVMS's /v1/config model status. */
export function addKServeRoutes(app: FastifyInstance, manager: ModelManager, metrics: ServerMetrics): void {

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    if (!manager.ready) return reply.code(503).send({ ready: false });
    return { ready: true };
  });
  app.get('/v2', async () => serverMetadata());
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/v1/config', async () => Object.fromEntries(manager.status().map((m) => [m.name, {
    model_version_status: m.versions.map((v) => ({
      version: String(v.version), state: v.state,
      status: { error_code: v.state === 'FAILED' ? 'UNKNOWN' : 'OK', error_message: v.error ?? 'OK' },
    })),
  }])));

  const metadataRoute = async (req: FastifyRequest<{ Params: ModelParams }>) => {
    const { name, version } = req.params;
    try {
      const result = modelMetadata(manager, name, version);
      metrics.countRequest('REST', 'ModelMetadata', name, version ?? '', true);
      return result;
    } catch (e) {
      metrics.countRequest('REST', 'ModelMetadata', name, version ?? '', false);
      throw e;
    }
  };
  app.get('/v2/models/:name', metadataRoute);
  app.get('/v2/models/:name/versions/:version', metadataRoute);

  const readyRoute = async (req: FastifyRequest<{ Params: ModelParams }>) => {
    const { name, version } = req.params;
    if (!manager.hasModel(name)) throw notFound(`model "${name}" is not served`);
    const ready = manager.isModelReady(name, version);
    metrics.countRequest('REST', 'ModelReady', name, version ?? '', ready);
    if (!ready) {
      // Tells 404 (no such version) from 503 (not loaded yet, or failed) the way resolve does.
      manager.resolve(name, version);
      throw unavailable(`model "${name}" is not ready`);
    }
    return { name, ready: true };
  };
  app.get('/v2/models/:name/ready', readyRoute);
  app.get('/v2/models/:name/versions/:version/ready', readyRoute);

  const inferRoute = async (req: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers['inference-header-content-length'];
    const decoded = decodeRestInfer(body, Array.isArray(header) ? header[0] : header, req.params.name, req.params.version);
    const out = await runInference(manager, metrics, 'REST', decoded.call, (outcome) => encodeRestReply(outcome, decoded));
    if (out.headerLength === undefined) return reply.type('application/json').send(out.body);
    return reply.header('Inference-Header-Content-Length', out.headerLength).type('application/octet-stream').send(out.body);
  };
  app.post('/v2/models/:name/infer', inferRoute);
  app.post('/v2/models/:name/versions/:version/infer', inferRoute);
}
