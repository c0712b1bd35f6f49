import type { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import { tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { multiply } from '../ops/multiply.js';
import { runWithTaps } from './collect.js';
import type { CalibrationSubset } from './dataset.js';
import { layerPorts, type WeightPort } from './layers.js';
import { forEachReducedIndex, reduceAbsMax } from './ranges.js';
import { TensorStatistics } from './statistics.js';

export interface SmoothQuantOptions {
  /** Migration strength: 0 leaves activations alone, 1 moves all their range into the weights. */
  alpha: number;
  device: string;
  ignored: ReadonlySet<Node>;
}

interface Consumer { node: Node; weight: WeightPort }

/**
 * SmoothQuant (Xiao et al., 2023): for a MatMul X·W with constant W, per input channel k,
 * s_k = max|X_k|^α / max|W_k|^(1−α); X becomes X/s (one Multiply shared by every MatMul reading X)
 * and W becomes diag(s)·W. The product is unchanged, but activation outliers move into the
 * weights, which are quantized per channel. Edits `model` in place; returns how many inputs were smoothed.
 */
export async function smoothQuant(model: Model, subset: CalibrationSubset, options: SmoothQuantOptions): Promise<number> {
  const groups = new Map<Output, Consumer[]>();
  for (const node of model.getOrderedOps()) {
    if (node.type !== 'MatMul' || options.ignored.has(node) || node.attrs['transposeA'] === true) continue;
    const ports = layerPorts(node);
    if (!ports || ports.activations.length !== 1 || ports.activations[0] !== 0 || ports.weights[0]?.index !== 1) continue;
    const x = node.inputValue(0);
    if (!x.partialShape.isRankStatic() || x.partialShape.rank < 2) continue;
    groups.set(x, [...(groups.get(x) ?? []), { node, weight: ports.weights[0] }]);
  }
  if (groups.size === 0) return 0;
  const stats = new Map<Output, TensorStatistics>();
  for (const x of groups.keys()) stats.set(x, new TensorStatistics({ channelAxis: -1, channelAbsMax: true }));
  const taps = [...stats].map(([output, s]) => ({ output, observe: (t: Tensor) => s.update(t) }));
  await runWithTaps(model, taps, subset, { device: options.device, label: 'SmoothQuant statistics' });
  for (const [x, consumers] of groups) smoothGroup(x, consumers, stats.get(x)!.channelAbsMax(), options.alpha);
  model.validate();
  return groups.size;
}

function smoothGroup(x: Output, consumers: Consumer[], activationMax: Float64Array, alpha: number): void {
  const k = activationMax.length;
  const weightMax = new Float64Array(k);
  for (const { weight } of consumers) {
    const perK = inputChannelAbsMax(weight);
    if (perK.length !== k) return; // shapes disagree with the statistics: leave this input alone
    perK.forEach((v, i) => { if (v > weightMax[i]!) weightMax[i] = v; });
  }
  const scales = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const s = activationMax[i]! ** alpha / weightMax[i]! ** (1 - alpha);
    scales[i] = Number.isFinite(s) && s > 1e-5 ? s : 1;
  }
  const inverse = tensorFromNumbers(x.elementType, [k], scales.map((s) => 1 / s));
  const divisor = constant(inverse);
  divisor.setFriendlyName(`${x.node.friendlyName}/smooth_quant_scale`);
  const smoothed = multiply(x, divisor, {}, `${x.node.friendlyName}/smooth_quant_multiply`).output(0);
  for (const { node, weight } of consumers) {
    node.input(0).setSource(smoothed);
    const scaled = constant(scaleInputChannels(weight, scales));
    scaled.setFriendlyName(`${node.inputValue(weight.index).node.friendlyName}/smooth_quant`);
    node.input(weight.index).setSource(scaled.output(0));
  }
}

/** max |W| per input channel k (the weight's reduction axis). */
function inputChannelAbsMax(weight: WeightPort): Float64Array {
  const rank = weight.value.getShape().length;
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => !weight.reductionAxes.includes(i));
  return reduceAbsMax(weight.value, others).data;
}

/** W with each input channel k multiplied by scales[k]. */
function scaleInputChannels(weight: WeightPort, scales: Float64Array): Tensor {
  const shape = weight.value.getShape();
  const kept = shape.map((d, i) => (weight.reductionAxes.includes(i) ? d : 1));
  const values = toNumbers(weight.value);
  const out = new Float64Array(values.length);
  forEachReducedIndex(shape, kept, (i, r) => { out[i] = values[i]! * scales[r]!; });
  return tensorFromNumbers(weight.value.getElementType(), shape, out);
}
