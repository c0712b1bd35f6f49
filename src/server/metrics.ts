import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Interface = 'REST' | 'gRPC';

/** OVMS's latency buckets: a quarter decade apart, from 10 µs to 100 s. */
const MICROSECOND_BUCKETS = Array.from({ length: 29 }, (_, i) => Math.round(10 * 10 ** (i / 4)));

/**
 * Prometheus metrics under OVMS's names and labels, so dashboards and alerts written for OpenVINO
 * Model Server read tsvino's too. Each server has its own registry (several can share a process).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requestsSuccess = new Counter({
    name: 'ovms_requests_success', help: 'Number of successful requests to a model or a DAG.',
    labelNames: ['api', 'interface', 'method', 'name', 'version'] as const, registers: [this.registry],
  });
  readonly requestsFail = new Counter({
    name: 'ovms_requests_fail', help: 'Number of failed requests to a model or a DAG.',
    labelNames: ['api', 'interface', 'method', 'name', 'version'] as const, registers: [this.registry],
  });
  readonly requestTime = new Histogram({
    name: 'ovms_request_time_us', help: 'Processing time of requests to a model or a DAG.',
    labelNames: ['interface', 'name', 'version'] as const, buckets: MICROSECOND_BUCKETS, registers: [this.registry],
  });
  readonly inferenceTime = new Histogram({
    name: 'ovms_inference_time_us', help: 'Inference execution time in the OpenVINO backend.',
    labelNames: ['name', 'version'] as const, buckets: MICROSECOND_BUCKETS, registers: [this.registry],
  });
  readonly waitForInferReqTime = new Histogram({
    name: 'ovms_wait_for_infer_req_time_us', help: 'Request waiting time in the scheduling queue.',
    labelNames: ['name', 'version'] as const, buckets: MICROSECOND_BUCKETS, registers: [this.registry],
  });
  readonly currentRequests = new Gauge({
    name: 'ovms_current_requests', help: 'Number of inference requests currently in process.',
    labelNames: ['name', 'version'] as const, registers: [this.registry],
  });
  readonly streams = new Gauge({
    name: 'ovms_streams', help: 'Number of OpenVINO execution streams.',
    labelNames: ['name', 'version'] as const, registers: [this.registry],
  });
  readonly inferReqQueueSize = new Gauge({
    name: 'ovms_infer_req_queue_size', help: 'Inference request queue size (nireq).',
    labelNames: ['name', 'version'] as const, registers: [this.registry],
  });
  readonly inferReqActive = new Gauge({
    name: 'ovms_infer_req_active', help: 'Number of currently consumed inference requests from the processing queue.',
    labelNames: ['name', 'version'] as const, registers: [this.registry],
  });

  /** tsvino's own: rows per inference where dynamic batching is on. */
  readonly batchSize = new Histogram({
    name: 'tsvino_batch_size', help: 'Rows stacked into one inference by dynamic batching.',
    labelNames: ['name', 'version'] as const, buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: [this.registry],
  });

  /** Counts one request by outcome; `name`/`version` are empty for server-level calls. */
  countRequest(iface: Interface, method: string, name: string, version: string, ok: boolean): void {
    (ok ? this.requestsSuccess : this.requestsFail).inc({ api: 'KServe', interface: iface, method, name, version });
  }

  /** Drops a retired version's per-version series. */
  forgetVersion(name: string, version: string): void {
    for (const g of [this.streams, this.inferReqQueueSize, this.inferReqActive, this.currentRequests]) g.remove({ name, version });
  }
}
