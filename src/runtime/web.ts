/** Deno and browser adapters: standard module Web Workers. Deno reads and writes local files too. */
import { ArgumentError, SourceError } from '../core/errors.js';
import type { EngineConnection } from '../engine/protocol.js';
import { localRuntimeParts, sharedMemoryUsable } from './local-fs.js';
import type { RuntimeAdapter } from './types.js';

async function startWebWorker(url: URL): Promise<EngineConnection> {
  const w = new Worker(url, { type: 'module', name: 'geotensor-engine' });
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

const webWorkers = () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8));

export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  workersHoldProcess: true,
  defaultWorkers: webWorkers,
  startWorker: startWebWorker,
  ...localRuntimeParts,
};

export const browserRuntime: RuntimeAdapter = {
  name: 'browser',
  workersHoldProcess: false,
  defaultWorkers: webWorkers,
  startWorker: startWebWorker,
  canBlock: sharedMemoryUsable,
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
