import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type Tensor } from '../index.js';
import { tensorFromNpy } from './npy.js';

/**
 * Calibration samples from a folder of .npy files, in one of two layouts:
 * - one sub-folder per sample, each holding `<input>.npy` for every model input
 *   (data/0001/input_ids.npy, data/0001/attention_mask.npy, data/0002/...);
 * - flat files `<input>.<k>.npy`, sample k made of every input's file with that k
 *   (data/x.0.npy, data/x.1.npy...).
 * `<input>` is the input's tensor name, or that name with each character outside
 * [A-Za-z0-9_.-] replaced by "_". Samples come in order (numbers compare numerically); files
 * are read when a sample is reached, so a large folder never sits in memory at once.
 */
export class NpyFolderDataset implements Iterable<Record<string, Tensor>> {
  private readonly samples: Array<{ label: string; files: Map<string, string> }>;

  constructor(readonly dir: string, inputNames: readonly string[]) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort(naturalOrder);
    } catch (e) {
      throw new InputError(`cannot read calibration data folder "${dir}": ${(e as Error).message}`);
    }
    const folders = entries.filter((e) => statSync(join(dir, e)).isDirectory());
    const files = entries.filter((e) => e.toLowerCase().endsWith('.npy') && !folders.includes(e));
    if (folders.length > 0 && files.length > 0) {
      throw new InputError(`calibration data folder "${dir}" mixes sample folders and .npy files; use one layout`);
    }
    const match = inputMatcher(inputNames);
    this.samples = folders.length > 0
      ? folders.map((f) => ({ label: f, files: sampleFolder(join(dir, f), match, inputNames) }))
      : flatSamples(dir, files, match, inputNames);
    if (this.samples.length === 0) throw new InputError(`calibration data folder "${dir}" holds no samples (no sub-folders and no <input>.<k>.npy files)`);
  }

  get size(): number { return this.samples.length; }

  *[Symbol.iterator](): Iterator<Record<string, Tensor>> {
    for (const s of this.samples) {
      const inputs: Record<string, Tensor> = {};
      for (const [name, file] of s.files) inputs[name] = tensorFromNpy(readFileSync(file), file);
      yield inputs;
    }
  }
}

type Matcher = (stem: string) => string | undefined;

function inputMatcher(names: readonly string[]): Matcher {
  const byStem = new Map<string, string>();
  for (const n of names) { byStem.set(n, n); byStem.set(n.replace(/[^\w.-]/g, '_'), n); }
  return (stem) => byStem.get(stem);
}

function sampleFolder(folder: string, match: Matcher, names: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(folder).filter((x) => x.toLowerCase().endsWith('.npy'))) {
    const name = match(f.slice(0, -4));
    if (!name) throw new InputError(`"${join(folder, f)}" names no model input; inputs are: ${names.join(', ')}`);
    files.set(name, join(folder, f));
  }
  checkComplete(files, names, folder);
  return files;
}

function flatSamples(dir: string, files: string[], match: Matcher, names: readonly string[]): Array<{ label: string; files: Map<string, string> }> {
  const samples = new Map<string, Map<string, string>>();
  for (const f of files) {
    const m = /^(.*)\.(\d+)\.npy$/i.exec(f);
    const name = m ? match(m[1]!) : undefined;
    if (!m || !name) throw new InputError(`"${join(dir, f)}" is not named <input>.<k>.npy for a model input; inputs are: ${names.join(', ')}`);
    const k = String(Number(m[2]));
    samples.set(k, (samples.get(k) ?? new Map()).set(name, join(dir, f)));
  }
  const ordered = [...samples.entries()].sort(([a], [b]) => Number(a) - Number(b));
  for (const [k, sample] of ordered) checkComplete(sample, names, `sample ${k} of ${dir}`);
  return ordered.map(([label, sample]) => ({ label, files: sample }));
}

function checkComplete(files: Map<string, string>, names: readonly string[], where: string): void {
  const missing = names.filter((n) => !files.has(n));
  if (missing.length) throw new InputError(`${where} lacks ${missing.map((n) => `"${n}"`).join(', ')}.npy`);
}

const collator = new Intl.Collator('en', { numeric: true });
const naturalOrder = (a: string, b: string): number => collator.compare(a, b);
