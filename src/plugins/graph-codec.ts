// Graphs and plan descriptions as JSON plus byte buffers, for compiled-model blobs. Weights and
// other typed arrays go to a buffer table (each distinct view once) that the runtime lays out
// aligned in the blob, so reading one back views the blob's bytes instead of copying them. JSON
// parses far faster than IR's XML, and node attributes need no per-kind text spelling.
import { type ElementType, isElementType, storageFromBytes } from '../core/element-type.js';
import { InputError, ModelFormatError } from '../core/errors.js';
import { Model, type Variable } from '../core/model.js';
import { Node, type Output } from '../core/node.js';
import type { Attrs, OpDefinition } from '../core/op.js';
import { PartialShape } from '../core/partial-shape.js';
import { Tensor, shapeSize, type TypedArray } from '../core/tensor.js';
import { findOpVersion } from '../ops/registry.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where encoded byte buffers go: `add` returns the index the JSON refers to. */
export interface BufferSink {
  add(bytes: Uint8Array): number;
}

/** Collects buffers, storing a view seen before (same bytes of the same ArrayBuffer) only once. */
export class BufferTable implements BufferSink {
  readonly buffers: Uint8Array[] = [];
  private readonly seen = new Map<ArrayBufferLike, Map<string, number>>();

  add(bytes: Uint8Array): number {
    let byRange = this.seen.get(bytes.buffer);
    if (!byRange) this.seen.set(bytes.buffer, byRange = new Map());
    const range = `${bytes.byteOffset}:${bytes.byteLength}`;
    let index = byRange.get(range);
    if (index === undefined) {
      index = this.buffers.push(bytes) - 1;
      byRange.set(range, index);
    }
    return index;
  }
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

type View = (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;
/** Each typed array kind with its element size and a view factory, by constructor name. */
const TYPED_ARRAYS = {
  Uint8Array: [Uint8Array, 1, (b, o, n) => new Uint8Array(b, o, n)],
  Int8Array: [Int8Array, 1, (b, o, n) => new Int8Array(b, o, n)],
  Uint16Array: [Uint16Array, 2, (b, o, n) => new Uint16Array(b, o, n)],
  Int16Array: [Int16Array, 2, (b, o, n) => new Int16Array(b, o, n)],
  Uint32Array: [Uint32Array, 4, (b, o, n) => new Uint32Array(b, o, n)],
  Int32Array: [Int32Array, 4, (b, o, n) => new Int32Array(b, o, n)],
  Float32Array: [Float32Array, 4, (b, o, n) => new Float32Array(b, o, n)],
  Float64Array: [Float64Array, 8, (b, o, n) => new Float64Array(b, o, n)],
  BigInt64Array: [BigInt64Array, 8, (b, o, n) => new BigInt64Array(b, o, n)],
  BigUint64Array: [BigUint64Array, 8, (b, o, n) => new BigUint64Array(b, o, n)],
} satisfies Record<string, [Function, number, View]>;
type TypedArrayName = keyof typeof TYPED_ARRAYS;

function typedArrayName(v: ArrayBufferView): TypedArrayName | undefined {
  return (Object.keys(TYPED_ARRAYS) as TypedArrayName[]).find((name) => v instanceof TYPED_ARRAYS[name][0]);
}

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Encodes a value of an attribute, rt_info or plan description. Special values are one-key objects
 * whose key starts with `$`; a plain object with such a key of its own is wrapped in `$o`.
 */
export function encodeValue(v: unknown, sink: BufferSink, where: string): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v === undefined) return { $u: 1 };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $f: 'nan' };
    if (!Number.isFinite(v)) return { $f: v > 0 ? 'inf' : '-inf' };
    return Object.is(v, -0) ? { $f: '-0' } : v;
  }
  if (typeof v === 'bigint') return { $big: v.toString() };
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, sink, where));
  if (typeof v !== 'object') throw new InputError(`cannot store ${where}: a ${typeof v} value`);
  if (ArrayBuffer.isView(v)) {
    const name = typedArrayName(v);
    if (!name) throw new InputError(`cannot store ${where}: a ${v.constructor.name}`);
    return { $ta: name, b: sink.add(bytesOf(v)) };
  }
  if (v instanceof Tensor) return { $tensor: encodeTensor(v, sink) };
  if (v instanceof PartialShape) return { $shape: v.toString() };
  if (v instanceof Model) return { $model: encodeGraph(v, sink).graph };
  if (!isPlainObject(v)) throw new InputError(`cannot store ${where}: a ${v.constructor.name} value`);
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeValue(x, sink, where);
  return Object.keys(out).some((k) => k.startsWith('$')) ? { $o: out } : out;
}

function encodeTensor(t: Tensor, sink: BufferSink): Json {
  const type = t.getElementType();
  const head = { type, shape: t.getShape() };
  if (type === 'string') return { ...head, strings: [...(t.data as string[])] };
  const data = t.data as TypedArray;
  return { ...head, b: sink.add(new Uint8Array(data.buffer, data.byteOffset, t.getByteSize())) };
}

/** How decoding resolves the buffers the JSON refers to, and the ops its nodes name. */
export interface DecodeContext {
  buffers: readonly Uint8Array[];
  /** Ops beyond the registry (a plugin's own stand-ins); the registry is asked first. */
  ops?: ReadonlyMap<string, OpDefinition>;
}

const bad = (what: string): never => { throw new ModelFormatError(`compiled model: ${what}`); };
const isObject = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function bufferAt(ctx: DecodeContext, index: Json): Uint8Array {
  const b = typeof index === 'number' ? ctx.buffers[index] : undefined;
  return b ?? bad(`buffer ${String(index)} does not exist`);
}

/** A typed array over `bytes`, copied only when the bytes are not aligned for its element size. */
function typedView(name: TypedArrayName, bytes: Uint8Array): TypedArray {
  const [, size, view] = TYPED_ARRAYS[name];
  if (bytes.byteLength % size !== 0) bad(`${bytes.byteLength} bytes are not a whole number of ${name} elements`);
  const src = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return view(src.buffer, src.byteOffset, src.byteLength / size);
}

export function decodeValue(v: Json, ctx: DecodeContext): unknown {
  if (v === null || typeof v !== 'object') return v;
  // Most attributes are lists of plain numbers (strides, pads, axes): the parsed JSON is the value.
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object' || x === null) ? v : v.map((x) => decodeValue(x, ctx));
  const first = Object.keys(v)[0];
  if (first === undefined || !first.startsWith('$')) return decodeFields(v, ctx);
  if ('$u' in v) return undefined;
  if ('$f' in v) return ({ nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 } as Record<string, number>)[String(v['$f'])] ?? bad(`number ${String(v['$f'])}`);
  if ('$big' in v) return BigInt(String(v['$big']));
  if ('$ta' in v) {
    const name = String(v['$ta']);
    if (!(name in TYPED_ARRAYS)) bad(`unknown typed array ${name}`);
    return typedView(name as TypedArrayName, bufferAt(ctx, v['b'] ?? null));
  }
  if ('$tensor' in v) return decodeTensor(v['$tensor'] ?? null, ctx);
  if ('$shape' in v) return new PartialShape(String(v['$shape']));
  if ('$model' in v) return decodeGraph(v['$model'] ?? null, ctx).model;
  const fields = '$o' in v ? v['$o'] ?? null : v;
  return isObject(fields) ? decodeFields(fields, ctx) : bad('an object field is not an object');
}

function decodeFields(fields: { [key: string]: Json }, ctx: DecodeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(fields)) out[k] = decodeValue(x, ctx);
  return out;
}

function decodeTensor(v: Json, ctx: DecodeContext): Tensor {
  if (!isObject(v)) return bad('a tensor is not an object');
  const type = String(v['type']);
  const shape = v['shape'];
  if (!isElementType(type) || !Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && Number(d) >= 0)) return bad(`tensor of type ${type}`);
  const dims = shape.map(Number);
  if (type === 'string') {
    const strings = v['strings'];
    if (!Array.isArray(strings) || strings.length !== shapeSize(dims)) return bad('string tensor without its strings');
    return new Tensor('string', dims, strings.map(String));
  }
  const bytes = bufferAt(ctx, v['b'] ?? null);
  try {
    return new Tensor(type, dims, storageFromBytes(type, bytes, shapeSize(dims)) as TypedArray);
  } catch (e) {
    return bad(`tensor ${type}[${dims.join(',')}]: ${(e as Error).message}`);
  }
}

/** One node: its op, name, sources as [node, output] indices, attributes, and what its outputs carry. */
interface EncodedNode {
  op: [string, string];
  name: string;
  inputs: Array<[number, number]>;
  attrs: { [key: string]: Json };
  /** See encodeShape. */
  outputs: Array<{ names: string[]; type: string; shape: EncodedShape }>;
  rt?: Json;
}

/**
 * A shape as PartialShape's constructor takes it without parsing text: per dim a number when
 * static, -1 when wholly dynamic, [min, max] (max -1 when unbounded) for an interval; '...' for a
 * dynamic rank. Parsing `?,3,224,224` back was a fifth of rebuilding a dynamic model's graph.
 */
type EncodedShape = Array<number | [number, number]> | string;
function encodeShape(shape: PartialShape): EncodedShape {
  if (!shape.isRankStatic()) return '...';
  return shape.getDimensions().map((d) => {
    if (d.isStatic()) return d.min;
    if (d.min === 0 && d.max === Infinity) return -1;
    return [d.min, d.max === Infinity ? -1 : d.max];
  });
}

/** Encodes `model` with its nodes in topological order; `index` maps each node to its position. */
export function encodeGraph(model: Model, sink: BufferSink): { graph: Json; index: Map<Node, number> } {
  const nodes = model.getOrderedOps();
  const index = new Map(nodes.map((n, i) => [n, i]));
  const encoded = nodes.map((n): Json => {
    const where = `${n.type} node "${n.friendlyName}"`;
    const attrs: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(n.attrs)) attrs[k] = encodeValue(v, sink, `${where} attribute ${k}`);
    const node: EncodedNode = {
      op: [n.op.type, n.op.version], name: n.friendlyName,
      inputs: n.inputs.map((i) => { const o = i.getSourceOutput(); return [index.get(o.node)!, o.index]; }),
      attrs,
      outputs: n.outputs.map((o) => ({ names: o.names, type: o.elementType, shape: encodeShape(o.partialShape) })),
      ...(Object.keys(n.rtInfo).length ? { rt: encodeValue(n.rtInfo, sink, `${where} rt_info`) } : {}),
    };
    return node as unknown as Json;
  });
  const at = (list: readonly Node[]): number[] => list.map((n) => index.get(n)!);
  const graph: Json = {
    name: model.getName(), friendlyName: model.getFriendlyName(), nodes: encoded,
    parameters: at(model.parameters), results: at(model.results), sinks: at(model.sinks),
    variables: model.variables.map((v) => ({ id: v.id, type: v.type, shape: v.shape.toString() })),
    rt: encodeValue(model.rtInfo, sink, `model "${model.getName()}" rt_info`),
  };
  return { graph, index };
}

/**
 * Rebuilds an encoded graph; `nodes` lists its nodes in the encoded order. The outputs keep the
 * types and shapes stored with them instead of running inference again (most of a rebuild's time,
 * with every op's shape rule still cold in a fresh process): the blob passed its checksum and was
 * written by this tsvino version. The next validate() or clone infers them afresh.
 */
export function decodeGraph(v: Json, ctx: DecodeContext): { model: Model; nodes: Node[] } {
  if (!isObject(v) || !Array.isArray(v['nodes'])) return bad('a graph is not an object with nodes');
  const nodes: Node[] = [];
  for (const e of v['nodes']) nodes.push(decodeNode(e, nodes, ctx));
  const pick = (key: string): Node[] => {
    const list = v[key];
    if (!Array.isArray(list)) return bad(`graph "${key}" is not a list`);
    return list.map((i) => (typeof i === 'number' ? nodes[i] : undefined) ?? bad(`graph ${key} names node ${String(i)}, which does not exist`));
  };
  const variables: Variable[] = (Array.isArray(v['variables']) ? v['variables'] : []).map((x) => {
    if (!isObject(x) || !isElementType(String(x['type']))) return bad('a variable has no element type');
    return { id: String(x['id']), type: String(x['type']) as ElementType, shape: new PartialShape(String(x['shape'])) };
  });
  const model = new Model(pick('results'), pick('parameters'), String(v['name'] ?? ''), { sinks: pick('sinks'), variables });
  model.setFriendlyName(String(v['friendlyName'] ?? ''));
  const rt = decodeValue(v['rt'] ?? {}, ctx);
  if (typeof rt === 'object' && rt !== null) model.rtInfo = rt as Record<string, unknown>;
  return { model, nodes };
}

function decodeNode(v: Json, earlier: readonly Node[], ctx: DecodeContext): Node {
  if (!isObject(v)) return bad('a node is not an object');
  const e = v as unknown as EncodedNode;
  const [type, version] = Array.isArray(e.op) ? e.op : [];
  const op = findOpVersion(String(type), String(version)) ?? ctx.ops?.get(`${String(type)}:${String(version)}`);
  if (!op) return bad(`node "${e.name}" is a ${String(type)} of version ${String(version)}, which this tsvino does not have`);
  if (!Array.isArray(e.inputs) || !Array.isArray(e.outputs) || !isObject(e.attrs as Json)) return bad(`node "${e.name}" lacks inputs, outputs or attributes`);
  const sources: Output[] = e.inputs.map(([n, i]) => earlier[n]?.outputs[i] ?? bad(`node "${e.name}" reads node ${n} output ${i}, which comes later or does not exist`));
  const attrs: Attrs = {};
  for (const [k, x] of Object.entries(e.attrs)) attrs[k] = decodeValue(x, ctx);
  const outputs = e.outputs.map((o) => {
    const type = String(o.type);
    const shape = Array.isArray(o.shape) ? new PartialShape(o.shape) : new PartialShape(String(o.shape));
    return isElementType(type) ? { type, shape } : bad(`node "${e.name}" has an output of unknown type ${type}`);
  });
  const node = new Node(op, sources, attrs, String(e.name), outputs);
  e.outputs.forEach((o, i) => node.output(i).setNames(o.names));
  if (e.rt !== undefined) node.rtInfo = decodeValue(e.rt, ctx) as Record<string, unknown>;
  return node;
}
