import { attr } from '../core/attributes.js';
import type { Dimension } from '../core/dimension.js';
import { PartialShape } from '../core/partial-shape.js';
import { isFloatType } from '../core/element-type.js';
import type { Node } from '../core/node.js';
import { check, defineOp, type InputInfo, type OpContext, type OutputInfo } from '../core/op.js';
import { tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { makeNode, type NodeInput } from './util/shape.js';

/** Channel-vector inputs in their order after data: gamma, beta, mean, variance. */
const NAMES = ['gamma', 'beta', 'mean', 'variance'];

function inferBatchNorm(data: InputInfo, params: readonly InputInfo[], epsilon: number, ctx: OpContext): OutputInfo[] {
  check(epsilon >= 0, ctx, `epsilon must be ≥ 0, got ${epsilon}`);
  check(isFloatType(data.type), ctx, `data type must be floating point, got ${data.type}`);
  let channels: Dimension | undefined;
  if (data.shape.isRankStatic()) {
    check(data.shape.rank >= 2, ctx, () => `data must have rank ≥ 2, got ${data.shape.toString()}`);
    channels = data.shape.dim(1);
  }
  params.forEach((p, i) => {
    check(p.type === data.type, ctx, `${NAMES[i]} type ${p.type} does not match data type ${data.type}`);
    if (!p.shape.isRankStatic()) return;
    check(p.shape.rank === 1, ctx, () => `${NAMES[i]} must be 1-D, got ${p.shape.toString()}`);
    const c = p.shape.dim(0);
    check(!channels || channels.compatible(c), ctx,
      () => `${NAMES[i]} has ${c.toString()} elements; data has ${channels!.toString()} channels`);
    if (channels) channels = channels.merge(c) ?? channels;
  });
  if (!data.shape.isRankStatic() || !channels) return [{ type: data.type, shape: data.shape }];
  const dims = data.shape.getDimensions();
  dims[1] = channels;
  return [{ type: data.type, shape: new PartialShape(dims) }];
}

/** γ·(x − mean)/sqrt(var + ε) + β with the channel on axis 1. */
function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, eps: number): Tensor {
  const shape = x.getShape();
  const c = shape[1]!;
  const inner = shape.slice(2).reduce((p, d) => p * d, 1);
  const [v, g, b, m, s] = [x, gamma, beta, mean, variance].map(toNumbers);
  const out = new Float64Array(v!.length);
  for (let i = 0; i < out.length; i++) {
    const ch = Math.floor(i / inner) % c;
    out[i] = (g![ch]! * (v![i]! - m![ch]!)) / Math.sqrt(s![ch]! + eps) + b![ch]!;
  }
  return tensorFromNumbers(x.getElementType(), shape, out);
}

/** BatchNormInference-1: inputs in OpenVINO's v0 order gamma, beta, data, mean, variance. */
export const BatchNormInference1 = defineOp({
  type: 'BatchNormInference', version: 'opset1',
  attributes: { epsilon: attr.float() },
  inputCount: [5, 5],
  infer: ([gamma, beta, data, mean, variance], attrs, ctx) => inferBatchNorm(data!, [gamma!, beta!, mean!, variance!], attrs.epsilon, ctx),
  evaluate: ([gamma, beta, data, mean, variance], attrs) => [batchNorm(data!, gamma!, beta!, mean!, variance!, attrs.epsilon)],
});

/** BatchNormInference-5: inputs data, gamma, beta, mean, variance. */
export const BatchNormInference5 = defineOp({
  type: 'BatchNormInference', version: 'opset5',
  attributes: { epsilon: attr.float() },
  inputCount: [5, 5],
  infer: ([data, gamma, beta, mean, variance], attrs, ctx) => inferBatchNorm(data!, [gamma!, beta!, mean!, variance!], attrs.epsilon, ctx),
  evaluate: ([data, gamma, beta, mean, variance], attrs) => [batchNorm(data!, gamma!, beta!, mean!, variance!, attrs.epsilon)],
});

export const batchNormInference = (
  data: NodeInput, gamma: NodeInput, beta: NodeInput, mean: NodeInput, variance: NodeInput, epsilon: number, name?: string,
): Node => makeNode(BatchNormInference5, [data, gamma, beta, mean, variance], { epsilon }, name);
