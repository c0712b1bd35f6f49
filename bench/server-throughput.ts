// REST throughput of `tsvino serve` (binary tensor extension) against in-process inference at the same nireq:
//   node dist/bench/server-throughput.js [-m models/default/classifier.xml] [--nireq 1] [--seconds 10] [--rounds 3]
// The server runs as its own process (the CLI) so client and server don't share an event loop. Rounds
// alternate in-process and REST so drift on a shared machine hits both; medians are compared.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Core, Tensor, type CompiledModel } from '../src/index.js';
import { fromElementType } from '../src/server/datatypes.js';
import { applyShapes } from '../src/server/model-prep.js';
import { tensorToRaw } from '../src/server/tensor-codec.js';
import { median } from './corpus-files.js';


interface Round { fps: number; p50Ms: number }

function randomInputs(compiled: CompiledModel): Record<string, Tensor> {
  return Object.fromEntries(compiled.inputs.map((port) => {
    const shape = port.partialShape.toShape();
    const t = new Tensor(port.elementType, shape);
    const data = t.data;
    if (data instanceof Float32Array || data instanceof Float64Array) for (let i = 0; i < data.length; i++) data[i] = Math.random();
    return [port.names[0] ?? port.node.friendlyName, t];
  }));
}

/** `loops` concurrent callers of `once` for `seconds`; throughput and median latency. */
async function drive(loops: number, seconds: number, once: (loop: number) => Promise<void>): Promise<Round> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: loops }, async (_, loop) => {
    while (performance.now() < deadline) {
      const s = performance.now();
      await once(loop);
      latencies.push(performance.now() - s);
    }
  }));
  return { fps: latencies.length / ((performance.now() - t0) / 1000), p50Ms: median(latencies) };
}

function inProcess(compiled: CompiledModel, inputs: Record<string, Tensor>, nireq: number, seconds: number): Promise<Round> {
  const requests = Array.from({ length: nireq }, () => compiled.createInferRequest());
  return drive(nireq, seconds, async (loop) => { await requests[loop]!.inferAsync(inputs); });
}

/** A one-version repository pointing at the model's files. */
function repositoryFor(modelPath: string): string {
  const base = mkdtempSync(join(tmpdir(), 'tsvino-bench-serve-'));
  mkdirSync(join(base, '1'));
  const ext = extname(modelPath);
  symlinkSync(resolve(modelPath), join(base, '1', `model${ext}`));
  const bin = modelPath.slice(0, -ext.length) + '.bin';
  if (ext === '.xml' && existsSync(bin)) symlinkSync(resolve(bin), join(base, '1', 'model.bin'));
  return base;
}

async function startServer(base: string, nireq: number, pluginConfig: string, shapes: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const cli = fileURLToPath(new URL('../src/tools/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'serve', '--model-path', base, '--model-name', 'bench', '--rest-port', '0',
    '--no-grpc', '--host', '127.0.0.1', '--nireq', String(nireq), '--plugin-config', pluginConfig, '--log-level', 'info',
    ...(Object.keys(shapes).length ? ['--shape', JSON.stringify(shapes)] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The port the OS picked is in the "server listening" log line.
  const port = await new Promise<number>((resolvePort, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry: unknown = JSON.parse(line);
        if (typeof entry === 'object' && entry !== null && 'restPort' in entry) resolvePort(Number(entry.restPort));
      } catch { /* not a log line */ }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, port };
}

async function overRest(port: number, compiled: CompiledModel, inputs: Record<string, Tensor>, clients: number, seconds: number): Promise<Round> {
  const raws = compiled.inputs.map((p) => tensorToRaw(inputs[p.names[0] ?? p.node.friendlyName]!));
  const header = Buffer.from(JSON.stringify({
    inputs: compiled.inputs.map((p, i) => ({
      name: p.names[0] ?? p.node.friendlyName, datatype: fromElementType(p.elementType), shape: p.partialShape.toShape(),
      parameters: { binary_data_size: raws[i]!.length },
    })),
    parameters: { binary_data_output: true },
  }));
  const body = Buffer.concat([header, ...raws]);
  const url = `http://127.0.0.1:${port}/v2/models/bench/infer`;
  const headers = { 'inference-header-content-length': String(header.length), 'content-type': 'application/octet-stream' };
  return drive(clients, seconds, async () => {
    const r = await fetch(url, { method: 'POST', body, headers });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  });
}

const opts = new Command('server-throughput')
  .option('-m, --model <path>', 'model file', 'models/default/classifier.xml')
  .option('--nireq <n>', 'infer requests in-process and in the server', '1')
  .option('--clients <n>', 'concurrent REST clients (default 2 x nireq, to keep the pool full)')
  .option('--seconds <s>', 'length of each round', '10')
  .option('--rounds <n>', 'alternating rounds of each', '3')
  .option('--threads <n>', 'INFERENCE_NUM_THREADS for both (0: the device default)', '0')
  .option('--shape <shape>', 'one shape for every input of a dynamic model, OVMS syntax, e.g. "(1,128)"')
  .parse().opts<{ model: string; nireq: string; clients?: string; seconds: string; rounds: string; threads: string; shape?: string }>();

const nireq = Number(opts.nireq);
const seconds = Number(opts.seconds);
const pluginConfig = { INFERENCE_NUM_THREADS: Number(opts.threads) };
const core = new Core();
const model = core.readModelSync(opts.model);
const shapes: Record<string, string> = opts.shape ? Object.fromEntries(model.inputs.map((p) => [p.names[0] ?? p.node.friendlyName, opts.shape!])) : {};
if (opts.shape) applyShapes(model, shapes, 'bench');
const compiled = core.compileModelSync(model, 'CPU', pluginConfig);
const inputs = randomInputs(compiled);
const base = repositoryFor(opts.model);
const { child, port } = await startServer(base, nireq, JSON.stringify(pluginConfig), shapes);
try {
  await inProcess(compiled, inputs, nireq, 1);
  await overRest(port, compiled, inputs, Number(opts.clients ?? 2 * nireq), 1);
  const local: Round[] = [];
  const rest: Round[] = [];
  for (let r = 0; r < Number(opts.rounds); r++) {
    local.push(await inProcess(compiled, inputs, nireq, seconds));
    rest.push(await overRest(port, compiled, inputs, Number(opts.clients ?? 2 * nireq), seconds));
  }
  const lf = median(local.map((x) => x.fps));
  const rf = median(rest.map((x) => x.fps));
  console.log(`model ${basename(opts.model)}, nireq ${nireq}, threads ${opts.threads}, ${opts.rounds} x ${seconds} s rounds`);
  console.log(`  in-process inferAsync: ${lf.toFixed(1)} inferences/s (p50 ${median(local.map((x) => x.p50Ms)).toFixed(2)} ms)`);
  console.log(`  REST binary:           ${rf.toFixed(1)} inferences/s (p50 ${median(rest.map((x) => x.p50Ms)).toFixed(2)} ms)`);
  console.log(`  REST / in-process:     ${((100 * rf) / lf).toFixed(1)}%`);
} finally {
  child.kill('SIGTERM');
  rmSync(base, { recursive: true, force: true });
}
