import type { Model } from '../core/model.js';
import type { Tensor } from '../core/tensor.js';
import type { Json } from './graph-codec.js';

export type PropertyValue = string | number | boolean | string[] | Record<string, unknown>;
export type Properties = Record<string, PropertyValue>;

/**
 * A compile config key the runtime sets when it recompiles a model it exported (cache or
 * importModel) without a plugin-specific import: the model is already the device's transformed
 * graph, so the plugin should skip its transformations. Never shown as a property.
 */
export const PRETRANSFORMED_KEY = '__TSVINO_PRETRANSFORMED';

/** Per-node figures of the last run, with OpenVINO's ProfilingInfo names; times in microseconds. */
export interface ProfilingInfo {
  nodeName: string;
  nodeType: string;
  /** The kernel that ran the node: 'reference', 'ts_gemm', 'onednn'... */
  execType: string;
  realTime: number;
  cpuTime: number;
  status: 'NOT_RUN' | 'OPTIMIZED_OUT' | 'EXECUTED';
}

/** Per-request state a compiled model keeps between runs (ReadValue/Assign variables). */
export interface RequestState {
  variables: Map<string, Tensor>;
}

/** What a plugin hands back from compile: a runnable model plus its effective properties. */
export interface Executable {
  /** The model as the device runs it, after its transformations. */
  readonly model: Model;
  /** Runs once on the calling thread; inputs in parameter order, outputs in result order. */
  run(inputs: readonly Tensor[], state: RequestState): Tensor[];
  /**
   * Runs once with the heavy work off the JS thread, where the device can (CPU's native plan).
   * Devices without it are run through `run` after yielding to the event loop.
   */
  runAsync?(inputs: readonly Tensor[], state: RequestState): Promise<Tensor[]>;
  /** Properties in effect for this compiled model (threads, hint, streams...). */
  readonly properties: Properties;
  /**
   * Per-node figures of the last run made with `state`, in execution order, when the model was
   * compiled with ENABLE_PROFILING; before any run, every node is NOT_RUN with zero times.
   */
  profilingInfo?(state: RequestState): ProfilingInfo[];
}

/**
 * The device contract: compile a model, say which ops it supports, and expose properties.
 * A device is found by name through the registry in plugins/registry.ts.
 */
export interface Plugin {
  readonly name: string;
  readonly fullName: string;
  /** Properties the device understands, with their defaults. */
  readonly defaults: Properties;
  readonly readOnly: readonly string[];
  compile(model: Model, config: Properties): Executable;
  /** Friendly names of the nodes this device can run, mapped to its name. */
  queryModel(model: Model, config: Properties): Record<string, string>;
  version(): { buildNumber: string; description: string };
  /**
   * The device's own serialized form of an executable (plan, prepacked weights). Returning
   * undefined, or not having this, makes the runtime store the device's model graph instead and
   * compile it again on import.
   */
  exportExecutable?(exe: Executable): ExportedExecutable | undefined;
  /**
   * Rebuilds an executable from what `exportExecutable` gave; `config` is the compile config.
   * The buffers may view a mapped cache file: keep them, never copy what can be read in place.
   */
  importExecutable?(exported: ExportedExecutable, config: Properties): Executable;
  /**
   * What, besides the model and the config, a compiled model of this device depends on (CPU: the
   * oneDNN version and ISA, the threads per stream): part of the model cache's key.
   */
  cacheKey?(config: Properties): string;
  /** The whole file as bytes without reading them up front (CPU: mmap through its addon). */
  mapFile?(path: string): Uint8Array;
  /**
   * A checksum of blob buffers faster than zlib's crc32, as `<kind>:<hex>` (CPU: CRC-32C on every
   * core through its addon); a cache hit verifies every byte it maps, so this bounds its speed.
   */
  checksum?(parts: readonly Uint8Array[]): string;
  /** `checksum` started on another thread; the returned function waits for its result. */
  checksumAsync?(parts: readonly Uint8Array[]): () => string;
}

/**
 * A device's serialized executable: JSON metadata and byte buffers (weights, packed weights),
 * which the runtime stores 64-byte aligned and hands back as views of the blob.
 */
export interface ExportedExecutable {
  meta: Json;
  buffers: Uint8Array[];
}
