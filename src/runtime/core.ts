import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { Model } from '../core/model.js';
import { Tensor } from '../core/tensor.js';
import { readModelBuffer, readModelFile } from '../frontends/read.js';
import { readIR } from '../frontends/ir/index.js';
import { availableDevices, fileMapper, findPlugin } from '../plugins/registry.js';
import type { Properties, PropertyValue } from '../plugins/plugin.js';
import { CompiledModel } from './compiled-model.js';
import { compileWithCache, importExecutable } from './model-cache.js';
import { CORE_PROPERTIES, validateProperties } from './properties.js';

type ModelSource = string | Uint8Array | Model;

/**
 * The entry point (openvino-node's Core): reads models, compiles them for a device, and holds
 * global and per-device properties.
 */
export class Core {
  private readonly globalProps: Properties = { ...CORE_PROPERTIES };
  private readonly deviceProps = new Map<string, Properties>();

  /**
   * `readModelSync(path[, weightsPath])`, `readModelSync(xmlText, weightsTensor)`,
   * `readModelSync(modelBytes[, weightsBytes])`.
   */
  readModelSync(model: string | Uint8Array, weights?: string | Tensor | Uint8Array): Model {
    if (typeof model === 'string') {
      if (weights instanceof Tensor || model.trimStart().startsWith('<')) {
        const bytes = weights === undefined ? new Uint8Array(0)
          : typeof weights === 'string' ? new Uint8Array(readFileSync(weights)) : toBytes(weights);
        return readIR(model, bytes);
      }
      if (weights !== undefined && typeof weights !== 'string') throw new InputError('with a model path, weights must be a path too');
      return readModelFile(model, weights, this.mapping());
    }
    if (!(model instanceof Uint8Array)) throw new InputError('readModel takes a path, XML text with a weights Tensor, or a Uint8Array');
    if (typeof weights === 'string') throw new InputError('with a model buffer, weights must be a Uint8Array or Tensor');
    return readModelBuffer(model, weights === undefined ? undefined : toBytes(weights));
  }

  /** How model files are read: mapped when ENABLE_MMAP is on and a plugin can map files. */
  private mapping(): { mapFile?: (path: string) => Uint8Array } {
    const mapFile = this.globalProps['ENABLE_MMAP'] === false ? undefined : fileMapper();
    return mapFile ? { mapFile } : {};
  }

  readModel(model: string | Uint8Array, weights?: string | Tensor | Uint8Array): Promise<Model> {
    return deferred(() => this.readModelSync(model, weights));
  }

  /**
   * `compileModelSync(modelOrPath, device = 'CPU', config = {})`. With CACHE_DIR (a Core property,
   * or in `config`), a model compiled before with the same device and config is loaded from there.
   */
  compileModelSync(model: ModelSource, device = 'CPU', config: Properties = {}): CompiledModel {
    const plugin = findPlugin(device);
    const { CACHE_DIR: cacheDir = this.globalProps['CACHE_DIR'], ...deviceConfig } = config;
    const merged = { ...this.deviceProps.get(plugin.name), ...validateProperties(deviceConfig, plugin) };
    const read = (): Model => (model instanceof Model ? model : this.readModelSync(model));
    if (typeof cacheDir !== 'string') throw new InputError(`CACHE_DIR must be a folder path, got ${String(cacheDir)}`);
    if (cacheDir !== '') {
      // A model file's external data files are recorded, so that the cache notices when they change.
      const readFile = (externalFiles: Set<string>): Model =>
        (typeof model === 'string' && !model.trimStart().startsWith('<') ? readModelFile(model, undefined, { externalFiles, ...this.mapping() }) : read());
      const built = compileWithCache(cacheDir, model, readFile, plugin, merged);
      return new CompiledModel(built.model, built.executable, plugin, { config: merged, loadedFromCache: built.loadedFromCache });
    }
    const source = read();
    return new CompiledModel(source, plugin.compile(source, merged), plugin, { config: merged });
  }

  compileModel(model: ModelSource, device = 'CPU', config: Properties = {}): Promise<CompiledModel> {
    return deferred(() => this.compileModelSync(model, device, config));
  }

  /**
   * Loads what `CompiledModel.exportModelSync()` wrote, for the device it was compiled for;
   * `config` entries override the exported ones.
   */
  importModelSync(data: Uint8Array | Tensor, device: string, config: Properties = {}): CompiledModel {
    const plugin = findPlugin(device);
    const merged = { ...this.deviceProps.get(plugin.name), ...validateProperties(config, plugin) };
    const imported = importExecutable(plugin, toBytes(data), merged);
    return new CompiledModel(imported.executable.model, imported.executable, plugin, { config: imported.config });
  }

  /** `importModel(bufferTensorOrStream, device, config)`; a Readable stream is read to its end first. */
  async importModel(data: Uint8Array | Tensor | Readable, device: string, config: Properties = {}): Promise<CompiledModel> {
    const bytes = data instanceof Readable ? await readAll(data) : data;
    return deferred(() => this.importModelSync(bytes, device, config));
  }

  getAvailableDevices(): string[] { return availableDevices(); }

  /** `setProperty(props)` sets Core-wide properties; `setProperty(device, props)` a device's. */
  setProperty(deviceOrProps: string | Properties, props?: Properties): void {
    if (typeof deviceOrProps === 'string') {
      const plugin = findPlugin(deviceOrProps);
      if (!props) throw new InputError('setProperty(device, properties) needs properties');
      this.deviceProps.set(plugin.name, { ...this.deviceProps.get(plugin.name), ...validateProperties(props, plugin) });
    } else {
      Object.assign(this.globalProps, validateProperties(deviceOrProps));
    }
  }

  /** `getProperty(name)` reads a Core property; `getProperty(device, name)` a device's. */
  getProperty(deviceOrName: string, name?: string): PropertyValue {
    if (name === undefined) {
      if (deviceOrName === 'AVAILABLE_DEVICES') return availableDevices();
      const v = this.globalProps[deviceOrName];
      if (v === undefined) throw new InputError(`unknown Core property "${deviceOrName}"; supported: ${Object.keys(this.globalProps).join(', ')}`);
      return v;
    }
    const plugin = findPlugin(deviceOrName);
    const props = { ...plugin.defaults, ...this.deviceProps.get(plugin.name) };
    switch (name) {
      case 'FULL_DEVICE_NAME': return plugin.fullName;
      case 'SUPPORTED_PROPERTIES': return [...Object.keys(plugin.defaults), ...plugin.readOnly];
      case 'OPTIMAL_NUMBER_OF_INFER_REQUESTS': return 1;
      case 'AVAILABLE_DEVICES': return [plugin.name];
    }
    const v = props[name];
    if (v === undefined) throw new InputError(`device ${plugin.name} has no property "${name}"; supported: ${Object.keys(props).join(', ')}`);
    return v;
  }

  /** `{ CPU: { buildNumber, description } }`. */
  getVersions(device: string): Record<string, { buildNumber: string; description: string }> {
    const plugin = findPlugin(device);
    return { [plugin.name]: plugin.version() };
  }

  /** Which device runs each node (by friendly name). */
  queryModel(model: Model, device = 'CPU', config: Properties = {}): Record<string, string> {
    const plugin = findPlugin(device);
    return plugin.queryModel(model, validateProperties(config, plugin));
  }
}

function toBytes(w: Tensor | Uint8Array): Uint8Array {
  if (w instanceof Uint8Array) return w;
  const d = w.data;
  if (Array.isArray(d)) throw new InputError('weights tensor must hold bytes, not strings');
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Runs `fn` on a later turn of the event loop so its errors reject the promise instead of throwing. */
function deferred<T>(fn: () => T): Promise<T> {
  return new Promise((resolve, reject) => setImmediate(() => { try { resolve(fn()); } catch (e) { reject(e); } }));
}
