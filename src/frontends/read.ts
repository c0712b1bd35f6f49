import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ModelFormatError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import { readIR } from './ir/index.js';
import { looksLikeOnnx, readOnnx } from './onnx/index.js';

/** Reads a model file, choosing the frontend by extension; the IR's weights default to `<name>.bin`. */
export interface ReadOptions {
  onProgress?: (done: number, total: number) => void;
  /** Collects the path of every ONNX external data file the model reads. */
  externalFiles?: Set<string>;
  /**
   * Maps a file instead of reading it (a private, writable mapping: the reader may align tensors in
   * place). Reading 100 MB with readFileSync took 140-180 ms here, mostly faulting in the fresh
   * buffer's pages; mapping and touching the same file took 11-20 ms.
   */
  mapFile?: (path: string) => Uint8Array;
}

export function readModelFile(modelPath: string, weightsPath?: string, options: ReadOptions = {}): Model {
  const ext = extname(modelPath).toLowerCase();
  const bytes = readBytes(modelPath, 'model', false, options.mapFile);
  if (ext === '.xml') {
    const bin = weightsPath ?? modelPath.slice(0, -ext.length) + '.bin';
    return readIR(bytes, readBytes(bin, 'weights', weightsPath === undefined, options.mapFile));
  }
  // The bytes were read here and nobody else holds them, so the reader may align tensors in place.
  if (ext === '.onnx') return readOnnx(bytes, { path: modelPath, ownsBytes: true, ...options });
  return readModelBuffer(bytes, weightsPath ? readBytes(weightsPath, 'weights', false, options.mapFile) : undefined, modelPath, options);
}

/** Reads a model from memory, recognising the format from its first bytes. */
export function readModelBuffer(bytes: Uint8Array, weights?: Uint8Array, label = 'buffer', options: ReadOptions = {}): Model {
  if (looksLikeXml(bytes)) return readIR(bytes, weights ?? new Uint8Array(0));
  if (looksLikeOnnx(bytes)) return readOnnx(bytes, label === 'buffer' ? options : { path: label, ...options });
  throw new ModelFormatError(`${label}: unrecognised model format (expected OpenVINO IR .xml or ONNX .onnx)`);
}

function looksLikeXml(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 64); i++) {
    const c = bytes[i]!;
    if (c === 0x3c) return true; // '<'
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xef && c !== 0xbb && c !== 0xbf) return false;
  }
  return false;
}

/**
 * A file's bytes: its mapping when `mapFile` is given and can map it (no copy; pages load as they are
 * touched), else read. Throws what readFileSync throws for a missing or unreadable file.
 */
export function mapOrReadFile(path: string, mapFile?: (path: string) => Uint8Array): Uint8Array {
  if (mapFile) {
    try {
      return mapFile(path);
    } catch {
      // empty, missing or unmappable: read it the ordinary way, which reports a missing file properly
    }
  }
  // A view of the Buffer, not `new Uint8Array(buffer)`, which would copy the whole file.
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function readBytes(path: string, what: string, optional = false, mapFile?: (path: string) => Uint8Array): Uint8Array {
  try {
    return mapOrReadFile(path, mapFile);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return new Uint8Array(0); // an IR without constants has no .bin
    throw new ModelFormatError(`cannot read ${what} file "${path}": ${code ?? (e as Error).message}`, { cause: e });
  }
}
