import { attr } from '../core/attributes.js';
import { Dimension } from '../core/dimension.js';
import { check, defineOp, type InputInfo, type OpContext } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { toIntegers, type Tensor } from '../core/tensor.js';
import type { Node } from '../core/node.js';
import { checkIntegerInput, checkScalarLike, knownScalar } from './util/axes.js';
import { remapCoords, stridesOf } from './util/copy.js';
import { intInput, type IntInput } from './util/int-input.js';
import { makeNode, normalizeAxis, type NodeInput } from './util/shape.js';

/** batch_dims may count from the back of the indices' rank. */
function normalizeBatchDims(bd: number, indicesRank: number, ctx: OpContext): number {
  const b = bd < 0 ? bd + indicesRank : bd;
  check(b >= 0 && b <= indicesRank, ctx, `batch_dims ${bd} is out of range for indices of rank ${indicesRank}`);
  return b;
}

/** data[:axis] + indices[batch_dims:] + data[axis+1:], the leading batch dims shared by both. */
function gatherShape(data: InputInfo, indices: InputInfo, axisInfo: InputInfo, batchDims: number, ctx: OpContext): PartialShape {
  checkIntegerInput(indices, ctx, 'indices');
  checkIntegerInput(axisInfo, ctx, 'axis');
  checkScalarLike(axisInfo, ctx, 'axis');
  const ds = data.shape, is = indices.shape;
  if (!ds.isRankStatic() || !is.isRankStatic()) return PartialShape.dynamic();
  check(ds.rank > 0, ctx, 'data must have rank ≥ 1, got a scalar');
  const bd = normalizeBatchDims(batchDims, is.rank, ctx);
  const axisValue = knownScalar(axisInfo);
  if (axisValue === undefined) return PartialShape.dynamic(ds.rank - 1 + is.rank - bd);
  const axis = normalizeAxis(axisValue, ds.rank, ctx);
  check(bd <= axis, ctx, `batch_dims ${bd} must not exceed axis ${axis}`);
  const dd = ds.getDimensions(), id = is.getDimensions();
  const batch: Dimension[] = [];
  for (let i = 0; i < bd; i++) {
    const m = dd[i]!.merge(id[i]!);
    check(m, ctx, () => `batch dim ${i} differs: data ${ds.toString()} vs indices ${is.toString()}`);
    batch.push(m);
  }
  return new PartialShape([...batch, ...dd.slice(bd, axis), ...id.slice(bd), ...dd.slice(axis + 1)]);
}

/** Gather-1/7 reject indices outside [0, n-1]; Gather-8 (`allowNegative`) wraps negatives and zero-fills the rest. */
function gatherTensor(x: Tensor, indices: Tensor, axisT: Tensor, batchDims: number, allowNegative: boolean, ctx: OpContext): Tensor {
  const info = (t: Tensor): InputInfo => ({ type: t.getElementType(), shape: new PartialShape(t.getShape()), value: t });
  const outShape = gatherShape(info(x), info(indices), info(axisT), batchDims, ctx).toShape();
  const ds = x.getShape(), is = indices.getShape();
  const axis = normalizeAxis(toIntegers(axisT)[0]!, ds.length, ctx);
  const bd = normalizeBatchDims(batchDims, is.length, ctx);
  const idx = toIntegers(indices);
  const dStrides = stridesOf(ds), iStrides = stridesOf(is);
  const n = ds[axis]!;
  const idxRank = is.length - bd;
  return remapCoords(x, outShape, (c) => {
    let ii = 0;
    for (let d = 0; d < bd; d++) ii += c[d]! * iStrides[d]!;
    for (let d = 0; d < idxRank; d++) ii += c[axis + d]! * iStrides[bd + d]!;
    let k = idx[ii]!;
    if (allowNegative) {
      // Gather-8 fills the output for an index outside [-n, n-1] with zeros (spec example 7).
      if (k < -n || k >= n) return -1;
      if (k < 0) k += n;
    } else {
      check(k >= 0 && k < n, ctx, () => `index ${k} is out of range [0, ${n - 1}] for axis ${axis} of size ${n}`);
    }
    let src = k * dStrides[axis]!;
    for (let d = 0; d < axis; d++) src += c[d]! * dStrides[d]!;
    for (let d = axis + 1; d < ds.length; d++) src += c[d - 1 + idxRank]! * dStrides[d]!;
    return src;
  });
}

/** Gather-1: takes slices of data along axis at the given indices (no batch dims). */
export const Gather1 = defineOp({
  type: 'Gather', version: 'opset1',
  attributes: {},
  inputCount: [3, 3],
  valueInputs: [2],
  infer: ([d, i, a], _at, ctx) => [{ type: d!.type, shape: gatherShape(d!, i!, a!, 0, ctx) }],
  evaluate: ([d, i, a], _at, ctx) => [gatherTensor(d!, i!, a!, 0, false, ctx)],
});

/** Gather-7: adds batch_dims. */
export const Gather7 = defineOp({
  type: 'Gather', version: 'opset7',
  attributes: { batchDims: attr.int({ default: 0 }) },
  inputCount: [3, 3],
  valueInputs: [2],
  infer: ([d, i, a], at, ctx) => [{ type: d!.type, shape: gatherShape(d!, i!, a!, at.batchDims, ctx) }],
  evaluate: ([d, i, a], at, ctx) => [gatherTensor(d!, i!, a!, at.batchDims, false, ctx)],
});

/** Gather-8: also accepts negative indices, counting from the end of the axis; others give zeros. */
export const Gather8 = defineOp({
  type: 'Gather', version: 'opset8',
  attributes: { batchDims: attr.int({ default: 0 }) },
  inputCount: [3, 3],
  valueInputs: [2],
  infer: ([d, i, a], at, ctx) => [{ type: d!.type, shape: gatherShape(d!, i!, a!, at.batchDims, ctx) }],
  evaluate: ([d, i, a], at, ctx) => [gatherTensor(d!, i!, a!, at.batchDims, true, ctx)],
});
export const Gather = Gather8;

/** `gather(x, indices, axis, batchDims?)` (Gather-8); plain integers become i64 constants. */
export const gather = (x: NodeInput, indices: IntInput, axis: IntInput, batchDims = 0, name?: string): Node =>
  makeNode(Gather8, [x, intInput(indices), intInput(axis)], { batchDims }, name);
