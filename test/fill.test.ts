/**
 * Pixels outside the source: 0 for sources without nodata (as gdalwarp and Keras Spatial), the
 * source's nodata otherwise, NaN only when asked; and the opt-in validity layer (mask: true).
 */
import { assert, test, testEnv } from './lib/harness.js';
import { ArgumentError, attributes, SampleSet, SpatialDataGenerator, type Batch, type SampleArray } from '../src/index.js';

const open = async (file: string, opts = {}) => SpatialDataGenerator.open(await testEnv().sharedSource(file), opts);
// The Olinda DEM (float32, no nodata) covers x 288776..298766, y 9110771..9120761 (EPSG:31985).
const EDGE = SampleSet.fromBounds(
  [
    [286000, 9112000, 292000, 9118000], // its west third outside the DEM
    [290000, 9112000, 296000, 9118000], // inside
  ],
  'EPSG:31985',
);

async function first(flow: AsyncIterable<Batch>): Promise<Batch> {
  for await (const b of flow) return b;
  throw new Error('no batch');
}

test('a float raster without nodata gives 0 outside the source (no NaN), as gdalwarp and Keras Spatial do; nodata: NaN asks for NaN', async () => {
  const dem = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear' });
  assert.equal(dem.effectiveNodata(), null, 'no nodata');
  const b = await first(dem.flow(EDGE, 30, 30, { batchSize: 2 }));
  const per = 30 * 30;
  let zeros = 0;
  for (let i = 0; i < per; i++) {
    assert.ok(!Number.isNaN(b.data[i]), `pixel ${i} is a number`);
    if (b.data[i] === 0) zeros++;
  }
  // The west third (2714 m of 6000 m) is outside: 13 or 14 of 30 columns are 0.
  assert.ok(zeros >= 13 * 30 && zeros <= 14 * 30, `${zeros} pixels are 0`);
  const nan = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear', nodata: Number.NaN });
  const c = await first(nan.flow(EDGE, 30, 30, { batchSize: 2 }));
  for (let i = 0; i < per; i++) assert.equal(Number.isNaN(c.data[i]), b.data[i] === 0, `pixel ${i}: NaN exactly where the default is 0`);
  await dem.close();
  await nan.close();
});

test('mask: true adds a validity layer after the others (1 from the source, 0 outside) in either interleave, after the callbacks', async () => {
  const plain = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear' });
  const masked = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear', mask: true });
  const seen: number[][] = [];
  masked.addPreprocessCallback('double', (s: SampleArray) => {
    seen.push(s.shape);
    return s.data.map((v) => v * 2);
  });
  const p = await first(plain.flow(EDGE, 30, 30, { batchSize: 2 }));
  const m = await first(masked.flow(EDGE, 30, 30, { batchSize: 2 }));
  assert.deepEqual(m.shape, [2, 30, 30, 2], "'pixel': [batch, h, w, bands + 1]");
  assert.deepEqual(seen[0], [1, 30, 30, 1], 'the callbacks see the bands only');
  let valid = 0;
  for (let i = 0; i < 2 * 900; i++) {
    const v = m.data[2 * i + 1];
    assert.ok(v === 0 || v === 1, 'the validity layer is 0 or 1');
    valid += v;
    assert.equal(m.data[2 * i], p.data[i] * 2, `pixel ${i}: the callback's value`);
    if (i >= 900) assert.equal(v, 1, 'the inside sample is valid everywhere');
    if (v === 0) assert.equal(p.data[i], 0, 'an invalid pixel is 0 in the plain read');
  }
  assert.ok(valid >= 900 + 16 * 30 && valid <= 900 + 17 * 30, `valid pixels ${valid}`);
  const band = await open('L7_ETMs.tif', { indexes: [3, 2, 1], interleave: 'band', mask: true });
  const bb = await first(band.flow(EDGE, 20, 20, { batchSize: 2 }));
  assert.deepEqual(bb.shape, [2, 4, 20, 20], "'band': [batch, bands + 1, h, w]");
  const one = await open('L7_ETMs.tif', { indexes: 1, mask: true });
  const ob = await first(one.flow(EDGE, 20, 20, { batchSize: 2 }));
  assert.deepEqual(ob.shape, [2, 20, 20, 2], 'a single band index gains a layer axis');
  assert.equal(ob.layout, 'pixel');
  await Promise.all([plain, masked, band, one].map((g) => g.close()));
});

test('mask: true makes attributes leave invalid pixels out (count = valid pixels); a mask of polygons at open is an ArgumentError', async () => {
  const masked = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear', mask: true });
  const withStats = await attributes(masked, EDGE, { width: 30, height: 30, stats: ['count', 'nodata', 'min'] });
  const b = await first(masked.flow(EDGE, 30, 30, { batchSize: 2 }));
  let valid = 0;
  for (let i = 0; i < 900; i++) valid += b.data[2 * i + 1];
  assert.deepEqual(Array.from(withStats.column('count') as Float64Array), [valid, 900]);
  assert.deepEqual(Array.from(withStats.column('nodata') as Float64Array), [900 - valid, 0]);
  assert.ok((withStats.column('min') as Float64Array)[0] > 0, 'the 0s outside are not the minimum');
  await masked.close();
  await assert.rejects(open('olinda_dem_utm25s.tif', { mask: { type: 'FeatureCollection', features: [] } }), ArgumentError, { input: 'mask', message: /intersects\(mask\)/ });
  await assert.rejects(open('olinda_dem_utm25s.tif', { mask: 1 }), ArgumentError, { input: 'mask' });
});
