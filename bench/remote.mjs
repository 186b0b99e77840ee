// W1 remote alone (`npm run bench:remote`): the W1 DEM as a COG on the loopback range server with
// 20 ms and 100 ms added per request, cold caches (geotensor's Node rows: the median of three cold passes): native GDAL /vsicurl/ (rasterio, its
// process start excluded), geotensor with tile prefetching (default) and without it
// (remote.prefetchRequests: 0), the 20 ms rows in Deno and Chromium too, and the same workload from the local COG — geotensor's workers
// started first (a flow over another file), so every row times reads. Updates its block in
// bench/RESULTS.md. `npm run bench` has the 20 ms rows too.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { publishRows } from './results-block.mjs';
import { promisify } from 'node:util';
import { startServerProcess } from '../test/remote/server-process.mjs';
import { w1remote } from './w1.mjs';
import { inBenchPage } from './browser-page.mjs';

const cache = 'bench/.cache';
const py = '/usr/bin/python3';

/** The run of three with the median samples per second. */
async function medianOf3(run) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await run());
  return runs.sort((a, b) => a.samplesPerSecond - b.samplesPerSecond)[1];
}

export async function remoteRows(lib, latencies = [20, 100]) {
  mkdirSync(cache, { recursive: true });
  const w1 = `${cache}/w1.tif`;
  if (!existsSync(w1)) execFileSync(py, ['bench/baseline.py', 'make', w1]);
  const cog = `${cache}/w1-cog.tif`;
  if (!existsSync(cog)) execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', w1, cog]);
  const cores = os.availableParallelism?.() ?? 2;
  const rows = [];
  const warm = '../shared/data/elev.tif';
  // A pass is 323 samples (under a second): each geotensor row is the median of three cold passes.
  const local = await medianOf3(() => w1remote(lib, cog, { workers: cores }, {}, warm));
  rows.push([`W1 from the local COG, geotensor, Node, ${cores} workers, one pass (workers started; median of 3)`, local.samplesPerSecond, 'samples/s', '']);
  const server = await startServerProcess(cache);
  let native20 = 0;
  try {
    for (const ms of latencies) {
      const url = `${server.url}/lat-${ms}/w1-cog.tif`;
      const served = async () => (await (await fetch(`${server.url}/__stats`)).json()).byPath[`/lat-${ms}/w1-cog.tif`];
      await fetch(`${server.url}/__reset`);
      const { stdout } = await promisify(execFile)(py, ['bench/baseline.py', 'remote', url]);
      const native = JSON.parse(stdout);
      if (ms === 20) native20 = native.samples_per_s;
      const ns = await served();
      rows.push([
        `W1 remote (COG, ${ms} ms latency) native GDAL /vsicurl/ in-process, cold`,
        native.samples_per_s,
        'samples/s',
        `(${(ns.bytes / native.samples / 1024).toFixed(0)} KiB and ${(ns.requests / native.samples).toFixed(2)} requests per sample)`,
      ]);
      for (const [name, remote] of [
        ['with tile prefetch', {}],
        ['without prefetch', { prefetchRequests: 0 }],
      ]) {
        const r = await medianOf3(async () => {
          await fetch(`${server.url}/__reset`);
          const one = await w1remote(lib, url, { workers: cores }, remote, warm);
          return { ...one, served: await served() };
        });
        const s = r.served;
        rows.push([
          `W1 remote (COG, ${ms} ms latency) geotensor ${name}, Node, ${cores} workers, cold cache (workers started; median of 3 passes)`,
          r.samplesPerSecond,
          'samples/s',
          `(${(r.samplesPerSecond / native.samples_per_s).toFixed(2)}x native, ${(r.samplesPerSecond / local.samplesPerSecond).toFixed(2)}x local; ${(s.bytes / r.samples / 1024).toFixed(0)} KiB and ${(s.requests / r.samples).toFixed(2)} requests per sample)`,
        ]);
      }
    }
    // W1 remote at 20 ms in Deno and in a Chromium page (cross-origin isolated: the blocking bridge), against the same native run.
    const url20 = `${server.url}/lat-20/w1-cog.tif`;
    for (const [runtime, run] of [
      ['Deno', () => denoRemote(url20, cores)],
      ['Chromium', () => inBenchPage('runW1Remote', url20, cores)],
    ]) {
      try {
        await fetch(`${server.url}/__reset`);
        const r = await run();
        if (!r) continue;
        rows.push([
          `W1 remote (COG, 20 ms latency) geotensor with tile prefetch, ${runtime}, ${cores} workers, cold cache (workers started)`,
          r.samplesPerSecond,
          'samples/s',
          `(${(r.samplesPerSecond / native20).toFixed(2)}x native, ${(r.samplesPerSecond / local.samplesPerSecond).toFixed(2)}x Node's local)`,
        ]);
      } catch (e) {
        console.log(`${runtime} W1 remote failed: ${e.message}`);
      }
    }
    // Opening 32 remote files as one mosaic (20 ms latency): probes 16 at a time.
    const urls = Array.from({ length: 32 }, (_, k) => `${server.url}/lat-20/w1-cog.tif?copy=${k}`);
    const { stdout } = await promisify(execFile)(py, ['bench/baseline.py', 'open-many', ...urls]);
    const nativeOpen = JSON.parse(stdout);
    rows.push(['open 32 remote COGs (20 ms latency), native GDAL /vsicurl/, one after another', nativeOpen.ms, 'ms', '']);
    await lib.configureEngine({ workers: cores });
    const started = await lib.openRaster(warm); // the engine started before timing, as native's process is
    await started.close();
    const t0 = performance.now();
    const m = await lib.openRaster(urls);
    const openMs = performance.now() - t0;
    await m.close();
    await lib.terminateEngine();
    rows.push([
      'open 32 remote COGs (20 ms latency) as one mosaic, geotensor',
      openMs,
      'ms',
      `(${(openMs / nativeOpen.ms).toFixed(2)}x native's time: the probes run 16 at a time, the workers still open the files one by one)`,
    ]);
  } finally {
    await server.close();
  }
  return rows;
}

/** W1 remote in Deno (npm's deno), as a separate process. */
async function denoRemote(url, cores) {
  const { stdout } = await promisify(execFile)(
    'node_modules/.bin/deno',
    ['run', '--allow-read', '--allow-env', '--allow-sys', '--allow-net', 'bench/deno-remote.mjs', url, String(cores)],
    {
      maxBuffer: 1 << 24,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop());
}

async function main() {
  const lib = await import('../dist/index.js');
  const rows = await remoteRows(lib);
  publishRows(
    'remote',
    'Remote reads with tile prefetch (W1 remote)',
    `W1 remote alone (\`npm run bench:remote\`)`,
    `every row in the same run, the range server in a process of its own`,
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
