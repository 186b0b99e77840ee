// Samples the >4 GiB BigTIFF of make.mjs with geotensor anywhere in its extent (including tiles
// stored beyond byte 4 GiB) and checks every pixel against the formula; reports the process's peak
// RSS, which must stay far below the file's size. Runs in Node and in Deno (same file).
// Usage: node test/bigtiff/check.mjs FILE   |   deno run -A test/bigtiff/check.mjs FILE
import { statSync } from 'node:fs';
import process from 'node:process';
import { openRaster, SpatialDataGenerator, terminateEngine } from '../../dist/index.js';
import { ORIGIN, PIXEL, SIZE, TILE, value } from './make.mjs';

const file = process.argv[process.argv.length - 1];
const runtime = typeof Deno !== 'undefined' ? 'deno' : 'node';
const size = statSync(file).size;
let peak = 0;
const rss = () => (peak = Math.max(peak, process.memoryUsage().rss));
let failures = 0;
let checked = 0;
const fail = (msg) => {
  failures++;
  console.log(`not ok - ${msg}`);
};

const r = await openRaster(file);
if (r.meta.width !== SIZE || r.meta.height !== SIZE || r.meta.dtype !== 'uint16') fail(`meta: ${r.meta.width}x${r.meta.height} ${r.meta.dtype}`);
// Windows at native resolution: (row, col) of the top-left pixel, size n×n.
const windows = [
  [0, 0, 64],
  [SIZE / 2 - 40, SIZE / 2 - 40, 80], // across four tiles in the middle
  [SIZE - 300, SIZE - 300, 300], // the last tiles: stored beyond 4 GiB
  [SIZE - 64, 0, 64], // bottom-left: beyond 4 GiB too
  [TILE * 85 + 500, TILE * 3 + 7, 100],
];
for (const [row, col, n] of windows) {
  const bounds = [ORIGIN[0] + col * PIXEL, ORIGIN[1] - (row + n) * PIXEL, ORIGIN[0] + (col + n) * PIXEL, ORIGIN[1] - row * PIXEL];
  const w = await r.readWindow({ bounds, width: n, height: n, resampling: 'nearest' });
  let bad = 0;
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (w.data[y * n + x] !== value(row + y, col + x)) bad++;
  checked += n * n;
  const tileOffset = 4096 + (Math.floor(row / TILE) * (SIZE / TILE) + Math.floor(col / TILE)) * TILE * TILE * 2;
  if (bad) fail(`window at row ${row}, col ${col} (tile at byte ${tileOffset}): ${bad} of ${n * n} pixels wrong`);
  else console.log(`ok - window ${n}x${n} at row ${row}, col ${col} (tile at byte ${(tileOffset / 2 ** 30).toFixed(2)} GiB): every pixel right`);
  rss();
}
// A flow of random samples over the whole extent, 2 workers, resampled (the file is read where needed only).
const sdg = await SpatialDataGenerator.open(file);
const samples = sdg.randomGrid(2560, 2560, 200, { seed: 1 });
let n = 0;
for await (const b of sdg.flow(samples, 64, 64, { batchSize: 20 })) {
  n += b.shape[0];
  rss();
}
if (n !== 200) fail(`flow gave ${n} samples`);
else console.log(`ok - a flow of 200 random 64x64 samples over the whole extent`);
await sdg.close();
await r.close();
await terminateEngine();
rss();
const limit = 1.5 * 2 ** 30;
if (peak > limit) fail(`peak RSS ${(peak / 2 ** 20).toFixed(0)} MB is not far below the file (${(size / 2 ** 30).toFixed(2)} GiB)`);
else console.log(`ok - peak RSS ${(peak / 2 ** 20).toFixed(0)} MB while sampling a ${(size / 2 ** 30).toFixed(2)} GiB file`);
console.log(`(${checked} pixels checked)`);
console.log(`bigtiff-${runtime}: ${failures === 0 ? windows.length + 2 : 0} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
