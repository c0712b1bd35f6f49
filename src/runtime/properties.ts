import { InputError } from '../core/errors.js';
import type { Plugin, Properties, PropertyValue } from '../plugins/plugin.js';

/** Properties that belong to Core rather than to a device. */
/**
 * ENABLE_MMAP (OpenVINO's name): model files are mapped rather than read, so weights load as they are
 * touched and no copy of the file is made. A file truncated while mapped would fault on access, so
 * turn it off for models whose files change under a running process.
 */
export const CORE_PROPERTIES: Properties = { CACHE_DIR: '', LOG_LEVEL: 'LOG_NONE', ENABLE_MMAP: true };

/** Checks a property's value; unknown names and bad values fail naming the property. */
export function validateProperty(name: string, value: PropertyValue, plugin?: Plugin): PropertyValue {
  const known = plugin ? name in plugin.defaults : name in CORE_PROPERTIES;
  if (plugin && plugin.readOnly.includes(name)) throw new InputError(`property ${name} of ${plugin.name} is read-only`);
  if (!known) {
    const names = Object.keys(plugin ? plugin.defaults : CORE_PROPERTIES).join(', ');
    throw new InputError(`unknown property "${name}"${plugin ? ` for device ${plugin.name}` : ''}; supported: ${names}`);
  }
  switch (name) {
    case 'INFERENCE_NUM_THREADS': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new InputError(`INFERENCE_NUM_THREADS must be a non-negative integer, got ${String(value)}`);
      return n;
    }
    case 'NUM_STREAMS': {
      if (String(value).toUpperCase() === 'AUTO') return 'AUTO';
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InputError(`NUM_STREAMS must be a positive integer or AUTO, got ${String(value)}`);
      return n;
    }
    case 'PERFORMANCE_HINT': {
      const v = String(value).toUpperCase();
      if (!['LATENCY', 'THROUGHPUT', 'CUMULATIVE_THROUGHPUT', 'NONE', ''].includes(v)) {
        throw new InputError(`PERFORMANCE_HINT must be LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT or NONE, got ${String(value)}`);
      }
      return v;
    }
    case 'ENABLE_PROFILING':
    case 'ENABLE_MMAP': {
      if (typeof value === 'boolean') return value;
      const v = String(value).toUpperCase();
      if (v !== 'YES' && v !== 'NO' && v !== 'TRUE' && v !== 'FALSE') throw new InputError(`${name} must be a boolean, got ${String(value)}`);
      return v === 'YES' || v === 'TRUE';
    }
    case 'INFERENCE_PRECISION_HINT': {
      const v = String(value).toLowerCase();
      if (!['f32', 'f16', 'bf16'].includes(v)) throw new InputError(`INFERENCE_PRECISION_HINT must be f32, f16 or bf16, got ${String(value)}`);
      return v;
    }
    default:
      return value;
  }
}

export function validateProperties(props: Properties, plugin?: Plugin): Properties {
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validateProperty(k, v, plugin)]));
}
