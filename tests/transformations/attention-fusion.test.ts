import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Model } from '../../src/core/model.js';
import type { Node, Output } from '../../src/core/node.js';
import { opset } from '../../src/ops/index.js';
import { toNumbers } from '../../src/core/tensor.js';
import { fuseAttention } from '../../src/transformations/index.js';
import { f32, randomArray } from '../util/assert.js';
import { checkRewrite, count, histogram } from './helpers.js';

const [B, S, H, D] = [2, 5, 2, 8];
const weight = (seed: number): Node => opset.constant(f32([H * D, H * D], randomArray(H * D * H * D, seed, -0.5, 0.5)));
/** x · W reshaped to heads: [B, S, H, D]. */
const heads = (x: Output, seed: number): Node => opset.reshape(opset.matMul(x, weight(seed)), opset.constant('i64', [4], [0, 0, H, D]), true);

interface Variant { scale: 'divide' | 'multiply' | 'none' | 'q-and-k'; mask: 'input' | 'causal' | 'almost-causal' | 'none'; keyTransposeB?: boolean; softmaxAxis?: number; probsOutput?: boolean }

/** A PyTorch-style self-attention block over x [B, S, H·D]. */
function attentionModel(v: Variant): () => Model {
  return () => {
    const x = opset.parameter('f32', [B, S, H * D], 'x');
    const params = [x];
    const q = opset.transpose(heads(x.output(0), 1), [0, 2, 1, 3]);
    const k = v.keyTransposeB ? opset.transpose(heads(x.output(0), 2), [0, 2, 1, 3]) : opset.transpose(heads(x.output(0), 2), [0, 2, 3, 1]);
    const value = opset.transpose(heads(x.output(0), 3), [0, 2, 1, 3]);
    const root = opset.constant('f32', [], [Math.sqrt(1 / Math.sqrt(D))]);
    let scores = v.scale === 'q-and-k'
      ? opset.matMul(opset.multiply(q, root), opset.multiply(k, root), { transposeB: v.keyTransposeB ?? false })
      : opset.matMul(q, k, { transposeB: v.keyTransposeB ?? false });
    if (v.scale === 'divide') scores = opset.divide(scores, opset.constant('f32', [], [Math.sqrt(D)]));
    if (v.scale === 'multiply') scores = opset.multiply(opset.constant('f32', [1], [0.3]), scores);
    if (v.mask === 'input') {
      const mask = opset.parameter('f32', [B, 1, 1, S], 'mask');
      params.push(mask);
      scores = opset.add(scores, mask);
    }
    if (v.mask === 'causal' || v.mask === 'almost-causal') {
      // The almost-causal mask also hides the first key from the last query.
      const causal = Array.from({ length: S * S }, (_, i) => (i % S > Math.floor(i / S) || (v.mask === 'almost-causal' && i === S * (S - 1)) ? -1e9 : 0));
      scores = opset.add(opset.constant('f32', [S, S], causal), scores);
    }
    const probs = opset.softmax(scores, v.softmaxAxis ?? 3);
    const context = opset.matMul(probs, value);
    const y = opset.reshape(opset.transpose(context, [0, 2, 1, 3]), opset.constant('i64', [3], [B, S, H * D]));
    y.output(0).setNames(['y']);
    return new Model(v.probsOutput ? [y, probs] : [y], params);
  };
}

test('attention fusion: BERT layout (Kᵀ by Transpose [0,2,3,1], Divide by √D, additive mask)', () => {
  const fused = checkRewrite(attentionModel({ scale: 'divide', mask: 'input' }), fuseAttention);
  const h = histogram(fused);
  assert.deepEqual([h['ScaledDotProductAttention'], h['Softmax'] ?? 0, h['MatMul'], h['Transpose']], [1, 0, 3, 4]);
  const sdpa = fused.getOrderedOps().find((n) => n.type === 'ScaledDotProductAttention')!;
  assert.equal(sdpa.inputValue(3).node.type, 'Parameter');
  assert.ok(Math.abs(toNumbers(sdpa.inputValue(4).knownValue!)[0]! - 1 / Math.sqrt(D)) < 1e-6);
  const key = sdpa.inputValue(1).node;
  assert.equal(key.type, 'Transpose');
  assert.deepEqual(Array.from(toNumbers(key.inputValue(1).knownValue!)), [0, 2, 1, 3]);
});

test('attention fusion: GPT-2 causal constant mask, transpose_b key, multiply scale, no mask', () => {
  const causal = checkRewrite(attentionModel({ scale: 'divide', mask: 'causal' }), fuseAttention);
  const sdpa = causal.getOrderedOps().find((n) => n.type === 'ScaledDotProductAttention')!;
  assert.equal(sdpa.attrs['causal'], true, 'a constant causal mask becomes causal = true');
  assert.equal(sdpa.inputValue(3).partialShape.toString(), '[]');
  const nearly = checkRewrite(attentionModel({ scale: 'divide', mask: 'almost-causal' }), fuseAttention);
  assert.equal(nearly.getOrderedOps().find((n) => n.type === 'ScaledDotProductAttention')!.attrs['causal'], false);
  const tb = checkRewrite(attentionModel({ scale: 'multiply', mask: 'none', keyTransposeB: true }), fuseAttention);
  assert.equal(count(tb, 'ScaledDotProductAttention'), 1);
  const unscaled = checkRewrite(attentionModel({ scale: 'none', mask: 'input' }), fuseAttention);
  assert.equal(count(unscaled, 'ScaledDotProductAttention'), 1);
  const split = checkRewrite(attentionModel({ scale: 'q-and-k', mask: 'input' }), fuseAttention);
  assert.deepEqual([count(split, 'ScaledDotProductAttention'), count(split, 'Multiply')], [1, 0]);
});

test('attention fusion leaves a softmax over another axis and probabilities that are also an output alone', () => {
  const variants: Variant[] = [{ scale: 'divide', mask: 'input', softmaxAxis: 2 }, { scale: 'divide', mask: 'input', probsOutput: true }];
  for (const v of variants) {
    const m = attentionModel(v)();
    const before = histogram(m);
    assert.equal(fuseAttention(m), 0);
    assert.deepEqual(histogram(m), before);
  }
});

test('attention fusion leaves a mask that broadcasts the scores up (SDPA cannot express it) alone', () => {
  const [q, k, v] = [[1, H, S, D], [1, H, D, S], [1, H, S, D]].map((shape, i) => opset.parameter('f32', shape, `in${i}`));
  const mask = opset.parameter('f32', [2, H, S, S], 'mask');
  const probs = opset.softmax(opset.add(opset.divide(opset.matMul(q!, k!), opset.constant('f32', [], [3])), mask), -1);
  const m = new Model([opset.matMul(probs, v!)], [q!, k!, v!, mask]);
  const before = histogram(m);
  assert.equal(fuseAttention(m), 0);
  assert.deepEqual(histogram(m), before);
  assert.equal(q!.output(0).targets.size, 1, 'nodes built for the failed match are cut off');
  assert.equal(k!.output(0).targets.size, 1);
  m.validate();
});
