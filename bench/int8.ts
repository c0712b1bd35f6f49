// INT8 against FP32 on tsvino CPU, issue 6's quantization targets, one model per process:
//   node dist/bench/int8.js [--dir bench-models] [--calibration 8] [--validation 4] [--iterations 10] [--rounds 3] [--threads 2] [names...]
// Each model is quantized with quantize() on seeded calibration samples (the corpus input,
// jittered; random token ids for bert), then FP32 and INT8 compiled models run alternately on the
// same input, one run each in turn. Latency is the median of rounds × iterations runs; accuracy is the cosine
// similarity of the outputs on validation samples drawn with another seed (outside the calibration set).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Core, Tensor, quantize, type InferRequest, type Model } from '../src/index.js';
import { corpusInputs, median, reshapeToInputs } from './corpus-files.js';

const NAMES = ['resnet50', 'mobilenet_v2', 'bert_base'];

interface Result { name: string; fp32Ms: number; int8Ms: number; cosineMin: number; cosineMean: number; quantizeMs: number; compileMs: number; samples: number }

/** A seeded generator (Park–Miller) so calibration and validation sets are reproducible and disjoint by seed. */
function random(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

type Feeds = Record<string, Tensor>;

/**
 * Samples like the corpus input: images scaled and shifted per element by a few percent plus noise;
 * token ids drawn uniformly from the common part of BERT's vocabulary (masks and segment ids kept).
 */
function sampler(base: Array<[string, Tensor]>, seed: number): () => Feeds {
  const rnd = random(seed);
  return () => Object.fromEntries(base.map(([k, t]) => {
    const shape = t.getShape();
    if (t.getElementType() === 'f32') {
      const d = t.data as Float32Array;
      return [k, new Tensor('f32', shape, d.map((v) => v * (0.8 + 0.4 * rnd()) + (rnd() - 0.5) * 0.4))];
    }
    if (k === 'input_ids') {
      const d = t.data as BigInt64Array;
      return [k, new Tensor('i64', shape, d.map(() => BigInt(1000 + Math.floor(rnd() * 28000))))];
    }
    return [k, t];
  }));
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0, x = 0, y = 0;
  for (let i = 0; i < a.length; i++) { d += a[i]! * b[i]!; x += a[i]! * a[i]!; y += b[i]! * b[i]!; }
  return d / Math.sqrt(x * y);
};

const firstOutput = (r: Record<string, Tensor>): Float32Array => Object.values(r)[0]!.data as Float32Array;

async function measure(dir: string, name: string, o: { calibration: number; validation: number; iterations: number; rounds: number; threads: number }): Promise<Result> {
  const base = corpusInputs(dir, name);
  const core = new Core();
  const model: Model = await core.readModel(join(dir, `${name}.onnx`));
  reshapeToInputs(model, base);
  const calibration = Array.from({ length: o.calibration }, sampler(base, 11));
  let t0 = performance.now();
  const q = await quantize(model, calibration, { subsetSize: o.calibration, ...(name.startsWith('bert') ? { modelType: 'transformer' as const } : {}) });
  const quantizeMs = performance.now() - t0;
  const config = { INFERENCE_NUM_THREADS: o.threads };
  const fp32 = (await core.compileModel(model, 'CPU', config)).createInferRequest();
  t0 = performance.now();
  const int8 = (await core.compileModel(q, 'CPU', config)).createInferRequest();
  const compileMs = performance.now() - t0;
  const validate = sampler(base, 29);
  const cosines: number[] = [];
  for (let i = 0; i < o.validation; i++) {
    const s = validate();
    cosines.push(cosine(firstOutput(fp32.infer(s)), firstOutput(int8.infer(s))));
  }
  const feeds = validate();
  const time = async (r: InferRequest): Promise<number> => {
    const s = performance.now();
    await r.inferAsync(feeds);
    return performance.now() - s;
  };
  await fp32.inferAsync(feeds);
  await int8.inferAsync(feeds);
  // One run of each in turn, so a load that comes and goes on this shared machine hits both alike.
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < o.rounds * o.iterations; i++) {
    a.push(await time(fp32));
    b.push(await time(int8));
  }
  return {
    name, fp32Ms: median(a), int8Ms: median(b), cosineMin: Math.min(...cosines),
    cosineMean: cosines.reduce((s, c) => s + c, 0) / cosines.length, quantizeMs, compileMs, samples: o.calibration,
  };
}

const opts = new Command('int8')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--calibration <n>', 'calibration samples', '8')
  .option('--validation <n>', 'validation samples for the cosine similarity', '4')
  .option('--iterations <n>', 'timed runs per round', '10')
  .option('--rounds <n>', 'rounds (runs = rounds × iterations, FP32 and INT8 alternating)', '3')
  .option('--threads <n>', 'threads', '2')
  .option('--one', 'internal: measure one model in this process')
  .argument('[names...]')
  .parse();
const raw = opts.opts<{ dir: string; calibration: string; validation: string; iterations: string; rounds: string; threads: string; one?: boolean }>();
const o = { calibration: Number(raw.calibration), validation: Number(raw.validation), iterations: Number(raw.iterations), rounds: Number(raw.rounds), threads: Number(raw.threads) };
const names = opts.args.length ? opts.args : NAMES.filter((n) => existsSync(join(raw.dir, `${n}.onnx`)));

if (raw.one) {
  process.stdout.write(JSON.stringify(await measure(raw.dir, names[0]!, o)));
} else {
  console.log(`threads ${o.threads}, ${o.calibration} calibration and ${o.validation} validation samples, ${o.rounds * o.iterations} runs each, FP32 and INT8 alternating`);
  console.log('| model | FP32 | INT8 | ratio INT8/FP32 | cosine min / mean | quantize | INT8 compile |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const child = spawnSync(process.execPath, [process.argv[1]!, '--one', ...process.argv.slice(2).filter((a) => !names.includes(a)), name],
      { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) { console.log(`| ${name} | failed (exit ${child.status}) |`); continue; }
    const r = JSON.parse(child.stdout) as Result;
    console.log(`| ${name} | ${r.fp32Ms.toFixed(1)} ms | ${r.int8Ms.toFixed(1)} ms | ${(r.int8Ms / r.fp32Ms).toFixed(2)} | ${r.cosineMin.toFixed(4)} / ${r.cosineMean.toFixed(4)} | ${(r.quantizeMs / 1000).toFixed(1)} s | ${r.compileMs.toFixed(0)} ms |`);
  }
}
