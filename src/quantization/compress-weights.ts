import { isFloatType, type ElementType } from '../core/element-type.js';
import { InputError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { Input, Node, Output } from '../core/node.js';
import { Tensor, tensorFromNumbers, toIntegers } from '../core/tensor.js';
import { constant } from '../ops/constant.js';
import { convert } from '../ops/convert.js';
import { multiply } from '../ops/multiply.js';
import { reshape } from '../ops/reshape.js';
import { subtract } from '../ops/subtract.js';
import { ignoredNodes, type IgnoredScope } from './ignored-scope.js';
import { constantValue, matMulReductionAxis } from './layers.js';
import {
  packCodes, quantizeWeight, relativeError, storageTypeOf, WEIGHT_COMPRESSION_MODES, type QuantizedWeight, type WeightCompressionMode,
} from './weight-quantization.js';

export interface CompressWeightsOptions {
  /** Default 'int8_asym', as NNCF. */
  mode?: WeightCompressionMode;
  /** int4 modes: elements per quantization group along the reduction axis (default 128; −1 = per channel). */
  groupSize?: number;
  /** int4 modes: the fraction of int4-eligible weights, by element count, stored as int4; the rest int8 (default 1). */
  ratio?: number;
  ignoredScope?: IgnoredScope;
}

/** One constant weight and the inputs that read it (all with the same reduction axes). */
interface WeightGroup {
  source: Output;
  value: Tensor;
  readers: Input[];
  first: number;
  last: number;
  /** Embeddings and the last MatMul stay int8 under int4 modes; so do convolutions. */
  backupOnly: boolean;
  size: number;
}

const BACKUP_MODE: WeightCompressionMode = 'int8_asym';

/**
 * Data-free weight compression (NNCF's `compress_weights`): returns a copy of `model` whose
 * MatMul, embedding (Gather) and convolution weights are low-bit Constants followed by
 * Convert → Subtract(zero point) → Multiply(scale) [→ Reshape for groups], the decompression
 * subgraph OpenVINO writes. Under int4 modes the embeddings, the last MatMul and convolutions
 * stay int8 (int8_asym), and `ratio` picks the int4 share, preferring the weights int4 hurts least.
 */
export function compressWeights(model: Model, options: CompressWeightsOptions = {}): Model {
  const mode = options.mode ?? 'int8_asym';
  if (!WEIGHT_COMPRESSION_MODES.includes(mode)) throw new InputError(`mode must be one of ${WEIGHT_COMPRESSION_MODES.join(', ')}, got "${String(mode)}"`);
  const int4 = mode.startsWith('int4');
  const groupSize = int4 ? options.groupSize ?? 128 : -1;
  if (!Number.isInteger(groupSize) || (groupSize <= 0 && groupSize !== -1)) throw new InputError(`groupSize must be a positive integer or -1, got ${options.groupSize}`);
  if (!int4 && options.groupSize !== undefined && options.groupSize !== -1) throw new InputError(`groupSize applies to int4 modes only; ${mode} is per channel`);
  const ratio = options.ratio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new InputError(`ratio must be in [0, 1], got ${ratio}`);
  if (!int4 && options.ratio !== undefined && ratio !== 1) throw new InputError(`ratio applies to int4 modes only; ${mode} compresses every weight`);

  const copy = model.clone();
  const groups = findWeights(copy, ignoredNodes(copy, options.ignoredScope));
  const modes = int4 ? assignModes(groups, mode, groupSize, ratio) : new Map(groups.map((g) => [g, mode]));
  for (const g of groups) {
    const m = modes.get(g)!;
    const q = quantizeWeight(g.value, g.first, g.last, m.startsWith('int4') ? groupSize : -1, m);
    const out = decompressionSubgraph(g, q);
    for (const r of g.readers) r.setSource(out);
  }
  copy.validate();
  copy.rtInfo = { ...copy.rtInfo, weight_compression: { mode, group_size: String(groupSize), ratio: String(ratio) } };
  return copy;
}

/** Constant float weights of MatMuls, embeddings and convolutions, grouped by source and axes. */
function findWeights(model: Model, ignored: ReadonlySet<Node>): WeightGroup[] {
  const byKey = new Map<string, WeightGroup>();
  const order = model.getOrderedOps();
  let lastMatMul: Node | undefined;
  const add = (node: Node, index: number, first: number, last: number, backupOnly: boolean): void => {
    const source = node.inputValue(index);
    if (!isFloatType(source.elementType)) return;
    const value = constantValue(source);
    if (!value) return;
    const key = `${source.node.id}:${source.index}:${first}:${last}`;
    const g = byKey.get(key) ?? { source, value, readers: [], first, last, backupOnly: false, size: value.getSize() };
    g.readers.push(node.input(index));
    g.backupOnly ||= backupOnly;
    byKey.set(key, g);
  };
  for (const node of order) {
    if (ignored.has(node)) continue;
    const rankOf = (i: number): number => (node.inputValue(i).partialShape.isRankStatic() ? node.inputValue(i).partialShape.rank : 0);
    if (node.type === 'MatMul' && rankOf(1) >= 2 && !constantValue(node.inputValue(0))) {
      const axis = matMulReductionAxis(node, 1, rankOf(1));
      add(node, 1, axis, axis, false);
      if (constantValue(node.inputValue(1))) lastMatMul = node;
    } else if (node.type === 'Gather' && rankOf(0) === 2 && isEmbeddingGather(node)) {
      add(node, 0, 1, 1, true);
    } else if ((node.type === 'Convolution' || node.type === 'GroupConvolution') && rankOf(1) >= 3) {
      add(node, 1, node.type === 'Convolution' ? 1 : 2, rankOf(1) - 1, true);
    }
  }
  const groups = [...byKey.values()];
  for (const g of groups) if (lastMatMul && g.readers.some((r) => r.node === lastMatMul)) g.backupOnly = true;
  return groups;
}

/** A Gather over axis 0 of a constant table with batch_dims 0: a token embedding. */
function isEmbeddingGather(node: Node): boolean {
  const axis = constantValue(node.inputValue(2));
  return axis !== undefined && toIntegers(axis)[0] === 0 && (node.attrs['batchDims'] ?? 0) === 0 && !constantValue(node.inputValue(1));
}

/**
 * Under int4 modes: backup-only weights and weights whose axis groupSize does not divide stay
 * int8; of the rest, the ones with the smallest int4 error go to int4 until `ratio` of their
 * elements is reached.
 */
function assignModes(groups: WeightGroup[], mode: WeightCompressionMode, groupSize: number, ratio: number): Map<WeightGroup, WeightCompressionMode> {
  const modes = new Map<WeightGroup, WeightCompressionMode>(groups.map((g) => [g, BACKUP_MODE]));
  const fits = (g: WeightGroup): boolean => groupSize === -1 || (g.first === g.last && g.value.getShape()[g.first]! % groupSize === 0);
  const candidates = groups.filter((g) => !g.backupOnly && fits(g));
  const total = candidates.reduce((a, g) => a + g.size, 0);
  if (ratio >= 1) {
    for (const g of candidates) modes.set(g, mode);
    return modes;
  }
  const error = new Map(candidates.map((g) => [g, relativeError(g.value, quantizeWeight(g.value, g.first, g.last, groupSize, mode))]));
  let int4 = 0;
  for (const g of [...candidates].sort((a, b) => error.get(a)! - error.get(b)!)) {
    if (int4 + g.size > ratio * total + 1e-9) break;
    modes.set(g, mode);
    int4 += g.size;
  }
  return modes;
}

/** Low-bit Constant → Convert → [Subtract(Convert(zero point))] → Multiply(scale) → [Reshape]. */
function decompressionSubgraph(g: WeightGroup, q: QuantizedWeight): Output {
  const type: ElementType = g.source.elementType;
  const storage = storageTypeOf(q.mode);
  const base = g.source.node.type === 'Convert' ? g.source.node.inputValue(0).node.friendlyName : g.source.node.friendlyName;
  const named = (n: Node, suffix: string): Node => { n.setFriendlyName(`${base}/${suffix}`); return n; };
  const decompression = (n: Node): Node => { n.rtInfo = { ...n.rtInfo, decompression: { version: '0' } }; return n; };
  const codes = named(constant(new Tensor(storage, q.shape, packCodes(q.mode, q.codes))), storage);
  let x = decompression(convert(codes, type, `${base}/convert`)).output(0);
  if (q.zeroPoint) {
    const zp = named(constant(new Tensor(storage, q.scaleShape, packCodes(q.mode, q.zeroPoint))), 'zero_point');
    const zpFloat = decompression(convert(zp, type, `${base}/zero_point/convert`));
    x = decompression(subtract(x, zpFloat, {}, `${base}/subtract`)).output(0);
  }
  const scale = named(constant(tensorFromNumbers(type, q.scaleShape, q.scale)), 'scale');
  x = decompression(multiply(x, scale, {}, `${base}/decompressed`)).output(0);
  const shape = g.value.getShape();
  if (q.shape.length !== shape.length) {
    const target = named(constant('i64', [shape.length], shape.map(BigInt)), 'shape');
    x = reshape(x, target, false, `${base}/reshape`).output(0);
  }
  return x;
}
