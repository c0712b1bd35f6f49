// The quantization toolkit (NNCF's counterpart): post-training quantization, accuracy control,
// data-free weight compression.
export { quantize, type OverflowFix, type QuantizeOptions } from './quantize.js';
export { quantizeWithAccuracyControl, type AccuracyControlOptions, type ValidateFn } from './accuracy-control.js';
export { compressWeights, type CompressWeightsOptions } from './compress-weights.js';
export type { WeightCompressionMode } from './weight-quantization.js';
export type { CalibrationDataset, CalibrationSample } from './dataset.js';
export type { IgnoredScope } from './ignored-scope.js';
export type { Preset } from './ranges.js';
export type { RangeEstimator } from './statistics.js';
