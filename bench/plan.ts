// How the CPU plugin lowers a corpus model: native steps, fused nodes, JS nodes by type, arena size,
// agreement with PyTorch's output and a quick latency, for profiling the lowering itself:
//   node dist/bench/plan.js [--dir bench-models] [--iterations 5] [names...]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Core, type Tensor } from '../src/index.js';
import { tensorFromNpy } from '../src/tools/npy.js';
import { compilePlan } from '../src/plugins/cpu/executor.js';
import { cpuKernels } from '../src/plugins/cpu/cpu-plugin.js';
import { native } from '../src/plugins/cpu/native.js';
import { commonTransformations } from '../src/transformations/index.js';
import { corpusInputs, reshapeToInputs } from './corpus-files.js';

const opts = new Command('plan').option('--dir <dir>', 'corpus folder', 'bench-models').option('--iterations <n>', 'timed runs', '5')
  .option('--threads <n>', 'threads', '2').argument('[names...]').parse();
const o = opts.opts<{ dir: string; iterations: string; threads: string }>();
if (!native) throw new Error('the native addon is not built');
const names = opts.args.length ? opts.args : ['resnet50', 'mobilenet_v2', 'squeezenet1_1', 'densenet121', 'bert_base', 'gpt2_small'];
for (const name of names) {
  const files = readdirSync(o.dir);
  const feeds = corpusInputs(o.dir, name);
  const expected = files.filter((f) => f.startsWith(`${name}.output`)).sort().map((f) => tensorFromNpy(readFileSync(join(o.dir, f)), f));
  const model = await new Core().readModel(join(o.dir, `${name}.onnx`));
  reshapeToInputs(model, feeds);
  const t0 = performance.now();
  const rewrites = commonTransformations(model);
  const t1 = performance.now();
  const plan = compilePlan(model, native, Number(o.threads), (node, inputs, ctx) => cpuKernels.get(node.type)?.(node, inputs, ctx));
  const t2 = performance.now();
  const inputs: Tensor[] = model.inputs.map((inp) => feeds.find(([k]) => inp.nameSet.has(k))![1]);
  const state = { variables: new Map() };
  const outs = plan.run(inputs, state);
  const times: number[] = [];
  for (let i = 0; i < Number(o.iterations); i++) { const s = performance.now(); plan.run(inputs, state); times.push(performance.now() - s); }
  times.sort((a, b) => a - b);
  const err = outs.map((t, i) => {
    const a = t.data as Float32Array, b = expected[i]?.data as Float32Array | undefined;
    if (!b) return NaN;
    let m = 0, s = 0;
    for (let k = 0; k < a.length; k++) { m = Math.max(m, Math.abs(a[k]! - b[k]!)); s = Math.max(s, Math.abs(b[k]!)); }
    return m / (s || 1);
  });
  const js = new Map<string, number>();
  for (const p of (plan as unknown as { lowered: { program: Array<{ kind: string; node?: { type: string } }> } }).lowered.program) {
    if (p.kind === 'js') js.set(p.node!.type, (js.get(p.node!.type) ?? 0) + 1);
  }
  console.log(`${name}: transform ${(t1 - t0).toFixed(0)} ms ${JSON.stringify(rewrites)}, plan ${(t2 - t1).toFixed(0)} ms, ${JSON.stringify(plan.stats)}`);
  console.log(`  js nodes: ${[...js].map(([k, v]) => `${k}×${v}`).join(' ')}`);
  console.log(`  rel err vs PyTorch: ${err.map((e) => e.toExponential(2)).join(', ')}; median ${times[times.length >> 1]!.toFixed(1)} ms`);
}
