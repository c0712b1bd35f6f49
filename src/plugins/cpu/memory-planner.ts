/**
 * Places tensors in one arena so that tensors alive at the same time never overlap, and tensors
 * whose lifetimes are disjoint reuse the same bytes. Greedy by size: the largest tensors are placed
 * first, each at the lowest offset that clears every already-placed tensor it coexists with, the
 * approach TensorFlow Lite's arena planner takes; it is near-optimal on feed-forward graphs.
 */
export interface Lifetime {
  bytes: number;
  /** First and last step (inclusive) that touch the tensor. */
  first: number;
  last: number;
}

export interface ArenaPlan {
  /** Byte offset per input lifetime (same order). */
  offsets: number[];
  totalBytes: number;
}

const ALIGN = 64;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export function planArena(tensors: readonly Lifetime[]): ArenaPlan {
  const offsets = new Array<number>(tensors.length).fill(0);
  const order = tensors.map((_, i) => i).filter((i) => tensors[i]!.bytes > 0)
    .sort((a, b) => tensors[b]!.bytes - tensors[a]!.bytes || tensors[a]!.first - tensors[b]!.first);
  const placed: Array<{ start: number; end: number; first: number; last: number }> = [];
  let totalBytes = 0;
  for (const i of order) {
    const t = tensors[i]!;
    const size = align(t.bytes);
    const clashes = placed.filter((p) => p.first <= t.last && t.first <= p.last).sort((a, b) => a.start - b.start);
    let at = 0;
    for (const c of clashes) {
      if (at + size <= c.start) break;
      at = Math.max(at, c.end);
    }
    offsets[i] = at;
    placed.push({ start: at, end: at + size, first: t.first, last: t.last });
    totalBytes = Math.max(totalBytes, at + size);
  }
  return { offsets, totalBytes };
}
