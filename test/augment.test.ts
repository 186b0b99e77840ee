/**
 * Georeferenced augmentation: turned sample grids against native gdalwarp into a turned target
 * (references by test/reference/rotated.py); the eight orientations; the flow option `augment`
 * (aligned across zipped flows, per epoch, recorded in batch.transforms); PredictionWriter undoing
 * it (an augmented identity round trip equals the plain one); `samples.augment`; errors.
 */
import { assert, test, testEnv } from './lib/harness.js';
import {
  ArgumentError,
  composeOrientation,
  exportChips,
  inverseOrientation,
  openRaster,
  orient,
  PredictionWriter,
  SampleError,
  SampleSet,
  SpatialDataGenerator,
  zip,
  type Batch,
} from '../src/index.js';
import caseList from './fixtures/rotated/cases.json' with { type: 'json' };

interface Case {
  file: string;
  crs: string;
  bounds: [number, number, number, number];
  width: number;
  height: number;
  rotation: number;
  resampling: 'near' | 'bilinear';
  nodata: number | null;
  values: number[];
}
const { cases } = caseList as unknown as { cases: Case[] };

async function open(file: string, options: Record<string, unknown> = {}) {
  return SpatialDataGenerator.open(await testEnv().sharedSource(file), options);
}

for (const c of cases) {
  test(`augment: a grid turned ${c.rotation}° (${c.resampling}) equals native gdalwarp into the turned target`, async () => {
    const sdg = await open(c.file, { crs: c.crs, dtype: 'float32', resampling: c.resampling === 'near' ? 'nearest' : 'bilinear' });
    try {
      const s = SampleSet.fromBounds([c.bounds], c.crs, { rotation: [c.rotation] });
      const got = await sdg.readSample(s, 0, c.width, c.height);
      assert.equal(got.data.length, c.values.length);
      let worst = 0;
      for (let i = 0; i < c.values.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - c.values[i]));
      assert.ok(worst <= (c.resampling === 'near' ? 0 : 1e-3), `largest difference ${worst}`);
      // Not the unturned box: the turn matters.
      const plain = await sdg.readSample(SampleSet.fromBounds([c.bounds], c.crs), 0, c.width, c.height);
      assert.ok(
        plain.data.some((v, i) => Math.abs(v - c.values[i]) > 1),
        'turned and unturned reads differ',
      );
    } finally {
      await sdg.close();
    }
  });
}

/** numpy's conventions: rot90 (counter-clockwise), fliplr, flipud on an h×w grid of ids. */
function spec(h: number, w: number, o: number): { data: number[]; h: number; w: number } {
  let g = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => y * w + x));
  if (o & 4) g = g.map((row) => [...row].reverse());
  for (let t = 0; t < (o & 3); t++) g = Array.from({ length: g[0].length }, (_, y) => g.map((row) => row[row.length - 1 - y]));
  return { data: g.flat(), h: g.length, w: g[0].length };
}

test('augment: the eight orientations are numpy rot90 after fliplr, in every layout; inverse and compose hold', () => {
  const [h, w] = [3, 4];
  const ids = Float32Array.from({ length: h * w }, (_, i) => i);
  for (let o = 0; o < 8; o++) {
    const want = spec(h, w, o).data;
    assert.deepEqual(Array.from(orient(ids, h, w, 1, 'squeezed', o)), want, `code ${o}`);
    // Two layers, pixel-interleaved and band-sequential: each layer turns the same way.
    const px = Float32Array.from({ length: h * w * 2 }, (_, i) => (i % 2 ? 100 : 0) + Math.floor(i / 2));
    const gotPx = Array.from(orient(px, h, w, 2, 'pixel', o));
    assert.deepEqual(
      gotPx.filter((_, i) => i % 2 === 0),
      want,
    );
    assert.deepEqual(
      gotPx.filter((_, i) => i % 2 === 1),
      want.map((v) => v + 100),
    );
    const band = Float32Array.from({ length: h * w * 2 }, (_, i) => i);
    assert.deepEqual(
      Array.from(orient(band, h, w, 2, 'band', o)).slice(h * w),
      want.map((v) => v + h * w),
    );
    const [oh, ow] = o & 1 ? [w, h] : [h, w];
    assert.deepEqual(Array.from(orient(orient(ids, h, w, 1, 'squeezed', o), oh, ow, 1, 'squeezed', inverseOrientation(o))), Array.from(ids), `undo ${o}`);
    for (let p = 0; p < 8; p++) {
      const [h1, w1] = o & 1 ? [w, h] : [h, w];
      const twice = orient(orient(ids, h, w, 1, 'squeezed', o), h1, w1, 1, 'squeezed', p);
      assert.deepEqual(Array.from(twice), Array.from(orient(ids, h, w, 1, 'squeezed', composeOrientation(o, p))), `${o} then ${p}`);
    }
  }
  assert.deepEqual(spec(2, 2, 6).data, [2, 3, 0, 1], 'code 6 is a top–bottom flip');
});

async function collect<T = Batch>(flow: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of flow) out.push(b);
  return out;
}

test('augment: zipped flows with the same option flip and turn each sample alike, per epoch, recorded in batch.transforms', async () => {
  const dem = await open('elev.tif', { crs: 'EPSG:2169', dtype: 'float32', interleave: 'band' });
  const lab = await open('elev.tif', { crs: 'EPSG:2169', indexes: 1, resampling: 'nearest' });
  try {
    const s = dem.regularGrid(6000, 6000).take(64);
    const augment = { flip: true, rot90: true, seed: 5 };
    const plain = await collect(dem.flow(s, 16, 16, { batchSize: 16 }));
    const z = zip(dem.flow(s, 16, 16, { batchSize: 16, augment }), lab.flow(s, 16, 16, { batchSize: 16, augment }));
    const epochs: Uint8Array[] = [];
    for (let e = 0; e < 2; e++) {
      const codes: number[] = [];
      let k = 0;
      for await (const [a, b] of z) {
        assert.deepEqual(Array.from(a.transforms!), Array.from(b.transforms!), 'same orientation in both flows');
        const per = 16 * 16;
        for (let j = 0; j < a.indices.length; j++, k++) {
          const o = a.transforms![j];
          codes.push(o);
          const want = orient(plain[Math.floor(k / 16)].data.subarray(j * per, (j + 1) * per) as Float32Array, 16, 16, 1, 'band', o);
          assert.deepEqual(Array.from(a.data.subarray(j * per, (j + 1) * per)), Array.from(want), `sample ${a.indices[j]} is the plain sample in orientation ${o}`);
        }
      }
      epochs.push(Uint8Array.from(codes));
    }
    assert.equal(new Set(epochs[0]).size, 8, 'all eight orientations occur');
    assert.ok(
      epochs[0].some((v, i) => v !== epochs[1][i]),
      'another epoch, other orientations',
    );
    const again = await collect(dem.flow(s, 16, 16, { batchSize: 16, augment }));
    assert.deepEqual(Array.from(again.flatMap((b) => Array.from(b.transforms!))), Array.from(epochs[0]), 'a new flow repeats epoch 0');
    // Misconfigured: one flow augmented, the other not.
    await assert.rejects(collect(zip(dem.flow(s, 16, 16, { augment }), lab.flow(s, 16, 16))), SampleError, { message: /augment/ });
    assert.throws(() => dem.flow(s, 16, 8, { augment: { rot90: true } }), ArgumentError, { message: /square/ });
    assert.throws(() => dem.flow(s, 16, 16, { augment: { rotate: 10 } as never }), ArgumentError, { message: /samples\.augment/ });
    const flipsOnly = await collect(dem.flow(s, 16, 8, { augment: { flip: true, seed: 1 } }));
    assert.ok(flipsOnly.every((b) => b.transforms!.every((o) => o === 0 || o === 2 || o === 4 || o === 6)));
  } finally {
    await dem.close();
    await lab.close();
  }
});

test('augment: PredictionWriter undoes batch.transforms (an augmented identity round trip equals the plain one)', async () => {
  const dem = await open('elev.tif', { crs: 'EPSG:2169', dtype: 'float32', nodata: Number.NaN, interleave: 'pixel' });
  try {
    const s = dem.regularGrid(5000, 5000);
    const plain = PredictionWriter.forSamples(s, { resolution: 400, blend: 'distance' });
    for await (const b of dem.flow(s, 20, 20)) plain.addBatch(s, b.indices, b);
    const aug = PredictionWriter.forSamples(s, { resolution: 400, blend: 'distance' });
    let turned = 0;
    for await (const b of dem.flow(s, 20, 20, { augment: { flip: true, rot90: true, seed: 2 } })) {
      turned += b.transforms!.filter((o) => o !== 0).length;
      aug.addBatch(s, b.indices, b, b.transforms);
    }
    assert.ok(turned > s.length / 2, `${turned} of ${s.length} samples were flipped or turned`);
    const [p, q] = [plain.pixels(), aug.pixels()];
    assert.ok(
      p.some((v) => Number.isFinite(v)),
      'some pixels written',
    );
    assert.deepEqual(Array.from(q), Array.from(p), 'same raster');
    // Without undoing, it is not the same raster.
    const wrong = PredictionWriter.forSamples(s, { resolution: 400, blend: 'distance' });
    for await (const b of dem.flow(s, 20, 20, { augment: { flip: true, rot90: true, seed: 2 } })) wrong.addBatch(s, b.indices, b);
    assert.ok(wrong.pixels().some((v, i) => Number.isFinite(v) && Math.abs(v - p[i]) > 1));
    assert.throws(() => aug.addBatch(s, [0], { data: new Float32Array(400), shape: [1, 20, 20] }, [9]), ArgumentError, { message: /transforms/ });
  } finally {
    await dem.close();
  }
});

test('augment: samples.augment makes reproducible shifted, rescaled and turned boxes; turned predictions go back on the map', async () => {
  const dem = await open('elev.tif', { crs: 'EPSG:2169', dtype: 'float32', nodata: Number.NaN, resampling: 'bilinear' });
  try {
    const s = dem.regularGrid(8000, 8000).withColumn(
      'k',
      Float64Array.from({ length: 70 }, (_, i) => i * 10),
    );
    const a = s.augment({ jitter: 500, scale: [0.8, 1.25], rotate: 30, copies: 2, seed: 3 });
    assert.equal(a.length, 2 * s.length);
    assert.deepEqual(a.columnNames.sort(), ['k', 'rotation', 'source']);
    for (let i = 0; i < a.length; i++) {
      const src = a.column('source')[i] as number;
      const [x0, y0, x1, y1] = a.bounds(i);
      const [sx0, sy0, sx1, sy1] = s.bounds(src);
      assert.ok(Math.abs((x0 + x1) / 2 - (sx0 + sx1) / 2) <= 500 && Math.abs((y0 + y1) / 2 - (sy0 + sy1) / 2) <= 500, 'centre within the jitter');
      const f = (x1 - x0) / (sx1 - sx0);
      assert.ok(f >= 0.8 - 1e-12 && f <= 1.25 + 1e-12 && Math.abs((y1 - y0) / (sy1 - sy0) - f) < 1e-9, 'one scale for both sides');
      assert.ok(Math.abs(a.column('rotation')[i] as number) <= 30);
      assert.equal(a.column('k')[i], src * 10, 'columns follow their row');
    }
    assert.deepEqual(Array.from(s.augment({ jitter: 500, scale: [0.8, 1.25], rotate: 30, copies: 2, seed: 3 }).minx), Array.from(a.minx), 'same seed, same boxes');
    // Turned samples written back with their rotation match the map away from the nodata border, as
    // well as unturned ones do; with the turn reversed they do not.
    const turned = s.augment({ rotate: 40, seed: 1 });
    const errorOf = async (set: SampleSet, sign: number) => {
      const w = PredictionWriter.forSamples(s, { resolution: 500, blend: 'mean' });
      for await (const b of dem.flow(set, 48, 48)) {
        for (let j = 0; j < b.indices.length; j++) {
          const i = b.indices[j];
          const r = set.hasColumn('rotation') ? (set.column('rotation')[i] as number) : 0;
          w.add(set.bounds(i), { data: b.data.subarray(j * 48 * 48, (j + 1) * 48 * 48), shape: [48, 48] }, sign * r);
        }
      }
      const px = w.pixels();
      const ref = (await dem.readWindow({ bounds: w.bounds, width: w.width, height: w.height })).data;
      const W = w.width;
      let [n, sum] = [0, 0];
      for (let i = 2 * W; i < px.length - 2 * W; i++) {
        const near = [i, i - 1, i + 1, i - 2, i + 2, i - W, i + W, i - 2 * W, i + 2 * W, i - W - 1, i - W + 1, i + W - 1, i + W + 1];
        if (!Number.isFinite(px[i]) || !near.every((j) => Number.isFinite(ref[j]))) continue;
        n++;
        sum += Math.abs(px[i] - ref[i]);
      }
      return sum / n;
    };
    const [plainErr, turnedErr, reversedErr] = [await errorOf(s, 1), await errorOf(turned, 1), await errorOf(turned, -1)];
    assert.ok(turnedErr < 1.5 * plainErr + 0.5, `turned round trip ${turnedErr} m against ${plainErr} m unturned`);
    assert.ok(reversedErr > 4 * turnedErr, `reversed turn ${reversedErr} m`);
    assert.throws(() => s.augment({ scale: [1.2, 0.8] }), ArgumentError, { message: /scale/ });
    assert.throws(() => s.augment({ jitter: -1 }), ArgumentError, { message: /jitter/ });
    assert.throws(() => s.augment({ flip: true } as never), ArgumentError, { message: /flow option/ });
    await assert.rejects(dem.readWindow({ bounds: [70000, 90000, 80000, 100000], width: 8, height: 8, rotation: Number.NaN }), ArgumentError, { message: /rotation/ });
    assert.throws(() => dem.flow(turned, 8, 8, { alignment: 'keras-spatial' }), ArgumentError, { message: /turned/ });
  } finally {
    await dem.close();
  }
});

test('augment: GeoTIFF chips of turned samples carry the turned geotransform', async () => {
  const dem = await open('elev.tif', { crs: 'EPSG:2169' });
  try {
    const s = SampleSet.fromBounds([[70000, 90000, 82000, 98000]], 'EPSG:2169', { rotation: [30] });
    const files = new Map<string, Uint8Array>();
    await exportChips(dem, s, { format: 'geotiff', dir: 'mem', width: 24, height: 16, writeFile: async (p, b) => void files.set(p, b) });
    const chip = [...files.entries()].find(([p]) => p.endsWith('.tif'))![1];
    const r = await openRaster(chip, { name: 'chip.tif' });
    try {
      const [a, b, , d, e] = r.meta.transform!;
      const t = (30 * Math.PI) / 180;
      assert.close(a, 500 * Math.cos(t), 1e-6);
      assert.close(b, 500 * Math.sin(t), 1e-6);
      assert.close(d, 500 * Math.sin(t), 1e-6);
      assert.close(e, -500 * Math.cos(t), 1e-6);
    } finally {
      await r.close();
    }
  } finally {
    await dem.close();
  }
});
