import { Dimension } from '../../core/dimension.js';
import { check, type InputInfo, type OpContext } from '../../core/op.js';
import { PartialShape } from '../../core/partial-shape.js';
import { shapeSize, type Tensor, toNumbers } from '../../core/tensor.js';
import { stridesOf } from './shape.js';
import { forEachIndex, type PadType, resolvePads, type RoundingType, spatialList, windowOutDim } from './window.js';

/** The window attributes every pooling op carries (dilations are all ones for AvgPool). */
export interface PoolAttrs {
  strides: number[];
  padsBegin: number[];
  padsEnd: number[];
  kernel: number[];
  dilations?: number[];
  roundingType: RoundingType;
  autoPad: PadType;
}

export interface PoolWindow {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  roundingType: RoundingType;
  autoPad: PadType;
}

export function poolWindow(a: PoolAttrs, ctx: OpContext): PoolWindow {
  const n = a.kernel.length;
  check(n >= 1 && n <= 3, ctx, () => `kernel [${a.kernel}] must have 1 to 3 spatial sizes`);
  const w: PoolWindow = {
    kernel: [...a.kernel],
    strides: spatialList('strides', a.strides, n, 1, ctx),
    dilations: spatialList('dilations', a.dilations ?? [], n, 1, ctx),
    padsBegin: spatialList('pads_begin', a.padsBegin, n, 0, ctx),
    padsEnd: spatialList('pads_end', a.padsEnd, n, 0, ctx),
    roundingType: a.roundingType,
    autoPad: a.autoPad,
  };
  check(w.kernel.every((k) => k > 0), ctx, () => `kernel [${w.kernel}] must be positive`);
  check(w.strides.every((s) => s > 0), ctx, () => `strides [${w.strides}] must be positive`);
  check(w.dilations.every((s) => s > 0), ctx, () => `dilations [${w.dilations}] must be positive`);
  return w;
}

/** Output shape of a pooling op: [N, C, pooled spatial...]. */
export function inferPool(x: InputInfo, a: PoolAttrs, ctx: OpContext): PartialShape {
  const w = poolWindow(a, ctx);
  const n = w.kernel.length;
  if (!x.shape.isRankStatic()) return PartialShape.dynamic(n + 2);
  check(x.shape.rank >= 3 && x.shape.rank <= 5, ctx, () => `data must be a 3D, 4D or 5D tensor, got ${x.shape.toString()}`);
  check(x.shape.rank === n + 2, ctx, () => `kernel [${w.kernel}] has ${n} sizes; data ${x.shape.toString()} has ${x.shape.rank - 2} spatial axes`);
  const d = x.shape.getDimensions();
  const spatial = d.slice(2).map((dim, i) => windowOutDim(dim, new Dimension(w.kernel[i]!), w.strides[i]!, w.dilations[i]!,
    w.padsBegin[i]!, w.padsEnd[i]!, w.autoPad, w.roundingType, ctx, i));
  return new PartialShape([d[0]!, d[1]!, ...spatial]);
}

export interface PoolGeometry {
  inSpatial: number[];
  outSpatial: number[];
  begin: number[];
  end: number[];
}

/** Pads and output sizes for a static input, through the same rule inference uses. */
export function poolGeometry(shape: readonly number[], w: PoolWindow, ctx: OpContext): PoolGeometry {
  const inSpatial = shape.slice(2);
  const dk = w.kernel.map((k, i) => (k - 1) * w.dilations[i]! + 1);
  const { begin, end } = resolvePads(w.autoPad, inSpatial, dk, w.strides, w.padsBegin, w.padsEnd);
  const outSpatial = inSpatial.map((s, i) => windowOutDim(new Dimension(s), new Dimension(w.kernel[i]!), w.strides[i]!,
    w.dilations[i]!, begin[i]!, end[i]!, w.autoPad, w.roundingType, ctx, i).min);
  return { inSpatial, outSpatial, begin, end };
}

/**
 * Visits every output window: `visit(slice, window, outIndex)` gets the linear offset of the (n, c)
 * slice, the in-data positions (spatial linear offsets within the slice) and the count of window
 * positions inside the padded area [−pads_begin, size + pads_end).
 */
export function forEachWindow(
  x: Tensor, w: PoolWindow, g: PoolGeometry,
  visit: (values: ArrayLike<number>, slice: number, positions: number[], paddedCount: number, out: number) => void,
): number[] {
  const shape = x.getShape();
  const values = toNumbers(x);
  const slices = shape[0]! * shape[1]!;
  const sliceSize = shapeSize(g.inSpatial);
  const inStr = stridesOf(g.inSpatial);
  const outSize = shapeSize(g.outSpatial);
  for (let s = 0; s < slices; s++) {
    let o = 0;
    forEachIndex(g.outSpatial, (op) => {
      const positions: number[] = [];
      let padded = 0;
      forEachIndex(w.kernel, (k) => {
        let lin = 0, inside = true, inPad = true;
        for (let d = 0; d < k.length; d++) {
          const pos = op[d]! * w.strides[d]! - g.begin[d]! + k[d]! * w.dilations[d]!;
          if (pos < -g.begin[d]! || pos >= g.inSpatial[d]! + g.end[d]!) inPad = false;
          if (pos < 0 || pos >= g.inSpatial[d]!) inside = false;
          lin += pos * inStr[d]!;
        }
        if (inPad) padded++;
        if (inside) positions.push(lin);
      });
      visit(values, s * sliceSize, positions, padded, s * outSize + o++);
    });
  }
  return [shape[0]!, shape[1]!, ...g.outSpatial];
}
