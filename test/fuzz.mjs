// `npm run fuzz` (FUZZ_N mutations, default 10,000): mutated GeoTIFFs derived from the real rasters of
// ../shared/data — bit flips, truncations, TIFF tag edits, overwritten runs — each opened and sampled.
// Every outcome must be a success or a GeotensorError: no other exception, no crash, no hang (each
// mutation is bounded by a timeout). Ends with "fuzz: N passed, N failed".
import { readFileSync } from 'node:fs';
import { createRng, EnginePool, GeotensorError, openRaster } from '../dist/index.js';

const N = Number(process.env.FUZZ_N ?? 10000);
const SEED = process.env.FUZZ_SEED ?? 'geotensor-fuzz';
const PER_CASE_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 30000);
const files = ['elev.tif', 'L7_ETMs.tif', 'lc.tif', 'na.tif', 'keras_spatial_small.tif', 'olinda_dem_utm25s.tif'].map((f) => ({
  name: f,
  bytes: new Uint8Array(readFileSync(`../shared/data/${f}`)),
}));
const rng = createRng(SEED);
const pool = new EnginePool({ workers: Number(process.env.FUZZ_WORKERS ?? 2), callTimeoutMs: 10000 });

function ifdEntries(b) {
  // little- or big-endian classic TIFF: header, first IFD offset, entry count, 12-byte entries
  const le = b[0] === 0x49;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 8) return [];
  const off = dv.getUint32(4, le);
  if (off + 2 > b.length) return [];
  const n = dv.getUint16(off, le);
  return Array.from({ length: Math.min(n, 64) }, (_, i) => off + 2 + i * 12).filter((p) => p + 12 <= b.length);
}

function mutate(src) {
  const b = src.slice();
  const kind = ['flip', 'truncate', 'tag', 'run', 'flip+tag'][rng.int(5)];
  if (kind.includes('flip')) for (let k = 1 + rng.int(20); k > 0; k--) b[rng.int(b.length)] ^= 1 << rng.int(8);
  if (kind.includes('tag')) {
    const entries = ifdEntries(b);
    for (let k = 1 + rng.int(3); k > 0 && entries.length; k--) {
      const p = entries[rng.int(entries.length)];
      const field = [2, 4, 8][rng.int(3)]; // type, count, value/offset
      for (let j = 0; j < (field === 2 ? 2 : 4); j++) b[p + field + j] = rng.int(256);
    }
  }
  if (kind === 'run') {
    const start = rng.int(b.length);
    b.fill(rng.int(256), start, Math.min(b.length, start + 1 + rng.int(4096)));
  }
  if (kind === 'truncate') return { kind, bytes: b.subarray(0, rng.int(b.length)) };
  return { kind, bytes: b };
}

const outcomes = new Map();
const examples = new Map();
const count = (k, msg) => {
  outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  if (msg && !examples.has(k)) examples.set(k, msg.slice(0, 160));
};
let failed = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const f = files[rng.int(files.length)];
  const { kind, bytes } = mutate(f.bytes);
  const label = `#${i} ${kind} ${f.name}`;
  let timer;
  const work = (async () => {
    const r = await openRaster(bytes, { engine: pool, name: `fuzz-${i}.tif` });
    try {
      const m = r.meta;
      if (m.bounds && m.crs) {
        const [x0, y0, x1, y1] = m.bounds;
        const w = (x1 - x0) / 2;
        const h = (y1 - y0) / 2;
        if (Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0) {
          await r.readWindow({ bounds: [x0 + w / 2, y0 + h / 2, x0 + w * 1.5, y0 + h * 1.5], width: 16, height: 16, resampling: ['nearest', 'bilinear', 'cubic'][i % 3] });
        }
      }
    } finally {
      await r.close();
    }
  })();
  try {
    await Promise.race([work, new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`HANG: no answer in ${PER_CASE_MS} ms`)), PER_CASE_MS)))]);
    count('ok');
  } catch (e) {
    if (e instanceof GeotensorError) {
      const why = e.details.fatal
        ? ' (GDAL aborted in WASM; worker replaced)'
        : /longer than/.test(e.message)
          ? ' (call over the time limit; worker killed and replaced)'
          : /died/.test(e.message)
            ? ' (worker died; replaced)'
            : '';
      count(`${e.name}/${e.code}${why}`, e.message);
    } else {
      failed++;
      count('NOT A GeotensorError');
      console.log(`not ok - ${label}: ${e?.stack ?? e}`);
    }
  } finally {
    clearTimeout(timer);
  }
  if ((i + 1) % 1000 === 0) console.log(`  ${i + 1}/${N} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
await pool.terminate();
console.log(`\nmutations: ${N} in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED})`);
for (const [k, v] of [...outcomes.entries()].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(v).padStart(6)}  ${k}${examples.has(k) ? `\n          e.g. ${examples.get(k)}` : ''}`);
console.log(`fuzz: ${N - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
