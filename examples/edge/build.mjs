// Bundles the edge worker (examples/edge/worker.mjs + geotensor) into examples/edge/.build/ with
// GDAL's .wasm and .data beside it, and writes the workerd config.
// Usage: node examples/edge/build.mjs PORT [--nodejs-compat]  (the flag wrangler recommends)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const port = Number(process.argv[2] ?? 8787);
const nodejsCompat = process.argv.includes('--nodejs-compat');
const out = 'examples/edge/.build';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['examples/edge/worker.mjs'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: `${out}/worker.js`,
  // GDAL's files are modules of the worker; Node-only code paths are never taken in workerd.
  external: ['./gdal3WebAssembly.wasm', './gdal3WebAssembly.data', 'node:*'],
  logLevel: 'error',
});
const pkg = createRequire(import.meta.url)
  .resolve('gdal3.js/dist/package/gdal3WebAssembly.wasm')
  .replace(/gdal3WebAssembly\.wasm$/, '');
copyFileSync(`${pkg}gdal3WebAssembly.wasm`, `${out}/gdal3WebAssembly.wasm`);
copyFileSync(`${pkg}gdal3WebAssembly.data`, `${out}/gdal3WebAssembly.data`);
writeFileSync(
  `${out}/config.capnp`,
  `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .edge),
    # outbound fetch: the public internet and, for the test server, loopback
    (name = "internet", network = (allow = ["public", "local", "private"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const edge :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "gdal3WebAssembly.wasm", wasm = embed "gdal3WebAssembly.wasm"),
    (name = "gdal3WebAssembly.data", data = embed "gdal3WebAssembly.data"),
  ],
  compatibilityDate = "2025-01-01",${nodejsCompat ? '\n  compatibilityFlags = ["nodejs_compat"],' : ''}
  globalOutbound = "internet",
);
`,
);
console.log(`built ${out}/worker.js and ${out}/config.capnp (port ${port}${nodejsCompat ? ', nodejs_compat' : ''})`);
