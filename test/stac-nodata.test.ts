/**
 * Source nodata given at open (`sourceNodata`, gdalwarp's -srcnodata) and STAC's raster:bands nodata
 * under applyScale: asset B5 of test/fixtures/stac has files without nodata, and raster:bands names
 * its commonest value as nodata; native references through gdalbuildvrt -srcnodata (all items) and
 * gdalwarp -srcnodata (one item). Also the search pages that are not pages, and a paging cycle.
 */
import { differing, stacReference } from './lib/stac.js';
import { assert, remoteUrl, test, testEnv } from './lib/harness.js';
import { ArgumentError, openRaster, openStac, SourceError, stacSearch, type StacItem } from '../src/index.js';

const ACROSS = { bounds: [-34.915, -8.01, -34.875, -7.975] as [number, number, number, number], crs: 'EPSG:4326', width: 40, height: 44, resampling: 'bilinear' as const };

async function itemFromServer(name: string): Promise<StacItem> {
  const url = remoteUrl('ok', `stac/items/${name}.json`);
  const item = (await (await fetch(url)).json()) as StacItem;
  for (const a of Object.values(item.assets)) a.href = new URL(a.href, url).href;
  return item;
}

test("applyScale: raster:bands' nodata is the files' source nodata, equal to native gdalbuildvrt -srcnodata / gdalwarp -srcnodata", async () => {
  const nd = (await itemFromServer('west')).assets.B5['raster:bands']![0].nodata as number;
  const all = await openStac(remoteUrl('ok', 'stac/catalog.json'), { assets: ['B5'], applyScale: true });
  assert.deepEqual([all.meta.nodata, all.meta.dtype], [nd, 'float32']);
  const w = await all.readWindow({ ...ACROSS, dtype: 'uint8' });
  const ref = await stacReference('nodata-across-B5');
  assert.equal(differing(w.data, ref), 0, 'three items (a mosaic VRT) against gdalbuildvrt -srcnodata -vrtnodata then gdalwarp');
  await all.close();
  // Without applyScale the files' own (no nodata): the value counts as data and is resampled with the rest.
  const raw = await openStac(remoteUrl('ok', 'stac/catalog.json'), { assets: ['B5'] });
  assert.equal(raw.meta.nodata, null);
  const r = await raw.readWindow(ACROSS);
  assert.ok(differing(r.data, ref) > 50, `without applyScale the pixels differ from the -srcnodata reference (${differing(r.data, ref)} of ${ref.length})`);
  await raw.close();
  // One item: a single file, warped with -srcnodata.
  const later = await openStac(remoteUrl('ok', 'stac/items/later.json'), { assets: ['B5'], applyScale: true });
  const l = await later.readWindow({ ...ACROSS, dtype: 'uint8' });
  const lref = await stacReference('nodata-later-B5');
  assert.ok(lref.filter((v) => v === nd).length > 500, 'the reference has much nodata');
  assert.equal(differing(l.data, lref), 0, 'one item against gdalwarp -srcnodata');
  await later.close();
});

test('openRaster(…, { sourceNodata }): per band, paired with the bands read in their order (nodata where every band read holds its value, as gdalwarp -srcnodata); bad values refused', async () => {
  const src = await testEnv().fixtureSource('mosaic/rgb.tif');
  const plain = await openRaster(src);
  const box = { bounds: plain.meta.bounds!, width: plain.meta.width, height: plain.meta.height, resampling: 'nearest' as const };
  const whole = await plain.readWindow(box);
  await plain.close();
  const plane = box.width * box.height;
  const [b1, , b3] = [0, 1, 2].map((b) => whole.data.subarray(b * plane, (b + 1) * plane));
  const values = [0, 1, 2].map((b) => whole.data[b * plane + 5000]); // the three bands of one pixel
  let both = 0;
  let swapped = 0;
  let third = 0;
  for (let p = 0; p < plane; p++) {
    if (b3[p] === values[2] && b1[p] === values[0]) both++;
    if (b3[p] === values[0] && b1[p] === values[2]) swapped++;
    if (b3[p] === values[2]) third++;
  }
  assert.ok(both > 0 && both < third && both !== swapped, `the pairing and the rule are visible here (${both}, ${swapped}, ${third})`);
  const opened = await openRaster(src, { sourceNodata: values });
  assert.deepEqual([opened.meta.nodata, opened.meta.nodatavals], [values[0], values]);
  const w = await opened.readWindow({ ...box, bands: [3, 1], dtype: 'float32', nodata: -1 });
  for (let p = 0; p < plane; p++) {
    const gone = b3[p] === values[2] && b1[p] === values[0];
    assert.equal(w.data[p], gone ? -1 : b3[p], `band 3 at ${p}`);
    assert.equal(w.data[plane + p], gone ? -1 : b1[p], `band 1 at ${p}`);
  }
  const alone = await opened.readWindow({ ...box, bands: [3], dtype: 'float32', nodata: -1 });
  assert.equal(Array.from(alone.data).filter((v) => v === -1).length, third, 'band 3 alone: its own value');
  await opened.close();
  await assert.rejects(openRaster(src, { sourceNodata: 'x' as unknown as number }), ArgumentError, { input: 'sourceNodata' });
  await assert.rejects(openRaster(src, { sourceNodata: [] }), ArgumentError, { input: 'sourceNodata' });
  await assert.rejects(openRaster(src, { sourceNodata: -1 }), ArgumentError, { input: 'sourceNodata', message: /band 1 is uint8/ });
  await assert.rejects(openRaster(src, { sourceNodata: [1, 2] }), ArgumentError, { input: 'sourceNodata', message: /one per band \(.*has 3 bands\)/ });
  const vector = await testEnv().fixtureSource('olinda_label_4326.json');
  await assert.rejects(
    openRaster(vector, { sourceNodata: 0, rasterize: { burn: 1, mode: 'semantic', allTouched: false, boundary: false, background: 0, dtype: 'uint8' } }),
    ArgumentError,
    { input: 'sourceNodata' },
  );
});

test("raster:bands nodata that is not a number, or differs between an asset's items, is refused naming the item and asset", async () => {
  const [west, later] = [await itemFromServer('west'), await itemFromServer('later')];
  const bad = structuredClone(west);
  bad.assets.B5['raster:bands'] = [{ nodata: 'none' }];
  await assert.rejects(openStac(bad, { assets: ['B5'], applyScale: true }), SourceError, { message: /item l7-west, asset B5: raster:bands\[0\]\.nodata is not a number/ });
  const other = structuredClone(later);
  other.assets.B5['raster:bands'] = [{ nodata: 7 }];
  const both = { type: 'FeatureCollection' as const, features: [west, other] };
  await assert.rejects(openStac(both, { assets: ['B5'], applyScale: true }), SourceError, {
    message: /item l7-later, asset B5: raster:bands gives nodata 7, but item l7-west gives/,
  });
  // 'nan', 'inf' and '-inf' are numbers in the raster extension, but not values of uint8 pixels.
  const nan = structuredClone(west);
  nan.assets.B1['raster:bands'] = [{ nodata: 'nan' }];
  await assert.rejects(openStac(nan, { assets: ['B1'], applyScale: true }), SourceError, {
    message: /asset B1: raster:bands gives a nodata its files cannot hold .*band 1 is uint8/,
  });
  const big = structuredClone(west);
  big.assets.B1['raster:bands'] = [{ nodata: 300 }];
  await assert.rejects(openStac(big, { assets: ['B1'], applyScale: true }), SourceError, { message: /asset B1: raster:bands gives a nodata/ });
});

test('a search answered by something other than a page of items, or paging back to a page read, is a typed error naming it', async () => {
  const base = remoteUrl('stacapi', '').replace(/\/$/, '');
  await assert.rejects(stacSearch(`${base}/notfc`, { limit: 1 }), SourceError, { message: /notfc\/search.*is not a FeatureCollection of items/ });
  await assert.rejects(stacSearch(`${base}/loop`, { limit: 1 }), SourceError, { message: /paging cycle/ });
});
