// Bundles examples/browser/app.mjs (with geotensor's dist and tfjs) into examples/browser/.build/app.js.
import { build } from 'esbuild';

await build({
  entryPoints: ['examples/browser/app.mjs'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: 'examples/browser/.build/app.js',
  external: ['node:*'],
  logLevel: 'error',
});
console.log('built examples/browser/.build/app.js');
