import { InputError } from '../core/errors.js';
import { CompiledModel } from './compiled-model.js';
import type { InferInputs, InferRequest } from './infer-request.js';

/**
 * Called once per finished job on the JS thread, with openvino-node's argument order: the
 * inference error (null on success), the request that ran it (its output tensors are the job's
 * results until the callback returns) and the job's user data.
 */
export type AsyncInferQueueCallback<U = unknown> = (error: Error | null, request: InferRequest, userData: U | undefined) => void;

interface Job<U> {
  inputs: InferInputs;
  userData: U | undefined;
  callback: AsyncInferQueueCallback<U>;
  resolve(userData: U | undefined): void;
  reject(reason: unknown): void;
}

/**
 * A pool of infer requests over one compiled model (openvino-node's AsyncInferQueue). `startAsync`
 * runs a job on the first idle request, or queues it (first in, first out) until one frees up, so
 * at most `jobs` inferences are in flight. Each job's promise settles after its callback ran.
 */
export class AsyncInferQueue<U = unknown> {
  private readonly requests: InferRequest[];
  private readonly idle: number[];
  private readonly waiting: Job<U>[] = [];
  private callback: AsyncInferQueueCallback<U> | undefined;
  private running = 0;
  private drained: Array<() => void> = [];

  /** `jobs` defaults to the compiled model's OPTIMAL_NUMBER_OF_INFER_REQUESTS. */
  constructor(compiledModel: CompiledModel, jobs?: number) {
    if (!(compiledModel instanceof CompiledModel)) {
      throw new InputError('AsyncInferQueue(compiledModel, jobs?) needs a CompiledModel as its first argument');
    }
    const count = jobs ?? optimalRequests(compiledModel);
    if (!Number.isInteger(count) || count < 1) {
      throw new InputError(`AsyncInferQueue jobs must be a positive integer, got ${String(jobs ?? count)}`);
    }
    this.requests = Array.from({ length: count }, () => compiledModel.createInferRequest());
    this.idle = this.requests.map((_, i) => i);
  }

  /** Number of requests in the pool. */
  get length(): number { return this.requests.length; }

  /** The pool's request `id` (0 ≤ id < length), e.g. to read its profiling information. */
  getRequest(id: number): InferRequest {
    const r = this.requests[id];
    if (!r) throw new InputError(`AsyncInferQueue has no request ${id}; it has ${this.requests.length}`);
    return r;
  }

  /** Replaces the callback for jobs started from now on. */
  setCallback(callback: AsyncInferQueueCallback<U>): void {
    if (typeof callback !== 'function') throw new InputError('setCallback needs a function (error, request, userData) => void');
    this.callback = callback;
  }

  /**
   * Starts a job, or queues it when every request is busy. Resolves with `userData` once the
   * callback has run; rejects if the callback throws, or if the queue is released first.
   */
  startAsync(inputs: InferInputs, userData?: U): Promise<U | undefined> {
    const callback = this.callback;
    if (!callback) {
      return Promise.reject(new InputError('Callback has to be set before starting inference. Use setCallback().'));
    }
    return new Promise<U | undefined>((resolve, reject) => {
      const job: Job<U> = { inputs, userData, callback, resolve, reject };
      const id = this.idle.shift();
      if (id === undefined) this.waiting.push(job); else this.run(id, job);
    });
  }

  /** True when a job started now would run at once. */
  isReady(): boolean { return this.idle.length > 0; }

  /** Resolves once every started or queued job has finished and its callback has run. */
  waitAll(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /**
   * Drops the callback, so later `startAsync` calls reject; queued jobs that have not started
   * reject now, running ones finish normally. Safe to call twice.
   */
  release(): void {
    this.callback = undefined;
    for (const job of this.waiting.splice(0)) job.reject(new InputError('AsyncInferQueue was released before this job started'));
    this.notifyIfDrained();
  }

  private run(id: number, job: Job<U>): void {
    const request = this.requests[id]!;
    this.running++;
    request.inferAsync(job.inputs).then(
      () => this.finish(id, job, null),
      (e: unknown) => this.finish(id, job, e instanceof Error ? e : new Error(String(e))),
    );
  }

  private finish(id: number, job: Job<U>, error: Error | null): void {
    try {
      job.callback(error, this.requests[id]!, job.userData);
      job.resolve(job.userData);
    } catch (e) {
      job.reject(e);
    }
    this.running--;
    const next = this.waiting.shift();
    if (next) this.run(id, next); else this.idle.push(id);
    this.notifyIfDrained();
  }

  private notifyIfDrained(): void {
    if (this.running > 0 || this.waiting.length > 0 || this.drained.length === 0) return;
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }
}

function optimalRequests(compiled: CompiledModel): number {
  const names = compiled.getProperty('SUPPORTED_PROPERTIES');
  if (!Array.isArray(names) || !names.includes('OPTIMAL_NUMBER_OF_INFER_REQUESTS')) {
    throw new InputError(`device ${compiled.plugin.name} has no OPTIMAL_NUMBER_OF_INFER_REQUESTS; pass the number of jobs to AsyncInferQueue`);
  }
  return Number(compiled.getProperty('OPTIMAL_NUMBER_OF_INFER_REQUESTS'));
}
