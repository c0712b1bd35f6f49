import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Which of a model's version directories are served (OVMS's model_version_policy). */
export type VersionPolicy =
  | { kind: 'latest'; count: number }
  | { kind: 'specific'; versions: number[] }
  | { kind: 'all' };

/** One entry of an OVMS config.json `model_config_list`, checked and with paths made absolute. */
export interface ModelConfig {
  name: string;
  basePath: string;
  versionPolicy: VersionPolicy;
  targetDevice: string;
  /** Infer requests in the pool; 0 asks the compiled model for its optimal number. */
  nireq: number;
  /** Per-input shapes in OVMS syntax ("(1,3,224,224)", "[1,-1]", "1:8"), or one for a single-input model. */
  shape?: string | Record<string, string>;
  /** Per-input layouts ("NCHW", or "NHWC:NCHW" to accept NHWC tensors for an NCHW model). */
  layout?: string | Record<string, string>;
  pluginConfig: Record<string, string | number | boolean>;
  /** tsvino's extension: stack concurrent requests along the first axis (which must be dynamic). */
  dynamicBatching?: { maxBatchSize: number; maxQueueDelayUs: number };
}

/** A config.json or command line that cannot describe a model repository. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses config.json text; relative base paths are taken from the config file's folder, as OVMS does. */
export function parseConfig(text: string, configDir: string): ModelConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc['model_config_list'])) throw new ConfigError('config needs a "model_config_list" array');
  const configs = doc['model_config_list'].map((entry, i) => {
    if (!isRecord(entry) || !isRecord(entry['config'])) throw new ConfigError(`model_config_list[${i}] needs a "config" object`);
    return parseModelConfig(entry['config'], `model_config_list[${i}]`, configDir);
  });
  const seen = new Set<string>();
  for (const c of configs) {
    if (seen.has(c.name)) throw new ConfigError(`model name "${c.name}" appears twice in model_config_list`);
    seen.add(c.name);
  }
  return configs;
}

function parseModelConfig(c: Record<string, unknown>, where: string, configDir: string): ModelConfig {
  const name = c['name'];
  const basePath = c['base_path'];
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw new ConfigError(`${where}: "name" must be a non-empty string of letters, digits, "_", "-" or "."`);
  if (typeof basePath !== 'string' || basePath === '') throw new ConfigError(`${where} (${name}): "base_path" must be a path`);
  const nireq = c['nireq'] ?? 0;
  if (!Number.isInteger(nireq) || Number(nireq) < 0) throw new ConfigError(`${where} (${name}): "nireq" must be a non-negative integer`);
  const device = c['target_device'] ?? 'CPU';
  if (typeof device !== 'string') throw new ConfigError(`${where} (${name}): "target_device" must be a string`);
  const config: ModelConfig = {
    name,
    basePath: isAbsolute(basePath) ? basePath : resolve(configDir, basePath),
    versionPolicy: parsePolicy(c['model_version_policy'], `${where} (${name})`),
    targetDevice: device,
    nireq: Number(nireq),
    pluginConfig: parsePluginConfig(c['plugin_config'], `${where} (${name})`),
  };
  const shape = perInput(c['shape'], 'shape', `${where} (${name})`);
  const layout = perInput(c['layout'], 'layout', `${where} (${name})`);
  const batching = parseBatching(c['dynamic_batching'], `${where} (${name})`);
  if (batching) config.dynamicBatching = batching;
  if (shape !== undefined) config.shape = shape;
  if (layout !== undefined) config.layout = layout;
  return config;
}

function parsePolicy(p: unknown, where: string): VersionPolicy {
  if (p === undefined) return { kind: 'latest', count: 1 };
  if (!isRecord(p) || Object.keys(p).length !== 1) throw new ConfigError(`${where}: model_version_policy must have one of "latest", "specific" or "all"`);
  if (isRecord(p['all'])) return { kind: 'all' };
  const latest = p['latest'];
  if (isRecord(latest)) {
    const n = latest['num_versions'] ?? 1;
    if (!Number.isInteger(n) || Number(n) < 1) throw new ConfigError(`${where}: latest.num_versions must be a positive integer`);
    return { kind: 'latest', count: Number(n) };
  }
  const specific = p['specific'];
  if (isRecord(specific)) {
    const v = specific['versions'];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x > 0)) {
      throw new ConfigError(`${where}: specific.versions must be a non-empty list of positive integers`);
    }
    return { kind: 'specific', versions: v.map(Number) };
  }
  throw new ConfigError(`${where}: model_version_policy must be {"latest": {...}}, {"specific": {...}} or {"all": {}}`);
}

function parseBatching(b: unknown, where: string): ModelConfig['dynamicBatching'] {
  if (b === undefined) return undefined;
  if (!isRecord(b)) throw new ConfigError(`${where}: "dynamic_batching" must be an object`);
  const size = b['max_batch_size'];
  const delay = b['max_queue_delay_us'] ?? 500;
  if (!Number.isInteger(size) || Number(size) < 2) throw new ConfigError(`${where}: dynamic_batching.max_batch_size must be an integer of at least 2`);
  if (!Number.isInteger(delay) || Number(delay) < 0) throw new ConfigError(`${where}: dynamic_batching.max_queue_delay_us must be a non-negative integer`);
  return { maxBatchSize: Number(size), maxQueueDelayUs: Number(delay) };
}

function parsePluginConfig(p: unknown, where: string): Record<string, string | number | boolean> {
  if (p === undefined) return {};
  if (!isRecord(p)) throw new ConfigError(`${where}: "plugin_config" must be an object`);
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new ConfigError(`${where}: plugin_config.${k} must be a string, number or boolean`);
    out[k] = v;
  }
  return out;
}

function perInput(v: unknown, field: string, where: string): string | Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (isRecord(v) && Object.values(v).every((x) => typeof x === 'string')) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  throw new ConfigError(`${where}: "${field}" must be a string or an object of input name to string`);
}

/** The versions a policy serves out of those present on disk, highest first. */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const sorted = [...available].sort((a, b) => b - a);
  switch (policy.kind) {
    case 'all': return sorted;
    case 'latest': return sorted.slice(0, policy.count);
    case 'specific': return sorted.filter((v) => policy.versions.includes(v));
  }
}

/** Numeric subdirectories of a model's base path (its versions); none when the path is missing. */
export function listVersions(basePath: string): number[] {
  if (!existsSync(basePath)) return [];
  return readdirSync(basePath, { withFileTypes: true })
    .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && /^[1-9]\d*$/.test(d.name))
    .map((d) => Number(d.name));
}

/** The model file of a version directory: model.xml, model.onnx, else its single .xml or .onnx file. */
export function findModelFile(versionDir: string): string {
  for (const f of ['model.xml', 'model.onnx']) if (existsSync(join(versionDir, f))) return join(versionDir, f);
  const files = existsSync(versionDir) ? readdirSync(versionDir).filter((f) => /\.(xml|onnx)$/i.test(f)) : [];
  if (files.length === 1) return join(versionDir, files[0]!);
  if (files.length === 0) throw new ConfigError(`${versionDir} has no model.xml or model.onnx`);
  throw new ConfigError(`${versionDir} has several model files (${files.join(', ')}); name one model.xml or model.onnx`);
}

/** A cheap fingerprint of a version directory, so a failed load is retried only after its files change. */
export function versionStamp(versionDir: string): string {
  if (!existsSync(versionDir)) return '';
  return readdirSync(versionDir).sort().map((f) => {
    const s = statSync(join(versionDir, f));
    return `${f}:${s.size}:${s.mtimeMs}`;
  }).join('|');
}
