/**
 * Descriptions kept in a source index (src/engine/indexed-description.ts): a second process's first
 * worker opens indexed files without gdalinfo (it confirms each description against GDAL's direct
 * answers), reading the pixels and the description of a fresh open; a description that was tampered
 * with (another size) or is hostile (a CRS that names a file) is not used, and the file is described
 * as usual; NaN and infinite nodata survive the index's JSON.
 */
import { assert, remoteUrl, test, withoutFiles } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { EnginePool, openRaster, SourceError, SourceIndex, SpatialDataGenerator } from '../src/index.js';

const URLS = () => ['nw.tif', 'ne.tif', 'sw.tif', 'se.tif'].map((f) => remoteUrl('ok', `mosaic-cog/${f}`));

async function openCounting(index: SourceIndex) {
  const engine = new EnginePool({ workers: 1 });
  const m = await openRaster(URLS(), { engine, remote: { index } });
  const [stats] = await workerStats(engine);
  const w = await m.readWindow({ bounds: m.meta.bounds!, width: 80, height: 80, resampling: 'bilinear' });
  const meta = m.meta;
  await m.close();
  await engine.terminate();
  return { stats, data: w.data, meta };
}

test('an index keeps the files’ descriptions: the next open runs no gdalinfo, and reads what a fresh open reads', async () => {
  const index = new SourceIndex();
  const cold = await openCounting(index);
  assert.deepEqual([cold.stats.described, cold.stats.confirmed], [4, 0], 'the cold open describes each file');
  const again = await openCounting(SourceIndex.fromBytes(index.toBytes()));
  assert.deepEqual([again.stats.described, again.stats.confirmed], [0, 4], 'with the index: each file confirmed, none described');
  assert.deepEqual(withoutFiles(again.meta), withoutFiles(cold.meta), 'the same description');
  assert.deepEqual([...again.data], [...cold.data], 'the same pixels');
});

test('a tampered or hostile description in an index is not used: the file is described as usual', async () => {
  const index = new SourceIndex();
  const cold = await openCounting(index);
  const doc = JSON.parse(new TextDecoder().decode(index.toBytes()));
  const byName = (n: string) => doc.files.find((f: { key: string }) => f.key.endsWith(`/${n}`));
  byName('nw.tif').description.width += 1; // another size: GDAL's answer differs, so the worker describes it
  byName('ne.tif').description.crs.wkt1 = '/etc/passwd'; // not a CRS definition: never handed to GDAL
  byName('sw.tif').description.dtypes = 'uint8'; // not the shape the engine writes
  const tampered = SourceIndex.fromBytes(new TextEncoder().encode(JSON.stringify(doc)));
  const r = await openCounting(tampered);
  assert.deepEqual([r.stats.described, r.stats.confirmed], [3, 1], 'three described anew, one confirmed');
  assert.deepEqual(withoutFiles(r.meta), withoutFiles(cold.meta), 'the description is the true one');
  assert.deepEqual([...r.data], [...cold.data], 'the same pixels');
  // A description that is not an object at all: the index is refused, naming the entry.
  byName('se.tif').description = 'x';
  assert.throws(() => SourceIndex.fromBytes(new TextEncoder().encode(JSON.stringify(doc))), SourceError, { message: /files\[\d\]\.description is not an object/ });
});

test('NaN and infinite values in a description survive the index file', async () => {
  const index = new SourceIndex();
  const url = 'https://example.com/a.tif';
  await index.record(url, {
    size: 100_000,
    etag: '"1"',
    lastModified: null,
    blockSize: 65_536,
    blocks: new Map(),
    description: { nodata: Number.NaN, nodatavals: [Number.NaN, -Infinity, Infinity, 0] },
  });
  const back = await SourceIndex.fromBytes(index.toBytes()).lookup(url, 65_536);
  const d = back!.description as { nodata: number; nodatavals: number[] };
  assert.ok(Number.isNaN(d.nodata));
  assert.deepEqual(d.nodatavals.slice(1), [-Infinity, Infinity, 0]);
  assert.ok(Number.isNaN(d.nodatavals[0]));
});

test('a remote vector layer opened with an index is recorded there too (its file, without a raster description)', async () => {
  const index = new SourceIndex();
  const url = remoteUrl('ok', 'vector/squares.fgb');
  const sdg = await SpatialDataGenerator.open(url, { burn: 'cls', dtype: 'uint8', remote: { index } });
  assert.equal(sdg.meta.vector?.featureCount, 40000);
  await sdg.close();
  assert.equal(index.size, 1, 'the FlatGeobuf is in the index');
  const entry = await index.lookup(url, 65_536);
  assert.ok(entry && entry.blocks.size > 0 && entry.description === undefined);
});
