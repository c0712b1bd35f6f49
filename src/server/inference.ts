import { toServerError } from './errors.js';
import type { Interface, ServerMetrics } from './metrics.js';
import type { ModelManager } from './model-manager.js';
import type { NamedTensor, RequestInput, ServedVersion } from './served-version.js';

/** An inference request as REST and gRPC both decode it. */
export interface InferCall {
  modelName: string;
  modelVersion?: string;
  inputs: RequestInput[];
  /** Output names asked for; all outputs when empty. */
  outputs?: string[];
}

/** What the encoder of a protocol gets: the version that ran and its outputs (valid only during the call). */
export interface InferOutcome {
  served: ServedVersion;
  outputs: NamedTensor[];
}

/**
 * Resolves the model version, runs the call on its pool and hands the outcome to `encode`, recording
 * OVMS's request and inference metrics either way.
 */
export async function runInference<T>(
  manager: ModelManager, metrics: ServerMetrics, iface: Interface, call: InferCall, encode: (o: InferOutcome) => T,
): Promise<T> {
  const started = process.hrtime.bigint();
  let served: ServedVersion;
  try {
    served = manager.resolve(call.modelName, call.modelVersion);
  } catch (e) {
    metrics.countRequest(iface, 'ModelInfer', call.modelName, call.modelVersion ?? '', false);
    throw toServerError(e);
  }
  const labels = { name: served.name, version: String(served.version) };
  metrics.currentRequests.inc(labels);
  try {
    const result = await served.infer(call.inputs, (outputs, timing) => {
      metrics.inferenceTime.observe(labels, timing.inferUs);
      metrics.waitForInferReqTime.observe(labels, timing.waitUs);
      metrics.inferReqActive.set(labels, served.pool.active);
      return encode({ served, outputs });
    }, call.outputs);
    metrics.countRequest(iface, 'ModelInfer', labels.name, labels.version, true);
    metrics.requestTime.observe({ interface: iface, ...labels }, Number(process.hrtime.bigint() - started) / 1000);
    return result;
  } catch (e) {
    metrics.countRequest(iface, 'ModelInfer', labels.name, labels.version, false);
    throw toServerError(e);
  } finally {
    metrics.currentRequests.dec(labels);
  }
}
