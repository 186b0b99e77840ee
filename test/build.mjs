// Bundles the test runners with esbuild into .test-build/. Node and Deno import the built package
// (dist/index.js) as a user would; the browser bundle includes it with its dependencies.
import { build } from 'esbuild';

const distIsExternal = {
  name: 'dist-external',
  setup(b) {
    b.onResolve({ filter: /dist\/index\.js$/ }, () => ({ path: '../dist/index.js', external: true }));
  },
};

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: 'inline', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['test/runners/node.ts'], outfile: '.test-build/node.js', platform: 'node', plugins: [distIsExternal], external: ['@tensorflow/tfjs', '@turf/turf'] }),
  build({ ...common, entryPoints: ['test/runners/deno.ts'], outfile: '.test-build/deno.js', platform: 'neutral', plugins: [distIsExternal], external: ['node:*', '@tensorflow/tfjs', '@turf/turf'] }),
  build({ ...common, entryPoints: ['test/runners/browser.ts'], outfile: '.test-build/browser.js', platform: 'browser', external: ['node:*'] }),
]);
