import type { Node, Output } from '../../../core/node.js';
import { opset } from '../../../ops/index.js';
import type { NodeContext, TranslatorTable } from '../translator.js';
import { i64Const, reshapedConstant } from './helpers.js';
import { col2imDynamic } from './recent-col2im.js';
import { perChannel, readWindow, shapeSlice, spatialCount, staticShape, staticSpatial, type OnnxWindow } from './nn-util.js';

/**
 * ONNX keeps grouped weights flat ([M, C/G, k...] for Conv, [C, M/G, k...] for ConvTranspose);
 * the core group ops want the group split out in front: [G, first/G, second, k...].
 */
function groupedWeights(w: Output, group: number): Output {
  const s = staticShape(w);
  if (s) {
    const dims = [group, s[0]! / group, ...s.slice(1)];
    return reshapedConstant(w, dims) ?? opset.reshape(w, i64Const(dims)).output(0);
  }
  const r = w.partialShape.rank;
  return opset.reshape(w, opset.concat([i64Const([group, -1]), shapeSlice(w, 1, r)], 0)).output(0);
}

function addBias(ctx: NodeContext, y: Node, n: number, biasInput: number): Output {
  const b = ctx.optionalInput(biasInput);
  return b ? opset.add(y, perChannel(b, n + 2)).output(0) : y.output(0);
}

function checkGroup(ctx: NodeContext, x: Output, group: number): void {
  if (group < 1) ctx.invalid(`group must be ≥ 1, got ${group}`);
  const c = x.partialShape.isRankStatic() ? x.partialShape.dim(1) : undefined;
  if (c?.isStatic() && c.min % group !== 0) ctx.invalid(`input channels ${c.min} are not divisible by group ${group}`);
}

const convWindowOf = (win: OnnxWindow) => ({
  strides: win.strides, dilations: win.dilations, padsBegin: win.padsBegin, padsEnd: win.padsEnd, autoPad: win.autoPad,
});

function Conv(ctx: NodeContext): Output {
  const x = ctx.input(0), w = ctx.input(1);
  const n = spatialCount(ctx, x, w);
  const win = convWindowOf(readWindow(ctx, n));
  const group = ctx.int('group', 1);
  checkGroup(ctx, x, group);
  const y = group === 1 ? opset.convolution(x, w, win) : opset.groupConvolution(x, groupedWeights(w, group), win);
  return addBias(ctx, y, n, 2);
}

/**
 * Pads of a transposed convolution with a target size (output_shape, or input·stride under SAME):
 * the total is split with the smaller half first for SAME_UPPER and last otherwise (ONNX spec).
 */
function targetPads(win: OnnxWindow, inSp: number[], kernel: number[], outPad: number[], target: number[]): [number[], number[]] {
  const begin: number[] = [], end: number[] = [];
  inSp.forEach((v, i) => {
    const total = win.strides[i]! * (v - 1) + outPad[i]! + (kernel[i]! - 1) * win.dilations[i]! + 1 - target[i]!;
    const half = Math.floor(total / 2);
    begin.push(win.autoPad === 'same_upper' ? half : total - half);
    end.push(win.autoPad === 'same_upper' ? total - half : half);
  });
  return [begin, end];
}

function ConvTranspose(ctx: NodeContext): Output {
  const x = ctx.input(0), w = ctx.input(1);
  const n = spatialCount(ctx, x, w);
  const win = readWindow(ctx, n);
  const group = ctx.int('group', 1);
  checkGroup(ctx, x, group);
  const outPad = ctx.intList('output_padding', new Array<number>(n).fill(0));
  if (outPad.length !== n) ctx.invalid(`output_padding [${outPad}] does not fit ${n} spatial axes`);
  // Some exporters write the whole output shape, batch and channels included.
  const given = ctx.has('output_shape') ? ctx.intList('output_shape').slice(-n) : undefined;
  let padsBegin = win.padsBegin, padsEnd = win.padsEnd;
  let target: number[] | undefined;
  if (win.autoPad === 'valid') {
    padsBegin = padsEnd = new Array<number>(n).fill(0);
  } else if (given || win.autoPad !== 'explicit') {
    const inSp = staticSpatial(x), kernel = ctx.has('kernel_shape') ? ctx.intList('kernel_shape') : staticSpatial(w);
    if (!inSp || !kernel) return ctx.unsupported('output_shape or SAME auto_pad with dynamic spatial dims');
    target = given ?? inSp.map((v, i) => v * win.strides[i]!);
    [padsBegin, padsEnd] = targetPads(win, inSp, kernel, outPad, target);
    if (padsBegin.some((p) => p < 0)) ctx.unsupported(`output_shape [${target}] needs negative leading pads`);
  }
  // A target beyond the full result (negative end pads) is zero-filled: the core op takes it as output_shape.
  const outShape = target && padsEnd.some((p) => p < 0) ? i64Const(target) : undefined;
  if (outShape) padsEnd = padsEnd.map((p) => Math.max(0, p));
  const o = { strides: win.strides, dilations: win.dilations, padsBegin, padsEnd, autoPad: 'explicit' as const, outputPadding: outPad };
  const y = group === 1
    ? opset.convolutionBackpropData(x, w, o, outShape)
    : opset.groupConvolutionBackpropData(x, groupedWeights(w, group), o, outShape);
  return addBias(ctx, y, n, 2);
}

/**
 * Col2Im: 2-D images map onto the core Col2Im-15. Other ranks (which it lacks) become a
 * transposed convolution, im2col's adjoint: the columns, seen as [N·C, K, L_1, ...] over the grid
 * of block positions, scatter through a one-hot kernel [K, 1, k...] (column j feeds tap j).
 */
function Col2Im(ctx: NodeContext): Output {
  const x = ctx.input(0), imageInput = ctx.input(1), blockInput = ctx.input(2);
  const s = imageInput.partialShape;
  const n = s.isRankStatic() && s.rank === 1 && s.dim(0).isStatic() ? s.dim(0).min : undefined;
  if (n === undefined) return ctx.unsupported('image_shape of unknown length');
  const win = readWindow(ctx, n);
  if (n === 2) {
    return opset.col2im(x, imageInput, blockInput, { strides: win.strides, dilations: win.dilations, padsBegin: win.padsBegin, padsEnd: win.padsEnd }).output(0);
  }
  const image = ctx.ints(1), block = ctx.ints(2);
  if (!image || !block) {
    if (x.partialShape.isRankStatic() && x.partialShape.rank === 2) {
      return opset.squeeze(col2imDynamic(opset.unsqueeze(x, i64Const([0])).output(0), imageInput, blockInput, n, win), i64Const([0])).output(0);
    }
    return col2imDynamic(x, imageInput, blockInput, n, win);
  }
  const k = block.reduce((a, b) => a * b, 1);
  const grid = image.map((v, i) => Math.floor((v + win.padsBegin[i]! + win.padsEnd[i]! - (block[i]! - 1) * win.dilations[i]! - 1) / win.strides[i]!) + 1);
  const oneHot = new Array<number>(k * k).fill(0);
  for (let j = 0; j < k; j++) oneHot[j * k + j] = 1;
  const kernel = opset.constant(x.elementType, [k, 1, ...block], oneHot);
  const cols = opset.reshape(x, i64Const([-1, k, ...grid]));
  const o = { strides: win.strides, dilations: win.dilations, padsBegin: win.padsBegin, padsEnd: new Array<number>(n).fill(0) };
  const y = opset.convolutionBackpropData(cols, kernel, o, i64Const(image));
  return opset.reshape(y, opset.concat([shapeSlice(x, 0, 1), i64Const([-1, ...image])], 0)).output(0);
}

export const convTranslators: TranslatorTable = { Conv, ConvTranspose, Col2Im };
