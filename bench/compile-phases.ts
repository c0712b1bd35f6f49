// Where tsvino's CPU compile time goes, phase by phase, for the corpus models:
//   node dist/bench/compile-phases.js [--dir bench-models] [--runs 5] [--threads 2] [names...]
// Each run is a fresh process (module loading off the clock), because latency.js measures a cold
// compile: most of it is first-call JavaScript, which a warm loop in one process would hide. Phases
// follow what Core.compileModel does on CPU: read, reshape to the corpus inputs, clone (the plugin's
// private copy), the common transformations, then lowering and the native plan. Cells are medians
// of wall time, with the process's CPU time in brackets (steadier than wall time on a loaded machine).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { Core } from '../src/index.js';
import { compilePlan } from '../src/plugins/cpu/executor.js';
import { cpuKernels } from '../src/plugins/cpu/cpu-plugin.js';
import { native } from '../src/plugins/cpu/native.js';
import { commonTransformations } from '../src/transformations/index.js';
import { corpusInputs, median, reshapeToInputs } from './corpus-files.js';

const NAMES = ['resnet50', 'mobilenet_v2', 'squeezenet1_1', 'densenet121', 'bert_base', 'gpt2_small'];
const PHASES = ['read', 'reshape', 'clone', 'transformations', 'plan'] as const;
type Phase = typeof PHASES[number];
type Timing = Record<Phase, { wall: number; cpu: number }>;

/** One cold compile, phase by phase, in this process. */
function measure(dir: string, name: string, threads: number): Timing {
  if (!native) throw new Error('the native addon is not built');
  const addon = native;
  const feeds = corpusInputs(dir, name);
  const timing = {} as Timing;
  let wall = performance.now();
  let cpu = process.cpuUsage();
  const lap = (phase: Phase): void => {
    const used = process.cpuUsage(cpu);
    timing[phase] = { wall: performance.now() - wall, cpu: (used.user + used.system) / 1000 };
    wall = performance.now();
    cpu = process.cpuUsage();
  };
  const model = new Core().readModelSync(join(dir, `${name}.onnx`));
  lap('read');
  reshapeToInputs(model, feeds);
  lap('reshape');
  const copy = model.clone();
  lap('clone');
  commonTransformations(copy);
  lap('transformations');
  compilePlan(copy, addon, threads, (node, inputs, ctx) => cpuKernels.get(node.type)?.(node, inputs, ctx));
  lap('plan');
  return timing;
}

const opts = new Command('compile-phases')
  .option('--dir <dir>', 'corpus folder', 'bench-models')
  .option('--runs <n>', 'fresh processes per model', '5')
  .option('--threads <n>', 'threads the plan is built for', '2')
  .option('--one', 'internal: measure one run in this process')
  .argument('[names...]')
  .parse();
const o = opts.opts<{ dir: string; runs: string; threads: string; one?: boolean }>();
const names = opts.args.length ? opts.args : NAMES.filter((n) => existsSync(join(o.dir, `${n}.onnx`)));

if (o.one) {
  console.log(JSON.stringify(measure(o.dir, names[0]!, Number(o.threads))));
} else {
  console.log(`cold compile phases, ${o.runs} fresh processes per model, plan for ${o.threads} threads: median wall ms (median CPU ms)`);
  console.log(`| model | ${PHASES.join(' | ')} | total |`);
  console.log(`| --- |${PHASES.map(() => ' --- |').join('')} --- |`);
  for (const name of names) {
    const runs: Timing[] = [];
    for (let k = 0; k < Number(o.runs); k++) {
      const r = spawnSync(process.execPath, [process.argv[1]!, '--one', '--dir', o.dir, '--threads', o.threads, name], { encoding: 'utf8' });
      try { runs.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Timing); } catch { console.error(`${name}: ${(r.stderr || 'no output').split('\n')[0]}`); }
    }
    if (!runs.length) continue;
    const cell = (f: (t: Timing) => { wall: number; cpu: number }): string =>
      `${median(runs.map((t) => f(t).wall)).toFixed(0)} (${median(runs.map((t) => f(t).cpu)).toFixed(0)})`;
    const total = (t: Timing) => PHASES.reduce((s, p) => ({ wall: s.wall + t[p].wall, cpu: s.cpu + t[p].cpu }), { wall: 0, cpu: 0 });
    console.log(`| ${name} | ${PHASES.map((p) => cell((t) => t[p])).join(' | ')} | ${cell(total)} |`);
  }
}
