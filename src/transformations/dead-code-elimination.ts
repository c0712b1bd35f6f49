// Dead code elimination. A Model holds only what its results and sinks reach, but a dead node
// still sits among its producers' consumers; cutting those links makes consumer counts (which
// fusions check) exact and lets the dead nodes be collected.
import type { Model } from '../core/model.js';
import { currentEdgeEpoch, type Node } from '../core/node.js';

/**
 * The edge epoch at which each model was last swept. Only a new or moved edge can give a live
 * output a dead consumer, so while the epoch stands still a second sweep would find nothing.
 */
const sweptAt = new WeakMap<Model, number>();

/** Disconnects the nodes the model's results and sinks do not reach from the live ones; returns how many were cut off. */
export function eliminateDeadCode(model: Model): number {
  if (sweptAt.get(model) === currentEdgeEpoch()) return 0;
  const live = new Set(model.getOrderedOps());
  const dead = new Set<Node>();
  for (const n of live) {
    for (const o of n.outputs) {
      // Deleting the entry being visited is safe while iterating a Set; no copy needed.
      for (const input of o.targets) {
        if (live.has(input.node)) continue;
        input.detach();
        dead.add(input.node);
      }
    }
  }
  sweptAt.set(model, currentEdgeEpoch());
  return dead.size;
}
