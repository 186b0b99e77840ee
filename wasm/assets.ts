/**
 * Where GDAL's WebAssembly module (`gdal3WebAssembly.wasm`) and data package
 * (`gdal3WebAssembly.data`: PROJ's database and GDAL's data files) come from, per runtime.
 *
 * - Node and Deno: read from disk, next to this module in the package's dist/.
 * - Browser: fetched from URLs; by default next to the worker script (where bundlers put them), or
 *   from the URLs the user passes (e.g. a CDN: https://cdn.jsdelivr.net/npm/gdal3.js@2.8.1/dist/package/).
 * - Edge runtimes: the user hands in a compiled `WebAssembly.Module` and the data bytes.
 */
import type { EngineAssetConfig } from '../src/engine/protocol.js';
import { EngineError } from '../src/core/errors.js';
import { readLocal } from './runtime.js';

// The assets sit next to this module in the package's dist/ (copied there at build). Written as
// literal new URL('./…', import.meta.url) so that bundlers (Vite, webpack, Rollup plugins) emit them
// and rewrite the URLs; Node and Deno read the file: URLs from disk.
const defaultWasm = () => new URL('./gdal3WebAssembly.wasm', import.meta.url);
const defaultData = () => new URL('./gdal3WebAssembly.data', import.meta.url);

/** Bytes that are not WebAssembly (an HTML page from a dev server or an SPA fallback) fail at once, saying what came back. */
function checkWasm(bytes: ArrayBuffer, from: string | URL): void {
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d) return;
  const head = new TextDecoder().decode(new Uint8Array(bytes, 0, Math.min(60, bytes.byteLength))).replace(/\s+/g, ' ');
  const href = from instanceof URL ? from.href : from;
  throw new EngineError(
    'ENGINE_FAILED',
    `GDAL's WebAssembly module from ${href} is not WebAssembly (${bytes.byteLength} bytes beginning "${head}"${/<(!doctype|html)/i.test(head) ? ': an HTML page, so the URL is wrong' : ''}); pass configureEngine({ assets: { wasm, data } }) with the URL of gdal3WebAssembly.wasm`,
    { input: href },
  );
}

async function readAsset(what: string, loc: string | URL): Promise<ArrayBuffer> {
  const href = loc instanceof URL ? loc.href : loc;
  try {
    if (!/^(https?|blob|data):/.test(href)) {
      const local = await readLocal(href);
      if (local) return local;
    }
    const res = await fetch(href);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.arrayBuffer();
  } catch (e) {
    throw new EngineError('ENGINE_FAILED', `cannot load GDAL ${what} from ${href}: ${(e as Error).message}`, {
      input: href,
    });
  }
}

/** The first location that loads; the first location's error if none does. */
async function firstOf<T>(locations: (string | URL | undefined)[], load: (loc: string | URL) => Promise<T>): Promise<T> {
  let first: unknown = null;
  const seen = new Set<string>();
  for (const loc of locations) {
    const href = loc instanceof URL ? loc.href : loc;
    if (href === undefined || seen.has(href)) continue;
    seen.add(href);
    try {
      return await load(href);
    } catch (e) {
      first ??= e;
    }
  }
  throw first;
}

export interface LoadedAssets {
  wasm: WebAssembly.Module | ArrayBuffer;
  data: ArrayBuffer;
}

export async function loadAssets(config: EngineAssetConfig): Promise<LoadedAssets> {
  const wasmP = (async () => {
    const w = config.wasm;
    if (w instanceof WebAssembly.Module) return w;
    if (w instanceof ArrayBuffer) return w;
    if (w instanceof Uint8Array) return w.slice().buffer as ArrayBuffer;
    if (w !== undefined && typeof w !== 'string' && !(w instanceof URL))
      throw new EngineError('ENGINE_FAILED', 'assets.wasm: expected a URL, bytes or a compiled WebAssembly.Module', { input: 'assets.wasm' });
    if (w !== undefined) {
      const bytes = await readAsset('WebAssembly module', w);
      checkWasm(bytes, w);
      return bytes;
    }
    return firstOf([defaultWasm(), config.fallback?.wasm], async (loc) => {
      const bytes = await readAsset('WebAssembly module', loc);
      checkWasm(bytes, loc);
      return bytes;
    });
  })();
  const dataP = (async () => {
    const d = config.data;
    if (d instanceof ArrayBuffer) return d;
    if (d instanceof Uint8Array) return d.slice().buffer as ArrayBuffer;
    if (d !== undefined) return readAsset('data package', d);
    return firstOf([defaultData(), config.fallback?.data], (loc) => readAsset('data package', loc));
  })();
  const [wasm, data] = await Promise.all([wasmP, dataP]);
  return { wasm, data };
}
