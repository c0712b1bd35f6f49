import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tsvino package root: the nearest folder above this module with tsvino's package.json. The same
 * walk works from src/ (tests), dist/src/ and an installed package, so data files are found from any.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest).name === 'tsvino') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`tsvino's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function readManifest(path: string): { name?: unknown; version?: unknown } {
  const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return typeof doc === 'object' && doc !== null ? doc : {};
}

export const packageRoot = findPackageRoot();
export const packageVersion = String(readManifest(join(packageRoot, 'package.json')).version ?? '0.0.0');
/** The gRPC service definition ships as a file in the package (see package.json "files"). */
export const grpcProtoPath = join(packageRoot, 'src', 'server', 'proto', 'grpc_predict_v2.proto');
