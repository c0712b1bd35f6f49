import { isFloatType } from '../core/element-type.js';
import type { Node, Output } from '../core/node.js';
import { Tensor } from '../core/tensor.js';
import { convertTensor } from '../ops/convert.js';

/** A weight input of a layer: its fixed value and the axes one quantization range spans. */
export interface WeightPort {
  index: number;
  value: Tensor;
  /** Axes reduced into one range (everything but the output channels). */
  reductionAxes: number[];
}

/** The inputs of a layer that quantization treats: weights per channel, activations per tensor. */
export interface LayerPorts {
  node: Node;
  weights: WeightPort[];
  activations: number[];
}

/** The ops whose inputs NNCF quantizes by default (OpenVINO's low-precision kernels). */
export const QUANTIZABLE_TYPES = new Set([
  'Convolution', 'GroupConvolution', 'ConvolutionBackpropData', 'GroupConvolutionBackpropData', 'MatMul',
]);

/**
 * The value of an output fixed at build time: a Constant, or a Convert of one (the f16-stored
 * weights OpenVINO decompresses). Undefined for anything computed from model inputs.
 */
export function constantValue(o: Output): Tensor | undefined {
  const n = o.node;
  if (n.type === 'Constant') return n.op.evaluateKnown?.([], n.attrs)?.[0];
  if (n.type === 'Convert') {
    const src = constantValue(n.inputValue(0));
    const to = n.attrs['destinationType'];
    return src && typeof to === 'string' && to === o.elementType ? convertTensor(src, o.elementType) : undefined;
  }
  return undefined;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** The K axis of a MatMul operand (the one the product sums over). */
export function matMulReductionAxis(node: Node, index: number, rank: number): number {
  if (rank === 1) return 0;
  const transposed = node.attrs[index === 0 ? 'transposeA' : 'transposeB'] === true;
  return index === 0 ? (transposed ? rank - 2 : rank - 1) : (transposed ? rank - 1 : rank - 2);
}

/** Axes of a convolution's weights that one output channel's range spans. */
function convolutionReductionAxes(type: string, rank: number): number[] {
  switch (type) {
    case 'Convolution': return range(1, rank); // [O, I, k...]
    case 'GroupConvolution': return range(2, rank); // [G, O/G, I/G, k...]
    case 'ConvolutionBackpropData': return [0, ...range(2, rank)]; // [I, O, k...]
    default: return [1, ...range(3, rank)]; // GroupConvolutionBackpropData [G, I/G, O/G, k...]
  }
}

/** Which inputs of `node` are weights and which activations, or undefined for a non-quantizable node. */
export function layerPorts(node: Node): LayerPorts | undefined {
  if (!QUANTIZABLE_TYPES.has(node.type)) return undefined;
  const floatInput = (i: number): boolean => isFloatType(node.inputValue(i).elementType);
  const ports: LayerPorts = { node, weights: [], activations: [] };
  for (const i of [0, 1]) {
    if (!floatInput(i)) return undefined;
    const src = node.inputValue(i);
    const value = constantValue(src);
    const rank = src.partialShape.isRankStatic() ? src.partialShape.rank : -1;
    // Only a MatMul operand or a convolution's filter can be a weight.
    const weightSlot = node.type === 'MatMul' || i === 1;
    if (value && weightSlot && rank >= 1) {
      const axes = node.type === 'MatMul' ? [matMulReductionAxis(node, i, rank)] : convolutionReductionAxes(node.type, rank);
      ports.weights.push({ index: i, value, reductionAxes: axes });
    } else if (!value) {
      ports.activations.push(i);
    }
  }
  return ports.activations.length > 0 ? ports : undefined;
}

/** The channel axis of an activation input, as bias correction and SmoothQuant average over it. */
export function activationChannelAxis(node: Node, index: number, rank: number): number {
  return node.type === 'MatMul' ? matMulReductionAxis(node, index, rank) : 1;
}

/** The output channel axis of a layer's result (where a bias adds per channel). */
export function outputChannelAxis(node: Node, rank: number): number {
  return node.type === 'MatMul' ? rank - 1 : 1;
}
