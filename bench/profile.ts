// Where the time goes, by op type, in tsvino CPU (ENABLE_PROFILING) and onnxruntime-node (its own
// profiler), on one corpus model with the same inputs and thread count:
//   node dist/bench/profile.js [--dir bench-models] [--threads 1] [--runs 5] name
// Both profilers wait after every kernel, so totals run above plain latency; compare them to each other.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Core } from '../src/index.js';
import { corpusInputs, reshapeToInputs } from './corpus-files.js';

const opts = new Command('profile').option('--dir <dir>', 'corpus folder', 'bench-models').option('--threads <n>', 'threads', '1')
  .option('--runs <n>', 'profiled runs after a warm-up', '5').argument('<name>').parse();
const o = opts.opts<{ dir: string; threads: string; runs: string }>();
const name = opts.args[0]!;
const runs = Number(o.runs);
const feeds = corpusInputs(o.dir, name);
const path = join(o.dir, `${name}.onnx`);

/** "Op total, Op total, ..." largest first, per run in ms. */
const summary = (byOp: Map<string, number>): string => {
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return `${total.toFixed(1)} ms: ${[...byOp].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`;
};

const core = new Core();
const model = await core.readModel(path);
reshapeToInputs(model, feeds);
const request = (await core.compileModel(model, 'CPU', { INFERENCE_NUM_THREADS: Number(o.threads), ENABLE_PROFILING: true })).createInferRequest();
const inputs = Object.fromEntries(feeds);
request.infer(inputs);
const ours = new Map<string, number>();
for (let i = 0; i < runs; i++) {
  request.infer(inputs);
  for (const e of request.getProfilingInfo()) {
    if (e.status === 'EXECUTED') ours.set(e.nodeType, (ours.get(e.nodeType) ?? 0) + e.realTime / 1000 / runs);
  }
}
console.log(`tsvino CPU, ${o.threads} thread(s): ${summary(ours)}`);

const ort = await import('onnxruntime-node');
const prefix = join(mkdtempSync(join(tmpdir(), 'tsvino-ort-profile-')), 'ort');
const session = await ort.InferenceSession.create(path, {
  intraOpNumThreads: Number(o.threads), interOpNumThreads: 1, graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix,
});
const ortFeeds = Object.fromEntries(feeds.map(([k, t]) => [k, new ort.Tensor(t.getElementType() === 'i64' ? 'int64' : 'float32', t.data as Float32Array, t.getShape())]));
for (let i = 0; i < runs + 1; i++) await session.run(ortFeeds);
session.endProfiling();
const dir = join(prefix, '..');
const file = readdirSync(dir).find((f) => f.endsWith('.json'));
if (!file) throw new Error(`onnxruntime wrote no profile under ${dir}`);
const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{ cat: string; name: string; dur: number; args: { op_name?: string } }>;
const theirs = new Map<string, number>();
for (const e of events) {
  if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
  const op = e.args.op_name ?? '?';
  theirs.set(op, (theirs.get(op) ?? 0) + e.dur / 1000 / (runs + 1));
}
console.log(`onnxruntime-node, ${o.threads} thread(s): ${summary(theirs)}`);
