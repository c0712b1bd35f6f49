// `tsvino benchmark`: benchmark_app's eleven steps over the public API.
import { performance } from 'node:perf_hooks';
import { SingleBar, Presets } from 'cli-progress';
import { Core, InputError, type CompiledModel, type InferRequest, type Model, type Output } from '../index.js';
import type { Properties, PropertyValue } from '../plugins/plugin.js';
import { VERSION } from '../plugins/common.js';
import { inputLayouts, modelBatch, planInputs, portName, reshapeModel } from './benchmark-inputs.js';
import {
  formatPerfCounts, formatStats, latencyStats, reportNeedsCounters, REPORT_TYPES, writeReports,
  type BenchmarkResult, type ReportType,
} from './benchmark-report.js';
import { runAsync, runSync, type Limit } from './benchmark-loops.js';

export type { BenchmarkResult } from './benchmark-report.js';

export interface BenchmarkOptions {
  model: string;
  device?: string;
  /** latency | throughput | tput | cumulative_throughput | none; default throughput (async) or latency (sync). */
  hint?: string;
  api?: string;
  niter?: number;
  /** Seconds. */
  time?: number;
  nireq?: number;
  nstreams?: string;
  nthreads?: number;
  batch?: number;
  shape?: string;
  dataShape?: string;
  layout?: string;
  input?: string[];
  inferPrecision?: string;
  cacheDir?: string;
  perfCounts?: boolean;
  reportType?: string;
  reportFolder?: string;
  jsonStats?: boolean | string;
  latencyPercentile?: number;
  inferenceOnly?: boolean;
  /** Draw a progress bar (the CLI turns it on for a TTY outside CI). */
  progress?: boolean;
  log?: (line: string) => void;
}

/** benchmark_app's default run time when neither -niter nor -t is given. */
const DEFAULT_DURATION_S = 60;
const HINTS: Record<string, string> = {
  latency: 'LATENCY', throughput: 'THROUGHPUT', tput: 'THROUGHPUT', cumulative_throughput: 'CUMULATIVE_THROUGHPUT', ctput: 'CUMULATIVE_THROUGHPUT', none: 'NONE',
};

/** Runs benchmark_app's steps 1–11, printing through `log`; returns the figures. */
export async function runBenchmark(opts: BenchmarkOptions): Promise<BenchmarkResult> {
  const log = opts.log ?? (() => {});
  const step = (n: number, title: string): void => log(`[Step ${n}/11] ${title}`);

  step(1, 'Parsing and validating input arguments');
  const api = (opts.api ?? 'async').toLowerCase();
  if (api !== 'sync' && api !== 'async') throw new InputError(`-api must be sync or async, got "${opts.api}"`);
  const hintName = opts.hint?.toLowerCase();
  if (hintName !== undefined && !(hintName in HINTS)) throw new InputError(`-hint must be latency, throughput, cumulative_throughput or none, got "${opts.hint}"`);
  const percentile = opts.latencyPercentile ?? 50;
  if (!Number.isInteger(percentile) || percentile < 1 || percentile > 100) throw new InputError(`-latency_percentile must be an integer in [1, 100], got ${percentile}`);
  const reportType = parseReportType(opts.reportType);
  const device = (opts.device ?? 'CPU').toUpperCase();

  step(2, 'Loading tsvino Runtime');
  const core = new Core();
  log('[ INFO ] tsvino:');
  log(`[ INFO ] Build ................................. ${VERSION}`);
  log('[ INFO ] Device info:');
  const version = core.getVersions(device)[device]!;
  log(`[ INFO ] ${device}`);
  log(`[ INFO ] Build ................................. ${version.buildNumber}`);

  step(3, 'Setting device configuration');
  const hint = hintName ? HINTS[hintName]! : api === 'async' ? 'THROUGHPUT' : 'LATENCY';
  if (!hintName) log(`[ WARNING ] Performance hint was not explicitly specified in command line. Device(${device}) performance hint will be set to ${hint}.`);
  const config = deviceConfig(core, device, hint, opts, reportNeedsCounters(reportType));
  if (opts.cacheDir) core.setProperty({ CACHE_DIR: opts.cacheDir });

  // With a cache and nothing to reshape, compile straight from the file so a cache hit skips reading.
  const direct = opts.cacheDir !== undefined && opts.shape === undefined && opts.batch === undefined && opts.layout === undefined;
  step(4, 'Reading model files');
  let model: Model | undefined;
  let readMs = 0;
  if (direct) {
    log('[ INFO ] Skipping the step for compiled model (the model cache is on)');
  } else {
    const t0 = performance.now();
    model = await core.readModel(opts.model);
    readMs = performance.now() - t0;
    log(`[ INFO ] Read model took ${readMs.toFixed(2)} ms`);
    log('[ INFO ] Original model I/O parameters:');
    describePorts(model, log);
  }

  step(5, 'Resizing model to match image sizes and given batch');
  if (model) reshapeModel(model, inputLayouts(model, opts.layout), opts.shape, opts.batch);

  step(6, 'Configuring input of the model');
  if (model) describePorts(model, log);

  step(7, 'Loading the model to the device');
  const t0 = performance.now();
  const compiled = await core.compileModel(model ?? opts.model, device, config);
  const compileMs = performance.now() - t0;
  log(`[ INFO ] Compile model took ${compileMs.toFixed(2)} ms`);
  const layouts = inputLayouts(compiled.executable.model, opts.layout);
  const batch = modelBatch(compiled.executable.model, layouts);
  log(`[ INFO ] Model batch size: ${batch}`);

  step(8, 'Querying optimal runtime parameters');
  const properties = compiledProperties(compiled);
  log('[ INFO ] Model:');
  for (const [k, v] of Object.entries(properties)) log(`[ INFO ]   ${k}: ${formatValue(v)}`);
  const nireq = opts.nireq ?? (api === 'sync' ? 1 : Math.max(1, Number(properties['OPTIMAL_NUMBER_OF_INFER_REQUESTS'] ?? 1)));
  if (api === 'sync' && opts.nireq !== undefined && opts.nireq !== 1) log('[ WARNING ] -nireq is ignored with -api sync, which runs one request');

  step(9, 'Creating infer requests and preparing input tensors');
  const inputs = planInputs(compiled.inputs, layouts, opts.input ?? [], opts.dataShape);
  if (inputs.usedRandom) log('[ WARNING ] No input files were given for some inputs: they will be filled with random values!');
  for (const [i, d] of inputs.descriptions.entries()) log(`[ INFO ] ${i === 0 ? 'Test Config 0\n[ INFO ] ' : ''}${d}`);

  let niter = opts.niter;
  if (niter !== undefined && api === 'async' && niter % nireq !== 0) {
    const aligned = Math.ceil(niter / nireq) * nireq;
    log(`[ WARNING ] Number of iterations was aligned by request number from ${niter} to ${aligned} using number of requests ${nireq}`);
    niter = aligned;
  }
  const timeS = opts.time ?? (niter === undefined ? DEFAULT_DURATION_S : undefined);
  const limits = [niter !== undefined ? `${niter} iterations` : '', timeS !== undefined ? `${timeS * 1000} ms duration` : ''].filter(Boolean).join(', ');
  step(10, `Measuring performance (Start inference ${api === 'sync' ? 'synchronously' : 'asynchronously'}, ${api === 'sync' ? 1 : nireq} inference requests, limits: ${limits})`);
  // benchmark_app's default: inference only for static models, inputs set per run for dynamic ones.
  const inferenceOnly = opts.inferenceOnly ?? compiled.inputs.every((p) => p.partialShape.isStatic());
  log(inferenceOnly
    ? '[ INFO ] Benchmarking in inference only mode (inputs filling are not included in measurement loop).'
    : '[ INFO ] Benchmarking in full mode (inputs filling are included in measurement loop).');
  const limit: Limit = { niter, timeMs: timeS !== undefined ? timeS * 1000 : undefined };
  const bar = opts.progress ? new SingleBar({ format: 'Progress: [{bar}] {percentage}% done', hideCursor: true }, Presets.shades_classic) : undefined;
  const onFirst = (firstMs: number): void => log(`[ INFO ] First inference took ${firstMs.toFixed(2)} ms`);
  const run = api === 'sync'
    ? runSync(compiled, inputs.sets, limit, inferenceOnly, bar, onFirst)
    : await runAsync(compiled, inputs.sets, limit, nireq, bar, onFirst);

  step(11, 'Dumping statistics report');
  const latency = latencyStats(run.latencies, run.count, percentile);
  const result: BenchmarkResult = {
    model: opts.model, device, api, nireq: api === 'sync' ? 1 : nireq, batch, inferenceOnly,
    readMs, compileMs, firstInferenceMs: run.firstMs, count: run.count, durationMs: run.durationMs, latency,
    // benchmark_app: sync throughput follows the reported latency, async counts finished requests.
    throughputFps: api === 'sync' ? (batch * 1000) / latency.percentileValue : (batch * run.count * 1000) / run.durationMs,
    properties,
  };
  if (opts.perfCounts || reportNeedsCounters(reportType)) result.perfCounts = collectCounts(run.requests, log);
  if (reportType !== undefined || opts.jsonStats !== undefined) {
    const paths = writeReports({ type: reportType, folder: opts.reportFolder ?? '.', json: opts.jsonStats, commandLine: commandLine(opts) }, result);
    for (const p of paths) log(`[ INFO ] Statistics report is stored to ${p}`);
  }
  if (opts.perfCounts && result.perfCounts) for (const line of formatPerfCounts(result.perfCounts, String(core.getProperty(device, 'FULL_DEVICE_NAME')))) log(line);
  for (const line of formatStats(result)) log(line);
  return result;
}

function parseReportType(v: string | undefined): ReportType | undefined {
  if (v === undefined) return undefined;
  const t = REPORT_TYPES.find((x) => x === v);
  if (!t) throw new InputError(`-report_type must be one of ${REPORT_TYPES.join(', ')}, got "${v}"`);
  return t;
}

/** The compile config from the flags, refusing flags the device has no property for. */
function deviceConfig(core: Core, device: string, hint: string, opts: BenchmarkOptions, counters: boolean): Properties {
  const supported = core.getProperty(device, 'SUPPORTED_PROPERTIES');
  const has = (name: string): boolean => Array.isArray(supported) && supported.includes(name);
  const config: Properties = {};
  const set = (name: string, value: PropertyValue | undefined, flag: string): void => {
    if (value === undefined) return;
    if (!has(name)) throw new InputError(`${flag}: device ${device} has no ${name} property`);
    config[name] = value;
  };
  if (has('PERFORMANCE_HINT')) config['PERFORMANCE_HINT'] = hint;
  set('NUM_STREAMS', opts.nstreams, '-nstreams');
  set('INFERENCE_NUM_THREADS', opts.nthreads, '-nthreads');
  set('INFERENCE_PRECISION_HINT', opts.inferPrecision, '-infer_precision');
  if (opts.perfCounts || counters) set('ENABLE_PROFILING', true, '-pc');
  return config;
}

function compiledProperties(compiled: CompiledModel): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  const names = compiled.getProperty('SUPPORTED_PROPERTIES');
  for (const name of ['NETWORK_NAME', ...(Array.isArray(names) ? names : []), 'EXECUTION_DEVICES']) {
    if (name === 'SUPPORTED_PROPERTIES' || name in out) continue;
    out[name] = compiled.getProperty(name);
  }
  return out;
}

const formatValue = (v: PropertyValue): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

function describePorts(model: Model, log: (line: string) => void): void {
  const line = (p: Output): string => `[ INFO ]     ${portName(p)} (node: ${p.node.friendlyName}) : ${p.elementType} / ${p.partialShape.toString()}`;
  log('[ INFO ] Model inputs:');
  for (const p of model.inputs) log(line(p));
  log('[ INFO ] Model outputs:');
  for (const p of model.outputs) log(line(p));
}

function collectCounts(requests: InferRequest[], log: (line: string) => void): BenchmarkResult['perfCounts'] {
  try {
    return requests.map((r) => r.getProfilingInfo());
  } catch (e) {
    log(`[ WARNING ] No performance counters: ${(e as Error).message}`);
    return undefined;
  }
}

/** The options as benchmark_app names them, for the report. */
function commandLine(opts: BenchmarkOptions): Record<string, unknown> {
  const names: Record<string, string> = {
    model: 'm', device: 'd', hint: 'hint', api: 'api', niter: 'niter', time: 't', nireq: 'nireq', nstreams: 'nstreams',
    nthreads: 'nthreads', batch: 'b', shape: 'shape', dataShape: 'data_shape', layout: 'layout', input: 'i',
    inferPrecision: 'infer_precision', cacheDir: 'cache_dir', perfCounts: 'pc', reportType: 'report_type',
    reportFolder: 'report_folder', jsonStats: 'json_stats', latencyPercentile: 'latency_percentile', inferenceOnly: 'inference_only',
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (names[k] && v !== undefined) out[names[k]] = v;
  return out;
}
