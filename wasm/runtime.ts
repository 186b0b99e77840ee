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
  const { createRequire } = await import('node:module');
  const req = createRequire(import.meta.url);
  if (typeof g.require !== 'function') g.require = req;
  if (typeof g.__dirname !== 'string') {
    const { fileURLToPath } = await import('node:url');
    const path = await import('node:path');
    g.__dirname = path.dirname(fileURLToPath(import.meta.url));
  }
  if (typeof g.Buffer !== 'function') g.Buffer = (await import('node:buffer')).Buffer;
}

/** The path of a file inside an installed package (Node, Deno), or null where there is no file system. */
export async function packageFile(specifier: string): Promise<string | null> {
  if (!hasNodeApis()) return null;
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url).resolve(specifier);
}

/** A local file's bytes (a path or file: URL) in Node and Deno; null elsewhere (the caller fetches). */
export async function readLocal(href: string): Promise<ArrayBuffer | null> {
  if (!hasNodeApis()) return null;
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const b = await fs.readFile(href.startsWith('file:') ? fileURLToPath(href) : href);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** What a worker talks to its host through: the worker scope (web workers, Deno), or Node's parentPort. */
export async function hostEndpoint(): Promise<Comlink.Endpoint> {
  if (runtimeKind() !== 'node') return globalThis as unknown as Comlink.Endpoint;
  const { parentPort } = await import('node:worker_threads');
  return nodeEndpoint(parentPort as never);
}

/** A local path's folder and file name (Node, Deno); null where there are no local files. */
export async function splitLocalPath(path: string): Promise<{ dir: string; base: string } | null> {
  if (!hasNodeApis()) return null;
  const { dirname, basename } = await import('node:path');
  return { dir: dirname(path), base: basename(path) };
}
