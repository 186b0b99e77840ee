/** Predictions back to a georeferenced raster: the identity round trip, blending, nodata, GeoTIFF/COG. */
import { assert, test, testEnv } from './lib/harness.js';
import { ArgumentError, openRaster, PredictionWriter, SpatialDataGenerator } from '../src/index.js';

async function roundTrip(blend: 'mean' | 'max' | 'distance') {
  const dem = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const samples = dem.regularGrid(1500, 1500, { overlap: 0.25 });
  const writer = PredictionWriter.forSamples(samples, { resolution: 90, blend });
  // "Predict" the identity: the model output is the input sample.
  for await (const b of dem.flow(samples, 64, 64, { batchSize: 16 })) writer.addBatch(samples, b.indices, b);
  const truth = await dem.readWindow({ bounds: writer.bounds, width: writer.width, height: writer.height, resampling: 'bilinear' });
  const got = writer.pixels();
  let n = 0;
  let sum = 0;
  let max = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(got[i]) || Number.isNaN(truth.data[i])) continue;
    const d = Math.abs(got[i] - truth.data[i]);
    n++;
    sum += d;
    max = Math.max(max, d);
    lo = Math.min(lo, truth.data[i]);
    hi = Math.max(hi, truth.data[i]);
  }
  await dem.close();
  return { writer, samples, n, mean: sum / n, max, range: hi - lo, got, truth };
}

test('identity predictions written back give the raster again within resampling error (distance-weighted blend)', async () => {
  const r = await roundTrip('distance');
  assert.ok(r.n > 0.95 * r.writer.width * r.writer.height, `${r.n} of ${r.writer.width * r.writer.height} pixels compared`);
  assert.ok(r.mean < 0.01 * r.range, `mean error ${r.mean.toFixed(3)} m over a ${r.range.toFixed(1)} m range`);
  assert.ok(r.max < 0.15 * r.range, `max error ${r.max.toFixed(3)} m`);
});

test('mean and max blends: max ≥ mean everywhere, both close to the raster', async () => {
  const mean = await roundTrip('mean');
  const max = await roundTrip('max');
  assert.ok(mean.mean < 0.01 * mean.range && max.mean < 0.02 * max.range, `${mean.mean} ${max.mean}`);
  let below = 0;
  for (let i = 0; i < mean.got.length; i++) if (max.got[i] < mean.got[i] - 1e-3) below++;
  assert.equal(below, 0, 'pixels where max < mean');
});

test('nodata where no sample fell; the GeoTIFF and COG are georeferenced, tiled and compressed', async () => {
  const dem = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32' });
  const all = dem.regularGrid(2000, 2000);
  const some = all.select([0, 2, 4]); // gaps between them
  const writer = PredictionWriter.forSamples(all, { resolution: 100, bands: 2, blend: 'mean' });
  for (let i = 0; i < some.length; i++) {
    // Two bands: a constant and the row index, [h, w, bands].
    const data = new Float32Array(8 * 8 * 2).map((_, k) => (k % 2 === 0 ? 7 : i));
    writer.add(some.bounds(i), { data, shape: [8, 8, 2] });
  }
  const px = writer.pixels();
  const plane = writer.width * writer.height;
  let covered = 0;
  for (let k = 0; k < plane; k++) if (!Number.isNaN(px[k])) covered++, assert.equal(px[k], 7);
  const boxPixels = (b: readonly number[]) => Math.round((b[2] - b[0]) / 100) * Math.round((b[3] - b[1]) / 100);
  assert.equal(
    covered,
    [0, 1, 2].reduce((s, i) => s + boxPixels(some.bounds(i)), 0),
    'covered pixels = pixels of the 3 boxes',
  );
  for (const format of ['GTiff', 'COG'] as const) {
    const bytes = await writer.toBytes({ format });
    const r = await openRaster(bytes, { name: `pred.${format}.tif` });
    assert.deepEqual([r.meta.width, r.meta.height, r.meta.count, r.meta.dtype], [writer.width, writer.height, 2, 'float32']);
    r.meta.bounds!.forEach((v, k) => assert.close(v, writer.bounds[k], 1e-6, `bounds[${k}]`));
    assert.ok(Number.isNaN(r.meta.nodata as number), `nodata ${r.meta.nodata}`);
    assert.equal(r.meta.crs?.wkt, dem.meta.crs?.wkt);
    assert.ok(r.meta.blockSize![0] < writer.width || writer.width <= 256, `tiled: block ${r.meta.blockSize}`);
    const back = await r.readWindow({ bounds: r.meta.bounds!, width: writer.width, height: writer.height });
    assert.deepEqual(
      Array.from(back.data).map((v) => (Number.isNaN(v) ? null : v)),
      Array.from(px).map((v) => (Number.isNaN(v) ? null : v)),
    );
    await r.close();
  }
  await dem.close();
});

test('PredictionWriter: bad input gets ArgumentErrors naming it', async () => {
  assert.throws(() => new PredictionWriter({ bounds: [0, 0, 0, 1], crs: 'EPSG:3857', resolution: 1 }), ArgumentError, { input: 'bounds' });
  assert.throws(() => new PredictionWriter({ bounds: [0, 0, 10, 10], crs: 'EPSG:3857', resolution: 0 }), ArgumentError, { input: 'resolution' });
  assert.throws(() => new PredictionWriter({ bounds: [0, 0, 10, 10], crs: 'EPSG:3857', resolution: 1, blend: 'median' as 'mean' }), ArgumentError, { input: 'blend' });
  const w = new PredictionWriter({ bounds: [0, 0, 10, 10], crs: 'EPSG:3857', resolution: 1, bands: 2 });
  assert.throws(() => w.add([0, 0, 5, 5], { data: new Float32Array(4), shape: [2, 2] }), ArgumentError, { input: 'prediction' });
  assert.throws(() => w.add([0, 0, 5, 5], { data: new Float32Array(8), shape: [2, 2, 2, 1] }), ArgumentError, { input: 'prediction.shape' });
});

test('a prediction grid larger than one strip is written strip by strip: the file equals the blend, rows across strip edges included', async () => {
  // 3000 columns of float32: 1398 rows per 16 MiB strip, so three strips.
  const writer = new PredictionWriter({ bounds: [0, 0, 3000, 3000], crs: 'EPSG:32632', resolution: 1, blend: 'mean' });
  writer.add([0, 0, 3000, 3000], { data: [0, 1, 2, 3], shape: [2, 2] });
  writer.add([0, 0, 1500, 1500], { data: [10, 10, 10, 10], shape: [2, 2] });
  const expected = writer.pixels();
  const r = await openRaster(await writer.toBytes(), { name: 'strips.tif' });
  for (const [row0, rows] of [
    [1390, 16],
    [2790, 16],
    [0, 4],
    [2996, 4],
  ]) {
    const w = await r.readWindow({ bounds: [0, 3000 - row0 - rows, 3000, 3000 - row0], width: 3000, height: rows });
    const want = expected.subarray(row0 * 3000, (row0 + rows) * 3000);
    assert.ok(
      w.data.every((v, i) => Object.is(v, want[i])),
      `rows ${row0}..${row0 + rows} equal the blend`,
    );
  }
  await r.close();
});
