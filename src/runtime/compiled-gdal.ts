/**
 * GDAL's WebAssembly module compiled once per process (Node and Deno) or page (browsers), for every
 * engine worker of every pool. A compiled WebAssembly.Module posted to a worker shares its machine
 * code: the code V8 optimizes while one pool runs (its "tier-up", about 190 ms of background CPU in a
 * W1 pass, competing with the workers for the cores) stays optimized for the next worker, the worker that replaces one
 * whose memory grew past the limit, a new pool after `configureEngine`, or Deno's workers started
 * again after they ended idle. Each worker compiling its own copy (as before) started cold every time
 * once the last worker of a pool had ended. The process keeps the module (its code) until it exits.
 *
 * Only the package's own module (next to this file in dist/); a `workerUrl` or `assets.wasm` of the
 * user's is left to the worker as before (the pool asks for this only when neither is given). A file
 * that cannot be read or compiled gives null, and the worker loads the module itself, failing the way
 * it always did with the error that names the file.
 */
import type { WasmModule } from '../engine/protocol.js';
import { nodeModule } from './node-module.js';

let compiled: Promise<WasmModule | null> | null = null;
let fetched: Promise<WasmModule | null> | null = null;

export function compiledGdal(): Promise<WasmModule | null> {
  compiled ??= (async () => {
    try {
      const { readFile } = await nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
      const { fileURLToPath } = await nodeModule<typeof import('node:url')>('node:url');
      const bytes = await readFile(fileURLToPath(new URL('./gdal3WebAssembly.wasm', import.meta.url)));
      return await WebAssembly.compile(bytes);
    } catch {
      return null;
    }
  })();
  return compiled;
}

/**
 * The same in a page: the module at `href` (the package's own, where the bundler put it) fetched and
 * compiled by the page once, then posted to each worker. Null where it cannot be: a failed fetch, a
 * page whose Content-Security-Policy refuses WebAssembly on the main thread, or a browser that cannot
 * post a compiled module (checked here, so that a worker is never handed one it cannot receive); the
 * worker then loads the module itself, as before.
 */
export function compiledGdalAt(href: string): Promise<WasmModule | null> {
  fetched ??= (async () => {
    try {
      const res = await fetch(href);
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        return null;
      }
      const wasmType = /^application\/wasm\b/i.test(res.headers.get('content-type') ?? '');
      const module = wasmType && WebAssembly.compileStreaming ? await WebAssembly.compileStreaming(res) : await WebAssembly.compile(await res.arrayBuffer());
      const { port1, port2 } = new MessageChannel();
      try {
        port1.postMessage(module);
      } finally {
        port1.close();
        port2.close();
      }
      return module;
    } catch {
      return null;
    }
  })();
  return fetched;
}
