/**
 * Remote sources against a real HTTP server on 127.0.0.1 (test/remote/server.mjs): COGs of
 * ../shared/data and a ~480 MB COG, read by byte ranges; latency, faults, headers, cancellation; the
 * blocking bridge, the replay bridge and the in-thread (edge) engine.
 */
import { assert, remoteHeal, remoteOtherBase, remoteReset, remoteServed, remoteUrl, test, testEnv } from './lib/harness.js';
import { AbortError, ArgumentError, EnginePool, openRaster, RemoteError, SourceError, SpatialDataGenerator, transformBounds, type Raster } from '../src/index.js';
import { shared } from './lib/rasters.js';
import { readTiffIndex, tileRanges } from '../src/testing.js';

type Box = [number, number, number, number];

function same(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) diff++;
  return a.length === b.length ? diff : -1;
}

/** A box of a raster at its native pixel size (so that no overview is involved), `frac` into its extent. */
function nativeBox(r: Raster, frac: number, px: number): { bounds: Box; width: number; height: number } {
  const [minx, miny, maxx, maxy] = r.meta.bounds!;
  const [rx, ry] = r.meta.res!;
  const x0 = minx + Math.floor(((maxx - minx) * frac) / rx) * rx;
  const y1 = maxy - Math.floor(((maxy - miny) * frac) / ry) * ry;
  return { bounds: [x0, y1 - px * ry, x0 + px * rx, y1], width: px, height: px };
}

for (const file of ['L7_ETMs.tif', 'elev.tif', 'keras_spatial_small.tif', 'olinda_dem_utm25s.tif']) {
  test(`remote COG of ${file} gives the pixels of the local file`, async () => {
    const remote = await openRaster(remoteUrl('ok', file));
    const local = await shared(file);
    assert.equal(remote.label, remoteUrl('ok', file));
    assert.deepEqual(
      [remote.meta.width, remote.meta.height, remote.meta.count, remote.meta.crs?.wkt],
      [local.meta.width, local.meta.height, local.meta.count, local.meta.crs?.wkt],
    );
    assert.deepEqual(remote.meta.transform, local.meta.transform);
    for (const frac of [0, 0.37, 0.8]) {
      const box = { ...nativeBox(local, frac, 16), resampling: 'nearest' as const };
      const [a, b] = await Promise.all([remote.readWindow(box), local.readWindow(box)]);
      assert.equal(same(a.data, b.data), 0, `${file} at ${frac}: differing pixels`);
    }
    // The same box reprojected and resampled (bilinear) through both.
    const [minx, miny, maxx, maxy] = local.meta.bounds!;
    const warp = {
      bounds: [minx + (maxx - minx) * 0.2, miny + (maxy - miny) * 0.2, minx + (maxx - minx) * 0.6, miny + (maxy - miny) * 0.6] as Box,
      width: 20,
      height: 20,
      resampling: 'bilinear' as const,
    };
    assert.equal(same((await remote.readWindow(warp)).data, (await local.readWindow(warp)).data), 0, 'bilinear window');
    await remote.close();
  });
}

test('one sample of a 480 MB COG fetches a small fraction of it; a coarse sample reads overviews', async () => {
  await remoteReset();
  const r = await openRaster(remoteUrl('ok', 'big.tif'));
  const size = r.sourceStats()!.size;
  assert.ok(size > 400e6, `big.tif is ${size} bytes`);
  const [minx, miny, maxx, maxy] = r.meta.bounds!;
  const cx = (minx + maxx) / 2;
  const cy = (miny + maxy) / 2;
  // 128×128 at native resolution (~28.5 m / 30 ≈ 0.95 m pixels).
  const [rx, ry] = r.meta.res!;
  const w = await r.readWindow({ bounds: [cx, cy - 128 * ry, cx + 128 * rx, cy], width: 128, height: 128 });
  assert.deepEqual(w.shape, [3, 128, 128]);
  const s1 = r.sourceStats()!;
  const served1 = await remoteServed('/ok/big.tif');
  assert.equal(served1.bytes, s1.bytesFetched, 'bytes the server sent = bytes the source counted');
  assert.ok(s1.bytesFetched / size < 0.005, `one native sample fetched ${s1.bytesFetched} bytes = ${((100 * s1.bytesFetched) / size).toFixed(3)} % of the file`);
  // The whole extent at 256×256: GDAL picks the smallest overview that is fine enough.
  const coarse = await r.readWindow({ bounds: [minx, miny, maxx, maxy], width: 256, height: 256 });
  assert.deepEqual(coarse.shape, [3, 256, 256]);
  const s2 = r.sourceStats()!;
  assert.ok((s2.bytesFetched - s1.bytesFetched) / size < 0.01, `the coarse sample fetched ${s2.bytesFetched - s1.bytesFetched} bytes`);
  // Same sample again: served from the cache, no new request.
  await r.readWindow({ bounds: [cx, cy - 128 * ry, cx + 128 * rx, cy], width: 128, height: 128 });
  assert.equal(r.sourceStats()!.requests, s2.requests, 'a repeated sample needs no request');
  await r.close();
});

test('tile prefetch: once the tiles of a window are prefetched, GDAL reads it without another request (native, overview, reprojected)', async () => {
  const r = await openRaster(remoteUrl('ok', 'big.tif'));
  try {
    const [minx, miny, maxx, maxy] = r.meta.bounds!;
    const [rx, ry] = r.meta.res!;
    const cx = (minx + maxx) / 2;
    const cy = (miny + maxy) / 2;
    const geo = transformBounds([cx, cy, cx + 300 * rx, cy + 200 * ry], `EPSG:${r.meta.crs!.epsg}`, 'EPSG:4326');
    const windows = [
      { bounds: [cx, cy - 128 * ry, cx + 128 * rx, cy], width: 128, height: 128, resampling: 'nearest' as const },
      { bounds: [minx, miny, maxx, maxy], width: 256, height: 256, resampling: 'bilinear' as const },
      { bounds: geo, crs: 'EPSG:4326', width: 96, height: 64, resampling: 'cubic' as const },
    ];
    for (const w of windows) {
      const before = r.sourceStats()!.requests;
      await r.prefetch(w);
      const prefetched = r.sourceStats()!.requests;
      assert.ok(prefetched > before, `${w.width}x${w.height} ${w.resampling}: the prefetch fetched its tiles`);
      await r.readWindow(w);
      assert.equal(r.sourceStats()!.requests, prefetched, `${w.width}x${w.height} ${w.resampling}: no request after the prefetch`);
    }
  } finally {
    await r.close();
  }
  // Off: nothing is fetched ahead.
  const off = await openRaster(remoteUrl('ok', 'big.tif'), { remote: { prefetchRequests: 0 } });
  try {
    const before = off.sourceStats()!.requests;
    await off.prefetch({ bounds: off.meta.bounds!, width: 64, height: 64 });
    assert.equal(off.sourceStats()!.requests, before);
  } finally {
    await off.close();
  }
});

test('a flow over a remote COG equals the same flow over the local file, with 2 workers', async () => {
  const engine = new EnginePool({ workers: 2 });
  const remote = await SpatialDataGenerator.open(remoteUrl('lat-5', 'L7_ETMs.tif'), { engine });
  const local = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { engine });
  const samples = local.randomGrid(1500, 1500, 24, { seed: 7 });
  const a = [];
  for await (const b of remote.flow(samples, 32, 32, { batchSize: 8 })) a.push(...b.data);
  const b = [];
  for await (const x of local.flow(samples, 32, 32, { batchSize: 8 })) b.push(...x.data);
  assert.equal(a.length, 24 * 32 * 32 * 6);
  assert.equal(same(a, b), 0);
  await remote.close();
  await local.close();
  await engine.terminate();
});

for (const mode of ['replay', 'inline'] as const) {
  test(`the ${mode === 'inline' ? 'in-thread (edge) engine' : 'replay bridge'} reads remote COGs exactly like the blocking bridge`, async () => {
    const engine = new EnginePool(mode === 'inline' ? { mode: 'inline' } : { workers: 1, byteBridge: 'replay' });
    assert.equal(engine.blocking, false);
    const r = await openRaster(remoteUrl('ok', 'big.tif'), { engine });
    const ref = await openRaster(remoteUrl('ok', 'big.tif'));
    const [minx, miny, maxx, maxy] = r.meta.bounds!;
    for (const [f, px] of [
      [0.5, 64],
      [0.1, 32],
    ] as const) {
      const box = {
        bounds: [minx + (maxx - minx) * f, miny + (maxy - miny) * f, minx + (maxx - minx) * (f + 0.002), miny + (maxy - miny) * (f + 0.002)] as Box,
        width: px,
        height: px,
        resampling: 'bilinear' as const,
      };
      assert.equal(same((await r.readWindow(box)).data, (await ref.readWindow(box)).data), 0, `window at ${f}`);
    }
    const coarse = { bounds: [minx, miny, maxx, maxy] as Box, width: 64, height: 64 };
    assert.equal(same((await r.readWindow(coarse)).data, (await ref.readWindow(coarse)).data), 0, 'coarse window (overviews)');
    await r.close();
    await ref.close();
    await engine.terminate();
  });
}

test('a source that breaks mid-flow: reads fail with a RemoteError naming the URL, and recover when it is back', async () => {
  await remoteReset();
  const engine = new EnginePool({ workers: 1 });
  // The probe is request 1; a 512 KiB cache holds less than the file, so reads must go to the server.
  const r = await openRaster(`${remoteUrl('failafter-1', 'L7_ETMs.tif')}?sig=SECRET`, { engine, remote: { retries: 1, retryDelayMs: 1, cacheBytes: 1 << 19 } });
  const box = { ...nativeBox(r, 0.7, 32), resampling: 'nearest' as const };
  const e = await assert.rejects(r.readWindow(box), RemoteError, { code: 'REMOTE_FAILED' });
  assert.ok(e.message.includes(remoteUrl('failafter-1', 'L7_ETMs.tif')) && !e.message.includes('SECRET'), e.message);
  assert.ok(/HTTP 500/.test(e.message), e.message);
  await remoteHeal(); // the server works again
  const local = await shared('L7_ETMs.tif');
  assert.equal(same((await r.readWindow(box)).data, (await local.readWindow(box)).data), 0, 'after recovery the dataset reads correctly');
  await r.close();
  await engine.terminate();
});

test('HTTP faults give RemoteErrors that name the URL without its query string', async () => {
  await remoteReset();
  const fast = { retries: 1, retryDelayMs: 1, timeoutMs: 2000 };
  const cases: [string, string, RegExp, string][] = [
    ['ok', 'missing.tif', /HTTP 404/, 'SOURCE_NOT_FOUND'],
    ['norange', 'L7_ETMs.tif', /ignores Range/, 'REMOTE_FAILED'],
    ['short', 'L7_ETMs.tif', /truncated response/, 'REMOTE_FAILED'],
    ['cut', 'L7_ETMs.tif', /connection lost|network error|truncated/, 'REMOTE_FAILED'],
    ['flood', 'L7_ETMs.tif', /sent more than the \d+ bytes it announced for bytes=0-/, 'REMOTE_FAILED'],
    ['auth-t0k3n', 'elev.tif', /HTTP 401/, 'REMOTE_FAILED'],
  ];
  for (const [mode, file, re, code] of cases) {
    const url = remoteUrl(mode, file);
    const e = await assert.rejects(openRaster(`${url}?token=SECRET#frag`, { remote: fast }), RemoteError, { code, message: re });
    assert.ok(e.message.startsWith(url) && !/SECRET|frag/.test(e.message) && !/SECRET/.test(JSON.stringify(e.details)), `${mode}: ${e.message}`);
    assert.equal(e.input, url);
  }
  // A body past its Content-Range is refused as it arrives: the server got to send little of its 512 MiB.
  const flood = (await remoteServed('/flood/L7_ETMs.tif')).bytes;
  assert.ok(flood < 64 << 20, `the flooding server sent ${flood} bytes before the client hung up`);
  // A non-raster body: GDAL cannot open it; the error names the URL.
  const e = await assert.rejects(openRaster(`${remoteUrl('text', 'elev.tif')}?token=SECRET`), SourceError, { code: 'SOURCE_UNREADABLE' });
  // A small file on a server that ignores Range is fine: the whole file is what the first request asks for.
  const small = await openRaster(remoteUrl('norange', 'elev.tif'));
  assert.equal(small.meta.width, 95);
  await small.close();
  assert.ok(e.message.startsWith(remoteUrl('text', 'elev.tif')) && !e.message.includes('SECRET'), e.message);
});

test('headers are sent (and never shown), 5xx are retried, timeouts end hung requests, AbortSignal cancels', async () => {
  await remoteReset();
  const r = await openRaster(remoteUrl('auth-t0k3n', 'elev.tif'), { remote: { headers: { Authorization: 'Bearer t0k3n' } } });
  assert.equal(r.meta.width, 95);
  assert.equal((await r.readWindow({ bounds: r.meta.bounds!, width: 19, height: 18 })).data.length, 19 * 18);
  await r.close();
  const wrong = await assert.rejects(openRaster(remoteUrl('auth-t0k3n', 'elev.tif'), { remote: { headers: { Authorization: 'Bearer WRONG' } } }), RemoteError);
  assert.ok(!JSON.stringify({ m: wrong.message, d: wrong.details }).includes('WRONG'));

  const flaky = await openRaster(remoteUrl('flaky-2', 'elev.tif'), { remote: { retries: 3, retryDelayMs: 5 } });
  assert.equal(flaky.sourceStats()!.retries, 2);
  assert.equal((await remoteServed('/flaky-2/elev.tif')).requests, 3);
  await flaky.close();
  await assert.rejects(openRaster(remoteUrl('flaky-5', 'elev.tif'), { remote: { retries: 2, retryDelayMs: 1 } }), RemoteError, { message: /HTTP 503.*gave up after 3 attempts/ });

  const t0 = performance.now();
  await assert.rejects(openRaster(remoteUrl('hang', 'elev.tif'), { remote: { timeoutMs: 300, retries: 1, retryDelayMs: 1 } }), RemoteError, {
    message: /no response within 300 ms/,
  });
  assert.ok(performance.now() - t0 < 5000, 'the timeout ended the hung request');

  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('user cancelled')), 50);
  const t1 = performance.now();
  await assert.rejects(openRaster(remoteUrl('lat-5000', 'elev.tif'), { signal: ac.signal }), AbortError);
  assert.ok(performance.now() - t1 < 2000, 'aborted promptly');
});

test('remote option errors are ArgumentErrors naming the option', async () => {
  const { ArgumentError } = await import('../src/index.js');
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { blockSize: 1000 } }), ArgumentError, { input: 'remote.blockSize' });
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { timeoutMs: -1 } }), ArgumentError, { input: 'remote.timeoutMs' });
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { headers: { a: 1 as unknown as string } } }), ArgumentError, { input: 'remote.headers' });
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { headers: { 'bad name': 'x' } } }), ArgumentError, { input: 'remote.headers' });
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { headerOrigins: ['https://ok.example/path'] } }), ArgumentError, { input: 'remote.headerOrigins' });
});

test('workers wait for remote bytes on a SharedArrayBuffer here (the blocking bridge; in a page: cross-origin isolated)', async () => {
  const { defaultEngine } = await import('../src/index.js');
  assert.equal(defaultEngine().blocking, true);
  assert.equal(new EnginePool({ mode: 'inline' }).blocking, false);
});

test('credentials stay with their origin: redirects followed by geotensor, userinfo and tokens never printed', async () => {
  const base = testEnv().remoteBase;
  const other = await remoteOtherBase();
  assert.ok(other.startsWith('http://127.0.0.1:') && other !== base, 'a second origin');
  const key = { 'X-Api-Key': 'k3y-SECRET' };
  const via = (status: number, target: string) => `${base}/redirect-${status}/x.tif?to=${encodeURIComponent(target)}`;
  const direct = await openRaster(remoteUrl('ok', 'elev.tif'));
  const box = { bounds: direct.meta.bounds!, width: 19, height: 18 };
  const want = Array.from((await direct.readWindow(box)).data);
  if (testEnv().runtime === 'browser') {
    // A page cannot see where a redirect goes: with headers it is an error naming the URL; without, the browser follows.
    const e = await assert.rejects(openRaster(via(307, `${other}/ok/elev.tif`), { remote: { headers: key } }), RemoteError, { message: /redirected/ });
    assert.ok(!JSON.stringify({ m: e.message, d: e.details }).includes('SECRET'), e.message);
    const plain = await openRaster(via(302, `${other}/ok/elev.tif`));
    assert.deepEqual(Array.from((await plain.readWindow(box)).data), want);
    await plain.close();
    await direct.close();
    return;
  }
  // Same origin: the headers follow the redirect.
  await remoteReset();
  const same = await openRaster(via(307, `${base}/ok/elev.tif`), { remote: { headers: key } });
  assert.deepEqual(Array.from((await same.readWindow(box)).data), want);
  let served = await remoteServed('/ok/elev.tif');
  assert.ok(served.requests > 0 && served.apiKey === served.requests, `same origin: ${JSON.stringify(served)}`);
  await same.close();
  // Another origin (301, 302, 307, 308): the file is read, the key is not sent there.
  for (const status of [301, 302, 307, 308]) {
    await remoteReset();
    const cross = await openRaster(via(status, `${other}/ok/elev.tif`), { remote: { headers: key } });
    assert.deepEqual(Array.from((await cross.readWindow(box)).data), want, `${status}: same pixels`);
    served = await remoteServed('/ok/elev.tif');
    assert.ok(served.requests > 0 && served.apiKey === 0, `${status}: the key stayed home: ${JSON.stringify(served)}`);
    assert.ok((await remoteServed(`/redirect-${status}/x.tif`)).apiKey > 0, 'the first origin got it');
    await cross.close();
  }
  // Unless the user lists that origin.
  await remoteReset();
  const allowed = await openRaster(via(302, `${other}/ok/elev.tif`), { remote: { headers: key, headerOrigins: [other] } });
  assert.ok((await remoteServed('/ok/elev.tif')).apiKey > 0, 'headerOrigins lets the key go there');
  await allowed.close();
  // A redirect loop ends with a RemoteError naming the URL without its query.
  const loop = `${base}/redirect-302/loop.tif`;
  const e = await assert.rejects(
    openRaster(`${loop}?to=${encodeURIComponent(`${loop}?to=${encodeURIComponent(`${loop}?token=SECRET`)}`)}`, { remote: { retries: 0 } }),
    RemoteError,
  );
  assert.ok(e.message.startsWith(loop) && !e.message.includes('SECRET'), e.message);
  // user:password@ becomes Basic auth and never appears in a label, a message or sdg.source.
  const host = base.replace('http://', '');
  const basic = await openRaster(`http://alice:pa55w0rd@${host}/basic-alice:pa55w0rd/elev.tif?token=SECRET`);
  assert.equal(basic.label, `${base}/basic-alice:pa55w0rd/elev.tif`);
  assert.deepEqual(Array.from((await basic.readWindow(box)).data), want);
  await basic.close();
  const denied = await assert.rejects(openRaster(`http://alice:WRONGpass@${host}/basic-alice:pa55w0rd/elev.tif`), RemoteError, { message: /HTTP 401/ });
  assert.ok(!JSON.stringify({ m: denied.message, d: denied.details }).includes('WRONGpass'), denied.message);
  // Header values with CR/LF are refused without showing them.
  const bad = await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { headers: { 'X-Api-Key': 'a\r\nX-Evil: SECRET' } } }), ArgumentError, {
    input: 'remote.headers',
  });
  assert.ok(!bad.message.includes('SECRET'), bad.message);
  await direct.close();
});

test('a remote file replaced while read (new ETag, or new Last-Modified): RemoteError SOURCE_CHANGED naming the URL, never mixed pixels', async () => {
  await remoteReset();
  const whole = async (url: string) => {
    const r = await openRaster(url, { remote: { blockSize: 16384, retries: 0 } });
    try {
      return (await r.readWindow({ bounds: r.meta.bounds!, width: r.meta.width, height: r.meta.height })).data;
    } finally {
      await r.close();
    }
  };
  const control = await whole(remoteUrl('ok', 'L7_ETMs.tif'));
  assert.equal(control.length, 349 * 352 * 6, 'the same reads of an unchanged file succeed');
  for (const mode of ['swap-3', 'swaplm-3']) {
    const url = remoteUrl(mode, 'L7_ETMs.tif');
    await assert.rejects(() => whole(`${url}?sig=SECRET`), RemoteError, { code: 'SOURCE_CHANGED', input: url, message: /changed while being read/ });
  }
});

test('a server answering a shorter range than asked: RemoteError naming the URL', async () => {
  await remoteReset();
  const url = remoteUrl('shortrange', 'L7_ETMs.tif');
  await assert.rejects(
    async () => {
      const r = await openRaster(url, { remote: { blockSize: 16384, retries: 0 } });
      await r.readWindow({ bounds: r.meta.bounds!, width: 50, height: 50 });
    },
    RemoteError,
    { code: 'REMOTE_FAILED', input: url, message: /different range/ },
  );
});

test('tile index: hostile TIFF headers (IFD loops, huge counts, offsets past the end, strips) give no index, never a hang', async () => {
  const le = (n: number, bytes: number) => Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 255);
  const tiff = (entries: [number, number, number, number][], next = 0) => {
    const head = [0x49, 0x49, ...le(42, 2), ...le(8, 4)];
    const ifd = [...le(entries.length, 2), ...entries.flatMap(([tag, type, n, v]) => [...le(tag, 2), ...le(type, 2), ...le(n, 4), ...le(v, 4)]), ...le(next, 4)];
    return Uint8Array.from([...head, ...ifd, ...new Array(64).fill(0)]);
  };
  const reader = (b: Uint8Array) => async (s: number, n: number) => b.subarray(s, s + n);
  const tiled: [number, number, number, number][] = [
    [256, 4, 1, 512],
    [257, 4, 1, 512],
    [322, 3, 1, 512],
    [323, 3, 1, 512],
    [324, 4, 1, 200],
    [325, 4, 1, 100],
  ];
  const good = tiff(tiled);
  const levels = await readTiffIndex(reader(good), good.length);
  assert.equal(levels?.length, 1, 'a one-tile TIFF is indexed');
  assert.deepEqual(tileRanges(levels![0], 0, 0, 10, 10), [[200, 300]]);
  const loop = tiff(tiled, 8); // the IFD chain points back at itself
  assert.equal(await readTiffIndex(reader(loop), loop.length), null);
  const huge = tiff([...tiled.slice(0, 4), [324, 4, 2 ** 30, 40], [325, 4, 2 ** 30, 40]]); // a billion tiles
  assert.equal(await readTiffIndex(reader(huge), huge.length), null);
  const past = tiff([...tiled.slice(0, 4), [324, 4, 4, 10 ** 9], [325, 4, 4, 10 ** 9]]); // arrays beyond the file
  assert.equal(await readTiffIndex(reader(past), past.length), null);
  const strips = tiff([tiled[0], tiled[1], [273, 4, 1, 200], [279, 4, 1, 100]]);
  assert.equal(await readTiffIndex(reader(strips), strips.length), null);
  const text = new TextEncoder().encode('<html>not a tiff</html>');
  assert.equal(await readTiffIndex(reader(text), text.length), null);
});
