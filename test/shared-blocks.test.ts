/**
 * The shared block store: the host writes every remote block it fetches into shared memory, and a
 * worker copies prefetched blocks from there without asking the host. Checked here: a block is only
 * ever returned for its own file, index and length, never while the host rewrites its slot, slots
 * whose reads are done are reused before those still awaited, and a flow over remote COGs takes its
 * prefetched tiles from the store (fewer bridge round trips) with the same pixels as the local files.
 */
import { assert, remoteUrl, test } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { SharedBlockStore } from '../src/engine/shared-blocks.js';
import { STORE, storeSet } from '../src/engine/protocol.js';
import { SharedBlocks } from '../wasm/shared-blocks.js';
import { EnginePool, SampleSet, SpatialDataGenerator } from '../src/index.js';

type Box = [number, number, number, number];

function block(seed: number, length: number = STORE.SLOT_BYTES): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (seed * 31 + i * 7) & 255;
  return b;
}

/** `count` block indices of file `fileId` that fall in the same set of the store. */
function sameSet(fileId: number, count: number): number[] {
  const want = storeSet(fileId, 0);
  const out: number[] = [];
  for (let i = 0; out.length < count; i++) if (storeSet(fileId, i) === want) out.push(i);
  return out;
}

test('shared block store: a block is returned only for its own file, index and length', () => {
  const host = new SharedBlockStore();
  const worker = new SharedBlocks(host.sab);
  host.publish(3, 7, block(1), 1);
  host.publish(4, 7, block(2), 1);
  host.publish(3, 8, block(3, 1000), 1); // a file's short last block
  assert.deepEqual(worker.take(3, 7, STORE.SLOT_BYTES), block(1));
  assert.deepEqual(worker.take(4, 7, STORE.SLOT_BYTES), block(2));
  assert.deepEqual(worker.take(3, 8, 1000), block(3, 1000));
  assert.equal(worker.take(5, 7, STORE.SLOT_BYTES), null, 'another file');
  assert.equal(worker.take(3, 9, STORE.SLOT_BYTES), null, 'another block');
  assert.equal(worker.take(3, 8, STORE.SLOT_BYTES), null, 'a block of another length than the reader expects');
  assert.equal(worker.copied, 3);
  // Larger than a slot: not stored (the worker asks the host, as before).
  host.publish(3, 10, new Uint8Array(STORE.SLOT_BYTES + 1), 1);
  assert.equal(worker.take(3, 10, STORE.SLOT_BYTES + 1), null);
});

test('shared block store: a slot the host is writing (odd sequence) is never copied', () => {
  const host = new SharedBlockStore();
  const worker = new SharedBlocks(host.sab);
  host.publish(9, 0, block(5), 1);
  const meta = new Int32Array(host.sab, 0, STORE.SETS * STORE.WAYS * STORE.WORDS);
  const slot = [...Array(STORE.SETS * STORE.WAYS).keys()].find((s) => meta[s * STORE.WORDS + 1] === 9)!;
  Atomics.add(meta, slot * STORE.WORDS, 1); // as publish does while it writes
  assert.equal(worker.take(9, 0, STORE.SLOT_BYTES), null);
  Atomics.add(meta, slot * STORE.WORDS, 1);
  assert.deepEqual(worker.take(9, 0, STORE.SLOT_BYTES), block(5));
});

test('shared block store: slots whose reads are done are reused before blocks still awaited', () => {
  const host = new SharedBlockStore();
  const worker = new SharedBlocks(host.sab);
  const idx = sameSet(11, STORE.WAYS + STORE.WAYS / 2);
  const first = idx.slice(0, STORE.WAYS);
  first.forEach((b, k) => host.publish(11, b, block(k), 1)); // the set is full, every block awaited once
  const done = first.filter((_, k) => k % 2 === 0);
  for (const b of done) assert.ok(worker.take(11, b, STORE.SLOT_BYTES));
  // As many new blocks as were read: they take exactly the read blocks' slots.
  idx.slice(STORE.WAYS).forEach((b, k) => host.publish(11, b, block(100 + k), 1));
  first.forEach((b, k) => {
    const got = worker.take(11, b, STORE.SLOT_BYTES);
    if (k % 2 === 0) assert.equal(got, null, `block ${b} was read: its slot was reused`);
    else assert.deepEqual(got, block(k), `block ${b} is still awaited: kept`);
  });
  idx.slice(STORE.WAYS).forEach((b, k) => assert.deepEqual(worker.take(11, b, STORE.SLOT_BYTES), block(100 + k)));
  // A block asked for twice stays until copied twice.
  const again = sameSet(12, STORE.WAYS + 1);
  host.publish(12, again[0], block(7), 2);
  assert.ok(worker.take(12, again[0], STORE.SLOT_BYTES));
  for (const b of again.slice(1, STORE.WAYS)) host.publish(12, b, block(b), 0); // nothing waits for these
  host.publish(12, again[STORE.WAYS], block(8), 1);
  assert.deepEqual(worker.take(12, again[0], STORE.SLOT_BYTES), block(7), 'the block wanted twice, read once, was kept');
});

test('shared block store: a block prefetched but never read ages out once the store has been refilled', () => {
  const host = new SharedBlockStore();
  const worker = new SharedBlocks(host.sab);
  const idx = sameSet(14, STORE.WAYS + 1);
  const set = storeSet(14, idx[0]);
  idx.slice(0, STORE.WAYS).forEach((b, k) => host.publish(14, b, block(k), 1)); // wanted, never read
  // The store fills once over with other blocks (elsewhere), then the first half is wanted again.
  for (let i = 0, n = 0; n <= STORE.SETS * STORE.WAYS; i++) {
    if (storeSet(15, i) === set) continue;
    host.publish(15, i, block(i), 0);
    n++;
  }
  idx.slice(0, STORE.WAYS / 2).forEach((b, k) => host.publish(14, b, block(k), 1));
  host.publish(14, idx[STORE.WAYS], block(99), 1);
  assert.deepEqual(worker.take(14, idx[STORE.WAYS], STORE.SLOT_BYTES), block(99));
  idx.slice(0, STORE.WAYS / 2).forEach((b, k) => assert.deepEqual(worker.take(14, b, STORE.SLOT_BYTES), block(k), `block ${b}, wanted again: kept`));
  const gone = idx.slice(STORE.WAYS / 2, STORE.WAYS).filter((b) => worker.take(14, b, STORE.SLOT_BYTES) === null);
  assert.equal(gone.length, 1, 'one block wanted long ago made room');
});

test('shared block store: a GDAL call reading a block several times counts it once; the next call counts again', () => {
  const host = new SharedBlockStore();
  const a = new SharedBlocks(host.sab);
  const b = new SharedBlocks(host.sab);
  const idx = sameSet(16, STORE.WAYS + 1);
  const fill = (file: number, list: number[]) => {
    for (const k of list.slice(1, STORE.WAYS)) host.publish(file, k, block(k), 0); // nothing waits for these
    host.publish(file, list[STORE.WAYS], block(2), 1); // the set is full: one slot must go
  };
  host.publish(16, idx[0], block(1), 2); // the prefetches of two samples want it
  a.newCall();
  assert.deepEqual(a.take(16, idx[0], STORE.SLOT_BYTES), block(1));
  a.touch(16, idx[0]); // GDAL reads the block again in the same call: the tile's size before it,
  a.touch(16, idx[0]); // then the tile, then a buffer refill, all from the worker's own cache
  fill(16, idx);
  b.newCall();
  const found = b.take(16, idx[0], STORE.SLOT_BYTES);
  assert.ok(found !== null, "the other sample's worker still finds the block (it was let go after one of its two wants)");
  const want = block(1);
  assert.ok(
    found?.every((v, i) => v === want[i]),
    'the bytes of the block',
  );

  const again = sameSet(17, STORE.WAYS + 1);
  host.publish(17, again[0], block(3), 2);
  a.newCall();
  assert.deepEqual(a.take(17, again[0], STORE.SLOT_BYTES), block(3));
  a.newCall(); // the second sample, read by the same worker from its own cache
  a.touch(17, again[0]);
  fill(17, again);
  assert.equal(b.take(17, again[0], STORE.SLOT_BYTES), null, 'both wants met: its slot was the one reused');
});

test('a flow over a remote COG takes its prefetched tiles from the shared store, with the pixels of reads that never use it', async () => {
  const engine = new EnginePool({ workers: 2 });
  const replay = new EnginePool({ workers: 1, byteBridge: 'replay' }); // no shared memory: blocks are handed in by message
  assert.equal(engine.blocking, true);
  assert.equal(replay.blocking, false);
  const url = remoteUrl('lat-5', 'big.tif');
  const g = await SpatialDataGenerator.open(url, { engine, resampling: 'bilinear' });
  const ref = await SpatialDataGenerator.open(url, { engine: replay, resampling: 'bilinear' });
  // 40 boxes of 100 source pixels in the top-left 4 x 4 tiles (512 pixels each): tiles shared by several boxes.
  const [minx, , , maxy] = g.bounds;
  const [rx, ry] = g.res;
  let seed = 5;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const boxes: Box[] = Array.from({ length: 40 }, () => {
    const [c, r] = [rand() * 1948, rand() * 1948];
    return [minx + c * rx, maxy - (r + 100) * ry, minx + (c + 100) * rx, maxy - r * ry];
  });
  const samples = SampleSet.fromBounds(boxes, g.crs);
  const pixels = async (gen: SpatialDataGenerator) => {
    const out: number[] = [];
    for await (const b of gen.flow(samples, 50, 50, { batchSize: 8 })) out.push(...b.data);
    return out;
  };
  const got = await pixels(g);
  const stats = await workerStats(engine);
  const want = await pixels(ref);
  assert.equal(got.length, 40 * 50 * 50 * 3);
  assert.equal(got.filter((v, i) => v !== want[i]).length, 0, 'the pixels of the same flow through the replay bridge');
  const taken = stats.reduce((n, s) => n + s.storeBlocks, 0);
  const asked = stats.reduce((n, s) => n + s.bridgeRequests, 0);
  assert.ok(taken > 0, 'workers copied blocks from the shared store');
  assert.ok(asked < taken, `fewer round trips to the host (${asked}) than blocks taken from the store (${taken})`);
  await g.close();
  await ref.close();
  await engine.terminate();
  await replay.terminate();
});

test("a flow reading more blocks than a worker's cache holds reuses its slots (wasm/block-slab.ts), with the pixels of reads that never use the store", async () => {
  const engine = new EnginePool({ workers: 1 });
  const replay = new EnginePool({ workers: 1, byteBridge: 'replay' });
  const url = remoteUrl('ok', 'big.tif');
  const g = await SpatialDataGenerator.open(url, { engine, resampling: 'nearest' });
  const ref = await SpatialDataGenerator.open(url, { engine: replay, resampling: 'nearest' });
  // 60 boxes of 100 x 100 source pixels, each in a tile of its own (512 x 512 x 3 bytes, 768 KiB):
  // 45 MiB of blocks through one worker, whose cache holds 32 MiB (512 slots of 64 KiB).
  const [minx, , , maxy] = g.bounds;
  const [rx, ry] = g.res;
  const boxes: Box[] = Array.from({ length: 60 }, (_, k) => {
    const [c, r] = [(k % 20) * 512 + 37 + k, Math.floor(k / 20) * 3 * 512 + 101 + k];
    return [minx + c * rx, maxy - (r + 100) * ry, minx + (c + 100) * rx, maxy - r * ry];
  });
  const samples = SampleSet.fromBounds(boxes, g.crs);
  const pixels = async (gen: SpatialDataGenerator) => {
    const out: number[] = [];
    for await (const b of gen.flow(samples, 100, 100, { batchSize: 10 })) for (const v of b.data) out.push(v);
    return out;
  };
  try {
    const got = await pixels(g);
    const [stats] = await workerStats(engine);
    const want = await pixels(ref);
    assert.equal(got.length, 60 * 100 * 100 * 3);
    assert.ok(stats.storeBlocks > 512, `more blocks copied from the store (${stats.storeBlocks}) than the worker's slots`);
    assert.equal(got.filter((v, i) => v !== want[i]).length, 0, 'the pixels of the same flow through the replay bridge');
    assert.ok(
      want.some((v) => v !== 0),
      'pixels with data',
    );
  } finally {
    await g.close();
    await ref.close();
    await engine.terminate();
    await replay.terminate();
  }
});
