// Constant folding: a node whose inputs are all Constants (or whose value inference already knows,
// like ShapeOf of a static shape) becomes a Constant computed with the op's reference kernel.
import { byteSize, isFloatType, type ElementType } from '../core/element-type.js';
import { InputError } from '../core/errors.js';
import { Model } from '../core/model.js';
import type { Node, Output } from '../core/node.js';
import type { EvalContext, InputInfo } from '../core/op.js';
import type { Tensor } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { constantOf, detachIfDead, finishPass, rewriteEach, type PassOptions } from './pattern.js';

export interface ConstantFoldingOptions extends PassOptions {
  /**
   * Fold weight decompression (Constant of f16/bf16/int8/int4... → Convert to a float type).
   * Off by default: plugins keep compressed weights and decompress them their own way.
   */
  foldDecompression?: boolean;
  /**
   * Fold FakeQuantize of constants (quantized weights). Off by default: low-precision kernels
   * read the quantizer's ranges to run the layer in int8.
   */
  foldWeightQuantizers?: boolean;
  /** A fold may grow the constant data past this many bytes only when its inputs are as large. */
  maxGrowthBytes?: number;
}

/** Sources, state, randomness and graph boundaries: never computed ahead of a run. */
const NEVER_FOLDED = new Set([
  'Parameter', 'Result', 'Constant', 'ReadValue', 'Assign', 'RandomUniform', 'Multinomial',
]);

const COMPRESSED_TYPES: ReadonlySet<ElementType> = new Set<ElementType>([
  'f16', 'bf16', 'u8', 'i8', 'u4', 'i4', 'u2', 'i2', 'u1',
  'f8e4m3', 'f8e5m2', 'f8e8m0', 'f4e2m1', 'f8e4m3fnuz', 'f8e5m2fnuz',
]);

/** Constant(low precision) → Convert(float): the start of a weight decompression subgraph. */
export function isDecompressionConvert(n: Node): boolean {
  if (n.type !== 'Convert') return false;
  const src = n.input(0).getSourceOutput();
  return src.node.type === 'Constant' && COMPRESSED_TYPES.has(src.elementType) &&
    isFloatType(n.output(0).elementType) && n.output(0).elementType !== src.elementType;
}

const hasBody = (n: Node): boolean => Object.values(n.attrs).some((v) => v instanceof Model);

const tensorBytes = (type: ElementType, elements: number): number => (type === 'string' ? 0 : byteSize(type, elements));

function outputBytes(n: Node): number | undefined {
  let total = 0;
  for (const o of n.outputs) {
    if (!o.partialShape.isStatic()) return undefined;
    total += tensorBytes(o.elementType, o.partialShape.toShape().reduce((a, b) => a * b, 1));
  }
  return total;
}

const foldingContext = (n: Node): EvalContext => ({
  name: n.friendlyName, type: n.type, variables: new Map(),
  runBody: () => { throw new InputError('bodies are not run while folding constants'); },
});

/** The node's output values when they can be computed now, else undefined. */
function foldedValues(n: Node, options: ConstantFoldingOptions): Tensor[] | undefined {
  const inputs = n.inputs.map((i) => constantOf(i.getSourceOutput()));
  const allConstant = inputs.every((t) => t !== undefined);
  const known = n.outputs.every((o) => o.knownValue !== undefined);
  if (!allConstant && !(known && n.op.evaluateKnown)) return undefined;
  if (allConstant) {
    const inBytes = inputs.reduce((s, t) => s + t!.getByteSize(), 0);
    const outBytes = outputBytes(n);
    const limit = options.maxGrowthBytes ?? 4 << 20;
    if (outBytes !== undefined && outBytes > limit && outBytes > 2 * inBytes) return undefined;
  }
  if (known) return n.outputs.map((o) => o.knownValue!);
  if (!allConstant) return undefined;
  try {
    const infos: InputInfo[] = n.inputs.map((i, k) => ({ type: i.getElementType(), shape: i.getPartialShape(), value: inputs[k]! }));
    return n.op.evaluateKnown?.(infos, n.attrs) ?? n.op.evaluate(inputs.map((t) => t!), n.attrs, foldingContext(n));
  } catch {
    return undefined; // the same inputs fail with a proper error when the model runs
  }
}

/** Replaces each read output of `n` by a Constant holding `values[i]`. */
function replaceByConstants(n: Node, values: readonly Tensor[]): boolean {
  const outs: Output[] = n.outputs;
  if (values.length !== outs.length) return false;
  if (values.some((v, i) => v.getElementType() !== outs[i]!.elementType || !outs[i]!.partialShape.accepts(v.getShape()))) return false;
  outs.forEach((o, i) => {
    if (o.targets.size === 0) return;
    const c = constant(values[i]!);
    c.friendlyName = outs.length === 1 ? n.friendlyName : `${n.friendlyName}.${i}`;
    c.rtInfo = structuredClone(n.rtInfo);
    o.replace(c.output(0));
  });
  detachIfDead(n);
  return true;
}

/** Folds every foldable node, producers first, so whole constant chains collapse in one run. */
export function foldConstants(model: Model, options: ConstantFoldingOptions = {}): number {
  const folded = rewriteEach(model, (n) => {
    if (NEVER_FOLDED.has(n.type) || n.type.startsWith('Random') || hasBody(n)) return false;
    if (!options.foldDecompression && isDecompressionConvert(n)) return false;
    if (!options.foldWeightQuantizers && n.type === 'FakeQuantize') return false;
    const values = foldedValues(n, options);
    return values !== undefined && replaceByConstants(n, values);
  });
  return finishPass(model, folded, options);
}
