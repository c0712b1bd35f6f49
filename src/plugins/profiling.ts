import type { Node } from '../core/node.js';
import type { NodeTimer } from '../ops/evaluate.js';
import type { Executable, ProfilingInfo, RequestState } from './plugin.js';

/** Nodes that do no work at inference time: OpenVINO reports them NOT_RUN. */
const IDLE_TYPES = new Set(['Parameter', 'Constant']);

/**
 * One request's per-node figures for the last run, over an evaluation order. Times are wall
 * times on the JS thread, which is also the CPU time there, so cpuTime equals realTime.
 */
export class NodeProfile implements NodeTimer {
  private readonly index = new Map<Node, number>();
  private readonly entries: ProfilingInfo[];

  constructor(order: readonly Node[], private readonly execTypeOf: (node: Node, byOverride: boolean) => string) {
    this.entries = order.map((n, i) => {
      this.index.set(n, i);
      return { nodeName: n.friendlyName, nodeType: n.type, execType: 'undef', realTime: 0, cpuTime: 0, status: 'NOT_RUN' };
    });
  }

  /** Marks every node NOT_RUN before a run. */
  reset(): void {
    for (const e of this.entries) { e.status = 'NOT_RUN'; e.realTime = 0; e.cpuTime = 0; }
  }

  record(node: Node, milliseconds: number, byOverride: boolean): void {
    const e = this.entries[this.index.get(node) ?? -1];
    if (!e || IDLE_TYPES.has(node.type)) return;
    const us = milliseconds * 1000;
    e.status = 'EXECUTED';
    e.execType = this.execTypeOf(node, byOverride);
    e.realTime = us;
    e.cpuTime = us;
  }

  /** A copy, so a later run does not change figures a caller holds. */
  info(): ProfilingInfo[] { return this.entries.map((e) => ({ ...e })); }
}

/**
 * Profiles kept per request state, for executables over the reference evaluator: `timerFor`
 * gives the (reset) timer to pass to a run, `info` what the last run with that state recorded.
 */
export function requestProfiles(order: readonly Node[], execTypeOf: (node: Node, byOverride: boolean) => string): {
  timerFor(state: RequestState): NodeProfile;
  info: NonNullable<Executable['profilingInfo']>;
} {
  const profiles = new WeakMap<RequestState, NodeProfile>();
  const profileOf = (state: RequestState): NodeProfile => {
    let p = profiles.get(state);
    if (!p) { p = new NodeProfile(order, execTypeOf); profiles.set(state, p); }
    return p;
  };
  return {
    timerFor(state) { const p = profileOf(state); p.reset(); return p; },
    info: (state) => profileOf(state).info(),
  };
}
