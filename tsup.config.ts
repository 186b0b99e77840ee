import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: ESM + CJS + types. Dependencies stay external (installed with the package).
    entry: { index: 'src/index.ts', tf: 'src/tf.ts', testing: 'src/testing.ts' },
    format: ['esm', 'cjs'],
    // Declarations for the public entries only (the test entry's internals stay out of them).
    dts: { entry: { index: 'src/index.ts', tf: 'src/tf.ts' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    shims: true,
    removeNodeProtocol: false,
    noExternal: ['comlink'],
    external: [/^node:/],
  },
  {
    // The engine worker: one self-contained ES module (GDAL glue, Comlink and the engine) so it
    // loads as-is in Node worker_threads, Deno workers and browser module workers, and bundlers can
    // pick it up with new URL('./engine.worker.js', import.meta.url).
    entry: { 'engine.worker': 'wasm/worker.ts', 'engine.inline': 'wasm/inline.ts' },
    format: ['esm'],
    // Types for the geotensor/inline and geotensor/worker subpaths.
    dts: { entry: { 'engine.worker': 'wasm/worker.ts', 'engine.inline': 'wasm/inline.ts' } },
    sourcemap: true,
    clean: false,
    splitting: false,
    target: 'es2022',
    platform: 'neutral',
    removeNodeProtocol: false,
    noExternal: ['comlink', /^gdal3\.js/],
    external: [/^node:/, 'fs', 'path', 'crypto'],
    // The Emscripten glue looks for __filename/__dirname to find its files; geotensor hands it its
    // files itself, and bundlers (webpack) rewrite `typeof __filename` in ways that break the worker.
    esbuildOptions(o) {
      o.define = { ...o.define, __filename: 'undefined', __dirname: 'undefined' };
    },
    // GDAL's WebAssembly module and data package go next to the worker (the worker finds them with
    // new URL('./…', import.meta.url), which bundlers follow); gdal3.js is then needed at build only.
    async onSuccess() {
      for (const f of ['gdal3WebAssembly.wasm', 'gdal3WebAssembly.data']) copyFileSync(`node_modules/gdal3.js/dist/package/${f}`, `dist/${f}`);
    },
  },
  {
    // The command line (`npx geotensor`): an ES module with a shebang; dependencies stay external.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'node',
    removeNodeProtocol: false,
    noExternal: ['comlink'],
    banner: { js: '#!/usr/bin/env node' },
  },
]);
