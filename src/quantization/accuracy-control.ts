import { InputError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import { toNumbers, type Tensor } from '../core/tensor.js';
import { Core } from '../runtime/core.js';
import type { CompiledModel } from '../runtime/compiled-model.js';
import { CalibrationSubset, type CalibrationDataset, type CalibrationSample } from './dataset.js';
import { reapplyInput, revertInput } from './fake-quantize.js';
import { quantizeLayers, type QuantizedLayer, type QuantizeOptions } from './quantize.js';

/** Scores a compiled model on the validation data; higher is better (accuracy, F1, −loss...). */
export type ValidateFn<T> = (model: CompiledModel, validation: CalibrationDataset<T>) => number | Promise<number>;

export interface AccuracyControlOptions<T> extends QuantizeOptions {
  /** The largest metric drop accepted (default 0.01). */
  maxDrop?: number;
  /** 'absolute' (default): fp − q; 'relative': (fp − q) / |fp|. */
  dropType?: 'absolute' | 'relative';
  /** At most this many layers are reverted (default: all of them). */
  maxNumIterations?: number;
  /** Validation items used to rank layers by sensitivity (default 300). */
  rankingSubsetSize?: number;
  /** Turns a validation item into model inputs for ranking (default: items are inputs). */
  transformFn?: (item: T) => CalibrationSample;
}

/**
 * Quantizes `model`, then, while the metric drop against the float model exceeds `maxDrop`,
 * reverts the most sensitive quantized layer (its FakeQuantizes and corrected bias) to float.
 * Sensitivity is how much reverting that layer alone brings the outputs back towards the float
 * model's on a ranking subset of the validation data. Returns the last model tried: one within
 * maxDrop, or, when none is, the one with every permitted layer reverted.
 */
export async function quantizeWithAccuracyControl<T = CalibrationSample>(
  model: Model, calibration: CalibrationDataset, validation: CalibrationDataset<T>, validate: ValidateFn<T>,
  options: AccuracyControlOptions<T> = {},
): Promise<Model> {
  const maxDrop = options.maxDrop ?? 0.01;
  if (!(maxDrop >= 0)) throw new InputError(`maxDrop must be a non-negative number, got ${maxDrop}`);
  const dropType = options.dropType ?? 'absolute';
  if (dropType !== 'absolute' && dropType !== 'relative') throw new InputError(`dropType must be 'absolute' or 'relative', got "${String(dropType)}"`);
  const device = options.targetDevice ?? 'CPU';
  const core = new Core();
  const score = async (m: Model): Promise<number> => {
    const metric = await validate(await core.compileModel(m, device), validation);
    if (typeof metric !== 'number' || Number.isNaN(metric)) throw new InputError(`validate must return a number, got ${String(metric)}`);
    return metric;
  };
  const drop = (fp: number, q: number): number => (dropType === 'absolute' ? fp - q : (fp - q) / Math.abs(fp));

  const reference = await score(model);
  const { model: quantized, layers } = await quantizeLayers(model, calibration, options);
  let metric = await score(quantized);
  if (drop(reference, metric) <= maxDrop) return quantized;

  const toInputs = options.transformFn ?? asSample;
  const ranking = new CalibrationSubset(validation, options.rankingSubsetSize ?? 300);
  const order = await rankLayers(model, quantized, layers, ranking, toInputs, core, device);
  const limit = Math.min(options.maxNumIterations ?? order.length, order.length);
  for (let i = 0; i < limit && drop(reference, metric) > maxDrop; i++) {
    revertLayer(order[i]!);
    quantized.validate();
    metric = await score(quantized);
  }
  return quantized;
}

function asSample(item: unknown): CalibrationSample {
  if (!isSample(item)) throw new InputError('validation items are not input objects; pass transformFn to turn them into model inputs');
  return item;
}

function isSample(item: unknown): item is CalibrationSample {
  return typeof item === 'object' && item !== null;
}

function revertLayer(layer: QuantizedLayer): void {
  layer.inputs.forEach(revertInput);
  if (layer.bias) layer.bias.input.setSource(layer.bias.original);
}

function reapplyLayer(layer: QuantizedLayer): void {
  layer.inputs.forEach(reapplyInput);
  if (layer.bias) layer.bias.input.setSource(layer.bias.corrected);
}

/**
 * Layers, most sensitive first: for each, the float model's outputs are compared (normalized
 * squared error) with the quantized model's with only that layer reverted; the lower the error,
 * the more that layer costs.
 */
async function rankLayers<T>(
  float: Model, quantized: Model, layers: readonly QuantizedLayer[], ranking: CalibrationSubset<T>,
  toInputs: (item: T) => CalibrationSample, core: Core, device: string,
): Promise<QuantizedLayer[]> {
  const inputs: CalibrationSample[] = [];
  for await (const item of ranking.samples()) inputs.push(toInputs(item));
  const outputsOf = async (m: Model): Promise<Tensor[][]> => {
    const compiled = await core.compileModel(m, device);
    const all: Tensor[][] = [];
    for (const sample of inputs) {
      const request = compiled.createInferRequest();
      await request.inferAsync(sample);
      all.push(compiled.outputs.map((_, i) => request.getOutputTensor(i)));
    }
    return all;
  };
  const expected = await outputsOf(float);
  const errors = new Map<QuantizedLayer, number>();
  for (const layer of layers) {
    revertLayer(layer);
    quantized.validate();
    errors.set(layer, normalizedError(expected, await outputsOf(quantized)));
    reapplyLayer(layer);
  }
  quantized.validate();
  return [...layers].sort((a, b) => errors.get(a)! - errors.get(b)!);
}

/** Σ‖y − ŷ‖² / Σ‖y‖² over every output of every sample. */
export function normalizedError(expected: readonly Tensor[][], actual: readonly Tensor[][]): number {
  let err = 0, norm = 0;
  expected.forEach((outs, s) => outs.forEach((e, o) => {
    const a = toNumbers(actual[s]![o]!), x = toNumbers(e);
    for (let i = 0; i < x.length; i++) { err += (x[i]! - a[i]!) ** 2; norm += x[i]! ** 2; }
  }));
  return norm > 0 ? err / norm : err;
}
