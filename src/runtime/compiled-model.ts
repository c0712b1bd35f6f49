import { InputError } from '../core/errors.js';
import type { Model } from '../core/model.js';
import type { Output } from '../core/node.js';
import type { Executable, Plugin, Properties, PropertyValue } from '../plugins/plugin.js';
import { InferRequest, outputKey } from './infer-request.js';
import { exportExecutable } from './model-cache.js';

/** How a compiled model came to be: the config it was compiled with, and whether CACHE_DIR supplied it. */
export interface CompileOrigin {
  config?: Properties;
  loadedFromCache?: boolean;
}

/** A model compiled for one device (openvino-node's CompiledModel). */
export class CompiledModel {
  readonly inputs: Output[];
  readonly outputs: Output[];

  constructor(
    /** The model as the user passed it, so its Output objects also address this compiled model. */
    private readonly source: Model,
    readonly executable: Executable,
    readonly plugin: Plugin,
    private readonly origin: CompileOrigin = {},
  ) {
    this.inputs = executable.model.inputs;
    this.outputs = executable.model.outputs;
  }

  input(nameOrIndex?: string | number): Output { return this.inputs[this.inputIndex(nameOrIndex)]!; }
  output(nameOrIndex?: string | number): Output { return this.outputs[this.outputIndex(nameOrIndex)]!; }

  createInferRequest(): InferRequest { return new InferRequest(this); }

  /** The compiled model as bytes for `Core.importModel` (openvino-node's exportModelSync). */
  exportModelSync(): Buffer {
    return exportExecutable(this.plugin, this.executable, this.origin.config ?? {});
  }

  getProperty(name: string): PropertyValue {
    // Keys starting with __ are tsvino's private compile flags, not properties.
    const names = Object.keys(this.executable.properties).filter((k) => !k.startsWith('__'));
    if (name === 'SUPPORTED_PROPERTIES') return [...names, 'LOADED_FROM_CACHE'];
    if (name === 'LOADED_FROM_CACHE') return this.origin.loadedFromCache === true;
    if (name === 'EXECUTION_DEVICES') return [this.plugin.name];
    if (name === 'NETWORK_NAME') return this.executable.model.getName();
    const v = name.startsWith('__') ? undefined : this.executable.properties[name];
    if (v === undefined) throw new InputError(`compiled model has no property "${name}"; it has ${names.join(', ')}`);
    return v;
  }

  /** Index of an input by tensor name, index, or Output (of this or the source model); -1 if absent. */
  findInput(key: string | number | Output | undefined): number {
    return find(this.inputs, this.source.inputs, key);
  }

  inputIndex(key: string | number | Output | undefined): number {
    const i = this.findInput(key);
    if (i < 0) throw notFound('input', key, this.inputs);
    return i;
  }

  outputIndex(key: string | number | Output | undefined): number {
    const i = find(this.outputs, this.source.outputs, key);
    if (i < 0) throw notFound('output', key, this.outputs);
    return i;
  }
}

function find(ports: Output[], sourcePorts: Output[], key: string | number | Output | undefined): number {
  if (key === undefined) return ports.length === 1 ? 0 : -1;
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 && key < ports.length ? key : -1;
  if (typeof key === 'string') return ports.findIndex((p) => p.nameSet.has(key) || (p.nameSet.size === 0 && p.node.friendlyName === key));
  const own = ports.indexOf(key);
  return own >= 0 ? own : sourcePorts.indexOf(key);
}

function notFound(what: string, key: unknown, ports: Output[]): InputError {
  const names = ports.map(outputKey).join(', ');
  if (key === undefined) return new InputError(`model has ${ports.length} ${what}s (${names}); name the one you mean`);
  const label = typeof key === 'object' ? String(key) : JSON.stringify(key);
  return new InputError(`model has no ${what} ${label}; its ${what}s are: ${names}`);
}
