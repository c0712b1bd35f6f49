// ONNX backend-test conformance: `npm run conformance -- [--folder node] [--match regex] [--check-floor]`.
// Runs every test on CPU and TEMPLATE in worker threads (a hung test is cut off by --timeout) and
// writes docs/CONFORMANCE.md with pass counts and every failure's reason.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command } from 'commander';
import type { TestOutcome } from './run-test.js';

const FOLDERS = ['node', 'simple', 'pytorch-converted', 'pytorch-operator', 'light'];
const DEVICES = ['CPU', 'TEMPLATE'];
const root = resolve(import.meta.dirname, '../../..');

const opts = new Command('conformance')
  .option('--suite <dir>', 'the backend test suite', resolve(root, '../shared/onnx-backend-tests'))
  .option('--folder <names...>', 'folders to run', FOLDERS)
  .option('--match <regex>', 'only tests whose name matches')
  .option('--jobs <n>', 'worker threads', String(Math.max(1, cpus().length)))
  // Generous: one test runs on every device in turn, and light/vgg19 on the reference device alone takes
  // well over a minute on two shared cores. A hung test is still cut off.
  .option('--timeout <seconds>', 'per-test limit (all devices together)', '300')
  .option('--report <file>', 'Markdown report to write (whole-suite runs only, unless given)')
  .option('--check-floor', 'exit 1 if any pass count is below conformance-floor.json')
  .option('--write-floor', 'store this run\'s pass counts as the new floor')
  .option('--verbose', 'print each test name as it starts')
  .parse()
  .opts<{ suite: string; folder: string[]; match?: string; jobs: string; timeout: string; report?: string; checkFloor?: boolean; writeFloor?: boolean; verbose?: boolean }>();

interface Job { folder: string; name: string; dir: string }
const match = opts.match ? new RegExp(opts.match) : undefined;
const jobs: Job[] = opts.folder.flatMap((folder) => {
  const base = join(opts.suite, folder);
  if (!existsSync(base)) return [];
  return readdirSync(base).sort()
    .filter((name) => existsSync(join(base, name, 'model.onnx')) && (!match || match.test(name)))
    .map((name) => ({ folder, name, dir: join(base, name) }));
});

const results = new Map<Job, TestOutcome>();
const timeoutMs = Number(opts.timeout) * 1000;
const started = Date.now();

async function runAll(): Promise<void> {
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    let worker = new Worker(new URL('./worker.js', import.meta.url));
    while (next < jobs.length) {
      const job = jobs[next++]!;
      if (opts.verbose) process.stderr.write(`  ${job.folder}/${job.name}\n`);
      const outcome = await new Promise<TestOutcome>((resolveJob) => {
        const failAll = (reason: string) => Object.fromEntries(DEVICES.map((d) => [d, { pass: false, reason }]));
        const settle = (o: TestOutcome, restart: boolean) => {
          clearTimeout(timer);
          worker.removeListener('message', onMessage);
          worker.removeListener('error', onError);
          if (restart) { void worker.terminate(); worker = new Worker(new URL('./worker.js', import.meta.url)); }
          resolveJob(o);
        };
        const onMessage = (m: { outcome: TestOutcome }) => settle(m.outcome, false);
        const onError = (e: Error) => settle(failAll(`crashed: ${e.message}`), true);
        const timer = setTimeout(() => settle(failAll(`timed out after ${opts.timeout} s`), true), timeoutMs);
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.postMessage({ id: next, dir: job.dir, devices: DEVICES });
      });
      results.set(job, outcome);
      if (++done % 100 === 0) process.stderr.write(`  ${done}/${jobs.length} tests, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    await worker.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(opts.jobs)) }, lane));
}

type Counts = Record<string, Record<string, number>>;
function countPasses(): { total: Record<string, number>; passed: Counts } {
  const total: Record<string, number> = {};
  const passed: Counts = {};
  for (const [job, outcome] of results) {
    total[job.folder] = (total[job.folder] ?? 0) + 1;
    for (const d of DEVICES) {
      passed[job.folder] ??= {};
      passed[job.folder]![d] = (passed[job.folder]![d] ?? 0) + (outcome[d]?.pass ? 1 : 0);
    }
  }
  return { total, passed };
}

function report(total: Record<string, number>, passed: Counts, seconds: number): string {
  const lines = [
    '# ONNX backend-test conformance', '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run conformance\` over \`../shared/onnx-backend-tests\`, in ${seconds.toFixed(0)} s on 2 cores.`,
    'A test passes on a device when `core.readModel` reads it, the device compiles it, and every output of every',
    'data set matches: rtol 1e-3 and atol 1e-5 for floats (NaN equals NaN), exact for integers, booleans and strings.', '',
    `| folder | tests | ${DEVICES.join(' | ')} |`, `| --- | --- | ${DEVICES.map(() => '---').join(' | ')} |`,
    ...Object.keys(total).map((f) => `| ${f} | ${total[f]} | ${DEVICES.map((d) => passed[f]?.[d] ?? 0).join(' | ')} |`),
    `| **all** | ${Object.values(total).reduce((a, b) => a + b, 0)} | ${DEVICES.map((d) => Object.values(passed).reduce((a, p) => a + (p[d] ?? 0), 0)).join(' | ')} |`,
    '', '## Failures', '',
  ];
  for (const folder of Object.keys(total)) {
    const failing = [...results].filter(([j, o]) => j.folder === folder && DEVICES.some((d) => !o[d]?.pass));
    if (!failing.length) continue;
    lines.push(`### ${folder} (${failing.length})`, '');
    for (const [job, o] of failing) {
      const reasons = [...new Set(DEVICES.filter((d) => !o[d]?.pass).map((d) => o[d]!.reason ?? ''))];
      const which = DEVICES.filter((d) => !o[d]?.pass).join(', ');
      lines.push(`- \`${job.name}\` (${which}): ${reasons.join(' / ').replace(/\|/g, '\\|')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

await runAll();
const seconds = (Date.now() - started) / 1000;
const { total, passed } = countPasses();
for (const f of Object.keys(total)) console.log(`${f.padEnd(18)} ${String(total[f]).padStart(5)} tests  ${DEVICES.map((d) => `${d} ${passed[f]?.[d] ?? 0}`).join('  ')}`);
const wholeSuite = !opts.match && opts.folder.length === FOLDERS.length;
const reportPath = opts.report ?? (wholeSuite ? join(root, 'docs/CONFORMANCE.md') : undefined);
if (reportPath) writeFileSync(reportPath, report(total, passed, seconds));
const floorPath = join(root, 'conformance-floor.json');
if (opts.writeFloor) writeFileSync(floorPath, JSON.stringify(passed, null, 2) + '\n');
let below = 0;
if (opts.checkFloor) {
  const floor = JSON.parse(readFileSync(floorPath, 'utf8')) as Counts;
  for (const [f, byDevice] of Object.entries(floor)) {
    for (const [d, min] of Object.entries(byDevice)) {
      const got = passed[f]?.[d] ?? 0;
      if (got < min) { below++; console.log(`below floor: ${f} on ${d}: ${got} < ${min}`); }
    }
  }
}
const allPass = DEVICES.reduce((a, d) => a + Object.values(passed).reduce((s, p) => s + (p[d] ?? 0), 0), 0);
console.log(`conformance: ${allPass} of ${jobs.length * DEVICES.length} test-device runs pass (${seconds.toFixed(0)} s)`);
process.exit(below ? 1 : 0);
