import { check, type InputInfo, type OpContext } from '../../core/op.js';
import { Dimension } from '../../core/dimension.js';
import { PartialShape } from '../../core/partial-shape.js';
import { toIntegers, type Tensor } from '../../core/tensor.js';
import { Node, type Output } from '../../core/node.js';
import type { Attrs, OpDefinition } from '../../core/op.js';

/** What factory functions accept wherever a tensor flows in: an output, or a node's first output. */
export type NodeInput = Output | Node;
export const asOutput = (x: NodeInput): Output => (x instanceof Node ? x.output(0) : x);

/** Builds a node of `op` from factory arguments (the shared body of every opset factory). */
export function makeNode(op: OpDefinition, inputs: readonly NodeInput[], attrs: Attrs = {}, name?: string): Node {
  return new Node(op, inputs.map(asOutput), attrs, name);
}

/** Row-major strides of a static shape. */
/** Two static shapes are the same: equal rank, equal dims. */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

/** Maps a possibly negative axis into [0, rank), failing with the node's name when out of range. */
export function normalizeAxis(axis: number, rank: number, ctx: OpContext): number {
  check(axis >= -rank && axis < Math.max(rank, 1) || (rank === 0 && (axis === 0 || axis === -1)), ctx,
    `axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function normalizeAxes(axes: readonly number[], rank: number, ctx: OpContext): number[] {
  const out = axes.map((a) => normalizeAxis(a, rank, ctx));
  check(new Set(out).size === out.length, ctx, () => `axes [${axes.join(',')}] repeat an axis`);
  return out;
}

/** A known input value as integers, or undefined when it is not known at graph-build time. */
export function knownIntegers(info: InputInfo | undefined): number[] | undefined {
  return info?.value ? toIntegers(info.value) : undefined;
}

/** The rank of a shape, or undefined when dynamic. */
export const rankOf = (s: PartialShape): number | undefined => (s.isRankStatic() ? s.rank : undefined);

export const staticDim = (n: number): Dimension => new Dimension(n);
export const dynamicShape = (rank?: number): PartialShape => PartialShape.dynamic(rank);

/** Checks the scalar/1-D nature of a shape-carrying input (axes, target shapes). */
export function checkRankAtMost(info: InputInfo, max: number, ctx: OpContext, what: string): void {
  if (info.shape.isRankStatic()) check(info.shape.rank <= max, ctx, () => `${what} must have rank ≤ ${max}, got ${info.shape.toString()}`);
}

/** Static shape of a tensor as a PartialShape. */
export const shapeOfTensor = (t: Tensor): PartialShape => new PartialShape(t.getShape());
