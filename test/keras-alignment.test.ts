/**
 * flow(..., { alignment: 'keras-spatial' }) against batches made by Keras Spatial itself
 * (test/reference/ks-flows.py), bit for bit, same-CRS and reprojected. Runs in Node, Deno and Chromium.
 */
import { assert, test, testEnv } from './lib/harness.js';
import { SampleError, SampleSet, SpatialDataGenerator, type Resampling } from '../src/index.js';
import { typed } from './lib/rasters.js';
import ks from './fixtures/ks-flows/cases.json' with { type: 'json' };

interface KsCase {
  name: string;
  source: string;
  crs: string;
  boxes: [number, number, number, number][];
  count: number;
  width: number;
  height: number;
  indexes: number[];
  resampling: string;
  batchSize: number;
  dtype: string;
  shape: number[];
  note: string;
}

const source = (s: string) => (s.startsWith('shared:') ? testEnv().sharedSource(s.slice(7)) : testEnv().fixtureSource(s.slice(8)));

/** Pixels of Keras Spatial's batches and of geotensor's flow for one case. */
async function both(c: KsCase, alignment: 'exact' | 'keras-spatial') {
  const expected = typed(c.dtype, await testEnv().fixtureBytes(`ks-flows/${c.name}.bin`));
  const sdg = await SpatialDataGenerator.open(await source(c.source), { indexes: c.indexes, interleave: 'band', resampling: c.resampling as Resampling });
  const samples = SampleSet.fromBounds(c.boxes, c.crs);
  const got: number[] = [];
  for await (const b of sdg.flow(samples, c.width, c.height, { batchSize: c.batchSize, alignment })) {
    assert.deepEqual(b.shape.slice(1), c.shape.slice(1), 'sample shape');
    for (const v of b.data) got.push(v);
    if (got.length >= expected.length) break;
  }
  await sdg.close();
  let equal = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    if (got[i] === expected[i]) equal++;
    else maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
  }
  return { equal, total: expected.length, maxDiff };
}

for (const c of (ks as unknown as { cases: KsCase[] }).cases) {
  test(`alignment 'keras-spatial' reproduces Keras Spatial's batches: ${c.name} (${c.note})`, async () => {
    const r = await both(c, 'keras-spatial');
    // Bit for bit, the reprojected case too (GDAL 3.8.4 here, Debian's 3.6.2 under Keras Spatial).
    assert.equal(r.equal, r.total, `every value equal (max |diff| ${r.maxDiff})`);
  });
}

test("the default alignment differs from Keras Spatial's where its windows snap (lux: bottom rows one pixel north)", async () => {
  const c = (ks as unknown as { cases: KsCase[] }).cases.find((k) => k.name === 'lux-64-nearest')!;
  const r = await both(c, 'exact');
  assert.ok(r.equal < r.total, `exact reads differ somewhere (${r.total - r.equal} values)`);
});

test("alignment 'keras-spatial': a sample whose snapped window is not width×height is a SampleError naming it; a bad alignment is an ArgumentError", async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  // The second box is wider than the first: at the first row's resolution its window is 40 pixels wide.
  const samples = SampleSet.fromBounds(
    [
      [6, 49.5, 6.1, 49.6],
      [6, 49.6, 6.125, 49.7],
    ],
    'EPSG:4326',
  );
  const seen: number[] = [];
  for await (const b of sdg.flow(samples, 32, 32, { alignment: 'keras-spatial', onError: 'skip', batchSize: 2 })) seen.push(...b.indices, ...(b.skipped ?? []).map((i) => -1 - i));
  assert.deepEqual(seen, [0, -2], 'sample 1 skipped');
  const it = sdg.flow(samples, 32, 32, { alignment: 'keras-spatial' })[Symbol.asyncIterator]();
  await assert.rejects(it.next(), SampleError, { message: /sample 1 .*40x32 pixels/ });
  assert.throws(() => sdg.flow(samples, 32, 32, { alignment: 'snap' as never }), Error, { input: 'alignment' });
  await sdg.close();
});
