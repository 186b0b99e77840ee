// Runs test/runners/nonisolated.ts in headless Chromium from a server that sends no COOP/COEP.
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../lib/static-server.mjs';

await build({
  entryPoints: ['test/runners/nonisolated.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: '.test-build/nonisolated.js',
  external: ['node:*'],
  logLevel: 'error',
});
writeFileSync('.test-build/nonisolated.html', '<!doctype html><meta charset="utf-8"><script type="module" src="/.test-build/nonisolated.js"></script>');
const server = await startStaticServer({ isolated: false });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
let failed = 0;
let checks = [];
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  await page.goto(`${server.url}/.test-build/nonisolated.html?remote=${encodeURIComponent(process.env.GEOTENSOR_TEST_REMOTE ?? '')}`);
  await page.waitForFunction(() => window.__nonisolated, null, { timeout: 300_000 });
  checks = (await page.evaluate(() => window.__nonisolated)).checks;
} finally {
  await browser.close();
  await server.close();
}
for (const [name, ok, note] of checks) {
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - non-isolated page: ${name}${note ? ` (${note})` : ''}`);
}
console.log(`browser-nonisolated: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed || checks.length === 0 ? 1 : 0);
