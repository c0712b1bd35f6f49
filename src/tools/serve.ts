import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { InputError } from '../index.js';
import { ConfigError, parseConfig, type ModelConfig } from '../server/repository.js';
import { DEFAULT_MAX_BODY_BYTES, startServer } from '../server/server.js';

interface ServeFlags {
  config?: string;
  modelPath?: string;
  modelName?: string;
  restPort: number;
  grpcPort: number;
  grpc: boolean;
  host: string;
  nireq: number;
  targetDevice: string;
  pluginConfig?: string;
  shape?: string;
  layout?: string;
  modelVersionPolicy?: string;
  maxBodySize: number;
  fileSystemPollWaitSeconds: number;
  logLevel: string;
  drainTimeout: number;
  maxBatchSize?: number;
  batchDelayUs: number;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, kb: 1024, m: 1 << 20, mb: 1 << 20, g: 1 << 30, gb: 1 << 30 };

/** "1048576", "512k", "64MB". */
function byteSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(v.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InputError(`expected a size such as 1048576, 512k or 64MB, got "${v}"`);
  return Math.floor(Number(m[1]) * unit);
}

function integer(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InputError(`expected an integer of at least ${min}, got "${v}"`);
    return n;
  };
}

/** The single-model command line as one config.json entry, checked by the same parser. */
function configFromFlags(f: ServeFlags): ModelConfig[] {
  if (!f.modelPath || !f.modelName) throw new ConfigError('give --config config.json, or both --model-path DIR and --model-name NAME');
  const parseJson = (flag: string, text?: string): unknown => {
    if (text === undefined) return undefined;
    try { return JSON.parse(text); } catch { throw new ConfigError(`${flag} must be JSON, got ${text}`); }
  };
  const entry = {
    name: f.modelName, base_path: resolve(f.modelPath), nireq: f.nireq, target_device: f.targetDevice,
    plugin_config: parseJson('--plugin-config', f.pluginConfig),
    model_version_policy: parseJson('--model-version-policy', f.modelVersionPolicy),
    // --shape and --layout take one value, or a JSON object keyed by input name.
    dynamic_batching: f.maxBatchSize ? { max_batch_size: f.maxBatchSize, max_queue_delay_us: f.batchDelayUs } : undefined,
    shape: f.shape?.trim().startsWith('{') ? parseJson('--shape', f.shape) : f.shape,
    layout: f.layout?.trim().startsWith('{') ? parseJson('--layout', f.layout) : f.layout,
  };
  return parseConfig(JSON.stringify({ model_config_list: [{ config: entry }] }), process.cwd());
}

/** `tsvino serve`: a KServe v2 model server over a model repository (OVMS's flags, spelled with dashes). */
export function registerServe(program: Command): void {
  program.command('serve')
    .description('serve models over KServe v2 REST and gRPC (OpenVINO Model Server\'s repository layout and config.json)')
    .option('--config <path>', 'OVMS config.json with a model_config_list (watched for changes)')
    .option('--model-path <dir>', 'a model\'s base path: <dir>/<version>/model.{xml,onnx}')
    .option('--model-name <name>', 'name the model is served under')
    .addOption(new Option('--rest-port <port>', 'REST port (0: any free port)').default(8000).argParser(integer(0)))
    .addOption(new Option('--grpc-port <port>', 'gRPC port (0: any free port)').default(9000).argParser(integer(0)))
    .option('--no-grpc', 'serve REST only')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .addOption(new Option('--nireq <n>', 'infer requests per model version (0: the device\'s optimal number)').default(0).argParser(integer(0)))
    .option('--target-device <device>', 'device to compile for', 'CPU')
    .option('--plugin-config <json>', 'device properties, e.g. \'{"NUM_STREAMS": 2}\'')
    .option('--shape <shape>', 'input shape(s), e.g. "(1,3,224,224)" or \'{"x": "(1,-1)"}\'')
    .option('--layout <layout>', 'input layout(s), e.g. "NHWC:NCHW" to take NHWC tensors for an NCHW model')
    .option('--model-version-policy <json>', 'e.g. \'{"latest": {"num_versions": 2}}\' or \'{"all": {}}\'')
    .addOption(new Option('--max-batch-size <n>', 'dynamic batching: stack up to n rows of concurrent requests (first dimension must be dynamic)').argParser(integer(2)))
    .addOption(new Option('--batch-delay-us <us>', 'dynamic batching: how long a request waits for others').default(500).argParser(integer(0)))
    .addOption(new Option('--max-body-size <bytes>', 'largest request body (REST) or message (gRPC), e.g. 64MB').default(DEFAULT_MAX_BODY_BYTES).argParser(byteSize))
    .addOption(new Option('--file-system-poll-wait-seconds <s>', 'how often to check the repository and config for changes').default(1).argParser(Number))
    .option('--log-level <level>', 'fatal, error, warn, info or debug (debug logs each request)', 'info')
    .addOption(new Option('--drain-timeout <seconds>', 'on SIGTERM, how long to wait for in-flight requests').default(30).argParser(Number))
    .action(async (f: ServeFlags) => {
      const server = await startServer({
        ...(f.config ? { configPath: f.config } : { models: configFromFlags(f) }),
        host: f.host,
        restPort: f.restPort,
        ...(f.grpc ? { grpcPort: f.grpcPort } : {}),
        maxBodyBytes: f.maxBodySize,
        pollIntervalMs: Math.max(0.05, f.fileSystemPollWaitSeconds) * 1000,
        logLevel: f.logLevel,
        drainTimeoutMs: f.drainTimeout * 1000,
      });
      const stop = (signal: string) => {
        server.close().then(() => process.exit(0), (e: unknown) => {
          console.error(`tsvino serve: drain after ${signal} failed: ${e instanceof Error ? e.message : String(e)}`);
          process.exit(1);
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
