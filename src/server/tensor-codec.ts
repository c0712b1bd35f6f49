import { Tensor } from '../index.js';
import { elementBytes, fromElementType, isKServeDatatype, KSERVE_DATATYPES, toElementType, type KServeDatatype } from './datatypes.js';
import { badRequest } from './errors.js';

type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigUint64Array | BigInt64Array | Float32Array | Float64Array;

/** Integer ranges JSON values are checked against, so 300 for a UINT8 input is refused, not wrapped. */
const INT_RANGE: Partial<Record<KServeDatatype, [number, number]>> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295], UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

export function checkDatatype(input: string, datatype: unknown): KServeDatatype {
  if (!isKServeDatatype(datatype)) {
    throw badRequest(`input "${input}": datatype ${JSON.stringify(datatype)} is not a KServe datatype (${KSERVE_DATATYPES.join(', ')})`);
  }
  return datatype;
}

export function checkShape(input: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(Number(d)) && Number(d) >= 0)) {
    throw badRequest(`input "${input}": shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape.map(Number);
}

const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A tensor from JSON `data` (flat or nested row-major), checking each value against the datatype. */
export function tensorFromValues(input: string, datatype: KServeDatatype, shape: number[], data: unknown): Tensor {
  if (!Array.isArray(data)) throw badRequest(`input "${input}": "data" must be an array`);
  const values: unknown[] = data.flat(Infinity);
  const count = elementCount(shape);
  if (values.length !== count) {
    throw badRequest(`input "${input}": shape [${shape.join(',')}] needs ${count} values, "data" has ${values.length}`);
  }
  const t = toElementType(datatype);
  if (datatype === 'BYTES') {
    const bad = values.findIndex((v) => typeof v !== 'string');
    if (bad >= 0) throw badRequest(`input "${input}": BYTES data must be strings; element ${bad} is ${JSON.stringify(values[bad])}`);
    return new Tensor(t, shape, values.map(String));
  }
  if (datatype === 'BOOL') {
    const bad = values.findIndex((v) => typeof v !== 'boolean' && v !== 0 && v !== 1);
    if (bad >= 0) throw badRequest(`input "${input}": BOOL data must be true or false; element ${bad} is ${JSON.stringify(values[bad])}`);
    return new Tensor(t, shape, Uint8Array.from(values, (v) => (v ? 1 : 0)));
  }
  const range = INT_RANGE[datatype];
  const bad = values.findIndex((v) => typeof v !== 'number' || (range !== undefined && !(Number.isInteger(v) && v >= range[0] && v <= range[1])));
  if (bad >= 0) {
    const want = range ? `integers in [${range[0]}, ${range[1]}]` : 'numbers';
    throw badRequest(`input "${input}": ${datatype} data must be ${want}; element ${bad} is ${JSON.stringify(values[bad])}`);
  }
  const numbers = values.map(Number);
  if (datatype === 'INT64' || datatype === 'UINT64') return new Tensor(t, shape, numbers.map((v) => BigInt(v)));
  return new Tensor(t, shape, numbers);
}

/** A tensor from raw little-endian bytes (binary extension, raw_input_contents). */
export function tensorFromRaw(input: string, datatype: KServeDatatype, shape: number[], bytes: Uint8Array): Tensor {
  const count = elementCount(shape);
  const t = toElementType(datatype);
  if (datatype === 'BYTES') return new Tensor(t, shape, decodeLengthPrefixed(input, bytes, count));
  const need = count * elementBytes(datatype);
  if (bytes.byteLength !== need) {
    throw badRequest(`input "${input}": ${datatype} shape [${shape.join(',')}] needs ${need} bytes of binary data, got ${bytes.byteLength}`);
  }
  // Typed arrays need an offset aligned to the element size; request bodies rarely are.
  const aligned = bytes.byteOffset % Math.max(1, elementBytes(datatype)) === 0 ? bytes : new Uint8Array(bytes);
  return new Tensor(t, shape, viewAs(datatype, aligned, count));
}

/** A zero-copy typed-array view of aligned bytes, the storage tsvino keeps for the datatype. */
function viewAs(datatype: KServeDatatype, b: Uint8Array, n: number): TypedArray {
  switch (datatype) {
    case 'BOOL': case 'UINT8': return new Uint8Array(b.buffer, b.byteOffset, n);
    case 'INT8': return new Int8Array(b.buffer, b.byteOffset, n);
    case 'UINT16': case 'FP16': return new Uint16Array(b.buffer, b.byteOffset, n);
    case 'INT16': return new Int16Array(b.buffer, b.byteOffset, n);
    case 'UINT32': return new Uint32Array(b.buffer, b.byteOffset, n);
    case 'INT32': return new Int32Array(b.buffer, b.byteOffset, n);
    case 'UINT64': return new BigUint64Array(b.buffer, b.byteOffset, n);
    case 'INT64': return new BigInt64Array(b.buffer, b.byteOffset, n);
    case 'FP32': return new Float32Array(b.buffer, b.byteOffset, n);
    case 'FP64': return new Float64Array(b.buffer, b.byteOffset, n);
    case 'BYTES': throw new Error('BYTES tensors are length-prefixed, not a typed array');
  }
}

/** BYTES elements on the wire: each a 4-byte little-endian length, then that many bytes (UTF-8 here). */
function decodeLengthPrefixed(input: string, bytes: Uint8Array, count: number): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength) throw badRequest(`input "${input}": BYTES binary data ends before element ${i} of ${count}`);
    const len = view.getUint32(at, true);
    at += 4;
    if (at + len > bytes.byteLength) throw badRequest(`input "${input}": BYTES element ${i} claims ${len} bytes past the end of the data`);
    out.push(decoder.decode(bytes.subarray(at, at + len)));
    at += len;
  }
  if (at !== bytes.byteLength) throw badRequest(`input "${input}": ${bytes.byteLength - at} bytes left over after ${count} BYTES elements`);
  return out;
}

/** The KServe datatype a result is sent as; tensors the protocol cannot carry are a server-side error. */
export function datatypeOf(name: string, tensor: Tensor): KServeDatatype {
  const d = fromElementType(tensor.getElementType());
  if (!d) throw new Error(`output "${name}" has element type ${tensor.getElementType()}, which KServe v2 has no datatype for`);
  return d;
}

/** The raw wire bytes of a tensor (zero-copy for numeric tensors). */
export function tensorToRaw(tensor: Tensor): Buffer {
  const data = tensor.data;
  if (Array.isArray(data)) {
    const parts = data.map((s) => Buffer.from(s, 'utf8'));
    const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) { out.writeUInt32LE(p.length, at); p.copy(out, at + 4); at += 4 + p.length; }
    return out;
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** A tensor's values as JSON text: numbers, booleans, exact 64-bit integers, strings. */
export function tensorToJsonText(tensor: Tensor): string {
  const data = tensor.data;
  const type = tensor.getElementType();
  if (Array.isArray(data)) return JSON.stringify(data);
  // JSON has no BigInt; the digits are exact as text.
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return `[${data.join(',')}]`;
  if (type === 'boolean') return JSON.stringify(Array.from(data, (v) => v !== 0));
  if (type === 'f16') return JSON.stringify(Array.from({ length: tensor.getSize() }, (_, i) => tensor.getNumber(i)));
  return JSON.stringify(Array.from(data));
}
