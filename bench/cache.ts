// The model cache: compileModel(path, 'CPU', { CACHE_DIR }) on a miss (empty cache folder: read,
// transform, lower, plan, store the blob) against a hit (load the blob), per corpus model:
//   node dist/bench/cache.js [--dir bench-models] [--rounds 5] [--threads 2] [names...]
// Two files per model: a copy whose inputs are fixed to the corpus inputs' shapes (so the plan is
// built at compile and the blob holds it), and the corpus file as it is (dynamic batch: the blob
// holds the graph; plans are built at the first inference). Every compile runs in a fresh process
// (module loading excluded from the clock); miss and hit alternate for --rounds rounds and each cell
// is the median. The first inference after each compile is timed too, and the hit's outputs must
// equal the miss's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { corpusInputs, median } from './corpus-files.js';

const NAMES = ['resnet50', 'mobilenet_v2', 'squeezenet1_1', 'densenet121', 'bert_base', 'gpt2_small'];
interface Measure { compileMs: number; firstInferMs: number; loaded: boolean; outputs: number[]; error?: string }

/** A copy of the ONNX file whose graph inputs have the corpus inputs' static shapes. */
async function staticCopy(dir: string, name: string, into: string): Promise<string> {
  const { onnx } = await import('../src/frontends/onnx/proto.js');
  const shapes = new Map(corpusInputs(dir, name).map(([k, t]) => [k, t.getShape()]));
  const proto = onnx.ModelProto.decode(readFileSync(join(dir, `${name}.onnx`)));
  for (const input of proto.graph?.input ?? []) {
    const shape = shapes.get(input.name ?? '');
    const dims = input.type?.tensorType?.shape?.dim;
    if (shape && dims) dims.forEach((d, i) => { d.dimValue = shape[i]!; d.dimParam = ''; });
  }
  const path = join(into, `${name}.static.onnx`);
  writeFileSync(path, onnx.ModelProto.encode(proto).finish());
  return path;
}

/** One compile through CACHE_DIR and one inference, in this process. */
async function measure(path: string, cacheDir: string, dir: string, name: string, threads: number): Promise<Measure> {
  const { Core } = await import('../src/index.js');
  const feeds = Object.fromEntries(corpusInputs(dir, name));
  const core = new Core();
  const t0 = performance.now();
  const compiled = await core.compileModel(path, 'CPU', { CACHE_DIR: cacheDir, INFERENCE_NUM_THREADS: threads });
  const t1 = performance.now();
  const out = compiled.createInferRequest().infer(feeds);
  const t2 = performance.now();
  const first = Object.values(out)[0]!.data as Float32Array;
  return { compileMs: t1 - t0, firstInferMs: t2 - t1, loaded: compiled.getProperty('LOADED_FROM_CACHE') === true, outputs: [...first.subarray(0, 16)] };
}

const opts = new Command('cache')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--rounds <n>', 'alternating miss/hit rounds per model', '5')
  .option('--threads <n>', 'INFERENCE_NUM_THREADS', '2')
  .option('--one <path>', 'internal: one compile of this file in this process')
  .option('--cache <dir>', 'internal: the CACHE_DIR of --one')
  .argument('[names...]')
  .parse();
const o = opts.opts<{ dir: string; rounds: string; threads: string; one?: string; cache?: string }>();
const names = opts.args.length ? opts.args : NAMES.filter((n) => existsSync(join(o.dir, `${n}.onnx`)));

if (o.one) {
  try {
    console.log(JSON.stringify(await measure(o.one, o.cache!, o.dir, names[0]!, Number(o.threads))));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
} else {
  const work = mkdtempSync(join(tmpdir(), 'tsvino-cache-bench-'));
  const one = (path: string, cache: string, name: string): Measure => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=16000', process.argv[1]!, '--one', path, '--cache', cache, '--dir', o.dir, '--threads', o.threads, name], { encoding: 'utf8' });
    try { return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Measure; } catch { return { compileMs: NaN, firstInferMs: NaN, loaded: false, outputs: [], error: (r.stderr || 'no output').split('\n')[0] }; }
  };
  console.log(`CPU, INFERENCE_NUM_THREADS ${o.threads}, ${o.rounds} alternating miss/hit rounds, one process per compile (medians)`);
  console.log('| model | inputs | miss compile | hit compile | miss / hit | first inference after miss / hit |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  try {
    for (const name of names) {
      const files: Array<[string, string]> = [['static', await staticCopy(o.dir, name, work)], ['dynamic', join(o.dir, `${name}.onnx`)]];
      for (const [kind, path] of files) {
        const rounds: Array<{ miss: Measure; hit: Measure }> = [];
        for (let k = 0; k < Number(o.rounds); k++) {
          const cache = join(work, `cache-${name}-${kind}-${k}`);
          mkdirSync(cache);
          const miss = one(path, cache, name);
          const hit = one(path, cache, name);
          rmSync(cache, { recursive: true, force: true });
          const error = miss.error ?? hit.error ?? (!hit.loaded || miss.loaded ? 'the second compile did not hit' : undefined)
            ?? (hit.outputs.join() !== miss.outputs.join() ? 'hit and miss outputs differ' : undefined);
          if (error) { console.log(`| ${name} | ${kind} | ${error} | | | |`); rounds.length = 0; break; }
          rounds.push({ miss, hit });
        }
        if (!rounds.length) continue;
        const pick = (f: (r: { miss: Measure; hit: Measure }) => number): number => median(rounds.map(f));
        console.log(`| ${name} | ${kind} | ${pick((r) => r.miss.compileMs).toFixed(0)} ms | ${pick((r) => r.hit.compileMs).toFixed(1)} ms | ${pick((r) => r.miss.compileMs / r.hit.compileMs).toFixed(1)}× | ${pick((r) => r.miss.firstInferMs).toFixed(0)} / ${pick((r) => r.hit.firstInferMs).toFixed(0)} ms |`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
