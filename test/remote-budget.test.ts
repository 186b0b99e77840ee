/**
 * One cache budget per source (remote/cache-budget.ts): the remote files of a mosaic keep no more
 * than `remote.cacheBytes` together, the least recently used block of any file going first.
 */
import { assert, remoteUrl, test } from './lib/harness.js';
import { openRaster } from '../src/index.js';
import { BlockCache } from '../src/remote/block-cache.js';
import { CacheBudget } from '../src/remote/cache-budget.js';

const never = async (): Promise<Uint8Array> => {
  throw new Error('no fetch in this test');
};
const block = (v: number) => new Uint8Array(4096).fill(v);

test('caches sharing a budget: the least recently used block of any of them goes first; a closed cache gives its bytes back', () => {
  const budget = new CacheBudget(3 * 4096);
  const a = new BlockCache(4096, 1 << 20, budget, 4, never);
  const b = new BlockCache(4096, 1 << 20, budget, 4, never);
  a.put(0, block(1));
  b.put(0, block(2));
  a.put(1, block(3));
  assert.equal(budget.bytes, 3 * 4096);
  b.put(1, block(4)); // over budget: a's block 0 is the least recently used
  assert.deepEqual([...a.snapshot(10).keys()], [1]);
  assert.deepEqual([...b.snapshot(10).keys()], [0, 1]);
  assert.equal(budget.bytes, 3 * 4096);
  assert.deepEqual([a.evictions, b.evictions], [1, 0], 'the block let go is counted against its cache');
  void b.read(0, 1); // a cache hit: b's block 0 becomes the most recently used
  a.put(2, block(5)); // now a's block 1 is the oldest
  assert.deepEqual([...a.snapshot(10).keys()], [2]);
  assert.deepEqual([...b.snapshot(10).keys()], [0, 1]);
  b.clear();
  assert.equal(budget.bytes, 4096, "b's blocks given back");
  assert.deepEqual([a.evictions, b.evictions], [2, 0], 'closing a cache lets nothing go on account of the budget');
  b.put(3, block(6)); // a closed cache keeps nothing
  assert.equal(budget.bytes, 4096);
  assert.equal(b.cachedBytes, 0);
});

test('a mosaic of remote COGs keeps its blocks within one remote.cacheBytes, with the same pixels', async () => {
  const urls = ['nw.tif', 'ne.tif', 'sw.tif', 'se.tif'].map((f) => remoteUrl('ok', `mosaic-cog/${f}`));
  const cacheBytes = 64 << 10;
  const small = await openRaster(urls, { remote: { cacheBytes, blockSize: 4096, prefetchRequests: 0 } });
  const roomy = await openRaster(urls, { remote: { blockSize: 4096, prefetchRequests: 0 } });
  try {
    const window = { bounds: small.meta.bounds!, width: 96, height: 96, resampling: 'bilinear' as const };
    const [s, r] = [await small.readWindow(window), await roomy.readWindow(window)];
    const [ss, rs] = [small.sourceStats()!, roomy.sourceStats()!];
    assert.ok(rs.cachedBytes > cacheBytes, `the window needs more than the budget: ${rs.cachedBytes} bytes cached with the default`);
    assert.ok(ss.cachedBytes > 0 && ss.cachedBytes <= cacheBytes, `${ss.cachedBytes} bytes cached for 4 files, within ${cacheBytes}`);
    assert.ok(ss.cacheEvictions > 0, `the small budget let blocks go: ${ss.cacheEvictions}`);
    assert.equal(rs.cacheEvictions, 0, 'the default budget let none go');
    assert.deepEqual(Array.from(s.data), Array.from(r.data), 'the same pixels');
  } finally {
    await small.close();
    await roomy.close();
  }
});
