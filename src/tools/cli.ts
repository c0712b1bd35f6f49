#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { Core, Tensor, TsvinoError, convertModel, saveModelSync } from '../index.js';
import { tensorFromNpy, tensorToNpy } from './npy.js';
import { summarizeModel } from './model-summary.js';
import { benchmarkArgs, registerBenchmark } from './benchmark-command.js';
import { registerServe } from './serve.js';
import { registerQuantize } from './quantize.js';

const program = new Command('tsvino')
  .description('tsvino: convert, optimize, deploy and measure deep-learning models')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program.command('info')
  .description('print a model\'s inputs, outputs, op histogram, parameter count and weight size')
  .argument('<model>', 'model file (.xml)')
  .option('--json', 'print JSON instead of text')
  .action(async (modelPath: string, opts: { json?: boolean }) => {
    const model = await new Core().readModel(modelPath);
    const s = summarizeModel(model);
    if (opts.json) { console.log(JSON.stringify(s, null, 2)); return; }
    console.log(`Model: ${s.name}`);
    console.log('Inputs:');
    for (const p of s.inputs) console.log(`  ${p.name}  ${p.type}  ${p.shape}`);
    console.log('Outputs:');
    for (const p of s.outputs) console.log(`  ${p.name}  ${p.type}  ${p.shape}`);
    console.log(`Operations (${s.ops.reduce((a, [, n]) => a + n, 0)}):`);
    for (const [type, n] of s.ops) console.log(`  ${type.padEnd(28)} ${n}`);
    console.log(`Parameters: ${s.parameters.toLocaleString('en-US')}`);
    console.log(`Weights: ${formatBytes(s.weightBytes)}`);
  });

program.command('infer')
  .description('run a model once on .npy inputs and write each output as .npy')
  .requiredOption('-m, --model <path>', 'model file (.xml)')
  .option('-i, --input <name=file.npy...>', 'an input tensor; repeat for each input (a bare file fits a single-input model)')
  .option('-o, --output-dir <dir>', 'folder for <output name>.npy files', '.')
  .option('-d, --device <name>', 'device', 'CPU')
  .action(async (opts: { model: string; input?: string[]; outputDir: string; device: string }) => {
    const core = new Core();
    const compiled = await core.compileModel(opts.model, opts.device);
    const inputs: Record<string, Tensor> = {};
    for (const spec of opts.input ?? []) {
      const eq = spec.indexOf('=');
      const name = eq > 0 ? spec.slice(0, eq) : compiled.input().anyName;
      const file = eq > 0 ? spec.slice(eq + 1) : spec;
      inputs[name] = tensorFromNpy(readFileSync(file), file);
    }
    const outputs = await compiled.createInferRequest().inferAsync(inputs);
    mkdirSync(opts.outputDir, { recursive: true });
    for (const [name, t] of Object.entries(outputs)) {
      const file = join(opts.outputDir, `${name.replace(/[^\w.-]+/g, '_')}.npy`);
      writeFileSync(file, tensorToNpy(t));
      console.log(`${name}: ${t.getElementType()} [${t.getShape().join(',')}] -> ${file}`);
    }
  });

program.command('convert')
  .description('convert a model (ONNX or IR) to OpenVINO IR .xml + .bin')
  .argument('<model>', 'source model (.onnx or .xml)')
  .requiredOption('-o, --output-model <path>', 'IR file to write (.xml; the .bin goes beside it)')
  .option('--input <spec>', 'input shapes and types, e.g. "x[1,3,224,224]{f32},mask[1,128]"')
  .option('--output <names>', 'keep only these outputs (comma-separated tensor names)')
  .option('--compress-to-fp16 [bool]', 'store weights as f16 (default true, as in OpenVINO)', 'true')
  .option('--mean-values <spec>', 'per-channel means to subtract, e.g. "x[123.675,116.28,103.53]"')
  .option('--scale-values <spec>', 'per-channel divisors, e.g. "x[58.4,57.1,57.4]"')
  .option('--reverse-input-channels', 'reverse the channel order of inputs (RGB <-> BGR)')
  .option('--layout <spec>', 'input layouts, e.g. "x(nchw)"')
  .action(async (source: string, opts: {
    outputModel: string; input?: string; output?: string; compressToFp16: string | boolean;
    meanValues?: string; scaleValues?: string; reverseInputChannels?: boolean; layout?: string;
  }) => {
    const bar = new SingleBar({ format: 'Converting [{bar}] {percentage}% | {value}/{total} nodes', hideCursor: true }, Presets.shades_classic);
    let started = false;
    const model = convertModel(source, {
      ...(opts.input ? { input: opts.input } : {}),
      ...(opts.output ? { output: opts.output } : {}),
      ...(opts.meanValues ? { meanValues: opts.meanValues } : {}),
      ...(opts.scaleValues ? { scaleValues: opts.scaleValues } : {}),
      ...(opts.layout ? { layout: opts.layout } : {}),
      reverseInputChannels: opts.reverseInputChannels === true,
      // A bar only pays off on large graphs; small ones convert before it could draw.
      onProgress: (done, total) => {
        if (total < 500) return;
        if (!started) { bar.start(total, 0); started = true; }
        bar.update(done);
      },
    });
    if (started) bar.stop();
    const fp16 = !['false', '0', 'no'].includes(String(opts.compressToFp16).toLowerCase());
    saveModelSync(model, opts.outputModel, fp16);
    console.log(`[ SUCCESS ] XML file: ${opts.outputModel}`);
    console.log(`[ SUCCESS ] BIN file: ${opts.outputModel.replace(/\.xml$/i, '.bin')}`);
  });


function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/** benchmark_app spells long flags with one dash (-niter); commander wants two. */
const SINGLE_DASH_LONG = new Set(['-niter', '-shape', '-json_stats', '-time']);
function normalizeArgs(argv: string[]): string[] {
  return argv.map((a) => (SINGLE_DASH_LONG.has(a) ? `-${a}`.replace('json_stats', 'json-stats') : a));
}

/** One line, exit code 1: the reason, not a stack trace. */
function fail(e: unknown): never {
  const msg = e instanceof TsvinoError ? `${e.name}: ${e.message}` : e instanceof Error ? e.message : String(e);
  console.error(`tsvino: error: ${msg.replace(/\s*\n\s*/g, '; ')}`);
  process.exit(1);
}

registerServe(program);
registerQuantize(program);
registerBenchmark(program);

program.parseAsync(normalizeArgs(benchmarkArgs(process.argv))).catch(fail);
