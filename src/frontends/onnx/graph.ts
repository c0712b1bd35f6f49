import { Dimension } from '../../core/dimension.js';
import { ModelFormatError, TsvinoError, UnsupportedOperationError, type UnsupportedItem } from '../../core/errors.js';
import { Model } from '../../core/model.js';
import { Node, peekNextNodeId, type Output } from '../../core/node.js';
import { PartialShape } from '../../core/partial-shape.js';
import { constant } from '../../ops/constant.js';
import { convert } from '../../ops/convert.js';
import { parameter } from '../../ops/parameter.js';
import { findTranslator } from './ops/index.js';
import { expandFunctionCall, functionKey, type LocalFunctions } from './ops/control-function.js';
import { toNumber, type GraphProto, type NodeProto, type TypeProto } from './proto.js';
import { onnxElementType, tensorFromProto, type ExternalDataScope } from './tensor-proto.js';
import { NodeContext, OptionalNone, resultOutputs, SequenceValue, type InputTypeHint, type Subgraph, type TranslationHost, type Value } from './translator.js';

/** Opset version per domain ('ai.onnx' for the default domain). */
export type OpsetMap = ReadonlyMap<string, number>;

export const domainOf = (d: string | null | undefined): string => (!d || d === 'ai.onnx' ? 'ai.onnx' : d);

/** (element type, partial shape) of a tensor TypeProto; dim_param and missing dims are dynamic. */
export function tensorTypeOf(t: TypeProto | null | undefined, where: string): InputTypeHint {
  const tt = t?.tensorType;
  if (!tt) return undefined;
  const type = onnxElementType(tt.elemType ?? 0, where);
  const shape = tt.shape
    ? new PartialShape((tt.shape.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined && !d.dimParam && toNumber(d.dimValue) >= 0 ? new Dimension(toNumber(d.dimValue)) : Dimension.dynamic())))
    : PartialShape.dynamic();
  return { type, shape };
}

/** Every node of a graph and its subgraphs whose (domain, op, opset) has no translator. */
export function findUnsupported(graph: GraphProto, opsets: OpsetMap, out: UnsupportedItem[] = [], functions: LocalFunctions = new Map()): UnsupportedItem[] {
  for (const n of graph.node ?? []) {
    const domain = domainOf(n.domain);
    const version = opsets.get(domain);
    const fn = functions.size ? functions.get(functionKey(domain, n.opType ?? '')) : undefined;
    if (fn) {
      findUnsupported({ node: fn.node ?? [] }, opsets, out, functions);
    } else if (version === undefined) {
      out.push({ domain, opType: n.opType ?? '', version: '-', nodeName: n.name || (n.output?.[0] ?? ''), reason: `the model imports no opset for domain "${domain}"` });
    } else if (!findTranslator(domain, n.opType ?? '', version)) {
      out.push({ domain, opType: n.opType ?? '', version: String(version), nodeName: n.name || `${n.opType}:${n.output?.[0] ?? '?'}` });
    }
    for (const a of n.attribute ?? []) {
      if (a.g) findUnsupported(a.g, opsets, out, functions);
      for (const g of a.graphs ?? []) findUnsupported(g, opsets, out, functions);
    }
  }
  return out;
}

interface Scope {
  readonly values: Map<string, Value>;
  readonly parent?: Scope;
  /** For a subgraph: outer names read inside it, each as a body Parameter. */
  readonly captures?: Map<string, { param: Node; outer: Output }>;
}

/** Builds a Model from a GraphProto; subgraphs build nested Models through the same class. */
export class GraphBuilder implements TranslationHost {
  private scope: Scope;

  /** Called after each top-level node is translated, for progress bars on large models. */
  onProgress?: (done: number, total: number) => void;
  /** Model-local functions: a node naming one is replaced by the function's body. */
  functions: LocalFunctions = new Map();

  constructor(private readonly opsets: OpsetMap, readonly dataScope: ExternalDataScope, parent?: Scope) {
    this.scope = parent ? { values: new Map(), parent, captures: new Map() } : { values: new Map() };
  }

  lookup(name: string): Value | undefined {
    return resolveName(this.scope, name);
  }

  translateSubgraph(graph: GraphProto, hints: readonly InputTypeHint[]): Subgraph {
    const child = new GraphBuilder(this.opsets, this.dataScope, this.scope);
    child.functions = this.functions;
    return child.buildSubgraph(graph, hints);
  }

  /** The top-level graph: inputs that have initializers are constants (IR < 4 lists them as inputs). */
  build(graph: GraphProto, name: string): Model {
    const params = this.declareInputs(graph, []);
    const results = this.translateBody(graph);
    return new Model(results, params, name);
  }

  private buildSubgraph(graph: GraphProto, hints: readonly InputTypeHint[]): Subgraph {
    const params = this.declareInputs(graph, hints);
    const results = this.translateBody(graph);
    const captures = [...this.scope.captures!.values()];
    const body = new Model(results, [...params, ...captures.map((c) => c.param)], graph.name ?? 'body');
    return { body, captured: captures.map((c) => c.outer), declaredInputs: params.length };
  }

  private declareInputs(graph: GraphProto, hints: readonly InputTypeHint[]): Node[] {
    const initialized = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
    for (const init of graph.initializer ?? []) {
      const value = tensorFromProto(init, this.dataScope, init.name ?? 'initializer');
      const c = constant(value);
      c.setFriendlyName(init.name ?? c.friendlyName);
      c.output(0).setNames([init.name ?? '']);
      this.scope.values.set(init.name ?? '', c.output(0));
    }
    const params: Node[] = [];
    (graph.input ?? []).filter((i) => !initialized.has(i.name ?? '')).forEach((vi, k) => {
      const name = vi.name ?? `input_${k}`;
      const declared = tensorTypeOf(vi.type, name);
      const hint = hints[k];
      const t = hint && declared ? { type: declared.type, shape: declared.shape.merge(hint.shape) ?? hint.shape } : hint ?? declared;
      if (!t) {
        const kind = vi.type?.sequenceType ? 'a sequence' : vi.type?.optionalType ? 'an optional' : vi.type?.mapType ? 'a map' : 'untyped';
        throw new UnsupportedOperationError([{ domain: 'ai.onnx', opType: `graph input of ${kind} type`, version: '-', nodeName: name, reason: 'only tensor inputs are supported' }]);
      }
      const p = parameter(t.type, t.shape, name);
      params.push(p);
      this.scope.values.set(name, p.output(0));
    });
    return params;
  }

  private translateBody(graph: GraphProto): Output[] {
    const used = new Set<Output>();
    const nodes = graph.node ?? [];
    nodes.forEach((n, i) => {
      this.translateNode(n);
      this.onProgress?.(i + 1, nodes.length);
    });
    return (graph.output ?? []).map((o) => {
      const name = o.name ?? '';
      const out = this.lookup(name);
      if (!out) throw new ModelFormatError(`graph output "${name}" is not produced by any node, initializer or input`);
      if (out instanceof SequenceValue || out instanceof OptionalNone) {
        const kind = out instanceof SequenceValue ? 'a sequence' : 'an empty optional';
        throw new UnsupportedOperationError([{ domain: 'ai.onnx', opType: `graph output of ${kind}`, version: '-', nodeName: name, reason: 'only tensor graph outputs are supported' }]);
      }
      return ownName(out, name, used);
    });
  }

  private translateNode(n: NodeProto): void {
    const domain = domainOf(n.domain);
    // Most models define no local functions: then no key needs building for every node.
    const fn = this.functions.size ? this.functions.get(functionKey(domain, n.opType ?? '')) : undefined;
    if (fn) {
      for (const inner of expandFunctionCall(n, fn)) this.translateNode(inner);
      return;
    }
    const opset = this.opsets.get(domain) ?? 0;
    const translate = findTranslator(domain, n.opType ?? '', opset);
    const ctx = new NodeContext(n, opset, this);
    if (!translate) return ctx.unsupported('no translator');
    let outs: Array<Value | undefined>;
    const firstNew = peekNextNodeId();
    try {
      outs = resultOutputs(translate(ctx));
    } catch (e) {
      if (e instanceof TsvinoError) throw e;
      throw new ModelFormatError(`${ctx.opType} node "${ctx.name}": ${(e as Error).message}`, { cause: e });
    }
    (n.output ?? []).forEach((name, j) => {
      if (!name) return;
      const o = outs[j];
      if (!o) throw new ModelFormatError(`${ctx.opType} node "${ctx.name}": output ${j} ("${name}") was not produced by its translator`);
      if (o instanceof SequenceValue || o instanceof OptionalNone) {
        this.scope.values.set(name, o);
        return;
      }
      o.addNames([name]);
      // Provenance: the node that yields an ONNX output takes the ONNX node's name, if made here.
      if (o.node.id >= firstNew && n.name && j === 0) o.node.setFriendlyName(n.name);
      this.scope.values.set(name, o);
    });
  }
}

/** Finds `name` in this scope or an enclosing one; a hit outside a subgraph becomes a capture parameter. */
function resolveName(scope: Scope, name: string): Value | undefined {
  const own = scope.values.get(name);
  if (own) return own;
  if (!scope.parent) return undefined;
  const existing = scope.captures!.get(name);
  if (existing) return existing.param.output(0);
  const outer = resolveName(scope.parent, name);
  if (!outer || outer instanceof OptionalNone) return outer;
  const capture = (o: Output, key: string): Output => {
    // Build-time-known values are copied into the body, so shape inference inside it still sees them.
    if (o.knownValue) {
      const c = constant(o.knownValue).output(0);
      scope.values.set(key, c);
      return c;
    }
    const param = parameter(o.elementType, o.partialShape, key);
    scope.captures!.set(key, { param, outer: o });
    return param.output(0);
  };
  if (!(outer instanceof SequenceValue)) return capture(outer, name);
  // A sequence read inside a body is captured element by element; the list is remembered under its name.
  const inner = new SequenceValue(outer.elements.map((e, k) => capture(e, `${name}[${k}]`)), outer.elementType);
  scope.values.set(name, inner);
  return inner;
}

/**
 * A graph output must be found, and returned by infer(), under its own name. When its tensor is
 * a graph input passed through, already another output, or first named otherwise (Identity
 * chains), a same-type Convert (free at run time) gives it a tensor of its own.
 */
function ownName(out: Output, name: string, used: Set<Output>): Output {
  if (out.names[0] === name && out.node.type !== 'Parameter' && !used.has(out)) {
    used.add(out);
    return out;
  }
  const own = convert(out, out.elementType, name).output(0);
  own.setNames([name]);
  out.nameSet.delete(name);
  used.add(own);
  return own;
}
