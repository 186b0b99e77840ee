// Bundles the test runners with esbuild into .test-build/. The test files import the sources
// (src/index.ts, src/testing.ts) so that they type-check without a build; Node and Deno still run
// them against the built package (dist/index.js, dist/testing.js) as a user would, the browser
// bundle includes the sources with their dependencies, and the package's own worker and GDAL files
// sit next to it (as a bundler places them), so that its pools can start them without workerUrl.
import { copyFileSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const distIsExternal = {
  name: 'dist-external',
  setup(b) {
    b.onResolve({ filter: /(^|\/)src\/(index|testing|tf)\.js$/ }, (a) => ({ path: `../dist/${/(index|testing|tf)\.js$/.exec(a.path)[1]}.js`, external: true }));
  },
};

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: 'inline', logLevel: 'warning' };
await Promise.all([
  build({
    ...common,
    entryPoints: ['test/runners/node.ts'],
    outfile: '.test-build/node.js',
    platform: 'node',
    plugins: [distIsExternal],
    external: ['@tensorflow/tfjs', '@turf/turf'],
  }),
  build({
    ...common,
    entryPoints: ['test/runners/deno.ts'],
    outfile: '.test-build/deno.js',
    platform: 'neutral',
    mainFields: ['module', 'main'], // packages the tests import directly (proj4) name no exports
    plugins: [distIsExternal],
    external: ['node:*', '@tensorflow/tfjs', '@turf/turf'],
  }),
  build({ ...common, entryPoints: ['test/runners/browser.ts'], outfile: '.test-build/browser.js', platform: 'browser', external: ['node:*'] }),
]);
for (const f of ['engine.worker.js', 'gdal3WebAssembly.wasm', 'gdal3WebAssembly.data']) if (existsSync(`dist/${f}`)) copyFileSync(`dist/${f}`, `.test-build/${f}`);
