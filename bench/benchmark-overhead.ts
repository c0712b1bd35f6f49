// What `tsvino benchmark` adds over a bare infer loop, in one process:
//   node dist/bench/benchmark-overhead.js [-m models/default/classifier.xml] [-d CPU] [--shape "input[1,3,224,224]"]
//                                         [--niter 200] [--rounds 5]
// Two comparisons, each round running every loop back to back; the figure is the median of the
// per-round ratios, so drift on a shared machine between rounds cancels:
// - loop: the tool's measured loops (runSync, runAsync) against a bare `infer` / `await inferAsync`
//   loop on the same compiled model, so plan differences between compiles cannot masquerade as overhead;
// - tool: the whole `runBenchmark` (its own read and compile each round) against the bare loops.
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Core, type CompiledModel, type Tensor } from '../src/index.js';
import { runBenchmark } from '../src/tools/benchmark.js';
import { inputLayouts, planInputs, reshapeModel } from '../src/tools/benchmark-inputs.js';
import { runAsync, runSync } from '../src/tools/benchmark-loops.js';

const median = (xs: ArrayLike<number>): number => {
  const s = Array.from(xs).sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function bareSync(compiled: CompiledModel, inputs: Tensor[], niter: number): number {
  const request = compiled.createInferRequest();
  inputs.forEach((t, i) => request.setInputTensor(i, t));
  request.infer();
  const times = new Float64Array(niter);
  for (let i = 0; i < niter; i++) {
    const t0 = performance.now();
    request.infer();
    times[i] = performance.now() - t0;
  }
  return median(times);
}

async function bareAsync(compiled: CompiledModel, inputs: Tensor[], niter: number): Promise<number> {
  const request = compiled.createInferRequest();
  await request.inferAsync(inputs);
  const times = new Float64Array(niter);
  for (let i = 0; i < niter; i++) {
    const t0 = performance.now();
    await request.inferAsync(inputs);
    times[i] = performance.now() - t0;
  }
  return median(times);
}

const program = new Command('benchmark-overhead')
  .option('-m, --model <path>', 'model', 'models/default/classifier.xml')
  .option('-d, --device <name>', 'device', 'CPU')
  .option('--shape <spec>', 'benchmark_app -shape, for models with dynamic inputs')
  .option('--niter <n>', 'iterations per round', '200')
  .option('--rounds <n>', 'rounds', '5')
  .parse();
const opts = program.opts<{ model: string; device: string; shape?: string; niter: string; rounds: string }>();
const niter = Number(opts.niter);
const core = new Core();
const model = core.readModelSync(opts.model);
const layouts = inputLayouts(model);
reshapeModel(model, layouts, opts.shape);
const compiled = core.compileModelSync(model, opts.device, { PERFORMANCE_HINT: 'LATENCY' });
const inputs = planInputs(compiled.inputs, inputLayouts(compiled.executable.model), []).sets[0]!;
const limit = { niter, timeMs: undefined };
const rows: Record<string, number[]> = {
  'bare sync': [], 'loop sync': [], 'tool sync': [], 'bare async': [], 'loop async': [], 'tool async': [],
};
const toolOptions = { model: opts.model, device: opts.device, hint: 'latency', niter, ...(opts.shape ? { shape: opts.shape } : {}) };
for (let r = 0; r < Number(opts.rounds); r++) {
  rows['bare sync']!.push(bareSync(compiled, inputs, niter));
  const s = runSync(compiled, [inputs], limit, true, undefined, () => {});
  rows['loop sync']!.push(median(s.latencies.subarray(0, s.count)));
  rows['tool sync']!.push((await runBenchmark({ ...toolOptions, api: 'sync' })).latency.median);
  rows['bare async']!.push(await bareAsync(compiled, inputs, niter));
  const a = await runAsync(compiled, [inputs], limit, 1, undefined, () => {});
  rows['loop async']!.push(median(a.latencies.subarray(0, a.count)));
  rows['tool async']!.push((await runBenchmark({ ...toolOptions, api: 'async', nireq: 1 })).latency.median);
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<string, number>;
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(11)} median latency ${v.toFixed(4)} ms`);
// Each round's tool and bare loops ran back to back, so the median of the per-round ratios is
// steadier than the ratio of medians when the host's speed shifts between rounds.
const pct = (a: string, b: string): string => {
  const ratios = rows[a]!.map((x, i) => x / rows[b]![i]!).sort((p, q) => p - q);
  return `${((median(ratios) - 1) * 100).toFixed(2)}% (rounds ${((ratios[0]! - 1) * 100).toFixed(1)}% to ${((ratios.at(-1)! - 1) * 100).toFixed(1)}%)`;
};
console.log(`loop/bare sync:  ${pct('loop sync', 'bare sync')}, same compiled model`);
console.log(`loop/bare async: ${pct('loop async', 'bare async')}, same compiled model`);
console.log(`tool/bare sync:  ${pct('tool sync', 'bare sync')}, runBenchmark compiles its own`);
console.log(`tool/bare async: ${pct('tool async', 'bare async')}, runBenchmark compiles its own`);
