import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, Model, Tensor, opset, quantize, saveModelSync } from '../../src/index.js';
import type { Node } from '../../src/core/node.js';
import { native } from '../../src/plugins/cpu/native.js';
import { fakeQuantizeOn } from '../../src/quantization/fake-quantize.js';
import { activationQuantizer, weightQuantizer } from '../../src/quantization/ranges.js';
import { assertTensor, randomArray } from '../util/assert.js';
import { intAttr, intsAttr, onnxModel } from '../util/onnx-builder.js';

// INT8 execution on CPU: FakeQuantize on activations and weights becomes quantize steps and int8
// oneDNN convolutions and matmuls. The FakeQuantize model on TEMPLATE is the oracle: the int8
// kernels compute the same integers, so outputs match to f32 rounding.

const core = new Core();
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const int8Dot = native?.hasInt8Dot?.() ?? false;

/** x through an activation FakeQuantize calibrated on [lo, hi] (symmetric or asymmetric). */
const fqActivation = (x: Node, lo: number, hi: number, symmetric = true): Node =>
  fakeQuantizeOn(x.output(0), activationQuantizer({ low: lo, high: hi }, symmetric), `${x.friendlyName}/fq`);

/** Random weights through a per-channel symmetric weight FakeQuantize (7-bit unless told). */
function fqWeights(shape: number[], seed: number, axes: number[], sevenBit = true): Node {
  const t = new Tensor('f32', shape, randomArray(size(shape), seed, -0.5, 0.5));
  return fakeQuantizeOn(opset.constant('f32', shape, t.data as Float32Array).output(0), weightQuantizer(t, axes, sevenBit), `w${seed}/fq`);
}

const conv = { strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };

/** Runs `model` on CPU (profiled) and TEMPLATE, compares, and returns CPU's execType per node name. */
async function check(t: TestContext, model: Model, inputs: Tensor[], atol = 1e-4): Promise<Map<string, string>> {
  const want = core.compileModelSync(model, 'TEMPLATE').createInferRequest().infer(inputs);
  const request = (await core.compileModel(model, 'CPU', { ENABLE_PROFILING: true, INFERENCE_NUM_THREADS: 1 })).createInferRequest();
  const got = request.infer(inputs);
  Object.keys(want).forEach((k) => assertTensor(got[k]!, want[k]!, { rtol: 1e-4, atol, label: k }));
  if (!native) t.diagnostic('oneDNN addon not built: checked the TypeScript path only');
  return new Map(request.getProfilingInfo().map((p) => [p.nodeName, p.execType]));
}

/** Int8 steps' execType ends in _I8, as OpenVINO marks low-precision layers. */
const isInt8 = (exec: string | undefined): boolean => exec !== undefined && exec.endsWith('_I8');

for (const [label, lo, symmetric] of [['s8 source', -1, true], ['u8 source', 0, true], ['u8 source with a zero point', -0.6, false]] as const) {
  test(`int8: Convolution + bias + ReLU into a depthwise int8 convolution, ${label}`, async (t) => {
    const x = opset.parameter('f32', [1, 8, 9, 11], 'x');
    const c1 = opset.convolution(fqActivation(x, lo, 1, symmetric), fqWeights([16, 8, 3, 3], 1, [1, 2, 3]), conv, 'conv1');
    const r1 = opset.relu(opset.add(c1, opset.constant('f32', [1, 16, 1, 1], randomArray(16, 2, -0.3, 0.3))), 'relu1');
    const dw = opset.groupConvolution(fqActivation(r1, 0, 3), fqWeights([16, 1, 1, 3, 3], 3, [2, 3, 4]), conv, 'dw');
    const model = new Model([dw], [x], 'int8-conv');
    const exec = await check(t, model, [new Tensor('f32', [1, 8, 9, 11], randomArray(size([1, 8, 9, 11]), 4, lo, 1))]);
    if (native) {
      assert.ok(isInt8(exec.get('conv1')), `conv1 runs int8 (${exec.get('conv1')})`);
      assert.ok(isInt8(exec.get('dw')), `dw runs int8 (${exec.get('dw')})`);
      // The second quantizer is stored by conv1 itself (u8 output): no step of its own.
      assert.equal(exec.get('relu1/fq'), 'fused');
    }
  });
}

test('int8: MatMul [B, S, K] x [K, N] and x [N, K]ᵀ with bias, s8 and asymmetric u8 sources', async (t) => {
  for (const [transposeB, lo, symmetric] of [[false, -1, true], [true, -0.7, false]] as const) {
    const x = opset.parameter('f32', [2, 5, 24], 'x');
    const wShape = transposeB ? [40, 24] : [24, 40];
    const m = opset.matMul(fqActivation(x, lo, 1, symmetric), fqWeights(wShape, 7, [transposeB ? 1 : 0]), { transposeB }, 'mm');
    const y = opset.relu(opset.add(m, opset.constant('f32', [40], randomArray(40, 8, -0.3, 0.3))));
    const exec = await check(t, new Model([y], [x], 'int8-mm'), [new Tensor('f32', [2, 5, 24], randomArray(240, 9, lo, 1))]);
    if (native) assert.ok(isInt8(exec.get('mm')), `mm runs int8 (${exec.get('mm')})`);
  }
});

test('int8: 8-bit weights run in f32 without VNNI (exactly), and a quantizer read by f32 ops is dequantized', async (t) => {
  const x = opset.parameter('f32', [1, 4, 6, 6], 'x');
  const q = fqActivation(x, -1, 1);
  const c = opset.convolution(q, fqWeights([6, 4, 3, 3], 11, [1, 2, 3], false), conv, 'conv8');
  // The same quantized activation also feeds a plain Add: it needs the FakeQuantize's f32 values.
  const side = opset.add(q, opset.constant('f32', [1, 4, 1, 1], randomArray(4, 12)), {}, 'side');
  const exec = await check(t, new Model([c, side], [x], 'int8-fallback'), [new Tensor('f32', [1, 4, 6, 6], randomArray(144, 13))]);
  if (native && !int8Dot) assert.ok(!isInt8(exec.get('conv8')), `8-bit weights stay f32 here (${exec.get('conv8')})`);
});

test('int8: a model from quantize() runs its convolutions in int8 and matches TEMPLATE on the same quantized model', async (t) => {
  const x = opset.parameter('f32', [1, 3, 12, 12], 'x');
  let h: Node = opset.relu(opset.convolution(x, opset.constant('f32', [8, 3, 3, 3], randomArray(216, 21, -0.4, 0.4)), conv, 'c1'));
  h = opset.relu(opset.convolution(h, opset.constant('f32', [8, 8, 3, 3], randomArray(576, 22, -0.3, 0.3)), conv, 'c2'));
  const model = new Model([h], [x], 'net');
  const samples = Array.from({ length: 4 }, (_, i) => ({ x: new Tensor('f32', [1, 3, 12, 12], randomArray(432, 30 + i)) }));
  const q = await quantize(model, samples, { subsetSize: 4, targetDevice: 'TEMPLATE' });
  const exec = await check(t, q, [new Tensor('f32', [1, 3, 12, 12], randomArray(432, 40))]);
  if (native) for (const name of ['c1', 'c2']) assert.ok(isInt8(exec.get(name)), `${name} runs int8 (${exec.get(name)})`);
});

test('int8: an ONNX QDQ model (QuantizeLinear → DequantizeLinear, int8 weights) takes the same int8 path', async (t) => {
  // x → Q/DQ (u8, zero point 100) → Conv with DequantizeLinear(int8 weights in 7 bits, per-channel scales) → Relu.
  const codes = Int8Array.from(randomArray(6 * 4 * 9, 51, -63, 63), (v) => Math.round(v));
  const bytes = onnxModel({
    opset: 13,
    inputs: [{ name: 'x', elemType: 1, dims: [1, 4, 7, 7] }],
    outputs: [{ name: 'y', dims: [] }],
    initializers: [
      ['xs', new Tensor('f32', [], Float32Array.of(0.01))], ['xzp', new Tensor('u8', [], Uint8Array.of(100))],
      ['wq', new Tensor('i8', [6, 4, 3, 3], codes)], ['ws', new Tensor('f32', [6], randomArray(6, 52, 0.002, 0.01))],
      ['wzp', new Tensor('i8', [6], new Int8Array(6))],
    ],
    nodes: [
      { op: 'QuantizeLinear', inputs: ['x', 'xs', 'xzp'], outputs: ['xq'] },
      { op: 'DequantizeLinear', inputs: ['xq', 'xs', 'xzp'], outputs: ['xd'] },
      { op: 'DequantizeLinear', inputs: ['wq', 'ws', 'wzp'], outputs: ['wd'], attrs: [intAttr('axis', 0)] },
      { op: 'Conv', inputs: ['xd', 'wd'], outputs: ['c'], name: 'qconv', attrs: [intsAttr('pads', [1, 1, 1, 1])] },
      { op: 'Relu', inputs: ['c'], outputs: ['y'] },
    ],
  });
  const model = core.readModelSync(bytes);
  const exec = await check(t, model, [new Tensor('f32', [1, 4, 7, 7], randomArray(196, 53, -1, 1.5))]);
  if (native) {
    const conv = [...exec].find(([name]) => name.includes('qconv') || name.startsWith('Convolution'));
    assert.ok(conv && isInt8(conv[1]), `the QDQ convolution runs int8 (${conv?.join(': ')})`);
  }
});

test('int8: a quantized model saved as f16-compressed IR keeps exact ranges, runs int8, and a model-cache hit gives the same results', async () => {
  const x = opset.parameter('f32', [1, 3, 10, 10], 'x');
  const c1 = opset.relu(opset.convolution(x, opset.constant('f32', [8, 3, 3, 3], randomArray(216, 61, -0.4, 0.4)), conv, 'k1'));
  const model = new Model([opset.relu(opset.convolution(c1, opset.constant('f32', [4, 8, 3, 3], randomArray(288, 62, -0.3, 0.3)), conv, 'k2'))], [x], 'saved');
  const samples = Array.from({ length: 3 }, (_, i) => ({ x: new Tensor('f32', [1, 3, 10, 10], randomArray(300, 70 + i)) }));
  const q = await quantize(model, samples, { subsetSize: 3, targetDevice: 'TEMPLATE' });
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-int8-'));
  try {
    saveModelSync(q, join(dir, 'q.xml'), true);
    const text = readFileSync(join(dir, 'q.xml'), 'utf8');
    assert.match(text, /compressed_to_f16/, 'the weights were stored as f16');
    const input = new Tensor('f32', [1, 3, 10, 10], randomArray(300, 80));
    const runs: Float32Array[] = [];
    for (let i = 0; i < 2; i++) {
      const compiled = await new Core().compileModel(join(dir, 'q.xml'), 'CPU', { CACHE_DIR: join(dir, 'cache'), ENABLE_PROFILING: true });
      const request = compiled.createInferRequest();
      runs.push(Object.values(request.infer([input]))[0]!.data as Float32Array);
      if (native) {
        for (const name of ['k1', 'k2']) {
          const exec = request.getProfilingInfo().find((p) => p.nodeName === name)?.execType;
          assert.ok(isInt8(exec), `${name} runs int8 on compile ${i + 1} (${exec})`);
        }
      }
    }
    assert.deepEqual(runs[1], runs[0], 'cache hit and miss agree');
    const want = core.compileModelSync(core.readModelSync(join(dir, 'q.xml')), 'TEMPLATE').createInferRequest().infer([input]);
    assertTensor(new Tensor('f32', [1, 4, 10, 10], runs[0]!), Object.values(want)[0]!, { rtol: 1e-4, atol: 1e-4 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
