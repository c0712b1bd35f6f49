import type { ModelManager } from './model-manager.js';
import { packageVersion } from './package-info.js';

/** Protocol extensions beyond the core KServe v2 API that this server speaks. */
export const EXTENSIONS = ['binary_tensor_data'];

export const serverMetadata = () => ({ name: 'tsvino', version: packageVersion, extensions: EXTENSIONS });

/** KServe model metadata of a version (the newest when none is named). */
export function modelMetadata(manager: ModelManager, name: string, version?: string) {
  const served = manager.resolve(name, version);
  const versions = manager.status().find((m) => m.name === name)?.versions
    .filter((v) => v.state === 'AVAILABLE').map((v) => String(v.version)) ?? [];
  return { name, versions, platform: 'OpenVINO', inputs: served.inputs, outputs: served.outputs };
}
