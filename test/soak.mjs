// `npm run soak` (SOAK_N samples, default 100,000) through the default pool: after warm-up (the first
// 1,000 samples) process RSS and every worker's WebAssembly memory stay flat, and no file descriptor,
// virtual file or dataset is left behind after close(). Ends with "soak: N passed, N failed".
import { readdirSync } from 'node:fs';
import { configureEngine, defaultEngine, SpatialDataGenerator, terminateEngine } from '../dist/index.js';
import { workerStats } from '../dist/testing.js';

const N = Number(process.env.SOAK_N ?? 100000);
const fds = () => readdirSync('/proc/self/fd').length;
const mb = (b) => (b / 2 ** 20).toFixed(0);
await configureEngine({});
{
  // Warm-up cycle: Node opens some descriptors once per process (libuv, worker plumbing).
  const w = await SpatialDataGenerator.open('../shared/data/L7_ETMs.tif');
  for await (const _ of w.flow(w.randomGrid(600, 600, 8, { seed: 2 }), 8, 8)); // eslint-disable-line no-unused-vars
  await w.close();
  await terminateEngine();
}
const fdStart = fds();
const sdg = await SpatialDataGenerator.open('../shared/data/L7_ETMs.tif', { resampling: 'bilinear', indexes: [1, 2, 3] });
const samples = sdg.randomGrid(600, 600, 1000, { seed: 1 });
const stats = () => workerStats(defaultEngine());
let done = 0;
let peak = 0;
let warm = null;
const t0 = performance.now();
while (done < N) {
  for await (const b of sdg.flow(samples.take(Math.min(1000, N - done)), 64, 64, { batchSize: 50 })) {
    done += b.shape[0];
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  if (!warm) warm = { rss: process.memoryUsage.rss(), wasm: (await stats()).map((s) => s.wasmMemoryBytes) };
}
const end = { rss: process.memoryUsage.rss(), wasm: (await stats()).map((s) => s.wasmMemoryBytes), stats: await stats() };
await sdg.close();
const closed = await stats();
await terminateEngine();
const fdEnd = fds();
const secs = (performance.now() - t0) / 1000;
const checks = [
  ['RSS growth after warm-up < 64 MB', end.rss - warm.rss < 64 * 2 ** 20, `${mb(warm.rss)} MB -> ${mb(end.rss)} MB`],
  ['peak RSS < 1.5 GB', peak < 1.5 * 2 ** 30, `${mb(peak)} MB`],
  ['WebAssembly memory flat after warm-up', end.wasm.every((v, i) => v === warm.wasm[i]), `${warm.wasm.map(mb)} -> ${end.wasm.map(mb)} MB`],
  [
    'one virtual file and dataset per worker while open',
    end.stats.every((s) => s.virtualFiles === 1 && s.openDatasets === 1),
    JSON.stringify(end.stats.map((s) => [s.virtualFiles, s.openDatasets])),
  ],
  ['none after close()', closed.every((s) => s.virtualFiles === 0 && s.openDatasets === 0), JSON.stringify(closed.map((s) => [s.virtualFiles, s.openDatasets]))],
  ['file descriptors back to the start after terminate', fdEnd <= fdStart, `${fdStart} -> ${fdEnd}`],
];
console.log(`soaked ${done} samples (64x64x3, bilinear) in ${secs.toFixed(1)} s = ${(done / secs).toFixed(0)} samples/s with ${end.wasm.length} workers`);
for (const [name, ok, detail] of checks) console.log(`${ok ? 'ok' : 'not ok'} - ${name}: ${detail}`);
const failed = checks.filter((c) => !c[1]).length;
console.log(`soak: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
