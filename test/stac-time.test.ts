/**
 * STAC with time: the catalog of test/fixtures/stac has two dates (2002-07-01: west and east, side
 * by side; 2002-08-01: later, in the middle). Steps are checked against native gdalwarp of each
 * date's files alone (reference/across-DAY-ASSET.tif), padding, picks, windows, per-sample intervals
 * and 5-D batches.
 */
import { differing, stacReference } from './lib/stac.js';
import { assert, remoteUrl, test } from './lib/harness.js';
import { ArgumentError, attributes, openStac, SampleError, SampleSet, SpatialDataGenerator, zip, type Resampling } from '../src/index.js';

const ASSETS = ['B1', 'B2', 'B3', 'B4'];
const ACROSS = { bounds: [-34.915, -8.01, -34.875, -7.975] as [number, number, number, number], crs: 'EPSG:4326', width: 40, height: 44, resampling: 'bilinear' as Resampling };
const WEST = { bounds: [289500, 9118500, 291500, 9120500] as [number, number, number, number], crs: 'EPSG:31985', width: 50, height: 50, resampling: 'bilinear' as Resampling };
const JULY = '2002-07-01T12:40:00.000Z';
const AUGUST = '2002-08-01T12:40:00.000Z';
const catalog = () => remoteUrl('ok', 'stac/catalog.json');

const reference = stacReference;

test('time steps: each date of a box is its own mosaic (items of one day together), equal to native gdalwarp of that date alone; fewer dates are padded', async () => {
  const ts = await openStac(catalog(), { assets: ASSETS, time: { steps: 2 } });
  assert.deepEqual(
    ts.dates.map((d) => d.datetime),
    [JULY, AUGUST],
    'two dates (west and east on one day)',
  );
  const w = await ts.readWindow(ACROSS);
  assert.deepEqual(w.times, [JULY, AUGUST]);
  const plane = ACROSS.width * ACROSS.height;
  assert.deepEqual(w.shape, [8, ACROSS.height, ACROSS.width]);
  for (const [t, day] of ['0701', '0801'].entries()) {
    for (const [k, a] of ASSETS.entries()) {
      const at = (t * 4 + k) * plane;
      assert.equal(
        differing(w.data.subarray(at, at + plane), await reference(`across-${day}-${a}`)),
        0,
        `step ${t} (${day}), ${a}: pixels differing from native gdalwarp of that date`,
      );
    }
  }
  // A box only the first date's items meet: one date, then a padded step (nodata, mask 0).
  const west = await ts.readWindow({ ...WEST, mask: true });
  assert.deepEqual(west.times, [JULY, null]);
  const block = 5 * WEST.width * WEST.height;
  const refWest = await reference('west-B1');
  assert.equal(differing(west.data.subarray(0, WEST.width * WEST.height), refWest), 0, 'step 0 B1 = native');
  assert.ok(
    west.data.subarray(block).every((v) => v === 0),
    'the padded step is nodata, its mask 0',
  );
  assert.ok(
    west.data.subarray(4 * WEST.width * WEST.height, block).every((v) => v === 1),
    'step 0 mask: valid everywhere',
  );
  await ts.close();
});

test("time picks, windows and grouping: 'latest', 'earliest', 'all' (too many dates is a SampleError), window, groupBy 'item'", async () => {
  const latest = await openStac(catalog(), { assets: ['B1'], time: { steps: 1 } });
  assert.deepEqual((await latest.readWindow(ACROSS)).times, [AUGUST]);
  await latest.close();
  const earliest = await openStac(catalog(), { assets: ['B1'], time: { steps: 1, pick: 'earliest' } });
  const e = await earliest.readWindow(ACROSS);
  assert.deepEqual(e.times, [JULY]);
  assert.equal(differing(e.data, await reference('across-0701-B1')), 0, 'earliest = the July mosaic');
  await earliest.close();
  const all = await openStac(catalog(), { assets: ['B1'], time: { steps: 1, pick: 'all' } });
  await assert.rejects(all.readWindow(ACROSS), SampleError, { message: /2 dates meet the box .* more than steps \(1\) with pick: 'all'/ });
  assert.deepEqual((await all.readWindow(WEST)).times, [JULY], "'all' with one date is fine");
  await all.close();
  const august = await openStac(catalog(), { assets: ['B1'], time: { steps: 2, window: ['2002-07-15', new Date('2002-09-01T00:00:00Z')] } });
  assert.deepEqual(
    august.dates.map((d) => d.datetime),
    [AUGUST],
    'dates outside the window are not opened',
  );
  assert.deepEqual((await august.readWindow(WEST)).times, [null, null], 'no date meets the west box in the window: all padding');
  await august.close();
  const items = await openStac(catalog(), { assets: ['B1'], time: { steps: 3, groupBy: 'item' } });
  assert.deepEqual((await items.readWindow(ACROSS)).times, [JULY, AUGUST, null], 'the box meets west and later, not east');
  const middle = { ...ACROSS, bounds: [-34.88, -8.0, -34.86, -7.98] as [number, number, number, number] };
  assert.deepEqual((await items.readWindow(middle)).times, [JULY, JULY, AUGUST], 'west, east, later: a step each');
  await items.close();
  await assert.rejects(openStac(catalog(), { assets: ['B1'], time: { steps: 0 } }), ArgumentError, { input: 'time.steps' });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], time: { steps: 1, window: ['2003-01-01', '2002-01-01'] } }), ArgumentError, { input: 'time.window' });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], time: { steps: 1, window: ['1990-01-01', '1990-12-31'] } }), Error, {
    message: /no item is dated within time.window/,
  });
});

test('a flow with time: [batch, steps, h, w, assets] batches with times and a time mask; per-sample intervals from time_start / time_end columns', async () => {
  const sdg = await SpatialDataGenerator.open(catalog(), { assets: ASSETS, resampling: 'bilinear', time: { steps: 2 } });
  const samples = SampleSet.fromBounds([ACROSS.bounds, ACROSS.bounds, [-34.927, -7.96, -34.91, -7.95]], 'EPSG:4326', {
    time_start: [null, null, null],
    time_end: [null, '2002-07-31T00:00:00Z', null],
  });
  const batches = [];
  for await (const b of sdg.flow(samples, 40, 44, { batchSize: 3 })) batches.push(b);
  assert.equal(batches.length, 1);
  const b = batches[0];
  assert.deepEqual(b.shape, [3, 2, 44, 40, 4]);
  assert.deepEqual(b.times, [
    [JULY, AUGUST],
    [JULY, null],
    [JULY, null],
  ]);
  assert.deepEqual(Array.from(b.timeMask!), [1, 1, 1, 0, 1, 0]);
  // Sample 0, step 1 (August), pixel-interleaved: band k of pixel p at ((0 * 2 + 1) * plane + p) * 4 + k.
  const plane = 40 * 44;
  const ref = await Promise.all(ASSETS.map((a) => reference(`across-0801-${a}`)));
  let bad = 0;
  for (let p = 0; p < plane; p++) for (let k = 0; k < 4; k++) if (b.data[(plane + p) * 4 + k] !== ref[k][p]) bad++;
  assert.equal(bad, 0, 'sample 0, step 1 = native gdalwarp of August');
  // Sample 1 (ends in July): its second step is padding (nodata 0).
  assert.ok(
    b.data.subarray(3 * plane * 4, 4 * plane * 4).every((v) => v === 0),
    'padded step of sample 1',
  );
  // 'band' interleave: [batch, steps, assets, h, w].
  const banded = await SpatialDataGenerator.open(catalog(), { assets: ['B1', 'B4'], interleave: 'band', resampling: 'bilinear', time: { steps: 2 } });
  for await (const bb of banded.flow(samples.take(1), 40, 44, { batchSize: 1 })) {
    assert.deepEqual(bb.shape, [1, 2, 2, 44, 40]);
    assert.equal(differing(bb.data.subarray(2 * plane, 3 * plane), await reference('across-0801-B1')), 0, "'band': step 1, B1");
  }
  await banded.close();
  // zip aligns flows with time axes of other lengths and bands by their height and width.
  const one = await SpatialDataGenerator.open(catalog(), { assets: ['B1'], time: { steps: 1 } });
  for await (const [x, y] of zip(sdg.flow(samples, 40, 44, { batchSize: 3 }), one.flow(samples, 40, 44, { batchSize: 3 }))) {
    assert.deepEqual(
      [x.shape, y.shape],
      [
        [3, 2, 44, 40, 4],
        [3, 1, 44, 40, 1],
      ],
    );
  }
  await one.close();
  // What needs one date per sample refuses a time axis rather than reading it wrong.
  await assert.rejects(sdg.footprint(), ArgumentError, { input: 'footprint' });
  await assert.rejects(attributes(sdg, samples, { width: 8, height: 8, stats: ['mean'] }), ArgumentError, { input: 'source' });
  await assert.rejects(
    async () => {
      for await (const _ of sdg.flow(samples, 40, 44, { alignment: 'keras-spatial' }));
    },
    ArgumentError,
    { input: 'alignment' },
  );
  await sdg.close();
  await assert.rejects(SpatialDataGenerator.open(catalog(), { time: { steps: 2 } }), ArgumentError, { input: 'time' });
});

test("quality masks: a date whose quality asset is bad over maxFraction of the box is dropped (the next date taken) or kept as padding ('mask')", async () => {
  const ts = await openStac(catalog(), { assets: ['B1', 'B4'], time: { steps: 2 } });
  const bad = (v: number) => v >= 70;
  // Each date's bad fraction, measured on its B4 read nearest through the box.
  const fractions = await Promise.all(
    ts.dates.map(async (d) => {
      const w = await d.stack.readWindow({ ...ACROSS, bands: [2], resampling: 'nearest' });
      return w.data.filter(bad).length / w.data.length;
    }),
  );
  await ts.close();
  assert.ok(Math.abs(fractions[0] - fractions[1]) > 0.05, `the two dates differ in bad pixels (${fractions.map((f) => f.toFixed(3))})`);
  const maxFraction = (fractions[0] + fractions[1]) / 2;
  const [clear, cloudy] = fractions[0] < fractions[1] ? [JULY, AUGUST] : [AUGUST, JULY];
  const quality = { asset: 'B4', bad, maxFraction };
  for (const pick of ['latest', 'earliest'] as const) {
    const one = await openStac(catalog(), { assets: ['B1', 'B4'], time: { steps: 1, pick, quality } });
    assert.deepEqual((await one.readWindow(ACROSS)).times, [clear], `${pick}: the cloudy date (${cloudy}) dropped, the clear one taken`);
    await one.close();
  }
  const masked = await openStac(catalog(), { assets: ['B1', 'B4'], time: { steps: 2, quality: { ...quality, action: 'mask' } } });
  const m = await masked.readWindow(ACROSS);
  assert.deepEqual(m.times, [clear, null], "'mask': the cloudy date kept as padding");
  const plane = ACROSS.width * ACROSS.height;
  assert.ok(
    m.data.subarray(2 * plane).every((v) => v === 0),
    'the masked step is nodata',
  );
  await masked.close();
  const listed = await openStac(catalog(), { assets: ['B4'], time: { steps: 2, quality: { asset: 'B4', bad: [0], maxFraction: 1 } } });
  assert.deepEqual((await listed.readWindow(ACROSS)).times, [JULY, AUGUST], 'a list of bad values; maxFraction 1 keeps every date');
  await listed.close();
  await assert.rejects(openStac(catalog(), { assets: ['B1'], time: { steps: 1, quality: { asset: 'SCL', bad: [9] } } }), ArgumentError, { input: 'time.quality.asset' });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], time: { steps: 1, quality: { asset: 'B1', bad: [9], maxFraction: 2 } } }), ArgumentError, {
    input: 'time.quality.maxFraction',
  });
});
