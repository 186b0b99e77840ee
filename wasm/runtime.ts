/**
 * The WebAssembly side's runtime adapter: the only file of wasm/ that knows Node, Deno or browsers
 * (asked of the one detector, src/core/runtime-kind.ts). What the GDAL glue and the worker entry need:
 * CommonJS shims for Emscripten in Node-like runtimes, local files for GDAL's assets, and the
 * endpoint the worker talks to its host through.
 */
import type * as Comlink from 'comlink';
import { hasNodeApis, runtimeKind } from '../src/core/runtime-kind.js';
import { nodeEndpoint } from '../src/engine/protocol.js';

/** Node-like runtimes (Node, Deno) get the CommonJS helpers the Emscripten glue expects. */
export async function installNodeShims(): Promise<void> {
  if (!hasNodeApis()) return;
  const g = globalThis as Record<string, unknown>;
  const { createRequire } = await nodeModule<typeof import('node:module')>('node:module');
  const req = createRequire(import.meta.url);
  if (typeof g.require !== 'function') g.require = req;
  if (typeof g.__dirname !== 'string') {
    const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
    const path = await nodeModule<typeof import('node:path')>('node:path');
    g.__dirname = path.dirname(fileURLToPath(import.meta.url));
  }
  if (typeof g.Buffer !== 'function') g.Buffer = (await nodeModule<typeof import('node:buffer')>('node:buffer')).Buffer;
  await constantsUnderPermissions();
}

/**
 * Emscripten's NODEFS asks `process.binding('constants')` for the file flags as the glue starts,
 * and Node's permission model (`--permission`, `--experimental-permission` in Node 20) refuses
 * `process.binding`: GDAL could not start. The same constants are public (`fs.constants`,
 * `os.constants`); where the binding is refused, this thread's `process.binding` answers
 * 'constants' from them and passes every other name on as before.
 */
async function constantsUnderPermissions(): Promise<void> {
  const proc = (globalThis as { process?: { binding?: (name: string) => unknown } }).process;
  if (runtimeKind() !== 'node' || typeof proc?.binding !== 'function') return;
  const binding = proc.binding;
  try {
    binding.call(proc, 'constants');
    return;
  } catch {
    // refused: the permission model is on
  }
  const fs = (await nodeModule<typeof import('node:fs')>('node:fs')).constants;
  const os = (await nodeModule<typeof import('node:os')>('node:os')).constants;
  proc.binding = (name: string) => (name === 'constants' ? { fs, os } : binding.call(proc, name));
}

/** A local file's bytes (a path or file: URL) in Node and Deno; null elsewhere (the caller fetches). */
export async function readLocal(href: string): Promise<ArrayBuffer | null> {
  if (!hasNodeApis()) return null;
  const fs = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
  const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
  const b = await fs.readFile(href.startsWith('file:') ? fileURLToPath(href) : href);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** What a worker talks to its host through: the worker scope (web workers, Deno), or Node's parentPort. */
export async function hostEndpoint(): Promise<Comlink.Endpoint> {
  if (runtimeKind() !== 'node') return globalThis as unknown as Comlink.Endpoint;
  const { parentPort } = await nodeModule<typeof import('node:worker_threads')>('node:worker_threads');
  return nodeEndpoint(parentPort as never);
}

/** Synchronous access to local files, for the sandbox GDAL reads through (see sandbox.ts). */
export interface LocalFiles {
  /** The canonical absolute path (symbolic links resolved); throws the runtime's error (ENOENT...). */
  realpath(path: string): string;
  /** `path` resolved against `from` (a folder), or against the working directory. */
  resolve(from: string | null, path: string): string;
  dirname(path: string): string;
  basename(path: string): string;
  /** `path` relative to `folder`, or null when it is not inside it. */
  inside(folder: string, path: string): string | null;
  /** Names in a folder. */
  list(folder: string): string[];
  /** Size of a regular file, or null for anything else. */
  fileSize(path: string): number | null;
  /** Reads bytes [start, end) of a file (opened on first use, closed by `close`). */
  reader(path: string): { read(start: number, end: number): Uint8Array; close(): void };
}

/** Local files in Node and Deno; null where there are none. */
export async function localFiles(): Promise<LocalFiles | null> {
  if (!hasNodeApis()) return null;
  const fs = await nodeModule<typeof import('node:fs')>('node:fs');
  const p = await nodeModule<typeof import('node:path')>('node:path');
  // The system's realpath: Node's JavaScript one looks at every folder above the file, which its
  // permission model refuses unless each is allowed (a data folder reached through a symbolic link).
  const realpath = fs.realpathSync.native ?? fs.realpathSync;
  return {
    realpath: (path) => realpath(path),
    resolve: (from, path) => (from === null ? p.resolve(path) : p.resolve(from, path)),
    dirname: (path) => p.dirname(path),
    basename: (path) => p.basename(path),
    inside(folder, path) {
      const rel = p.relative(folder, path);
      return rel === '' || rel.startsWith('..') || p.isAbsolute(rel) ? null : rel.split(p.sep).join('/');
    },
    list: (folder) => fs.readdirSync(folder),
    fileSize(path) {
      const st = fs.statSync(path, { throwIfNoEntry: false });
      return st?.isFile() ? st.size : null;
    },
    reader(path) {
      let fd: number | null = null;
      return {
        read(start, end) {
          fd ??= fs.openSync(path, 'r');
          const out = new Uint8Array(end - start);
          let got = 0;
          while (got < out.length) {
            const n = fs.readSync(fd, out, got, out.length - got, start + got);
            if (n === 0) break;
            got += n;
          }
          return got === out.length ? out : out.subarray(0, got);
        },
        close() {
          if (fd !== null) fs.closeSync(fd);
          fd = null;
        },
      };
    },
  };
}

/** A Node built-in loaded at run time, invisibly to bundlers (the browser never runs these paths). */
function nodeModule<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}
