// What the benchmarks share about the corpus that make_bench_models.py writes: each model's inputs
// (<name>.input.<input>.npy), fitting a model to them, and the median of a series.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Model, Tensor } from '../src/index.js';
import { tensorFromNpy } from '../src/tools/npy.js';

/** [input name, tensor] for every input file of `name` in `dir`. */
export function corpusInputs(dir: string, name: string): Array<[string, Tensor]> {
  const prefix = `${name}.input.`;
  return readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.npy'))
    .map((f) => [f.slice(prefix.length, -4), tensorFromNpy(readFileSync(join(dir, f)), f)]);
}

/** Reshapes `model`'s inputs to the corpus inputs' shapes (as benchmark_app -shape does). */
export function reshapeToInputs(model: Model, inputs: ReadonlyArray<[string, Tensor]>): void {
  model.reshape(new Map(model.inputs.map((input, i) => {
    const found = inputs.find(([k]) => input.nameSet.has(k));
    if (!found) throw new Error(`no corpus file for input ${input.anyName}`);
    return [i, found[1].getShape()];
  })));
}

/** The middle element (the upper one for an even count) of a series. */
export const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
