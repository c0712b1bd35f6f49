// Checks the benchmark corpus from ../shared/models/make_bench_models.py on CPU:
//   node dist/bench/corpus.js [dir=bench-models] [names...]
// For each model: ONNX read time beyond the raw file read, RSS growth against the weight bytes,
// agreement with PyTorch's outputs (max |diff| / max |expected| ≤ 1e-3), and the same after an
// IR round trip (convert → save → read). Each model runs in its own process for clean RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Core, saveModelSync, type Tensor } from '../src/index.js';
import { toNumbers } from '../src/core/tensor.js';
import { tensorFromNpy } from '../src/tools/npy.js';
import { summarizeModel } from '../src/tools/model-summary.js';
import { corpusInputs } from './corpus-files.js';

const NAMES = ['resnet50', 'mobilenet_v2', 'squeezenet1_1', 'densenet121', 'bert_base', 'gpt2_small'];

interface Row { name: string; fileMB: number; fileReadMs: number; parseMs: number; rssMB: number; weightsMB: number; relErr: number; irRelErr: number; error?: string }

function relativeError(got: Tensor, want: Tensor): number {
  const g = toNumbers(got), w = toNumbers(want);
  if (g.length !== w.length) return Infinity;
  let maxAbs = 0, maxDiff = 0;
  for (let i = 0; i < w.length; i++) { maxAbs = Math.max(maxAbs, Math.abs(w[i]!)); maxDiff = Math.max(maxDiff, Math.abs(g[i]! - w[i]!)); }
  return maxDiff / (maxAbs || 1);
}

function checkOne(dir: string, name: string): Row {
  const path = join(dir, `${name}.onnx`);
  const rss0 = process.memoryUsage().rss;
  let t0 = performance.now();
  const bytes = readFileSync(path);
  const fileReadMs = performance.now() - t0;
  const core = new Core();
  t0 = performance.now();
  const model = core.readModelSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const parseMs = performance.now() - t0;
  const rssMB = (process.memoryUsage().rss - rss0) / 2 ** 20;
  const weightsMB = summarizeModel(model).weightBytes / 2 ** 20;
  const inputs = Object.fromEntries(corpusInputs(dir, name));
  const run = (m: typeof model) => core.compileModelSync(m, 'CPU').createInferRequest().infer(inputs);
  const worst = (outs: Record<string, Tensor>) => Math.max(...Object.entries(outs).map(([key, t]) => {
    const f = join(dir, `${name}.${key}.npy`);
    return existsSync(f) ? relativeError(t, tensorFromNpy(readFileSync(f))) : Infinity;
  }));
  const relErr = worst(run(model));
  const xml = join(mkdtempSync(join(tmpdir(), 'tsvino-corpus-')), `${name}.xml`);
  saveModelSync(model, xml, false);
  const irRelErr = worst(run(core.readModelSync(xml)));
  return { name, fileMB: bytes.length / 2 ** 20, fileReadMs, parseMs, rssMB, weightsMB, relErr, irRelErr };
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  try {
    console.log(JSON.stringify(checkOne(args[1]!, args[2]!)));
  } catch (e) {
    console.log(JSON.stringify({ name: args[2], error: (e as Error).message.split('\n')[0] }));
  }
} else {
  const dir = args[0] ?? 'bench-models';
  const names = args.length > 1 ? args.slice(1) : NAMES.filter((n) => existsSync(join(dir, `${n}.onnx`)));
  console.log('| model | file | file read | ONNX read (extra) | RSS growth | weights | rel. error vs PyTorch | after IR round trip |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const name of names) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=16000', process.argv[1]!, '--one', dir, name], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let row: Row;
    try { row = JSON.parse(line) as Row; } catch { console.log(`| ${name} | failed: ${(r.stderr || line).split('\n')[0]} |`); continue; }
    if (row.error) { console.log(`| ${name} | failed: ${row.error} |`); continue; }
    const ok = (e: number) => `${e.toExponential(1)} ${e <= 1e-3 ? 'ok' : 'FAIL'}`;
    console.log(`| ${name} | ${row.fileMB.toFixed(1)} MB | ${row.fileReadMs.toFixed(0)} ms | ${row.parseMs.toFixed(0)} ms | ${row.rssMB.toFixed(0)} MB | ${row.weightsMB.toFixed(0)} MB | ${ok(row.relErr)} | ${ok(row.irRelErr)} |`);
  }
}
