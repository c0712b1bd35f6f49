import { Tensor, type InferResult } from '../index.js';
import type { InferPool, PoolTiming } from './infer-pool.js';

export interface BatchingOptions {
  /** Most rows (sum of the requests' first dimensions) one inference takes. */
  maxBatchSize: number;
  /** How long the first request of a batch waits for others, in microseconds. */
  maxQueueDelayUs: number;
}

interface Pending {
  tensors: Record<string, Tensor>;
  rows: number;
  /** Each input's shape after the first dimension, as a key: only equal keys stack. */
  key: string;
  deliver(outputs: InferResult, timing: PoolTiming): void;
  fail(e: unknown): void;
}

const rowsOf = (t: Tensor): number => t.getShape()[0] ?? 1;

const bytesOf = (t: Tensor): Uint8Array | undefined => {
  const d = t.data;
  return Array.isArray(d) ? undefined : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
};

/** Stacks tensors of equal type and trailing shape along the first axis. */
function stack(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  const shape = [parts.reduce((n, t) => n + rowsOf(t), 0), ...first.getShape().slice(1)];
  const views = parts.map(bytesOf);
  if (views.some((v) => v === undefined)) return new Tensor(first.getElementType(), shape, parts.flatMap((t) => (Array.isArray(t.data) ? t.data : [])));
  const out = new Uint8Array(views.reduce((n, v) => n + (v?.byteLength ?? 0), 0));
  let at = 0;
  for (const v of views) { if (v) { out.set(v, at); at += v.byteLength; } }
  return new Tensor(first.getElementType(), shape, out.buffer);
}

/** Rows [start, start + rows) along the first axis, copied out of the batch result. */
function rowsSlice(t: Tensor, start: number, rows: number): Tensor {
  const shape = t.getShape();
  const total = rowsOf(t);
  const outShape = [rows, ...shape.slice(1)];
  const data = t.data;
  if (Array.isArray(data)) {
    const per = data.length / total;
    return new Tensor(t.getElementType(), outShape, data.slice(start * per, (start + rows) * per));
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const per = bytes.byteLength / total;
  return new Tensor(t.getElementType(), outShape, bytes.slice(start * per, (start + rows) * per).buffer);
}

/**
 * Dynamic batching: requests that arrive within a short window are stacked along the first (batch)
 * axis into one inference and the outputs split back per request. Worth it where one batched inference
 * costs less than its parts (large models, accelerators); the model's first dimension must be dynamic.
 */
export class DynamicBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inside = 0;
  private readonly idle: Array<() => void> = [];

  constructor(private readonly pool: InferPool, private readonly opts: BatchingOptions, private readonly onBatch: (rows: number) => void = () => {}) {}

  get inFlight(): number { return this.inside; }

  run<T>(tensors: Record<string, Tensor>, consume: (outputs: InferResult, timing: PoolTiming) => T): Promise<T> {
    this.inside++;
    const names = Object.keys(tensors).sort();
    const rows = rowsOf(tensors[names[0]!]!);
    const key = names.map((n) => `${n}:${tensors[n]!.getElementType()}[${tensors[n]!.getShape().slice(1).join(',')}]`).join(';');
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        tensors, rows, key,
        deliver: (outputs, timing) => { try { resolve(consume(outputs, timing)); } catch (e) { reject(e); } },
        fail: reject,
      });
      const queuedRows = this.pending.reduce((n, p) => n + p.rows, 0);
      if (queuedRows >= this.opts.maxBatchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.maxQueueDelayUs / 1000);
    }).finally(() => {
      this.inside--;
      if (this.inside === 0) this.idle.splice(0).forEach((r) => r());
    });
  }

  whenIdle(): Promise<void> {
    return this.inside === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  private flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    while (this.pending.length) {
      const batch = this.take();
      void this.runBatch(batch);
    }
  }

  /** The oldest request plus the later ones that stack with it, up to the batch size. */
  private take(): Pending[] {
    const head = this.pending[0]!;
    const batch: Pending[] = [];
    let rows = 0;
    this.pending = this.pending.filter((p) => {
      if (p.key !== head.key || (batch.length > 0 && rows + p.rows > this.opts.maxBatchSize)) return true;
      batch.push(p);
      rows += p.rows;
      return false;
    });
    return batch;
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const only = batch[0]!;
    const total = batch.reduce((n, p) => n + p.rows, 0);
    this.onBatch(total);
    const inputs = batch.length === 1 ? only.tensors
      : Object.fromEntries(Object.keys(only.tensors).map((n) => [n, stack(batch.map((p) => p.tensors[n]!))]));
    try {
      await this.pool.run(inputs, (outputs, timing) => {
        if (batch.length === 1) { only.deliver(outputs, timing); return; }
        for (const [name, t] of Object.entries(outputs)) {
          if (rowsOf(t) !== total) throw new Error(`output "${name}" has ${rowsOf(t)} rows for a batch of ${total}; the model cannot be batched along its first axis`);
        }
        let start = 0;
        for (const p of batch) {
          p.deliver(Object.fromEntries(Object.entries(outputs).map(([n, t]) => [n, rowsSlice(t, start, p.rows)])), timing);
          start += p.rows;
        }
      });
    } catch (e) {
      batch.forEach((p) => p.fail(e));
    }
  }
}
