// Runs the edge example for real: builds the worker, starts workerd (npm package `workerd`) and a
// range server on 127.0.0.1 serving a COG, asks the worker for a sample of it, and checks the answer
// against the same reads done by geotensor in Node; once as is and once with the nodejs_compat flag
// (what wrangler recommends). Usage: node examples/edge/run.mjs [COG_DIR FILE]
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { openRaster, terminateEngine } from '../../dist/index.js';
import { startRangeServer } from '../../test/remote/server.mjs';

const dir = process.argv[2] ?? 'test/.cache/remote';
const file = process.argv[3] ?? 'big.tif';
const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
let failed = 0;
let passed = 0;
for (const compat of [false, true]) {
  const label = compat ? 'edge (nodejs_compat)' : 'edge';
  const port = await freePort();
  const b = spawnSync('node', ['examples/edge/build.mjs', String(port), ...(compat ? ['--nodejs-compat'] : [])], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  const server = await startRangeServer({ dir });
  const workerd = spawn(resolve('node_modules/.bin/workerd'), ['serve', 'config.capnp'], { cwd: 'examples/edge/.build', stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const src = `${server.url}/lat-5/${file}`;
    let res;
    for (let i = 0; i < 100; i++) {
      try {
        res = await fetch(`http://127.0.0.1:${port}/?src=${encodeURIComponent(src)}&size=64`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200)); // workerd still starting
      }
    }
    if (!res) throw new Error('workerd did not answer');
    const edge = await res.json();
    console.log(`workerd${compat ? ' (nodejs_compat)' : ''} answered in ${edge.ms} ms: ${JSON.stringify(edge)}`);
    // The same reads in Node.
    const r = await openRaster(`${server.url}/ok/${file}`);
    const [minx, miny, maxx, maxy] = r.meta.bounds;
    const cx = (minx + maxx) / 2,
      cy = (miny + maxy) / 2,
      dx = (maxx - minx) / 10,
      dy = (maxy - miny) / 10;
    const hash = (a) => {
      let h = 0x811c9dc5;
      for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
      return h;
    };
    const sample = await r.readWindow({ bounds: [cx - dx, cy - dy, cx + dx, cy + dy], width: 64, height: 64 });
    const overview = await r.readWindow({ bounds: r.meta.bounds, width: 64, height: 64 });
    await r.close();
    const checks = [
      ['runtime is workerd', /Cloudflare-Workers/.test(edge.runtime ?? '')],
      ['size and bands', edge.width === r.meta.width && edge.height === r.meta.height && edge.count === r.meta.count],
      ['the sample equals Node, pixel for pixel', edge.sample?.hash === hash(sample.data)],
      ['the overview equals Node, pixel for pixel', edge.overview?.hash === hash(overview.data)],
      ['fetched a small part of the file', edge.fetched && edge.fetched.bytesFetched < edge.fetched.size * 0.01],
    ];
    for (const [name, ok] of checks) {
      console.log(`${ok ? 'ok' : 'not ok'} - ${label}: ${name}`);
      if (ok) passed++;
      else failed++;
    }
  } finally {
    workerd.kill();
    await server.close();
  }
}
await terminateEngine();
console.log(`edge: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
