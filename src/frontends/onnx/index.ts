import { dirname } from 'node:path';
import { ModelFormatError, UnsupportedOperationError } from '../../core/errors.js';
import type { Model } from '../../core/model.js';
import { domainOf, findUnsupported, GraphBuilder } from './graph.js';
import { onnx, toNumber, type ModelProto } from './proto.js';
import { functionKey } from './ops/control-function.js';

export { decodeTensorProto, tensorFromProto, tensorToProto } from './tensor-proto.js';

export interface OnnxReadOptions {
  /** The model file's path: external data files are resolved against its folder, and only there. */
  path?: string;
  /** Progress of graph translation: nodes done out of the top-level total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The caller hands the bytes over (a file the reader read itself): misaligned raw tensors are
   * then shifted into alignment inside the buffer instead of copied, so weights live once.
   */
  ownsBytes?: boolean;
  /** Collects the path of every external data file the model reads. */
  externalFiles?: Set<string>;
}

/** Decodes ONNX bytes and translates the graph into a Model of core ops. */
export function readOnnx(bytes: Uint8Array, options: OnnxReadOptions = {}): Model {
  let proto: ModelProto;
  try {
    // A Buffer view (no copy) lets protobufjs decode the many names with Node's native UTF-8
    // decoder instead of its JavaScript one; byte fields then come back as Buffer views too.
    proto = onnx.ModelProto.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new ModelFormatError(`${options.path ?? 'buffer'}: not a valid ONNX model (${(e as Error).message})`, { cause: e });
  }
  if (!proto.graph) throw new ModelFormatError(`${options.path ?? 'buffer'}: ONNX model has no graph`);
  const opsets = new Map<string, number>();
  for (const o of proto.opsetImport ?? []) opsets.set(domainOf(o.domain), toNumber(o.version));
  // IR version 3 and earlier may omit the import of the default domain; ONNX then means opset 1.
  if (!opsets.has('ai.onnx')) opsets.set('ai.onnx', 1);
  const functions = new Map((proto.functions ?? []).map((f) => [functionKey(domainOf(f.domain), f.name ?? ''), f]));
  const unsupported = findUnsupported(proto.graph, opsets, [], functions);
  if (unsupported.length) throw new UnsupportedOperationError(unsupported);
  const builder = new GraphBuilder(opsets, { ...(options.path ? { baseDir: dirname(options.path) } : {}), ...(options.ownsBytes ? { alignInPlace: new WeakMap() } : {}),
    ...(options.externalFiles ? { read: options.externalFiles } : {}) });
  if (options.onProgress) builder.onProgress = options.onProgress;
  builder.functions = functions;
  const model = builder.build(proto.graph, proto.graph.name || 'onnx_model');
  model.rtInfo = {
    framework: {
      format: 'onnx',
      ir_version: String(toNumber(proto.irVersion)),
      producer_name: proto.producerName ?? '',
      producer_version: proto.producerVersion ?? '',
      model_version: String(toNumber(proto.modelVersion)),
      opsets: Object.fromEntries(opsets),
    },
    ...(proto.metadataProps?.length ? { metadata: Object.fromEntries(proto.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])) } : {}),
  };
  return model;
}

/** Whether bytes look like an ONNX ModelProto: field 1 (ir_version, varint) first, as every exporter writes. */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x08;
}
