import { Tensor } from '../index.js';
import type { KServeDatatype } from './datatypes.js';
import { badRequest } from './errors.js';
import type { InferCall, InferOutcome } from './inference.js';
import type { RequestInput } from './served-version.js';
import { tensorFromRaw, tensorFromValues, tensorToRaw } from './tensor-codec.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The InferTensorContents field that carries each datatype's typed values. */
const CONTENTS_FIELD: Record<KServeDatatype, string> = {
  BOOL: 'bool_contents', INT8: 'int_contents', INT16: 'int_contents', INT32: 'int_contents', INT64: 'int64_contents',
  UINT8: 'uint_contents', UINT16: 'uint_contents', UINT32: 'uint_contents', UINT64: 'uint64_contents',
  FP16: 'fp32_contents', FP32: 'fp32_contents', FP64: 'fp64_contents', BYTES: 'bytes_contents',
};

/** A tensor from typed `contents`; 64-bit integers arrive as decimal strings (proto-loader longs: String). */
function tensorFromContents(name: string, datatype: KServeDatatype, shape: number[], contents: Record<string, unknown>): Tensor {
  const values = list(contents[CONTENTS_FIELD[datatype]]);
  if (datatype === 'BYTES') return tensorFromValues(name, datatype, shape, values.map((b) => (Buffer.isBuffer(b) ? b.toString('utf8') : b)));
  if (datatype === 'INT64' || datatype === 'UINT64') {
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw badRequest(`input "${name}": shape [${shape.join(',')}] needs ${count} values, contents has ${values.length}`);
    const big = values.map((v) => BigInt(String(v)));
    return new Tensor(datatype === 'INT64' ? 'i64' : 'u64', shape, datatype === 'INT64' ? BigInt64Array.from(big) : BigUint64Array.from(big));
  }
  return tensorFromValues(name, datatype, shape, values);
}

/** A ModelInferRequest (as proto-loader decodes it) as an InferCall: raw_input_contents or typed contents. */
export function decodeGrpcInfer(request: unknown): { call: InferCall; id: string } {
  if (!isRecord(request)) throw badRequest('ModelInferRequest is empty');
  const raw = list(request['raw_input_contents']);
  const inputs = list(request['inputs']);
  if (inputs.length === 0) throw badRequest('ModelInferRequest needs at least one input');
  if (raw.length !== 0 && raw.length !== inputs.length) {
    throw badRequest(`raw_input_contents has ${raw.length} entries for ${inputs.length} inputs; give one per input or none`);
  }
  const decoded = inputs.map((input, i): RequestInput => {
    const t = isRecord(input) ? input : {};
    const name = text(t['name']);
    if (name === '') throw badRequest(`inputs[${i}] needs a name`);
    const bytes = raw[i];
    const contents = isRecord(t['contents']) ? t['contents'] : {};
    const decode: RequestInput['decode'] = Buffer.isBuffer(bytes)
      ? (datatype, shape) => tensorFromRaw(name, datatype, shape, bytes)
      : (datatype, shape) => tensorFromContents(name, datatype, shape, contents);
    return { name, datatype: t['datatype'], shape: list(t['shape']).map(Number), decode };
  });
  const outputs = list(request['outputs']).map((o) => (isRecord(o) ? text(o['name']) : ''));
  const call: InferCall = { modelName: text(request['model_name']), inputs: decoded, outputs: outputs.filter((n) => n !== '') };
  const version = text(request['model_version']);
  if (version !== '') call.modelVersion = version;
  return { call, id: text(request['id']) };
}

/** A ModelInferResponse with every output in raw_output_contents (copied: the request is reused after). */
export function encodeGrpcReply(outcome: InferOutcome, id: string) {
  return {
    model_name: outcome.served.name,
    model_version: String(outcome.served.version),
    id,
    outputs: outcome.outputs.map((o) => ({ name: o.name, datatype: o.datatype, shape: o.shape })),
    raw_output_contents: outcome.outputs.map((o) => Buffer.from(tensorToRaw(o.tensor))),
  };
}
