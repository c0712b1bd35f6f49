import { Dimension } from './dimension.js';
import { InputError } from './errors.js';

export type DimensionLike = number | string | Dimension | readonly [number, number];

function toDimension(d: DimensionLike): Dimension {
  if (d instanceof Dimension) return d;
  if (typeof d === 'number') return new Dimension(d);
  if (typeof d === 'string') return Dimension.parse(d);
  return new Dimension(d[0], d[1] < 0 ? Infinity : d[1]);
}

/** A shape whose rank, or some dimensions, may be unknown until inference time. */
export class PartialShape {
  /** null when even the rank is dynamic. */
  readonly dims: readonly Dimension[] | null;

  /**
   * `new PartialShape('1, ?, 1..3, 224')`, `new PartialShape([1, -1, 224])`,
   * `new PartialShape('...')` (dynamic rank), `new PartialShape()` (dynamic rank).
   */
  constructor(shape?: string | readonly DimensionLike[] | null) {
    if (shape === undefined || shape === null) { this.dims = null; return; }
    if (typeof shape === 'string') {
      const s = shape.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
      if (s === '...') { this.dims = null; return; }
      this.dims = s === '' ? [] : s.split(',').map((p) => Dimension.parse(p));
      return;
    }
    this.dims = shape.map(toDimension);
  }

  static dynamic(rank?: number): PartialShape {
    return rank === undefined ? new PartialShape() : new PartialShape(Array.from({ length: rank }, () => Dimension.dynamic()));
  }

  static fromShape(shape: readonly number[]): PartialShape { return new PartialShape(shape); }

  /** Rank-static shapes only; throws otherwise. */
  get rank(): number {
    if (this.dims === null) throw new InputError('shape has dynamic rank');
    return this.dims.length;
  }
  isRankStatic(): boolean { return this.dims !== null; }
  isStatic(): boolean {
    // A plain loop: shape rules, constant folding and lowering ask this of nearly every output.
    const dims = this.dims;
    if (dims === null) return false;
    for (let i = 0; i < dims.length; i++) if (dims[i]!.min !== dims[i]!.max) return false;
    return true;
  }
  isDynamic(): boolean { return !this.isStatic(); }
  getDimensions(): Dimension[] {
    if (this.dims === null) throw new InputError('shape has dynamic rank');
    return [...this.dims];
  }
  dim(i: number): Dimension {
    // Reads the dims in place: getDimensions() copies, and shape rules call dim() per axis.
    const dims = this.dims;
    if (dims === null) throw new InputError('shape has dynamic rank');
    const d = dims[i < 0 ? dims.length + i : i];
    if (!d) throw new InputError(`dimension index ${i} out of range for shape ${this.toString()}`);
    return d;
  }

  /** The static shape; throws when any dimension is dynamic. */
  toShape(): number[] {
    if (!this.isStatic()) throw new InputError(`shape ${this.toString()} is not static`);
    const dims = this.dims!;
    const out: number[] = [];
    for (let i = 0; i < dims.length; i++) out.push(dims[i]!.min);
    return out;
  }

  /** Whether a tensor of static `shape` fits this partial shape. */
  accepts(shape: readonly number[]): boolean {
    if (this.dims === null) return true;
    return this.dims.length === shape.length && this.dims.every((d, i) => d.contains(shape[i]!));
  }

  compatible(other: PartialShape): boolean {
    if (this.dims === null || other.dims === null) return true;
    return this.dims.length === other.dims.length && this.dims.every((d, i) => d.compatible(other.dims![i]!));
  }

  /** Intersection of two shapes (both must describe the same tensor), or null when incompatible. */
  merge(other: PartialShape): PartialShape | null {
    if (this.dims === null) return other;
    if (other.dims === null) return this;
    if (this.dims.length !== other.dims.length) return null;
    const out: Dimension[] = [];
    for (let i = 0; i < this.dims.length; i++) {
      const m = this.dims[i]!.merge(other.dims[i]!);
      if (!m) return null;
      out.push(m);
    }
    return new PartialShape(out);
  }

  equals(other: PartialShape): boolean {
    if (this.dims === null || other.dims === null) return this.dims === other.dims;
    return this.dims.length === other.dims.length && this.dims.every((d, i) => d.equals(other.dims![i]!));
  }

  /** `[1,?,1..3,224]`; `[...]` for a dynamic rank. */
  toString(): string {
    return this.dims === null ? '[...]' : `[${this.dims.map((d) => d.toString()).join(',')}]`;
  }
}
