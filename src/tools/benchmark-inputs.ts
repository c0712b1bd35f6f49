// benchmark's input side: -shape / -data_shape / -layout specs, batch, and the tensors each
// request runs on (from .npy, raw binary or image files, else deterministic random data).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError, Layout, PartialShape, Tensor, type Model, type Output } from '../index.js';
import { byteSize, isFloatType } from '../core/element-type.js';
import { tensorFromNumbers, toNumbers } from '../core/tensor.js';
import { decodeImage, sniffFormat } from '../ops/util/image-codecs.js';
import { tensorFromNpy } from './npy.js';

/** `name[1,3,224,224],other[1,10]`, or `[1,3,224,224]` for a single-input model (name ''); a name may repeat groups: `x[1,3][2,3]`. */
export function parsePortSpec(spec: string, what: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const re = /([^[\],]*)((?:\[[^\]]*\])+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(spec))) out.set(m[1]!.trim(), m[2]!.slice(1, -1).split(']['));
  if (out.size === 0) throw new InputError(`invalid ${what} "${spec}"; expected name[...] or [...]`);
  return out;
}

/** The model input a spec names ('' = the only input). */
export function portNamed(ports: readonly Output[], name: string, what: string): Output {
  if (name === '') {
    if (ports.length !== 1) throw new InputError(`${what} without an input name needs a single-input model; this one has ${ports.length}: ${ports.map(portName).join(', ')}`);
    return ports[0]!;
  }
  const p = ports.find((o) => o.nameSet.has(name) || o.node.friendlyName === name);
  if (!p) throw new InputError(`${what} names input "${name}"; the model's inputs are ${ports.map(portName).join(', ')}`);
  return p;
}

export const portName = (o: Output): string => o.names[0] ?? o.node.friendlyName;

/** Layouts by input: from -layout, else the model's own, else guessed for 4-D images (C of 1, 3 or 4). */
export function inputLayouts(model: Model, spec?: string): Map<Output, Layout> {
  const given = new Map<Output, Layout>();
  if (spec) {
    for (const [name, [text]] of parsePortSpec(spec, '-layout')) {
      const body = text!.includes(',') ? `[${text}]` : text!;
      given.set(portNamed(model.inputs, name, '-layout'), new Layout(body));
    }
  }
  return new Map(model.inputs.map((port) => {
    const own = port.node.rtInfo['layout'];
    return [port, given.get(port) ?? (typeof own === 'string' && own !== '' ? new Layout(own) : guessLayout(port.partialShape))];
  }));
}

function guessLayout(shape: PartialShape): Layout {
  if (shape.rank !== 4) return new Layout();
  const small = (i: number): boolean => { const d = shape.dim(i); return d.isStatic() && d.getLength() <= 4; };
  return small(1) ? new Layout('NCHW') : small(3) ? new Layout('NHWC') : new Layout('NCHW');
}

/** Applies -shape, then -b to each input's N axis. */
export function reshapeModel(model: Model, layouts: Map<Output, Layout>, shapeSpec?: string, batch?: number): void {
  const shapes = new Map<Output, PartialShape>();
  if (shapeSpec) {
    for (const [name, [text]] of parsePortSpec(shapeSpec, '-shape')) shapes.set(portNamed(model.inputs, name, '-shape'), new PartialShape(`[${text}]`));
  }
  if (batch !== undefined) {
    for (const port of model.inputs) {
      const layout = layouts.get(port)!;
      if (!layout.hasName('N')) throw new InputError(`-b: input "${portName(port)}" has no N axis in its layout "${layout.toString()}"; pass -layout "${portName(port)}[NCHW]"`);
      const current = shapes.get(port) ?? port.partialShape;
      const axis = layout.getIndexByName('N');
      const dims = current.getDimensions().map((d) => d.toString());
      dims[axis < 0 ? dims.length + axis : axis] = String(batch);
      shapes.set(port, new PartialShape(`[${dims.join(',')}]`));
    }
  }
  if (shapes.size) model.reshape(new Map([...shapes].map(([port, shape]) => [port, shape])));
}

/** The batch benchmark_app reports: the first input's N dimension, when static. */
export function modelBatch(model: Model, layouts: Map<Output, Layout>): number {
  for (const port of model.inputs) {
    const layout = layouts.get(port);
    if (!layout?.hasName('N')) continue;
    const i = layout.getIndexByName('N');
    const d = port.partialShape.rank > 0 ? port.partialShape.dim(i < 0 ? port.partialShape.rank + i : i) : undefined;
    if (d?.isStatic()) return d.getLength();
  }
  return 1;
}

export interface InputPlan {
  /** Tensors for each prepared input set, in input order; requests cycle through the sets. */
  sets: Tensor[][];
  /** One line per input: name, layout, type, shape, source. */
  descriptions: string[];
  usedRandom: boolean;
}

/** Files per input from `-i` entries (`file`, `a.png,b.png`, `folder`, `name:files`). */
function filesByInput(ports: readonly Output[], entries: readonly string[]): Map<Output, string[]> {
  const out = new Map<Output, string[]>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const named = colon > 0 && ports.some((p) => p.nameSet.has(entry.slice(0, colon)) || p.node.friendlyName === entry.slice(0, colon));
    const port = portNamed(ports, named ? entry.slice(0, colon) : '', '-i');
    const files = (named ? entry.slice(colon + 1) : entry).split(',').filter(Boolean).flatMap(expandFolder);
    out.set(port, [...(out.get(port) ?? []), ...files]);
  }
  return out;
}

function expandFolder(path: string): string[] {
  let isDir = false;
  try { isDir = statSync(path).isDirectory(); } catch { throw new InputError(`-i: cannot read "${path}"`); }
  return isDir ? readdirSync(path).sort().map((f) => join(path, f)).filter((f) => statSync(f).isFile()) : [path];
}

/**
 * Builds the input sets: as many as the most files or data shapes any input has (at least one).
 * Static inputs use their shape, dynamic ones -data_shape's.
 */
export function planInputs(ports: readonly Output[], layouts: Map<Output, Layout>, fileEntries: readonly string[], dataShapeSpec?: string): InputPlan {
  const files = filesByInput(ports, fileEntries);
  const dataShapes = new Map<Output, number[][]>();
  if (dataShapeSpec) {
    for (const [name, texts] of parsePortSpec(dataShapeSpec, '-data_shape')) {
      const port = portNamed(ports, name, '-data_shape');
      const shapes = texts.map((t) => t.split(',').map((d) => Number(d.trim())));
      for (const s of shapes) {
        if (!s.every((d) => Number.isInteger(d) && d >= 0) || !port.partialShape.accepts(s)) {
          throw new InputError(`-data_shape [${s.join(',')}] does not fit input "${portName(port)}" of shape ${port.partialShape.toString()}`);
        }
      }
      dataShapes.set(port, shapes);
    }
  }
  const shapesOf = (port: Output): number[][] => {
    const given = dataShapes.get(port);
    if (given) return given;
    if (port.partialShape.isStatic()) return [port.partialShape.toShape()];
    throw new InputError(`input "${portName(port)}" has dynamic shape ${port.partialShape.toString()}; pass -data_shape "${portName(port)}[...]" or -shape`);
  };
  const count = Math.max(1, ...ports.map((p) => Math.max(files.get(p)?.length ?? 0, shapesOf(p).length)));
  const sets: Tensor[][] = Array.from({ length: count }, () => []);
  const descriptions: string[] = [];
  let usedRandom = false;
  for (const [index, port] of ports.entries()) {
    const shapes = shapesOf(port);
    const layout = layouts.get(port)!;
    const list = files.get(port) ?? [];
    for (let k = 0; k < count; k++) {
      const shape = shapes[k % shapes.length]!;
      sets[k]!.push(list.length ? tensorFromFiles(port, layout, shape, list, k) : randomTensor(port, shape, 1 + k + 97 * index));
    }
    if (!list.length) usedRandom = true;
    const kind = port.partialShape.isStatic() ? 'static' : 'dynamic';
    const source = list.length ? list.join(', ') : 'random (image/numpy array is expected)';
    descriptions.push(`${portName(port)}  (${layout.isEmpty() ? '[...]' : `[${layout.names.join(',')}]`}, ${port.elementType}, ${shapes.map((s) => `[${s.join(',')}]`).join(' ')}, ${kind}):\t${source}`);
  }
  return { sets, descriptions, usedRandom };
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.pbm', '.pgm', '.ppm', '.pnm']);

/** One input tensor from the files of set `k` (an image input takes one file per batch item). */
function tensorFromFiles(port: Output, layout: Layout, shape: number[], files: string[], k: number): Tensor {
  const first = files[k % files.length]!;
  const bytes = readFileSync(first);
  if (IMAGE_EXTENSIONS.has(extname(first).toLowerCase()) || sniffFormat(bytes) !== 'unknown') {
    const batch = layout.hasName('N') ? shape[axisOf(layout, 'N', shape.length)]! : 1;
    const images = Array.from({ length: batch }, (_, b) => (b === 0 ? bytes : readFileSync(files[(k * batch + b) % files.length]!)));
    return imageTensor(port, layout, shape, images, first);
  }
  if (extname(first).toLowerCase() === '.npy') {
    const t = tensorFromNpy(bytes, first);
    if (t.getShape().join(',') !== shape.join(',')) throw new InputError(`${first}: array of shape [${t.getShape()}] does not fit input "${portName(port)}" [${shape}]`);
    return t.getElementType() === port.elementType ? t : tensorFromNumbers(port.elementType, shape, toNumbers(t));
  }
  const need = byteSize(port.elementType, shape.reduce((a, b) => a * b, 1));
  if (bytes.byteLength !== need) {
    throw new InputError(`${first}: ${bytes.byteLength} bytes of raw data; input "${portName(port)}" (${port.elementType} [${shape}]) needs ${need}`);
  }
  return new Tensor(port.elementType, shape, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

const axisOf = (layout: Layout, name: string, rank: number): number => {
  const i = layout.getIndexByName(name);
  return i < 0 ? rank + i : i;
};

/** Decodes images, resizes them (bilinear) to the input's H×W, in BGR order as OpenCV gives benchmark_app. */
function imageTensor(port: Output, layout: Layout, shape: number[], images: Uint8Array[], label: string): Tensor {
  if (!['N', 'C', 'H', 'W'].every((a) => layout.hasName(a)) || shape.length !== 4) {
    throw new InputError(`${label}: image input "${portName(port)}" needs a 4-D layout with N, C, H and W (got "${layout.toString()}"); pass -layout`);
  }
  const [n, c, h, w] = ['N', 'C', 'H', 'W'].map((a) => axisOf(layout, a, 4));
  const strides = [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
  const channels = shape[c!]!, height = shape[h!]!, width = shape[w!]!;
  if (channels !== 1 && channels !== 3) throw new InputError(`${label}: image input "${portName(port)}" has ${channels} channels; images fill 1 or 3`);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  images.forEach((bytes, b) => {
    let img;
    try { img = decodeImage(bytes); } catch (e) { throw new InputError(`${label}: ${(e as Error).message}`); }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const rgb = sampleBilinear(img.rgba, img.width, img.height, ((x + 0.5) * img.width) / width - 0.5, ((y + 0.5) * img.height) / height - 0.5);
        for (let ch = 0; ch < channels; ch++) {
          const v = channels === 1 ? 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] : rgb[2 - ch]!;
          values[b * strides[n!]! + ch * strides[c!]! + y * strides[h!]! + x * strides[w!]!] = v;
        }
      }
    }
  });
  const integer = !isFloatType(port.elementType);
  return tensorFromNumbers(port.elementType, shape, integer ? values.map(Math.round) : values);
}

function sampleBilinear(rgba: Uint8Array, w: number, h: number, fx: number, fy: number): [number, number, number] {
  const x0 = Math.max(0, Math.min(w - 1, Math.floor(fx))), y0 = Math.max(0, Math.min(h - 1, Math.floor(fy)));
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
  const ax = Math.max(0, Math.min(1, fx - x0)), ay = Math.max(0, Math.min(1, fy - y0));
  const at = (x: number, y: number, ch: number): number => rgba[4 * (y * w + x) + ch]!;
  const out: [number, number, number] = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    const top = at(x0, y0, ch) * (1 - ax) + at(x1, y0, ch) * ax;
    const bottom = at(x0, y1, ch) * (1 - ax) + at(x1, y1, ch) * ax;
    out[ch] = top * (1 - ay) + bottom * ay;
  }
  return out;
}

/** Deterministic random data: uniform in [0, 1) for floats, 0/1 for booleans, 0..9 for integers. */
function randomTensor(port: Output, shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n);
  let s = seed * 2654435761 >>> 0;
  const float = isFloatType(port.elementType);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    values[i] = float ? s / 0x7fffffff : port.elementType === 'boolean' ? s & 1 : s % 10;
  }
  if (port.elementType === 'string') return new Tensor('string', shape, Array.from({ length: n }, (_, i) => `s${i % 10}`));
  return tensorFromNumbers(port.elementType, shape, values);
}
