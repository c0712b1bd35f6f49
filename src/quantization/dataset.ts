import { InputError } from '../core/errors.js';
import type { InferInputs } from '../runtime/index.js';

/** One calibration sample: the model's inputs by name (or in order), as `infer` takes them. */
export type CalibrationSample = InferInputs;

/** An array, an iterable or an async iterable of samples (a generator is read only once). */
export type CalibrationDataset<T = CalibrationSample> = Iterable<T> | AsyncIterable<T>;

/** NNCF's default number of calibration samples. */
export const DEFAULT_SUBSET_SIZE = 300;

/**
 * The first `subsetSize` samples of a dataset, readable as many times as the algorithms need
 * (statistics, SmoothQuant, ranking). A one-shot iterator (a generator) is kept in memory after
 * its first read; arrays and re-iterable sources are read again each time.
 */
export class CalibrationSubset<T = CalibrationSample> {
  private cached: T[] | undefined;
  private counted: number | undefined;

  constructor(private readonly source: CalibrationDataset<T>, readonly subsetSize = DEFAULT_SUBSET_SIZE) {
    if (!Number.isInteger(subsetSize) || subsetSize <= 0) throw new InputError(`subsetSize must be a positive integer, got ${subsetSize}`);
    if (!isIterable(source) && !isAsyncIterable(source)) {
      throw new InputError('a calibration dataset must be an array or an (async) iterable of input objects');
    }
    if (Array.isArray(source)) this.counted = Math.min(source.length, subsetSize);
  }

  /** The sample count when known ahead of reading (arrays, or after a first full read). */
  get knownSize(): number | undefined { return this.counted; }

  async *samples(): AsyncGenerator<T> {
    if (this.cached) { yield* this.cached; return; }
    const oneShot = isOneShot(this.source);
    const kept: T[] = [];
    let n = 0;
    for await (const sample of this.source) {
      if (sample === null || typeof sample !== 'object') {
        throw new InputError(`calibration sample ${n} must be an object of input tensors, got ${sample === null ? 'null' : typeof sample}`);
      }
      if (oneShot) kept.push(sample);
      n++;
      yield sample;
      // Stop before asking the source for one more: a generator is not advanced past the subset.
      if (n >= this.subsetSize) break;
    }
    if (n === 0) throw new InputError('the calibration dataset is empty');
    this.counted = n;
    if (oneShot) this.cached = kept;
  }
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.iterator in x && typeof x[Symbol.iterator] === 'function';
}
function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x && typeof x[Symbol.asyncIterator] === 'function';
}

/** An iterator that is its own iterable (a generator) can be walked only once. */
function isOneShot(x: Iterable<unknown> | AsyncIterable<unknown>): boolean {
  const iterator: unknown = isAsyncIterable(x) ? x[Symbol.asyncIterator]() : x[Symbol.iterator]();
  return iterator === x;
}
