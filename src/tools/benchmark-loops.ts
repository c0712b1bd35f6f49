// benchmark's measured loops. Per iteration they add only two clock reads and one store into a
// preallocated latency buffer to the inference (plus the AsyncInferQueue job in async mode).
import { performance } from 'node:perf_hooks';
import type { SingleBar } from 'cli-progress';
import { AsyncInferQueue, type CompiledModel, type InferRequest, type Tensor } from '../index.js';

export interface Limit { niter: number | undefined; timeMs: number | undefined }
export interface RunFigures { firstMs: number; latencies: Float64Array; count: number; durationMs: number; requests: InferRequest[] }

/** benchmark_app runs until every given limit is reached. */
const keepGoing = (limit: Limit, count: number, elapsedMs: number): boolean =>
  (limit.niter !== undefined && count < limit.niter) || (limit.timeMs !== undefined && elapsedMs < limit.timeMs);

/** A latency buffer sized for the iteration count, grown by doubling under a time limit. */
class Latencies {
  values: Float64Array;
  count = 0;
  constructor(expected: number) { this.values = new Float64Array(Math.max(16, expected)); }
  push(ms: number): void {
    if (this.count === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.count++] = ms;
  }
}

/** Progress by iterations when counted, else by time; redrawn at most every 100 ms. */
function progressTicker(bar: SingleBar | undefined, limit: Limit): (count: number, elapsedMs: number) => void {
  if (!bar) return () => {};
  const byCount = limit.niter !== undefined && limit.timeMs === undefined;
  bar.start(byCount ? limit.niter! : 100, 0);
  let next = 0;
  return (count, elapsedMs) => {
    if (elapsedMs < next) return;
    next = elapsedMs + 100;
    bar.update(byCount ? count : Math.min(100, Math.floor((100 * elapsedMs) / limit.timeMs!)));
  };
}

function setInputs(request: InferRequest, set: readonly Tensor[]): void {
  for (let i = 0; i < set.length; i++) request.setInputTensor(i, set[i]!);
}

export function runSync(
  compiled: CompiledModel, sets: Tensor[][], limit: Limit, inferenceOnly: boolean, bar: SingleBar | undefined, onFirst: (ms: number) => void,
): RunFigures {
  const request = compiled.createInferRequest();
  setInputs(request, sets[0]!);
  let t0 = performance.now();
  request.infer();
  const firstMs = performance.now() - t0;
  onFirst(firstMs);
  const lat = new Latencies(limit.niter ?? 1024);
  const tick = progressTicker(bar, limit);
  const start = performance.now();
  let now = start;
  while (keepGoing(limit, lat.count, now - start)) {
    t0 = performance.now();
    if (!inferenceOnly) setInputs(request, sets[lat.count % sets.length]!);
    request.infer();
    now = performance.now();
    lat.push(now - t0);
    tick(lat.count, now - start);
  }
  bar?.update(bar.getTotal());
  bar?.stop();
  return { firstMs, latencies: lat.values, count: lat.count, durationMs: now - start, requests: [request] };
}

/** Keeps `nireq` requests busy through an AsyncInferQueue; each callback starts the next job. */
export async function runAsync(
  compiled: CompiledModel, sets: Tensor[][], limit: Limit, nireq: number, bar: SingleBar | undefined, onFirst: (ms: number) => void,
): Promise<RunFigures> {
  const queue = new AsyncInferQueue<number>(compiled, nireq);
  const t0 = performance.now();
  await queue.getRequest(0).inferAsync(sets[0]!);
  const firstMs = performance.now() - t0;
  onFirst(firstMs);
  const lat = new Latencies(limit.niter ?? 1024);
  const tick = progressTicker(bar, limit);
  let started = 0;
  let failure: unknown;
  let end = 0;
  const start = performance.now();
  const launch = (): void => {
    const set = sets[started++ % sets.length]!;
    queue.startAsync(set, performance.now()).catch((e: unknown) => { failure ??= e; });
  };
  queue.setCallback((error, _request, startedAt) => {
    end = performance.now();
    if (error) { failure ??= error; return; }
    lat.push(end - startedAt!);
    tick(lat.count, end - start);
    if (failure === undefined && keepGoing(limit, started, end - start)) launch();
  });
  for (let i = 0; i < nireq && keepGoing(limit, started, 0); i++) launch();
  await queue.waitAll();
  queue.release();
  bar?.update(bar.getTotal());
  bar?.stop();
  if (failure !== undefined) throw failure;
  return { firstMs, latencies: lat.values, count: lat.count, durationMs: end - start, requests: Array.from({ length: nireq }, (_, i) => queue.getRequest(i)) };
}
