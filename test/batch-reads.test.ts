/** Flows read several samples per engine call: the same pixels and errors as one read per sample, in fewer calls. */
import { assert, test, testEnv } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { EnginePool, SampleError, SampleSet, SpatialDataGenerator, type Batch } from '../src/index.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

/** Windows read and calls that read them, summed over the pool's live workers. */
async function counts(pool: EnginePool): Promise<{ reads: number; calls: number }> {
  const s = await workerStats(pool);
  return { reads: s.reduce((n, x) => n + x.reads, 0), calls: s.reduce((n, x) => n + x.readCalls, 0) };
}

test('a flow reads its samples several per engine call; each sample equals readWindow of its box (bands, edges, nodata, turned boxes)', async () => {
  const pool = new EnginePool({ workers: 2 });
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, indexes: [1, 4], interleave: 'band', dtype: 'float32', nodata: -1 });
  // A grid over the raster and past its edges, some boxes turned: every path of the warp in one flow.
  const grid = g.regularGrid(1200, 1200);
  const [x0, y0, x1, y1] = grid.totalBounds;
  const boxes = Array.from({ length: grid.length }, (_, i) => [...grid.bounds(i)]);
  boxes.push([x1 - 600, y1 - 600, x1 + 600, y1 + 600], [x0 - 900, y0 - 900, x0 + 300, y0 + 300]);
  const s = SampleSet.fromBounds(boxes, grid.crs!).withColumn(
    'rotation',
    boxes.map((_, i) => (i % 5 === 0 ? 30 : 0)),
  );
  await all(g.flow(s.take(4), 20, 20)); // both workers started, the dataset open in each
  const before = await counts(pool);
  const batches: Batch[] = await all(g.flow(s, 20, 20, { batchSize: 6, prefetch: 32 }));
  const after = await counts(pool);
  assert.equal(after.reads - before.reads, s.length, 'every sample read once');
  if (pool.blocking) assert.ok(after.calls - before.calls < s.length / 2, `${after.calls - before.calls} engine calls for ${s.length} samples`);
  const per = 2 * 20 * 20;
  for (const b of batches) {
    for (let k = 0; k < b.indices.length; k++) {
      const i = b.indices[k];
      const w = await g.readWindow({ bounds: s.bounds(i), width: 20, height: 20, rotation: s.column('rotation')![i] as number });
      assert.deepEqual(Array.from(b.data.subarray(k * per, (k + 1) * per)), Array.from(w.data), `sample ${i}`);
    }
  }
  assert.deepEqual(
    batches.flatMap((b) => Array.from(b.indices)),
    Array.from({ length: s.length }, (_, i) => i),
  );
  await g.close();
  await pool.terminate();
});

test('a window over a corrupt tile fails alone in its engine call: onError skip leaves out just that sample, throw names it', async () => {
  const pool = new EnginePool({ workers: 1 });
  const g = await SpatialDataGenerator.open(await testEnv().fixtureSource('matrix/corrupt-tile.tif'), { engine: pool });
  // 16 boxes, one per 16x16 tile; the tile at row 1, column 2 is garbage.
  const [x0, , , y1] = g.meta.bounds!;
  const [rx, ry] = g.meta.res!;
  const boxes = Array.from({ length: 16 }, (_, t) => {
    const [c, r] = [t % 4, Math.floor(t / 4)];
    return [x0 + c * 16 * rx, y1 - (r + 1) * 16 * ry, x0 + (c + 1) * 16 * rx, y1 - r * 16 * ry];
  });
  const s = SampleSet.fromBounds(boxes, g.crs);
  const bad = [1 * 4 + 2];
  const reported: number[] = [];
  const before = await counts(pool);
  const got = await all(g.flow(s, 16, 16, { batchSize: 16, prefetch: 16, onError: 'skip', onSampleError: (e, i) => reported.push(e instanceof SampleError ? i : -1) }));
  const after = await counts(pool);
  assert.deepEqual(reported, bad, "the corrupt tile's sample, as a SampleError");
  assert.deepEqual(Array.from(got[0].skipped!), bad);
  assert.equal(got[0].indices.length, 15);
  if (pool.blocking) assert.ok(after.calls - before.calls < s.length / 2, `${after.calls - before.calls} engine calls for ${s.length} samples`);
  for (let k = 0; k < got[0].indices.length; k++) {
    const w = await g.readWindow({ bounds: s.bounds(got[0].indices[k]), width: 16, height: 16 });
    assert.deepEqual(Array.from(got[0].data.subarray(k * 256, (k + 1) * 256)), Array.from(w.data));
  }
  const e = await assert.rejects(all(g.flow(s, 16, 16, { batchSize: 16, prefetch: 16 })), SampleError);
  assert.equal(e.details.sample, bad[0]);
  assert.match(e.message, /corrupt-tile/);
  await g.close();
  await pool.terminate();
});

test('an engine call that times out is not the end of its other samples (in it, or in flight on its worker): each is read again, and only the slow one fails', async () => {
  const pool = new EnginePool({ workers: 1, callTimeoutMs: 1500 });
  const g = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { engine: pool, indexes: 1, resampling: 'lanczos' });
  // One box over the raster (6000x6000 lanczos: longer than the limit) beside boxes off it (nodata, fast), two per call.
  const heavy = [288800, 9110800, 298700, 9120700];
  const off = (k: number) => [100000 + k * 20000, 100000, 110000 + k * 20000, 110000];
  const s = SampleSet.fromBounds([off(0), heavy, off(1), off(2)], g.crs);
  const reported: number[] = [];
  const got = await all(g.flow(s, 6000, 6000, { batchSize: 4, prefetch: 4, onError: 'skip', onSampleError: (e, i) => reported.push(e.details.timedOut ? i : -1) }));
  assert.deepEqual(reported, [1], 'the slow sample, timed out');
  assert.deepEqual(Array.from(got[0].indices), [0, 2, 3]);
  assert.deepEqual(Array.from(got[0].skipped!), [1]);
  assert.ok(
    got[0].data.every((v) => v === 0),
    'the boxes off the raster read as nodata (0)',
  );
  await g.close();
  await pool.terminate();
});

test('a batched call that grew its worker past limits.workerMemoryBytes retires that worker, as a single read does (the DEFLATE bomb)', async () => {
  const pool = new EnginePool({ workers: 1, limits: { workerMemoryBytes: 200 * 2 ** 20 } });
  const g = await SpatialDataGenerator.open(await testEnv().fixtureSource('hostile/bomb.tif'), { engine: pool });
  const [x0, y0, x1, y1] = g.meta.bounds!;
  const s = SampleSet.fromBounds(
    [0, 1, 2, 3].map((k) => [x0 + (k * (x1 - x0)) / 4, y0, x0 + ((k + 1) * (x1 - x0)) / 4, y1]),
    g.crs,
  );
  const [b] = await all(g.flow(s, 8, 8, { batchSize: 4, prefetch: 4 }));
  assert.ok(
    b.data.every((v) => v === 7),
    'the pixels are right',
  );
  assert.equal(pool.retired, 1, 'the worker that decompressed the block was retired');
  await g.close();
  await pool.terminate();
});
