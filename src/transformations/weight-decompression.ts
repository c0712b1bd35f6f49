// The weight decompression subgraph compress-weights writes (OpenVINO's form), as a match that
// passes and plugins share: [Reshape](Multiply(Subtract?(Convert(codes), zeroPoint), scale)).
import type { ElementType } from '../core/element-type.js';
import type { Node, Output } from '../core/node.js';
import type { Tensor } from '../core/tensor.js';
import { convertTensor } from '../ops/convert.js';
import { commutedOperands, constantOf, sourceOf } from './pattern.js';

/** Integer codes one byte (u8/i8) or half a byte (u4/i4) each. */
export type CodeType = 'u8' | 'i8' | 'u4' | 'i4';
const isCodeType = (t: ElementType): t is CodeType => t === 'u8' || t === 'i8' || t === 'u4' || t === 'i4';

export interface DecompressionMatch {
  /** The Constant holding the integer codes. */
  codes: Output;
  codeType: CodeType;
  /** What the Subtract takes from the codes (absent for symmetric codes). */
  zeroPoint?: Output;
  /** What the Multiply scales by. */
  scale: Output;
  /** Convert, [Subtract], Multiply, [Reshape]: producers first. */
  nodes: Node[];
  /** The Multiply's output: the decoded weight in the codes' shape. */
  decoded: Output;
  /** The weight its readers see (after the Reshape of group-wise codes, if any). */
  output: Output;
}

/** A value fixed when the model is built: a Constant, or a Convert of one (f16-stored scales). */
export function isFixed(o: Output): boolean {
  return o.node.type === 'Constant' || (o.node.type === 'Convert' && sourceOf(o.node, 0).node.type === 'Constant');
}

/** The value of a fixed output as f32 (small tensors: scales and zero points). */
export function fixedF32(o: Output): Tensor | undefined {
  const c = o.node.type === 'Constant' ? constantOf(o) : isFixed(o) ? constantOf(sourceOf(o.node, 0)) : undefined;
  if (!c) return undefined;
  return convertTensor(o.node.type === 'Convert' ? convertTensor(c, o.elementType) : c, 'f32');
}

const isCodesConvert = (o: Output): boolean =>
  o.node.type === 'Convert' && sourceOf(o.node, 0).node.type === 'Constant' && isCodeType(sourceOf(o.node, 0).elementType)
  && o.elementType === 'f32';

const numpyBroadcast = (n: Node): boolean => (n.attrs['autoBroadcast'] ?? 'numpy') === 'numpy';

/** The decompression subgraph ending at `o`, or undefined when `o` is anything else. */
export function matchDecompression(o: Output): DecompressionMatch | undefined {
  const reshape = o.node.type === 'Reshape' && isFixed(sourceOf(o.node, 1)) ? o.node : undefined;
  const decoded = reshape ? sourceOf(reshape, 0) : o;
  const mul = decoded.node;
  if (mul.type !== 'Multiply' || !numpyBroadcast(mul)) return undefined;
  const ops = commutedOperands(mul, 'Multiply', (x, s) => isFixed(s) && (x.node.type === 'Subtract' || isCodesConvert(x)));
  if (!ops) return undefined;
  const [x, scale] = ops;
  let convert = x, zeroPoint: Output | undefined;
  if (x.node.type === 'Subtract') {
    if (!numpyBroadcast(x.node) || !isFixed(sourceOf(x.node, 1))) return undefined;
    convert = sourceOf(x.node, 0);
    zeroPoint = sourceOf(x.node, 1);
  }
  if (!isCodesConvert(convert)) return undefined;
  const codes = sourceOf(convert.node, 0);
  const codeType = codes.elementType;
  if (!isCodeType(codeType)) return undefined;
  const nodes = [convert.node, ...(zeroPoint ? [x.node] : []), mul, ...(reshape ? [reshape] : [])];
  return { codes, codeType, ...(zeroPoint ? { zeroPoint } : {}), scale, nodes, decoded, output: o };
}
