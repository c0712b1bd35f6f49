import { isFloatType, type ElementType } from '../core/element-type.js';
import { Model } from '../core/model.js';
import { Node, type Input, type Output } from '../core/node.js';
import { tensorFromNumbers, toNumbers, type Tensor } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { parameter } from '../ops/parameter.js';
import { Core } from '../runtime/core.js';
import { constantValue, outputChannelAxis } from './layers.js';
import { TensorStatistics } from './statistics.js';

/** The per-output-channel bias Add right after a layer. */
export interface BiasPort {
  /** The Add's input that carries the bias constant. */
  input: Input;
  value: Tensor;
}

/** A bias replaced by its corrected value; keeps both so accuracy control can revert it. */
export interface BiasEdit {
  input: Input;
  original: Output;
  corrected: Output;
}

/** The layer's bias: its only consumer is an Add with a constant holding one value per output channel. */
export function findBias(layer: Node): BiasPort | undefined {
  const out = layer.output(0);
  const targets = out.getTargetInputs();
  if (targets.length !== 1 || targets[0]!.node.type !== 'Add' || !out.partialShape.isRankStatic()) return undefined;
  const add = targets[0]!.node;
  const input = add.input(1 - targets[0]!.index);
  const value = constantValue(input.getSourceOutput());
  if (!value || !isFloatType(value.getElementType())) return undefined;
  const rank = out.partialShape.rank;
  const axis = outputChannelAxis(layer, rank);
  const channels = out.partialShape.getDimensions()[axis];
  if (!channels?.isStatic() || value.getSize() !== channels.getLength()) return undefined;
  // Aligned to the output from the right, the bias may be non-1 only on the channel axis.
  const shape = value.getShape();
  const offset = rank - shape.length;
  if (offset < 0 || shape.some((d, i) => d !== 1 && i + offset !== axis)) return undefined;
  return { input, value };
}

/** What fast bias correction needs for one quantized layer. */
export interface BiasCorrectionItem {
  layer: Node;
  bias: BiasPort;
  /** The float input of the layer (before its FakeQuantize) and its statistics. */
  input: Output;
  inputIndex: number;
  inputAxis: number;
  inputStats: TensorStatistics;
}

/**
 * NNCF's fast bias correction: feed each quantized layer a tensor holding its float input's
 * per-channel mean, compare the per-channel mean of the layer-plus-bias output with quantized and
 * with float weights, and add the difference to the bias, so weight quantization does not shift
 * the output's mean. Runs one small model per layer on `device`. Edits the model in place.
 */
export async function correctBiases(items: readonly BiasCorrectionItem[], inserted: ReadonlySet<Node>, device: string): Promise<BiasEdit[]> {
  const core = new Core();
  const edits: BiasEdit[] = [];
  for (const item of items) {
    const addOutput = item.bias.input.node.output(0);
    const blob = channelMeanBlob(item.inputStats, item.inputAxis, item.input.elementType);
    const param = parameter(item.input.elementType, blob.getShape(), 'layer_input');
    // The blob enters after the layer's activation quantizer: a constant input would round
    // coherently there, a shift real data does not have. What remains is the weights' share.
    const quantized = extract(addOutput, item.layer.inputValue(item.inputIndex), param.output(0), new Set());
    const float = extract(addOutput, item.input, param.output(0), inserted);
    const probe = new Model([quantized, float], [param], `${item.layer.friendlyName}/bias_correction`);
    const request = (await core.compileModel(probe, device)).createInferRequest();
    await request.inferAsync([blob]);
    const axis = outputChannelAxis(item.layer, addOutput.partialShape.rank);
    const q = channelMeans(request.getOutputTensor(0), axis);
    const f = channelMeans(request.getOutputTensor(1), axis);
    const bias = toNumbers(item.bias.value);
    const corrected = Float64Array.from(bias, (b, c) => b + f[c]! - q[c]!);
    if (!corrected.every(Number.isFinite)) continue;
    const node = constant(tensorFromNumbers(item.bias.value.getElementType(), item.bias.value.getShape(), corrected));
    const original = item.bias.input.getSourceOutput();
    node.setFriendlyName(`${original.node.friendlyName}/bias_corrected`);
    item.bias.input.setSource(node.output(0));
    edits.push({ input: item.bias.input, original, corrected: node.output(0) });
  }
  return edits;
}

/** A tensor of the last calibration sample's shape filled, per channel, with that channel's mean. */
function channelMeanBlob(stats: TensorStatistics, axisSpec: number, type: ElementType): Tensor {
  const shape = stats.lastShape;
  const axis = axisSpec < 0 ? axisSpec + shape.length : axisSpec;
  const mean = stats.channelMean();
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const total = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(total);
  for (let i = 0; i < total; i++) values[i] = mean[Math.floor(i / inner) % mean.length]!;
  return tensorFromNumbers(type, shape, values);
}

function channelMeans(t: Tensor, axis: number): Float64Array {
  const s = new TensorStatistics({ channelAxis: axis, channelMean: true });
  s.update(t);
  return s.channelMean();
}

/**
 * Copies the subgraph that computes `output` from `boundary` (which becomes `replacement`) and
 * constants. FakeQuantizes in `bypass` are skipped, giving the float version of the same layer.
 */
function extract(output: Output, boundary: Output, replacement: Output, bypass: ReadonlySet<Node>): Output {
  const memo = new Map<Output, Output>();
  const visit = (o: Output): Output => {
    if (o === boundary) return replacement;
    const known = memo.get(o);
    if (known) return known;
    const n = o.node;
    if (bypass.has(n)) return visit(n.inputValue(0));
    if (n.type === 'Parameter') throw new Error(`"${n.friendlyName}" feeds the layer besides its input`);
    const copy = new Node(n.op, n.inputs.map((i) => visit(i.getSourceOutput())), { ...n.attrs }, n.friendlyName);
    const out = copy.output(o.index);
    memo.set(o, out);
    return out;
  };
  return visit(output);
}
