import { badRequest } from './errors.js';
import type { InferCall, InferOutcome } from './inference.js';
import type { RequestInput } from './served-version.js';
import { tensorFromRaw, tensorFromValues, tensorToJsonText, tensorToRaw } from './tensor-codec.js';

/** A decoded REST infer request: the call, plus which outputs go back as binary. */
export interface RestInfer {
  call: InferCall;
  id?: string;
  wantsBinary(output: string): boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Splits a body into its JSON header and binary tail (the binary tensor extension: the header's length
 * is in Inference-Header-Content-Length) and decodes it. Inputs with `parameters.binary_data_size` take
 * their bytes from the tail in order; the others carry JSON `data`.
 */
export function decodeRestInfer(body: Buffer, headerLength: string | undefined, modelName: string, modelVersion?: string): RestInfer {
  let jsonBytes = body;
  let tail: Buffer = Buffer.alloc(0);
  if (headerLength !== undefined) {
    const n = Number(headerLength);
    if (!Number.isInteger(n) || n < 0 || n > body.length) {
      throw badRequest(`Inference-Header-Content-Length ${JSON.stringify(headerLength)} must be an integer between 0 and the body size (${body.length})`);
    }
    jsonBytes = body.subarray(0, n);
    tail = body.subarray(n);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(jsonBytes.toString('utf8'));
  } catch (e) {
    throw badRequest(`request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(doc)) throw badRequest('request body must be a JSON object with an "inputs" list');
  if (!Array.isArray(doc['inputs']) || doc['inputs'].length === 0) throw badRequest('request needs a non-empty "inputs" list');
  let offset = 0;
  const inputs = doc['inputs'].map((raw: unknown, i): RequestInput => {
    if (!isRecord(raw)) throw badRequest(`inputs[${i}] must be an object`);
    const name = raw['name'];
    if (typeof name !== 'string' || name === '') throw badRequest(`inputs[${i}] needs a "name"`);
    const params = isRecord(raw['parameters']) ? raw['parameters'] : {};
    const size = params['binary_data_size'];
    let decode: RequestInput['decode'];
    if (size !== undefined) {
      if (!Number.isInteger(size) || Number(size) < 0) throw badRequest(`input "${name}": binary_data_size must be a non-negative integer`);
      const start = offset;
      offset += Number(size);
      if (offset > tail.length) throw badRequest(`input "${name}": binary_data_size ${size} runs past the ${tail.length} bytes of binary data`);
      const bytes = tail.subarray(start, offset);
      decode = (datatype, shape) => tensorFromRaw(name, datatype, shape, bytes);
    } else if ('data' in raw) {
      decode = (datatype, shape) => tensorFromValues(name, datatype, shape, raw['data']);
    } else {
      throw badRequest(`input "${name}" has neither "data" nor parameters.binary_data_size`);
    }
    return { name, datatype: raw['datatype'], shape: raw['shape'], decode };
  });
  if (offset !== tail.length) throw badRequest(`${tail.length - offset} bytes of binary data are not claimed by any input's binary_data_size`);

  const requested = Array.isArray(doc['outputs']) ? doc['outputs'].filter(isRecord) : [];
  const names = requested.map((o, i) => {
    if (typeof o['name'] !== 'string') throw badRequest(`outputs[${i}] needs a "name"`);
    return o['name'];
  });
  const requestParams = isRecord(doc['parameters']) ? doc['parameters'] : {};
  const binaryByDefault = requestParams['binary_data_output'] === true;
  const binaryOf = new Map(requested.map((o) => [o['name'], isRecord(o['parameters']) ? o['parameters']['binary_data'] : undefined]));
  const call: InferCall = { modelName, inputs, outputs: names };
  if (modelVersion !== undefined) call.modelVersion = modelVersion;
  const out: RestInfer = {
    call,
    wantsBinary: (output) => {
      const own = binaryOf.get(output);
      return typeof own === 'boolean' ? own : binaryByDefault;
    },
  };
  if (typeof doc['id'] === 'string') out.id = doc['id'];
  return out;
}

export interface RestReply {
  body: Buffer;
  /** Set when binary outputs follow the JSON header. */
  headerLength?: number;
}

/** The JSON response, with binary outputs appended after it in output order. */
export function encodeRestReply(outcome: InferOutcome, request: RestInfer): RestReply {
  const tails: Buffer[] = [];
  const parts = outcome.outputs.map((o) => {
    const meta = { name: o.name, datatype: o.datatype, shape: o.shape };
    if (request.wantsBinary(o.name)) {
      const raw = tensorToRaw(o.tensor);
      tails.push(raw);
      return JSON.stringify({ ...meta, parameters: { binary_data_size: raw.length } });
    }
    // Spliced as text: tensorToJsonText keeps 64-bit integers exact, which JSON.stringify cannot.
    return `${JSON.stringify(meta).slice(0, -1)},"data":${tensorToJsonText(o.tensor)}}`;
  });
  const head = { model_name: outcome.served.name, model_version: String(outcome.served.version), ...(request.id !== undefined ? { id: request.id } : {}) };
  const header = Buffer.from(`${JSON.stringify(head).slice(0, -1)},"outputs":[${parts.join(',')}]}`, 'utf8');
  if (tails.length === 0) return { body: header };
  // Raw outputs are copied once here, inside the pool's consume step, before the infer request is reused.
  return { body: Buffer.concat([header, ...tails]), headerLength: header.length };
}
