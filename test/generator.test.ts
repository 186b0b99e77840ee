/** SpatialDataGenerator, flows, callbacks and aligned sources (Keras Spatial's API), on real rasters. */
import { assert, test, testEnv } from './lib/harness.js';
import { AbortError, ArgumentError, openRaster, regularGrid, SampleError, SampleSet, SourceError, SpatialDataGenerator, zip, type Batch, type SampleArray } from '../src/index.js';
import label from './fixtures/olinda_label_4326.json' with { type: 'json' };

const open = async (file: string, opts = {}) => SpatialDataGenerator.open(await testEnv().sharedSource(file), opts);

async function all<T = Batch>(flow: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of flow) out.push(b);
  return out;
}

test('open: meta, bounds, res, crs, indexes, default profile', async () => {
  const g = await open('L7_ETMs.tif');
  assert.equal(g.meta.count, 6);
  assert.equal(g.crs, 'EPSG:31985');
  assert.deepEqual(g.indexes, [1, 2, 3, 4, 5, 6]);
  assert.close(g.res[0], 28.5, 1e-6);
  assert.close(g.bounds[0], 288776.25, 1e-3);
  assert.deepEqual(g.profile, { width: 0, height: 0, crs: 'EPSG:31985', interleave: 'pixel', resampling: 'nearest' });
  const dem = await open('olinda_dem_utm25s.tif');
  assert.ok(/^PROJCS\[/.test(dem.crs), 'a CRS without EPSG code is its WKT');
  await g.close();
  await dem.close();
});

test('a missing file fails at open with SourceError, as Keras Spatial does', async () => {
  await assert.rejects(SpatialDataGenerator.open('../shared/data/nope.tif'), SourceError, { code: 'SOURCE_NOT_FOUND' });
}, ['node', 'deno']);

test('shapes for every interleave and indexes combination', async () => {
  const samples = SampleSet.fromBounds(
    [
      [290000, 9112000, 292000, 9114000],
      [292000, 9114000, 294000, 9116000],
      [294000, 9116000, 296000, 9118000],
    ],
    'EPSG:31985',
  );
  const cases: [object, number[]][] = [
    [{}, [2, 16, 20, 6]],
    [{ interleave: 'band' }, [2, 6, 16, 20]],
    [{ indexes: [3, 2, 1] }, [2, 16, 20, 3]],
    [{ indexes: [3, 2, 1], interleave: 'band' }, [2, 3, 16, 20]],
    [{ indexes: 4 }, [2, 16, 20]],
    [{ indexes: [4] }, [2, 16, 20, 1]],
  ];
  for (const [opts, shape] of cases) {
    const g = await open('L7_ETMs.tif', opts);
    const batches = await all(g.flow(samples, 20, 16, { batchSize: 2 }));
    assert.equal(batches.length, 2, 'batches');
    assert.deepEqual(batches[0].shape, shape, JSON.stringify(opts));
    assert.deepEqual(batches[1].shape, [1, ...shape.slice(1)], 'last batch is smaller');
    assert.deepEqual(Array.from(batches[1].indices), [2]);
    assert.equal(
      batches[0].data.length,
      shape.reduce((a, b) => a * b, 1),
    );
    assert.ok(batches[0].data instanceof Uint8Array, 'source dtype kept');
    await g.close();
  }
  const elev = await open('elev.tif');
  const b = await all(elev.flow(elev.regularGrid(0.2, 0.2), 8, 8, { batchSize: 4 }));
  assert.deepEqual(b[0].shape, [4, 8, 8, 1], "one-band source: [batch, h, w, 1] as Keras Spatial's README shows");
  await elev.close();
});

test("pixel interleave is the band-sequential warp transposed, and each sample is the engine's exact warp", async () => {
  const box = [290000, 9112000, 292000, 9114000];
  const samples = SampleSet.fromBounds([box], 'EPSG:31985');
  const px = await open('L7_ETMs.tif', { indexes: [3, 2, 1], resampling: 'bilinear' });
  const [b] = await all(px.flow(samples, 20, 16));
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'));
  const w = await r.readWindow({ bounds: box, crs: 'EPSG:31985', width: 20, height: 16, bands: [3, 2, 1], resampling: 'bilinear' });
  for (let k = 0; k < 3; k++) {
    for (let p = 0; p < 16 * 20; p++) {
      if (b.data[p * 3 + k] !== w.data[k * 320 + p]) throw new Error(`band ${k} pixel ${p}: ${b.data[p * 3 + k]} != ${w.data[k * 320 + p]}`);
    }
  }
  await px.close();
  await r.close();
});

test('batches come in sample order; shuffle is a seeded permutation, new each epoch', async () => {
  const g = await open('elev.tif', { dtype: 'float32' });
  const s = g.regularGrid(0.1, 0.1);
  assert.equal(s.length, 49);
  const ordered = (await all(g.flow(s, 4, 4, { batchSize: 10 }))).flatMap((b) => Array.from(b.indices));
  assert.deepEqual(
    ordered,
    Array.from({ length: 49 }, (_, i) => i),
  );
  const f1 = g.flow(s, 4, 4, { batchSize: 10, shuffle: true, seed: 42 });
  const f2 = g.flow(s, 4, 4, { batchSize: 10, shuffle: true, seed: 42 });
  const e1 = (await all(f1)).flatMap((b) => Array.from(b.indices));
  const e2 = (await all(f2)).flatMap((b) => Array.from(b.indices));
  const e1b = (await all(f1)).flatMap((b) => Array.from(b.indices));
  assert.deepEqual(e1, e2, 'same seed, same order');
  assert.deepEqual(
    [...e1].sort((a, b) => a - b),
    ordered,
    'a permutation of every sample',
  );
  assert.ok(
    e1.some((v, i) => v !== i),
    'shuffled',
  );
  assert.ok(
    e1b.some((v, i) => v !== e1[i]),
    'the next epoch is shuffled differently',
  );
  // the shuffled batch holds the same pixels as the ordered read of those samples
  const [first] = await all(g.flow(s.select(e1.slice(0, 10)), 4, 4, { batchSize: 10 }));
  const [shuf] = await all(g.flow(s, 4, 4, { batchSize: 10, shuffle: true, seed: 42 }));
  assert.deepEqual(Array.from(shuf.data), Array.from(first.data));
  await g.close();
});

test('profile can be copied to another generator; setSource swaps the raster', async () => {
  const a = await open('L7_ETMs.tif', { interleave: 'band', resampling: 'bilinear', width: 32, height: 24 });
  const b = await open('olinda_dem_utm25s.tif');
  b.profile = a.profile;
  assert.deepEqual(b.profile, a.profile);
  assert.equal(b.crs, 'EPSG:31985');
  const [batch] = await all(b.flow(a.regularGrid(3000, 3000), undefined, undefined, { batchSize: 4 }));
  assert.deepEqual(batch.shape, [4, 1, 24, 32], 'width and height from the profile');
  await b.setSource(await testEnv().sharedSource('elev.tif'));
  assert.equal(b.meta.width, 95);
  assert.deepEqual(b.indexes, [1]);
  assert.equal(b.crs, 'EPSG:31985', 'the profile CRS stays');
  await a.close();
  await b.close();
});

test('preprocess callbacks run in order, may add layers, can be removed', async () => {
  const g = await open('elev.tif', { dtype: 'float32', resampling: 'bilinear', nodata: Number.NaN });
  const s = g.regularGrid(0.25, 0.25);
  const normalize = (x: SampleArray, lo: number, hi: number) => x.data.map((v) => (v - lo) / (hi - lo)) as Float32Array;
  const addSquare = (x: SampleArray): SampleArray => {
    const [, h, w] = x.shape;
    const out = new Float32Array(h * w * 2);
    for (let p = 0; p < h * w; p++) {
      out[p * 2] = x.data[p];
      out[p * 2 + 1] = x.data[p] * x.data[p];
    }
    return { data: out, shape: [1, h, w, 2] };
  };
  g.addPreprocessCallback('normalize', normalize, 100, 600);
  g.addPreprocessCallback('square', addSquare);
  assert.deepEqual(g.preprocessCallbacks, ['normalize', 'square']);
  const [b] = await all(g.flow(s, 8, 8, { batchSize: 3 }));
  assert.deepEqual(b.shape, [3, 8, 8, 2]);
  for (let p = 0; p < 3 * 64; p++) {
    const v = b.data[p * 2];
    if (Number.isNaN(v)) continue; // outside Luxembourg: nodata
    assert.ok(v >= 0 && v <= 1, `normalised value ${v}`);
    assert.close(b.data[p * 2 + 1], v * v, 1e-6, 'second layer is the square of the normalised first');
  }
  assert.ok(g.delPreprocessCallback('square'));
  const [c] = await all(g.flow(s, 8, 8, { batchSize: 3 }));
  assert.deepEqual(c.shape, [3, 8, 8, 1]);
  g.addPreprocessCallback('broken', () => 'nope' as never);
  await assert.rejects(all(g.flow(s, 8, 8)), SampleError, { message: /callback 'broken'/ });
  await g.close();
});

test('DEM and image through the same boxes: aligned batches (L7_ETMs with the Olinda DEM)', async () => {
  const img = await open('L7_ETMs.tif', { indexes: [1, 2, 3] });
  const dem = await open('olinda_dem_utm25s.tif', { resampling: 'bilinear' });
  const samples = img.regularGrid(2000, 2000);
  let n = 0;
  for await (const [x, y] of zip(img.flow(samples, 64, 64, { batchSize: 5 }), dem.flow(samples, 64, 64, { batchSize: 5 }))) {
    assert.deepEqual(x.shape.slice(0, 3), y.shape.slice(0, 3));
    assert.deepEqual(Array.from(x.indices), Array.from(y.indices));
    n += x.shape[0];
  }
  assert.equal(n, samples.length);
  await img.close();
  await dem.close();
});

test('a label raster in another CRS and resolution comes out pixel-aligned with the DEM', async () => {
  const dem = await open('olinda_dem_utm25s.tif');
  const lab = await SpatialDataGenerator.open(await testEnv().fixtureSource('olinda_label_4326.tif'));
  assert.equal(lab.crs, 'EPSG:4326');
  const samples = dem.regularGrid(2500, 2500);
  const agreement = async (s: SampleSet) => {
    let same = 0;
    let total = 0;
    for await (const [l, d] of zip(lab.flow(s, 50, 50, { batchSize: 4 }), dem.flow(samples, 50, 50, { batchSize: 4 }))) {
      for (let i = 0; i < l.data.length; i++) {
        if (l.data[i] === 255 || Number.isNaN(d.data[i])) continue;
        total++;
        if (l.data[i] === (d.data[i] > label.threshold ? 1 : 0)) same++;
      }
    }
    return same / total;
  };
  const aligned = await agreement(samples);
  assert.ok(aligned > 0.95, `label agrees with DEM > ${label.threshold} on ${(aligned * 100).toFixed(1)}% of pixels`);
  // control: the same labels read 300 m off are clearly worse, so the test can tell misalignment
  const shifted = new SampleSet({ minx: samples.minx.map((v) => v + 300), miny: samples.miny, maxx: samples.maxx.map((v) => v + 300), maxy: samples.maxy }, samples.crs);
  const off = await agreement(shifted);
  assert.ok(off < aligned - 0.05, `shifted agreement ${(off * 100).toFixed(1)}% is well below aligned ${(aligned * 100).toFixed(1)}%`);
  await dem.close();
  await lab.close();
});

test('zip refuses mismatched flows instead of truncating', async () => {
  const g = await open('elev.tif');
  const s = g.regularGrid(0.2, 0.2);
  await assert.rejects(all(zip(g.flow(s, 4, 4), g.flow(s.take(3), 4, 4))), SampleError, { message: /zip:/ });
  await assert.rejects(all(zip(g.flow(s, 4, 4), g.flow(s, 8, 8))), SampleError, { message: /shape/ });
  await assert.rejects(all(zip(g.flow(s, 4, 4, { batchSize: 4 }), g.flow(s, 4, 4, { batchSize: 5 }))), SampleError, { message: /other samples/ });
  await g.close();
});

test('flow arguments are checked; an aborted flow stops with AbortError', async () => {
  const g = await open('elev.tif');
  const s = g.regularGrid(0.1, 0.1);
  const bad: [() => unknown, string][] = [
    [() => g.flow(s, 0, 4), 'width'],
    [() => g.flow(s, 4), 'height'],
    [() => g.flow(s, 4, 4, { batchSize: 0 }), 'batchSize'],
    [() => g.flow([] as never, 4, 4), 'samples'],
  ];
  for (const [f, input] of bad) assert.throws(f, ArgumentError, { input });
  const ac = new AbortController();
  const it = g.flow(s, 4, 4, { batchSize: 5, signal: ac.signal })[Symbol.asyncIterator]();
  await it.next();
  ac.abort();
  await assert.rejects(it.next(), AbortError);
  await g.close();
});

test('flows and attributes report progress: a callback, a terminal bar, a browser event', async () => {
  const { SpatialDataGenerator, attributes } = await import('../src/index.js');
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const samples = sdg.regularGrid(0.1, 0.1);
  const seen: number[] = [];
  for await (const _ of sdg.flow(samples, 8, 8, { batchSize: 10, progress: (d, t) => seen.push(d, t) }));
  const dones = seen.filter((_, i) => i % 2 === 0);
  assert.equal(dones.at(-1), samples.length);
  assert.ok(dones.every((d, i) => i === 0 || d > dones[i - 1]) && seen[1] === samples.length, JSON.stringify(seen.slice(0, 6)));
  if (testEnv().runtime === 'browser') {
    const events: { label: string; done: number; total: number }[] = [];
    const on = (e: Event) => events.push((e as CustomEvent).detail);
    addEventListener('geotensor-progress', on);
    await attributes(sdg, samples, { width: 8, height: 8, stats: ['max'], progress: true });
    removeEventListener('geotensor-progress', on);
    assert.equal(events.at(-1)?.done, samples.length);
    assert.equal(events[0].label, 'attributes');
  } else if (testEnv().runtime === 'node') {
    const stderr = (globalThis as unknown as { process: { stderr: { isTTY?: boolean; write: (s: string) => boolean } } }).process.stderr;
    const [tty, write] = [stderr.isTTY, stderr.write];
    let text = '';
    stderr.isTTY = true;
    stderr.write = (s: string) => ((text += s), true);
    try {
      await attributes(sdg, samples, { width: 8, height: 8, stats: ['max'], progress: true });
    } finally {
      stderr.isTTY = tty;
      stderr.write = write;
    }
    assert.ok(text.includes(`] ${samples.length}/${samples.length}`) && text.startsWith('\rattributes ['), JSON.stringify(text.slice(-80)));
  }
  await sdg.close();
});

test("Keras Spatial's argument forms: a positional batch size works; arguments that belong elsewhere are ArgumentErrors saying where", async () => {
  const sdg = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const samples = sdg.regularGrid(0.2, 0.2);
  const shapes: number[] = [];
  for await (const b of sdg.flowFromDataframe(samples, 8, 8, 4)) shapes.push(b.shape[0]);
  assert.deepEqual(shapes, [4, 4, 1], 'flowFromDataframe(samples, 8, 8, 4): batches of 4');
  await assert.rejects(SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { batchSize: 16 } as never), ArgumentError, {
    input: 'batchSize',
    message: /sdg\.flow\(/,
  });
  await assert.rejects(SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { preprocess: () => 0 } as never), ArgumentError, {
    input: 'preprocess',
    message: /addPreprocessCallback/,
  });
  assert.throws(() => sdg.regularGrid(0.2, 0.2, { mask: {} } as never), ArgumentError, { input: 'mask' });
  assert.throws(() => sdg.randomGrid(0.2, 0.2, 5, { mask: {} } as never), ArgumentError, { input: 'mask' });
  const e = assert.throws(() => regularGrid([0, 0, 1, 1], 0.5, 0.5, { mask: {} } as never), ArgumentError, { input: 'mask' });
  assert.match(e.message, /intersects\(mask\)/);
  await sdg.close();
});
