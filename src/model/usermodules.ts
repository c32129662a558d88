// Owns requiring a user's module written with the modelling API, in the main thread (--load, cli/load.ts adds the
// checks) and in the parallel search's workers (which load the same modules before building the model): a .ts
// module through ts-node (looked up from the user's folder first: an installed iommu-check does not bring it), and
// 'iommu-check/api' resolved to the API of this very process, so the module defines into the registries it reads.
import { join } from 'node:path';

let apiMapped = false;

/** Whether .ts files can be required already (ts-node registered, by us or by node's --require). */
export function canRequireTs(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:module') as { _extensions: Record<string, unknown> })._extensions['.ts'] !== undefined;
}

/** Registers ts-node for .ts modules; throws (with what to do) when it cannot be found. */
export function registerTsNode(): void {
  let path: string;
  try {
    path = require.resolve('ts-node', { paths: [process.cwd(), __dirname] });
  } catch {
    throw new Error('loading a .ts module needs ts-node (npm install --save-dev ts-node typescript), or compile it to .js');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path).register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });
}

/**
 * A module imports the API as 'iommu-check/api'. Wherever it lives (installed beside the package or not), that
 * name resolves to the API of the running iommu-check: the very module object this code imported (a file of
 * dist/src/, or a part of the bundled CLI, dist/cli.js), entered in the module cache under a name of its own.
 */
function mapApi(): void {
  if (apiMapped) return;
  apiMapped = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as {
    new (id: string): { exports: unknown; loaded: boolean; filename: string };
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _cache: Record<string, unknown>;
  };
  const key = join(__dirname, '__iommu-check-api__.js');
  const entry = new Module(key);
  entry.exports = require('../api');
  entry.filename = key;
  entry.loaded = true;
  Module._cache[key] = entry;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === 'iommu-check/api' ? key : resolve.call(this, request, ...rest);
  };
}

/** Requires the module at `path` (absolute) with 'iommu-check/api' mapped; ts-node must be registered for .ts. */
export function requireUserModule(path: string): unknown {
  mapApi();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path);
}

/** A worker's loading of the modules the main thread loaded (checked there already). */
export function loadUserModules(paths: readonly string[]): void {
  for (const path of paths) {
    if (path.endsWith('.ts') && !canRequireTs()) registerTsNode();
    requireUserModule(path);
  }
}
