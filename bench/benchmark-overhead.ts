// What `tsvino benchmark` adds over a bare infer loop on the same compiled model, in one process:
//   node dist/bench/benchmark-overhead.js [-m models/default/classifier.xml] [-d CPU] [--niter 200] [--rounds 5]
// Rounds alternate tool and bare loop so drift on a shared machine hits both; medians are compared.
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { AsyncInferQueue, Core, type CompiledModel, type Tensor } from '../src/index.js';
import { runBenchmark } from '../src/tools/benchmark.js';
import { inputLayouts, planInputs } from '../src/tools/benchmark-inputs.js';

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

function bareSync(compiled: CompiledModel, inputs: Tensor[], niter: number): number {
  const request = compiled.createInferRequest();
  inputs.forEach((t, i) => request.setInputTensor(i, t));
  request.infer();
  const times: number[] = [];
  for (let i = 0; i < niter; i++) {
    const t0 = performance.now();
    request.infer();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function bareAsync(compiled: CompiledModel, inputs: Tensor[], niter: number): Promise<number> {
  const request = compiled.createInferRequest();
  await request.inferAsync(inputs);
  const times: number[] = [];
  for (let i = 0; i < niter; i++) {
    const t0 = performance.now();
    await request.inferAsync(inputs);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The queue alone, one request, for comparison with the tool's async path. */
async function bareQueue(compiled: CompiledModel, inputs: Tensor[], niter: number): Promise<number> {
  const queue = new AsyncInferQueue<number>(compiled, 1);
  const times: number[] = [];
  queue.setCallback((_e, _r, t0) => { times.push(performance.now() - t0!); });
  for (let i = 0; i <= niter; i++) await queue.startAsync(inputs, performance.now());
  return median(times.slice(1));
}

const program = new Command('benchmark-overhead')
  .option('-m, --model <path>', 'model', 'models/default/classifier.xml')
  .option('-d, --device <name>', 'device', 'CPU')
  .option('--niter <n>', 'iterations per round', '200')
  .option('--rounds <n>', 'rounds', '5')
  .parse();
const opts = program.opts<{ model: string; device: string; niter: string; rounds: string }>();
const niter = Number(opts.niter);
const compiled = new Core().compileModelSync(opts.model, opts.device);
const model = compiled.executable.model;
const inputs = planInputs(compiled.inputs, inputLayouts(model), []).sets[0]!;
const rows: Record<string, number[]> = { 'bare sync': [], 'tool sync': [], 'bare async': [], 'bare queue': [], 'tool async': [] };
for (let r = 0; r < Number(opts.rounds); r++) {
  rows['bare sync']!.push(bareSync(compiled, inputs, niter));
  rows['tool sync']!.push((await runBenchmark({ model: opts.model, device: opts.device, api: 'sync', hint: 'latency', niter })).latency.median);
  rows['bare async']!.push(await bareAsync(compiled, inputs, niter));
  rows['bare queue']!.push(await bareQueue(compiled, inputs, niter));
  rows['tool async']!.push((await runBenchmark({ model: opts.model, device: opts.device, api: 'async', hint: 'latency', nireq: 1, niter })).latency.median);
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
for (const [k, v] of Object.entries(m)) console.log(`${k.padEnd(11)} median latency ${v!.toFixed(4)} ms`);
console.log(`tool/bare sync:  ${((m['tool sync']! / m['bare sync']! - 1) * 100).toFixed(2)}%`);
console.log(`tool/bare async: ${((m['tool async']! / m['bare async']! - 1) * 100).toFixed(2)}%`);
