import { attr } from '../../core/attributes.js';
import { Dimension } from '../../core/dimension.js';
import type { ElementType } from '../../core/element-type.js';
import { check, type InputInfo, type OpContext } from '../../core/op.js';
import type { PartialShape } from '../../core/partial-shape.js';
import { Tensor, tensorFromNumbers, toNumbers, shapeSize } from '../../core/tensor.js';
import { asOutput, stridesOf, type NodeInput } from './shape.js';
import { autoPadAttr, forEachIndex, type PadType, resolvePads, spatialList, windowOutDim } from './window.js';

/** Attributes shared by Convolution-1 and GroupConvolution-1 (same IR names and order of meaning). */
export const convAttributes = {
  strides: attr.ints(),
  padsBegin: attr.ints(),
  padsEnd: attr.ints(),
  dilations: attr.ints(),
  autoPad: autoPadAttr(),
};

export interface ConvWindow {
  strides: number[];
  padsBegin: number[];
  padsEnd: number[];
  dilations: number[];
  autoPad: PadType;
}

/** Checks the element types of data and filters: equal and numeric. */
export function checkConvTypes(data: InputInfo, filters: InputInfo, ctx: OpContext): ElementType {
  check(data.type === filters.type, ctx, `data type ${data.type} does not match filters type ${filters.type}`);
  check(data.type !== 'string' && data.type !== 'boolean', ctx, `element type must be numeric, got ${data.type}`);
  return data.type;
}

/**
 * Number of spatial axes: from the data rank, else the filters rank (minus `filterLead` non-spatial
 * dims), else the attribute lengths. Also checks that data and filters ranks agree.
 */
export function convSpatialCount(data: PartialShape, filters: PartialShape, filterLead: number, attrs: ConvWindow, ctx: OpContext): number | undefined {
  let n: number | undefined;
  if (data.isRankStatic()) {
    check(data.rank >= 3 && data.rank <= 5, ctx, () => `data must be a 3D, 4D or 5D tensor, got ${data.toString()}`);
    n = data.rank - 2;
  }
  if (filters.isRankStatic()) {
    const fromFilters = filters.rank - filterLead;
    check(n === undefined || fromFilters === n, ctx,
      () => `filters ${filters.toString()} must have rank ${(n ?? 0) + filterLead} for data ${data.toString()}`);
    n = fromFilters;
  }
  if (n === undefined) {
    const lens = [attrs.strides, attrs.dilations, attrs.padsBegin, attrs.padsEnd].map((a) => a.length).filter((l) => l > 0);
    n = lens[0];
  }
  return n;
}

/** Spatial attributes filled to `n` entries and validated. */
export function convWindow(attrs: ConvWindow, n: number, ctx: OpContext): ConvWindow {
  const w: ConvWindow = {
    strides: spatialList('strides', attrs.strides, n, 1, ctx),
    dilations: spatialList('dilations', attrs.dilations, n, 1, ctx),
    padsBegin: spatialList('pads_begin', attrs.padsBegin, n, 0, ctx),
    padsEnd: spatialList('pads_end', attrs.padsEnd, n, 0, ctx),
    autoPad: attrs.autoPad,
  };
  check(w.strides.every((s) => s > 0), ctx, () => `strides [${w.strides}] must be positive`);
  check(w.dilations.every((s) => s > 0), ctx, () => `dilations [${w.dilations}] must be positive`);
  return w;
}

/** Output spatial dims of a forward convolution over (possibly dynamic) data and kernel dims. */
export function forwardSpatial(data: PartialShape, kernel: readonly Dimension[], w: ConvWindow, n: number, ctx: OpContext): Dimension[] {
  const dims = data.isRankStatic() ? data.getDimensions().slice(2) : new Array(n).fill(Dimension.dynamic());
  return dims.map((d, i) => windowOutDim(d, kernel[i]!, w.strides[i]!, w.dilations[i]!, w.padsBegin[i]!, w.padsEnd[i]!, w.autoPad, 'floor', ctx, i));
}

/** The dims of a shape, or `count` dynamic dims when its rank is dynamic. */
export const dimsOr = (s: PartialShape, count: number): Dimension[] =>
  s.isRankStatic() ? s.getDimensions() : new Array<Dimension>(count).fill(Dimension.dynamic());

/**
 * Naive grouped N-D convolution. `w` is read as [C_out, C_in / groups, k...] (GroupConvolution's
 * [G, C_out/G, C_in/G, k...] has the same memory order); outside the data counts as zero.
 * Spatial dims are padded to three (depth, height, width) so one set of plain loops serves
 * 1-D, 2-D and 3-D; accumulation is in f64.
 */
export function convolveForward(x: Tensor, w: Tensor, groups: number, win: ConvWindow): Tensor {
  const xs = x.getShape();
  const ws = w.getShape();
  const spatial = xs.slice(2);
  const kernel = ws.slice(ws.length - spatial.length);
  const cinG = xs[1]! / groups;
  const cout = shapeSize(ws) / (shapeSize(kernel) * cinG);
  const coutG = cout / groups;
  const dk = kernel.map((k, i) => (k - 1) * win.dilations[i]! + 1);
  const { begin, end } = resolvePads(win.autoPad, spatial, dk, win.strides, win.padsBegin, win.padsEnd);
  const outSpatial = spatial.map((s, i) => Math.floor((s + begin[i]! + end[i]! - dk[i]!) / win.strides[i]!) + 1);
  const outShape = [xs[0]!, cout, ...outSpatial];
  const pad3 = (a: readonly number[], fill: number) => [...Array(3 - a.length).fill(fill), ...a];
  const [ID, IH, IW] = pad3(spatial, 1) as [number, number, number];
  const [KD, KH, KW] = pad3(kernel, 1) as [number, number, number];
  const [OD, OH, OW] = pad3(outSpatial, 1) as [number, number, number];
  const [SD, SH, SW] = pad3(win.strides, 1) as [number, number, number];
  const [DD, DH, DW] = pad3(win.dilations, 1) as [number, number, number];
  const [PD, PH, PW] = pad3(begin, 0) as [number, number, number];
  const xv = toNumbers(x), wv = toNumbers(w);
  const out = new Float64Array(shapeSize(outShape));
  const inPlane = ID * IH * IW, kPlane = KD * KH * KW, outPlane = OD * OH * OW;
  // Weight-major order: each weight scales one shifted input row into one output row, so the
  // inner loop walks both contiguously whatever the channel count.
  for (let n = 0; n < xs[0]!; n++) {
    for (let co = 0; co < cout; co++) {
      const g = Math.floor(co / coutG);
      const outBase = (n * cout + co) * outPlane;
      for (let ci = 0; ci < cinG; ci++) {
        const xBase = (n * xs[1]! + g * cinG + ci) * inPlane;
        for (let kd = 0; kd < KD; kd++) for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
          const wv1 = wv[(co * cinG + ci) * kPlane + (kd * KH + kh) * KW + kw]!;
          const shift = kw * DW - PW;
          // Output columns whose input column ow·SW + shift lies inside [0, IW).
          const owStart = Math.max(0, Math.ceil(-shift / SW));
          const owEnd = Math.min(OW, Math.floor((IW - 1 - shift) / SW) + 1);
          for (let od = 0; od < OD; od++) {
            const id = od * SD - PD + kd * DD;
            if (id < 0 || id >= ID) continue;
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * SH - PH + kh * DH;
              if (ih < 0 || ih >= IH) continue;
              const xRow = xBase + (id * IH + ih) * IW + shift;
              const oRow = outBase + (od * OH + oh) * OW;
              for (let ow = owStart; ow < owEnd; ow++) out[oRow + ow] += wv1 * xv[xRow + ow * SW]!;
            }
          }
        }
      }
    }
  }
  return tensorFromNumbers(x.getElementType(), outShape, out);
}

/**
 * Naive transposed convolution: every data element scatters through the kernel to output position
 * i·stride + k·dilation − pads_begin; positions outside [0, outSpatial) are dropped. `w` is
 * [C_in, C_out, k...].
 */
export function convolveBackward(x: Tensor, w: Tensor, win: ConvWindow, padsBegin: readonly number[], outSpatial: readonly number[]): Tensor {
  const xs = x.getShape(), ws = w.getShape();
  const spatial = xs.slice(2), kernel = ws.slice(2);
  const cin = xs[1]!, cout = ws[1]!;
  const outShape = [xs[0]!, cout, ...outSpatial];
  const xv = toNumbers(x), wv = toNumbers(w);
  const xStr = stridesOf(xs), wStr = stridesOf(ws), oStr = stridesOf(outShape);
  const out = new Float64Array(shapeSize(outShape));
  for (let nb = 0; nb < xs[0]!; nb++) {
    for (let ci = 0; ci < cin; ci++) {
      forEachIndex(spatial, (ip) => {
        let xi = nb * xStr[0]! + ci * xStr[1]!;
        for (let d = 0; d < ip.length; d++) xi += ip[d]! * xStr[d + 2]!;
        const xval = xv[xi]!;
        for (let co = 0; co < cout; co++) {
          forEachIndex(kernel, (k) => {
            let oi = nb * oStr[0]! + co * oStr[1]!, wi = ci * wStr[0]! + co * wStr[1]!;
            for (let d = 0; d < k.length; d++) {
              const pos = ip[d]! * win.strides[d]! + k[d]! * win.dilations[d]! - padsBegin[d]!;
              if (pos < 0 || pos >= outSpatial[d]!) return;
              oi += pos * oStr[d + 2]!;
              wi += k[d]! * wStr[d + 2]!;
            }
            out[oi] += xval * wv[wi]!;
          });
        }
      });
    }
  }
  return tensorFromNumbers(x.getElementType(), outShape, out);
}

/** What the convolution factories accept; omitted lists default to ones (strides, dilations) or zeros. */
export interface ConvolutionOptions {
  strides?: number[];
  padsBegin?: number[];
  padsEnd?: number[];
  dilations?: number[];
  autoPad?: PadType;
}

/** Number of spatial axes a factory can see from its inputs' ranks (for default attribute lists). */
export function factorySpatial(x: NodeInput, w: NodeInput, filterLead: number): number {
  const xs = asOutput(x).partialShape, ws = asOutput(w).partialShape;
  if (xs.isRankStatic()) return xs.rank - 2;
  return ws.isRankStatic() ? ws.rank - filterLead : 0;
}

export function convFactoryAttrs(o: ConvolutionOptions, n: number): Required<ConvolutionOptions> {
  return {
    strides: o.strides ?? new Array<number>(n).fill(1),
    padsBegin: o.padsBegin ?? new Array<number>(n).fill(0),
    padsEnd: o.padsEnd ?? new Array<number>(n).fill(0),
    dilations: o.dilations ?? new Array<number>(n).fill(1),
    autoPad: o.autoPad ?? 'explicit',
  };
}
