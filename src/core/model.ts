import type { ElementType } from './element-type.js';
import { InputError } from './errors.js';
import { topologicalSort } from './graph.js';
import { currentEdgeEpoch, Node, type Output } from './node.js';
import { boundaryOps, type Attrs } from './op.js';
import { PartialShape, type DimensionLike } from './partial-shape.js';

/** A state variable of a stateful model, read by ReadValue and written by Assign. */
export interface Variable {
  id: string;
  type: ElementType;
  shape: PartialShape;
}

export type ShapeLike = PartialShape | string | readonly DimensionLike[];
const toPartialShape = (s: ShapeLike): PartialShape => (s instanceof PartialShape ? s : new PartialShape(s));

/**
 * A graph with named inputs (Parameter nodes) and outputs (Result nodes), plus sinks (Assign)
 * for stateful models. The public Model of openvino-node: inputs, outputs, reshape, clone...
 */
export class Model {
  readonly results: Node[];
  readonly parameters: Node[];
  readonly sinks: Node[];
  readonly variables: Variable[];
  private name: string;
  private friendlyName: string;
  rtInfo: Record<string, unknown> = {};
  /** The last topological order and the edge epoch it was computed at (passes ask for it often). */
  private cachedOrder: { epoch: number; nodes: readonly Node[] } | undefined;

  /** `new Model(results, parameters, name)`; results may be Result nodes or outputs to wrap in Results. */
  constructor(
    results: ReadonlyArray<Node | Output>,
    parameters: readonly Node[],
    name = '',
    extra: { sinks?: Node[]; variables?: Variable[] } = {},
  ) {
    this.results = results.map((r) => (r instanceof Node && r.type === 'Result' ? r : wrapInResult(r instanceof Node ? r.output(0) : r)));
    for (const p of parameters) {
      if (p.type !== 'Parameter') throw new InputError(`Model parameters must be Parameter nodes; "${p.friendlyName}" is ${p.type}`);
    }
    this.parameters = [...parameters];
    this.sinks = [...(extra.sinks ?? [])];
    this.variables = [...(extra.variables ?? [])];
    this.name = name;
    this.friendlyName = name;
    this.checkParametersCoverGraph();
  }

  /** Every node the results and sinks depend on must be a listed Parameter, not a stray one. */
  private checkParametersCoverGraph(): void {
    const known = new Set(this.parameters);
    for (const n of this.getOrderedOps()) {
      if (n.type === 'Parameter' && !known.has(n)) {
        throw new InputError(`model "${this.name}": Parameter "${n.friendlyName}" is used but not listed among the model's parameters`);
      }
    }
  }

  get inputs(): Output[] { return this.parameters.map((p) => p.output(0)); }
  /** The tensors the results carry (the outputs feeding each Result, which hold the tensor names). */
  get outputs(): Output[] { return this.results.map((r) => r.inputValue(0)); }

  input(nameOrIndex?: string | number): Output { return pick(this.inputs, nameOrIndex, 'input', this.name); }
  output(nameOrIndex?: string | number): Output { return pick(this.outputs, nameOrIndex, 'output', this.name); }

  getName(): string { return this.name; }
  getFriendlyName(): string { return this.friendlyName || this.name; }
  setFriendlyName(name: string): void { this.friendlyName = name; }
  getParameters(): Node[] { return [...this.parameters]; }
  getResults(): Node[] { return [...this.results]; }
  getSinks(): Node[] { return [...this.sinks]; }
  getVariables(): Variable[] { return [...this.variables]; }
  getParameterIndex(p: Node): number { return this.parameters.indexOf(p); }
  getOutputSize(): number { return this.results.length; }
  getRtInfo(): Record<string, unknown> { return this.rtInfo; }

  isDynamic(): boolean {
    return this.getOrderedOps().some((n) => n.outputs.some((o) => o.partialShape.isDynamic()));
  }

  /** All nodes, producers first: parameters, constants and every op the results and sinks need. */
  getOrderedOps(): Node[] {
    const epoch = currentEdgeEpoch();
    if (this.cachedOrder?.epoch !== epoch) {
      this.cachedOrder = { epoch, nodes: topologicalSort([...this.parameters, ...this.results, ...this.sinks]) };
    }
    return [...this.cachedOrder.nodes];
  }
  getOps(): Node[] { return this.getOrderedOps(); }

  /** Re-runs type and shape inference through the whole graph, producers first. */
  validate(): void {
    for (const n of this.getOrderedOps()) n.validate();
  }

  /**
   * Changes input shapes and re-infers the graph. Accepts one shape (single-input models),
   * an object or Map keyed by input name or index, or by the input Output itself.
   */
  reshape(shapes: ShapeLike | Record<string, ShapeLike> | Map<string | number | Output, ShapeLike>): void {
    const entries: Array<[string | number | Output, ShapeLike]> =
      shapes instanceof Map ? [...shapes.entries()]
        : shapes instanceof PartialShape || typeof shapes === 'string' || Array.isArray(shapes)
          ? [[0, shapes as ShapeLike]]
          : Object.entries(shapes as Record<string, ShapeLike>);
    if (!(shapes instanceof Map) && entries.length === 1 && entries[0]![0] === 0 && this.parameters.length !== 1) {
      throw new InputError(`reshape with a single shape needs a model with one input; "${this.name}" has ${this.parameters.length}`);
    }
    const before = this.parameters.map((p) => p.attrs['shape']);
    try {
      for (const [key, shape] of entries) {
        const out = key instanceof Object ? key : this.input(key);
        const param = out.node;
        if (param.type !== 'Parameter' || !this.parameters.includes(param)) throw new InputError(`${String(key)} is not an input of model "${this.name}"`);
        param.attrs['shape'] = toPartialShape(shape);
      }
      this.validate();
    } catch (e) {
      this.parameters.forEach((p, i) => { p.attrs['shape'] = before[i]; });
      this.validate();
      throw e;
    }
  }

  /** A deep copy: new nodes, the same (immutable) constant data, cloned bodies. */
  clone(): Model {
    const map = new Map<Node, Node>();
    for (const n of this.getOrderedOps()) map.set(n, cloneNode(n, map));
    const copy = new Model(
      this.results.map((r) => map.get(r)!),
      this.parameters.map((p) => map.get(p)!),
      this.name,
      { sinks: this.sinks.map((s) => map.get(s)!), variables: this.variables.map((v) => ({ ...v })) },
    );
    copy.friendlyName = this.friendlyName;
    copy.rtInfo = structuredClone(this.rtInfo);
    return copy;
  }

  toString(): string {
    return `<Model '${this.getFriendlyName()}'\n  inputs: ${this.inputs.map(String).join(', ')}\n  outputs: ${this.outputs.map(String).join(', ')}>`;
  }
}

/**
 * Clones one node onto already-cloned producers; bodies (Model-valued attributes) are cloned too.
 * The copy starts from the original's inference, so it infers again only where its sources carry
 * other facts (a Parameter whose shape was set without validate(), or other producers).
 */
export function cloneNode(n: Node, map: ReadonlyMap<Node, Node>): Node {
  const sources = n.inputs.map((i) => {
    const src = i.getSourceOutput();
    const m = map.get(src.node);
    if (!m) throw new InputError(`clone: producer "${src.node.friendlyName}" of "${n.friendlyName}" was not cloned first`);
    return m.output(src.index);
  });
  const attrs: Attrs = {};
  for (const [k, v] of Object.entries(n.attrs)) attrs[k] = cloneAttr(v);
  const c = new Node(n.op, sources, attrs, n.friendlyName, n);
  c.rtInfo = copyRtInfo(n.rtInfo);
  n.outputs.forEach((o, i) => c.output(i).setNames(o.nameSet));
  return c;
}

/** A deep copy of rt_info; most nodes have none, and structuredClone of `{}` still costs a serialization. */
function copyRtInfo(info: Record<string, unknown>): Record<string, unknown> {
  for (const _ in info) return structuredClone(info);
  return {};
}

function cloneAttr(v: unknown): unknown {
  if (v instanceof Model) return v.clone();
  if (Array.isArray(v)) return v.map(cloneAttr);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneAttr(x)]));
  }
  return v; // tensors, shapes and other immutable values are shared
}

function wrapInResult(o: Output): Node {
  if (!boundaryOps.result) throw new InputError('the opset is not loaded; import tsvino, not tsvino/core alone');
  return new Node(boundaryOps.result, [o], {}, `${o.node.friendlyName}/sink_port_${o.index}`);
}

function pick(list: Output[], key: string | number | undefined, what: string, model: string): Output {
  if (key === undefined) {
    if (list.length !== 1) throw new InputError(`model "${model}" has ${list.length} ${what}s; pass a name or an index`);
    return list[0]!;
  }
  if (typeof key === 'number') {
    const o = list[key];
    if (!o) throw new InputError(`model "${model}" has no ${what} at index ${key}; it has ${list.length}`);
    return o;
  }
  const o = list.find((x) => x.nameSet.has(key));
  if (!o) {
    const names = list.map((x) => x.names[0] ?? '(unnamed)').join(', ');
    throw new InputError(`model "${model}" has no ${what} named "${key}"; its ${what}s are: ${names}`);
  }
  return o;
}
