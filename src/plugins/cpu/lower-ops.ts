import type { Node, Output } from '../../core/node.js';
import { Tensor, shapeSize, toIntegers } from '../../core/tensor.js';
import { sameShape } from '../../ops/util/shape.js';
import { convGeometry } from './kernels/native-convolution.js';
import { poolAttrsOf, poolGeometryOf } from './kernels/native-pooling.js';
import { intsAttr } from './kernels/native-util.js';
import { int8Bias, lowerFakeQuantize, lowerInt8Convolution, lowerInt8MatMul } from './lower-int8.js';
import { lowerInterpolate } from './lower-resample.js';
import type { Lowering } from './lowering.js';
import type { BinaryAlgorithm, EltwiseAlgorithm, PlanPostOp, PlanStep } from './native.js';

/**
 * One lowering per op type: emit plan steps for the node, or fuse it into the step that produced
 * its input, and return true; return false to leave the node to JavaScript.
 */
export type NativeLowering = (node: Node, l: Lowering) => boolean;

const shapeOf = (o: Output): number[] => o.getShape();
const inp = (node: Node, i: number): Output => node.inputs[i]!.getSourceOutput();
const ints = (t: Tensor | undefined): number[] | undefined => (t ? toIntegers(t) : undefined);
const padTo = (dims: readonly number[], rank: number): number[] => [...new Array<number>(rank - dims.length).fill(1), ...dims];
const normAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** A scalar f32 constant's value (any shape of one element). */
function scalarOf(l: Lowering, o: Output): number | undefined {
  const t = l.constOf(o);
  return t && t.getElementType() === 'f32' && t.getSize() === 1 ? (t.data as Float32Array)[0] : undefined;
}

// ---- activations: a post-op of the producing conv/matmul/binary when possible, else a step ----

type Activation = (node: Node, l: Lowering) => { algorithm: EltwiseAlgorithm | 'linear'; alpha: number; beta: number } | undefined;

const act = (algorithm: EltwiseAlgorithm, alpha = 0, beta = 0): Activation => () => ({ algorithm, alpha, beta });

/** oneDNN's clip maps NaN to the lower bound where Clamp keeps it; only fused (Relu6 after a conv) is safe enough. */
const ACTIVATIONS = new Map<string, { map: Activation; standalone: boolean }>([
  ['Relu', { map: act('relu'), standalone: true }],
  ['Sigmoid', { map: act('logistic'), standalone: true }],
  ['Tanh', { map: act('tanh'), standalone: true }],
  ['Exp', { map: act('exp'), standalone: true }],
  ['Abs', { map: act('abs'), standalone: true }],
  ['Sqrt', { map: act('sqrt'), standalone: true }],
  ['HSwish', { map: act('hardswish'), standalone: true }],
  ['Mish', { map: act('mish'), standalone: true }],
  ['SoftPlus', { map: act('soft_relu'), standalone: true }],
  ['Elu', { map: (n) => ({ algorithm: 'elu', alpha: Number(n.attrs['alpha']), beta: 0 }), standalone: true }],
  ['Clamp', { map: (n) => ({ algorithm: 'clip', alpha: Number(n.attrs['min']), beta: Number(n.attrs['max']) }), standalone: false }],
  ['Gelu', { map: (n) => ({ algorithm: n.attrs['approximationMode'] === 'tanh' ? 'gelu_tanh' : 'gelu_erf', alpha: 0, beta: 0 }), standalone: true }],
  ['Swish', {
    map: (n, l) => {
      const beta = n.inputs.length > 1 ? scalarOf(l, inp(n, 1)) : 1;
      return beta === undefined ? undefined : { algorithm: 'swish', alpha: beta, beta: 0 };
    },
    standalone: true,
  }],
]);

const POST_OP_HOSTS = ['conv', 'deconv', 'matmul', 'binary'] as const;

function lowerEltwise(node: Node, l: Lowering, e: { algorithm: EltwiseAlgorithm | 'linear'; alpha: number; beta: number }, standalone: boolean,
  x: Output = inp(node, 0)): boolean {
  const host = l.fusableProducer(x, node, POST_OP_HOSTS);
  if (host && appendEltwise(host.post, e)) {
    l.absorb(node, host);
    return true;
  }
  if (!standalone) return false;
  const src = l.slotOf(x);
  if (src === undefined) return false;
  l.emit({ kind: 'eltwise', src, dst: l.newSlot(shapeOf(node.output(0))), ...e }, node, node.output(0));
  return true;
}

/**
 * Appends an eltwise post-op, composing it with a linear one right before it. oneDNN 2.6's GEMM
 * matmul computes chains holding two linear post-ops wrongly, so a chain keeps at most one.
 */
export function appendEltwise(post: PlanPostOp[], e: { algorithm: EltwiseAlgorithm | 'linear'; alpha: number; beta: number }): boolean {
  const last = post[post.length - 1];
  if (e.algorithm === 'linear' && last?.kind === 'eltwise' && last.algorithm === 'linear') {
    // a2·(a1·x + b1) + b2
    last.beta = e.alpha * last.beta + e.beta;
    last.alpha *= e.alpha;
    return true;
  }
  if (e.algorithm === 'linear' && post.some((p) => p.kind === 'eltwise' && p.algorithm === 'linear')) return false;
  post.push({ kind: 'eltwise', ...e });
  return true;
}

const activationLowering = (spec: { map: Activation; standalone: boolean }): NativeLowering => (node, l) => {
  const e = spec.map(node, l);
  return e !== undefined && lowerEltwise(node, l, e, spec.standalone);
};

// ---- binary ops ----

const BINARY: Record<string, { algorithm: BinaryAlgorithm; commutative: boolean }> = {
  Add: { algorithm: 'add', commutative: true },
  Multiply: { algorithm: 'mul', commutative: true },
  Subtract: { algorithm: 'sub', commutative: false },
  Divide: { algorithm: 'div', commutative: false },
  Maximum: { algorithm: 'max', commutative: true },
  Minimum: { algorithm: 'min', commutative: true },
};

/** x op c for a scalar constant c as oneDNN's linear eltwise (alpha·x + beta), when it is one. */
function linearOf(type: string, c: number, constFirst: boolean): { alpha: number; beta: number } | undefined {
  if (type === 'Add') return { alpha: 1, beta: c };
  if (type === 'Multiply') return { alpha: c, beta: 0 };
  if (type === 'Subtract') return constFirst ? { alpha: -1, beta: c } : { alpha: 1, beta: -c };
  if (type === 'Divide' && !constFirst && c !== 0) return { alpha: 1 / c, beta: 0 };
  return undefined;
}

const lowerBinary: NativeLowering = (node, l) => {
  const spec = BINARY[node.type];
  if (!spec || (node.attrs['autoBroadcast'] !== undefined && node.attrs['autoBroadcast'] !== 'numpy')) return false;
  const out = shapeOf(node.output(0));
  const [a, b] = [inp(node, 0), inp(node, 1)];
  // A scalar constant operand: a linear eltwise, fused when possible.
  for (const [x, c, constFirst] of [[a, b, false], [b, a, true]] as const) {
    const k = scalarOf(l, c);
    const lin = k === undefined ? undefined : linearOf(node.type, k, constFirst);
    if (lin && l.constOf(x) === undefined && sameShape(shapeOf(x), out)) {
      return lowerEltwise(node, l, { algorithm: 'linear', ...lin }, true, x);
    }
  }
  if (lowerBiasOrPostOp(node, l, spec, out)) return true;
  let [first, second] = [a, b];
  if (!sameShape(shapeOf(first), out)) {
    if (!spec.commutative || !sameShape(shapeOf(second), out)) return false;
    [first, second] = [second, first];
  }
  const src = l.slotOf(first);
  const other = l.slotOf(second, padTo(shapeOf(second), out.length));
  if (src === undefined || other === undefined) return false;
  l.emit({ kind: 'binary', a: src, b: other, dst: l.newSlot(out), algorithm: spec.algorithm, post: [] }, node, node.output(0));
  return true;
};

/**
 * Folds `host_output op operand` into the host step: a per-channel constant after a convolution
 * becomes its bias; a same-shaped operand of an Add a residual sum; any other broadcastable
 * operand a binary post-op.
 */
function lowerBiasOrPostOp(node: Node, l: Lowering, spec: { algorithm: BinaryAlgorithm; commutative: boolean }, out: number[]): boolean {
  for (const [hostOut, operand] of spec.commutative ? [[inp(node, 0), inp(node, 1)], [inp(node, 1), inp(node, 0)]] : [[inp(node, 0), inp(node, 1)]]) {
    if (!sameShape(shapeOf(hostOut!), out)) continue;
    const host = l.fusableProducer(hostOut!, node, POST_OP_HOSTS);
    if (!host || !l.readyBefore(operand!, hostOut!)) continue;
    const operandDims = shapeOf(operand!);
    const c = l.constOf(operand!);
    const channelAxis = host.kind === 'matmul' ? out.length - 1 : 1;
    if (spec.algorithm === 'add' && c && host.kind !== 'binary' && host.bias === undefined
      && host.post.length === 0 && isPerChannel(operandDims, out, channelAxis)) {
      const channels = out[channelAxis]!;
      const bias = l.constSlot(host.kind !== 'deconv' && host.scales ? int8Bias(c, host.scales) : c, [channels]);
      if (bias === undefined) return false;
      host.bias = bias;
      l.absorb(node, host);
      return true;
    }
    if (spec.algorithm === 'add' && !c && sameShape(operandDims, out) && !host.post.some((p) => p.kind === 'sum')) {
      const src = l.slotOf(operand!);
      if (src === undefined) return false;
      l.absorb(node, host, { kind: 'sum', src });
      return true;
    }
    if (operandDims.length <= out.length && broadcasts(padTo(operandDims, out.length), out)) {
      const src = l.slotOf(operand!, padTo(operandDims, out.length));
      if (src === undefined) return false;
      l.absorb(node, host, { kind: 'binary', algorithm: spec.algorithm, src });
      return true;
    }
  }
  return false;
}

const broadcasts = (operand: readonly number[], out: readonly number[]): boolean => operand.every((d, i) => d === 1 || d === out[i]);

/** dims hold `out[axis]` values along `axis` only (after padding to out's rank). */
function isPerChannel(dims: readonly number[], out: readonly number[], axis: number): boolean {
  const p = padTo(dims, out.length);
  return p.length === out.length && p.every((d, i) => (i === axis ? d === out[axis] : d === 1));
}

// ---- convolution, matmul, pooling ----

const lowerConvolution: NativeLowering = (node, l) => {
  const w = l.constOf(inp(node, 1));
  if (!w) return false;
  const g = convGeometry(node, shapeOf(inp(node, 0)), w.getShape());
  if (!g) return false;
  const src = l.slotOf(inp(node, 0));
  const weights = l.constSlot(w, w.getShape());
  if (src === undefined || weights === undefined) return false;
  l.emit({
    kind: 'conv', src, weights, dst: l.newSlot(g.y), strides: g.strides, dilations: g.dilations,
    padsBegin: g.padsBegin, padsEnd: g.padsEnd, post: [],
  }, node, node.output(0));
  return true;
};

/**
 * ConvolutionBackpropData (and grouped) with explicit pads and no output_shape input. oneDNN sizes
 * the output from the pads, so output_padding shrinks the end padding; a negative remainder is left
 * to JavaScript.
 */
const lowerDeconvolution: NativeLowering = (node, l) => {
  const w = l.constOf(inp(node, 1));
  const autoPad = node.attrs['autoPad'] ?? 'explicit';
  if (!w || node.inputs.length > 2 || autoPad !== 'explicit') return false;
  const xs = shapeOf(inp(node, 0));
  const out = shapeOf(node.output(0));
  const spatial = xs.length - 2;
  const ks = w.getShape().slice(-spatial);
  const list = (key: string, fill: number): number[] => {
    const v = intsAttr(node, key);
    return v && v.length === spatial ? v : new Array<number>(spatial).fill(fill);
  };
  const strides = list('strides', 1), dilations = list('dilations', 1), padsBegin = list('padsBegin', 0);
  const padsEnd = ks.map((k, i) => (xs[i + 2]! - 1) * strides[i]! + (k - 1) * dilations[i]! + 1 - padsBegin[i]! - out[i + 2]!);
  if (spatial < 1 || spatial > 3 || padsEnd.some((p) => p < 0) || padsBegin.some((p) => p < 0)) return false;
  const src = l.slotOf(inp(node, 0));
  const weights = l.constSlot(w, w.getShape());
  if (src === undefined || weights === undefined) return false;
  l.emit({ kind: 'deconv', src, weights, dst: l.newSlot(out), strides, dilations, padsBegin, padsEnd, post: [] }, node, node.output(0));
  return true;
};

const lowerMatMul: NativeLowering = (node, l) => {
  const [a, b] = [inp(node, 0), inp(node, 1)];
  const out = shapeOf(node.output(0));
  const [ra, rb] = [shapeOf(a).length, shapeOf(b).length];
  if (ra < 2 || rb < 2) return false;
  const bConst = l.constOf(b);
  // Constant 2-D weights keep their shape: the plan folds A's leading axes into one GEMM.
  const aSlot = l.slotOf(a, ra === out.length ? shapeOf(a) : padTo(shapeOf(a), out.length));
  const bSlot = bConst && rb === 2 ? l.constSlot(bConst, shapeOf(b)) : l.slotOf(b, padTo(shapeOf(b), out.length));
  if (aSlot === undefined || bSlot === undefined) return false;
  l.emit({
    kind: 'matmul', a: aSlot, b: bSlot, dst: l.newSlot(out), transposeA: node.attrs['transposeA'] === true,
    transposeB: node.attrs['transposeB'] === true, post: [],
  }, node, node.output(0));
  return true;
};

function lowerPool(node: Node, l: Lowering, algorithm: 'max' | 'avg' | 'avgExcludePad'): boolean {
  const a = poolAttrsOf(node);
  if (!a) return false;
  const ctx = { name: node.friendlyName, type: node.type };
  const g = poolGeometryOf(shapeOf(inp(node, 0)), a, algorithm, ctx);
  const src = l.slotOf(inp(node, 0));
  if (!g || src === undefined) return false;
  l.emit({ kind: 'pool', src, dst: l.newSlot(g.y), algorithm, kernel: g.kernel, strides: g.strides, dilations: g.dilations,
    padsBegin: g.padsBegin, padsEnd: g.padsEnd }, node, node.output(0));
  return true;
}

const lowerMaxPool: NativeLowering = (node, l) => (node.outputs[1]?.targets.size ?? 0) === 0 && lowerPool(node, l, 'max');
const lowerAvgPool: NativeLowering = (node, l) => lowerPool(node, l, node.attrs['excludePad'] === true ? 'avgExcludePad' : 'avg');

// ---- reductions ----

/**
 * ReduceMax/ReduceMin stay in JavaScript: oneDNN starts them from the largest finite value, so a
 * slice of infinities (a fully masked attention row) comes back finite where OpenVINO gives ±inf.
 */
const REDUCTIONS: Record<string, 'sum' | 'mean' | 'mul'> = { ReduceSum: 'sum', ReduceMean: 'mean', ReduceProd: 'mul' };

/** A mean over the spatial axes of NCHW is a global average pool, which reads blocked layouts. */
const lowerReduce: NativeLowering = (node, l) => {
  const x = inp(node, 0);
  const xs = shapeOf(x);
  const axes = ints(l.constOf(inp(node, 1)))?.map((a) => normAxis(a, xs.length));
  if (!axes || xs.length === 0) return false;
  const kept = xs.map((d, i) => (axes.includes(i) ? 1 : d));
  const src = l.slotOf(x);
  if (src === undefined) return false;
  const dst = l.newSlot(kept);
  const spatial = xs.length >= 3 && axes.length === xs.length - 2 && axes.every((a) => a >= 2);
  if (node.type === 'ReduceMean' && spatial) {
    const k = xs.slice(2);
    l.emit({ kind: 'pool', src, dst, algorithm: 'avg', kernel: k, strides: k.map(() => 1), dilations: k.map(() => 1),
      padsBegin: k.map(() => 0), padsEnd: k.map(() => 0) }, node);
  } else {
    l.emit({ kind: 'reduce', src, dst, algorithm: REDUCTIONS[node.type]! }, node);
  }
  finishReshape(node, l, dst, kept);
  return true;
};

/** Defines node's output as `slot`, through a reshape view when its shape differs from `dims`. */
function finishReshape(node: Node, l: Lowering, slot: number, dims: number[]): void {
  const out = shapeOf(node.output(0));
  if (sameShape(out, dims)) {
    l.define(node.output(0), slot);
    return;
  }
  l.emit({ kind: 'reshape', src: slot, dst: l.newSlot(out) }, node, node.output(0));
}

// ---- normalizations and softmax ----

const lowerSoftmax: NativeLowering = (node, l) => {
  const x = inp(node, 0);
  const src = l.slotOf(x);
  if (src === undefined) return false;
  const axis = normAxis(Number(node.attrs['axis'] ?? 1), shapeOf(x).length);
  l.emit({ kind: 'softmax', src, dst: l.newSlot(shapeOf(x)), axis, log: false }, node, node.output(0));
  return true;
};

/**
 * LogSoftmax stays in JavaScript: oneDNN 2.6's log-softmax loses about 1e-6 absolute near log 1,
 * more than the reference's tolerance, and no model here has it on a hot path.
 */

/** MVN-6 over the last axis with the variance inside the root is layer normalization. */
const lowerMvn: NativeLowering = (node, l) => {
  if (node.op.version !== 'opset6' || node.attrs['normalizeVariance'] !== true || node.attrs['epsMode'] !== 'INSIDE_SQRT') return false;
  const x = inp(node, 0);
  const rank = shapeOf(x).length;
  const axes = ints(l.constOf(inp(node, 1)))?.map((a) => normAxis(a, rank));
  if (!axes || axes.length !== 1 || axes[0] !== rank - 1) return false;
  const src = l.slotOf(x);
  if (src === undefined) return false;
  l.emit({ kind: 'layernorm', src, dst: l.newSlot(shapeOf(x)), eps: Number(node.attrs['eps']) }, node, node.output(0));
  return true;
};

/** Multiply/Add by a last-axis constant right after a layer norm become its scale and shift. */
function absorbIntoLayerNorm(node: Node, l: Lowering): boolean {
  if (node.type !== 'Multiply' && node.type !== 'Add') return false;
  for (const [x, c] of [[inp(node, 0), inp(node, 1)], [inp(node, 1), inp(node, 0)]] as const) {
    const host = l.fusableProducer(x, node, ['layernorm']);
    const t = l.constOf(c);
    if (!host || !t) continue;
    const out = shapeOf(node.output(0));
    if (!sameShape(shapeOf(x), out) || !isPerChannel(t.getShape(), out, out.length - 1)) continue;
    if (node.type === 'Multiply' && (host.scale !== undefined || host.shift !== undefined)) continue;
    if (node.type === 'Add' && host.shift !== undefined) continue;
    const slot = l.constSlot(t, [out[out.length - 1]!]);
    if (slot === undefined) return false;
    if (node.type === 'Multiply') host.scale = slot;
    else host.shift = slot;
    l.absorb(node, host);
    return true;
  }
  return false;
}

const lowerBatchNorm: NativeLowering = (node, l) => {
  const order = node.op.version === 'opset1' ? [2, 0, 1, 3, 4] : [0, 1, 2, 3, 4];
  const [x, gamma, beta, mean, variance] = order.map((i) => inp(node, i));
  const xs = shapeOf(x!);
  if (xs.length < 2) return false;
  const c = [xs[1]!];
  const consts = [gamma, beta, mean, variance].map((o) => l.constOf(o!));
  if (!consts.every((t): t is Tensor => t !== undefined)) return false;
  const [scale, shift, m, v] = consts.map((t) => l.constSlot(t, c));
  const src = l.slotOf(x!);
  if (src === undefined || scale === undefined || shift === undefined || m === undefined || v === undefined) return false;
  l.emit({ kind: 'batchnorm', src, dst: l.newSlot(xs), eps: Number(node.attrs['epsilon']), mean: m, variance: v, scale, shift, relu: false },
    node, node.output(0));
  return true;
};

// ---- data movement: views and concat ----

const lowerReshape: NativeLowering = (node, l) => {
  const src = l.slotOf(inp(node, 0));
  if (src === undefined) return false;
  l.emit({ kind: 'reshape', src, dst: l.newSlot(shapeOf(node.output(0))) }, node, node.output(0));
  return true;
};

const lowerTranspose: NativeLowering = (node, l) => {
  const order = ints(l.constOf(inp(node, 1)));
  const src = l.slotOf(inp(node, 0));
  const rank = shapeOf(inp(node, 0)).length;
  if (!order || src === undefined) return false;
  l.emit({ kind: 'transpose', src, dst: l.newSlot(shapeOf(node.output(0))), order: order.length ? order : [...Array(rank).keys()].reverse() },
    node, node.output(0));
  return true;
};

/** Split and VariadicSplit: each output is a slice view of the input. */
const lowerSplit: NativeLowering = (node, l) => {
  const x = inp(node, 0);
  const xs = shapeOf(x);
  const axisValue = ints(l.constOf(inp(node, 1)));
  const src = l.slotOf(x);
  if (!axisValue || axisValue.length !== 1 || src === undefined) return false;
  const axis = normAxis(axisValue[0]!, xs.length);
  let start = 0;
  for (const o of node.outputs) {
    const dims = shapeOf(o);
    if (o.targets.size > 0) l.emit({ kind: 'slice', src, dst: l.newSlot(dims), axis, start }, node, o);
    start += dims[axis]!;
  }
  return true;
};

/** Gather of one constant index along an axis (x[:, 0]) is a slice. */
const lowerGather: NativeLowering = (node, l) => {
  const x = inp(node, 0);
  const xs = shapeOf(x);
  const index = ints(l.constOf(inp(node, 1)));
  const axisValue = ints(l.constOf(inp(node, 2)));
  if (!index || index.length !== 1 || !axisValue || Number(node.attrs['batchDims'] ?? 0) !== 0) return false;
  const axis = normAxis(axisValue[0]!, xs.length);
  const start = index[0]! < 0 ? index[0]! + xs[axis]! : index[0]!;
  const src = l.slotOf(x);
  if (src === undefined || start < 0 || start >= xs[axis]!) return false;
  const dims = xs.map((d, i) => (i === axis ? 1 : d));
  const dst = l.newSlot(dims);
  l.emit({ kind: 'slice', src, dst, axis, start }, node);
  finishReshape(node, l, dst, dims);
  return true;
};

const lowerConcat: NativeLowering = (node, l) => {
  const out = shapeOf(node.output(0));
  const axis = normAxis(Number(node.attrs['axis']), out.length);
  const srcs = node.inputs.map((i) => l.slotOf(i.getSourceOutput()));
  if (!srcs.every((s): s is number => s !== undefined) || node.inputs.some((i) => shapeSize(shapeOf(i.getSourceOutput())) === 0)) return false;
  l.emit({ kind: 'concat', srcs, dst: l.newSlot(out), axis }, node, node.output(0));
  return true;
};

/** Relu right after a batch norm is the batch norm's fused ReLU. */
function absorbIntoBatchNorm(node: Node, l: Lowering): boolean {
  const host = l.fusableProducer(inp(node, 0), node, ['batchnorm']);
  if (!host || host.relu) return false;
  host.relu = true;
  l.absorb(node, host);
  return true;
}

/**
 * ScaledDotProductAttention-13 as three steps: Q·Kᵀ with the scale and the mask fused as post-ops,
 * a softmax over keys, and the product with V. Transposed or split Q/K/V arrive as strided views,
 * so no head is copied.
 */
const lowerAttention: NativeLowering = (node, l) => {
  const [q, k, v] = [0, 1, 2].map((i) => inp(node, i));
  const [qs, ks, vs] = [q!, k!, v!].map(shapeOf);
  const rank = qs!.length;
  if (ks!.length !== rank || vs!.length !== rank || rank < 3) return false;
  const batch = qs!.slice(0, -2);
  if (!sameShape(batch, ks!.slice(0, -2)) || !sameShape(batch, vs!.slice(0, -2))) return false;
  const [L, E] = qs!.slice(-2) as [number, number];
  const S = ks![rank - 2]!;
  const scale = node.inputs.length > 4 ? scalarOf(l, inp(node, 4)) : 1 / Math.sqrt(E);
  if (scale === undefined) return false;
  const post: PlanPostOp[] = [{ kind: 'eltwise', algorithm: 'linear', alpha: scale, beta: 0 }];
  const scoresDims = [...batch, L, S];
  // With causal set, OpenVINO's op ignores the mask input.
  if (node.inputs.length > 3 && node.attrs['causal'] !== true) {
    const mask = inp(node, 3);
    if (mask.elementType !== 'f32' || mask.getShape().length > rank) return false;
    const m = l.slotOf(mask, padTo(mask.getShape(), rank));
    if (m === undefined || !broadcasts(padTo(mask.getShape(), rank), scoresDims)) return false;
    post.push({ kind: 'binary', algorithm: 'add', src: m });
  }
  if (node.attrs['causal'] === true) {
    const causal = new Float32Array(L * S);
    for (let i = 0; i < L; i++) for (let j = i + 1 + (S - L); j < S; j++) causal[i * S + j] = -Infinity;
    const slot = l.constSlot(new Tensor('f32', [L, S], causal), padTo([L, S], rank));
    if (slot === undefined) return false;
    post.push({ kind: 'binary', algorithm: 'add', src: slot });
  }
  const [qSlot, kSlot, vSlot] = [q!, k!, v!].map((o) => l.slotOf(o));
  if (qSlot === undefined || kSlot === undefined || vSlot === undefined) return false;
  const scores = l.newSlot(scoresDims);
  l.emit({ kind: 'matmul', a: qSlot, b: kSlot, dst: scores, transposeA: false, transposeB: true, post }, node);
  const probs = l.newSlot(scoresDims);
  l.emit({ kind: 'softmax', src: scores, dst: probs, axis: rank - 1, log: false }, node);
  l.emit({ kind: 'matmul', a: probs, b: vSlot, dst: l.newSlot([...batch, L, vs![rank - 1]!]), transposeA: false, transposeB: false, post: [] },
    node, node.output(0));
  return true;
};

/** A Pad with nothing to add (PyTorch exports one before some pools) is the identity. */
const lowerPad: NativeLowering = (node, l) => {
  const begin = ints(l.constOf(inp(node, 1)));
  const end = ints(l.constOf(inp(node, 2)));
  if (!begin || !end || ![...begin, ...end].every((p) => p === 0)) return false;
  const src = l.slotOf(inp(node, 0));
  if (src === undefined) return false;
  l.define(node.output(0), src);
  return true;
};

const withFirst = (first: (n: Node, l: Lowering) => boolean, then: NativeLowering): NativeLowering => (n, l) => first(n, l) || then(n, l);

export const NATIVE_LOWERINGS: ReadonlyMap<string, NativeLowering> = new Map<string, NativeLowering>([
  ...[...ACTIVATIONS].map(([type, spec]): [string, NativeLowering] => [type, activationLowering(spec)]),
  ['Relu', withFirst(absorbIntoBatchNorm, activationLowering(ACTIVATIONS.get('Relu')!))],
  ...Object.keys(BINARY).map((type): [string, NativeLowering] => [type, lowerBinary]),
  ['Multiply', withFirst(absorbIntoLayerNorm, lowerBinary)],
  ['Add', withFirst(absorbIntoLayerNorm, lowerBinary)],
  ['Convolution', withFirst(lowerInt8Convolution, lowerConvolution)],
  ['GroupConvolution', withFirst(lowerInt8Convolution, lowerConvolution)],
  ['MatMul', withFirst(lowerInt8MatMul, lowerMatMul)],
  ['FakeQuantize', lowerFakeQuantize],
  ['ConvolutionBackpropData', lowerDeconvolution],
  ['GroupConvolutionBackpropData', lowerDeconvolution],
  ['MaxPool', lowerMaxPool],
  ['AvgPool', lowerAvgPool],
  ...Object.keys(REDUCTIONS).map((type): [string, NativeLowering] => [type, lowerReduce]),
  ['Softmax', lowerSoftmax],
  ['MVN', lowerMvn],
  ['BatchNormInference', lowerBatchNorm],
  ['Reshape', lowerReshape],
  ['Squeeze', lowerReshape],
  ['Unsqueeze', lowerReshape],
  ['Transpose', lowerTranspose],
  ['Split', lowerSplit],
  ['VariadicSplit', lowerSplit],
  ['Gather', lowerGather],
  ['Concat', lowerConcat],
  ['ScaledDotProductAttention', lowerAttention],
  ['Pad', lowerPad],
  ['Interpolate', lowerInterpolate],
]);

export type { PlanPostOp };
