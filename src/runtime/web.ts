/** Deno and browser adapter: standard module Web Workers. */
import type { RuntimeAdapter, WorkerHandle } from './types.js';
import { SourceError } from '../errors/index.js';
import { localPathSource, readLocalFile } from './node.js';

async function startWebWorker(url: URL): Promise<WorkerHandle> {
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

export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  defaultWorkers: () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)),
  startWorker: startWebWorker,
  pathSource: (path) => localPathSource(path),
  readFile: (path) => readLocalFile(path),
};

export const browserRuntime: RuntimeAdapter = {
  name: 'browser',
  defaultWorkers: () => Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8)),
  startWorker: startWebWorker,
  async pathSource(path) {
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
};
