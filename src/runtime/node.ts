/** Node adapter: worker_threads workers, local files mounted (never copied) into the engine. */
import type { RuntimeAdapter, WorkerHandle } from './types.js';
import { SourceError } from '../errors/index.js';
import { nodeEndpoint } from './node-endpoint.js';

export const nodeRuntime: RuntimeAdapter = {
  name: 'node',
  defaultWorkers() {
    const os = process.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus().length ?? 2;
    return Math.max(1, Math.min(n, 8));
  },
  async startWorker(url: URL): Promise<WorkerHandle> {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(url);
    w.unref();
    let deathCb: ((r: string) => void) | null = null;
    let dead = false;
    const die = (reason: string) => {
      if (dead) return;
      dead = true;
      deathCb?.(reason);
    };
    w.on('error', (e) => die(`worker error: ${e?.message ?? e}`));
    w.on('exit', (code) => die(`worker exited with code ${code}`));
    return {
      endpoint: nodeEndpoint(w as never),
      onDeath(cb) {
        deathCb = cb;
      },
      async terminate() {
        dead = true;
        await w.terminate();
      },
      ref: () => w.ref(),
      unref: () => w.unref(),
    };
  },
  pathSource: (path) => localPathSource(path),
  readFile: (path) => readLocalFile(path),
};

/** Shared by Node and Deno. */
export async function readLocalFile(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new SourceError(code === 'ENOENT' ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (e as Error).message})`}`, { input: path });
  }
}

/** Shared by Node and Deno (Deno implements node:fs and node:path). */
export async function localPathSource(path: string) {
  const { resolve } = await import('node:path');
  const { stat } = await import('node:fs/promises');
  const abs = resolve(path);
  let st;
  try {
    st = await stat(abs);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new SourceError('SOURCE_NOT_FOUND', `${path}: no such file${code && code !== 'ENOENT' ? ` (${code})` : ''}`, { input: path });
  }
  if (!st.isFile()) throw new SourceError('SOURCE_UNREADABLE', `${path}: is not a regular file`, { input: path });
  return { source: { kind: 'path' as const, path: abs }, label: path };
}
