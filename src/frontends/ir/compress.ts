import { numberToF16 } from '../../core/element-type.js';
import { Model } from '../../core/model.js';
import type { Input, Node } from '../../core/node.js';
import { Tensor, toNumbers } from '../../core/tensor.js';
import { constant } from '../../ops/constant.js';
import { convert } from '../../ops/convert.js';

const F16_MAX = 65504;

/** Inputs whose values drive shape inference (Reshape's target shape...) stay exact. */
const isShapeLike = (input: Input): boolean => input.node.op.valueInputs?.includes(input.index) ?? false;

/**
 * A FakeQuantize's ranges stay f32: int8 kernels need the zero point they imply to fall exactly on
 * a level, which f16 rounding of the bounds breaks.
 */
const isQuantizerRange = (input: Input): boolean => input.node.type === 'FakeQuantize' && input.index >= 1;

/** Nodes a user or pass marked to keep full precision. */
const keepsPrecision = (n: Node): boolean =>
  Object.keys(n.rtInfo).some((k) => k.startsWith('disable_fp16_compression') || k.startsWith('precise'));

/**
 * A copy of `model` whose f32 Constants are stored as f16 Constants followed by a Convert back to
 * f32 marked with `decompression` rt_info — the layout OpenVINO's compress_to_fp16 saves.
 * Values beyond the f16 range clamp to ±65504 as OpenVINO's conversion does.
 */
export function compressedCopy(model: Model): Model {
  const copy = model.clone();
  compressConstants(copy);
  return copy;
}

function compressConstants(model: Model): void {
  for (const node of model.getOrderedOps()) {
    for (const v of Object.values(node.attrs)) if (v instanceof Model) compressConstants(v);
    const out = node.outputs[0];
    if (node.type !== 'Constant' || !out || out.elementType !== 'f32' || keepsPrecision(node)) continue;
    const targets = out.getTargetInputs();
    if (targets.length === 0 || targets.some(isShapeLike) || targets.some(isQuantizerRange)) continue;
    const value = node.attrs['value'];
    if (!(value instanceof Tensor)) continue;
    const src = toNumbers(value);
    const half = new Uint16Array(src.length);
    for (let i = 0; i < src.length; i++) half[i] = numberToF16(Math.max(-F16_MAX, Math.min(F16_MAX, src[i]!)));
    const small = constant(new Tensor('f16', out.getShape(), half));
    small.setFriendlyName(`${node.friendlyName}/compressed_to_f16`);
    const back = convert(small, 'f32', node.friendlyName);
    back.rtInfo = { ...structuredClone(node.rtInfo), decompression: { version: '0' } };
    out.replace(back.output(0));
  }
}
