/** Every kind of source, the raster lifecycle, cancellation and every bad input of the engine. */
import { assert, test, testEnv } from './lib/harness.js';
import { liveWorkers, workerStats } from '../src/testing.js';
import { AbortError, ArgumentError, CrsError, EngineError, EnginePool, GeotensorError, openRaster, RESAMPLING_METHODS, SourceError } from '../src/index.js';
import { shared } from './lib/rasters.js';

const BOX = { bounds: [5.8, 49.5, 6.4, 50.1] as [number, number, number, number], width: 24, height: 20, resampling: 'bilinear' as const };

test('a local path is opened in place (mounted, not copied)', async () => {
  const r = await openRaster('../shared/data/elev.tif');
  assert.equal(r.label, '../shared/data/elev.tif');
  assert.equal(r.meta.width, 95);
  assert.equal((await r.readWindow(BOX)).data.length, 24 * 20);
  await r.close();
}, ['node', 'deno']);

test('a file: URL is opened like a path', async () => {
  const base = new URL('../shared/data/elev.tif', `file://${(globalThis as { process?: { cwd(): string } }).process!.cwd()}/x`);
  const r = await openRaster(base);
  assert.equal(r.meta.height, 90);
  await r.close();
}, ['node', 'deno']);

test('Blob, File, ArrayBuffer and Uint8Array give the same meta and pixels', async () => {
  const bytes = await testEnv().sharedBytes('elev.tif');
  const ref = await shared('elev.tif');
  const expected = Array.from((await ref.readWindow(BOX)).data);
  const sources: [string, ConstructorParameters<typeof Blob>[0] | unknown][] = [];
  const inputs = [new Blob([bytes.slice()]), new File([bytes.slice()], 'elev.tif'), bytes.slice().buffer, bytes.slice()];
  void sources;
  for (const input of inputs) {
    const r = await openRaster(input as Blob, { name: 'elev.tif' });
    assert.deepEqual(r.meta.transform, ref.meta.transform, `${input.constructor.name} transform`);
    assert.deepEqual(Array.from((await r.readWindow(BOX)).data), expected, `${input.constructor.name} pixels`);
    await r.close();
  }
});

test('missing file: SourceError SOURCE_NOT_FOUND naming the path, at open', async () => {
  await assert.rejects(openRaster('../shared/data/does-not-exist.tif'), SourceError, { code: 'SOURCE_NOT_FOUND', input: '../shared/data/does-not-exist.tif' });
}, ['node', 'deno']);

test('a folder is not a raster', async () => {
  await assert.rejects(openRaster('../shared/data'), SourceError, { code: 'SOURCE_UNREADABLE' });
}, ['node', 'deno']);

test("bytes that are not a raster: SourceError with GDAL's message", async () => {
  const text = new TextEncoder().encode('this is a text file named .tif, not a GeoTIFF\n'.repeat(20));
  const e = await assert.rejects(openRaster(text, { name: 'notes.tif' }), SourceError, { code: 'SOURCE_UNREADABLE', input: 'notes.tif' });
  assert.ok(e.gdalMessage && e.gdalMessage.length > 0, "carries GDAL's message");
});

test('a truncated GeoTIFF: a typed error, never a crash', async () => {
  const bytes = await testEnv().sharedBytes('L7_ETMs.tif');
  const cut = bytes.slice(0, 4000);
  let err: unknown;
  try {
    const r = await openRaster(cut, { name: 'cut.tif' });
    await r.readWindow({ bounds: [290000, 9112000, 296000, 9118000], width: 30, height: 30 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof GeotensorError, `GeotensorError, got ${String(err)}`);
  const r2 = await shared('elev.tif');
  assert.equal((await r2.readWindow(BOX)).data.length, 480, 'the engine still works afterwards');
});

test('empty source is rejected at open', async () => {
  await assert.rejects(openRaster(new Uint8Array(0), { name: 'empty.tif' }), SourceError, { code: 'SOURCE_UNREADABLE', input: 'empty.tif' });
  await assert.rejects(openRaster(new Blob([]), { name: 'empty.tif' }), SourceError, { input: 'empty.tif' });
});

test('wrong source types are ArgumentErrors', async () => {
  await assert.rejects(openRaster(42 as never), ArgumentError, { input: 'source' });
  await assert.rejects(openRaster('' as never), ArgumentError, { input: 'source' });
});

test('every readWindow option is checked before any work', async () => {
  const r = await shared('elev.tif');
  const bad: [Record<string, unknown>, string][] = [
    [{ bounds: [1, 2, 3] }, 'bounds'],
    [{ bounds: [1, 2, Number.NaN, 4] }, 'bounds'],
    [{ bounds: [1, 2, Infinity, 4] }, 'bounds'],
    [{ bounds: [3, 2, 1, 4] }, 'bounds'],
    [{ bounds: [1, 2, 1, 4] }, 'bounds'],
    [{ width: 0 }, 'width'],
    [{ width: -5 }, 'width'],
    [{ height: 2.5 }, 'height'],
    [{ height: 16385 }, 'height'],
    [{ resampling: 'bicubic' }, 'resampling'],
    [{ bands: 0 }, 'bands'],
    [{ bands: [2] }, 'bands'],
    [{ bands: [] }, 'bands'],
    [{ dtype: 'float16' }, 'dtype'],
    [{ dtype: 'int16', nodata: Number.NaN }, 'nodata'],
    [{ crs: '' }, 'crs'],
  ];
  for (const [patch, input] of bad) {
    await assert.rejects(r.readWindow({ ...BOX, ...patch } as never), ArgumentError, { code: 'INVALID_ARGUMENT', input, message: new RegExp(`^${input}: expected`) });
  }
});

test('every GDAL resampling name is accepted', async () => {
  const r = await shared('elev.tif');
  assert.equal(RESAMPLING_METHODS.length, 14);
  for (const m of RESAMPLING_METHODS) {
    const w = await r.readWindow({ ...BOX, resampling: m, dtype: 'float32' });
    const valid = Array.from(w.data).filter((v) => v !== -32768);
    assert.ok(valid.length > 0 && valid.every((v) => (v > 100 && v < 700) || m === 'sum'), `${m}: elevations of Luxembourg`);
  }
});

test('an unknown CRS is a CrsError naming it', async () => {
  const r = await shared('elev.tif');
  await assert.rejects(r.readWindow({ ...BOX, crs: 'EPSG:999999' }), CrsError, { code: 'CRS_INVALID', input: 'EPSG:999999' });
  await assert.rejects(r.readWindow({ ...BOX, crs: 'not a crs' }), CrsError, { input: 'not a crs' });
  await assert.rejects(r.resolveCrs('EPSG:0'), CrsError);
});

test('a box entirely outside is all nodata, not an error', async () => {
  const r = await shared('elev.tif');
  const w = await r.readWindow({ bounds: [100, 10, 101, 11], width: 8, height: 8 });
  assert.ok(Array.from(w.data).every((v) => v === -32768));
  const f = await r.readWindow({ bounds: [100, 10, 101, 11], width: 8, height: 8, dtype: 'float32', nodata: Number.NaN });
  assert.ok(Array.from(f.data).every((v) => Number.isNaN(v)));
});

test('resolveCrs gives WKT1, WKT2 and the EPSG code', async () => {
  const r = await shared('elev.tif');
  const c = await r.resolveCrs('EPSG:2169');
  assert.equal(c.epsg, 2169);
  assert.ok(/^PROJCS\["LUREF \/ Luxembourg TM"/.test(c.wkt1), c.wkt1.slice(0, 40));
  assert.ok(/^PROJCRS\[/.test(c.wkt));
  const p = await r.resolveCrs('+proj=utm +zone=25 +south +datum=WGS84 +units=m +no_defs');
  assert.equal(p.epsg, null);
});

test('a closed raster refuses reads with ENGINE_CLOSED; close is idempotent', async () => {
  const r = await openRaster(await testEnv().sharedSource('na.tif'), { name: 'na.tif' });
  await r.close();
  await r.close();
  await assert.rejects(r.readWindow({ bounds: [0, 0, 10, 10], width: 4, height: 4 }), EngineError, { code: 'ENGINE_CLOSED' });
});

test('an aborted signal cancels with AbortError', async () => {
  const r = await shared('elev.tif');
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(r.readWindow({ ...BOX, signal: ac.signal }), AbortError, { code: 'ABORTED' });
  const ac2 = new AbortController();
  const p = r.readWindow({ ...BOX, width: 2000, height: 2000, signal: ac2.signal });
  ac2.abort();
  await assert.rejects(p, AbortError);
});

test('a private pool: workers start lazily, datasets stay open across reads, terminate frees all', async () => {
  const pool = new EnginePool({ workers: 2 });
  assert.equal(liveWorkers(pool).length, 0, 'no worker before first use');
  const r = await openRaster(await testEnv().sharedSource('elev.tif'), { engine: pool, name: 'elev.tif' });
  const reads = await Promise.all(Array.from({ length: 8 }, () => r.readWindow(BOX)));
  const first = Array.from(reads[0].data);
  for (const w of reads) assert.deepEqual(Array.from(w.data), first, 'same pixels from every worker');
  const live = liveWorkers(pool);
  assert.equal(live.length, 2, 'both workers used');
  const stats = await Promise.all(live.map((w) => w.call((api) => api.stats())));
  assert.equal(
    stats.reduce((s, x) => s + x.reads, 0),
    8,
    'reads counted in the workers',
  );
  assert.ok(
    stats.every((s) => s.openDatasets === 1),
    'the dataset is opened once per worker, not per read',
  );
  await r.close();
  const after = await Promise.all(live.map((w) => w.call((api) => api.stats())));
  assert.ok(
    after.every((s) => s.openDatasets === 0),
    'close() closes it in every worker',
  );
  await pool.terminate();
  await assert.rejects(openRaster(await testEnv().sharedSource('elev.tif'), { engine: pool }), EngineError, { code: 'ENGINE_CLOSED' });
});

test('an invalid pool size is an ArgumentError naming the option', async () => {
  let err: unknown;
  try {
    new EnginePool({ workers: 0 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ArgumentError && err.code === 'INVALID_ARGUMENT' && err.input === 'workers', String(err));
});

test('inline mode (edge runtimes): the same engine in this thread gives the same pixels', async () => {
  const pool = new EnginePool({ mode: 'inline' });
  assert.equal(pool.size, 1);
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, name: 'L7_ETMs.tif' });
  const ref = await shared('L7_ETMs.tif');
  const box = { bounds: [-34.905, -8.029, -34.851, -7.975] as [number, number, number, number], crs: 'EPSG:4326', width: 40, height: 40, resampling: 'cubic' as const };
  const a = await r.readWindow(box);
  const b = await ref.readWindow(box);
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  await assert.rejects(r.readWindow({ ...box, crs: 'EPSG:999999' }), CrsError, { code: 'CRS_INVALID' });
  await r.close();
  await pool.terminate();
});

test('a File/Blob is read lazily in a browser worker: a sample of a 256 MB Blob reads a tiny part of it', async () => {
  const cog = await testEnv().sharedBytes('L7_ETMs.tif');
  const pad = new Uint8Array(64 << 20); // trailing bytes a TIFF reader never looks at
  const blob = new File([cog.buffer as ArrayBuffer, pad, pad, pad, pad], 'L7_ETMs_padded.tif');
  assert.ok(blob.size > 256e6);
  const pool = new EnginePool({ workers: 1 });
  const r = await openRaster(blob, { engine: pool });
  const ref = await shared('L7_ETMs.tif');
  const box = { bounds: [290000, 9112000, 292000, 9114000] as [number, number, number, number], width: 32, height: 32 };
  const [a, b] = [await r.readWindow(box), await ref.readWindow(box)];
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  const [st] = await workerStats(pool);
  assert.ok(st.lazyBytesRead > 0 && st.lazyBytesRead <= cog.length, `read ${st.lazyBytesRead} bytes of a ${blob.size}-byte Blob`);
  await r.close();
  await pool.terminate();
}, ['browser']);
