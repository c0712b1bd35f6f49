import { Tensor, shapeSize } from '../../../core/tensor.js';
import type { KernelOverride } from '../../../ops/evaluate.js';

/**
 * Gather of whole rows (batch_dims 0) from a float table by integer indices: an embedding lookup,
 * one block copy per index. Declines everything else, and any index out of range, so the
 * reference kernel reports the error.
 */
export const gatherRowsKernel: KernelOverride = (node, [data, indices, axisT]) => {
  if (!data || !indices || !axisT || Number(node.attrs['batchDims'] ?? 0) !== 0) return undefined;
  if (data.getElementType() !== 'f32' || !(data.data instanceof Float32Array) || axisT.getSize() !== 1) return undefined;
  const idx = indices.data;
  if (!(idx instanceof BigInt64Array || idx instanceof Int32Array)) return undefined;
  const shape = data.getShape();
  const axis = Number((axisT.data as ArrayLike<number | bigint>)[0]!);
  if (axis !== 0 && axis !== -shape.length) return undefined;
  const rows = shape[0]!;
  const rowSize = shapeSize(shape.slice(1));
  const out = new Tensor('f32', [...indices.getShape(), ...shape.slice(1)]);
  const src = data.data, dst = out.data as Float32Array;
  for (let i = 0; i < idx.length; i++) {
    let r = Number(idx[i]!);
    if (r < 0) r += rows;
    if (!(r >= 0 && r < rows)) return undefined;
    dst.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return [out];
};
