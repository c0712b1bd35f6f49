import { InputError } from '../core/errors.js';
import type { Plugin } from './plugin.js';
import { cpuPlugin } from './cpu/cpu-plugin.js';
import { templatePlugin } from './template/template-plugin.js';

/** Devices in priority order. A device that fails to start would be left out with its reason kept. */
const plugins: Plugin[] = [cpuPlugin, templatePlugin];

export const availableDevices = (): string[] => plugins.map((p) => p.name);

/** A plugin's file mapper (mmap through the CPU addon), for reading model files without a copy. */
export function fileMapper(): ((path: string) => Uint8Array) | undefined {
  const p = plugins.find((x) => x.mapFile);
  return p?.mapFile?.bind(p);
}

export function findPlugin(device: string): Plugin {
  const name = device.trim().toUpperCase().split('.')[0]!;
  const p = plugins.find((x) => x.name === name);
  if (!p) throw new InputError(`device "${device}" is not available; available devices: ${availableDevices().join(', ')}`);
  return p;
}

/** Adds a device (tests and extensions); a later registration of the same name replaces it. */
export function registerPlugin(plugin: Plugin): void {
  const i = plugins.findIndex((p) => p.name === plugin.name);
  if (i >= 0) plugins[i] = plugin; else plugins.push(plugin);
}
