import type { CompiledModel, InferRequest, InferResult, Tensor } from '../index.js';

/** How long a call waited for a free infer request and how long the inference itself took, in µs. */
export interface PoolTiming {
  waitUs: number;
  inferUs: number;
}

const microsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1000;

/**
 * A fixed set of infer requests over one compiled model, handed out first come, first served.
 * An InferRequest runs one inference at a time, so `nireq` of them bound a version's concurrency.
 */
export class InferPool {
  private readonly idle: InferRequest[];
  private readonly waiting: Array<(r: InferRequest) => void> = [];
  private readonly drained: Array<() => void> = [];
  /** Calls inside `run`: running an inference or waiting for a request. */
  private running = 0;

  constructor(compiled: CompiledModel, readonly size: number) {
    this.idle = Array.from({ length: size }, () => compiled.createInferRequest());
  }

  get queued(): number { return this.waiting.length; }
  get active(): number { return this.running - this.waiting.length; }

  /**
   * Runs one inference and hands the outputs to `consume` before the request is reused, since a
   * device may write the next result into the same output tensors.
   */
  async run<T>(inputs: Record<string, Tensor>, consume: (outputs: InferResult, timing: PoolTiming) => T): Promise<T> {
    const queuedAt = process.hrtime.bigint();
    const request = await this.acquire();
    const startedAt = process.hrtime.bigint();
    try {
      const outputs = await request.inferAsync(inputs);
      return consume(outputs, { waitUs: Number(startedAt - queuedAt) / 1000, inferUs: microsSince(startedAt) });
    } finally {
      this.release(request);
    }
  }

  /** Resolves once nothing runs or waits (at once when idle now). */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private acquire(): Promise<InferRequest> {
    this.running++;
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(request: InferRequest): void {
    this.running--;
    const next = this.waiting.shift();
    if (next) { next(request); return; }
    this.idle.push(request);
    if (this.running === 0) this.drained.splice(0).forEach((resolve) => resolve());
  }
}
