// STAC (`npm run bench:stac`): a static catalog of 2 dates × 4 assets made from the W1 DEM (one COG
// per asset: B1 at W1's pixel, B2 at 2×, B3 at 4×, B4 reprojected to EPSG:26916 at 30 m; the second
// date's values rescaled), served by the loopback range server with 20 ms added per request. 500
// random boxes of 128 W1 pixels, read at 128×128 float32 bilinear, every asset of both dates:
// geotensor flows them as [batch, 2, 128, 128, 4] from the catalog URL (time: { steps: 2 }); native
// GDAL (rasterio, /vsicurl/) opens the 8 COGs and warps each box from each. Cold, same run; requests
// counted by the server. Updates its block in bench/RESULTS.md.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { startServerProcess } from '../test/remote/server-process.mjs';
import { publishRows } from './results-block.mjs';

const cache = 'bench/.cache';
const dir = `${cache}/stac-bench`;
const SAMPLES = 500;
const ASSETS = ['B1', 'B2', 'B3', 'B4'];
const DATES = [
  ['d1', '2024-06-01T10:00:00Z', []],
  ['d2', '2024-07-01T10:00:00Z', ['-scale', '0', '1000', '1000', '0']],
];
const py = '/usr/bin/python3';

function makeCatalog() {
  const w1 = `${cache}/w1.tif`;
  if (!existsSync(w1)) execFileSync(py, ['bench/baseline.py', 'make', w1]);
  mkdirSync(`${dir}/assets`, { recursive: true });
  mkdirSync(`${dir}/items`, { recursive: true });
  const q = ['-q', '--config', 'GDAL_PAM_ENABLED', 'NO'];
  const cog = ['-of', 'COG', '-co', 'BLOCKSIZE=256', '-co', 'COMPRESS=DEFLATE'];
  for (const [id, datetime, scale] of DATES) {
    const base = `${dir}/assets/${id}-base.tif`;
    if (!existsSync(base)) execFileSync('gdal_translate', [...q, '-ot', 'Float32', ...scale, w1, base]);
    for (const a of ASSETS) {
      const out = `${dir}/assets/${id}-${a}.tif`;
      if (existsSync(out)) continue;
      const tmp = `${dir}/assets/${id}-${a}-tmp.tif`;
      if (a === 'B1') execFileSync('gdal_translate', [...q, ...cog, base, `${out}.part`]);
      else {
        const warp =
          a === 'B4'
            ? ['-t_srs', 'EPSG:26916', '-tr', '30', '30', '-r', 'bilinear']
            : ['-tr', String(48.96 * (a === 'B2' ? 2 : 4)), String(42.5675 * (a === 'B2' ? 2 : 4)), '-r', 'average'];
        execFileSync('gdalwarp', [...q, '-overwrite', ...warp, base, tmp]);
        execFileSync('gdal_translate', [...q, ...cog, tmp, `${out}.part`]);
        execFileSync('rm', ['-f', tmp]);
      }
      renameSync(`${out}.part`, out);
    }
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', `${dir}/assets/${id}-B1.tif`], { encoding: 'utf8' }));
    const ring = info.wgs84Extent.coordinates[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const item = {
      type: 'Feature',
      stac_version: '1.0.0',
      id,
      bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      geometry: info.wgs84Extent,
      properties: { datetime },
      assets: Object.fromEntries(ASSETS.map((a) => [a, { href: `../assets/${id}-${a}.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized' }])),
      links: [],
    };
    writeFileSync(`${dir}/items/${id}.json`, JSON.stringify(item));
  }
  writeFileSync(
    `${dir}/catalog.json`,
    JSON.stringify({
      type: 'Catalog',
      stac_version: '1.0.0',
      id: 'bench',
      description: 'W1, 2 dates x 4 assets',
      links: DATES.map(([id]) => ({ rel: 'item', href: `./items/${id}.json` })),
    }),
  );
}

export async function stacRows(lib) {
  makeCatalog();
  const cores = os.availableParallelism?.() ?? 2;
  const server = await startServerProcess(dir);
  const rows = [];
  try {
    const base = `${server.url}/lat-20`;
    const served = async () => {
      const s = (await (await fetch(`${server.url}/__stats`)).json()).byPath;
      return Object.values(s).reduce((a, b) => ({ requests: a.requests + b.requests, bytes: a.bytes + b.bytes }), { requests: 0, bytes: 0 });
    };
    // Random boxes of 128 W1 pixels inside W1 (seeded), in W1's CRS.
    let seed = 5;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const [x0, y1, px, py_] = [801795, 1460734.99, 48.96, 42.5675];
    const boxes = Array.from({ length: SAMPLES }, () => {
      const x = x0 + rand() * (2000 - 128) * px;
      const y = y1 - 128 * py_ - rand() * (2000 - 128) * py_;
      return [x, y, x + 128 * px, y + 128 * py_];
    });
    const urls = DATES.flatMap(([id]) => ASSETS.map((a) => `${base}/assets/${id}-${a}.tif`));
    writeFileSync(`${cache}/stac-boxes.json`, JSON.stringify({ urls, boxes, crs: 'EPSG:3443' }));

    await fetch(`${server.url}/__reset`);
    const native = JSON.parse((await promisify(execFile)(py, ['bench/baseline.py', 'stac', `${cache}/stac-boxes.json`], { maxBuffer: 1 << 26 })).stdout);
    const nativeServed = await served();

    await lib.configureEngine({ workers: cores });
    const warm = await lib.openRaster('../shared/data/elev.tif'); // workers started, as native's process is
    await warm.close();
    await fetch(`${server.url}/__reset`);
    const t0 = performance.now();
    const sdg = await lib.SpatialDataGenerator.open(`${base}/catalog.json`, { assets: ASSETS, resampling: 'bilinear', dtype: 'float32', time: { steps: 2 } });
    const openMs = performance.now() - t0;
    const samples = lib.SampleSet.fromBounds(boxes, 'EPSG:3443');
    const t1 = performance.now();
    let shape = null;
    for await (const b of sdg.flow(samples, 128, 128, { batchSize: 16 })) shape ??= b.shape;
    const ms = performance.now() - t1;
    const ours = await served();
    await sdg.close();
    await lib.terminateEngine();
    const perSample = (SAMPLES / ms) * 1000;
    rows.push([`STAC native GDAL /vsicurl/ (rasterio): open the 8 COGs`, native.open_ms, 'ms', '']);
    rows.push([
      `STAC native GDAL /vsicurl/: ${SAMPLES} samples × 8 warps (2 dates × 4 assets)`,
      native.samples_per_s,
      'samples/s',
      `(${(nativeServed.requests / SAMPLES).toFixed(2)} requests per sample, open included)`,
    ]);
    rows.push([`STAC geotensor: open the catalog URL (catalog, 2 items, 8 COGs)`, openMs, 'ms', `(${(openMs / native.open_ms).toFixed(2)}x native's open of the COGs alone)`]);
    rows.push([
      `STAC geotensor: ${SAMPLES} samples as [batch, 2, 128, 128, 4], Node, ${cores} workers`,
      perSample,
      'samples/s',
      `(${(perSample / native.samples_per_s).toFixed(2)}x native; ${(ours.requests / SAMPLES).toFixed(2)} requests and ${(ours.bytes / SAMPLES / 1024).toFixed(0)} KiB per sample, open included; batches ${JSON.stringify(shape)})`,
    ]);
  } finally {
    await server.close();
  }
  return rows;
}

async function main() {
  const lib = await import('../dist/index.js');
  const rows = await stacRows(lib);
  publishRows(
    'stac',
    'STAC: 2 dates × 4 assets (issue 16)',
    `STAC (\`npm run bench:stac\`)`,
    `every row in the same run, 20 ms per request, the range server in a process of its own`,
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
