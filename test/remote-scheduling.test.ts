/**
 * How remote reads share the network (test/remote/server.mjs counts the requests in flight): the tile
 * prefetch keeps to its per-origin limit, shared by every source of that origin, and a read a worker
 * is blocked on never queues behind read-ahead for later samples. Ordering is checked, not timed.
 */
import { assert, remoteMaxInFlight, remoteReset, remoteServed, remoteUrl, test, testEnv } from './lib/harness.js';
import { openRaster, type Raster } from '../src/index.js';

/** A tall strip of big.tif at native resolution: a run of tiles per tile row (many separate requests). */
function strip(r: Raster, column: number, rows: number) {
  const [minx, , , maxy] = r.meta.bounds!;
  const [rx, ry] = r.meta.res!;
  const x = minx + column * 512 * rx;
  return { bounds: [x + 10 * rx, maxy - rows * 512 * ry, x + 500 * rx, maxy - 10 * ry] as [number, number, number, number], width: 490, height: rows * 512 - 10 };
}

test('tile prefetch keeps to remote.prefetchRequests per origin, shared by the sources of that origin', async () => {
  const a = await openRaster(remoteUrl('lat-30', 'big.tif'), { remote: { prefetchRequests: 2 } });
  const b = await openRaster(remoteUrl('lat-30', 'big.tif?copy=2'), { remote: { prefetchRequests: 2 } });
  try {
    await remoteReset();
    await Promise.all([a.prefetch(strip(a, 3, 12)), b.prefetch(strip(b, 7, 12))]);
    const served = await remoteServed('/lat-30/big.tif'); // both sources (the query string is not the path)
    assert.ok(served.requests >= 20, `the two strips took many requests (${served.requests})`);
    const most = await remoteMaxInFlight();
    assert.ok(most <= 2, `at most 2 requests of the origin in flight at once, over both sources (saw ${most})`);
    assert.equal(most, 2, 'and they did run two at a time');
    // Another limit: 4 at once.
    const c = await openRaster(remoteUrl('lat-30', 'big.tif?copy=3'), { remote: { prefetchRequests: 4 } });
    await remoteReset();
    await c.prefetch(strip(c, 11, 12));
    const four = await remoteMaxInFlight();
    assert.ok(four >= 3 && four <= 4, `prefetchRequests: 4 gives up to 4 in flight (saw ${four})`);
    await c.close();
  } finally {
    await a.close();
    await b.close();
  }
});

test("without remote.prefetchRequests, the runtime's limit: 16 per origin in Node and Deno, 8 in pages", async () => {
  const want = testEnv().runtime === 'browser' ? 8 : 16;
  const r = await openRaster(remoteUrl('lat-30', 'big.tif?copy=5'));
  try {
    await remoteReset();
    await Promise.all([r.prefetch(strip(r, 5, 20)), r.prefetch(strip(r, 9, 20)), r.prefetch(strip(r, 13, 20))]);
    const served = await remoteServed('/lat-30/big.tif');
    assert.ok(served.requests > 2 * want, `the strip took many requests (${served.requests})`);
    // A page's fetch itself holds at most 6 HTTP/1.1 connections to one host (Chromium): past that its requests queue in the browser.
    const seen = testEnv().runtime === 'browser' ? Math.min(want, 6) : want;
    const most = await remoteMaxInFlight();
    assert.ok(most <= want && most >= seen - 1, `up to ${want} in flight, ${seen} reaching the server (saw ${most})`);
  } finally {
    await r.close();
  }
});

test('a read a worker is blocked on is served before read-ahead queued for later samples', async () => {
  const r = await openRaster(remoteUrl('lat-40', 'big.tif?copy=4'), { remote: { prefetchRequests: 1 } });
  try {
    // Read-ahead: one request at a time over 16 tile rows (about 16 × 40 ms).
    let prefetchDone = false;
    const ahead = r.prefetch(strip(r, 2, 16)).then(() => (prefetchDone = true));
    // A sample elsewhere (other tiles), read now: its requests do not wait for the queue above.
    const [minx, , , maxy] = r.meta.bounds!;
    const [rx, ry] = r.meta.res!;
    const x = minx + 14 * 512 * rx;
    const w = await r.readWindow({ bounds: [x, maxy - 3 * 512 * ry, x + 128 * rx, maxy - 3 * 512 * ry + 128 * ry], width: 128, height: 128 });
    assert.deepEqual(w.shape, [3, 128, 128]);
    assert.ok(
      w.data.some((v) => v !== 0),
      'the sample has data',
    );
    assert.equal(prefetchDone, false, 'the sample was read while the read-ahead still had requests queued');
    await ahead;
    assert.equal(prefetchDone, true);
  } finally {
    await r.close();
  }
});
