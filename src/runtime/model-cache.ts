// Compiled-model blobs: what CompiledModel.exportModelSync writes, Core.importModel reads, and
// CACHE_DIR keeps. A blob is a magic line, the header's length and crc32, a JSON header (device,
// config, versions, the plugin's metadata, buffer offsets, a checksum) and the buffers, each
// 64-byte aligned so that the plugin can view weights in place. The content is either the
// plugin's own export (CPU: its plans, with packed weights) or the device's model graph,
// compiled again with PRETRANSFORMED_KEY so the plugin skips its transformations.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { InputError, ModelFormatError } from '../core/errors.js';
import { Model } from '../core/model.js';
import { mapOrReadFile } from '../frontends/read.js';
import { VERSION } from '../plugins/common.js';
import { BufferTable, decodeGraph, encodeGraph, type BufferSink, type Json } from '../plugins/graph-codec.js';
import { PRETRANSFORMED_KEY, type Executable, type Plugin, type Properties, type PropertyValue } from '../plugins/plugin.js';

const MAGIC = Buffer.from('TSVINO-COMPILED-MODEL\n', 'latin1');
const FORMAT = 2;
/** Buffer alignment in the blob: oneDNN's preferred alignment, and a multiple of every element size. */
const ALIGN = 64;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
/** Magic, header length, header crc32. */
const PREFIX = MAGIC.byteLength + 8;

/** A file a cached model was read from: absolute path, size and modification time. */
type FileStamp = [string, number, number];

interface BlobHeader {
  format: number;
  tsvinoVersion: string;
  device: string;
  pluginVersion: string;
  config: Properties;
  /** 'plugin': the plugin's export; 'graph': the device's model graph. */
  kind: 'plugin' | 'graph';
  meta: Json;
  /** [offset from the first buffer's start, length] of each buffer. */
  buffers: Array<[number, number]>;
  /** `crc32:<hex>` (or `sha256:<hex>` on a Node without zlib.crc32), over the buffers. */
  checksum: string;
  /** CACHE_DIR blobs: the cache key (cacheKey), and the files the model was read from as they were then. */
  key?: string;
  sources?: FileStamp[];
}

/** A blob before it is written: its header and buffers, laid out by `layout`. */
interface Blob {
  header: BlobHeader;
  buffers: Uint8Array[];
}

/** A blob being read: its buffers' checksum may still be running, and `verify` waits for it. */
interface ReadBlob extends Blob {
  /** Throws ModelFormatError when the buffers do not match the header's checksum. */
  verify(): void;
}

const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** `checksum`, on another thread where the plugin can: the returned function waits for it. */
function checksumLater(parts: readonly Uint8Array[], plugin: Plugin, kind?: string): () => string {
  if (plugin.checksumAsync && kind !== undefined && kind !== 'crc32' && kind !== 'sha256') {
    const wait = plugin.checksumAsync(parts);
    // Another kind than the plugin's own is computed (or refused) as checksum would.
    return () => { const own = wait(); return own.startsWith(`${kind}:`) ? own : checksum(parts, plugin, kind); };
  }
  const sum = checksum(parts, plugin, kind);
  return () => sum;
}

/**
 * A corruption check over the buffers: the plugin's own when it has one (CPU: CRC-32C on every
 * core), else zlib's crc32 (or sha256 on a Node without it).
 */
function checksum(parts: readonly Uint8Array[], plugin: Plugin, kind?: string): string {
  if (kind !== 'crc32' && kind !== 'sha256') {
    const own = plugin.checksum?.(parts);
    if (own && (kind === undefined || own.startsWith(`${kind}:`))) return own;
    if (kind !== undefined) throw new ModelFormatError(`compiled model has a ${kind} checksum, which device ${plugin.name} here cannot verify`);
  }
  if (kind !== 'sha256' && typeof zlib.crc32 === 'function') return `crc32:${parts.reduce((c, p) => zlib.crc32(p, c), 0).toString(16)}`;
  return `sha256:${sha256(...parts)}`;
}

/** Serializes a compiled model; `config` is the config it was compiled with. */
export function exportExecutable(plugin: Plugin, exe: Executable, config: Properties): Buffer {
  return concatBlob(blobOf(plugin, exe, config));
}

function blobOf(plugin: Plugin, exe: Executable, config: Properties, extra: Pick<BlobHeader, 'key' | 'sources'> = {}): Blob {
  const own = plugin.exportExecutable?.(exe);
  let meta: Json;
  let buffers: Uint8Array[];
  if (own) {
    ({ meta, buffers } = own);
  } else {
    const table = new BufferTable();
    meta = encodeGraph(exe.model, table).graph;
    buffers = table.buffers;
  }
  const offsets: Array<[number, number]> = [];
  let at = 0;
  for (const b of buffers) {
    offsets.push([at, b.byteLength]);
    at = align(at + b.byteLength);
  }
  const header: BlobHeader = {
    format: FORMAT, tsvinoVersion: VERSION, device: plugin.name, pluginVersion: plugin.version().buildNumber,
    config, kind: own ? 'plugin' : 'graph', meta, buffers: offsets, checksum: checksum(buffers, plugin), ...extra,
  };
  return { header, buffers };
}

/** The blob's bytes in order: the prefix and header padded to ALIGN, then each buffer padded to ALIGN. */
function* blobChunks({ header, buffers }: Blob): Generator<Uint8Array> {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(align(PREFIX + json.byteLength));
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.byteLength, MAGIC.byteLength);
  prefix.writeUInt32LE(zlib.crc32 ? zlib.crc32(json) : 0, MAGIC.byteLength + 4);
  json.copy(prefix, PREFIX);
  yield prefix;
  const zeros = new Uint8Array(ALIGN);
  for (let i = 0; i < buffers.length; i++) {
    if (i > 0) {
      const [prevAt, prevLength] = header.buffers[i - 1]!;
      const pad = header.buffers[i]![0] - prevAt - prevLength;
      if (pad > 0) yield zeros.subarray(0, pad);
    }
    yield buffers[i]!;
  }
}

function concatBlob(blob: Blob): Buffer {
  return Buffer.concat([...blobChunks(blob)]);
}

/**
 * Rebuilds an executable from `exportExecutable`'s bytes. `config` entries override the blob's.
 * Bad bytes are a ModelFormatError; a blob made for another device an InputError. The bytes are
 * copied first, since the executable keeps views of them and the caller may reuse its buffer.
 */
export function importExecutable(plugin: Plugin, blob: Uint8Array, config: Properties): { executable: Executable; config: Properties } {
  return importVerified(plugin, decodeBlob(Buffer.from(blob), plugin), config);
}

/**
 * Imports a blob while its checksum runs, and returns only once it matched. Nothing imported runs
 * before that; what decoding does with a damaged byte is bounded by the checks decoding makes
 * anyway (indices, sizes, layouts), and its result is dropped.
 */
function importVerified(plugin: Plugin, blob: ReadBlob, config: Properties): { executable: Executable; config: Properties } {
  let imported: { executable: Executable; config: Properties };
  try {
    imported = importDecoded(plugin, blob, config);
  } catch (e) {
    blob.verify(); // a damaged blob is reported as such, whatever decoding tripped over
    throw e;
  }
  blob.verify();
  return imported;
}

function importDecoded(plugin: Plugin, { header, buffers }: Blob, config: Properties): { executable: Executable; config: Properties } {
  const merged = { ...header.config, ...config };
  if (header.kind === 'plugin') {
    if (!plugin.importExecutable) throw new ModelFormatError(`device ${plugin.name} cannot import its own compiled-model format`);
    return { executable: plugin.importExecutable({ meta: header.meta, buffers }, merged), config: merged };
  }
  const { model } = decodeGraph(header.meta, { buffers });
  return { executable: plugin.compile(model, { ...merged, [PRETRANSFORMED_KEY]: true }), config: merged };
}

/** Checks a blob for `plugin` (magic, header checksum, device and versions, sizes, data checksum) and views its buffers. */
function decodeBlob(bytes: Uint8Array, plugin: Plugin): ReadBlob {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.byteLength < PREFIX || !view.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
    throw new ModelFormatError('not a tsvino compiled model (bad magic bytes); export one with CompiledModel.exportModelSync()');
  }
  const jsonEnd = PREFIX + view.readUInt32LE(MAGIC.byteLength);
  if (jsonEnd > view.byteLength) throw new ModelFormatError('compiled model is truncated (header)');
  const json = view.subarray(PREFIX, jsonEnd);
  if (zlib.crc32 && zlib.crc32(json) !== view.readUInt32LE(MAGIC.byteLength + 4)) {
    throw new ModelFormatError('compiled model is corrupt (header checksum mismatch)');
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (e) {
    throw new ModelFormatError(`compiled model header is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const header = checkHeader(parsed);
  if (header.device !== plugin.name) {
    throw new InputError(`the compiled model was exported from device ${header.device}; it cannot be imported to ${plugin.name}`);
  }
  const pluginVersion = plugin.version().buildNumber;
  if (header.tsvinoVersion !== VERSION || header.pluginVersion !== pluginVersion) {
    throw new ModelFormatError(`the compiled model was exported by tsvino ${header.tsvinoVersion} (${header.device} ${header.pluginVersion}); this is tsvino ${VERSION} (${plugin.name} ${pluginVersion})`);
  }
  const start = align(jsonEnd);
  const buffers = header.buffers.map(([offset, length]) => {
    if (start + offset + length > view.byteLength) throw new ModelFormatError('compiled model is truncated (data)');
    return new Uint8Array(view.buffer, view.byteOffset + start + offset, length);
  });
  const last = header.buffers[header.buffers.length - 1];
  const end = last ? start + last[0] + last[1] : Math.min(start, view.byteLength);
  if (end !== view.byteLength) throw new ModelFormatError(`compiled model has ${view.byteLength - end} unexpected trailing bytes`);
  const [kind] = header.checksum.split(':');
  const sum = checksumLater(buffers, plugin, kind);
  const verify = (): void => {
    if (sum() !== header.checksum) throw new ModelFormatError('compiled model is corrupt (checksum mismatch)');
  };
  return { header, buffers, verify };
}

function checkHeader(v: Json): BlobHeader {
  const bad = (what: string): never => { throw new ModelFormatError(`compiled model header: ${what}`); };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an object');
  const get = (k: string): Json | undefined => v[k];
  const str = (k: string): string => { const x = get(k); return typeof x === 'string' ? x : bad(`"${k}" is missing`); };
  if (get('format') !== FORMAT) bad(`format ${String(get('format'))} is not ${FORMAT}`);
  const kind = get('kind');
  if (kind !== 'plugin' && kind !== 'graph') return bad(`unknown kind ${String(kind)}`);
  const isRange = (r: unknown): r is [number, number] =>
    Array.isArray(r) && r.length === 2 && r.every((x) => Number.isInteger(x) && x >= 0) && r[0] % ALIGN === 0;
  const buffers = get('buffers');
  if (!Array.isArray(buffers) || !buffers.every(isRange)) return bad('"buffers" is not a list of aligned [offset, length]');
  const config = get('config');
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return bad('"config" is not an object');
  const props: Properties = {};
  for (const [k, value] of Object.entries(config)) props[k] = checkValue(value) ?? bad(`config "${k}" has an unsupported value`);
  const sources = get('sources');
  const isStamp = (s: unknown): s is FileStamp => Array.isArray(s) && s.length === 3 && typeof s[0] === 'string' && typeof s[1] === 'number' && typeof s[2] === 'number';
  if (sources !== undefined && !(Array.isArray(sources) && sources.every(isStamp))) bad('"sources" is not a list of [path, size, mtime]');
  const key = get('key');
  return {
    format: FORMAT, tsvinoVersion: str('tsvinoVersion'), device: str('device'), pluginVersion: str('pluginVersion'),
    config: props, kind, meta: get('meta') ?? null, buffers, checksum: str('checksum'),
    ...(typeof key === 'string' ? { key } : {}), ...(Array.isArray(sources) ? { sources: sources.filter(isStamp) } : {}),
  };
}

function checkValue(value: unknown): PropertyValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((x): x is string => typeof x === 'string')) return value;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value));
  return undefined;
}

/** [absolute path, size, mtime] of a file, or undefined when it is not a readable file. */
function stampOf(path: string): FileStamp | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? [resolve(path), st.size, st.mtimeMs] : undefined;
  } catch {
    return undefined;
  }
}

const looksLikeXmlText = (s: string): boolean => s.trimStart().startsWith('<');

/**
 * What identifies a model. A path: the file itself, as OpenVINO keys it: its absolute path, size and
 * modification time (an IR's .bin too), never its bytes. XML text or bytes: a sha256 of them. A
 * Model: a sha256 of its graph (node names included) and its weights.
 */
export function modelIdentity(source: string | Uint8Array | Model): { id: string; files?: FileStamp[] } {
  if (typeof source === 'string' && !looksLikeXmlText(source)) {
    const main = stampOf(source);
    if (!main) throw new InputError(`cannot read model file "${source}"`);
    const bin = extname(source).toLowerCase() === '.xml' ? stampOf(source.slice(0, -4) + '.bin') : undefined;
    const files = bin ? [main, bin] : [main];
    return { id: JSON.stringify(['file', files]), files };
  }
  if (typeof source === 'string') return { id: `xml:${sha256(Buffer.from(source, 'utf8'))}` };
  if (source instanceof Uint8Array) return { id: `bytes:${sha256(source)}` };
  return { id: `model:${modelDigest(source)}` };
}

/** A sha256 over the encoded graph and every weight it refers to, each hashed once. */
export function modelDigest(model: Model): string {
  const h = createHash('sha256');
  const seen = new BufferTable();
  const sink: BufferSink = {
    add(bytes) {
      const before = seen.buffers.length;
      const index = seen.add(bytes);
      if (index === before) {
        const length = Buffer.alloc(8);
        length.writeDoubleLE(bytes.byteLength);
        h.update(length).update(bytes);
      }
      return index;
    },
  };
  const { graph } = encodeGraph(model, sink);
  return h.update(JSON.stringify(graph)).digest('hex');
}

/**
 * The cache key: the model's identity, device, plugin and tsvino versions, and the config. The
 * header keeps it whole and a hit compares it whole, so its file name only needs to spread keys.
 */
export function cacheKey(id: string, plugin: Plugin, config: Properties): string {
  const entries = Object.entries(config).filter(([k]) => k !== 'CACHE_DIR').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const device = plugin.cacheKey?.(config) ?? '';
  return JSON.stringify([id, plugin.name, plugin.version().buildNumber, VERSION, entries, device]);
}

/**
 * A key's blob file name: 64 bits of two multiply-xorshift string hashes. Not a sha256: hashing
 * a few hundred characters in JavaScript is free, while OpenSSL's first digest in a process costs
 * about 1 ms, 5% of a small model's cache hit. Two keys sharing a name only cost a recompile.
 */
export function blobName(key: string): string {
  let a = 0x811c9dc5 ^ key.length, b = 0x9e3779b9;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  const mix = (h: number, m: number): number => { h = Math.imul(h ^ (h >>> 16), m); return (h ^ (h >>> 13)) >>> 0; };
  const hex = (h: number): string => h.toString(16).padStart(8, '0');
  return `${hex(mix(a, 0x85ebca6b))}${hex(mix(b ^ a, 0xc2b2ae35))}.blob`;
}

/** Reads the model; `externalFiles` collects the ONNX external data files it reads. */
export type ModelReader = (externalFiles: Set<string>) => Model;

/**
 * Compiles through CACHE_DIR: a blob for the same model, device and config is imported instead;
 * otherwise the model is compiled and its blob written. An unreadable, stale or corrupt blob is
 * removed and the model compiled again; a cache that cannot be written is skipped. Never throws
 * for the cache.
 */
export function compileWithCache(
  dir: string, source: string | Uint8Array | Model, read: ModelReader, plugin: Plugin, config: Properties,
): { model: Model; executable: Executable; loadedFromCache: boolean } {
  let identity: ReturnType<typeof modelIdentity> | undefined;
  try {
    identity = modelIdentity(source);
  } catch {
    identity = undefined; // a model the cache cannot identify is compiled without it
  }
  const key = identity && cacheKey(identity.id, plugin, config);
  const file = key && join(dir, blobName(key));
  const cached = file ? loadBlob(file, key, plugin, config) : undefined;
  if (cached) return { model: source instanceof Model ? source : cached.model, executable: cached, loadedFromCache: true };
  const externalFiles = new Set<string>();
  const model = read(externalFiles);
  const executable = plugin.compile(model, config);
  if (file && identity) {
    const external = [...externalFiles].sort().map(stampOf).filter((s): s is FileStamp => s !== undefined);
    const sources = identity.files ? [...identity.files, ...external] : undefined;
    storeBlob(dir, file, () => blobOf(plugin, executable, config, { key, ...(sources ? { sources } : {}) }));
  }
  return { model, executable, loadedFromCache: false };
}

/** Whether every file the blob's model was read from still has the size and time it had then. */
const sourcesCurrent = (sources: readonly FileStamp[] | undefined): boolean =>
  (sources ?? []).every(([path, size, mtime]) => { const now = stampOf(path); return now !== undefined && now[1] === size && now[2] === mtime; });

function loadBlob(file: string, key: string, plugin: Plugin, config: Properties): Executable | undefined {
  let bytes: Uint8Array;
  try {
    bytes = mapOrReadFile(file, plugin.mapFile?.bind(plugin));
  } catch {
    return undefined;
  }
  try {
    const blob = decodeBlob(bytes, plugin);
    if (blob.header.key !== key || !sourcesCurrent(blob.header.sources)) throw new ModelFormatError('stale');
    return importVerified(plugin, blob, config).executable;
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
}

function storeBlob(dir: string, file: string, blob: () => Blob): void {
  // Write then rename, so a concurrent reader never sees half a blob, and a mapped blob's bytes never change.
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    const chunks = blobChunks(blob());
    fd = openSync(tmp, 'w');
    for (const chunk of chunks) writeSync(fd, chunk);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
  }
}
