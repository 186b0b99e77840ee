/** Robustness: the bad-input matrix, per-sample error policy, worker death and WASM abort, cancellation, a short soak. */
import { assert, test, testEnv } from './lib/harness.js';
import { liveWorkers, workerStats } from '../src/testing.js';
import {
  AbortError,
  ArgumentError,
  EngineError,
  EnginePool,
  GeotensorError,
  openRaster,
  SampleError,
  SampleSet,
  SourceError,
  SpatialDataGenerator,
  type Batch,
} from '../src/index.js';
import rotatedRef from './fixtures/matrix/rotated-ref.json' with { type: 'json' };
import { compare, typed } from './lib/rasters.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

test('matrix: an empty file is a SourceError at open', async () => {
  await assert.rejects(openRaster(await testEnv().fixtureSource('matrix/empty.tif'), { name: 'empty.tif' }), SourceError, { code: 'SOURCE_UNREADABLE' });
});

test('matrix: a PNG without georeferencing opens (describe works) but refuses map windows; the generator refuses it at open', async () => {
  const r = await openRaster(await testEnv().fixtureSource('matrix/plain.png'), { name: 'plain.png' });
  assert.equal(r.meta.driver, 'PNG');
  assert.equal(r.meta.transform, null);
  assert.equal(r.meta.crs, null);
  await assert.rejects(r.readWindow({ bounds: [0, 0, 10, 10], crs: 'EPSG:4326', width: 4, height: 4 }), SourceError, { code: 'SOURCE_NOT_GEOREFERENCED', input: r.label });
  await r.close();
  await assert.rejects(SpatialDataGenerator.open(await testEnv().fixtureSource('matrix/plain.png')), SourceError, { code: 'SOURCE_NOT_GEOREFERENCED' });
});

test('matrix: a raster with a geotransform but no CRS is refused for map windows, never read in the wrong units', async () => {
  const r = await openRaster(await testEnv().fixtureSource('matrix/nocrs.tif'), { name: 'nocrs.tif' });
  assert.ok(r.meta.transform !== null && r.meta.crs === null);
  await assert.rejects(r.readWindow({ bounds: [5.8, 49.5, 6.4, 50.1], crs: 'EPSG:4326', width: 4, height: 4 }), SourceError, { code: 'SOURCE_NOT_GEOREFERENCED' });
  await r.close();
  await assert.rejects(SpatialDataGenerator.open(await testEnv().fixtureSource('matrix/nocrs.tif')), SourceError, { code: 'SOURCE_NOT_GEOREFERENCED' });
});

test('matrix: a rotated geotransform is warped as native gdalwarp does', async () => {
  const ref = rotatedRef as unknown as { bounds: [number, number, number, number]; width: number; height: number; nodata: number; command: string };
  const r = await openRaster(await testEnv().fixtureSource('matrix/rotated.tif'), { name: 'rotated.tif' });
  assert.ok(r.meta.transform![1] !== 0 && r.meta.transform![3] !== 0, 'rotation terms');
  const w = await r.readWindow({ bounds: ref.bounds, width: ref.width, height: ref.height, resampling: 'bilinear', dtype: 'float32' });
  const expected = typed('float32', await testEnv().fixtureBytes('matrix/rotated-ref.bin'));
  const { maxDiff, maskMismatch, range } = compare(w.data, expected, ref.nodata);
  assert.equal(maskMismatch, 0, ref.command);
  assert.ok(maxDiff <= 1e-4 * range, `max diff ${maxDiff} (${ref.command})`);
  await r.close();
});

test('matrix: a box in another CRS that does not intersect the raster is nodata-filled, not an error', async () => {
  const r = await openRaster(await testEnv().sharedSource('elev.tif'), { name: 'elev.tif' });
  const w = await r.readWindow({ bounds: [500000, 500000, 510000, 510000], crs: 'EPSG:2169', width: 8, height: 8 });
  assert.ok(Array.from(w.data).every((v) => v === -32768));
  await r.close();
});

test('matrix: samples with NaN coordinates fail with their index; onError skip and fill report them', async () => {
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { dtype: 'float32' });
  const good = [5.8, 49.6, 6.0, 49.8];
  const s = SampleSet.fromBounds([good, [Number.NaN, 49.6, 6.0, 49.8], good, good], 'EPSG:4326');
  const e = await assert.rejects(all(g.flow(s, 8, 8, { batchSize: 2 })), ArgumentError, { input: 'bounds' });
  assert.equal(e.details.sample, 1, 'the error names the sample');
  const reported: number[] = [];
  const skipped = await all(g.flow(s, 8, 8, { batchSize: 2, onError: 'skip', onSampleError: (_e, i) => reported.push(i) }));
  assert.deepEqual(
    skipped.map((b) => Array.from(b.indices)),
    [[0], [2, 3]],
  );
  assert.deepEqual(Array.from(skipped[0].skipped!), [1]);
  assert.deepEqual(reported, [1]);
  const filled = await all(g.flow(s, 8, 8, { batchSize: 2, onError: 'fill' }));
  assert.deepEqual(filled[0].shape, [2, 8, 8, 1]);
  assert.deepEqual(Array.from(filled[0].filled!), [1]);
  assert.ok(
    Array.from(filled[0].data.subarray(64)).every((v) => v === -32768),
    'filled with the nodata value',
  );
  assert.throws(() => g.flow(s, 8, 8, { onError: 'ignore' as never }), ArgumentError, { input: 'onError' });
  await g.close();
});

test('matrix: concurrent flows over one generator give the same batches as one at a time', async () => {
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { indexes: [1, 4] });
  const s = g.regularGrid(1500, 1500);
  const alone = await all(g.flow(s, 16, 16, { batchSize: 7 }));
  const [a, b, c] = await Promise.all([all(g.flow(s, 16, 16, { batchSize: 7 })), all(g.flow(s, 16, 16, { batchSize: 7 })), all(g.flow(s.take(10), 16, 16, { batchSize: 3 }))]);
  for (const run of [a, b])
    assert.deepEqual(
      run.map((x) => Array.from(x.data)),
      alone.map((x) => Array.from(x.data)),
    );
  assert.equal(
    c.reduce((n, x) => n + x.shape[0], 0),
    10,
  );
  await g.close();
});

test('matrix: close() during a flow ends it with ENGINE_CLOSED (no hang); calls after close fail the same way', async () => {
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const s = g.regularGrid(0.05, 0.05);
  const it = g.flow(s, 32, 32, { batchSize: 4 })[Symbol.asyncIterator]();
  await it.next();
  await g.close();
  await assert.rejects(all({ [Symbol.asyncIterator]: () => it }), EngineError, { code: 'ENGINE_CLOSED' });
  await assert.rejects(all(g.flow(s, 8, 8)), EngineError, { code: 'ENGINE_CLOSED' });
});

test('cancellation: break out of for await leaves the generator usable; abort stops promptly', async () => {
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  const s = g.regularGrid(0.05, 0.05);
  for await (const b of g.flow(s, 16, 16, { batchSize: 4 })) {
    assert.equal(b.shape[0], 4);
    break;
  }
  const again = await all(g.flow(s.take(6), 16, 16, { batchSize: 4 }));
  assert.equal(again.length, 2, 'usable after break');
  const ac = new AbortController();
  const t0 = performance.now();
  const p = all(g.flow(s, 256, 256, { batchSize: 8, signal: ac.signal }));
  setTimeout(() => ac.abort(new Error('stop')), 20);
  await assert.rejects(p, AbortError);
  assert.ok(performance.now() - t0 < 5000, 'stopped promptly');
  assert.equal((await all(g.flow(s.take(3), 8, 8))).length, 1, 'usable after abort');
  await g.close();
});

test('worker death: killing a worker mid-flow loses nothing; every sample once, in order, same pixels', async () => {
  const pool = new EnginePool({ workers: 2 });
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, indexes: [2] });
  const s = g.regularGrid(1000, 1000);
  const clean = await all(g.flow(s, 24, 24, { batchSize: 5 }));
  const got: Batch[] = [];
  let killed = 0;
  for await (const b of g.flow(s, 24, 24, { batchSize: 5 })) {
    got.push(b);
    if (got.length === 2 || got.length === 6) {
      const victim = liveWorkers(pool)[0];
      if (victim) {
        await victim.terminate('killed by the test');
        killed++;
      }
    }
  }
  assert.equal(killed, 2);
  assert.deepEqual(
    got.flatMap((b) => Array.from(b.indices)),
    Array.from({ length: s.length }, (_, i) => i),
    'every sample exactly once, in order',
  );
  assert.deepEqual(
    got.map((b) => Array.from(b.data)),
    clean.map((b) => Array.from(b.data)),
    'same pixels as without the kills',
  );
  await g.close();
  await pool.terminate();
});

test('WASM abort (memory exhausted inside GDAL): the worker is replaced and work goes on', async () => {
  const pool = new EnginePool({ workers: 1 });
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'), { engine: pool });
  const s = g.regularGrid(0.2, 0.2);
  const before = await all(g.flow(s, 8, 8));
  const [w] = liveWorkers(pool);
  const e = await assert.rejects(
    w.call((api) => api.debug('exhaust-memory')),
    EngineError,
    { code: 'ENGINE_FAILED' },
  );
  assert.ok(e.details.fatal === true, `fatal: ${e.message}`);
  assert.ok(w.dead, 'the aborted worker is ended');
  const after = await all(g.flow(s, 8, 8));
  assert.deepEqual(
    after.map((b) => Array.from(b.data)),
    before.map((b) => Array.from(b.data)),
  );
  assert.ok(liveWorkers(pool).length === 1 && liveWorkers(pool)[0] !== w, 'a new worker took its place');
  await g.close();
  await pool.terminate();
});

test('a window larger than WebAssembly memory (limits.windowBytes raised past it) is an EngineError, and the engine keeps working', async () => {
  const pool = new EnginePool({ workers: 1, limits: { windowBytes: 2 ** 40 } });
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'), { name: 'L7', engine: pool });
  await assert.rejects(r.readWindow({ bounds: [290000, 9112000, 296000, 9118000], width: 16384, height: 16384, dtype: 'float64' }), EngineError, {
    message: /more than WebAssembly memory/,
  });
  assert.equal((await r.readWindow({ bounds: [290000, 9112000, 296000, 9118000], width: 4, height: 4 })).data.length, 96);
  await r.close();
  await pool.terminate();
});

test('a call over the time limit kills its worker and fails with EngineError naming the source (not retried: it would time out again), never hangs', async () => {
  // The limit covers the call only: a replacement worker starting slowly on a loaded machine is not killed by it.
  const pool = new EnginePool({ workers: 1, callTimeoutMs: 1500 });
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, name: 'L7' });
  const e = await assert.rejects(r.readWindow({ bounds: [288800, 9110800, 298700, 9120700], width: 6000, height: 6000, resampling: 'lanczos' }), EngineError, {
    message: /longer than 1500 ms/,
    input: r.label,
  });
  assert.ok(e.message.startsWith(`${r.label}: `), e.message);
  assert.equal(e.details.retried, undefined, 'not retried');
  assert.equal(e.details.timedOut, true);
  assert.equal((await r.readWindow({ bounds: [290000, 9112000, 296000, 9118000], width: 4, height: 4 })).data.length, 96, 'a fresh worker serves the next read');
  await r.close();
  await pool.terminate();
});

test('soak (short): 3,000 samples through a pool; WASM memory and virtual files flat after warm-up', async () => {
  const pool = new EnginePool({ workers: 2 });
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, resampling: 'bilinear' });
  const s = g.randomGrid(800, 800, 1000, { seed: 9 });
  const stats = () => workerStats(pool);
  await all(g.flow(s, 32, 32, { batchSize: 50 }));
  const warm = await stats();
  for (let pass = 0; pass < 2; pass++) await all(g.flow(s, 32, 32, { batchSize: 50 }));
  const end = await stats();
  assert.deepEqual(
    end.map((x) => x.wasmMemoryBytes),
    warm.map((x) => x.wasmMemoryBytes),
    'WebAssembly memory did not grow',
  );
  assert.ok(
    end.every((x) => x.virtualFiles === 1 && x.openDatasets === 1),
    `one mount and one dataset per worker: ${JSON.stringify(end)}`,
  );
  assert.equal(end.reduce((a, x) => a + x.reads, 0) - warm.reduce((a, x) => a + x.reads, 0), 2000);
  await g.close();
  const closed = await stats();
  assert.ok(
    closed.every((x) => x.virtualFiles === 0 && x.openDatasets === 0),
    'close() leaves no dataset or virtual file behind',
  );
  await pool.terminate();
});

test('errors are GeotensorErrors with a code and the input', () => {
  const e = new SampleError('SAMPLE_FAILED', 'x', { input: 'sample 3' });
  assert.ok(e instanceof GeotensorError && e.code === 'SAMPLE_FAILED' && e.input === 'sample 3');
});

test('outputs are identical whatever the pool size: same bytes, same order', async () => {
  const runs: number[][][] = [];
  for (const workers of [1, 2, 3]) {
    const pool = new EnginePool({ workers });
    const g = await SpatialDataGenerator.open(await testEnv().sharedSource('keras_spatial_small.tif'), { engine: pool, resampling: 'bilinear', indexes: [1, 5] });
    const s = g.randomGrid(120, 120, 40, { seed: 3 });
    const batches = await all(g.flow(s, 24, 24, { batchSize: 6, shuffle: true, seed: 8 }));
    runs.push(batches.map((b) => [...Array.from(b.indices), ...Array.from(b.data)]));
    await g.close();
    await pool.terminate();
  }
  assert.deepEqual(runs[1], runs[0], '2 workers = 1 worker');
  assert.deepEqual(runs[2], runs[0], '3 workers = 1 worker');
});

test('GDAL assets that are not WebAssembly (an HTML page) or do not instantiate: EngineError at once naming the asset, never a hang', async () => {
  const { scratchDir } = await import('./lib/files.js');
  const d = await scratchDir('assets');
  await d.write('index.html', '<!doctype html><html><body>a single-page app fallback</body></html>');
  await d.write('broken.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 99, 99, 99]));
  for (const [file, re] of [
    ['index.html', /is not WebAssembly .*an HTML page/],
    ['broken.wasm', /cannot instantiate GDAL's WebAssembly module/],
  ] as const) {
    const pool = new EnginePool({ workers: 1, assets: { wasm: d.path(file) } });
    await assert.rejects(openRaster(await testEnv().sharedSource('elev.tif'), { engine: pool }), EngineError, { message: re });
    await pool.terminate();
  }
}, ['node', 'deno']);

test('a worker that cannot start is an EngineError naming why (Node: a worker URL that is not a file), not a raw Node error', async () => {
  const pool = new EnginePool({ workers: 1, workerUrl: 'http://127.0.0.1:1/engine.worker.js' });
  try {
    const e = await assert.rejects(openRaster(await testEnv().sharedSource('elev.tif'), { engine: pool }), EngineError, { code: 'ENGINE_FAILED' });
    assert.ok(/cannot start an engine worker: .*scheme file/.test(e.message), e.message);
  } finally {
    await pool.terminate();
  }
}, ['node']);
