/**
 * STAC: the static catalog of test/fixtures/stac (test/reference/stac.py: three Landsat 7 items,
 * one COG per band at 28.5, 57 and 114 m in EPSG:31985 and at 30 m in EPSG:32725), served by the
 * test range server with its tiny STAC API (test/remote/stac-api.mjs), read as one source whose
 * bands are the assets, against native gdalwarp of the same assets (reference/BOX-ASSET.tif).
 */
import { differing, stacReference } from './lib/stac.js';
import { assert, remoteOtherBase, remoteReset, remoteServed, remoteUrl, test } from './lib/harness.js';
import { ArgumentError, openStac, type RasterStack, RemoteError, SourceError, SpatialDataGenerator, stacSearch, type Resampling, type StacItem } from '../src/index.js';

const ASSETS = ['B1', 'B2', 'B3', 'B4'];
type Box = { bounds: [number, number, number, number]; crs: string; width: number; height: number; resampling: Resampling };
const BOXES: Record<string, Box> = {
  west: { bounds: [289500, 9118500, 291500, 9120500], crs: 'EPSG:31985', width: 50, height: 50, resampling: 'bilinear' },
  across: { bounds: [-34.915, -8.01, -34.875, -7.975], crs: 'EPSG:4326', width: 40, height: 44, resampling: 'bilinear' },
  edge: { bounds: [297000, 9109000, 300000, 9112000], crs: 'EPSG:31985', width: 64, height: 64, resampling: 'nearest' },
};
const catalog = () => remoteUrl('ok', 'stac/catalog.json');
const api = () => remoteUrl('stacapi', '').replace(/\/$/, '');

/** The pixels of native gdalwarp's output for a box and asset. */
const reference = (box: string, asset: string) => stacReference(`${box}-${asset}`);

async function sameAsNative(stack: RasterStack, what: string): Promise<void> {
  for (const [name, box] of Object.entries(BOXES)) {
    const w = await stack.readWindow(box);
    assert.deepEqual(w.shape, [4, box.height, box.width], `${what}, ${name}: shape`);
    const plane = box.width * box.height;
    for (const [k, asset] of ASSETS.entries()) {
      const ref = await reference(name, asset);
      assert.ok(
        ref.some((v) => v !== 0),
        `${name}-${asset}: the reference has data`,
      );
      assert.equal(differing(w.data.subarray(k * plane, (k + 1) * plane), ref), 0, `${what}, box ${name}, asset ${asset}: pixels differing from native gdalwarp`);
    }
  }
}

test('a static STAC catalog (catalog → collection → items, relative links): 4 assets at 28.5/57/114 m and one in another CRS come out aligned, equal to native gdalwarp of each asset', async () => {
  const stack = await openStac(catalog(), { assets: ASSETS });
  assert.equal(stack.meta.driver, 'stack');
  assert.deepEqual([stack.meta.count, stack.meta.dtype, stack.meta.nodata], [4, 'uint8', 0]);
  assert.deepEqual(stack.bandNames, ASSETS);
  assert.close(stack.meta.res![0], 28.5, 1e-6, 'the finest asset gives the grid');
  assert.equal(stack.meta.crs?.epsg, 31985);
  await sameAsNative(stack, 'catalog');
  // Bands picked and reordered, with a validity layer where every asset has data.
  const box = BOXES.edge;
  const w = await stack.readWindow({ ...box, bands: [4, 1], mask: true });
  const plane = box.width * box.height;
  const [b1, b4] = [await reference('edge', 'B1'), await reference('edge', 'B4')];
  assert.equal(differing(w.data.subarray(0, plane), b4), 0, 'band 4 first');
  assert.equal(differing(w.data.subarray(plane, 2 * plane), b1), 0, 'band 1 second');
  const refs = await Promise.all(ASSETS.map((a) => reference('edge', a)));
  const mask = w.data.subarray(2 * plane);
  let valid = 0;
  for (let p = 0; p < plane; p++) {
    const all = refs.every((r) => r[p] !== 0) ? 1 : 0;
    assert.equal(mask[p], all, `mask at pixel ${p}`);
    valid += all;
  }
  assert.ok(valid > 0 && valid < plane, `the edge box is partly outside the scene (${valid} of ${plane} valid)`);
  await stack.close();
});

test('applyScale: raster:bands scale and offset applied (float32), nodata kept', async () => {
  const stack = await openStac(remoteUrl('ok', 'stac/collection.json'), { assets: ['B4', 'B1'], applyScale: true });
  assert.equal(stack.meta.dtype, 'float32');
  const box = BOXES.across;
  const w = await stack.readWindow(box);
  const ref = await reference('across', 'B4');
  const plane = box.width * box.height;
  for (let p = 0; p < plane; p++) assert.equal(w.data[p], ref[p] === 0 ? 0 : ref[p] * 0.5 - 1, `B4 scaled at ${p}`);
  assert.equal(differing(w.data.subarray(plane), await reference('across', 'B1')), 0, 'B1 (no scale) unchanged');
  await stack.close();
});

test('STAC API search: POST and GET, paged through next links (POST bodies merged), filtered by datetime and bbox; the result opens as a source', async () => {
  const post = await stacSearch(api(), { limit: 1 });
  assert.deepEqual(post.features.map((f) => f.id).sort(), ['l7-east', 'l7-later', 'l7-west'], 'POST, 3 pages of 1');
  const get = await stacSearch(api(), { limit: 2, collections: ['l7-olinda'] }, { method: 'GET' });
  assert.deepEqual(get.features.map((f) => f.id).sort(), ['l7-east', 'l7-later', 'l7-west'], 'GET, 2 pages');
  const july = await stacSearch(api(), { limit: 1, datetime: '2002-07-01T00:00:00Z/2002-07-31T23:59:59Z' });
  assert.deepEqual(july.features.map((f) => f.id).sort(), ['l7-east', 'l7-west'], 'datetime filter kept through the pages (merge)');
  const east = await stacSearch(api(), { bbox: [-34.835, -8.1, -34.8, -7.9] }, { method: 'GET' });
  assert.deepEqual(
    east.features.map((f) => f.id),
    ['l7-east'],
    'bbox filter',
  );
  const stack = await openStac(post, { assets: ASSETS });
  await sameAsNative(stack, 'search result');
  await stack.close();
  await assert.rejects(stacSearch(api(), { limit: 1 }, { maxItems: 2 }), SourceError, { message: /more than the 2 items allowed/ });
  await assert.rejects(stacSearch(api(), { bbox: [1, 2, 3] as number[] }), ArgumentError, { input: 'bbox' });
  await assert.rejects(openStac(await stacSearch(api(), { datetime: '1990-01-01T00:00:00Z/1990-12-31T00:00:00Z' }), { assets: ASSETS }), SourceError, {
    code: 'SOURCE_NOT_FOUND',
    message: /has no items/,
  });
});

test('hrefs: s3:// mapped by hrefToUrl, signed by signHref (the signature never in a message); relative hrefs need the document URL', async () => {
  const found = await stacSearch(api(), {});
  const s3 = found.features.map((f) => ({
    ...f,
    links: [],
    assets: Object.fromEntries(Object.entries(f.assets).map(([k, a]) => [k, { ...a, href: a.href.replace(/^.*\/stac\/assets\//, 's3://l7-bucket/assets/') }])),
  })) as StacItem[];
  const collection = { type: 'FeatureCollection' as const, features: s3 };
  await assert.rejects(openStac(collection, { assets: ['B1'] }), SourceError, { message: /href is a s3: URL; pass hrefToUrl/ });
  const hrefToUrl = (href: string) => href.replace('s3://l7-bucket/', remoteUrl('sas-t3rc3s', 'stac/'));
  const unsigned = await assert.rejects(openStac(collection, { assets: ['B1'], hrefToUrl, remote: { retries: 0 } }), RemoteError, { message: /HTTP 403/ });
  const seen: string[] = [];
  const signHref = async (url: string, where: { item: string; asset: string }) => {
    seen.push(`${where.item}/${where.asset}`);
    return `${url}?sig=s3cr3t&se=2030-01-01`;
  };
  const stack = await openStac(collection, { assets: ASSETS, hrefToUrl, signHref });
  assert.equal(seen.length, 12, 'every asset of every item signed');
  await sameAsNative(stack, 'signed');
  await stack.close();
  const failing = await assert.rejects(
    openStac(collection, {
      assets: ['B1'],
      hrefToUrl,
      signHref: (u) => {
        throw new Error(`token service down for ${u.length} chars`);
      },
    }),
    SourceError,
    { message: /signHref failed \(token service down/ },
  );
  for (const e of [unsigned, failing]) assert.ok(!/s3cr3t/.test(`${e.message} ${JSON.stringify(e.details)}`), 'no signature in the error');
  // An item object with relative hrefs and no self link: nothing to resolve them against.
  const item = JSON.parse(new TextDecoder().decode(await (await fetch(remoteUrl('ok', 'stac/items/west.json'))).arrayBuffer()));
  await assert.rejects(openStac(item, { assets: ['B1'] }), SourceError, { message: /not a URL \(and the document's own URL is not known/ });
  const withSelf = { ...item, links: [...item.links, { rel: 'self', href: remoteUrl('ok', 'stac/items/west.json') }] };
  const one = await openStac(withSelf, { assets: ['B1'] });
  assert.equal(one.meta.width, 200);
  await one.close();
});

test('hostile STAC input: not STAC, a missing asset, cycles, limits — each a typed error naming it', async () => {
  await assert.rejects(openStac(remoteUrl('text', 'stac/catalog.json'), { assets: ['B1'] }), SourceError, { message: /is not JSON/ });
  await assert.rejects(openStac(remoteUrl('ok', 'stac/assets/west/B1.tif'), { assets: ['B1'] }), SourceError, { message: /not UTF-8|not JSON/ });
  await assert.rejects(openStac(remoteUrl('ok', 'stac/missing.json'), { assets: ['B1'] }), RemoteError, { code: 'SOURCE_NOT_FOUND' });
  await assert.rejects(openStac({ type: 'Feature', id: 'x', properties: {} } as unknown as StacItem, { assets: ['B1'] }), SourceError, {
    message: /\(item x\): has no assets object/,
  });
  await assert.rejects(openStac(catalog(), { assets: ['B1', 'B9'] }), SourceError, { message: /item l7-west has no asset B9 \(it has B1, B2, B3, B4, B5\)/ });
  await assert.rejects(openStac(catalog(), { assets: [] }), ArgumentError, { input: 'assets' });
  await assert.rejects(openStac(catalog(), { assets: ['B1', 'B1'] }), ArgumentError, { input: 'assets' });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], maxDocumentBytes: 100 }), SourceError, { message: /more than the 100 bytes allowed/ });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], maxItems: 2 }), SourceError, { message: /more than the 2 items allowed/ });
  await assert.rejects(openStac(catalog(), { assets: ['B1'], maxDocuments: 3 }), SourceError, { message: /3 STAC documents allowed/ });
  // A catalog linking itself (a cycle) and its collection: read once each.
  const self = catalog();
  const cyclic = {
    type: 'Catalog',
    id: 'loop',
    links: [
      { rel: 'self', href: self },
      { rel: 'child', href: './catalog.json' },
      { rel: 'child', href: './collection.json' },
      { rel: 'child', href: './collection.json' },
    ],
  };
  const stack = await openStac(cyclic as unknown as StacItem, { assets: ['B1'] });
  assert.equal(stack.meta.count, 1);
  await stack.close();
  const skipped = await openStac(catalog(), { assets: ['B1'], missingAssets: 'skip' });
  await skipped.close();
});

test('SpatialDataGenerator.open(stac, { assets }): a grid of samples flows as [batch, h, w, assets]', async () => {
  const sdg = await SpatialDataGenerator.open(catalog(), { assets: ASSETS, resampling: 'bilinear' });
  assert.equal(sdg.crs, 'EPSG:31985');
  const grid = sdg.regularGrid(64, 64);
  let n = 0;
  for await (const batch of sdg.flow(
    grid.filter((s) => s.index < 6),
    32,
    32,
    { batchSize: 3 },
  )) {
    assert.deepEqual(batch.shape, [3, 32, 32, 4]);
    n += batch.shape[0];
  }
  assert.equal(n, 6);
  // The same box through the generator and through the stack.
  const box = BOXES.west;
  const w = await sdg.readWindow({ ...box });
  const direct = await openStac(catalog(), { assets: ASSETS });
  assert.equal(differing(w.data, (await direct.readWindow(box)).data), 0, 'generator window = stack window');
  await direct.close();
  await sdg.close();
});

test("the user's headers go only to the STAC input's own origin and to headerOrigins, never where a document links elsewhere", async () => {
  const headers = { 'X-Api-Key': 'k-123' };
  await remoteReset();
  const fromCatalog = await openStac(remoteUrl('lat-2', 'stac/catalog.json'), { assets: ['B1'], remote: { headers } });
  assert.ok((await remoteServed('/lat-2/stac/assets/west/B1.tif')).apiKey > 0, 'an asset on the catalog origin gets the headers');
  assert.ok((await remoteServed('/lat-2/stac/items/west.json')).apiKey > 0, 'so does an item there');
  await fromCatalog.close();
  // Items whose assets live on another origin (a hostile or foreign catalog).
  const other = await remoteOtherBase();
  const found = await stacSearch(api(), {});
  const elsewhere = {
    type: 'FeatureCollection' as const,
    features: found.features.map((f) => ({ ...f, assets: { B1: { ...f.assets.B1, href: f.assets.B1.href.replace(/^.*\/stac\//, `${other}/lat-3/stac/`) } } })),
  };
  const foreign = await openStac(elsewhere, { assets: ['B1'], remote: { headers } });
  const served = await remoteServed('/lat-3/stac/assets/west/B1.tif');
  assert.ok(served.requests > 0 && served.apiKey === 0, `no headers to the other origin (${served.requests} requests, ${served.apiKey} with the key)`);
  await foreign.close();
  await remoteReset();
  const allowed = await openStac(elsewhere, { assets: ['B1'], remote: { headers, headerOrigins: [new URL(other).origin] } });
  assert.ok((await remoteServed('/lat-3/stac/assets/west/B1.tif')).apiKey > 0, 'headerOrigins lets them go there');
  await allowed.close();
});

test('one asset whose items are in two CRSs (EPSG:31985 and EPSG:32725) reads as one mosaic, later items over earlier, equal to native gdalwarp of both', async () => {
  const found = await stacSearch(api(), { ids: ['l7-west', 'l7-later'] });
  assert.equal(found.features.length, 2);
  const features = found.features.map((f) => ({ ...f, assets: { X: f.id === 'l7-west' ? f.assets.B1 : f.assets.B4 } }));
  const stack = await openStac({ type: 'FeatureCollection', features }, { assets: ['X'] });
  assert.equal(stack.meta.crs?.epsg, 31985, "the finest item's CRS");
  const w = await stack.readWindow(BOXES.across);
  const ref = await reference('across', 'two-crs');
  assert.equal(differing(w.data, ref), 0, 'pixels differing from native gdalwarp of west B1 then later B4');
  await stack.close();
});

test('progress: openStac ticks once per asset mosaic opened (assets × dates), stacSearch counts items against numberMatched', async () => {
  const opens: [number, number][] = [];
  const ts = await openStac(catalog(), { assets: ['B1', 'B2'], time: { steps: 2 }, progress: (done, total) => opens.push([done, total]) });
  assert.deepEqual(opens.at(-1), [4, 4], '2 assets × 2 dates');
  assert.equal(opens.length, 4);
  await ts.close();
  const pages: [number, number][] = [];
  await stacSearch(api(), { limit: 1 }, { progress: (done, total) => pages.push([done, total]) });
  assert.deepEqual(pages, [
    [1, 3],
    [2, 3],
    [3, 3],
  ]);
});
