// A cross-origin-isolated page in headless Chromium (Debian's) running bench/browser-entry.mjs,
// bundled by esbuild and served from 127.0.0.1 (test/lib/static-server.mjs), for the benches'
// Chromium rows: `inBenchPage(name, ...args)` calls `globalThis[name](...args)` there and returns
// its result. Null without /usr/bin/chromium.
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';

export async function inBenchPage(name, ...args) {
  if (!existsSync('/usr/bin/chromium')) return null;
  const { build } = await import('esbuild');
  await build({
    entryPoints: ['bench/browser-entry.mjs'],
    bundle: true,
    format: 'esm',
    outfile: 'bench/.cache/browser.js',
    platform: 'browser',
    external: ['node:*'],
    logLevel: 'error',
  });
  // The package's own worker and GDAL's files beside the bundle, where a bundler puts them.
  for (const f of ['engine.worker.js', 'gdal3WebAssembly.wasm', 'gdal3WebAssembly.data']) copyFileSync(`dist/${f}`, `bench/.cache/${f}`);
  writeFileSync('bench/.cache/index.html', '<!doctype html><script type="module" src="/bench/.cache/browser.js"></script>');
  const { chromium } = await import('playwright-core');
  const { startStaticServer } = await import('../test/lib/static-server.mjs');
  const server = await startStaticServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench/.cache/index.html`);
    await page.waitForFunction((n) => globalThis[n], name);
    return await page.evaluate(([n, a]) => globalThis[n](...a), [name, args]);
  } finally {
    await browser.close();
    await server.close();
  }
}
