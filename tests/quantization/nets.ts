// Small models built in code for the quantization tests, and helpers to run and compare them.
import { Core, Model, Tensor, opset, type Node } from '../../src/index.js';
import { toNumbers } from '../../src/core/tensor.js';
import { randomArray } from '../util/assert.js';

const weights = (shape: number[], seed: number, scale = 1): Node =>
  opset.constant('f32', shape, randomArray(shape.reduce((a, b) => a * b, 1), seed, -scale, scale));

/** x[1,3,12,12] → conv+bias → relu → conv+bias → relu → global mean → matmul+bias → y[1,4]. */
export function convNet(): Model {
  const x = opset.parameter('f32', [1, 3, 12, 12], 'x');
  const pad = { padsBegin: [1, 1], padsEnd: [1, 1] };
  const c1 = opset.convolution(x, weights([8, 3, 3, 3], 11, 0.5), pad, 'conv1');
  const r1 = opset.relu(opset.add(c1, weights([1, 8, 1, 1], 12, 0.1), {}, 'conv1/bias'), 'relu1');
  const c2 = opset.convolution(r1, weights([8, 8, 3, 3], 13, 0.3), pad, 'conv2');
  const r2 = opset.relu(opset.add(c2, weights([1, 8, 1, 1], 14, 0.1), {}, 'conv2/bias'), 'relu2');
  const pooled = opset.reduceMean(r2, [2, 3], false, 'pool');
  const fc = opset.matMul(pooled, weights([8, 4], 15), {}, 'fc');
  const y = opset.add(fc, weights([4], 16, 0.1), {}, 'fc/bias');
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'conv_net');
}

/**
 * A one-block transformer over x[1,32,32]: Q/K/V projections, attention, output projection,
 * residual, and an MLP; `outlierChannels` of the input are scaled up, like LLM activations.
 */
export function transformerNet(): Model {
  const d = 32;
  const x = opset.parameter('f32', [1, 32, d], 'x');
  const norm = opset.mvn(x, opset.constant('i64', [1], [-1]), { eps: 1e-5 }, 'ln');
  const proj = (src: Node, name: string, seed: number, outDim = d): Node =>
    opset.add(opset.matMul(src, weights([src.output(0).partialShape.getDimensions()[2]!.getLength(), outDim], seed, 0.4), {}, name),
      weights([outDim], seed + 100, 0.05), {}, `${name}/bias`);
  const scaled = opset.multiply(norm, weights([d], 30, 3), {}, 'ln/scale');
  const q = proj(scaled, 'q', 31), k = proj(scaled, 'k', 32), v = proj(scaled, 'v', 33);
  const scores = opset.matMul(q, k, { transposeB: true }, 'scores');
  const scaledScores = opset.multiply(scores, opset.constant('f32', [], [1 / Math.sqrt(d)]), {}, 'scores/scale');
  const probs = opset.softmax(scaledScores, -1, 'probs');
  const context = opset.matMul(probs, v, {}, 'context');
  const attn = proj(context, 'attn_out', 34);
  const h = opset.add(x, attn, {}, 'residual');
  const up = opset.relu(proj(h, 'mlp_up', 35, 64), 'mlp_act');
  const y = proj(up, 'mlp_down', 36);
  y.output(0).setNames(['y']);
  return new Model([y], [x], 'transformer_net');
}

export const TINY_LM = { V: 64, D: 64, H: 128 };
const { V, D, H } = TINY_LM;

/** ids → embedding → fc1 ([K,N]) → relu → fc2 ([N,K], transposed) → fc3 → lm_head (tied-style [V,D], transposed). */
export function tinyLm(): Model {
  const ids = opset.parameter('i64', [1, 6], 'ids');
  const w = (name: string, shape: number[], seed: number): Node =>
    opset.constant('f32', shape, randomArray(shape[0]! * shape[1]!, seed, -0.3, 0.3), name);
  const emb = opset.gather(w('wte', [V, D], 1), ids, 0, 0, 'embedding');
  const fc1 = opset.relu(opset.matMul(emb, w('w1', [D, H], 2), {}, 'fc1'), 'act');
  const fc2 = opset.matMul(fc1, w('w2', [D, H], 3), { transposeB: true }, 'fc2');
  const fc3 = opset.matMul(fc2, w('w3', [D, D], 4), {}, 'fc3');
  const logits = opset.matMul(fc3, w('head', [V, D], 5), { transposeB: true }, 'lm_head');
  logits.output(0).setNames(['logits']);
  return new Model([logits], [ids], 'tiny_lm');
}

export const ids = (seed: number) => ({ ids: new Tensor('i64', [1, 6], BigInt64Array.from(randomArray(6, seed, 0, V), (v) => BigInt(Math.floor(v)))) });

/** Deterministic random inputs for every parameter; `outliers` channels (last axis) are scaled up. */
export function randomInputs(model: Model, count: number, seed: number, outliers: number[] = []): Array<Record<string, Tensor>> {
  return Array.from({ length: count }, (_, s) => Object.fromEntries(model.inputs.map((input, j) => {
    const shape = input.shape;
    const values = randomArray(shape.reduce((a, b) => a * b, 1), seed * 1000 + s * 10 + j, -1, 1);
    const last = shape[shape.length - 1]!;
    for (let i = 0; i < values.length; i++) if (outliers.includes(i % last)) values[i]! *= 12;
    return [input.anyName, new Tensor('f32', shape, values)];
  })));
}

export function runModel(model: Model, inputs: Record<string, Tensor>, device = 'TEMPLATE'): Tensor {
  const compiled = new Core().compileModelSync(model, device);
  const request = compiled.createInferRequest();
  request.infer(inputs);
  return request.getOutputTensor(0);
}

export function cosine(a: Tensor, b: Tensor): number {
  const x = toNumbers(a), y = toNumbers(b);
  let dot = 0, nx = 0, ny = 0;
  for (let i = 0; i < x.length; i++) { dot += x[i]! * y[i]!; nx += x[i]! ** 2; ny += y[i]! ** 2; }
  return dot / Math.sqrt(nx * ny);
}

export const nodesOfType = (model: Model, type: string): Node[] => model.getOrderedOps().filter((n) => n.type === type);
export const nodeNamed = (model: Model, name: string): Node => {
  const n = model.getOrderedOps().find((x) => x.friendlyName === name);
  if (!n) throw new Error(`no node "${name}"`);
  return n;
};
