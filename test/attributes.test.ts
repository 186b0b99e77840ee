/** Per-sample attributes against native GDAL, global statistics, normalisation, terrain, class balance. */
import { assert, test, testEnv } from './lib/harness.js';
import { ArgumentError, attributes, globalStats, normalize, SampleSet, SpatialDataGenerator, terrain, type SampleArray } from '../src/index.js';
import stats from './fixtures/reference/stats.json' with { type: 'json' };
import cases from './fixtures/reference/cases.json' with { type: 'json' };

interface StatCase {
  bounds: number[];
  crs: string;
  width: number;
  height: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  count: number;
  command: string;
}

test('attributes equal native gdalwarp + gdalinfo -stats for the same boxes (nodata excluded and counted)', async () => {
  const list = (stats as unknown as { gdal: string; cases: StatCase[] }).cases;
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { dtype: 'float32', resampling: 'bilinear' });
  const samples = SampleSet.fromBounds(
    list.map((c) => c.bounds),
    'EPSG:2169',
  );
  const withStats = await attributes(sdg, samples, { width: 20, height: 20, stats: ['min', 'max', 'mean', 'std', 'count', 'nodata', 'sum'] });
  list.forEach((c, i) => {
    const v = (name: string) => (withStats.column(name) as Float64Array)[i];
    assert.equal(v('count'), c.count, `count of box ${i} (${c.command})`);
    assert.equal(v('nodata'), 400 - c.count, `nodata of box ${i}`);
    if (c.min === null) {
      assert.ok(Number.isNaN(v('min')) && Number.isNaN(v('mean')), 'no valid pixel: NaN statistics');
      return;
    }
    // gdalinfo -json prints statistics rounded to 3 decimals
    for (const k of ['min', 'max', 'mean', 'std'] as const) assert.close(v(k), c[k]!, 0.0006, `${k} of box ${i}`);
    assert.close(v('sum'), v('mean') * v('count'), 1e-6 * Math.abs(v('sum')), 'sum');
  });
  await sdg.close();
});

test('classCounts on lc.tif equal the class counts of native gdalwarp pixels; custom columns', async () => {
  const c = (cases as unknown as { cases: { name: string; out: string; bounds: number[]; width: number; height: number }[] }).cases.find(
    (x) => x.name === 'lc-same-nearest-uint8',
  )!;
  const native = await testEnv().fixtureBytes(`reference/${c.out}`);
  const expected = new Map<number, number>();
  for (const v of native) expected.set(v, (expected.get(v) ?? 0) + 1);
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('lc.tif'));
  const samples = SampleSet.fromBounds([c.bounds], sdg.crs);
  const out = await attributes(sdg, samples, { width: c.width, height: c.height, stats: ['classCounts'], custom: { first: (s: SampleArray) => s.data[0] } });
  for (const [v, n] of expected) assert.equal((out.column(`class_${v}`) as Float64Array)[0], n, `class ${v}`);
  assert.equal((out.column('first') as Float64Array)[0], native[0], 'custom column sees the raw pixels');
  await sdg.close();
});

test('global statistics pool the per-sample columns exactly; normalize maps [gmin, gmax] to [0, 1]', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { dtype: 'float32', nodata: Number.NaN, crs: 'EPSG:2169' });
  const samples = sdg.regularGrid(10000, 10000);
  const withStats = await attributes(sdg, samples, { width: 16, height: 16, stats: ['min', 'max', 'mean', 'std', 'count'] });
  const g = globalStats(withStats);
  let n = 0;
  let s1 = 0;
  let s2 = 0;
  let mn = Infinity;
  let mx = -Infinity;
  for await (const b of sdg.flow(samples, 16, 16, { batchSize: 8 })) {
    for (const v of b.data) {
      if (Number.isNaN(v)) continue;
      n++;
      s1 += v;
      s2 += v * v;
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
  }
  assert.equal(g.count, n);
  assert.equal(g.min, mn);
  assert.equal(g.max, mx);
  assert.close(g.mean, s1 / n, 1e-9 * Math.abs(s1 / n));
  assert.close(g.std, Math.sqrt(s2 / n - (s1 / n) ** 2), 1e-6);
  sdg.addPreprocessCallback('normalize', normalize(g.min, g.max));
  for await (const b of sdg.flow(samples, 16, 16, { batchSize: 64 })) {
    const valid = Array.from(b.data).filter((v) => !Number.isNaN(v));
    assert.equal(Math.min(...valid), 0);
    assert.ok(Math.abs(Math.max(...valid) - 1) < 1e-6);
  }
  await sdg.close();
});

test('terrain (Evans–Young) on a tilted plane: slope atan(0.1), aspect west; adds five layers on real samples', async () => {
  const w = 8;
  const plane = new Float32Array(w * w);
  for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) plane[y * w + x] = 0.1 * (x * 10); // 10 m pixels, rising east
  const out = terrain(['slope', 'aspect'])({ data: plane, shape: [1, w, w, 1], bounds: [0, 0, 80, 80] });
  assert.deepEqual(out.shape, [1, w, w, 3]);
  const p = (4 * w + 4) * 3;
  assert.close(out.data[p + 1], (Math.atan(0.1) * 180) / Math.PI, 1e-4, 'slope in degrees');
  assert.close(out.data[p + 2], 270, 1e-4, 'aspect: downslope to the west');
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('olinda_dem_utm25s.tif'), { dtype: 'float32', resampling: 'bilinear' });
  sdg.addPreprocessCallback('terrain', terrain());
  for await (const b of sdg.flow(sdg.regularGrid(2000, 2000), 32, 32, { batchSize: 4 })) {
    assert.deepEqual(b.shape, [4, 32, 32, 6]);
    const slopes = Array.from({ length: 4 * 32 * 32 }, (_, i) => b.data[i * 6 + 1]);
    assert.ok(
      slopes.every((v) => v >= 0 && v < 90),
      'slopes in [0, 90)',
    );
    break;
  }
  await sdg.close();
});

test("terrain's mean curvature on a paraboloid is -1/R at its apex, in either interleave; Keras Spatial's six layers", () => {
  const w = 9;
  const R = 50;
  const z = new Float32Array(w * w);
  for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) z[y * w + x] = (((x - 4) * 2) ** 2 + ((y - 4) * 2) ** 2) / (2 * R); // 2 m pixels
  const bounds: [number, number, number, number] = [0, 0, 18, 18];
  const pixel = terrain()({ data: z, shape: [1, w, w, 1], bounds, layout: 'pixel' });
  assert.deepEqual(pixel.shape, [1, w, w, 6], 'elevation and five derivatives: six layers, as Keras Spatial');
  const centre = 4 * w + 4;
  assert.close(pixel.data[centre * 6 + 5], -1 / R, 1e-6, 'mean curvature at the apex');
  const band = terrain()({ data: z, shape: [1, 1, w, w], bounds, layout: 'band' });
  assert.deepEqual(band.shape, [1, 6, w, w]);
  for (let k = 0; k < 6; k++) {
    for (let i = 0; i < w * w; i++) {
      const a = pixel.data[i * 6 + k];
      const b = band.data[k * w * w + i];
      assert.ok(Object.is(a, b) || Math.abs(a - b) < 1e-9, `layer ${k} pixel ${i}: ${a} vs ${b}`);
    }
  }
});

test("normalize scales every layer, or with { layer } only that one (Keras Spatial's normalize(arr, gmin, gmax, layer)), in either interleave", () => {
  // 2×2 pixels, 2 layers: layer 0 = 10, 20, 30, 40; layer 1 = 5, 5, 5, 5.
  const pixel = { data: Float32Array.from([10, 5, 20, 5, 30, 5, 40, 5]), shape: [1, 2, 2, 2], layout: 'pixel' as const };
  const band = { data: Float32Array.from([10, 20, 30, 40, 5, 5, 5, 5]), shape: [1, 2, 2, 2], layout: 'band' as const };
  assert.deepEqual(
    Array.from(normalize(0, 100, { layer: 0 })(pixel).data),
    [0.1, 5, 0.2, 5, 0.3, 5, 0.4, 5].map((v) => Math.fround(v)),
  );
  assert.deepEqual(
    Array.from(normalize(0, 100, { layer: 0 })(band).data),
    [0.1, 0.2, 0.3, 0.4, 5, 5, 5, 5].map((v) => Math.fround(v)),
  );
  assert.deepEqual(Array.from(normalize(0, 10)(band).data), [1, 2, 3, 4, 0.5, 0.5, 0.5, 0.5]);
  assert.throws(() => normalize(0, 10, { layer: 2 })(pixel), ArgumentError, { input: 'normalize layer' });
});

test('balance on lc.tif majority classes: undersample, oversample, weights', async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('lc.tif'));
  const grid = sdg.regularGrid(6, 6, { units: 'pixels' });
  const majority = (s: SampleArray) => {
    const m = new Map<number, number>();
    for (const v of s.data) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  };
  const s = await attributes(sdg, grid, { width: 6, height: 6, stats: ['classCounts'], custom: { majority } });
  const count = (x: SampleSet) => {
    const m = new Map<number, number>();
    for (const v of x.column('majority') as Float64Array) m.set(v, (m.get(v) ?? 0) + 1);
    return m;
  };
  const before = count(s);
  assert.ok(before.size >= 3, `classes ${[...before.keys()]}`);
  const sizes = [...before.values()];
  const under = count(s.balance('majority', { strategy: 'undersample', seed: 1 }));
  assert.ok(
    [...under.values()].every((n) => n === Math.min(...sizes)),
    `undersampled ${[...under.values()]}`,
  );
  const over = count(s.balance('majority', { strategy: 'oversample', seed: 1 }));
  assert.ok(
    [...over.values()].every((n) => n === Math.max(...sizes)),
    `oversampled ${[...over.values()]}`,
  );
  const w = s.balance('majority', { strategy: 'weights' });
  const per = new Map<number, number>();
  const wc = w.column('weight') as Float64Array;
  (w.column('majority') as Float64Array).forEach((v, i) => per.set(v, (per.get(v) ?? 0) + wc[i]));
  const totals = [...per.values()];
  assert.ok(
    totals.every((t) => Math.abs(t - totals[0]) < 1e-9),
    `each class weighs the same in total: ${totals}`,
  );
  await sdg.close();
});
