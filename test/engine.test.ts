/** The engine against native GDAL: meta equals gdalinfo, windows equal gdalwarp. Runs in Node, Deno and Chromium. */
import { assert, test, testEnv } from './lib/harness.js';
import { compare, shared, typed } from './lib/rasters.js';
import { ArgumentError, EnginePool, encodeRaster, openRaster, type RasterMeta } from '../src/index.js';
import { workerStats } from '../src/testing.js';
import caseList from './fixtures/reference/cases.json' with { type: 'json' };

interface RefMeta {
  driverShortName: string;
  size: [number, number];
  geoTransform: number[];
  wkt: string | null;
  epsg: number | null;
  bands: { type: string; noDataValue: number | string | null; block: [number, number] }[];
}

interface RefCase {
  name: string;
  tag: string;
  /** A raster of ../shared/data, or (fixture) one of test/fixtures made by test/reference/generate.mjs. */
  file?: string;
  fixture?: string;
  bounds: [number, number, number, number];
  crs: string | null;
  width: number;
  height: number;
  resampling: string;
  dtype: 'uint8' | 'int16' | 'float32';
  nodata: number | 'nan' | null;
  out: string;
  command: string;
  /** The reference is gdalwarp -dstalpha: one more band, the alpha. */
  mask?: boolean;
  /** gdalwarp -srcnodata: opened with sourceNodata, read with the case's nodata. */
  sourceNodata?: number[];
}

const FILES = ['elev.tif', 'L7_ETMs.tif', 'olinda_dem_utm25s.tif', 'lc.tif', 'na.tif', 'keras_spatial_small.tif'];
const TYPES: Record<string, string> = { Byte: 'uint8', Int16: 'int16', Float32: 'float32' };

for (const file of FILES) {
  test(`describe ${file} equals native gdalinfo`, async () => {
    const ref = await testEnv().fixtureJson<RefMeta>(`reference/meta/${file}.json`);
    const r = await shared(file);
    const m: RasterMeta = r.describe();
    assert.equal(m.driver, ref.driverShortName, 'driver');
    assert.deepEqual([m.width, m.height], ref.size, 'size');
    assert.equal(m.count, ref.bands.length, 'count');
    assert.deepEqual(
      m.dtypes,
      ref.bands.map((b) => TYPES[b.type] ?? b.type.toLowerCase()),
      'dtypes',
    );
    const nod = ref.bands.map((b) => (b.noDataValue === null ? null : Number(b.noDataValue)));
    assert.deepEqual(m.nodatavals, nod, 'nodata');
    assert.equal(m.nodata, nod[0], 'nodata of band 1');
    // gdalinfo -json prints the geotransform to 16 significant digits; the engine has the exact doubles.
    const g = ref.geoTransform;
    const near = (a: number, b: number, what: string) => assert.close(a, b, Math.abs(b) * 1e-14 + 1e-300, what);
    [g[1], g[2], g[0], g[4], g[5], g[3]].forEach((v, i) => near(m.transform![i], v, `transform[${i}] (rasterio order)`));
    [g[0], g[3] + ref.size[1] * g[5], g[0] + ref.size[0] * g[1], g[3]].forEach((v, i) => near(m.bounds![i], v, `bounds[${i}]`));
    near(m.res![0], g[1], 'res x');
    near(m.res![1], -g[5], 'res y');
    assert.deepEqual(m.blockSize, ref.bands[0].block, 'block size');
    assert.equal(m.crs?.epsg ?? null, ref.epsg, 'EPSG code');
    assert.ok(m.crs && /^(PROJCS|GEOGCS)\[/.test(m.crs.wkt1), 'WKT1 for proj4');
    assert.ok(m.crs && /^(PROJCRS|GEOGCRS|BOUNDCRS)\[/.test(m.crs.wkt), 'WKT2 as gdalinfo prints it');
    const kind = (s: string) => s.slice(0, s.indexOf('['));
    assert.equal(kind(m.crs!.wkt), kind(ref.wkt ?? ''), 'CRS kind');
  });
}

const EXACT_TAGS = new Set(['nonodata', 'multiband', 'alpha', 'equal-nodata', 'edge-nodata']);

// The cases are registered synchronously from the list generated next to the fixtures.
const { gdal, cases } = caseList as unknown as { gdal: string; cases: RefCase[] };
for (const c of cases.filter((k) => k.mask)) {
  test(`readWindow ${c.name} with mask: true: its validity layer is gdalwarp -dstalpha's alpha above 0`, async () => {
    const expected = typed(c.dtype, await testEnv().fixtureBytes(`reference/${c.out}`));
    const r = await shared(c.file!);
    const w = await r.readWindow({ bounds: c.bounds, crs: c.crs ?? undefined, width: c.width, height: c.height, resampling: c.resampling as never, dtype: c.dtype, mask: true });
    const plane = c.width * c.height;
    assert.deepEqual(w.shape, [r.meta.count + 1, c.height, c.width], 'shape: the bands and the validity layer');
    const nb = r.meta.count;
    let ones = 0;
    let valueDiff = 0;
    for (let p = 0; p < plane; p++) {
      const m = w.data[nb * plane + p];
      assert.equal(m, expected[nb * plane + p] > 0 ? 1 : 0, `validity of pixel ${p}`);
      ones += m;
      for (let b = 0; b < nb; b++) if (m === 1) valueDiff = Math.max(valueDiff, Math.abs(w.data[b * plane + p] - expected[b * plane + p]));
      if (m === 0 && c.nodata !== null) assert.equal(w.data[p], c.nodata, `pixel ${p} without data is nodata`);
    }
    assert.ok(ones > 0 && ones < plane, `the box is partly outside the source (${ones} of ${plane} valid)`);
    assert.ok(valueDiff <= 1e-3, `values where valid equal gdalwarp's (max |diff| ${valueDiff})`);
  });
}

for (const c of cases.filter((k) => !k.mask)) {
  test(`readWindow ${c.name} equals native gdalwarp`, async () => {
    const expected = typed(c.dtype, await testEnv().fixtureBytes(`reference/${c.out}`));
    const r = c.fixture ? await openRaster(await testEnv().fixtureSource(c.fixture), { name: c.fixture, sourceNodata: c.sourceNodata }) : await shared(c.file!);
    const nodata = c.sourceNodata ? (c.nodata as number) : undefined;
    const w = await r.readWindow({ bounds: c.bounds, crs: c.crs ?? undefined, width: c.width, height: c.height, resampling: c.resampling as never, dtype: c.dtype, nodata });
    assert.equal(w.dtype, c.dtype, 'dtype');
    assert.deepEqual(w.shape, [r.meta.count, c.height, c.width], 'shape');
    assert.equal(w.data.length, expected.length, 'length');
    if (c.nodata === 'nan') assert.ok(Number.isNaN(w.nodata), 'nodata is NaN');
    else assert.equal(w.nodata, c.nodata, 'nodata');
    const { maxDiff, maskMismatch, range } = compare(w.data, expected, typeof c.nodata === 'number' ? c.nodata : null);
    assert.equal(maskMismatch, 0, `pixels where only one side has nodata (vs ${gdal}: ${c.command})`);
    assert.ok(maxDiff <= 1e-4 * range, `max |diff| ${maxDiff} > 1e-4 × range ${range} (vs ${gdal}: ${c.command})`);
    // The edge cases of the engine's fast path (mask-free kernels) equal gdalwarp bit for bit.
    if (EXACT_TAGS.has(c.tag)) assert.equal(maxDiff, 0, `max |diff| ${maxDiff} (vs ${gdal}: ${c.command})`);
    if (c.fixture) await r.close();
  });
}

test('fast warps off the edge of a source equal gdalwarp’s way: first warped again, then with an alpha layer once windows with nodata are common, and again past 64 MiB', async () => {
  // elev.tif through EPSG:2169, partly off the raster: the bands of a read with mask: true are warped
  // gdalwarp's way (-dstnodata, never the fast kernels) and must equal every fast read.
  const engine = new EnginePool({ workers: 1 });
  const r = await openRaster(await testEnv().sharedSource('elev.tif'), { name: 'elev.tif', engine });
  const stats = async () => (await workerStats(engine))[0];
  const bounds: [number, number, number, number] = [40000, 50000, 100000, 110000];
  const check = async (size: number, resampling: 'bilinear' | 'nearest') => {
    const box = { bounds, crs: 'EPSG:2169', width: size, height: size, resampling, dtype: 'float32' as const };
    const [fast, exact] = [await r.readWindow(box), await r.readWindow({ ...box, mask: true })];
    let [nodata, differ] = [0, 0];
    for (let i = 0; i < size * size; i++) {
      if (fast.data[i] === -32768) nodata++;
      if (!Object.is(fast.data[i], exact.data[i])) differ++;
    }
    assert.ok(nodata > (size * size) / 20 && nodata < (size * size) / 2, `${size}x${size}: the window runs off the raster (${nodata} nodata pixels)`);
    assert.equal(differ, 0, `${size}x${size} ${resampling}: pixels differing from gdalwarp's way`);
  };
  try {
    await check(128, 'bilinear');
    const first = await stats();
    assert.deepEqual([first.fastWithAlpha, first.warpedAgain], [0, 1], 'the first window with nodata is warped again');
    for (let k = 0; k < 4; k++) await check(128, k % 2 ? 'nearest' : 'bilinear');
    const then = await stats();
    assert.deepEqual([then.fastWithAlpha, then.warpedAgain], [4, 1], 'then the fast warps make an alpha layer and are not warped again');
    await check(2900, 'bilinear');
    const large = await stats();
    assert.deepEqual([large.fastWithAlpha, large.warpedAgain], [4, 2], 'a window over 64 MiB with the layer is warped again instead');
  } finally {
    await r.close();
    await engine.terminate();
  }
});

test('bands: a subset comes out in the order asked, equal to those bands of the full read', async () => {
  const r = await shared('L7_ETMs.tif');
  const opts = { bounds: [290000, 9112000, 296000, 9118000] as [number, number, number, number], width: 60, height: 60 };
  const all = await r.readWindow(opts);
  const sub = await r.readWindow({ ...opts, bands: [3, 2, 1] });
  assert.deepEqual(sub.shape, [3, 60, 60]);
  const n = 60 * 60;
  for (const [i, b] of [3, 2, 1].entries()) {
    assert.deepEqual(Array.from(sub.data.subarray(i * n, (i + 1) * n)), Array.from(all.data.subarray((b - 1) * n, b * n)), `band ${b}`);
  }
  const one = await r.readWindow({ ...opts, bands: 5 });
  assert.deepEqual(Array.from(one.data), Array.from(all.data.subarray(4 * n, 5 * n)), 'single band number');
});

test('dtype and nodata overrides', async () => {
  const r = await shared('elev.tif');
  const box = { bounds: [5.5, 49.3, 6.2, 49.9] as [number, number, number, number], width: 40, height: 40 };
  const asInt = await r.readWindow(box);
  const asFloat = await r.readWindow({ ...box, dtype: 'float64', nodata: Number.NaN });
  assert.ok(asFloat.data instanceof Float64Array, 'Float64Array');
  let nan = 0;
  for (let i = 0; i < asInt.data.length; i++) {
    if (asInt.data[i] === -32768) {
      nan++;
      assert.ok(Number.isNaN(asFloat.data[i]), `pixel ${i} is NaN`);
    } else assert.equal(asFloat.data[i], asInt.data[i], `pixel ${i}`);
  }
  assert.ok(nan > 100 && nan < asInt.data.length, `box is partly outside (${nan} nodata pixels)`);
});

test("default CRS is the raster's; an explicit equal CRS gives the same pixels", async () => {
  const r = await shared('keras_spatial_small.tif');
  const box = { bounds: [817000, 1445000, 817500, 1445500] as [number, number, number, number], width: 16, height: 16, resampling: 'bilinear' as const };
  const a = await r.readWindow(box);
  const b = await r.readWindow({ ...box, crs: r.meta.crs!.wkt });
  assert.equal(a.crs, 'EPSG:3443');
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
});

test('overviews: false reads the full-resolution source (-ovr NONE), as a warped VRT does; by default gdalwarp picks an overview', async () => {
  // A 1024x1024 ramp v = x + 1024 y as a COG with averaged overviews.
  const n = 1024;
  const data = Float32Array.from({ length: n * n }, (_, i) => i);
  const bytes = await encodeRaster({
    data,
    width: n,
    height: n,
    bands: 1,
    dtype: 'float32',
    bounds: [0, 0, n, n],
    crs: 'EPSG:32631',
    nodata: null,
    format: 'COG',
    creationOptions: ['OVERVIEW_RESAMPLING=AVERAGE', 'BLOCKSIZE=256'],
  });
  const r = await openRaster(bytes, { name: 'ramp-cog.tif' });
  assert.ok((r.meta.overviews ?? []).length >= 2, `the COG has overviews (${JSON.stringify(r.meta.overviews)})`);
  const box = { bounds: [0, 0, n, n] as [number, number, number, number], width: 64, height: 64 };
  const full = await r.readWindow({ ...box, overviews: false });
  // Nearest on the full raster: output pixel (i, j) takes source pixel (16 i + 8, 16 j + 8).
  for (let j = 0; j < 64; j++) for (let i = 0; i < 64; i++) assert.equal(full.data[j * 64 + i], 16 * i + 8 + n * (16 * j + 8), `pixel (${i}, ${j})`);
  const auto = await r.readWindow(box);
  assert.ok(auto.data[0] !== full.data[0], `the default read takes an overview (${auto.data[0]} vs ${full.data[0]})`);
  await assert.rejects(r.readWindow({ ...box, overviews: 'no' as never }), ArgumentError, { input: 'overviews' });
  await r.close();
});
