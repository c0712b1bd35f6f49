// FP32 against weight-compressed variants of a corpus language model (gpt2_small), in one run:
//   node dist/bench/weight-compression.js [--dir bench-models] [--model gpt2_small] [--group 128]
//     [--prompts 30] [--iterations 10] [--rounds 3] [--threads 2] [--work .tmp/weight-compression]
// Each variant is compressed from the same ONNX file and saved as IR with f32 floats (the sizes
// compare the weights themselves, not the f16 compression saveModel applies by default, which is
// reported alongside). Each variant then runs in its own process (so peak RSS is its own): compile
// for CPU at the corpus input shape, time --iterations runs on the corpus input, and, in the first
// round, take the argmax of the logits at every position for --prompts prompts of seeded random
// token ids. Variants alternate for --rounds rounds; latencies and ratios are medians over rounds.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Core, Tensor, compressWeights, saveModelSync, type WeightCompressionMode } from '../src/index.js';
import { corpusInputs, median, reshapeToInputs } from './corpus-files.js';

interface Variant { name: string; mode?: WeightCompressionMode }
interface Measure {
  compileMs: number;
  medianMs: number;
  peakRssMB: number;
  /** RSS once the runs are done: what inference holds. */
  rssMB: number;
  /** Per prompt and position, the top tokens, largest logit first. */
  top?: number[][][];
  vocab?: number;
  error?: string;
}

/** Deterministic token ids in [0, vocab) (mulberry32). */
function promptIds(seed: number, length: number, vocab: number): BigInt64Array {
  let a = (seed * 0x9e3779b1) >>> 0;
  return BigInt64Array.from({ length }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return BigInt(Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * vocab));
  });
}

/**
 * This process's peak RSS in MiB. Not getrusage's maxRSS: Linux carries that across exec, so a child
 * spawned by a parent holding every variant would report the parent's size.
 */
function peakRssMB(): number {
  const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kB ? Number(kB) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const TOP = 10;

/** The TOP largest logits' token ids (largest first) at every position of [.., S, V] logits. */
function topPerPosition(logits: Tensor): number[][] {
  const shape = logits.getShape();
  const vocab = shape[shape.length - 1]!;
  const data = logits.data as Float32Array;
  const out: number[][] = [];
  for (let at = 0; at < data.length; at += vocab) {
    const top: number[] = [];
    for (let j = 0; j < vocab; j++) {
      if (top.length === TOP && data[at + j]! <= data[at + top[TOP - 1]!]!) continue;
      let i = Math.min(top.length, TOP - 1);
      while (i > 0 && data[at + top[i - 1]!]! < data[at + j]!) i--;
      top.splice(i, 0, j);
      if (top.length > TOP) top.pop();
    }
    out.push(top);
  }
  return out;
}

async function measure(xml: string, dir: string, model: string, iterations: number, threads: number, prompts: number, dump?: string): Promise<Measure> {
  const feeds = corpusInputs(dir, model);
  const core = new Core();
  const t0 = performance.now();
  const m = await core.readModel(xml);
  reshapeToInputs(m, feeds);
  const request = (await core.compileModel(m, 'CPU', { INFERENCE_NUM_THREADS: threads })).createInferRequest();
  const compileMs = performance.now() - t0;
  const corpus = Object.fromEntries(feeds);
  const logitsOf = async (f: Record<string, Tensor>): Promise<Tensor> => Object.values(await request.inferAsync(f))[0]!;
  const first = await logitsOf(corpus); // warm-up
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    await logitsOf(corpus);
    times.push(performance.now() - s);
  }
  const [name, ids] = feeds[0]!;
  const vocab = first.getShape()[first.getShape().length - 1]!;
  const top: number[][][] = [];
  for (let p = 0; p < prompts; p++) {
    const logits = await logitsOf({ [name]: new Tensor('i64', ids.getShape(), promptIds(p + 1, ids.getSize(), vocab)) });
    top.push(topPerPosition(logits));
    // The first prompts' logits, whole, for the error against FP32.
    if (dump && p < DUMPED) appendFileSync(dump, new Uint8Array((logits.data as Float32Array).buffer, (logits.data as Float32Array).byteOffset, logits.getByteSize()));
  }
  return {
    compileMs, medianMs: median(times), peakRssMB: peakRssMB(), rssMB: process.memoryUsage().rss / 2 ** 20,
    ...(prompts > 0 ? { top, vocab } : {}),
  };
}

/** Prompts whose whole logits are compared with FP32's. */
const DUMPED = 3;

const opts = new Command('weight-compression')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--model <name>', 'corpus model', 'gpt2_small')
  .option('--group <n>', 'int4 group size', '128')
  .option('--prompts <n>', 'random prompts for the argmax agreement', '50')
  .option('--iterations <n>', 'timed runs per process', '10')
  .option('--rounds <n>', 'alternating rounds', '3')
  .option('--threads <n>', 'CPU threads', '2')
  .option('--work <dir>', 'where the variants are saved (removed after)', '.tmp/weight-compression')
  .option('--one <xml>', 'internal: measure one saved variant in this process')
  .option('--dump <file>', 'internal: append the first prompts\' logits to this file')
  .parse();
const o = opts.opts<{ dir: string; model: string; group: string; prompts: string; iterations: string; rounds: string; threads: string; work: string; one?: string; dump?: string }>();

/** Share of positions (all, or the last of each prompt) where `pick` of a variant's top tokens equals FP32's. */
function agreement(top: number[][][], reference: number[][][], last: boolean): number {
  let same = 0, total = 0;
  top.forEach((prompt, p) => prompt.forEach((t, i) => {
    if (last && i !== prompt.length - 1) return;
    total++;
    if (t[0] === reference[p]![i]![0]) same++;
  }));
  return (100 * same) / total;
}

/** Mean share of FP32's top tokens that are also among the variant's, over every position. */
function topOverlap(top: number[][][], reference: number[][][]): number {
  let sum = 0, total = 0;
  top.forEach((prompt, p) => prompt.forEach((t, i) => {
    const want = new Set(reference[p]![i]);
    sum += t.filter((x) => want.has(x)).length / want.size;
    total++;
  }));
  return (100 * sum) / total;
}

/** ‖logits − FP32's‖ / ‖FP32's‖ over the dumped prompts. */
function relativeError(file: string, reference: string): number {
  const [a, b] = [readFileSync(file), readFileSync(reference)];
  const [x, y] = [new Float32Array(a.buffer, a.byteOffset, a.byteLength / 4), new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)];
  let err = 0, norm = 0;
  for (let i = 0; i < y.length; i++) { err += (x[i]! - y[i]!) ** 2; norm += y[i]! ** 2; }
  return Math.sqrt(err / norm);
}

if (o.one) {
  try {
    console.log(JSON.stringify(await measure(o.one, o.dir, o.model, Number(o.iterations), Number(o.threads), Number(o.prompts), o.dump)));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
} else {
  const variants: Variant[] = [{ name: 'FP32' }, { name: 'int8_asym', mode: 'int8_asym' }, { name: `int4_asym g${o.group}`, mode: 'int4_asym' }];
  mkdirSync(o.work, { recursive: true });
  const core = new Core();
  const source = await core.readModel(join(o.dir, `${o.model}.onnx`));
  const files = new Map<Variant, { xml: string; dump: string; binMB: number; compressMs: number }>();
  let f16MB = NaN;
  for (const v of variants) {
    const t0 = performance.now();
    const model = v.mode ? compressWeights(source, { mode: v.mode, ...(v.mode.startsWith('int4') ? { groupSize: Number(o.group) } : {}) }) : source;
    const compressMs = performance.now() - t0;
    const base = join(o.work, v.name.replace(/\W+/g, '_'));
    saveModelSync(model, `${base}.xml`, false);
    files.set(v, { xml: `${base}.xml`, dump: `${base}.logits`, binMB: statSync(`${base}.bin`).size / 2 ** 20, compressMs });
    if (!v.mode) {
      saveModelSync(model, `${base}_f16.xml`);
      f16MB = statSync(`${base}_f16.bin`).size / 2 ** 20;
      rmSync(`${base}_f16.xml`);
      rmSync(`${base}_f16.bin`);
    }
  }
  const one = (v: Variant, prompts: number): Measure => {
    const f = files.get(v)!;
    const r = spawnSync(process.execPath, ['--max-old-space-size=16000', process.argv[1]!, '--one', f.xml, '--dir', o.dir, '--model', o.model,
      '--iterations', o.iterations, '--threads', o.threads, '--prompts', String(prompts), ...(prompts > 0 ? ['--dump', f.dump] : [])], { encoding: 'utf8' });
    try { return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Measure; } catch { return { compileMs: NaN, medianMs: NaN, peakRssMB: NaN, rssMB: NaN, error: (r.stderr || 'no output').split('\n')[0] }; }
  };
  const rounds: Array<Map<Variant, Measure>> = [];
  for (let k = 0; k < Number(o.rounds); k++) rounds.push(new Map(variants.map((v) => [v, one(v, k === 0 ? Number(o.prompts) : 0)])));
  const failed = rounds.flatMap((r) => [...r.values()]).find((m) => m.error);
  if (failed) throw new Error(`a variant failed: ${failed.error}`);
  const fp32 = variants[0]!;
  const reference = rounds[0]!.get(fp32)!.top!;
  const seq = corpusInputs(o.dir, o.model)[0]![1].getShape();
  console.log(`${o.model}, input [${seq}], CPU ${o.threads} threads, ${o.iterations} timed runs after a warm-up, ${o.rounds} alternating rounds (medians), ${o.prompts} random prompts`);
  console.log(`| variant | .bin MB | × smaller | compress s | compile s | latency ms | × FP32 | peak RSS MB | RSS after runs MB | argmax = FP32, last position | every position | top-${TOP} overlap | logits rel. error |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const v of variants) {
    const f = files.get(v)!;
    const pick = (g: (m: Measure) => number): number => median(rounds.map((r) => g(r.get(v)!)));
    const ratio = median(rounds.map((r) => r.get(v)!.medianMs / r.get(fp32)!.medianMs));
    const top = rounds[0]!.get(v)!.top!;
    console.log(`| ${v.name} | ${f.binMB.toFixed(1)} | ${(files.get(fp32)!.binMB / f.binMB).toFixed(2)} | ${(f.compressMs / 1000).toFixed(1)} | `
      + `${(pick((m) => m.compileMs) / 1000).toFixed(1)} | ${pick((m) => m.medianMs).toFixed(1)} | ${ratio.toFixed(2)} | ${pick((m) => m.peakRssMB).toFixed(0)} | `
      + `${pick((m) => m.rssMB).toFixed(0)} | ${agreement(top, reference, true).toFixed(1)}% | ${agreement(top, reference, false).toFixed(1)}% | `
      + `${topOverlap(top, reference).toFixed(1)}% | ${relativeError(f.dump, files.get(fp32)!.dump).toExponential(2)} |`);
  }
  console.log(`FP32 saved with saveModel's default f16 weights: ${f16MB.toFixed(1)} MB (int4_asym is ${(f16MB / files.get(variants[2]!)!.binMB).toFixed(2)}× smaller than that)`);
  // How telling the argmax is: the share of positions where FP32 predicts the token it was given.
  const vocab = rounds[0]!.get(fp32)!.vocab!;
  let echoed = 0;
  reference.forEach((prompt, p) => { const ids = promptIds(p + 1, prompt.length, vocab); prompt.forEach((t, i) => { if (BigInt(t[0]!) === ids[i]) echoed++; }); });
  console.log(`FP32's argmax is the input token itself at ${((100 * echoed) / (reference.length * reference[0]!.length)).toFixed(1)}% of positions`);
  rmSync(o.work, { recursive: true, force: true });
}
