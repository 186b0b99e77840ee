// geotensor in a browser app made with a bundler, with no configuration at all: the tarball of
// `npm pack` installed in a fresh Vite project (vite from npm), `vite build` with no config file,
// the built site served over loopback and opened in headless Chromium, which reads a window of a
// GeoTIFF; then the same page from Vite's dev server, webpack 5 and Rollup builds, and a page that
// imports geotensor from another origin (as from a CDN or a notebook's module server). Each page must show the same pixels as Node
// reads, within a time limit that only a hang exceeds. Ends with "bundlers: N passed, N failed".
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../lib/static-server.mjs';
import { checks } from '../lib/checks.mjs';

const root = process.cwd();
const work = resolve('.test-build/bundlers');
const elev = resolve('../shared/data/elev.tif');
const PAGE_MS = 180_000; // generous: a hang is what it catches, not slowness
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const { check, end } = checks('bundlers');

// What Node reads: the reference for every page.
const lib = await import(join(root, 'dist/index.js'));
const ref = await (async () => {
  const r = await lib.openRaster(elev);
  const w = await r.readWindow({ bounds: r.meta.bounds, width: 19, height: 18 });
  await r.close();
  return { n: w.data.length, sum: Array.from(w.data).reduce((a, b) => a + b, 0) };
})();
await lib.terminateEngine();

const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' }))[0];
const tarball = `${work}/${packed.filename}`;

// The page: fetch a GeoTIFF, read one window, show the result (or the error).
const mainJs = `import { openRaster } from 'geotensor';
const out = document.getElementById('out');
try {
  const bytes = await (await fetch('./elev.tif')).arrayBuffer();
  const r = await openRaster(new Blob([bytes]), { name: 'elev.tif' });
  const w = await r.readWindow({ bounds: r.meta.bounds, width: 19, height: 18 });
  await r.close();
  // GDAL compiled once by the page (runtime/compiled-gdal.ts): the page itself fetched the module the
  // bundler emitted (its only .wasm; webpack names it by its hash alone).
  const pageFetchedWasm = performance.getEntriesByType('resource').some((e) => /\\.wasm(\\?|$)/.test(e.name));
  out.textContent = JSON.stringify({ n: w.data.length, sum: Array.from(w.data).reduce((a, b) => a + b, 0), pageFetchedWasm });
} catch (e) {
  out.textContent = JSON.stringify({ error: e.name + ': ' + e.message });
}
`;
const app = `${work}/vite-app`;
mkdirSync(`${app}/public`, { recursive: true });
writeFileSync(`${app}/package.json`, JSON.stringify({ name: 'vite-app', private: true, type: 'module' }));
writeFileSync(`${app}/index.html`, '<!doctype html><html><body><pre id="out">running</pre><script type="module" src="/main.js"></script></body></html>');
writeFileSync(`${app}/main.js`, mainJs);
copyFileSync(elev, `${app}/public/elev.tif`);
const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, 'vite@8'], {
  cwd: app,
  encoding: 'utf8',
  timeout: 600_000,
});
check('a fresh Vite project installs the tarball and vite', install.status === 0, install.stderr);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
async function readPage(url) {
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: PAGE_MS });
    return { result: JSON.parse(await page.textContent('#out')), logs };
  } catch (e) {
    return { result: { error: `no result: ${e.message}` }, logs };
  } finally {
    await page.close();
  }
}
const same = (r) => r.n === ref.n && r.sum === ref.sum && r.pageFetchedWasm === true;
/** Serves a built site over loopback and checks that its page reads the window Node reads. */
async function checkSite(dir, what) {
  const site = await startStaticServer({ root: dir, mounts: {}, isolated: false });
  try {
    const { result, logs } = await readPage(`${site.url}/index.html`);
    check(`${what} reads a window in Chromium, the same pixels as Node, GDAL compiled by the page`, same(result), JSON.stringify(result) + logs.join('\n'));
  } finally {
    await site.close();
  }
}

try {
  // 1. vite build, no configuration.
  const build = spawnSync(join(app, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], { cwd: app, encoding: 'utf8', timeout: 600_000 });
  const assets = existsSync(`${app}/dist/assets`) ? readdirSync(`${app}/dist/assets`) : [];
  check(
    `vite build with no config emits the worker and GDAL's assets (${assets.filter((f) => /engine\.worker|gdal3WebAssembly/.test(f)).join(', ')})`,
    build.status === 0 && assets.some((f) => /^engine\.worker.*\.js$/.test(f)) && assets.some((f) => /\.wasm$/.test(f)) && assets.some((f) => /\.data$/.test(f)),
    build.stdout + build.stderr + assets.join(' '),
  );
  await checkSite(`${app}/dist`, 'the Vite build');

  // 2. vite dev server, no configuration.
  const dev = spawn(join(app, 'node_modules/.bin/vite'), ['--port', '0', '--strictPort', 'false', '--host', '127.0.0.1'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const devUrl = await new Promise((ok, fail) => {
      let text = '';
      const t = setTimeout(() => fail(new Error(`vite dev did not start: ${text}`)), 120_000);
      const on = (d) => {
        text += String(d);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: vite colours its output (ANSI escapes)
        const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(text.replace(/\x1b\[[0-9;]*m/g, ''));
        if (m) {
          clearTimeout(t);
          ok(m[1]);
        }
      };
      dev.stdout.on('data', on);
      dev.stderr.on('data', on);
    });
    const { result, logs } = await readPage(`${devUrl}/`);
    check('the Vite dev server reads a window in Chromium, the same pixels as Node, GDAL compiled by the page', same(result), JSON.stringify(result) + logs.join('\n'));
  } catch (e) {
    check('the Vite dev server reads a window in Chromium, the same pixels as Node, GDAL compiled by the page', false, e.message);
  } finally {
    dev.kill();
  }

  // 3. webpack 5, no configuration (entry src/index.js, output dist/main.js).
  const wp = `${work}/webpack-app`;
  mkdirSync(`${wp}/src`, { recursive: true });
  mkdirSync(`${wp}/dist`, { recursive: true });
  writeFileSync(`${wp}/package.json`, JSON.stringify({ name: 'webpack-app', private: true }));
  writeFileSync(`${wp}/src/index.js`, mainJs);
  writeFileSync(`${wp}/dist/index.html`, '<!doctype html><html><body><pre id="out">running</pre><script src="./main.js"></script></body></html>');
  copyFileSync(elev, `${wp}/dist/elev.tif`);
  const wpInstall = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, 'webpack@5', 'webpack-cli@6'], {
    cwd: wp,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const wpBuild = wpInstall.status === 0 ? spawnSync(join(wp, 'node_modules/.bin/webpack'), ['--mode', 'production'], { cwd: wp, encoding: 'utf8', timeout: 600_000 }) : wpInstall;
  const wpFiles = existsSync(`${wp}/dist`) ? readdirSync(`${wp}/dist`) : [];
  check(
    `webpack with no config emits the worker and GDAL's assets (${wpFiles.length} files)`,
    wpBuild.status === 0 && wpFiles.some((f) => /\.wasm$/.test(f)),
    wpBuild.stdout.slice(-1500) + wpBuild.stderr,
  );
  await checkSite(`${wp}/dist`, 'the webpack build');

  // 4. Rollup with the plugins every Rollup app for the browser has (resolve, CommonJS, and
  // import-meta-assets for new URL(…, import.meta.url) files) and nothing about geotensor.
  const ru = `${work}/rollup-app`;
  mkdirSync(`${ru}/dist`, { recursive: true });
  writeFileSync(`${ru}/package.json`, JSON.stringify({ name: 'rollup-app', private: true, type: 'module' }));
  writeFileSync(`${ru}/main.js`, mainJs);
  writeFileSync(
    `${ru}/rollup.config.mjs`,
    `import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';
export default { input: 'main.js', output: { dir: 'dist', format: 'es' }, plugins: [nodeResolve({ browser: true }), commonjs(), importMetaAssets()] };
`,
  );
  writeFileSync(`${ru}/dist/index.html`, '<!doctype html><html><body><pre id="out">running</pre><script type="module" src="./main.js"></script></body></html>');
  copyFileSync(elev, `${ru}/dist/elev.tif`);
  const ruInstall = spawnSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      tarball,
      'rollup@4',
      '@rollup/plugin-node-resolve@16',
      '@rollup/plugin-commonjs@29',
      '@web/rollup-plugin-import-meta-assets@2',
    ],
    { cwd: ru, encoding: 'utf8', timeout: 600_000 },
  );
  const ruBuild = ruInstall.status === 0 ? spawnSync(join(ru, 'node_modules/.bin/rollup'), ['-c', '--silent'], { cwd: ru, encoding: 'utf8', timeout: 600_000 }) : ruInstall;
  const ruFiles = existsSync(`${ru}/dist/assets`) ? readdirSync(`${ru}/dist/assets`) : [];
  check(
    `rollup (resolve, commonjs, import-meta-assets) emits the worker and GDAL's assets (${ruFiles.join(', ')})`,
    ruBuild.status === 0 && ruFiles.some((f) => /\.wasm$/.test(f)) && ruFiles.some((f) => /\.data$/.test(f)) && ruFiles.some((f) => /^engine\.worker/.test(f)),
    `${ruBuild.stdout ?? ''}${ruBuild.stderr ?? ''}`.slice(-1500),
  );
  await checkSite(`${ru}/dist`, 'the Rollup build');

  // 5. A page importing geotensor's dist from another origin (a CDN, a notebook's module server).
  const cdnRoot = `${work}/cdn`;
  cpSync(`${app}/node_modules/geotensor/dist`, `${cdnRoot}/geotensor`, { recursive: true });
  const cdn = await startStaticServer({ root: cdnRoot, mounts: {}, isolated: false, cors: true });
  const pageRoot = `${work}/page`;
  mkdirSync(pageRoot, { recursive: true });
  copyFileSync(elev, `${pageRoot}/elev.tif`);
  // The core's own dependencies come from the page's import map (as esm.sh or a notebook would give them): here, one bundle of geotensor.
  const { build: esbuild } = await import(join(root, 'node_modules/esbuild/lib/main.js'));
  await esbuild({
    entryPoints: [`${app}/node_modules/geotensor/dist/index.js`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: `${cdnRoot}/geotensor/bundle.js`,
    logLevel: 'error',
  });
  writeFileSync(`${pageRoot}/main.js`, mainJs.replace("from 'geotensor'", `from '${cdn.url}/geotensor/bundle.js'`));
  writeFileSync(`${pageRoot}/index.html`, '<!doctype html><html><body><pre id="out">running</pre><script type="module" src="./main.js"></script></body></html>');
  const page = await startStaticServer({ root: pageRoot, mounts: {}, isolated: false });
  try {
    const { result, logs } = await readPage(`${page.url}/index.html`);
    check(
      'a page importing geotensor from another origin reads a window (worker started through a blob: module, GDAL compiled by the page)',
      same(result),
      JSON.stringify(result) + logs.join('\n'),
    );
  } finally {
    await page.close();
    await cdn.close();
  }
} finally {
  await browser.close();
}
end();
