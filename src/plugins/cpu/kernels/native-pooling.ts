import type { Node } from '../../../core/node.js';
import type { EvalContext, OpContext } from '../../../core/op.js';
import { Tensor } from '../../../core/tensor.js';
import type { KernelOverride } from '../../../ops/evaluate.js';
import { poolGeometry, poolWindow, type PoolAttrs } from '../../../ops/util/pool.js';
import { PAD_TYPES, ROUNDING_TYPES, type PadType, type RoundingType } from '../../../ops/util/window.js';
import type { NativeAddon, PoolGeometry } from '../native.js';
import { f32Data, intsAttr, stringAttr } from './native-util.js';

const isPadType = (s: string | undefined): s is PadType => PAD_TYPES.some((p) => p === s);
const isRounding = (s: string | undefined): s is RoundingType => ROUNDING_TYPES.some((r) => r === s);

export function poolAttrsOf(node: Node): PoolAttrs | undefined {
  const kernel = intsAttr(node, 'kernel'), strides = intsAttr(node, 'strides');
  const padsBegin = intsAttr(node, 'padsBegin'), padsEnd = intsAttr(node, 'padsEnd');
  const autoPad = stringAttr(node, 'autoPad') ?? 'explicit', roundingType = stringAttr(node, 'roundingType') ?? 'floor';
  if (!kernel || !strides || !padsBegin || !padsEnd || !isPadType(autoPad) || !isRounding(roundingType)) return undefined;
  return { kernel, strides, padsBegin, padsEnd, dilations: intsAttr(node, 'dilations') ?? [], autoPad, roundingType };
}

/**
 * The window in oneDNN's terms. oneDNN sizes the output as floor((in + pads - window) / stride) + 1,
 * so ceil rounding becomes extra end padding. Max pooling never picks padding, so that is exact; an
 * including-pad average divides by the whole window, which matches OpenVINO (it divides by the
 * positions inside [-pads_begin, in + pads_end)) only when no window reaches past pads_end, and
 * windows lying wholly in padding (OpenVINO: 0) do not arise while pads stay below the window.
 */
export function poolGeometryOf(xs: readonly number[], a: PoolAttrs, algorithm: PoolGeometry['algorithm'], ctx: OpContext): PoolGeometry | undefined {
  const w = poolWindow(a, ctx);
  if (xs.length !== w.kernel.length + 2) return undefined;
  const g = poolGeometry(xs, w, ctx);
  const dk = w.kernel.map((k, i) => (k - 1) * w.dilations[i]! + 1);
  const padsEnd: number[] = [];
  for (let i = 0; i < dk.length; i++) {
    const needed = (g.outSpatial[i]! - 1) * w.strides[i]! + dk[i]! - g.inSpatial[i]! - g.begin[i]!;
    const end = Math.max(g.end[i]!, needed);
    if (Math.floor((g.inSpatial[i]! + g.begin[i]! + end - dk[i]!) / w.strides[i]!) + 1 !== g.outSpatial[i]) return undefined;
    if (g.begin[i]! >= dk[i]! || end >= dk[i]! || g.outSpatial[i]! <= 0) return undefined;
    if (algorithm === 'avg' && end > g.end[i]!) return undefined;
    padsEnd.push(end);
  }
  return {
    x: [...xs], y: [xs[0]!, xs[1]!, ...g.outSpatial], kernel: w.kernel, strides: w.strides, dilations: w.dilations,
    padsBegin: g.begin, padsEnd, algorithm,
  };
}

function pool(addon: NativeAddon, node: Node, x: Tensor, algorithm: PoolGeometry['algorithm'], ctx: EvalContext): Tensor | undefined {
  const xd = f32Data(x);
  const a = poolAttrsOf(node);
  if (!xd || !a) return undefined;
  const g = poolGeometryOf(x.getShape(), a, algorithm, ctx);
  if (!g) return undefined;
  const out = new Tensor('f32', g.y);
  return addon.pooling(xd, f32Data(out)!, g) ? out : undefined;
}

/**
 * MaxPool-1/8/14 on oneDNN. The argmax output of v8/v14 is only produced when nothing reads it
 * (converted ONNX models never do): then it is a zero tensor of the right type and shape.
 */
export const nativeMaxPool = (addon: NativeAddon): KernelOverride => (node, [x], ctx) => {
  const indices = node.outputs[1];
  if (indices && indices.targets.size > 0) return undefined;
  const out = pool(addon, node, x!, 'max', ctx);
  if (!out) return undefined;
  return indices ? [out, new Tensor(indices.elementType, out.getShape())] : [out];
};

/** AvgPool-1/14 on oneDNN, with or without the padding in the divisor. */
export const nativeAvgPool = (addon: NativeAddon): KernelOverride => (node, [x], ctx) => {
  const out = pool(addon, node, x!, node.attrs['excludePad'] === true ? 'avgExcludePad' : 'avg', ctx);
  return out && [out];
};
