import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { Core, Tensor } from '../../src/index.js';
import { inputLayouts, planInputs } from '../../src/tools/benchmark-inputs.js';
import { tensorToNpy } from '../../src/tools/npy.js';
import { defaultModelPath } from '../runtime/model-paths.js';

const cli = join(import.meta.dirname, '../../src/tools/cli.js');
const bench = (...args: string[]) => spawnSync(process.execPath, [cli, 'benchmark', '-m', defaultModelPath, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
const fresh = (): string => mkdtempSync(join(tmpdir(), 'tsvino-benchmark-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a report file's JSON, checked field by field below
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

test('benchmark -api sync: all eleven steps, hint, percentile, and a JSON report in -report_folder', () => {
  const dir = fresh();
  const r = bench('-d', 'TEMPLATE', '-api', 'sync', '-hint', 'latency', '-niter', '3', '-latency_percentile', '90',
    '-report_type', 'no_counters', '-report_folder', dir, '-json_stats');
  assert.equal(r.status, 0, r.stderr);
  for (let i = 1; i <= 11; i++) assert.match(r.stdout, new RegExp(`\\[Step ${i}/11\\] `));
  assert.match(r.stdout, /Read model took [\d.]+ ms/);
  assert.match(r.stdout, /Compile model took [\d.]+ ms/);
  assert.match(r.stdout, /First inference took [\d.]+ ms/);
  assert.match(r.stdout, /Start inference synchronously, 1 inference requests, limits: 3 iterations/);
  assert.match(r.stdout, /PERFORMANCE_HINT: LATENCY/);
  assert.match(r.stdout, /Count:\s+3 iterations/);
  assert.match(r.stdout, /90 percentile: [\d.]+ ms/);
  const report = readJson(join(dir, 'benchmark_report.json'));
  const results = report['execution_results']!;
  assert.equal(results['iterations_num'], 3);
  for (const k of ['read_model_time', 'compile_model_time', 'first_inference_time', 'latency_median', 'latency_average', 'latency_min', 'latency_max', 'latency_percentile_90', 'throughput']) {
    assert.equal(typeof results[k], 'number', k);
  }
  // Sync throughput follows the reported latency, as in benchmark_app.
  assert.ok(Math.abs(Number(results['throughput']) - 1000 / Number(results['latency_percentile_90'])) < 1e-6);
  assert.equal(report['cmd_options']!['niter'], 3);
  assert.equal(report['configuration_setup']!['api'], 'sync');
});

test('benchmark async: -nireq with -niter aligned up, progress off outside a terminal, CSV report', () => {
  const dir = fresh();
  const r = bench('-nireq', '2', '-niter', '3', '-report_type', 'no_counters', '-report_folder', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /aligned by request number from 3 to 4 using number of requests 2/);
  assert.match(r.stdout, /Start inference asynchronously, 2 inference requests/);
  assert.match(r.stdout, /Count:\s+4 iterations/);
  assert.match(r.stdout, /Throughput:\s+[\d.]+ FPS/);
  assert.doesNotMatch(r.stdout + r.stderr, /Progress:/);
  const csv = readFileSync(join(dir, 'benchmark_report.csv'), 'utf8');
  assert.match(csv, /^Command line parameters\n/);
  assert.match(csv, /\nExecution results\n(.*\n)*iterations_num;4\n/);
});

test('benchmark -pc and -report_type average_counters print and store per-layer counters', () => {
  const dir = fresh();
  const r = bench('-d', 'TEMPLATE', '-niter', '2', '-pc', '-report_type', 'average_counters', '-report_folder', dir, '-json_stats');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Performance counts for 0-th infer request/);
  assert.match(r.stdout, /EXECUTED\s+layerType: Convolution\s+execType: reference\s+realTime \(ms\): [\d.]+/);
  assert.match(r.stdout, /Total time:\s+[\d.]+ milliseconds/);
  const counters = readJson(join(dir, 'benchmark_average_counters_report.json'));
  assert.equal(counters['report_type'], 'average');
  const avg = counters['avg_performance']!;
  assert.ok(Array.isArray(avg['nodes']));
  const convs = avg['nodes'].filter((n: { node_type?: string }) => n.node_type === 'Convolution');
  assert.equal(convs.length, 2);
  assert.ok(Number(avg['total_real_time']) > 0);
});

test('benchmark -i (npy and a JPEG), -b 2, -inference_only=false, -cache_dir hit on the second run', () => {
  const dir = fresh();
  const npy = join(dir, 'x.npy');
  writeFileSync(npy, tensorToNpy(new Tensor('f32', [2, 3, 64, 64], new Float32Array(2 * 3 * 64 * 64).fill(0.5))));
  const withNpy = bench('-b', '2', '-niter', '2', '-i', npy, '-inference_only=false');
  assert.equal(withNpy.status, 0, withNpy.stderr);
  assert.match(withNpy.stdout, /Model batch size: 2/);
  assert.match(withNpy.stdout, /image \s*\(\[N,C,H,W\], f32, \[2,3,64,64\], static\):\s+.*x\.npy/);
  assert.match(withNpy.stdout, /Benchmarking in full mode/);

  const picture = join(dir, 'p.jpg');
  const rgba = new Uint8Array(16 * 8 * 4);
  for (let p = 0; p < 16 * 8; p++) rgba.set([200, 100, 50, 255], 4 * p);
  writeFileSync(picture, jpeg.encode({ data: rgba, width: 16, height: 8 }, 100).data);
  const cache = join(dir, 'cache');
  const first = bench('-niter', '1', '-i', picture, '-cache_dir', cache);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /LOADED_FROM_CACHE: false/);
  const second = bench('-niter', '1', '-i', picture, '-cache_dir', cache);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stdout, /LOADED_FROM_CACHE: true/);
  assert.match(second.stdout, /Skipping the step/);

  // The image fills the input resized to 64×64, in BGR order.
  const model = new Core().readModelSync(defaultModelPath);
  const plan = planInputs(model.inputs, inputLayouts(model), [picture]);
  const data = plan.sets[0]![0]!.data;
  assert.ok(data instanceof Float32Array);
  const near = (v: number, want: number): boolean => Math.abs(v - want) <= 3;
  assert.ok(near(data[0]!, 50) && near(data[64 * 64]!, 100) && near(data[2 * 64 * 64 + 64 * 64 - 1]!, 200), `got ${data[0]}, ${data[64 * 64]}, ${data[3 * 64 * 64 - 1]}`);
});

test('benchmark -shape with a dynamic batch and a -data_shape sequence runs in full mode by default', () => {
  const r = bench('-d', 'TEMPLATE', '-api', 'sync', '-shape', '[?,3,64,64]', '-data_shape', '[1,3,64,64][2,3,64,64]', '-layout', 'image[NCHW]', '-niter', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /image \(node: image\) : f32 \/ \[\?,3,64,64\]/);
  assert.match(r.stdout, /image\s+\(\[N,C,H,W\], f32, \[1,3,64,64\] \[2,3,64,64\], dynamic\)/);
  assert.match(r.stdout, /Benchmarking in full mode/);
  assert.match(r.stdout, /Count:\s+2 iterations/);
  const missing = bench('-shape', '[?,3,64,64]', '-niter', '1');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /input "image" has dynamic shape \[\?,3,64,64\]; pass -data_shape/);
});

test('benchmark errors are one line: bad hint, raw file of the wrong size, unknown report type', () => {
  const dir = fresh();
  const badHint = bench('-hint', 'fastest', '-niter', '1');
  assert.equal(badHint.status, 1);
  assert.match(badHint.stderr, /^tsvino: error: InputError: -hint must be latency, throughput, cumulative_throughput or none, got "fastest"\n$/);
  const raw = join(dir, 'x.bin');
  writeFileSync(raw, new Uint8Array(10));
  const badRaw = bench('-niter', '1', '-i', raw);
  assert.equal(badRaw.status, 1);
  assert.match(badRaw.stderr, /10 bytes of raw data; input "image" \(f32 \[1,3,64,64\]\) needs 49152/);
  const badType = bench('-niter', '1', '-report_type', 'everything');
  assert.equal(badType.status, 1);
  assert.match(badType.stderr, /-report_type must be one of no_counters/);
  assert.ok(!existsSync(join(dir, 'benchmark_report.csv')));
});
