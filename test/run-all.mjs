// `npm test`: builds the package, bundles the test runners, then runs the same test files in Node,
// Deno (npm package `deno`) and headless Chromium (/usr/bin/chromium). With CI=true (or
// REGENERATE_REFERENCE=1), the geopandas mask references (with python3-geopandas) and, with native
// GDAL installed, the gdalinfo/gdalwarp references are
// regenerated first, so the comparison is against the GDAL on this machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { startServerProcess } from './remote/server-process.mjs';

// `npm test` runs everything but the long checks; `npm run test:full` (--full) runs those alone (CI runs
// both, one after the other); naming parts runs just them.
const args = process.argv.slice(2);
const full = args.includes('--full');
const only = args.filter((a) => a !== '--full');
const LONG = ['geoparquet', 'package', 'bundlers', 'notebook', 'bigtiff', 'fuzz'];
const want = (r) => (only.length > 0 ? only.includes(r) : full === LONG.includes(r));

let passed = 0;
let failedTests = 0;
function step(name, cmd, args, env = {}) {
  console.log(`\n# ${name}`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const m = /^[\w-]+: (\d+) passed, (\d+) failed$/m.exec(r.stdout ?? '');
  if (m) {
    passed += Number(m[1]);
    failedTests += Number(m[2]);
  }
  const code = r.status;
  if (code !== 0) {
    console.log(`# ${name} failed (exit ${code})`);
  }
  console.log(`# (${name || cmd}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return code === 0;
}

const hasGdal = spawnSync('gdalwarp', ['--version']).status === 0;
// The references the runtime tests compare against (not needed by the long checks alone).
const regenerate = (process.env.CI === 'true' || process.env.REGENERATE_REFERENCE === '1') && ['node', 'deno', 'browser'].some(want);
if (regenerate && hasGdal) {
  if (!step('regenerate native GDAL references', 'node', ['test/reference/generate.mjs'])) process.exit(1);
  if (!step('regenerate native gdal_rasterize references', 'node', ['test/reference/rasterize.mjs'])) process.exit(1);
  if (!step('regenerate the STAC catalog and its gdalwarp references', '/usr/bin/python3', ['test/reference/stac.py'])) process.exit(1);
}
const hasGeopandas = spawnSync('/usr/bin/python3', ['-c', 'import geopandas']).status === 0;
if (regenerate && hasGeopandas) {
  if (!step('regenerate the geopandas mask references', '/usr/bin/python3', ['test/reference/masks.py'])) process.exit(1);
  if (!step('regenerate the footprint references (gdalwarp -dstalpha, GDAL polygonize)', '/usr/bin/python3', ['test/reference/footprint.py'])) process.exit(1);
  if (!step('regenerate the turned-grid references (gdalwarp into a turned target)', '/usr/bin/python3', ['test/reference/rotated.py'])) process.exit(1);
}
// Habits first: the linter and formatter (Biome) with zero findings, the types (tests against the
// sources, no build needed) and the layering of the import graph.
const habits = [
  ['lint', step('lint and format (biome check)', 'npx', ['--no-install', 'biome', 'check', '.'])],
  ['types', step('types (tsc -p ., sources and tests, before any build)', 'npx', ['--no-install', 'tsc', '-p', '.'])],
  ['layers', step('layers (import graph)', 'node', ['test/layers.mjs'])],
];
if (!step('build', 'npx', ['--no-install', 'tsup', '--silent'])) process.exit(1);
if (!step('bundle tests', 'node', ['test/build.mjs'])) process.exit(1);

// The range server the remote tests read from (a separate process: the steps below block this one).
let remoteServer = null;
if (['node', 'deno', 'browser', 'edge'].some(want)) {
  if (!step('prepare remote test files (COGs)', 'node', ['test/remote/prepare.mjs'])) process.exit(1);
  remoteServer = await startServerProcess('test/.cache/remote');
  process.env.GEOTENSOR_TEST_REMOTE = remoteServer.url;
  console.log(`\n# range server for remote tests at ${remoteServer.url}`);
}
process.on('exit', () => remoteServer?.child.kill());

const results = [...habits];
if (want('node')) results.push(['node', step('tests in Node', 'node', ['--enable-source-maps', '.test-build/node.js'])]);
if (want('deno')) {
  results.push([
    'deno',
    step('tests in Deno', 'node_modules/.bin/deno', [
      'run',
      '--allow-read',
      '--allow-env',
      '--allow-sys',
      '--allow-net=127.0.0.1',
      '--allow-write=.test-build',
      '.test-build/deno.js',
    ]),
  ]);
}
if (want('browser')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.log(`\n# tests in Chromium: ${chromium} not found. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`);
    results.push(['browser', false]);
  } else {
    results.push(['browser', step('tests in headless Chromium', 'node', ['test/runners/browser-host.mjs'])]);
  }
}
if (want('browser')) {
  // A page without COOP/COEP: no SharedArrayBuffer, so remote reads must go through the replay bridge.
  results.push(['browser (not isolated)', step('remote COG in a page that is not cross-origin isolated', 'node', ['test/runners/browser-nonisolated.mjs'])]);
}
if (want('docs')) {
  results.push(['docs', step('API reference (typedoc) is current', 'node', ['test/docs-current.mjs'])]);
}
if (want('cli')) {
  results.push(['cli', step('the geotensor command (dist/cli.js)', 'node', ['test/cli.test.mjs'])]);
}
if (want('geoparquet')) {
  results.push(['geoparquet', step('a million-row GeoParquet sample set against DuckDB (an independent reader and writer)', 'node', ['test/geoparquet-duckdb.mjs'])]);
}
if (want('package')) {
  results.push(['package', step('the package from npm pack, in a fresh project', 'node', ['test/package/run.mjs'])]);
}
if (want('bundlers')) {
  results.push(['bundlers', step('browser apps built with Vite (build and dev) and webpack, no configuration; a cross-origin import', 'node', ['test/bundlers/run.mjs'])]);
}
if (want('exit')) {
  results.push(['exit', step('Node and Deno exit after the last source is closed', 'node', ['test/exit/run.mjs'])]);
}
if (want('permission')) {
  results.push(['permission', step("Node's permission model and Deno's: allowed reads and workers, refused ones", 'node', ['test/permission/run.mjs'])]);
}
if (want('browser-example')) {
  // The browser example page in headless Chromium: the notebook flow, then a GeoTIFF chosen in the page.
  results.push([
    'browser example',
    step('browser example page (headless Chromium, screenshots)', 'node', ['examples/browser/build.mjs']) && step('', 'node', ['examples/browser/check.mjs']),
  ]);
}
if (want('notebook')) {
  // The Keras Spatial notebook, executed headlessly on Deno's Jupyter kernel.
  results.push(['notebook', step('notebook (deno jupyter, jupyter-client)', 'node', ['examples/notebook/run.mjs'])]);
}
if (want('edge')) {
  // The edge example in real workerd (npm package workerd): a remote COG sampled in-thread.
  results.push(['edge', step('edge example in workerd', 'node', ['examples/edge/run.mjs'])]);
}
if (want('bigtiff')) {
  // A >4 GiB BigTIFF written for the test, sampled in Node and Deno, then removed.
  const big = 'test/.cache/big/huge.tif';
  mkdirSync('test/.cache/big', { recursive: true });
  const ok = step('write a 4.1 GiB BigTIFF', 'node', ['test/bigtiff/make.mjs', big]);
  try {
    results.push(['bigtiff node', ok && step('>4 GiB BigTIFF in Node', 'node', ['test/bigtiff/check.mjs', big])]);
    results.push([
      'bigtiff deno',
      ok && step('>4 GiB BigTIFF in Deno', 'node_modules/.bin/deno', ['run', '--allow-read', '--allow-env', '--allow-sys', 'test/bigtiff/check.mjs', big]),
    ]);
  } finally {
    rmSync(big, { force: true });
  }
}
if (want('fuzz')) {
  // A short fuzz run (the long one: npm run fuzz, 10,000 mutations).
  results.push(['fuzz', step('fuzz (short: 500 mutated GeoTIFFs)', 'node', ['test/fuzz.mjs'], { FUZZ_N: '500' })]);
  results.push(['fuzz inputs', step('fuzz (short: 300 hostile VRTs, 300 GeoJSON sample files)', 'node', ['test/fuzz-inputs.mjs'], { FUZZ_N: '300' })]);
}
if (want('soak')) {
  // A short soak (the long one: npm run soak, 100,000 samples).
  results.push(['soak', step('soak (short: 5,000 samples)', 'node', ['test/soak.mjs'], { SOAK_N: '5000' })]);
}
if (want('examples')) {
  // The examples run as a user runs them; each must finish, report training and write its pictures.
  console.log('\n# examples (Node and Deno scripts)');
  const t0 = performance.now();
  let ok = 0;
  let bad = 0;
  const losses = [];
  for (const [name, cmd, args, dir] of [
    ['node', 'node', ['examples/node/keras-spatial-flow.mjs'], 'demo-output'],
    ['deno', 'node_modules/.bin/deno', ['run', '--allow-read', '--allow-write', '--allow-env', '--allow-sys', 'examples/deno/keras-spatial-flow.ts'], 'demo-output/deno'],
  ]) {
    const pictures = ['grid.png', 'watershed.png', 'dem-samples.png', 'label-samples.png', 'l7-composite.png', 'loss.png'];
    pictures.push('augmented-boxes.png', 'augmented-dem.png', 'augmented-waterways.png', 'waterway-predictions.png');
    for (const f of pictures) rmSync(`${dir}/${f}`, { force: true });
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, DEMO_EPOCHS: '1' } });
    const pngs = pictures.every((f) => existsSync(`${dir}/${f}`) && readFileSync(`${dir}/${f}`).subarray(1, 4).toString() === 'PNG');
    // Section 4: vector labels, minValid sampling, augmentation undone when writing back.
    const trained =
      /trained 1 epochs on \d+ aligned DEM\/label samples: loss \d/.test(r.stdout ?? '') &&
      /trained 1 epochs on 100 augmented DEM\/waterway samples: loss \d/.test(r.stdout ?? '') &&
      /[1-9]\d* of 200 random boxes are more than 10 % sea, 0 of 100 drawn with minValid: 0.9 \(least land 0\.9/.test(r.stdout ?? '') &&
      /writes back identical to the unaugmented one/.test(r.stdout ?? '');
    losses.push(
      `${
        /loss ([\d.]+), accuracy ([\d.]+)/
          .exec(r.stdout ?? '')
          ?.slice(1)
          .join(' ') ?? `none (${name})`
      }; ${/waterway samples: loss ([\d.]+)/.exec(r.stdout ?? '')?.[1] ?? 'none'}`,
    );
    if (r.status === 0 && pngs && trained) {
      ok++;
      console.log(`ok - examples/${name} ran, trained and wrote its pictures`);
    } else {
      bad++;
      console.log(`not ok - examples/${name} (exit ${r.status}, pictures ${pngs}, trained ${trained})\n${r.stdout}\n${r.stderr}`);
    }
  }
  // Batches into ONNX Runtime Web (Horn's slope as an ONNX graph), checked against native gdaldem slope.
  const onnx = spawnSync('node', ['examples/onnx/slope.mjs'], { encoding: 'utf8' });
  const onnxChecked = /against native gdaldem slope: [1-9]\d* pixels, max \|ONNX - gdaldem\| = /.test(onnx.stdout ?? '');
  if (onnx.status === 0 && (onnxChecked || !hasGdal)) {
    ok++;
    console.log(`ok - examples/onnx ran batches through ONNX Runtime Web${onnxChecked ? ', slopes equal to gdaldem' : ' (no native GDAL: not checked)'}`);
  } else {
    bad++;
    console.log(`not ok - examples/onnx (exit ${onnx.status})\n${onnx.stdout}\n${onnx.stderr}`);
  }
  // The model is seeded: Node and Deno print the same loss and accuracy (the README's numbers reproduce).
  if (losses[0] === losses[1]) {
    ok++;
    console.log(`ok - the seeded demo model gives the same loss and accuracy in Node and Deno (${losses[0]})`);
  } else {
    bad++;
    console.log(`not ok - the seeded demo model: Node ${losses[0]}, Deno ${losses[1]}`);
  }
  console.log(`examples: ${ok} passed, ${bad} failed`);
  console.log(`# (examples: ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  passed += ok;
  failedTests += bad;
  results.push(['examples', bad === 0]);
}
const failed = results.filter(([, ok]) => !ok).map(([r]) => r);
console.log(`\n# runtimes: ${results.map(([r, ok]) => `${r} ${ok ? 'passed' : 'FAILED'}`).join(', ')}`);
if (failed.length && failedTests === 0) failedTests = failed.length;
console.log(`total: ${passed} passed, ${failedTests} failed`);
process.exit(failed.length ? 1 : 0);
