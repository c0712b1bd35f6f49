// Throughput: tsvino CPU under the THROUGHPUT hint (an AsyncInferQueue of OPTIMAL_NUMBER_OF_INFER_REQUESTS)
// against onnxruntime-node at its best: one session with all threads, or one single-thread session per
// core running concurrently. Same files, same inputs, batch 1, FP32:
//   node dist/bench/throughput.js [--dir bench-models] [--seconds 5] [--rounds 2] [--threads 2] [names...]
// Each measurement runs in its own process; the configurations alternate over rounds and the table
// shows medians of rounds.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { corpusInputs, median, reshapeToInputs } from './corpus-files.js';

const opts = new Command('throughput')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--seconds <s>', 'measuring time per configuration', '5')
  .option('--rounds <n>', 'alternating rounds', '2')
  .option('--threads <n>', 'cores to use', '2')
  .option('--one <config>', 'internal: measure one configuration in this process')
  .argument('[names...]')
  .parse();
const o = opts.opts<{ dir: string; seconds: string; rounds: string; threads: string; one?: string }>();
const names = opts.args.length ? opts.args : ['resnet50', 'mobilenet_v2'];

async function measure(config: string, name: string, seconds: number, threads: number): Promise<number> {
  const feeds = corpusInputs(o.dir, name);
  const path = join(o.dir, `${name}.onnx`);
  /** Keeps `lanes` loops busy for `seconds`; returns inferences per second. */
  const drive = async (lanes: Array<() => Promise<unknown>>): Promise<number> => {
    await Promise.all(lanes.map((run) => run())); // warm-up
    let done = 0;
    const end = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(lanes.map(async (run) => { while (performance.now() < end) { await run(); done++; } }));
    return done / ((performance.now() - t0) / 1000);
  };
  if (config.startsWith('ort')) {
    const ort = await import('onnxruntime-node');
    const sessions = config === 'ort-1x' ? 1 : threads;
    const perSession = config === 'ort-1x' ? threads : 1;
    const made = await Promise.all(Array.from({ length: sessions }, () => ort.InferenceSession.create(path,
      { intraOpNumThreads: perSession, interOpNumThreads: 1, graphOptimizationLevel: 'all' })));
    const ortFeeds = Object.fromEntries(feeds.map(([k, t]) => [k, new ort.Tensor(t.getElementType() === 'i64' ? 'int64' : 'float32', t.data as Float32Array, t.getShape())]));
    return drive(made.map((s) => () => s.run(ortFeeds)));
  }
  const { Core, AsyncInferQueue } = await import('../src/index.js');
  const core = new Core();
  const model = await core.readModel(path);
  reshapeToInputs(model, feeds);
  const compiled = await core.compileModel(model, 'CPU', { PERFORMANCE_HINT: 'THROUGHPUT', INFERENCE_NUM_THREADS: threads });
  const queue = new AsyncInferQueue(compiled);
  queue.setCallback(() => undefined);
  const inputs = Object.fromEntries(feeds);
  const jobs = Number(compiled.getProperty('OPTIMAL_NUMBER_OF_INFER_REQUESTS'));
  return drive(Array.from({ length: jobs }, () => () => queue.startAsync(inputs)));
}

if (o.one) {
  try {
    console.log(JSON.stringify({ fps: await measure(o.one, names[0]!, Number(o.seconds), Number(o.threads)) }));
  } catch (e) {
    console.log(JSON.stringify({ error: (e as Error).message.split('\n')[0] }));
  }
} else {
  const configs = ['ort-1x', 'ort-nx', 'tsvino'];
  console.log(`${o.threads} cores, batch 1, FP32, ${o.seconds} s per configuration, ${o.rounds} alternating rounds (medians)`);
  console.log(`| model | ort: 1 session × ${o.threads} threads | ort: ${o.threads} sessions × 1 thread | tsvino THROUGHPUT | tsvino / ort best |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const name of names) {
    const fps = new Map<string, number[]>(configs.map((c) => [c, []]));
    let error: string | undefined;
    for (let r = 0; r < Number(o.rounds) && !error; r++) {
      for (const c of configs) {
        const out = spawnSync(process.execPath, [process.argv[1]!, '--one', c, '--dir', o.dir, '--seconds', o.seconds, '--threads', o.threads, name], { encoding: 'utf8' });
        const parsed = JSON.parse(out.stdout.trim().split('\n').pop() || '{"error":"no output"}') as { fps?: number; error?: string };
        if (parsed.error) error = `${c}: ${parsed.error}`;
        else fps.get(c)!.push(parsed.fps!);
      }
    }
    if (error) { console.log(`| ${name} | ${error} | | | |`); continue; }
    const [a, b, t] = configs.map((c) => median(fps.get(c)!));
    console.log(`| ${name} | ${a!.toFixed(1)} FPS | ${b!.toFixed(1)} FPS | ${t!.toFixed(1)} FPS | ${(t! / Math.max(a!, b!)).toFixed(2)} |`);
  }
}
