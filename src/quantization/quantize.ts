import { InputError } from '../core/errors.js';
import { foldConstants } from '../transformations/constant-folding.js';
import type { Model } from '../core/model.js';
import type { Input, Node, Output } from '../core/node.js';
import type { Tensor } from '../core/tensor.js';
import { correctBiases, findBias, type BiasCorrectionItem, type BiasEdit } from './bias-correction.js';
import { runWithTaps, type Tap } from './collect.js';
import { CalibrationSubset, DEFAULT_SUBSET_SIZE, type CalibrationDataset } from './dataset.js';
import { quantizeInputs, type QuantizedInput } from './fake-quantize.js';
import { ignoredNodes, type IgnoredScope } from './ignored-scope.js';
import { activationChannelAxis, layerPorts, type LayerPorts } from './layers.js';
import { activationQuantizer, weightQuantizer, type Preset } from './ranges.js';
import { smoothQuant } from './smooth-quant.js';
import { RANGE_ESTIMATORS, TensorStatistics, type RangeEstimator } from './statistics.js';

export interface QuantizeOptions {
  /** 'performance' (default): symmetric activations; 'mixed' (default for transformers): asymmetric. */
  preset?: Preset;
  /** How many calibration samples to use (default 300). */
  subsetSize?: number;
  /** 'transformer' turns on SmoothQuant and the 'mixed' preset by default. */
  modelType?: 'transformer';
  ignoredScope?: IgnoredScope;
  /** Correct the per-channel output mean shift of each layer with a bias (default true). */
  fastBiasCorrection?: boolean;
  /** The tsvino device the calibration passes run on (default 'CPU'). */
  targetDevice?: string;
  /** Activation range estimator (default 'mean_minmax'); weights always use their exact per-channel range. */
  rangeEstimator?: RangeEstimator;
  /** For the 'percentile' estimator: the high percentile (the low one is 100 − p); default 99.99. */
  percentile?: number;
  /** SmoothQuant migration strength for MatMuls (default 0.95, as NNCF); a negative value turns SmoothQuant off. */
  smoothQuantAlpha?: number;
  /**
   * NNCF's overflow fix: 7-bit weights (127 levels) on every layer ('enable', the default), on the
   * first quantized layer only ('first_layer'), or nowhere ('disable'). CPUs without VNNI run int8
   * layers exactly only with 7-bit weights; the others compute 8-bit ones in f32.
   */
  overflowFix?: OverflowFix;
}

export type OverflowFix = 'enable' | 'first_layer' | 'disable';
const OVERFLOW_FIXES: readonly OverflowFix[] = ['enable', 'first_layer', 'disable'];

/** One quantized layer and the edits made to it, so accuracy control can revert them. */
export interface QuantizedLayer {
  node: Node;
  inputs: QuantizedInput[];
  bias?: BiasEdit;
}

export interface QuantizationResult {
  model: Model;
  layers: QuantizedLayer[];
}

interface Resolved {
  preset: Preset;
  subsetSize: number;
  transformer: boolean;
  fastBiasCorrection: boolean;
  device: string;
  rangeEstimator: RangeEstimator;
  percentile: number;
  smoothQuantAlpha: number;
  overflowFix: OverflowFix;
}

function resolveOptions(o: QuantizeOptions): Resolved {
  if (o.preset !== undefined && o.preset !== 'performance' && o.preset !== 'mixed') {
    throw new InputError(`preset must be 'performance' or 'mixed', got "${String(o.preset)}"`);
  }
  if (o.modelType !== undefined && o.modelType !== 'transformer') throw new InputError(`modelType must be 'transformer', got "${String(o.modelType)}"`);
  if (o.rangeEstimator !== undefined && !RANGE_ESTIMATORS.includes(o.rangeEstimator)) {
    throw new InputError(`rangeEstimator must be one of ${RANGE_ESTIMATORS.join(', ')}, got "${String(o.rangeEstimator)}"`);
  }
  if (o.overflowFix !== undefined && !OVERFLOW_FIXES.includes(o.overflowFix)) {
    throw new InputError(`overflowFix must be one of ${OVERFLOW_FIXES.join(', ')}, got "${String(o.overflowFix)}"`);
  }
  const transformer = o.modelType === 'transformer';
  const alpha = o.smoothQuantAlpha ?? 0.95;
  if (!(alpha <= 1)) throw new InputError(`smoothQuantAlpha must be at most 1 (negative turns SmoothQuant off), got ${alpha}`);
  return {
    preset: o.preset ?? (transformer ? 'mixed' : 'performance'),
    subsetSize: o.subsetSize ?? DEFAULT_SUBSET_SIZE,
    transformer,
    fastBiasCorrection: o.fastBiasCorrection ?? true,
    device: o.targetDevice ?? 'CPU',
    rangeEstimator: o.rangeEstimator ?? 'mean_minmax',
    percentile: o.percentile ?? 99.99,
    smoothQuantAlpha: alpha,
    overflowFix: o.overflowFix ?? 'enable',
  };
}

/**
 * Post-training quantization (NNCF's `quantize`): returns a copy of `model` with FakeQuantize-1
 * ops on the weights (per output channel, symmetric, 255 levels) and activations (per tensor,
 * 256 levels) of its convolutions and matrix products, with ranges from statistics gathered by
 * running the model on the calibration samples. The input model is left unchanged.
 */
export async function quantize(model: Model, calibration: CalibrationDataset, options: QuantizeOptions = {}): Promise<Model> {
  return (await quantizeLayers(model, calibration, options)).model;
}

/** `quantize`, also returning which layers were quantized and how (for accuracy control). */
export async function quantizeLayers(model: Model, calibration: CalibrationDataset | CalibrationSubset, options: QuantizeOptions = {}): Promise<QuantizationResult> {
  const opts = resolveOptions(options);
  const subset = calibration instanceof CalibrationSubset ? calibration : new CalibrationSubset(calibration, opts.subsetSize);
  const existing = model.getOrderedOps().find((n) => n.type === 'FakeQuantize');
  if (existing) throw new InputError(`model "${model.getFriendlyName()}" is already quantized (FakeQuantize "${existing.friendlyName}")`);
  const q = model.clone();
  // Weights reach layers through shape ops at times (an ONNX grouped Conv reshapes its filter);
  // folding them first lets those weights be quantized as weights, per channel.
  foldConstants(q);
  const ignored = ignoredNodes(q, options.ignoredScope);
  if (opts.transformer && opts.smoothQuantAlpha >= 0) {
    await smoothQuant(q, subset, { alpha: opts.smoothQuantAlpha, device: opts.device, ignored });
  }
  const layers = q.getOrderedOps().filter((n) => !ignored.has(n)).map(layerPorts).filter((p): p is LayerPorts => p !== undefined);

  const rangeStats = activationStatistics(layers, opts);
  const biasItems = opts.fastBiasCorrection ? biasCorrectionItems(layers) : [];
  const taps: Tap[] = [
    ...[...rangeStats].map(([output, stats]) => tapOf(output, stats)),
    ...biasItems.map((b) => tapOf(b.input, b.inputStats)),
  ];
  if (taps.length > 0) await runWithTaps(q, taps, subset, { device: opts.device, label: 'Statistics collection' });

  const { record, inserted } = insertQuantizers(layers, rangeStats, opts.preset, opts.overflowFix);
  q.validate();
  if (biasItems.length > 0) {
    for (const edit of await correctBiases(biasItems, inserted, opts.device)) {
      const layer = biasItems.find((b) => b.bias.input === edit.input)!.layer;
      record.get(layer)!.bias = edit;
    }
    q.validate();
  }
  q.rtInfo = {
    ...q.rtInfo,
    quantization: {
      preset: opts.preset, subset_size: String(subset.knownSize ?? opts.subsetSize), model_type: opts.transformer ? 'transformer' : 'none',
      overflow_fix: opts.overflowFix,
      fast_bias_correction: String(opts.fastBiasCorrection), range_estimator: opts.rangeEstimator,
    },
  };
  return { model: q, layers: [...record.values()].filter((l) => l.inputs.length > 0) };
}

const tapOf = (output: Output, stats: TensorStatistics): Tap => ({ output, observe: (t: Tensor) => stats.update(t) });

/** One range statistic per activation tensor that a quantized layer reads. */
function activationStatistics(layers: readonly LayerPorts[], opts: Resolved): Map<Output, TensorStatistics> {
  const stats = new Map<Output, TensorStatistics>();
  for (const layer of layers) {
    for (const i of layer.activations) {
      const src = layer.node.inputValue(i);
      if (!stats.has(src)) stats.set(src, new TensorStatistics({ range: { estimator: opts.rangeEstimator, percentile: opts.percentile } }));
    }
  }
  return stats;
}

/** Layers with one activation input, weights and a per-channel bias, with a per-channel mean of that input to gather. */
function biasCorrectionItems(layers: readonly LayerPorts[]): BiasCorrectionItem[] {
  const items: BiasCorrectionItem[] = [];
  for (const layer of layers) {
    if (layer.activations.length !== 1 || layer.weights.length === 0) continue;
    const inputIndex = layer.activations[0]!;
    const input = layer.node.inputValue(inputIndex);
    const bias = findBias(layer.node);
    if (!bias || !input.partialShape.isRankStatic()) continue;
    const inputAxis = activationChannelAxis(layer.node, inputIndex, input.partialShape.rank);
    const inputStats = new TensorStatistics({ channelAxis: inputAxis, channelMean: true });
    items.push({ layer: layer.node, bias, input, inputIndex, inputAxis, inputStats });
  }
  return items;
}

/**
 * Inserts the FakeQuantizes: one per activation tensor, shared by every quantized layer that reads
 * it, and one per weight input.
 */
function insertQuantizers(layers: readonly LayerPorts[], rangeStats: ReadonlyMap<Output, TensorStatistics>, preset: Preset, overflowFix: OverflowFix) {
  const inserted = new Set<Node>();
  const record = new Map<Node, QuantizedLayer>(layers.map((l) => [l.node, { node: l.node, inputs: [] }]));
  const keep = (edits: QuantizedInput[]): void => {
    for (const e of edits) { record.get(e.input.node)!.inputs.push(e); inserted.add(e.quantized.node); }
  };
  const readers = new Map<Output, Input[]>();
  for (const layer of layers) {
    for (const i of layer.activations) {
      const src = layer.node.inputValue(i);
      readers.set(src, [...(readers.get(src) ?? []), layer.node.input(i)]);
    }
  }
  for (const [src, inputs] of readers) {
    const params = activationQuantizer(rangeStats.get(src)!.range(), preset === 'performance');
    keep(quantizeInputs(src, inputs, params, `${src.node.friendlyName}/fq_output_${src.index}`));
  }
  const firstWithWeights = layers.find((l) => l.weights.length > 0);
  for (const layer of layers) {
    const sevenBit = overflowFix === 'enable' || (overflowFix === 'first_layer' && layer === firstWithWeights);
    for (const w of layer.weights) {
      const src = layer.node.inputValue(w.index);
      keep(quantizeInputs(src, [layer.node.input(w.index)], weightQuantizer(w.value, w.reductionAxes, sevenBit), `${layer.node.friendlyName}/fq_weights_${w.index}`));
    }
  }
  return { record, inserted };
}
