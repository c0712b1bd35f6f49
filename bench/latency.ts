// tsvino CPU against onnxruntime-node on the same ONNX files, same thread count, same run:
//   node dist/bench/latency.js [--dir bench-models] [--iterations 10] [--threads 2] [--rounds 3] [names...]
// Each (model, runtime) runs in its own process so peak RSS belongs to one runtime. The two
// runtimes alternate for --rounds rounds and the ratio is the median of the rounds' ratios, so a
// load that drifts on this shared machine hits both alike. tsvino reshapes the model to the input
// shapes before compiling, as benchmark_app -shape does; onnxruntime gets the file as it is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { corpusInputs, median, reshapeToInputs } from './corpus-files.js';

const NAMES = ['resnet50', 'mobilenet_v2', 'squeezenet1_1', 'densenet121', 'bert_base', 'gpt2_small'];
interface Measure { compileMs: number; medianMs: number; peakRssMB: number; error?: string }


async function measure(runtime: string, dir: string, name: string, iterations: number, threads: number): Promise<Measure> {
  const feeds = corpusInputs(dir, name);
  const path = join(dir, `${name}.onnx`);
  let run: () => Promise<unknown>;
  // Module loading is not session creation: both runtimes are imported before the clock starts.
  const ort = runtime === 'onnxruntime' ? await import('onnxruntime-node') : undefined;
  const { Core } = await import('../src/index.js');
  const t0 = performance.now();
  if (ort) {
    const session = await ort.InferenceSession.create(path, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
    const ortFeeds = Object.fromEntries(feeds.map(([k, t]) => [k, new ort.Tensor(t.getElementType() === 'i64' ? 'int64' : 'float32', t.data as Float32Array, t.getShape())]));
    run = () => session.run(ortFeeds);
  } else {
    const core = new Core();
    const model = await core.readModel(path);
    reshapeToInputs(model, feeds);
    const compiled = await core.compileModel(model, 'CPU', { INFERENCE_NUM_THREADS: threads });
    const request = compiled.createInferRequest();
    const tsFeeds = Object.fromEntries(feeds);
    run = () => request.inferAsync(tsFeeds);
  }
  const compileMs = performance.now() - t0;
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    await run();
    times.push(performance.now() - s);
  }
  return { compileMs, medianMs: median(times), peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

const opts = new Command('latency')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--iterations <n>', 'timed runs per model', '10')
  .option('--threads <n>', 'threads for both runtimes', '2')
  .option('--rounds <n>', 'alternating rounds per model', '3')
  .option('--show-rounds', 'also print each round\'s medians and ratio')
  .option('--one <runtime>', 'internal: measure one runtime in this process')
  .argument('[names...]')
  .parse();
const o = opts.opts<{ dir: string; iterations: string; threads: string; rounds: string; showRounds?: boolean; one?: string }>();
const names = opts.args.length ? opts.args : NAMES.filter((n) => existsSync(join(o.dir, `${n}.onnx`)));

if (o.one) {
  try {
    console.log(JSON.stringify(await measure(o.one, o.dir, names[0]!, Number(o.iterations), Number(o.threads))));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
} else {
  console.log(`threads ${o.threads}, ${o.iterations} timed runs after one warm-up, batch 1, FP32, ${o.rounds} alternating rounds (medians)`);
  console.log('| model | onnxruntime-node | tsvino CPU | ratio tsvino/ort | compile ort / tsvino | peak RSS ort / tsvino |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const one = (runtime: string): Measure => {
      const r = spawnSync(process.execPath, ['--max-old-space-size=16000', process.argv[1]!, '--one', runtime, '--dir', o.dir, '--iterations', o.iterations, '--threads', o.threads, name], { encoding: 'utf8' });
      try { return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Measure; } catch { return { compileMs: NaN, medianMs: NaN, peakRssMB: NaN, error: (r.stderr || 'no output').split('\n')[0] }; }
    };
    const rounds: Array<{ ort: Measure; ts: Measure }> = [];
    for (let k = 0; k < Number(o.rounds); k++) rounds.push({ ort: one('onnxruntime'), ts: one('tsvino') });
    const failed = rounds.find((r) => r.ort.error || r.ts.error);
    if (failed) { console.log(`| ${name} | ${failed.ort.error ?? ''} | ${failed.ts.error ?? ''} | | | |`); continue; }
    if (o.showRounds) rounds.forEach((r, k) => console.log(`<!-- ${name} round ${k + 1}: ort ${r.ort.medianMs.toFixed(2)} ms, tsvino ${r.ts.medianMs.toFixed(2)} ms, ratio ${(r.ts.medianMs / r.ort.medianMs).toFixed(3)} -->`));
    const pick = (f: (r: { ort: Measure; ts: Measure }) => number): number => median(rounds.map(f));
    console.log(`| ${name} | ${pick((r) => r.ort.medianMs).toFixed(1)} ms | ${pick((r) => r.ts.medianMs).toFixed(1)} ms | ${pick((r) => r.ts.medianMs / r.ort.medianMs).toFixed(2)} | ${pick((r) => r.ort.compileMs).toFixed(0)} / ${pick((r) => r.ts.compileMs).toFixed(0)} ms | ${pick((r) => r.ort.peakRssMB).toFixed(0)} / ${pick((r) => r.ts.peakRssMB).toFixed(0)} MB |`);
  }
}
