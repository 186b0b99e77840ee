/** Deno and browser adapters: standard module Web Workers. Deno reads and writes local files too. */
import { ArgumentError, SourceError } from '../core/errors.js';
import type { EngineConnection } from '../engine/protocol.js';
import { localRuntimeParts, sharedMemoryUsable } from './local-fs.js';
import { compiledGdal, compiledGdalAt } from './compiled-gdal.js';
import type { RuntimeAdapter } from './types.js';

/**
 * The engine worker. Without a workerUrl, the package's own, written as the literal
 * `new Worker(new URL('./engine.worker.js', import.meta.url), { type: 'module' })` that Vite, webpack
 * and Rollup plugins follow. A worker script from another origin (geotensor imported from a CDN or
 * a notebook's module server) cannot be started directly: it is started through a same-origin
 * `blob:` module that imports it.
 */
function spawn(given: URL | null): { worker: Worker; url: URL } {
  if (given === null) {
    try {
      return {
        worker: new Worker(new URL('./engine.worker.js', import.meta.url), { type: 'module', name: 'geotensor-engine' }),
        url: new URL('./engine.worker.js', import.meta.url),
      };
    } catch (e) {
      if ((e as Error)?.name !== 'SecurityError') throw e;
      return spawn(new URL('./engine.worker.js', import.meta.url));
    }
  }
  const here = (globalThis as { location?: { origin: string } }).location?.origin;
  if (here && given.origin !== here && /^https?:$/.test(given.protocol)) {
    const trampoline = URL.createObjectURL(new Blob([`import ${JSON.stringify(given.href)};`], { type: 'text/javascript' }));
    return { worker: new Worker(trampoline, { type: 'module', name: 'geotensor-engine' }), url: given };
  }
  return { worker: new Worker(given, { type: 'module', name: 'geotensor-engine' }), url: given };
}

async function startWebWorker(given: URL | null): Promise<EngineConnection> {
  const { worker: w, url } = spawn(given);
  let deathCb: ((r: string) => void) | null = null;
  let dead = false;
  w.addEventListener('error', (e: ErrorEvent) => {
    e.preventDefault?.();
    if (dead) return;
    dead = true;
    deathCb?.(`worker error: ${e.message || `the worker script ${url.href} failed to load or threw (check workerUrl)`}`);
  });
  return {
    endpoint: w,
    onDeath(cb) {
      deathCb = cb;
    },
    terminate() {
      dead = true;
      w.terminate();
    },
  };
}

/**
 * Where GDAL's files are, next to this module. Literal new URL('./…', import.meta.url), so that
 * bundlers which copy the worker without looking inside it (Rollup's import-meta-assets) still emit
 * GDAL's files and give the worker their URLs.
 */
const pageAssets = () => ({ wasm: new URL('./gdal3WebAssembly.wasm', import.meta.url).href, data: new URL('./gdal3WebAssembly.data', import.meta.url).href });

const webWorkers = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8));

export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  workersHoldProcess: true,
  prefetchRequests: 16,
  compiledGdal,
  defaultWorkers: webWorkers,
  startWorker: startWebWorker,
  ...localRuntimeParts,
};

export const browserRuntime: RuntimeAdapter = {
  name: 'browser',
  workersHoldProcess: false,
  prefetchRequests: 8,
  defaultWorkers: webWorkers,
  startWorker: startWebWorker,
  canBlock: sharedMemoryUsable,
  assetFallback: pageAssets,
  // The package's module, compiled once by the page and shared by its workers (as in Node and Deno).
  compiledGdal: () => compiledGdalAt(pageAssets().wasm),
  baseUrl: () => (globalThis as { location?: { href: string } }).location?.href ?? import.meta.url,
  async localFile(path) {
    throw new SourceError('SOURCE_UNREADABLE', `${path}: local paths cannot be opened in a browser; pass a File, Blob, ArrayBuffer or URL`, { input: path });
  },
  async readFile(path) {
    const url = path.replace(/[?#].*$/, '');
    let res: Response;
    try {
      res = await fetch(path);
    } catch (e) {
      throw new SourceError('SOURCE_UNREADABLE', `${url}: cannot be fetched (${(e as Error).message})`, { input: url });
    }
    if (!res.ok) throw new SourceError(res.status === 404 ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `${url}: HTTP ${res.status}`, { input: url });
    return new Uint8Array(await res.arrayBuffer());
  },
  async writeFile(path, _bytes, what) {
    throw new ArgumentError(what, 'Node or Deno to write files (in a browser, pass a writeFile function or use bytes)', path);
  },
  listFolder: async () => null,
  async removeFile(path, what) {
    throw new ArgumentError(what, 'Node or Deno to remove files', path);
  },
  terminal: () => null,
};
