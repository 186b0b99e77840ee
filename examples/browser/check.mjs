// Tests the browser example for real: headless Chromium (Debian's) opens the page from the static
// server, the notebook flow must finish with its pictures and a falling loss; then a GeoTIFF is
// chosen in the file input (as a user would) and must be sampled and trained on. Screenshots go to
// demo-output/browser-example.png and demo-output/browser-example-dropped.png.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startStaticServer } from '../../test/lib/static-server.mjs';

mkdirSync('demo-output', { recursive: true });
const server = await startStaticServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const checks = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  await page.goto(`${server.url}/examples/browser/`);
  await page.waitForFunction(() => window.__example?.runs >= 1, null, { timeout: 300_000 });
  let s = await page.evaluate(() => window.__example);
  checks.push(['the notebook flow ran without an error', !s.error, s.error ?? '']);
  checks.push(['its pictures are on the page', s.pictures >= 7, `${s.pictures} pictures`]);
  checks.push(['the training loss fell', Array.isArray(s.loss) && s.loss.at(-1) < s.loss[0], (s.loss ?? []).map((v) => v.toFixed(3)).join(' ')]);
  checks.push(['every picture decoded', await page.evaluate(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)), '']);
  await page.screenshot({ path: 'demo-output/browser-example.png', fullPage: true });
  await page.setInputFiles('#file', '../shared/data/L7_ETMs.tif');
  await page.waitForFunction(() => window.__example?.runs >= 2, null, { timeout: 300_000 });
  s = await page.evaluate(() => window.__example);
  const text = await page.textContent('#status');
  checks.push([
    'a chosen GeoTIFF is sampled: grid, samples and loss curve',
    !s.error && (await page.locator('#out img').count()) === 3 && /349×352, 6 band/.test(text),
    s.error ?? text.split('\n')[1] ?? '',
  ]);
  await page.screenshot({ path: 'demo-output/browser-example-dropped.png', fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
let failed = 0;
for (const [name, ok, note] of checks) {
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - browser example: ${name}${note ? ` (${note})` : ''}`);
}
console.log('screenshots: demo-output/browser-example.png, demo-output/browser-example-dropped.png');
console.log(`browser-example: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
