/**
 * Many files as one source: tiles of L7_ETMs.tif (bands 1-3) cut by test/reference/mosaic.sh, read
 * as a mosaic (a list of files, local or remote, or a VRT) through the same boxes as the original.
 */
import { assert, remoteUrl, test, testEnv } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { ArgumentError, EnginePool, openRaster, SourceError, SpatialDataGenerator, type Raster } from '../src/index.js';

type Box = [number, number, number, number];
const TILES = ['nw.tif', 'ne.tif', 'sw.tif', 'se.tif'];
const tiles = (names = TILES) => Promise.all(names.map((t) => testEnv().fixtureSource(`mosaic/${t}`)));

function diff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -1;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Boxes that cross the tile edges (x = 293906, y = 9115915.75 in UTM 25S), at odd sizes. */
const EDGE_BOXES: [Box, number, number][] = [
  [[293000, 9115000, 295000, 9117000], 40, 40],
  [[293850, 9110800, 293960, 9120700], 8, 200],
  [[288800, 9115800, 298700, 9116050], 300, 9],
  [[291234.5, 9113456.7, 296543.2, 9118765.4], 64, 64],
];

/** Bands 1-3 of L7_ETMs.tif, uncut (a 3-band file: GDAL's warper chunks 6 bands differently when downsampling). */
const rgb = async () => openRaster(await testEnv().fixtureSource('mosaic/rgb.tif'));

async function sameAsOriginal(mosaic: Raster, what: string): Promise<void> {
  const original = await rgb();
  for (const resampling of ['nearest', 'bilinear', 'cubic'] as const) {
    for (const [bounds, width, height] of EDGE_BOXES) {
      const [a, b] = await Promise.all([mosaic.readWindow({ bounds, width, height, resampling }), original.readWindow({ bounds, width, height, resampling })]);
      assert.equal(diff(a.data, b.data), 0, `${what}, ${resampling}, box ${bounds}: pixels differing from the original`);
    }
  }
}

test('four tiles as one source: the original grid, and samples across tile edges equal the original (nearest, bilinear, cubic)', async () => {
  const m = await openRaster(await tiles());
  const original = await rgb();
  assert.equal(m.meta.driver, 'mosaic');
  assert.deepEqual([m.meta.width, m.meta.height, m.meta.count, m.meta.dtype], [349, 352, 3, 'uint8']);
  m.meta.bounds!.forEach((v, i) => assert.close(v, original.meta.bounds![i], 1e-6, `bounds[${i}]`));
  assert.equal(m.meta.crs?.wkt, original.meta.crs?.wkt);
  assert.equal(m.meta.parts?.length, 4);
  await sameAsOriginal(m, 'mosaic of 4 files');
  // Native gdalwarp over the same four files (test/fixtures/mosaic/same.tif).
  const ref = await openRaster(await testEnv().fixtureSource('mosaic/same.tif'));
  const box = { bounds: ref.meta.bounds!, width: 120, height: 120, resampling: 'nearest' as const };
  assert.equal(diff((await m.readWindow(box)).data, (await ref.readWindow(box)).data), 0, 'vs native gdalwarp of the 4 tiles');
  await m.close();
  await ref.close();
});

test('tiles in different CRSs (one in EPSG:32725) read as one source equal native GDAL (gdalbuildvrt of the tiles on one grid, gdalwarp with the other)', async () => {
  const m = await openRaster(await tiles(['nw.tif', 'ne_32725.tif', 'sw.tif', 'se.tif']));
  const ref = await openRaster(await testEnv().fixtureSource('mosaic/mixed.tif'));
  const box = { bounds: ref.meta.bounds!, crs: 'EPSG:4326', width: 120, height: 140, resampling: 'nearest' as const, nodata: 255 };
  const [a, b] = [await m.readWindow(box), await ref.readWindow(box)];
  assert.equal(diff(a.data, b.data), 0, 'vs native gdalwarp (nw, ne_32725, sw, se)');
  // No gaps along the seams: every pixel inside the union has data.
  let holes = 0;
  for (const v of a.data) if (v === 255) holes++;
  assert.equal(holes, Array.from(b.data).filter((v) => v === 255).length);
  await m.close();
  await ref.close();
});

test("two workers: the second opens the mosaic from the first one's descriptions (no gdalinfo), and both read native gdalwarp's pixels", async () => {
  const engine = new EnginePool({ workers: 2 });
  const m = await openRaster(await tiles(['nw.tif', 'ne_32725.tif', 'sw.tif', 'se.tif']), { engine });
  const ref = await openRaster(await testEnv().fixtureSource('mosaic/mixed.tif'), { engine });
  const box = { bounds: ref.meta.bounds!, crs: 'EPSG:4326', width: 120, height: 140, resampling: 'nearest' as const, nodata: 255 };
  const expected = (await ref.readWindow(box)).data;
  // Enough reads at once that both workers open the mosaic and read it.
  const reads = await Promise.all(Array.from({ length: 8 }, () => m.readWindow(box)));
  for (const [k, r] of reads.entries()) assert.equal(diff(r.data, expected), 0, `read ${k} vs native gdalwarp`);
  const stats = await workerStats(engine);
  assert.equal(stats.length, 2);
  const described = stats.reduce((a, s) => a + s.described, 0);
  const confirmed = stats.reduce((a, s) => a + s.confirmed, 0);
  // The reference file once (in one worker or both), the four tiles once: the other worker confirms them.
  assert.ok(
    stats.every((s) => s.reads > 0),
    `both workers read (${stats.map((s) => s.reads)})`,
  );
  assert.equal(confirmed >= 4 && described <= 4 + 2, true, `tiles described once and confirmed by the other worker (described ${described}, confirmed ${confirmed})`);
  await m.close();
  await ref.close();
  await engine.terminate();
});

test('a mosaic of remote COG tiles equals the local mosaic', async () => {
  const m = await openRaster(TILES.map((t) => remoteUrl('ok', `mosaic/${t}`)));
  const st = m.sourceStats()!;
  assert.ok(st.size > 300_000 && st.requests >= 4, `4 remote files, ${st.size} bytes, ${st.requests} requests`);
  await sameAsOriginal(m, 'remote mosaic');
  await m.close();
});

test('tile prefetch over a mosaic of remote COGs: once prefetched, a window across the parts reads without another request', async () => {
  const m = await openRaster(TILES.map((t) => remoteUrl('ok', `mosaic-cog/${t}`)));
  try {
    const [minx, miny, maxx, maxy] = m.meta.bounds!;
    const [rx, ry] = m.meta.parts![0].res!;
    const [cx, cy] = [(minx + maxx) / 2, (miny + maxy) / 2];
    const w = { bounds: [cx - 40 * rx, cy - 40 * ry, cx + 40 * rx, cy + 40 * ry], width: 80, height: 80, resampling: 'bilinear' as const };
    const before = m.sourceStats()!.requests;
    await m.prefetch(w);
    const after = m.sourceStats()!.requests;
    assert.ok(after > before, `the prefetch fetched tiles (${after - before} requests)`);
    const got = await m.readWindow(w);
    assert.equal(m.sourceStats()!.requests, after, 'no request after the prefetch');
    const local = await openRaster(await tiles());
    try {
      const want = await local.readWindow(w);
      assert.deepEqual(Array.from(got.data), Array.from(want.data), 'the pixels of the local mosaic');
    } finally {
      await local.close();
    }
  } finally {
    await m.close();
  }
});

test('a VRT of tiles (relative paths) opens and reads like the original', async () => {
  const m = await openRaster('test/fixtures/mosaic/tiles.vrt');
  assert.equal(m.meta.driver, 'VRT');
  await sameAsOriginal(m, 'VRT');
  await m.close();
}, ['node', 'deno']);

test('a generator over a mosaic gives the batches of the original', async () => {
  const a = await SpatialDataGenerator.open(await tiles());
  const b = await SpatialDataGenerator.open(await testEnv().fixtureSource('mosaic/rgb.tif'));
  const samples = b.regularGrid(1200, 1000);
  assert.ok(samples.length > 40);
  const read = async (g: SpatialDataGenerator) => {
    const out: number[] = [];
    for await (const batch of g.flow(samples, 24, 20, { batchSize: 16 })) out.push(...batch.data);
    return out;
  };
  assert.equal(diff(await read(a), await read(b)), 0);
  await a.close();
  await b.close();
});

test('bad mosaics fail at open naming the file', async () => {
  await assert.rejects(openRaster([]), ArgumentError, { input: 'source' });
  const six = await testEnv().sharedSource('L7_ETMs.tif');
  const [nw] = await tiles(['nw.tif']);
  const pool = new EnginePool({ workers: 1 });
  const e = await assert.rejects(openRaster([nw, six], { engine: pool }), SourceError, { message: /has 6 bands, but .*nw\.tif has 3/ });
  assert.ok(/L7_ETMs/.test(e.input ?? ''), e.input);
  const [st] = await workerStats(pool);
  assert.deepEqual([st.openDatasets, st.virtualFiles], [0, 0], 'nothing left open in the worker');
  await pool.terminate();
  await assert.rejects(openRaster([nw, await testEnv().sharedSource('elev.tif')]), SourceError, { message: /elev\.tif: has 1 bands|is int16/ });
  await assert.rejects(openRaster([nw, remoteUrl('ok', 'mosaic/missing.tif')]), Error, { message: /missing\.tif/ });
});

test('a mosaic of 300 remote files on one grid opens and reads (its VRT is larger than the WebAssembly stack)', async () => {
  const one = await openRaster(remoteUrl('ok', 'elev.tif'));
  const many = await openRaster(Array.from({ length: 300 }, (_, k) => remoteUrl('ok', `elev.tif?copy=${k}`)));
  try {
    assert.equal(many.meta.parts?.length, 300);
    const [x0, y0, x1, y1] = one.meta.bounds!;
    const box = { bounds: [x0, y0, (x0 + x1) / 2, (y0 + y1) / 2] as Box, width: 64, height: 64, resampling: 'bilinear' as const };
    const a = await one.readWindow(box);
    const b = await many.readWindow(box);
    assert.deepEqual([...b.data], [...a.data], 'the pixels of the file itself');
  } finally {
    await one.close();
    await many.close();
  }
});
