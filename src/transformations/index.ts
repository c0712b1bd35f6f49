// Compile-time graph transformations shared by every plugin: one pass per file, each a
// `(model) => number of rewrites` working in place, and the pipeline that runs them.
export { commonTransformations, type PassName, type TransformationOptions, type TransformationStats } from './pipeline.js';
export { foldConstants, isDecompressionConvert, type ConstantFoldingOptions } from './constant-folding.js';
export type { PassOptions } from './pattern.js';
export { eliminateDeadCode } from './dead-code-elimination.js';
export { eliminateTransposes } from './transpose-elimination.js';
export { fuseBatchNorm } from './batch-norm-fusion.js';
export { fuseGelu } from './gelu-fusion.js';
export { fuseLayerNorm } from './layer-norm-fusion.js';
export { fuseSoftmax } from './softmax-fusion.js';
export { fuseSwish } from './swish-fusion.js';
export { fuseHSwish } from './hswish-fusion.js';
export { fuseClamp } from './clamp-fusion.js';
export { fuseAttention } from './attention-fusion.js';
export { fuseQuantizeDequantize } from './qdq-fusion.js';
