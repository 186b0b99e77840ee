/**
 * The persistent header index (SourceIndex), against the test range server: files in a saved index
 * open with no request and read the pixels of a fresh open (Node, Deno, Chromium); a mosaic of
 * indexed files opens with none; a file changed since it was indexed is detected at its first range
 * request and read from the network again, never mixed (Node: the test rewrites the served file);
 * secrets stay out of the index; a file that is not an index is refused.
 */
import { assert, remoteServed, remoteUrl, test, withoutFiles } from './lib/harness.js';
import { scratchDir } from './lib/files.js';
import { ArgumentError, openRaster, SourceError, SourceIndex, saveSourceIndex } from '../src/index.js';

async function requestsFor(path: string): Promise<number> {
  return (await remoteServed(path)).requests;
}

async function readAll(url: string, index?: SourceIndex, blockSize?: number) {
  const r = await openRaster(url, { remote: { index, ...(blockSize ? { blockSize } : {}), prefetchRequests: 0 } });
  try {
    const [x0, y0, x1, y1] = r.meta.bounds!;
    return await r.readWindow({ bounds: [x0, y0, x1, y1], width: 64, height: 64, resampling: 'nearest' });
  } finally {
    await r.close();
  }
}

test('a saved source index opens remote files with no request, and reads the pixels a fresh open reads', async () => {
  const url = remoteUrl('ok', 'L7_ETMs.tif');
  const path = new URL(url).pathname;
  const index = new SourceIndex();
  const before = await requestsFor(path);
  const cold = await readAll(url, index);
  const coldOpen = await requestsFor(path);
  assert.ok(coldOpen > before, 'the cold open asks the server');
  assert.equal(index.size, 1);
  assert.equal(index.recorded, 1);

  // A second "process": the index from its bytes, a raster opened anew.
  const again = SourceIndex.fromBytes(index.toBytes());
  const r = await openRaster(url, { remote: { index: again, prefetchRequests: 0 } });
  try {
    assert.equal(await requestsFor(path), coldOpen, 'no request to open it');
    assert.equal(again.hits, 1);
    const probed = await openRaster(url);
    assert.deepEqual(withoutFiles(r.meta), withoutFiles(probed.meta), 'the same description as a probed open');
    await probed.close();
    const [x0, y0, x1, y1] = r.meta.bounds!;
    const warm = await r.readWindow({ bounds: [x0, y0, x1, y1], width: 64, height: 64, resampling: 'nearest' });
    assert.deepEqual([...warm.data], [...cold.data], 'the same pixels');
  } finally {
    await r.close();
  }
});

test('a mosaic of indexed remote files opens with no request', async () => {
  const urls = ['nw.tif', 'ne.tif', 'sw.tif', 'se.tif'].map((f) => remoteUrl('ok', `mosaic-cog/${f}`));
  const index = new SourceIndex();
  const m1 = await openRaster(urls, { remote: { index } });
  const meta = m1.meta;
  await m1.close();
  assert.equal(index.size, 4);
  const paths = urls.map((u) => new URL(u).pathname);
  const counts = await Promise.all(paths.map(requestsFor));
  const again = SourceIndex.fromBytes(index.toBytes());
  const m2 = await openRaster(urls, { remote: { index: again } });
  try {
    assert.deepEqual(await Promise.all(paths.map(requestsFor)), counts, 'no request to open the 4 files');
    assert.equal(again.hits, 4);
    assert.deepEqual(withoutFiles(m2.meta), withoutFiles(meta));
  } finally {
    await m2.close();
  }
});

test('a file changed since it was indexed is read from the network again, never mixed; another grid is an error', async () => {
  const fs = await import('node:fs/promises');
  const name = `versions/live-${Math.random().toString(36).slice(2, 8)}.tif`;
  const file = `test/.cache/remote/${name}`;
  const url = remoteUrl('ok', name);
  const bs = 4096; // small blocks: the header is in the index, the tiles are not
  try {
    await fs.copyFile('test/.cache/remote/versions/a.tif', file);
    const index = new SourceIndex();
    const a = await readAll(url, index, bs);
    await fs.copyFile('test/.cache/remote/versions/b.tif', file);
    const b = await readAll(remoteUrl('ok', 'versions/b.tif'), undefined, bs);
    assert.ok(
      a.data.some((v, i) => v !== b.data[i]),
      'the two versions differ',
    );
    // Opened from the index (no request), read: the first range request finds the new version.
    const got = await readAll(url, index, bs);
    assert.deepEqual([...got.data], [...b.data], 'the new version, whole');
    assert.equal(index.hits, 1);
    assert.equal(index.recorded, 2, 'indexed anew');
    // Now a file on another grid under the same name: an error naming it (the index then holds the new file).
    await fs.copyFile('test/.cache/remote/versions/other-grid.tif', file);
    const e = await readAll(url, index, bs).then(
      () => null,
      (x) => x,
    );
    assert.ok(e instanceof SourceError && e.code === 'SOURCE_CHANGED' && e.message.includes(name), String(e));
    assert.deepEqual([index.size, index.recorded], [1, 3], 'the index holds the new version');
    const other = await openRaster(url, { remote: { index, blockSize: bs } });
    assert.deepEqual([other.meta.width, other.meta.height], [55, 55], 'opened from the index as the new file');
    await other.close();
  } finally {
    await fs.rm(file, { force: true });
  }
}, ['node']);

test('source index files: saved whole, loaded again, secrets kept out, bad ones refused', async () => {
  const dir = await scratchDir('source-index');
  const index = await SourceIndex.load(dir.path('index.json'));
  assert.equal(index.size, 0, 'no file yet: an empty index');
  const secret = 'sig=TOPSECRET123';
  const r = await openRaster(`${remoteUrl('ok', 'elev.tif')}?${secret}`, { remote: { index } });
  await r.close();
  await saveSourceIndex(index);
  assert.deepEqual(await dir.list(), ['index.json']);
  const text = new TextDecoder().decode(await dir.read('index.json'));
  assert.ok(!text.includes('TOPSECRET') && /elev\.tif\?sha256=[0-9a-f]{64}/.test(text), 'the query only as its hash');
  const loaded = await SourceIndex.load(dir.path('index.json'));
  assert.equal(loaded.size, 1);
  // Keyed by origin and path with ignoreQuery: another signature finds the same entry.
  const signed = new SourceIndex({ ignoreQuery: true });
  await (await openRaster(`${remoteUrl('ok', 'elev.tif')}?sig=1`, { remote: { index: signed } })).close();
  const s2 = SourceIndex.fromBytes(signed.toBytes(), { ignoreQuery: true });
  await (await openRaster(`${remoteUrl('ok', 'elev.tif')}?sig=2`, { remote: { index: s2 } })).close();
  assert.equal(s2.hits, 1);
  for (const [what, bytes, says] of [
    ['not JSON', '{oops', 'not JSON'],
    ['another format', '{"format":"x","version":1,"files":[]}', 'format'],
    [
      'a block of the wrong size',
      JSON.stringify({
        format: 'geotensor-source-index',
        version: 1,
        files: [{ key: 'http://h/x.tif', size: 10000, etag: '"e"', lastModified: null, blockSize: 4096, blocks: [[0, 'AAAA']] }],
      }),
      'has 3 bytes, not 4096',
    ],
    [
      'a block past the file',
      JSON.stringify({
        format: 'geotensor-source-index',
        version: 1,
        files: [{ key: 'http://h/x.tif', size: 10, etag: '"e"', lastModified: null, blockSize: 4096, blocks: [[7, 'AAAA']] }],
      }),
      'not [block number, base64]',
    ],
    [
      'no validators',
      JSON.stringify({ format: 'geotensor-source-index', version: 1, files: [{ key: 'http://h/x.tif', size: 10, etag: null, lastModified: null, blockSize: 4096, blocks: [] }] }),
      'neither an ETag',
    ],
  ] as const) {
    await dir.write('bad.json', bytes);
    const e = await SourceIndex.load(dir.path('bad.json')).then(
      () => null,
      (x) => x,
    );
    assert.ok(e instanceof SourceError && e.message.startsWith(`${dir.path('bad.json')}: is not a geotensor source index`) && e.message.includes(says), `${what}: ${e}`);
  }
  await assert.rejects(openRaster(remoteUrl('ok', 'elev.tif'), { remote: { index: {} as never } }), ArgumentError);
}, ['node', 'deno']);
