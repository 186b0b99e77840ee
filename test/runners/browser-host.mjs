// Runs the browser test bundle in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), prints what the page prints, and exits non-zero if any test failed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../lib/static-server.mjs';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const timeoutMs = Number(process.env.BROWSER_TEST_TIMEOUT_MS ?? 600_000);
mkdirSync('.test-build', { recursive: true });
writeFileSync(
  '.test-build/index.html',
  '<!doctype html><meta charset="utf-8"><title>geotensor tests</title><script type="module" src="/.test-build/browser.js"></script><body>geotensor tests</body>',
);

const server = await startStaticServer();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ],
});
let exitCode = 1;
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (!/Failed to load resource/.test(m.text())) console.log(m.text());
  });
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) console.log(`HTTP ${r.status()} ${r.url()}`);
  });
  const q = new URLSearchParams();
  if (process.env.TEST_FILTER) q.set('filter', process.env.TEST_FILTER);
  if (process.env.GEOTENSOR_TEST_REMOTE) q.set('remote', process.env.GEOTENSOR_TEST_REMOTE);
  await page.goto(`${server.url}/.test-build/index.html?${q}`);
  await page.waitForFunction(() => window.__testsDone, null, { timeout: timeoutMs, polling: 250 });
  const done = await page.evaluate(() => window.__testsDone);
  exitCode = done.failed === 0 && done.passed > 0 ? 0 : 1;
} catch (e) {
  console.log(`not ok - browser run: ${e.message}`);
} finally {
  await browser.close();
  await server.close();
}
process.exit(exitCode);
