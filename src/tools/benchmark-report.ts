// benchmark's output side: latency statistics, the step-11 summary, per-layer counters (-pc) and
// the report files benchmark_app writes (-report_type, -report_folder, -json_stats).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProfilingInfo } from '../index.js';
import type { PropertyValue } from '../plugins/plugin.js';

export interface LatencyStats { median: number; average: number; min: number; max: number; percentile: number; percentileValue: number }

export interface BenchmarkResult {
  model: string;
  device: string;
  api: 'sync' | 'async';
  nireq: number;
  batch: number;
  inferenceOnly: boolean;
  readMs: number;
  compileMs: number;
  firstInferenceMs: number;
  count: number;
  durationMs: number;
  latency: LatencyStats;
  throughputFps: number;
  /** The compiled model's properties in effect. */
  properties: Record<string, PropertyValue>;
  /** Each request's last run, when profiling was on. */
  perfCounts?: ProfilingInfo[][];
}

/** Median, mean, extremes and the nearest-rank `percentile` of the first `count` latencies (ms). */
export function latencyStats(latencies: Float64Array, count: number, percentile: number): LatencyStats {
  const sorted = latencies.slice(0, count).sort();
  const mid = count >> 1;
  const median = count % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i]!;
  const rank = Math.min(count, Math.max(1, Math.ceil((percentile / 100) * count)));
  return {
    median, average: sum / count, min: sorted[0]!, max: sorted[count - 1]!,
    percentile, percentileValue: percentile === 50 ? median : sorted[rank - 1]!,
  };
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;

/** Step 11's figures, as benchmark_app prints them. */
export function formatStats(r: BenchmarkResult): string[] {
  const lines = [
    `[ INFO ] Execution Devices: ${JSON.stringify(r.properties['EXECUTION_DEVICES'] ?? [r.device])}`,
    `[ INFO ] Count:            ${r.count} iterations`,
    `[ INFO ] Duration:         ${ms(r.durationMs)}`,
    '[ INFO ] Latency:',
    `[ INFO ]    Median:        ${ms(r.latency.median)}`,
    `[ INFO ]    Average:       ${ms(r.latency.average)}`,
    `[ INFO ]    Min:           ${ms(r.latency.min)}`,
    `[ INFO ]    Max:           ${ms(r.latency.max)}`,
  ];
  if (r.latency.percentile !== 50) lines.push(`[ INFO ]    ${r.latency.percentile} percentile: ${ms(r.latency.percentileValue)}`);
  lines.push(`[ INFO ] Throughput:   ${r.throughputFps.toFixed(2)} FPS`);
  return lines;
}

/** -pc: one table per request, as benchmark_app prints performance counts. */
export function formatPerfCounts(perRequest: ProfilingInfo[][], fullDeviceName: string): string[] {
  const lines: string[] = [];
  perRequest.forEach((infos, i) => {
    lines.push(`[ INFO ] Performance counts for ${i}-th infer request`);
    const width = Math.min(50, Math.max(10, ...infos.map((p) => p.nodeName.length))) + 2;
    let real = 0, cpu = 0;
    for (const p of infos) {
      const name = p.nodeName.length > 50 ? `${p.nodeName.slice(0, 47)}...` : p.nodeName;
      lines.push(`${name.padEnd(width)}${p.status.padEnd(15)}layerType: ${p.nodeType.padEnd(20)} execType: ${p.execType.padEnd(16)} `
        + `realTime (ms): ${(p.realTime / 1000).toFixed(3).padEnd(10)} cpuTime (ms): ${(p.cpuTime / 1000).toFixed(3)}`);
      real += p.realTime;
      cpu += p.cpuTime;
    }
    lines.push(`Total time:       ${(real / 1000).toFixed(3)} milliseconds`);
    lines.push(`Total CPU time:   ${(cpu / 1000).toFixed(3)} milliseconds`);
    lines.push(`Full device name: ${fullDeviceName}`, '');
  });
  return lines;
}

export type ReportType = 'no_counters' | 'average_counters' | 'detailed_counters' | 'sort_detailed_counters';
export const REPORT_TYPES: readonly ReportType[] = ['no_counters', 'average_counters', 'detailed_counters', 'sort_detailed_counters'];
export const reportNeedsCounters = (t: ReportType | undefined): boolean => t !== undefined && t !== 'no_counters';

export interface ReportRequest {
  type?: ReportType;
  folder: string;
  /** JSON instead of CSV; a string is the main report's own path. */
  json?: boolean | string;
  commandLine: Record<string, unknown>;
}

/** Writes benchmark_report.{csv,json} and, for counter types, benchmark_<type>_report.{csv,json}; returns the paths. */
export function writeReports(req: ReportRequest, r: BenchmarkResult): string[] {
  const json = req.json !== undefined && req.json !== false;
  const mainPath = typeof req.json === 'string' ? req.json : join(req.folder, `benchmark_report.${json ? 'json' : 'csv'}`);
  const sections = reportSections(req.commandLine, r);
  const written: string[] = [];
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    written.push(path);
  };
  write(mainPath, json ? `${JSON.stringify(sections, null, 4)}\n` : toCsv(sections));
  if (reportNeedsCounters(req.type) && r.perfCounts?.length) {
    const type = req.type!;
    const tables = type === 'average_counters' ? [averageCounts(r.perfCounts)] : r.perfCounts;
    const sorted = type === 'sort_detailed_counters';
    const path = join(req.folder, `benchmark_${type}_report.${json ? 'json' : 'csv'}`);
    write(path, json ? `${JSON.stringify(countersJson(type, tables, sorted), null, 4)}\n` : tables.map((t) => countersCsv(t, sorted)).join('\n'));
  }
  return written;
}

type Sections = Record<'cmd_options' | 'configuration_setup' | 'execution_results', Record<string, unknown>>;

function reportSections(commandLine: Record<string, unknown>, r: BenchmarkResult): Sections {
  return {
    cmd_options: commandLine,
    configuration_setup: {
      topology: r.model, target_device: r.device, api: r.api, nireq: r.nireq, batch_size: r.batch,
      inference_only: r.inferenceOnly, ...r.properties,
    },
    execution_results: {
      read_model_time: r.readMs, compile_model_time: r.compileMs, first_inference_time: r.firstInferenceMs,
      iterations_num: r.count, total_execution_time: r.durationMs,
      latency_median: r.latency.median, latency_average: r.latency.average, latency_min: r.latency.min, latency_max: r.latency.max,
      [`latency_percentile_${r.latency.percentile}`]: r.latency.percentileValue,
      throughput: r.throughputFps,
    },
  };
}

const SECTION_ORDER: ReadonlyArray<keyof Sections> = ['cmd_options', 'configuration_setup', 'execution_results'];
const SECTION_TITLES: Record<keyof Sections, string> = {
  cmd_options: 'Command line parameters', configuration_setup: 'Configuration setup', execution_results: 'Execution results',
};

function toCsv(s: Sections): string {
  const cell = (v: unknown): string => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)).replace(/;/g, ',');
  return SECTION_ORDER
    .map((k) => [SECTION_TITLES[k], ...Object.entries(s[k]).map(([name, v]) => `${name};${cell(v)}`)].join('\n'))
    .join('\n\n') + '\n';
}

/** Each node's times averaged over requests, matched by node name. */
function averageCounts(perRequest: ProfilingInfo[][]): ProfilingInfo[] {
  const sums = new Map<string, ProfilingInfo>();
  for (const infos of perRequest) {
    for (const p of infos) {
      const s = sums.get(p.nodeName);
      if (s) { s.realTime += p.realTime; s.cpuTime += p.cpuTime; } else sums.set(p.nodeName, { ...p });
    }
  }
  return [...sums.values()].map((p) => ({ ...p, realTime: p.realTime / perRequest.length, cpuTime: p.cpuTime / perRequest.length }));
}

const executedByTime = (infos: ProfilingInfo[]): ProfilingInfo[] =>
  infos.filter((p) => p.status === 'EXECUTED').sort((a, b) => b.realTime - a.realTime);

function countersCsv(infos: ProfilingInfo[], sorted: boolean): string {
  const rows = sorted ? executedByTime(infos) : infos;
  const total = rows.reduce((a, p) => a + p.realTime, 0);
  const totalCpu = rows.reduce((a, p) => a + p.cpuTime, 0);
  const head = `layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms)${sorted ? '; %' : ''}`;
  const body = rows.map((p) => [p.nodeName, p.status, p.nodeType, p.execType, p.realTime / 1000, p.cpuTime / 1000,
    ...(sorted ? [total ? (100 * p.realTime) / total : 0] : [])].join(';'));
  return [head, ...body, `Total;;;;${total / 1000};${totalCpu / 1000}${sorted ? ';100' : ''}`, ''].join('\n');
}

function countersJson(type: ReportType, tables: ProfilingInfo[][], sorted: boolean): Record<string, unknown> {
  const table = (infos: ProfilingInfo[]): Record<string, unknown> => {
    const rows = sorted ? executedByTime(infos) : infos;
    const total = rows.reduce((a, p) => a + p.realTime, 0);
    return {
      nodes: rows.map((p) => ({
        name: p.nodeName, status: p.status, node_type: p.nodeType, exec_type: p.execType,
        real_time: p.realTime / 1000, cpu_time: p.cpuTime / 1000,
        ...(sorted ? { '%': total ? Math.round((10000 * p.realTime) / total) / 100 : 0 } : {}),
      })),
      total_real_time: total / 1000,
      total_cpu_time: rows.reduce((a, p) => a + p.cpuTime, 0) / 1000,
    };
  };
  if (type === 'average_counters') return { report_type: 'average', avg_performance: table(tables[0]!) };
  return { report_type: 'detailed', detailed_performance: tables.map(table) };
}
