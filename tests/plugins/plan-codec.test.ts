import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Core, Model, ModelFormatError, Tensor, opset } from '../../src/index.js';
import type { Json } from '../../src/plugins/graph-codec.js';
import { cpuPlugin } from '../../src/plugins/cpu/cpu-plugin.js';
import { native } from '../../src/plugins/cpu/native.js';
import type { ExportedExecutable } from '../../src/plugins/plugin.js';
import { randomArray } from '../util/assert.js';

/** Stored CPU plans: packed weights replace the row-major ones, and a stored plan runs as the fresh one did. */

function convNet(): Model {
  const x = opset.parameter('f32', [1, 8, 14, 14], 'x');
  const conv = (src: ReturnType<typeof opset.parameter>, seed: number) => opset.relu(opset.convolution(src,
    opset.constant('f32', [16, src.output(0).getShape()[1]!, 3, 3], randomArray(16 * src.output(0).getShape()[1]! * 9, seed)),
    { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] }));
  const y = conv(conv(x, 1), 2);
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'convs');
}

const weightBytes = (16 * 8 * 9 + 16 * 16 * 9) * 4;
const input = new Tensor('f32', [1, 8, 14, 14], randomArray(8 * 196, 5));
const config = { INFERENCE_NUM_THREADS: 1 };
const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function exported(t: TestContext): { exp: ExportedExecutable; want: number[] } | undefined {
  if (!native?.createPlanPacked) { t.skip('oneDNN addon (with the model-cache entry points) not built'); return undefined; }
  const exe = cpuPlugin.compile(convNet(), config);
  const want = [...(exe.run([input], { variables: new Map() })[0]!.data as Float32Array)];
  return { exp: cpuPlugin.exportExecutable!(exe)!, want };
}

test('plan codec: a static plan stores its conv weights once, packed, and drops their row-major copy', (t) => {
  const e = exported(t);
  if (!e) return;
  const meta = e.exp.meta;
  assert.ok(isObject(meta) && Array.isArray(meta['plans']) && meta['plans'].length === 1 && meta['dynamic'] === false);
  const plan = meta['plans'][0]!;
  assert.ok(isObject(plan) && isObject(plan['plan']));
  const stored = plan['plan'];
  // The first conv writes a blocked layout, so oneDNN packs its weights; the second may read its
  // weights row-major in place (its output is the caller's row-major buffer), and then keeps them.
  const packed = Array.isArray(stored['packed']) ? stored['packed'] : [];
  assert.ok(packed.length >= 1, 'conv weights are stored packed');
  const desc = stored['desc'];
  const slots = isObject(desc) && Array.isArray(desc['slots']) ? desc['slots'] : [];
  const packedOnly = slots.filter((s) => isObject(s) && s['packedOnly'] === true && !('data' in s));
  assert.equal(packedOnly.length, packed.length, 'packed weights keep no row-major data');
  const total = e.exp.buffers.reduce((a, b) => a + b.byteLength, 0);
  assert.ok(total < weightBytes * 1.5, `blob buffers ${total} bytes for ${weightBytes} bytes of weights`);
});

test('plan codec: a restored plan computes exactly what the fresh one did; a packing for another layout is a ModelFormatError', (t) => {
  const e = exported(t);
  if (!e) return;
  const restored = cpuPlugin.importExecutable!(e.exp, config);
  assert.deepEqual([...(restored.run([input], { variables: new Map() })[0]!.data as Float32Array)], e.want);
  // A packing stored for a slot no step reads leaves the real weights slot with no data to pack from.
  const damaged = structuredClone(e.exp.meta);
  const plan = isObject(damaged) && Array.isArray(damaged['plans']) && isObject(damaged['plans'][0]) ? damaged['plans'][0]['plan'] : undefined;
  const first = isObject(plan) && Array.isArray(plan['packed']) ? plan['packed'][0] : undefined;
  assert.ok(isObject(first));
  first['slot'] = 1000;
  const buffers = e.exp.buffers;
  assert.throws(() => cpuPlugin.importExecutable!({ meta: damaged, buffers }, config), ModelFormatError);
});

test('plan codec: through Core, exportModelSync / importModelSync keep the plan and its outputs', (t) => {
  if (!native?.createPlanPacked) { t.skip('oneDNN addon not built'); return; }
  const core = new Core();
  const compiled = core.compileModelSync(convNet(), 'CPU', config);
  const want = compiled.createInferRequest().infer({ x: input })['y']!;
  const imported = core.importModelSync(compiled.exportModelSync(), 'CPU');
  assert.deepEqual([...(imported.createInferRequest().infer({ x: input })['y']!.data as Float32Array)], [...(want.data as Float32Array)]);
  assert.equal(imported.getProperty('INFERENCE_NUM_THREADS'), 1, 'the exported config comes back');
});
