import { Tensor, shapeSize } from '../../../core/tensor.js';
import type { KernelOverride } from '../../../ops/evaluate.js';

/**
 * Gather of whole rows (batch_dims 0) by integer indices: an embedding lookup, one block copy per
 * index. Tables of any type stored one element per array slot qualify: f32 ones, and the u8/i8
 * codes of a compressed embedding, whose gathered rows alone are then decoded (see
 * transformations/gather-decompression.ts). Declines everything else, and any index out of range,
 * so the reference kernel reports the error.
 */
export const gatherRowsKernel: KernelOverride = (node, [data, indices, axisT]) => {
  if (!data || !indices || !axisT || Number(node.attrs['batchDims'] ?? 0) !== 0) return undefined;
  const type = data.getElementType(), src = data.data;
  if (!(type === 'f32' || type === 'u8' || type === 'i8') || axisT.getSize() !== 1) return undefined;
  if (!(src instanceof Float32Array || src instanceof Uint8Array || src instanceof Int8Array)) return undefined;
  const idx = indices.data;
  if (!(idx instanceof BigInt64Array || idx instanceof Int32Array)) return undefined;
  const shape = data.getShape();
  const axis = Number((axisT.data as ArrayLike<number | bigint>)[0]!);
  if (axis !== 0 && axis !== -shape.length) return undefined;
  const rows = shape[0]!;
  const rowSize = shapeSize(shape.slice(1));
  const dst = src instanceof Float32Array ? new Float32Array(idx.length * rowSize)
    : src instanceof Uint8Array ? new Uint8Array(idx.length * rowSize) : new Int8Array(idx.length * rowSize);
  for (let i = 0; i < idx.length; i++) {
    let r = Number(idx[i]!);
    if (r < 0) r += rows;
    if (!(r >= 0 && r < rows)) return undefined;
    dst.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return [new Tensor(type, [...indices.getShape(), ...shape.slice(1)], dst)];
};
