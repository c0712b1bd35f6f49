// The `tsvino benchmark` command: benchmark_app's flags (single-dash spellings included) mapped
// onto runBenchmark.
import { Command, Option } from 'commander';
import { InputError } from '../index.js';
import { runBenchmark } from './benchmark.js';
import { positiveInt, positiveNumber } from './cli-args.js';

/** benchmark_app's long flags, written with one dash and underscores (-niter, -data_shape, -inference_only=false). */
const SINGLE_DASH_FLAGS = new Set([
  'hint', 'api', 'niter', 'nireq', 'nstreams', 'nthreads', 'shape', 'data_shape', 'layout', 'infer_precision',
  'cache_dir', 'pc', 'report_type', 'report_folder', 'json_stats', 'latency_percentile', 'inference_only', 'progress', 'time',
]);

/** Rewrites benchmark_app spellings into commander's (`-data_shape x` → `--data-shape x`), for the benchmark command only. */
export function benchmarkArgs(argv: string[]): string[] {
  if (argv[2] !== 'benchmark') return argv;
  return argv.map((a, i) => {
    const m = i > 2 ? /^-([a-z_]+)(=.*)?$/.exec(a) : null;
    return m && SINGLE_DASH_FLAGS.has(m[1]!) ? `--${m[1]!.replace(/_/g, '-')}${m[2] ?? ''}` : a;
  });
}

interface BenchmarkFlags {
  model: string; device: string; hint?: string; api: string; niter?: number; time?: number; nireq?: number;
  nstreams?: string; nthreads?: number; batch?: number; shape?: string; dataShape?: string; layout?: string;
  input?: string[]; inferPrecision?: string; cacheDir?: string; pc?: boolean; reportType?: string; reportFolder?: string;
  jsonStats?: boolean | string; latencyPercentile?: number; inferenceOnly?: boolean; progress?: boolean;
}

export function registerBenchmark(program: Command): void {
  program.command('benchmark')
    .description('measure latency and throughput as OpenVINO\'s benchmark_app does (its single-dash flags work: -niter, -hint, -pc...)')
    .requiredOption('-m, --model <path>', 'model file (.xml or .onnx)')
    .option('-d, --device <name>', 'device', 'CPU')
    .option('--hint <mode>', 'performance hint: latency, throughput, cumulative_throughput or none (default: throughput, or latency with -api sync)')
    .option('--api <mode>', 'sync or async', 'async')
    .addOption(new Option('--niter <n>', 'number of iterations (aligned up to a multiple of -nireq in async mode)').argParser(positiveInt))
    .addOption(new Option('-t, --time <seconds>', 'run time in seconds (default 60 when -niter is not given)').argParser(positiveNumber))
    .addOption(new Option('--nireq <n>', 'number of infer requests (default: the device\'s OPTIMAL_NUMBER_OF_INFER_REQUESTS)').argParser(positiveInt))
    .option('--nstreams <n>', 'number of streams, or AUTO')
    .addOption(new Option('--nthreads <n>', 'number of inference threads').argParser(positiveInt))
    .addOption(new Option('-b, --batch <n>', 'batch size, set on each input\'s N axis').argParser(positiveInt))
    .option('--shape <spec>', 'reshape inputs, e.g. "image[1,3,224,224]" or "[1,3,224,224]"')
    .option('--data-shape <spec>', 'tensor shapes for dynamic inputs, e.g. "image[1,3,224,224]"')
    .option('--layout <spec>', 'input layouts, e.g. "image[NCHW]"')
    .option('-i, --input <paths...>', 'input files: .npy, raw .bin, images (PNG, JPEG, BMP, TIFF, PNM) or folders; "name:a.png,b.png" per input')
    .option('--infer-precision <type>', 'inference precision hint: f32, f16 or bf16')
    .option('--cache-dir <dir>', 'model cache folder (CACHE_DIR)')
    .option('--pc', 'print per-layer performance counters')
    .option('--report-type <type>', 'no_counters, average_counters, detailed_counters or sort_detailed_counters')
    .option('--report-folder <dir>', 'folder for the report files', '.')
    .option('--json-stats [file]', 'write the report as JSON (to this file, or benchmark_report.json in -report_folder)')
    .addOption(new Option('--latency-percentile <p>', 'latency percentile to report, 1..100').argParser(positiveInt).default(50))
    .addOption(new Option('--inference-only [bool]', 'inputs set once outside the measured loop (default true)').argParser(parseBool))
    .addOption(new Option('--progress [bool]', 'progress bar (default: on a terminal, outside CI)').argParser(parseBool))
    .action(async (flags: BenchmarkFlags) => {
      await runBenchmark({
        ...flags,
        perfCounts: flags.pc === true,
        progress: flags.progress ?? (process.stderr.isTTY === true && !process.env['CI']),
        log: (line) => console.log(line),
      });
    });
}



/** `--flag`, `--flag true`, `--flag=false`, as gflags reads booleans. */
function parseBool(v: string | undefined): boolean {
  if (v === undefined) return true;
  const s = v.toLowerCase();
  if (['true', '1', 'yes'].includes(s)) return true;
  if (['false', '0', 'no'].includes(s)) return false;
  throw new InputError(`expected true or false, got "${v}"`);
}
