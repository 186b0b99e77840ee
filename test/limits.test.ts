/** Bounded resources: memory per flow, per window, per worker, and work per window on hostile files. */
import { assert, test, testEnv } from './lib/harness.js';
import { liveWorkers } from '../src/testing.js';
import { ArgumentError, attributes, EnginePool, exportChips, loadCrs, openRaster, PredictionWriter, SampleError, SpatialDataGenerator } from '../src/index.js';

test('a flow that would hold more than memoryBytes in samples is an ArgumentError before any read', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'));
  const samples = sdg.regularGrid(3000, 3000);
  const e = assert.throws(() => sdg.flow(samples, 16384, 16384, { batchSize: 4 }), ArgumentError, { input: 'batchSize' });
  assert.match(e.message, /memoryBytes \(2147483648 bytes\).*× 1610612736 bytes each/);
  assert.throws(() => sdg.flow(samples, 256, 256, { batchSize: 64, memoryBytes: 1e6 }), ArgumentError, { input: 'batchSize' });
  let n = 0;
  for await (const b of sdg.flow(samples.take(3), 64, 64, { batchSize: 2, memoryBytes: 2e6 })) n += b.shape[0];
  assert.equal(n, 3, 'a flow within its budget runs');
  await sdg.close();
});

test('one window over limits.windowBytes is an ArgumentError naming the source and the limit', async () => {
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'), { name: 'L7' });
  const e = await assert.rejects(r.readWindow({ bounds: r.meta.bounds!, width: 16384, height: 16384, dtype: 'float64' }), ArgumentError, { input: 'width × height × bands' });
  assert.ok(e.message.includes(`for one window of ${r.label} (engine limits.windowBytes)`), e.message);
  await r.close();
});

test('a small file claiming 131072 x 131072 pixels read whole: SampleError naming it and limits.sourcePixels, at once; a small box of it reads', async () => {
  const r = await openRaster(await testEnv().fixtureSource('hostile/huge-sparse.tif'), { name: 'huge-sparse.tif' });
  const e = await assert.rejects(r.readWindow({ bounds: r.meta.bounds!, width: 256, height: 256 }), SampleError, { input: r.label });
  assert.match(e.message, /needs about 17179869184 source pixels per band .*limits\.sourcePixels/);
  const w = await r.readWindow({ bounds: [0, 9.99, 0.01, 10], width: 16, height: 16 });
  assert.equal(w.data.length, 256);
  await r.close();
});

test('a DEFLATE bomb (272 KB holding a 268 MB block): the worker whose memory grew past limits.workerMemoryBytes is retired, reads go on', async () => {
  const pool = new EnginePool({ workers: 1, limits: { workerMemoryBytes: 200 * 2 ** 20 } });
  const r = await openRaster(await testEnv().fixtureSource('hostile/bomb.tif'), { engine: pool, name: 'bomb.tif' });
  const [first] = liveWorkers(pool);
  const w = await r.readWindow({ bounds: r.meta.bounds!, width: 64, height: 64 });
  assert.ok(
    w.data.every((v) => v === 7),
    'the pixels are right',
  );
  assert.equal(pool.retired, 1, 'the worker that decompressed the block was retired');
  assert.ok(first.dead !== null, 'and ended');
  const again = await r.readWindow({ bounds: [0, 9, 1, 10], width: 8, height: 8 });
  assert.ok(
    again.data.every((v) => v === 7),
    'a fresh worker serves the next read',
  );
  await r.close();
  await pool.terminate();
});

test('classCounts refuses values that are not whole numbers (a continuous raster) and more classes than maxClasses', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const samples = sdg.regularGrid(2500, 2500).take(4);
  await assert.rejects(attributes(sdg, samples, { width: 16, height: 16, stats: ['classCounts'] }), ArgumentError, {
    input: 'stats',
    message: /sample \d+ has -?\d+\.\d+ \(a continuous raster/,
  });
  const ints = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'int32' });
  await assert.rejects(attributes(ints, samples, { width: 16, height: 16, stats: ['classCounts'], maxClasses: 5 }), ArgumentError, { input: 'maxClasses' });
  const lc = await SpatialDataGenerator.open(await testEnv().sharedSource('lc.tif'), { dtype: 'float32' });
  const out = await attributes(lc, lc.regularGrid(lc.meta.res![0] * 20, lc.meta.res![1] * 20).take(3), { width: 20, height: 20, stats: ['classCounts'] });
  assert.ok(
    out.columnNames.some((c) => c.startsWith('class_')),
    'a label raster is counted',
  );
  await Promise.all([sdg.close(), ints.close(), lc.close()]);
});

test('a PredictionWriter over memoryBytes is an ArgumentError at construction', () => {
  assert.throws(() => new PredictionWriter({ bounds: [0, 0, 100000, 100000], crs: 'EPSG:32632', resolution: 10, bands: 3 }), ArgumentError, { input: 'resolution' });
  const ok = new PredictionWriter({ bounds: [0, 0, 1000, 1000], crs: 'EPSG:32632', resolution: 10, memoryBytes: 1e6 });
  assert.equal(ok.width, 100);
});

test('bad limit options, and a chip prefix that leaves its folder, are ArgumentErrors naming the option', async () => {
  assert.throws(() => new EnginePool({ limits: { windowBytes: -1 } }), ArgumentError, { input: 'limits.windowBytes' });
  assert.throws(() => new EnginePool({ limits: { sourcePixels: 'many' as never } }), ArgumentError, { input: 'limits.sourcePixels' });
  assert.throws(() => new EnginePool({ limits: { heapBytes: 1 } as never }), ArgumentError, { input: 'limits.heapBytes' });
  assert.throws(() => new PredictionWriter({ bounds: [0, 0, 10, 10], crs: 'EPSG:32632', resolution: 1, memoryBytes: 0 }), ArgumentError, { input: 'memoryBytes' });
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const samples = sdg.regularGrid(0.2, 0.2);
  assert.throws(() => sdg.flow(samples, 8, 8, { memoryBytes: Number.NaN }), ArgumentError, { input: 'memoryBytes' });
  await assert.rejects(attributes(sdg, samples, { width: 8, height: 8, stats: ['classCounts'], maxClasses: 0 }), ArgumentError, { input: 'maxClasses' });
  await assert.rejects(loadCrs(''), ArgumentError, { input: 'crs' });
  const noWrite = async () => {};
  await assert.rejects(exportChips(sdg, samples, { format: 'npy', dir: 'chips', width: 8, height: 8, prefix: '../escape_', writeFile: noWrite }), ArgumentError, {
    input: 'prefix',
  });
  await sdg.close();
});
