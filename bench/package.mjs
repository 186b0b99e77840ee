// The package's weight for users (part of `npm run bench`): the core and geotensor/tf bundled for a
// browser (esbuild, minified, gzip), and how long `import('geotensor')` takes in a fresh Node and Deno
// process (median of five; GDAL's assets load later, with the first worker).
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The entry bundled as bundlers do (code splitting): the code loaded at import, and the chunks loaded later by import(). */
async function bundled(entry) {
  const r = await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: 'bench/.cache/bundle',
    metafile: true,
    write: false,
    external: ['node:*'],
    logLevel: 'error',
  });
  const outputs = r.metafile.outputs;
  const entryOut = Object.keys(outputs).find((k) => outputs[k].entryPoint);
  const initial = new Set([entryOut]);
  for (const k of initial) for (const i of outputs[k].imports) if (i.kind === 'import-statement' && !i.external) initial.add(i.path);
  const size = (keys) => {
    const code = Buffer.concat(r.outputFiles.filter((f) => keys.some((k) => f.path.endsWith(k.replace(/^.*\//, '')) && f.path.endsWith('.js'))).map((f) => f.contents));
    return { min: code.length / 1024, gzip: gzipSync(code).length / 1024 };
  };
  const lazy = Object.keys(outputs).filter((k) => k.endsWith('.js') && !initial.has(k));
  return { ...size([...initial]), lazy: lazy.length ? size(lazy) : null };
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
  row('core bundle (browser, minified), loaded at import', core.gzip, 'KB gzip', `(${core.min.toFixed(0)} KB minified; target ≤ 150 KB gzip; no ML framework)`);
  if (core.lazy)
    row(
      '  + the EPSG table, a chunk of its own loaded by the first open',
      core.lazy.gzip,
      'KB gzip',
      `(${core.lazy.min.toFixed(0)} KB minified; every EPSG code of PROJ's database)`,
    );
  const tf = await bundled('./dist/tf.js');
  row('geotensor/tf bundle (with tfjs)', tf.gzip, 'KB gzip', `(${tf.min.toFixed(0)} KB minified)`);
  row("import('geotensor'), Node", importMs('node', ['--input-type=module', '-e']), 'ms', '(median of 5 fresh processes; target ≤ 300 ms)');
  row("import('geotensor'), Deno", importMs('node_modules/.bin/deno', ['eval', '--ext=js']), 'ms', '(median of 5 fresh processes)');
}
