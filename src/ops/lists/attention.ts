// Attention-era and deformable ops used by the newest ONNX operators.
import type { OpDefinition } from '../../core/op.js';
import { DeformableConvolution } from '../deformable-convolution.js';
import { ScaledDotProductAttention } from '../scaled-dot-product-attention.js';

export const attentionOps: OpDefinition[] = [DeformableConvolution, ScaledDotProductAttention];

export { DeformableConvolution, deformableConvolution, type DeformableConvolutionOptions } from '../deformable-convolution.js';
export { ScaledDotProductAttention, scaledDotProductAttention } from '../scaled-dot-product-attention.js';
