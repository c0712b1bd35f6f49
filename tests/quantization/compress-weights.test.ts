import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Core, InputError, compressWeights, saveModelSync, type Model, type Node, type Tensor, type WeightCompressionMode } from '../../src/index.js';
import { toNumbers } from '../../src/core/tensor.js';
import { TINY_LM, cosine, ids, nodeNamed, runModel, tinyLm } from './nets.js';

const { V, D, H } = TINY_LM;

/** Walks back from a layer's weight input through the decompression subgraph. */
function decompression(model: Model, layer: string, index: number) {
  let out = nodeNamed(model, layer).inputValue(index);
  const reshape = out.node.type === 'Reshape' ? out.node : undefined;
  if (reshape) out = reshape.inputValue(0);
  const multiply = out.node;
  assert.equal(multiply.type, 'Multiply', `${layer}: decompression ends in Multiply`);
  const scale = multiply.inputValue(1).node;
  let x = multiply.inputValue(0).node;
  let zeroPoint: Node | undefined;
  if (x.type === 'Subtract') { zeroPoint = x.inputValue(1).node.inputValue(0).node; x = x.inputValue(0).node; }
  assert.equal(x.type, 'Convert');
  const codes = x.inputValue(0).node;
  assert.equal(codes.type, 'Constant');
  return { codes, scale, zeroPoint, reshape, value: nodeNamed(model, layer).inputValue(index).knownValue! };
}

/** Bound on |w − ŵ| for each element of a 2-D weight quantized along `axis` in groups of `group`. */
function errorBound(w: Float32Array, rows: number, cols: number, axis: number, group: number, mode: WeightCompressionMode): Float64Array {
  const bits = mode.startsWith('int4') ? 4 : 8;
  const k = axis === 0 ? rows : cols, outer = axis === 0 ? cols : rows;
  const bound = new Float64Array(w.length);
  for (let o = 0; o < outer; o++) {
    for (let g0 = 0; g0 < k; g0 += group) {
      const at = (t: number): number => (axis === 0 ? t * cols + o : o * cols + t);
      let lo = 0, hi = 0;
      for (let t = g0; t < g0 + group; t++) { lo = Math.min(lo, w[at(t)]!); hi = Math.max(hi, w[at(t)]!); }
      const step = mode.endsWith('asym') ? (hi - lo) / (2 ** bits - 1) : Math.max(-lo, hi) / (2 ** (bits - 1) - 1);
      for (let t = g0; t < g0 + group; t++) bound[at(t)] = step / 2 + 1e-6;
    }
  }
  return bound;
}

function checkDequantized(model: Model, source: Model, layer: string, index: number, axis: number, group: number, mode: WeightCompressionMode): void {
  const { value } = decompression(model, layer, index);
  const original = nodeNamed(source, layer).inputValue(index).node.attrs['value'] as Tensor;
  const [rows, cols] = original.getShape() as [number, number];
  const w = original.data as Float32Array;
  const bound = errorBound(w, rows, cols, axis, group, mode);
  const got = toNumbers(value);
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(got[i]! - w[i]!) <= bound[i]!, `${layer}[${i}] ${mode}: ${got[i]} vs ${w[i]} (bound ${bound[i]})`);
  }
}

test('int8 modes: per-channel u8 with a zero point (asym) or i8 without (sym); weights dequantize within half a step', () => {
  const model = tinyLm();
  for (const mode of ['int8_asym', 'int8_sym'] as const) {
    const c = compressWeights(model, { mode });
    const type = mode === 'int8_asym' ? 'u8' : 'i8';
    for (const [layer, index, axis, k] of [['embedding', 0, 1, D], ['fc1', 1, 0, D], ['fc2', 1, 1, H], ['fc3', 1, 0, D], ['lm_head', 1, 1, D]] as const) {
      const d = decompression(c, layer, index);
      assert.equal(d.codes.output(0).elementType, type, `${layer} ${mode}`);
      assert.equal(d.zeroPoint?.output(0).elementType, mode === 'int8_asym' ? 'u8' : undefined);
      assert.equal(d.reshape, undefined, 'per channel needs no reshape');
      checkDequantized(c, model, layer, index, axis, k, mode);
    }
    assert.equal(nodeNamed(model, 'fc1').inputValue(1).node.type, 'Constant', 'the input model is left alone');
  }
});

test('int4 modes: group-wise u4/i4 with Reshape back; the embedding and the last MatMul stay int8', () => {
  const model = tinyLm();
  for (const mode of ['int4_asym', 'int4_sym'] as const) {
    const c = compressWeights(model, { mode, groupSize: 16 });
    const type = mode === 'int4_asym' ? 'u4' : 'i4';
    const fc1 = decompression(c, 'fc1', 1); // [K=64, N=128]: groups along axis 0
    assert.equal(fc1.codes.output(0).elementType, type);
    assert.deepEqual(fc1.codes.output(0).shape, [4, 16, H]);
    assert.deepEqual(fc1.scale.output(0).shape, [4, 1, H]);
    assert.ok(fc1.reshape);
    const fc2 = decompression(c, 'fc2', 1); // [N=64, K=128] transposed: groups along axis 1
    assert.deepEqual(fc2.codes.output(0).shape, [D, 8, 16]);
    assert.deepEqual(fc2.scale.output(0).shape, [D, 8, 1]);
    assert.equal(fc2.zeroPoint?.output(0).elementType, mode === 'int4_asym' ? 'u4' : undefined);
    checkDequantized(c, model, 'fc1', 1, 0, 16, mode);
    checkDequantized(c, model, 'fc2', 1, 1, 16, mode);
    checkDequantized(c, model, 'fc3', 1, 0, 16, mode);
    for (const [layer, index] of [['embedding', 0], ['lm_head', 1]] as const) {
      assert.equal(decompression(c, layer, index).codes.output(0).elementType, 'u8', `${layer} stays int8 under ${mode}`);
    }
  }
});

test('ratio sends that share of the int4-eligible weights (by size) to int4, the rest to int8', () => {
  const model = tinyLm();
  const sizes: Record<string, number> = { fc1: D * H, fc2: D * H, fc3: D * D };
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  for (const ratio of [0, 0.3, 0.5, 1]) {
    const c = compressWeights(model, { mode: 'int4_asym', groupSize: 16, ratio });
    let int4 = 0;
    for (const layer of Object.keys(sizes)) {
      const type = decompression(c, layer, 1).codes.output(0).elementType;
      assert.ok(type === 'u4' || type === 'u8');
      if (type === 'u4') int4 += sizes[layer]!;
    }
    assert.ok(int4 / total <= ratio + 1e-9, `ratio ${ratio}: int4 share ${int4 / total}`);
    assert.ok(int4 / total > ratio - D * H / total, `ratio ${ratio}: int4 share ${int4 / total} is too small`);
  }
});

test('a group size that does not divide the reduction axis falls back to int8 for that weight', () => {
  const c = compressWeights(tinyLm(), { mode: 'int4_sym', groupSize: 48 });
  assert.equal(decompression(c, 'fc1', 1).codes.output(0).elementType, 'u8'); // K = 64
  assert.equal(decompression(c, 'fc2', 1).codes.output(0).elementType, 'u8'); // K = 128
});

test('compressed models stay close to float on TEMPLATE and CPU', () => {
  const model = tinyLm();
  for (const [mode, floor] of [['int8_asym', 0.999], ['int8_sym', 0.999], ['int4_asym', 0.98], ['int4_sym', 0.97]] as const) {
    const c = compressWeights(model, { mode, ...(mode.startsWith('int4') ? { groupSize: 16 } : {}) });
    for (const seed of [1, 2, 3]) {
      const ref = runModel(model, ids(seed));
      for (const device of ['TEMPLATE', 'CPU']) {
        const cos = cosine(runModel(c, ids(seed), device), ref);
        assert.ok(cos >= floor, `${mode} on ${device}: cosine ${cos}`);
      }
    }
  }
});

test('saved IR: the .bin shrinks with the weights, and the model reads back with the same results', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvino-compress-'));
  const model = tinyLm();
  const binSize = (m: Model, name: string, fp16 = false): number => {
    saveModelSync(m, join(dir, `${name}.xml`), fp16);
    return statSync(join(dir, `${name}.bin`)).size;
  };
  const fp32 = binSize(model, 'fp32');
  const int8 = binSize(compressWeights(model, { mode: 'int8_asym' }), 'int8');
  const int4 = compressWeights(model, { mode: 'int4_asym', groupSize: 16 });
  const int4Size = binSize(int4, 'int4');
  assert.ok(int8 <= 0.3 * fp32, `int8 .bin ${int8} vs fp32 ${fp32}`);
  assert.ok(int4Size <= 0.25 * fp32 && int4Size < int8, `int4 .bin ${int4Size} vs int8 ${int8}, fp32 ${fp32}`);
  const back = new Core().readModelSync(join(dir, 'int4.xml'));
  assert.equal(decompression(back, 'fc1', 1).codes.output(0).elementType, 'u4');
  for (const seed of [4, 5]) {
    assert.deepEqual(Array.from(toNumbers(runModel(back, ids(seed)))), Array.from(toNumbers(runModel(int4, ids(seed)))));
  }
  // The default save stores the scales as f16 as OpenVINO does; the codes are untouched.
  const fp16Scales = binSize(int4, 'int4-f16', true);
  assert.ok(fp16Scales < int4Size);
  const backF16 = new Core().readModelSync(join(dir, 'int4-f16.xml'));
  assert.ok(cosine(runModel(backF16, ids(6)), runModel(int4, ids(6))) > 0.9999);
});

test('ignoredScope keeps weights in float; bad options are typed errors', () => {
  const c = compressWeights(tinyLm(), { mode: 'int8_sym', ignoredScope: { names: ['fc2'] } });
  assert.equal(nodeNamed(c, 'fc2').inputValue(1).node.type, 'Constant');
  assert.equal(nodeNamed(c, 'fc2').inputValue(1).elementType, 'f32');
  assert.equal(decompression(c, 'fc3', 1).codes.output(0).elementType, 'i8');
  assert.throws(() => compressWeights(tinyLm(), { mode: 'int3' as never }), InputError);
  assert.throws(() => compressWeights(tinyLm(), { mode: 'int4_asym', ratio: 1.5 }), InputError);
  assert.throws(() => compressWeights(tinyLm(), { mode: 'int4_asym', groupSize: 0 }), InputError);
  assert.throws(() => compressWeights(tinyLm(), { mode: 'int8_asym', groupSize: 64 }), InputError);
  assert.throws(() => compressWeights(tinyLm(), { ignoredScope: { types: ['Convolution'] } }), InputError);
});
