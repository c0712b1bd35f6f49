import { InputError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { Node } from '../core/node.js';

/**
 * Nodes a compression algorithm must leave in float: by friendly name, by op type, or by a
 * regular expression over friendly names (a string pattern must match the whole name, as NNCF's
 * `re.fullmatch` does; a RegExp is used as given).
 */
export interface IgnoredScope {
  names?: readonly string[];
  types?: readonly string[];
  patterns?: ReadonlyArray<string | RegExp>;
  /** Fail when an entry matches nothing (default true), so a typo does not pass unnoticed. */
  validate?: boolean;
}

/** The set of the model's nodes the scope names. */
export function ignoredNodes(model: Model, scope: IgnoredScope | undefined): Set<Node> {
  const out = new Set<Node>();
  if (!scope) return out;
  const nodes = model.getOrderedOps();
  const names = new Set(scope.names ?? []);
  const types = new Set(scope.types ?? []);
  const patterns = (scope.patterns ?? []).map(toRegExp);
  const seenNames = new Set<string>();
  const seenTypes = new Set<string>();
  const seenPatterns = new Set<number>();
  for (const n of nodes) {
    let hit = false;
    if (names.has(n.friendlyName)) { seenNames.add(n.friendlyName); hit = true; }
    if (types.has(n.type)) { seenTypes.add(n.type); hit = true; }
    patterns.forEach((re, i) => {
      re.lastIndex = 0;
      if (re.test(n.friendlyName)) { seenPatterns.add(i); hit = true; }
    });
    if (hit) out.add(n);
  }
  if (scope.validate ?? true) {
    const missing = [
      ...[...names].filter((x) => !seenNames.has(x)).map((x) => `name "${x}"`),
      ...[...types].filter((x) => !seenTypes.has(x)).map((x) => `type "${x}"`),
      ...patterns.filter((_, i) => !seenPatterns.has(i)).map((re) => `pattern ${re}`),
    ];
    if (missing.length) {
      throw new InputError(`ignored scope: ${missing.join(', ')} matched no node of model "${model.getFriendlyName()}" (pass validate: false to allow this)`);
    }
  }
  return out;
}

function toRegExp(p: string | RegExp): RegExp {
  if (p instanceof RegExp) return p;
  try {
    return new RegExp(`^(?:${p})$`);
  } catch (e) {
    throw new InputError(`ignored scope: pattern "${p}" is not a valid regular expression (${(e as Error).message})`);
  }
}
