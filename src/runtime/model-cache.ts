// Compiled-model blobs: what CompiledModel.exportModelSync writes, Core.importModel reads, and
// CACHE_DIR keeps. A blob is a magic line, a JSON header (device, config, versions, section sizes,
// checksum) and sections: either the plugin's own export, or the device's transformed model as IR,
// recompiled with PRETRANSFORMED_KEY so the plugin skips its transformations.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { InputError, ModelFormatError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import { readIR, writeIR } from '../frontends/ir/index.js';
import { VERSION } from '../plugins/common.js';
import { PRETRANSFORMED_KEY, type Executable, type Plugin, type Properties, type PropertyValue } from '../plugins/plugin.js';

const MAGIC = Buffer.from('TSVINO-COMPILED-MODEL\n', 'latin1');
const FORMAT = 1;

interface BlobHeader {
  format: number;
  tsvinoVersion: string;
  device: string;
  pluginVersion: string;
  config: Properties;
  /** 'plugin': one section from plugin.exportExecutable; 'ir': IR xml and bin. */
  kind: 'plugin' | 'ir';
  sections: number[];
  /** `crc32:<hex>` (or `sha256:<hex>` on a Node without zlib.crc32), over the sections. */
  checksum: string;
}

const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** A fast corruption check (crc32 runs at several GB/s); the cache key itself is a sha256. */
function checksum(parts: Uint8Array[], kind = typeof zlib.crc32 === 'function' ? 'crc32' : 'sha256'): string {
  if (kind === 'crc32') return `crc32:${parts.reduce((c, p) => zlib.crc32(p, c), 0).toString(16)}`;
  return `sha256:${sha256(...parts)}`;
}

/** Serializes a compiled model; `config` is the config it was compiled with. */
export function exportExecutable(plugin: Plugin, exe: Executable, config: Properties): Buffer {
  const own = plugin.exportExecutable?.(exe);
  if (own) return encodeBlob(plugin, config, 'plugin', [own]);
  const ir = writeIR(exe.model, { compressToFp16: false });
  return encodeBlob(plugin, config, 'ir', [Buffer.from(ir.xml, 'utf8'), ir.bin]);
}

/**
 * Rebuilds an executable from `exportExecutable`'s bytes. `config` entries override the blob's.
 * Bad bytes are a ModelFormatError; a blob made for another device an InputError.
 */
export function importExecutable(plugin: Plugin, blob: Uint8Array, config: Properties): { executable: Executable; config: Properties } {
  const { header, sections } = decodeBlob(blob);
  if (header.device !== plugin.name) {
    throw new InputError(`the compiled model was exported from device ${header.device}; it cannot be imported to ${plugin.name}`);
  }
  const pluginVersion = plugin.version().buildNumber;
  if (header.tsvinoVersion !== VERSION || header.pluginVersion !== pluginVersion) {
    throw new ModelFormatError(`the compiled model was exported by tsvino ${header.tsvinoVersion} (${header.device} ${header.pluginVersion}); this is tsvino ${VERSION} (${plugin.name} ${pluginVersion})`);
  }
  const merged = { ...header.config, ...config };
  if (header.kind === 'plugin') {
    if (!plugin.importExecutable) throw new ModelFormatError(`device ${plugin.name} cannot import its own compiled-model format`);
    return { executable: plugin.importExecutable(sections[0]!, merged), config: merged };
  }
  const model = readIR(sections[0]!, sections[1]!);
  return { executable: plugin.compile(model, { ...merged, [PRETRANSFORMED_KEY]: true }), config: merged };
}

function encodeBlob(plugin: Plugin, config: Properties, kind: BlobHeader['kind'], sections: Uint8Array[]): Buffer {
  const header: BlobHeader = {
    format: FORMAT, tsvinoVersion: VERSION, device: plugin.name, pluginVersion: plugin.version().buildNumber,
    config, kind, sections: sections.map((s) => s.byteLength), checksum: checksum(sections),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.byteLength);
  return Buffer.concat([MAGIC, length, json, ...sections]);
}

function decodeBlob(blob: Uint8Array): { header: BlobHeader; sections: Uint8Array[] } {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (bytes.byteLength < MAGIC.byteLength + 4 || !bytes.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
    throw new ModelFormatError('not a tsvino compiled model (bad magic bytes); export one with CompiledModel.exportModelSync()');
  }
  const jsonStart = MAGIC.byteLength + 4;
  const jsonEnd = jsonStart + bytes.readUInt32LE(MAGIC.byteLength);
  if (jsonEnd > bytes.byteLength) throw new ModelFormatError('compiled model is truncated (header)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(jsonStart, jsonEnd).toString('utf8'));
  } catch (e) {
    throw new ModelFormatError(`compiled model header is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const header = checkHeader(parsed);
  const sections: Uint8Array[] = [];
  let at = jsonEnd;
  for (const size of header.sections) {
    if (at + size > bytes.byteLength) throw new ModelFormatError('compiled model is truncated (data)');
    sections.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at, size));
    at += size;
  }
  if (at !== bytes.byteLength) throw new ModelFormatError(`compiled model has ${bytes.byteLength - at} unexpected trailing bytes`);
  const [kind] = header.checksum.split(':');
  if ((kind !== 'crc32' && kind !== 'sha256') || checksum(sections, kind) !== header.checksum) {
    throw new ModelFormatError('compiled model is corrupt (checksum mismatch)');
  }
  return { header, sections };
}

function checkHeader(v: unknown): BlobHeader {
  const bad = (what: string): never => { throw new ModelFormatError(`compiled model header: ${what}`); };
  if (typeof v !== 'object' || v === null) return bad('not an object');
  const get = (k: string): unknown => (k in v ? Reflect.get(v, k) : undefined);
  const str = (k: string): string => { const x = get(k); return typeof x === 'string' ? x : bad(`"${k}" is missing`); };
  if (get('format') !== FORMAT) bad(`format ${String(get('format'))} is not ${FORMAT}`);
  const kind = get('kind');
  if (kind !== 'plugin' && kind !== 'ir') return bad(`unknown kind ${String(kind)}`);
  const sections = get('sections');
  if (!Array.isArray(sections) || !sections.every((s): s is number => Number.isInteger(s) && s >= 0)) return bad('"sections" is not a list of sizes');
  if (sections.length !== (kind === 'ir' ? 2 : 1)) bad(`${kind} blob needs ${kind === 'ir' ? 2 : 1} sections, has ${sections.length}`);
  const config = get('config');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return bad('"config" is not an object');
  const props: Properties = {};
  for (const [k, value] of Object.entries(config)) props[k] = checkValue(value) ?? bad(`config "${k}" has an unsupported value`);
  return {
    format: FORMAT, tsvinoVersion: str('tsvinoVersion'), device: str('device'), pluginVersion: str('pluginVersion'),
    config: props, kind, sections, checksum: str('checksum'),
  };
}

function checkValue(value: unknown): PropertyValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((x): x is string => typeof x === 'string')) return value;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value));
  return undefined;
}

/**
 * What identifies a model's content. A path: its file's bytes (an IR's .bin too; for ONNX, the size
 * and time of each external-data file it names). Bytes: the bytes. A Model: its serialized graph
 * and weights, node names included.
 */
export function modelDigest(source: string | Uint8Array | Model, read: () => Model): { digest: string; model?: Model } {
  if (typeof source === 'string') {
    const bytes = readFileSync(source);
    if (extname(source).toLowerCase() === '.xml') {
      let bin: Uint8Array = new Uint8Array(0);
      try { bin = readFileSync(source.slice(0, -4) + '.bin'); } catch { /* an IR without constants has no .bin */ }
      return { digest: sha256(Buffer.from('ir\0'), bytes, Buffer.from('\0'), bin) };
    }
    const external = extname(source).toLowerCase() === '.onnx' ? externalFiles(source, bytes) : [];
    return { digest: sha256(Buffer.from('file\0'), bytes, Buffer.from(JSON.stringify(external), 'utf8')) };
  }
  if (source instanceof Uint8Array) return { digest: sha256(Buffer.from('bytes\0'), source) };
  const model = read();
  const ir = writeIR(model, { compressToFp16: false });
  return { digest: sha256(Buffer.from('model\0'), Buffer.from(ir.xml, 'utf8'), Buffer.from('\0'), ir.bin), model };
}

/**
 * [location, size, mtime] of each ONNX external-data file the model names. A location is stored
 * as the protobuf entry { key: "location", value: <path> }, so one scan for the key finds them.
 */
function externalFiles(path: string, bytes: Buffer): Array<[string, number, number]> {
  const key = Buffer.from('location');
  const found = new Set<string>();
  for (let at = bytes.indexOf(key); at >= 0; at = bytes.indexOf(key, at + key.length)) {
    let p = at + key.length;
    if (bytes[p] !== 0x12) continue; // field 2 (value), length-delimited
    let length = 0;
    for (let shift = 0; p + 1 < bytes.length && shift < 28; shift += 7) {
      const b = bytes[++p]!;
      length |= (b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (length > 0 && length < 4096 && p + 1 + length <= bytes.length) found.add(bytes.toString('utf8', p + 1, p + 1 + length));
  }
  const out: Array<[string, number, number]> = [];
  for (const location of [...found].sort()) {
    try {
      const st = statSync(join(dirname(path), location));
      if (st.isFile()) out.push([location, st.size, st.mtimeMs]);
    } catch { /* not a file: the reader will say so */ }
  }
  return out;
}

/** The blob's file name: model content, device, plugin and tsvino versions, and the config. */
export function cacheKey(digest: string, plugin: Plugin, config: Properties): string {
  const entries = Object.entries(config).filter(([k]) => k !== 'CACHE_DIR').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256(Buffer.from(JSON.stringify([digest, plugin.name, plugin.version().buildNumber, VERSION, entries]), 'utf8'));
}

/**
 * Compiles through CACHE_DIR: a blob for the same model, device and config is imported instead;
 * otherwise the model is compiled and its blob written. An unreadable or corrupt blob is removed
 * and the model compiled again; a cache that cannot be written is skipped. Never throws for the cache.
 */
export function compileWithCache(
  dir: string, source: string | Uint8Array | Model, read: () => Model, plugin: Plugin, config: Properties,
): { model: Model; executable: Executable; loadedFromCache: boolean } {
  const { digest, model: hashed } = modelDigest(source, read);
  const file = join(dir, `${cacheKey(digest, plugin, config)}.blob`);
  const cached = loadBlob(file, plugin, config);
  if (cached) return { model: hashed ?? cached.model, executable: cached, loadedFromCache: true };
  const model = hashed ?? read();
  const executable = plugin.compile(model, config);
  storeBlob(dir, file, () => exportExecutable(plugin, executable, config));
  return { model, executable, loadedFromCache: false };
}

function loadBlob(file: string, plugin: Plugin, config: Properties): Executable | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    return importExecutable(plugin, bytes, config).executable;
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

function storeBlob(dir: string, file: string, blob: () => Buffer): void {
  // Write then rename, so a concurrent reader never sees half a blob.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, blob());
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}
