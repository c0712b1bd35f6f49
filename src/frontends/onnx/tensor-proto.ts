import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { bitWidth, isPackedType, storageFromBytes, type ElementType } from '../../core/element-type.js';
import { ModelFormatError, UnsupportedOperationError } from '../../core/errors.js';
import { Tensor, shapeSize, writeElement, type TypedArray } from '../../core/tensor.js';
import { onnx, toNumber, type TensorProto } from './proto.js';

/** TensorProto.DataType → element type (FLOAT8E4M3FN is OpenVINO's f8e4m3; the FNUZ types are tsvino's). */
const ONNX_TYPES: Record<number, ElementType> = {
  1: 'f32', 2: 'u8', 3: 'i8', 4: 'u16', 5: 'i16', 6: 'i32', 7: 'i64', 8: 'string', 9: 'boolean',
  10: 'f16', 11: 'f64', 12: 'u32', 13: 'u64', 16: 'bf16', 17: 'f8e4m3', 18: 'f8e4m3fnuz',
  19: 'f8e5m2', 20: 'f8e5m2fnuz', 21: 'u4', 22: 'i4', 23: 'f4e2m1', 24: 'f8e8m0', 25: 'u2', 26: 'i2',
};
const ONNX_TYPE_NAMES: Record<number, string> = { 0: 'UNDEFINED', 14: 'COMPLEX64', 15: 'COMPLEX128' };

/**
 * ONNX packs 2-bit values first-in-the-low-bits; tsvino (like OpenVINO's u2) puts the first in the
 * high bits. Reversing the four crumbs of each byte converts either way.
 */
function swapCrumbs(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[i] = ((b & 3) << 6) | (((b >> 2) & 3) << 4) | (((b >> 4) & 3) << 2) | ((b >> 6) & 3);
  }
  return out;
}
const is2Bit = (t: ElementType): boolean => t === 'u2' || t === 'i2';

export function onnxElementType(dataType: number, where: string): ElementType {
  const t = ONNX_TYPES[dataType];
  if (!t) {
    throw new UnsupportedOperationError([{
      domain: 'ai.onnx', opType: `tensor type ${ONNX_TYPE_NAMES[dataType] ?? dataType}`, version: '-', nodeName: where,
      reason: 'element type not supported',
    }]);
  }
  return t;
}

export function onnxDataTypeOf(t: ElementType): number {
  const entry = Object.entries(ONNX_TYPES).find(([, v]) => v === t);
  if (!entry) throw new ModelFormatError(`element type ${t} has no ONNX data type`);
  return Number(entry[0]);
}

/** Where external data files may come from: the model's folder, and nothing outside it. */
export interface ExternalDataScope {
  baseDir?: string;
  /** External files already read for this model: big models keep every tensor in one file. */
  files?: Map<string, Uint8Array>;
  /** Collects the path of every external data file read (the model cache checks their size and time). */
  read?: Set<string>;
  /**
   * Present when the reader owns the model bytes: raw data that is misaligned for its element
   * type moves back over its own field header (done decoding) instead of being copied. The map
   * remembers moved data, so converting the same TensorProto again reads it where it now lies.
   */
  alignInPlace?: WeakMap<Uint8Array, Uint8Array>;
}

/**
 * Converts a TensorProto to a Tensor. raw_data is viewed without copying when aligned; typed
 * fields (float_data, int32_data...) are decoded per the spec's packing rules; external data is
 * read from files under the model's folder only.
 */
export function tensorFromProto(p: TensorProto, scope: ExternalDataScope = {}, label = p.name ?? 'tensor'): Tensor {
  const type = onnxElementType(p.dataType ?? 0, label);
  const shape = (p.dims ?? []).map(toNumber);
  const count = shapeSize(shape);
  if (p.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    return fromBytes(type, shape, readExternal(p, scope, label, type, count), label);
  }
  if (type === 'string') {
    const list = (p.stringData ?? []).map((b) => Buffer.from(b).toString('utf8'));
    if (list.length !== count) throw new ModelFormatError(`tensor "${label}": ${list.length} strings for shape [${shape}]`);
    return new Tensor('string', shape, list);
  }
  if (p.rawData && p.rawData.length > 0) return fromBytes(type, shape, scope.alignInPlace ? aligned(p.rawData, type, scope.alignInPlace) : p.rawData, label);
  return fromTypedFields(p, type, shape, count, label);
}

function fromBytes(type: ElementType, shape: number[], bytes: Uint8Array, label: string): Tensor {
  const count = shapeSize(shape);
  const need = type === 'boolean' ? count : Math.ceil((count * bitsOf(type)) / 8);
  if (bytes.length < need) throw new ModelFormatError(`tensor "${label}": ${bytes.length} bytes of data, shape [${shape}] of ${type} needs ${need}`);
  let storage = storageFromBytes(type, bytes, count);
  if (is2Bit(type)) storage = swapCrumbs(storage as Uint8Array);
  else if (isPackedType(type)) storage = (storage as Uint8Array).slice(); // own the bytes: packed views are re-packed on write
  return new Tensor(type, shape, storage as TypedArray);
}

const bitsOf = bitWidth;

/** Bytes of a varint encoding of n. */
const varintBytes = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1) / 7));

/**
 * `raw` moved back by its misalignment for `type`, when the field's own header (the raw_data tag,
 * one byte, and the length varint) has room: those bytes lie right before the data and are not
 * read again once the proto is decoded. Otherwise `raw` unchanged (it is then copied).
 */
function aligned(raw: Uint8Array, type: ElementType, moved: WeakMap<Uint8Array, Uint8Array>): Uint8Array {
  const done = moved.get(raw);
  if (done) return done;
  const elemBytes = Math.max(1, bitsOf(type) / 8);
  const shift = raw.byteOffset % elemBytes;
  if (shift === 0 || shift > 1 + varintBytes(raw.length) || !Number.isInteger(elemBytes)) return raw;
  // Buffer#copy is a memmove (overlap allowed), several times faster than copyWithin on large runs.
  const whole = Buffer.from(raw.buffer);
  whole.copy(whole, raw.byteOffset - shift, raw.byteOffset, raw.byteOffset + raw.length);
  const out = new Uint8Array(raw.buffer, raw.byteOffset - shift, raw.length);
  moved.set(raw, out);
  return out;
}

/**
 * Typed repeated fields: int32_data also carries 8/16-bit ints, bool, f16/bf16 and the float8s
 * (as raw bits), and the sub-byte types as packed bytes, one byte per entry.
 */
function fromTypedFields(p: TensorProto, type: ElementType, shape: number[], count: number, label: string): Tensor {
  const t = new Tensor(type, shape);
  const out = t.data;
  const src: ArrayLike<number | { toNumber(): number }> =
    type === 'f32' ? p.floatData ?? []
      : type === 'f64' ? p.doubleData ?? []
        : type === 'i64' ? p.int64Data ?? []
          : type === 'u32' || type === 'u64' ? p.uint64Data ?? []
            : p.int32Data ?? [];
  const packed = isPackedType(type) && type !== 'u1';
  const entries = packed ? Math.ceil((count * bitsOf(type)) / 8) : count;
  if (src.length !== entries) throw new ModelFormatError(`tensor "${label}": ${src.length} values for shape [${shape}] of ${type}`);
  if (type === 'f16' || type === 'bf16') {
    for (let i = 0; i < count; i++) (out as Uint16Array)[i] = toNumber(src[i] as number) & 0xffff;
  } else if (packed || type === 'f8e4m3' || type === 'f8e5m2' || type === 'f8e8m0' || type === 'f8e4m3fnuz' || type === 'f8e5m2fnuz') {
    const bytes = Uint8Array.from({ length: entries }, (_, i) => toNumber(src[i] as number) & 0xff);
    (out as Uint8Array).set(is2Bit(type) ? swapCrumbs(bytes) : bytes);
  } else if (type === 'i64' || type === 'u64') {
    const big = out as BigInt64Array;
    for (let i = 0; i < count; i++) {
      const v = src[i]!;
      big[i] = typeof v === 'number' ? BigInt(v) : BigInt((v as { toString(): string }).toString());
    }
  } else {
    for (let i = 0; i < count; i++) writeElement(type, out, i, toNumber(src[i] as number));
  }
  return t;
}

function readExternal(p: TensorProto, scope: ExternalDataScope, label: string, type: ElementType, count: number): Uint8Array {
  const info = new Map((p.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = info.get('location');
  if (!location) throw new ModelFormatError(`tensor "${label}": external data without a location`);
  if (!scope.baseDir) throw new ModelFormatError(`tensor "${label}": external data "${location}" needs the model to be read from a file path`);
  const base = resolve(scope.baseDir);
  const file = resolve(base, location);
  const rel = relative(base, file);
  if (isAbsolute(location) || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ModelFormatError(`tensor "${label}": external data location "${location}" escapes the model's folder`);
  }
  const offset = Number(info.get('offset') ?? 0);
  const need = type === 'string' ? 0 : Math.ceil((count * bitsOf(type)) / 8);
  const length = info.has('length') ? Number(info.get('length')) : need;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ModelFormatError(`tensor "${label}": external data file "${location}" not found next to the model`);
  }
  if (!(offset >= 0) || !(length >= 0) || offset + length > size) {
    throw new ModelFormatError(`tensor "${label}": external data ${location} [${offset}, ${offset + length}) exceeds the file's ${size} bytes`);
  }
  scope.read?.add(file);
  const files = scope.files ?? new Map<string, Uint8Array>();
  scope.files = files;
  let bytes = files.get(file);
  if (!bytes) { bytes = new Uint8Array(readFileSync(file)); files.set(file, bytes); }
  return bytes.subarray(offset, offset + length);
}

/** Encodes a Tensor as a TensorProto (raw_data), for tests and tools. */
export function tensorToProto(t: Tensor, name = ''): TensorProto {
  const type = t.getElementType();
  const p: TensorProto = { name, dims: t.getShape(), dataType: onnxDataTypeOf(type) };
  if (type === 'string') p.stringData = (t.data as string[]).map((s) => Buffer.from(s, 'utf8'));
  else {
    const d = t.data as TypedArray;
    p.rawData = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    if (is2Bit(type)) p.rawData = swapCrumbs(p.rawData);
  }
  return p;
}

export function decodeTensorProto(bytes: Uint8Array, label = 'tensor'): Tensor {
  let p;
  try {
    p = onnx.TensorProto.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(`${label}: not a valid TensorProto (${(e as Error).message})`);
  }
  return tensorFromProto(p, {}, label);
}
