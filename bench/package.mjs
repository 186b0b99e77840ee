// The package's weight for users (part of `npm run bench`): the core and geotensor/tf bundled for a
// browser (esbuild, minified, gzip), and how long `import('geotensor')` takes in a fresh Node and Deno
// process (median of five; GDAL's assets load later, with the first worker).
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

async function bundled(entry) {
  const r = await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: ['node:*'],
    logLevel: 'error',
  });
  const code = r.outputFiles[0].contents;
  return { min: code.length / 1024, gzip: gzipSync(code).length / 1024 };
}

function importMs(cmd, args) {
  const script = "const t0 = performance.now(); await import('./dist/index.js'); console.log(performance.now() - t0);";
  const times = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(cmd, [...args, script], { encoding: 'utf8' });
    times.push(Number(r.stdout.trim().split('\n').pop()));
  }
  return times.sort((a, b) => a - b)[2];
}

export async function measurePackage(row) {
  const core = await bundled('./dist/index.js');
  row('core bundle (browser, minified)', core.gzip, 'KB gzip', `(${core.min.toFixed(0)} KB minified; target ≤ 150 KB gzip; no ML framework)`);
  const tf = await bundled('./dist/tf.js');
  row('geotensor/tf bundle (with tfjs)', tf.gzip, 'KB gzip', `(${tf.min.toFixed(0)} KB minified)`);
  row("import('geotensor'), Node", importMs('node', ['--input-type=module', '-e']), 'ms', '(median of 5 fresh processes; target ≤ 300 ms)');
  row("import('geotensor'), Deno", importMs('node_modules/.bin/deno', ['eval', '--ext=js']), 'ms', '(median of 5 fresh processes)');
}
