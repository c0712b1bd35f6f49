import { join } from 'node:path';
import type { CompiledModel, Core, Output, Tensor } from '../index.js';
import { fromElementType, type KServeDatatype } from './datatypes.js';
import { badRequest } from './errors.js';
import { DynamicBatcher } from './batcher.js';
import { InferPool, type PoolTiming } from './infer-pool.js';
import { applyLayouts, applyShapes } from './model-prep.js';
import { ConfigError, findModelFile, type ModelConfig } from './repository.js';
import { checkDatatype, checkShape, datatypeOf } from './tensor-codec.js';

/** A tensor as the protocol describes it: name, datatype, shape (-1 for a dynamic dimension). */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** One input of a request before its data is decoded, so type and shape are checked first. */
export interface RequestInput {
  name: string;
  datatype: unknown;
  shape: unknown;
  decode(datatype: KServeDatatype, shape: number[]): Tensor;
}

export interface NamedTensor {
  name: string;
  datatype: KServeDatatype;
  shape: number[];
  tensor: Tensor;
}

function metadataOf(port: Output): TensorMetadata {
  const shape = port.partialShape.isDynamic() && port.partialShape.dims === null ? [-1]
    : port.partialShape.getDimensions().map((d) => (d.isStatic() ? d.getLength() : -1));
  // The key InferRequest returns results under: the first tensor name, else the producer's name.
  return { name: port.names[0] ?? port.node.friendlyName, datatype: fromElementType(port.elementType) ?? port.elementType.toUpperCase(), shape };
}

/** Whether a port's first dimension can take any batch size (a dynamic rank counts). */
function hasDynamicFirstDim(port: Output): boolean {
  const s = port.partialShape;
  return s.dims === null || (s.rank > 0 && !s.dim(0).isStatic());
}

/** One compiled version of a model with its pool of infer requests. */
export class ServedVersion {
  readonly inputs: TensorMetadata[];
  readonly outputs: TensorMetadata[];
  readonly pool: InferPool;
  readonly streams: number;
  private readonly batcher: DynamicBatcher | undefined;

  constructor(
    readonly name: string, readonly version: number, readonly compiled: CompiledModel, nireq: number,
    batching?: ModelConfig['dynamicBatching'], onBatch?: (rows: number) => void,
  ) {
    this.inputs = compiled.inputs.map(metadataOf);
    this.outputs = compiled.outputs.map(metadataOf);
    const optimal = Number(compiled.getProperty('OPTIMAL_NUMBER_OF_INFER_REQUESTS'));
    this.pool = new InferPool(compiled, nireq > 0 ? nireq : Math.max(1, optimal || 1));
    this.streams = Number(compiled.getProperty('NUM_STREAMS')) || 1;
    if (batching) {
      const fixed = [...compiled.inputs, ...compiled.outputs].find((p) => !hasDynamicFirstDim(p));
      if (fixed) {
        throw new ConfigError(`model "${name}" version ${version}: dynamic_batching needs a dynamic first dimension, but "${metadataOf(fixed).name}" has shape ${fixed.partialShape.toString()} (set "shape", e.g. "(-1,...)")`);
      }
      this.batcher = new DynamicBatcher(this.pool, batching, onBatch);
    }
  }

  /** Requests running, queued for an infer request, or waiting to be batched. */
  inFlight(): number {
    return this.batcher ? this.batcher.inFlight : this.pool.active + this.pool.queued;
  }

  whenIdle(): Promise<void> {
    return this.batcher ? this.batcher.whenIdle() : this.pool.whenIdle();
  }

  /** Checks every input against the model (names, datatypes, shapes), then decodes and runs. */
  async infer<T>(inputs: readonly RequestInput[], consume: (outputs: NamedTensor[], timing: PoolTiming) => T, requested?: readonly string[]): Promise<T> {
    const tensors = this.decodeInputs(inputs);
    const wanted = this.requestedOutputs(requested);
    const runner = this.batcher ?? this.pool;
    return runner.run(tensors, (result, timing) => consume(wanted.map((name) => {
      const tensor = result[name];
      if (!tensor) throw new Error(`model "${this.name}" produced no output "${name}"`);
      return { name, datatype: datatypeOf(name, tensor), shape: tensor.getShape(), tensor };
    }), timing));
  }

  private decodeInputs(inputs: readonly RequestInput[]): Record<string, Tensor> {
    const label = `model "${this.name}" version ${this.version}`;
    const byName = new Map<string, RequestInput>();
    for (const i of inputs) {
      if (typeof i.name !== 'string') throw badRequest(`${label}: every input needs a "name"`);
      if (byName.has(i.name)) throw badRequest(`${label}: input "${i.name}" is given twice`);
      byName.set(i.name, i);
    }
    const tensors: Record<string, Tensor> = {};
    this.compiled.inputs.forEach((port, index) => {
      const meta = this.inputs[index]!;
      const given = port.names.map((n) => byName.get(n)).find((x) => x !== undefined) ?? byName.get(meta.name);
      if (!given) {
        const have = inputs.map((i) => `"${i.name}"`).join(', ') || 'none';
        throw badRequest(`${label}: missing input "${meta.name}" (${meta.datatype} [${meta.shape.join(',')}]); the request has ${have}`);
      }
      byName.delete(given.name);
      const datatype = checkDatatype(given.name, given.datatype);
      if (datatype !== meta.datatype) throw badRequest(`input "${given.name}": expects datatype ${meta.datatype}, got ${datatype}`);
      const shape = checkShape(given.name, given.shape);
      if (!port.partialShape.accepts(shape)) {
        throw badRequest(`input "${given.name}": expects shape ${port.partialShape.toString()}, got [${shape.join(',')}]`);
      }
      tensors[meta.name] = given.decode(datatype, shape);
    });
    const extra = [...byName.keys()];
    if (extra.length) throw badRequest(`${label} has no input ${extra.map((n) => `"${n}"`).join(', ')}; its inputs are ${this.inputs.map((i) => `"${i.name}"`).join(', ')}`);
    return tensors;
  }

  private requestedOutputs(requested?: readonly string[]): string[] {
    if (!requested || requested.length === 0) return this.outputs.map((o) => o.name);
    for (const name of requested) {
      if (!this.outputs.some((o) => o.name === name)) {
        throw badRequest(`model "${this.name}" has no output "${name}"; its outputs are ${this.outputs.map((o) => `"${o.name}"`).join(', ')}`);
      }
    }
    return [...requested];
  }
}

/** Reads, reshapes, re-lays-out and compiles `<base_path>/<version>/model.*` per its config. */
export async function loadVersion(core: Core, config: ModelConfig, version: number, onBatch?: (rows: number) => void): Promise<ServedVersion> {
  const file = findModelFile(join(config.basePath, String(version)));
  let model = await core.readModel(file);
  const where = `model "${config.name}" version ${version}`;
  if (config.shape !== undefined) applyShapes(model, config.shape, where);
  if (config.layout !== undefined) model = applyLayouts(model, config.layout, where);
  const compiled = await core.compileModel(model, config.targetDevice, config.pluginConfig);
  return new ServedVersion(config.name, version, compiled, config.nireq, config.dynamicBatching, onBatch);
}
