import assert from 'node:assert/strict';
import type { Model } from '../../src/core/model.js';
import type { Tensor } from '../../src/core/tensor.js';
import { Core } from '../../src/runtime/core.js';
import { assertTensor, f32, randomArray } from '../util/assert.js';

const core = new Core();

/** Op type → count over the model's live nodes. */
export function histogram(model: Model): Record<string, number> {
  const h: Record<string, number> = {};
  for (const n of model.getOrderedOps()) h[n.type] = (h[n.type] ?? 0) + 1;
  return h;
}

export const count = (model: Model, type: string): number => histogram(model)[type] ?? 0;

/** Random f32 inputs for every parameter of a static-shaped model. */
export function randomInputs(model: Model, seed = 1, lo = -3, hi = 3): Tensor[] {
  return model.parameters.map((p, i) => {
    const shape = p.output(0).partialShape.toShape();
    return f32(shape, randomArray(shape.reduce((a, b) => a * b, 1), seed + i, lo, hi));
  });
}

/** Runs on TEMPLATE (the reference device) and returns outputs in result order. */
export function runTemplate(model: Model, inputs: readonly Tensor[]): Tensor[] {
  const request = core.compileModelSync(model, 'TEMPLATE').createInferRequest();
  request.infer([...inputs]);
  return model.outputs.map((_, i) => request.getOutputTensor(i));
}

/**
 * Builds the model twice, rewrites one copy with `pass`, and checks the rewritten model is valid,
 * keeps its output tensor names and matches the original on TEMPLATE for random inputs.
 */
export function checkRewrite(build: () => Model, pass: (m: Model) => unknown, opts: { rtol?: number; atol?: number; seed?: number } = {}): Model {
  const original = build();
  const rewritten = build();
  pass(rewritten);
  rewritten.validate();
  assert.deepEqual(rewritten.outputs.map((o) => o.names.sort()), original.outputs.map((o) => o.names.sort()), 'output tensor names');
  const inputs = randomInputs(original, opts.seed ?? 1);
  const [want, got] = [runTemplate(original, inputs), runTemplate(rewritten, inputs)];
  got.forEach((t, i) => assertTensor(t, want[i]!, { rtol: opts.rtol ?? 1e-4, atol: opts.atol ?? 1e-5, label: `output ${i}` }));
  return rewritten;
}
