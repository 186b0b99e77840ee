/** Files on a local disk, for the Node and Deno adapters (Deno implements node:fs and node:path). */
import { ArgumentError, SourceError } from '../core/errors.js';
import { fsFailure } from '../core/fs-failure.js';
import { nodeModule } from './node-module.js';
import type { RuntimeAdapter, Terminal } from './types.js';

export async function readLocalFile(path: string): Promise<Uint8Array> {
  const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const f = fsFailure(e, 'read');
    throw new SourceError(f.missing ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `${path}: ${f.why}`, { input: path });
  }
}

export async function localFile(path: string): Promise<string> {
  const { resolve } = await nodeModule<typeof import('node:path')>('node:path');
  const { stat } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  let p = path;
  if (p.startsWith('file:')) p = (await nodeModule<typeof import('node:url')>('node:url')).fileURLToPath(p);
  const abs = resolve(p);
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(abs);
  } catch (e) {
    const f = fsFailure(e, 'read');
    throw new SourceError(f.missing ? 'SOURCE_NOT_FOUND' : 'SOURCE_UNREADABLE', `${path}: ${f.why}`, { input: path });
  }
  if (!st.isFile()) throw new SourceError('SOURCE_UNREADABLE', `${path}: is not a regular file`, { input: path });
  return abs;
}

let tmpCounter = 0;

/** Writes `bytes` to a temporary name beside `path`, then renames it: no half-written file under `path`. */
export async function writeLocalFile(path: string, bytes: Uint8Array, what: string): Promise<void> {
  const fs = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { dirname } = await nodeModule<typeof import('node:path')>('node:path');
  const tmp = `${path}.${Date.now().toString(36)}-${(tmpCounter++).toString(36)}.partial`;
  try {
    await fs.mkdir(dirname(path), { recursive: true });
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new ArgumentError(what, `a path that can be written`, `${path} (${fsFailure(e, 'write').why})`);
  }
}

export async function listLocalFolder(path: string, what: string): Promise<string[]> {
  const fs = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    return (await fs.readdir(path)).sort();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') return [];
    throw new ArgumentError(what, 'a folder that can be listed', `${path} (${code ?? (e as Error).message})`);
  }
}

export async function removeLocalFile(path: string, what: string): Promise<void> {
  const fs = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    await fs.rm(path, { force: true });
  } catch (e) {
    throw new ArgumentError(what, 'a file that can be removed', `${path} (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}

export function localTerminal(): Terminal | null {
  const stderr = (globalThis as { process?: { stderr?: Terminal & { isTTY?: boolean } } }).process?.stderr;
  return stderr?.isTTY ? stderr : null;
}

/** Node and Deno resolve relative URLs against the working directory. */
export function cwdUrl(): string {
  const g = globalThis as { process?: { cwd(): string } };
  return g.process ? `file://${g.process.cwd()}/` : import.meta.url;
}

/** Whether workers can block on shared memory (SharedArrayBuffer and Atomics, and in pages cross-origin isolation). */
export function sharedMemoryUsable(): boolean {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Atomics?: unknown };
  return typeof g.SharedArrayBuffer === 'function' && typeof g.Atomics === 'object' && g.crossOriginIsolated !== false;
}

/** What Node and Deno share: local files, the working directory as base URL, a TTY, shared memory. */
export const localRuntimeParts: Pick<RuntimeAdapter, 'canBlock' | 'baseUrl' | 'localFile' | 'readFile' | 'writeFile' | 'listFolder' | 'removeFile' | 'terminal'> = {
  canBlock: sharedMemoryUsable,
  baseUrl: cwdUrl,
  localFile,
  readFile: readLocalFile,
  writeFile: writeLocalFile,
  listFolder: listLocalFolder,
  removeFile: removeLocalFile,
  terminal: localTerminal,
};
