import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Core, Tensor } from '../../src/index.js';
import { tensorFromNpy, tensorToNpy } from '../../src/tools/npy.js';
import { assertTensor, randomArray } from '../util/assert.js';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'dist/src/tools/cli.js');
const model = join(root, 'models/default/classifier.xml');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });

test('the tsvino bin runs on its own (shebang and executable bit), as npx runs it', () => {
  const r = spawnSync(cli, ['--version'], { encoding: 'utf8', cwd: root });
  assert.equal(r.error, undefined, `could not execute ${cli}: ${r.error?.message}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});

test('tsvino info prints ports, op histogram, parameters and weight size', () => {
  const r = run('info', model);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /image\s+f32\s+\[1,3,64,64\]/);
  assert.match(r.stdout, /probabilities\s+f32\s+\[1,10\]/);
  assert.match(r.stdout, /Convolution\s+2/);
  assert.match(r.stdout, /Parameters: 5,418/);
  const json = JSON.parse(run('info', model, '--json').stdout) as { parameters: number; weightBytes: number };
  assert.equal(json.weightBytes, json.parameters * 4);
});

test('tsvino infer reads .npy inputs and writes outputs equal to the API\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-cli-'));
  const input = new Tensor('f32', [1, 3, 64, 64], randomArray(3 * 64 * 64, 7));
  writeFileSync(join(dir, 'x.npy'), tensorToNpy(input));
  const r = run('infer', '-m', model, '-i', `image=${join(dir, 'x.npy')}`, '-o', dir);
  assert.equal(r.status, 0, r.stderr);
  const written = tensorFromNpy(readFileSync(join(dir, 'probabilities.npy')));
  const expected = new Core().compileModelSync(model, 'TEMPLATE').createInferRequest().infer({ image: input })['probabilities']!;
  assertTensor(written, expected);
});

test('tsvino benchmark runs the bundled model and reports latency and throughput', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-bench-'));
  // The latency hint keeps one request, so the iteration count is not rounded up to a multiple of nireq.
  const r = run('benchmark', '-m', model, '-niter', '3', '-hint', 'latency', '--json-stats', join(dir, 's.json'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Count:\s+3 iterations/);
  assert.match(r.stdout, /Median:\s+[\d.]+ ms/);
  assert.match(r.stdout, /Throughput:\s+[\d.]+ FPS/);
  assert.ok(existsSync(join(dir, 's.json')));
});

test('errors exit non-zero with a one-line reason', () => {
  const missing = run('info', 'no/such/model.xml');
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /^tsvino: error: ModelFormatError: cannot read model file "no\/such\/model.xml": ENOENT\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-bad-'));
  writeFileSync(join(dir, 'bad.xml'), '<net name="x" version="11"><layers><layer id="0"');
  const bad = run('info', join(dir, 'bad.xml'));
  assert.notEqual(bad.status, 0);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /ModelFormatError/);
  const badInput = run('infer', '-m', model, '-i', `nope=${join(dir, 'bad.xml')}`);
  assert.notEqual(badInput.status, 0);
  assert.match(badInput.stderr, /not a valid \.npy file/);
  const help = run('infer', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--output-dir/);
});
