import { irNameOf, type AttrSpec, type AttrTable } from './attributes.js';
import type { ElementType } from './element-type.js';
import { InputError, ShapeInferenceError, TsvinoError } from './errors.js';
import type { Attrs, EvalContext, InputInfo, OpDefinition, OutputInfo } from './op.js';
import type { PartialShape } from './partial-shape.js';
import type { Tensor } from './tensor.js';

let nextNodeId = 1;
/** The id the next node will get: frontends compare ids to tell which nodes a step created. */
export const peekNextNodeId = (): number => nextNodeId;

let edgeEpoch = 0;
/**
 * Counts every edge made, moved or cut (an Input created, pointed elsewhere or detached), in any
 * graph. While it stands still no graph's structure, consumer counts included, has changed, so an
 * order or analysis computed at that count still holds (Model caches its topological order so).
 */
export const currentEdgeEpoch = (): number => edgeEpoch;

/** Outputs larger than this are left to the constant-folding pass rather than computed eagerly. */
const KNOWN_VALUE_LIMIT = 1 << 16;

/** One output port of a node: its element type, partial shape and tensor names. */
export class Output {
  readonly nameSet = new Set<string>();
  /** Inputs that consume this output. */
  readonly targets = new Set<Input>();
  /** Value computed at graph-build time when every input is known and the result is small. */
  knownValue: Tensor | undefined;

  constructor(
    readonly node: Node,
    readonly index: number,
    public elementType: ElementType,
    public partialShape: PartialShape,
  ) {}

  get names(): string[] { return [...this.nameSet]; }
  get anyName(): string { return this.getAnyName(); }
  getNames(): string[] { return this.names; }
  /** The first tensor name; throws when the output has none, like ov::Output::get_any_name. */
  getAnyName(): string {
    const first = this.nameSet.values().next();
    if (first.done) throw new InputError(`output ${this.index} of node "${this.node.friendlyName}" has no tensor names`);
    return first.value;
  }
  setNames(names: Iterable<string>): void { this.nameSet.clear(); for (const n of names) this.nameSet.add(n); }
  addNames(names: Iterable<string>): void { for (const n of names) this.nameSet.add(n); }
  getNode(): Node { return this.node; }
  getIndex(): number { return this.index; }
  getElementType(): ElementType { return this.elementType; }
  getPartialShape(): PartialShape { return this.partialShape; }
  /** The static shape; throws for a dynamic output. */
  getShape(): number[] { return this.partialShape.toShape(); }
  get shape(): number[] { return this.getShape(); }
  getTargetInputs(): Input[] { return [...this.targets]; }

  /** Points every consumer of this output at `replacement` instead; tensor names move along. */
  replace(replacement: Output): void {
    if (replacement === this) return;
    for (const input of [...this.targets]) input.setSource(replacement);
    replacement.addNames(this.nameSet);
    this.nameSet.clear();
  }

  toString(): string {
    const names = this.names.length ? ` names=[${this.names.join(',')}]` : '';
    return `<Output ${this.node.friendlyName}:${this.index} ${this.elementType}${this.partialShape.toString()}${names}>`;
  }
}

/** One input port of a node, connected to exactly one source output. */
export class Input {
  constructor(readonly node: Node, readonly index: number, private source: Output) {
    source.targets.add(this);
    edgeEpoch++;
  }
  getSourceOutput(): Output { return this.source; }
  getElementType(): ElementType { return this.source.elementType; }
  getPartialShape(): PartialShape { return this.source.partialShape; }
  /** Reconnects this input; callers re-validate downstream nodes (Model.validate does). */
  setSource(output: Output): void {
    this.source.targets.delete(this);
    this.source = output;
    output.targets.add(this);
    edgeEpoch++;
  }
  /** Leaves the source's consumers (this input's node is dead); the input still names its source. */
  detach(): void {
    if (this.source.targets.delete(this)) edgeEpoch++;
  }
}

/**
 * A node of the graph: an operation applied to source outputs, with resolved attributes.
 * Construction runs type and shape inference, so a Node always has typed outputs.
 */
export class Node {
  readonly id = nextNodeId++;
  readonly inputs: Input[];
  readonly outputs: Output[] = [];
  readonly attrs: Attrs;
  friendlyName: string;
  rtInfo: Record<string, unknown> = {};

  /** The input facts the outputs were last inferred from, while inference would repeat itself. */
  private inferredFrom: readonly InputInfo[] | undefined;

  /**
   * `inferredAs`: a node with the same op and attributes (a clone's original) whose inference this
   * one starts from; inference runs again only if the sources carry other facts than its did. Or
   * the outputs as an earlier inference gave them (a graph restored from a compiled-model blob):
   * taken as they are, without known values, until the next validate() infers them again.
   */
  constructor(readonly op: OpDefinition, sources: readonly Output[], attrs: Attrs = {}, name?: string, inferredAs?: Node | readonly OutputInfo[]) {
    this.friendlyName = name ?? `${op.type}_${this.id}`;
    this.attrs = resolveAttributes(op, attrs, this.friendlyName);
    const [min, max] = op.inputCount;
    if (sources.length < min || sources.length > max) {
      throw new ShapeInferenceError(this.friendlyName, op.type,
        `expected ${min === max ? min : `${min}..${max === Infinity ? 'any' : max}`} inputs, got ${sources.length}`);
    }
    this.inputs = sources.map((s, i) => new Input(this, i, s));
    if (Array.isArray(inferredAs)) {
      inferredAs.forEach((o, i) => this.outputs.push(new Output(this, i, o.type, o.shape)));
      return;
    }
    if (inferredAs instanceof Node && inferredAs.inferredFrom) this.adoptInference(inferredAs);
    this.validate();
  }

  /** Shares `other`'s inferred types, shapes and known values (all immutable) and what they came from. */
  private adoptInference(other: Node): void {
    other.outputs.forEach((o, i) => {
      const mine = new Output(this, i, o.elementType, o.partialShape);
      mine.knownValue = o.knownValue;
      this.outputs.push(mine);
    });
    this.inferredFrom = other.inferredFrom;
  }

  get type(): string { return this.op.type; }
  getType(): string { return this.op.type; }
  getTypeName(): string { return this.op.type; }
  getVersion(): string { return this.op.version; }
  getName(): string { return this.friendlyName; }
  getFriendlyName(): string { return this.friendlyName; }
  setFriendlyName(name: string): void { this.friendlyName = name; }
  getRtInfo(): Record<string, unknown> { return this.rtInfo; }
  input(i: number): Input { return this.inputs[i] ?? fail(`node "${this.friendlyName}" has no input ${i}`); }
  output(i = 0): Output { return this.outputs[i] ?? fail(`node "${this.friendlyName}" has no output ${i}`); }
  inputValue(i: number): Output { return this.input(i).getSourceOutput(); }
  getInputSize(): number { return this.inputs.length; }
  getOutputSize(): number { return this.outputs.length; }

  /**
   * Re-runs type and shape inference from the current sources and updates the outputs. Inference
   * is a pure function of the input facts and the attributes, so when every source still carries
   * the very objects it was last inferred from, the outputs already hold its answer and stay as
   * they are (see `reusesInference` for the ops this does not apply to).
   */
  validate(): void {
    if (this.inferredFrom && this.sourcesCarry(this.inferredFrom)) return;
    const infos: InputInfo[] = this.inputs.map((inp) => {
      const src = inp.getSourceOutput();
      return src.knownValue
        ? { type: src.elementType, shape: src.partialShape, value: src.knownValue }
        : { type: src.elementType, shape: src.partialShape };
    });
    let result;
    try {
      result = this.op.infer(infos, this.attrs, { name: this.friendlyName, type: this.op.type });
    } catch (e) {
      if (e instanceof TsvinoError) throw e;
      throw new ShapeInferenceError(this.friendlyName, this.op.type, (e as Error).message);
    }
    if (this.outputs.length === 0) {
      result.forEach((r, i) => this.outputs.push(new Output(this, i, r.type, r.shape)));
    } else {
      if (result.length !== this.outputs.length) {
        throw new ShapeInferenceError(this.friendlyName, this.op.type, `output count changed from ${this.outputs.length} to ${result.length}`);
      }
      result.forEach((r, i) => {
        const o = this.outputs[i]!;
        o.elementType = r.type;
        // An equal shape keeps its object, so consumers see unchanged facts and keep theirs.
        if (!o.partialShape.equals(r.shape)) o.partialShape = r.shape;
      });
    }
    const before = this.outputs.some((o) => o.knownValue) ? this.outputs.map((o) => o.knownValue) : undefined;
    this.computeKnownValues(infos);
    if (before) {
      this.outputs.forEach((o, i) => {
        const was = before[i];
        if (was && o.knownValue && sameSmallValue(was, o.knownValue)) o.knownValue = was;
      });
    }
    this.inferredFrom = reusesInference(this.op) ? infos : undefined;
  }

  /** Identity, not equality: re-inference makes new shape and value objects, which then ripple on. */
  private sourcesCarry(infos: readonly InputInfo[]): boolean {
    for (let i = 0; i < infos.length; i++) {
      const src = this.inputs[i]!.getSourceOutput();
      const was = infos[i]!;
      if (src.elementType !== was.type || src.partialShape !== was.shape || src.knownValue !== was.value) return false;
    }
    return true;
  }

  private computeKnownValues(infos: InputInfo[]): void {
    for (const o of this.outputs) o.knownValue = undefined;
    if (!isFoldable(this.op)) return;
    const small = this.outputs.every((o) => staticSize(o.partialShape) <= KNOWN_VALUE_LIMIT);
    if (!small) return;
    try {
      // Ops such as ShapeOf and Constant know their value without every input's value.
      let values = this.op.evaluateKnown?.(infos, this.attrs);
      if (!values && infos.length > 0 && infos.every((i) => i.value && i.value.getSize() <= KNOWN_VALUE_LIMIT)) {
        values = this.op.evaluate(infos.map((i) => i.value!), this.attrs, foldingContext(this));
      }
      values?.forEach((v, i) => { if (this.outputs[i]) this.outputs[i]!.knownValue = v; });
    } catch {
      // Leave the value unknown: the same input fails with a proper error when the model runs.
    }
  }

  toString(): string { return `<${this.op.type} ${this.friendlyName}>`; }
}

/** Element count of a static shape; Infinity when the rank or any dimension is dynamic. */
function staticSize(shape: PartialShape): number {
  const dims = shape.dims;
  if (dims === null) return Infinity;
  let n = 1;
  for (const d of dims) {
    if (d.min !== d.max) return Infinity;
    n *= d.min;
  }
  return n;
}

/** Known values up to this many elements are compared by content when a node re-infers. */
const SAME_VALUE_LIMIT = 256;

/** Whether two small tensors hold the same elements (Object.is: -0 and 0 differ, NaN matches NaN). */
function sameSmallValue(a: Tensor, b: Tensor): boolean {
  if (a.getElementType() !== b.getElementType() || a.getSize() > SAME_VALUE_LIMIT) return false;
  const [sa, sb] = [a.getShape(), b.getShape()];
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) return false;
  const [da, db] = [a.data, b.data];
  if (da.length !== db.length) return false;
  for (let i = 0; i < da.length; i++) if (!Object.is(da[i], db[i])) return false;
  return true;
}

const reuse = new WeakMap<OpDefinition, boolean>();
/**
 * Whether a node of `op` may keep its last inference while its input facts stand. Not Parameters,
 * whose shape attribute reshape sets in place, nor ops with bodies or other internal attributes,
 * which their own inference may edit; a Constant's value is immutable.
 */
function reusesInference(op: OpDefinition): boolean {
  let r = reuse.get(op);
  if (r === undefined) {
    r = op.type === 'Constant' || (op.type !== 'Parameter' && Object.values(op.attributes).every((a) => a.kind !== 'internal'));
    reuse.set(op, r);
  }
  return r;
}

/** Ops whose value may not be computed ahead of a run: sources, state and randomness. */
const NOT_FOLDABLE = new Set(['Parameter', 'ReadValue', 'Assign', 'RandomUniform', 'Multinomial', 'Result']);
const isFoldable = (op: OpDefinition): boolean => !NOT_FOLDABLE.has(op.type);

function foldingContext(node: Node): EvalContext {
  return {
    name: node.friendlyName,
    type: node.op.type,
    variables: new Map(),
    runBody: () => { throw new InputError('bodies are not run while computing known values'); },
  };
}

function fail(message: string): never { throw new InputError(message); }

const tableEntries = new WeakMap<AttrTable, ReadonlyArray<[string, AttrSpec<unknown>]>>();
/** An op's attribute table as entries, listed once per table rather than once per node. */
function entriesOf(table: AttrTable): ReadonlyArray<[string, AttrSpec<unknown>]> {
  let entries = tableEntries.get(table);
  if (!entries) { entries = Object.entries(table); tableEntries.set(table, entries); }
  return entries;
}

/** Fills defaults, checks required attributes and enum values against the op's table. */
export function resolveAttributes(op: OpDefinition, given: Attrs, nodeName: string): Attrs {
  const out: Attrs = {};
  for (const [key, spec] of entriesOf(op.attributes)) {
    let v = given[key];
    if (v === undefined) {
      if (!('default' in spec)) {
        throw new ShapeInferenceError(nodeName, op.type, `missing required attribute "${irNameOf(key, spec)}"`);
      }
      v = spec.default;
    }
    if (spec.kind === 'enum' && typeof v === 'string') {
      // Values from code are already spelled as the table spells them; only others need folding.
      const text = v.toLowerCase();
      const match = spec.values!.includes(v) ? v : spec.values!.find((x) => x.toLowerCase() === text);
      if (match === undefined) {
        throw new ShapeInferenceError(nodeName, op.type, `attribute "${irNameOf(key, spec)}" is "${v}"; expected one of ${spec.values!.join(', ')}`);
      }
      v = match;
    }
    out[key] = Array.isArray(v) ? [...v] : v;
  }
  for (const key of Object.keys(given)) {
    if (!(key in op.attributes)) {
      throw new ShapeInferenceError(nodeName, op.type, `unknown attribute "${key}"; expected ${Object.keys(op.attributes).join(', ') || 'none'}`);
    }
  }
  return out;
}
