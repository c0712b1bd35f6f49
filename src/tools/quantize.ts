import { type Command, Option } from 'commander';
import {
  Core, InputError, compressWeights, quantize, saveModelSync,
  type IgnoredScope, type Model, type WeightCompressionMode,
} from '../index.js';
import { NpyFolderDataset } from './npy-dataset.js';
import { positiveInt } from './cli-args.js';

const DATA_HELP = 'calibration data folder: one sub-folder per sample holding <input>.npy for each input, '
  + 'or flat files <input>.<k>.npy (sample k); <input> is the tensor name, characters outside [A-Za-z0-9_.-] as "_"';
const SCOPE_HELP = 'keep nodes in float: names=a,b | types=MatMul,Gather | patterns=<regex over node names>; repeatable';

/** `tsvino quantize` and `tsvino compress-weights`: thin wrappers over quantize() and compressWeights(). */
export function registerQuantize(program: Command): void {
  program.command('quantize')
    .description('post-training INT8 quantization: insert FakeQuantize ops calibrated on .npy samples')
    .requiredOption('-m, --model <path>', 'model file (.xml or .onnx)')
    .requiredOption('-o, --output <path>', 'quantized IR to write (.xml; the .bin goes beside it)')
    .requiredOption('--data <dir>', DATA_HELP)
    .addOption(new Option('--subset-size <n>', 'calibration samples to use').default(300).argParser(positiveInt))
    .addOption(new Option('--preset <preset>', 'performance: symmetric activations; mixed: asymmetric').choices(['performance', 'mixed']))
    .addOption(new Option('--model-type <type>', 'transformer: SmoothQuant, mixed preset by default').choices(['transformer']))
    .option('--ignored-scope <spec...>', SCOPE_HELP)
    .option('--no-fast-bias-correction', 'skip the bias correction pass')
    .addOption(new Option('--overflow-fix <mode>', '7-bit weights (CPUs without VNNI run int8 exactly only with them): on every layer, the first, or none')
      .choices(['enable', 'first_layer', 'disable']).default('enable'))
    .option('-d, --device <name>', 'device that runs the calibration passes', 'CPU')
    .option('--compress-to-fp16 [bool]', 'store the remaining float constants as f16, as OpenVINO does', 'true')
    .action(async (opts: {
      model: string; output: string; data: string; subsetSize: number; preset?: 'performance' | 'mixed';
      modelType?: 'transformer'; ignoredScope?: string[]; fastBiasCorrection: boolean; device: string; compressToFp16: string | boolean;
      overflowFix: 'enable' | 'first_layer' | 'disable';
    }) => {
      const model = await new Core().readModel(opts.model);
      const data = new NpyFolderDataset(opts.data, model.inputs.map((i) => i.anyName));
      const quantized = await quantize(model, data, {
        subsetSize: opts.subsetSize,
        fastBiasCorrection: opts.fastBiasCorrection,
        overflowFix: opts.overflowFix,
        targetDevice: opts.device,
        ...(opts.preset ? { preset: opts.preset } : {}),
        ...(opts.modelType ? { modelType: opts.modelType } : {}),
        ...(opts.ignoredScope ? { ignoredScope: parseIgnoredScope(opts.ignoredScope) } : {}),
      });
      console.log(`Calibrated on ${Math.min(data.size, opts.subsetSize)} samples; ${countOps(quantized, 'FakeQuantize')} FakeQuantize ops inserted`);
      save(quantized, opts.output, opts.compressToFp16);
    });

  program.command('compress-weights')
    .description('data-free weight compression: MatMul, embedding and convolution weights to int8 or int4')
    .requiredOption('-m, --model <path>', 'model file (.xml or .onnx)')
    .requiredOption('-o, --output <path>', 'compressed IR to write (.xml; the .bin goes beside it)')
    .addOption(new Option('--mode <mode>', 'weight format').choices(['int8_asym', 'int8_sym', 'int4_asym', 'int4_sym']).default('int8_asym'))
    .addOption(new Option('--group-size <n>', 'int4: weights per quantization group (-1: per channel; default 128)').argParser(groupSize))
    .addOption(new Option('--ratio <r>', 'int4: share of eligible weights (by size) in int4, the rest int8 (default 1)').argParser(unitInterval))
    .option('--ignored-scope <spec...>', SCOPE_HELP)
    .option('--compress-to-fp16 [bool]', 'store scales and other float constants as f16, as OpenVINO does', 'true')
    .action(async (opts: {
      model: string; output: string; mode: WeightCompressionMode; groupSize?: number; ratio?: number; ignoredScope?: string[]; compressToFp16: string | boolean;
    }) => {
      const model = await new Core().readModel(opts.model);
      const compressed = compressWeights(model, {
        mode: opts.mode,
        ...(opts.groupSize !== undefined ? { groupSize: opts.groupSize } : {}),
        ...(opts.ratio !== undefined ? { ratio: opts.ratio } : {}),
        ...(opts.ignoredScope ? { ignoredScope: parseIgnoredScope(opts.ignoredScope) } : {}),
      });
      save(compressed, opts.output, opts.compressToFp16);
    });
}

/** `names=a,b`, `types=MatMul`, `patterns=<regex>` (a pattern is taken whole, commas included). */
export function parseIgnoredScope(specs: readonly string[]): IgnoredScope {
  const names: string[] = [], types: string[] = [], patterns: string[] = [];
  for (const spec of specs) {
    const m = /^(names|types|patterns)=(.+)$/.exec(spec);
    if (!m) throw new InputError(`--ignored-scope "${spec}": expected names=..., types=... or patterns=...`);
    const list = m[2]!.split(',').map((s) => s.trim()).filter(Boolean);
    if (m[1] === 'patterns') patterns.push(m[2]!);
    else (m[1] === 'names' ? names : types).push(...list);
  }
  return { names, types, patterns };
}

function save(model: Model, path: string, compressToFp16: string | boolean): void {
  const fp16 = !['false', '0', 'no'].includes(String(compressToFp16).toLowerCase());
  saveModelSync(model, path, fp16);
  console.log(`[ SUCCESS ] XML file: ${path}`);
  console.log(`[ SUCCESS ] BIN file: ${path.replace(/\.xml$/i, '.bin')}`);
}

const countOps = (model: Model, type: string): number => model.getOps().filter((n) => n.getType() === type).length;

function groupSize(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || (n <= 0 && n !== -1)) throw new InputError(`--group-size must be a positive integer or -1, got "${v}"`);
  return n;
}
function unitInterval(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InputError(`--ratio must be a number in [0, 1], got "${v}"`);
  return n;
}
