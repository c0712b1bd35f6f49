import { Layout, Model, opset, type Output } from '../index.js';
import { ConfigError } from './repository.js';

/**
 * OVMS's shape syntax as a tsvino shape string: "(1,3,224,224)" or "[1,3,-1,-1]", with -1 for a dynamic
 * dimension and "1:8" for a range.
 */
export function parseOvmsShape(text: string, where: string): string {
  const s = text.trim();
  if (s === 'auto') throw new ConfigError(`${where}: shape "auto" (reshaping per request) is not supported; give a shape such as "(1,3,-1,-1)"`);
  const m = /^[([]\s*(.*?)\s*[)\]]$/.exec(s);
  if (!m) throw new ConfigError(`${where}: shape "${text}" must look like "(1,3,224,224)"`);
  const dims = m[1] === '' ? [] : m[1]!.split(',').map((d) => d.trim());
  const out = dims.map((d) => {
    if (d === '-1' || d === '?') return '?';
    if (/^\d+$/.test(d)) return d;
    const r = /^(\d+):(\d+)$/.exec(d);
    if (r) return `${r[1]}..${r[2]}`;
    throw new ConfigError(`${where}: shape "${text}" has a bad dimension "${d}"`);
  });
  return `[${out.join(',')}]`;
}

/** Applies a config's `shape` (one for a single-input model, or per input name) with Model.reshape. */
export function applyShapes(model: Model, shape: string | Record<string, string>, where: string): void {
  if (typeof shape === 'string') {
    model.reshape(parseOvmsShape(shape, where));
    return;
  }
  model.reshape(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, parseOvmsShape(v, `${where} input "${k}"`)])));
}

/**
 * Applies a config's `layout`. "NHWC:NCHW" means clients send NHWC while the model takes NCHW, so the
 * input becomes a new NHWC Parameter feeding a Transpose; a plain "NCHW" only names the model's own layout.
 */
export function applyLayouts(model: Model, layout: string | Record<string, string>, where: string): Model {
  const specs: Array<[Output, string]> = typeof layout === 'string'
    ? [[model.input(), layout]]
    : Object.entries(layout).map(([name, spec]) => [model.input(name), spec]);
  let parameters = [...model.parameters];
  for (const [port, spec] of specs) {
    const [from, to] = spec.split(':');
    if (to === undefined) { new Layout(from); continue; }
    const perm = permutation(new Layout(from), new Layout(to), port.partialShape.rank, `${where} layout "${spec}"`);
    if (perm.every((p, i) => p === i)) continue;
    const dims = port.partialShape.getDimensions();
    // perm[i] is the client axis that model axis i reads; the client shape is the inverse of that.
    const clientDims = perm.map((_, j) => dims[perm.indexOf(j)]!.toString());
    const name = port.anyName;
    const fresh = opset.parameter(port.elementType, `[${clientDims.join(',')}]`, name);
    const transposed = opset.transpose(fresh, perm);
    port.replace(transposed.output(0));
    transposed.output(0).setNames([]);
    fresh.output(0).setNames([name]);
    parameters = parameters.map((p) => (p === port.node ? fresh : p));
  }
  return new Model(model.results, parameters, model.getName());
}

/** For each axis of `model`, the axis of `client` holding the same dimension. */
function permutation(client: Layout, model: Layout, rank: number, where: string): number[] {
  const c = client.names.map((n) => n.toUpperCase());
  const m = model.names.map((n) => n.toUpperCase());
  if (c.length !== rank || m.length !== rank || c.includes('...') || m.includes('...') || [...m].sort().join() !== [...c].sort().join()) {
    throw new ConfigError(`${where}: both layouts must name the same ${rank} axes`);
  }
  return m.map((axis) => c.indexOf(axis));
}
