/**
 * Vector sources rasterized through sample boxes, against native gdal_rasterize (references by
 * test/reference/rasterize.mjs), in Node, Deno and Chromium; their errors; alignment with rasters.
 */
import { assert, remoteServed, remoteUrl, test, testEnv } from './lib/harness.js';
import { flatGeobufIndexed } from '../src/testing.js';
import { ArgumentError, attributes, EnginePool, SourceError, SampleSet, SpatialDataGenerator, zip } from '../src/index.js';
import caseList from './fixtures/rasterize/cases.json' with { type: 'json' };

interface Case {
  name: string;
  vector: string;
  layer?: string;
  bounds: [number, number, number, number];
  crs: string;
  width: number;
  height: number;
  burn?: string | number;
  mode?: 'semantic' | 'instance';
  allTouched?: boolean;
  boundary?: boolean;
  background?: number;
  dtype: 'uint8' | 'int32' | 'float32' | 'uint16';
  out: string;
  command: string;
}

const ARRAYS = { uint8: Uint8Array, int32: Int32Array, float32: Float32Array, uint16: Uint16Array };
const { gdal, cases } = caseList as unknown as { gdal: string; cases: Case[] };

async function open(c: Pick<Case, 'vector'> & Partial<Case>, extra: Record<string, unknown> = {}) {
  const src = await testEnv().fixtureSource(`rasterize/${c.vector}`);
  return SpatialDataGenerator.open(src, {
    vector: true,
    ...(c.burn !== undefined ? { burn: c.burn } : {}),
    ...(c.mode ? { mode: c.mode } : {}),
    ...(c.layer ? { layer: c.layer } : {}),
    allTouched: c.allTouched,
    boundary: c.boundary,
    background: c.background,
    dtype: c.dtype,
    ...extra,
  });
}

for (const c of cases) {
  test(`vector ${c.name} equals native gdal_rasterize`, async () => {
    const bytes = await testEnv().fixtureBytes(`rasterize/${c.out}`);
    const expected = new ARRAYS[c.dtype](bytes.slice().buffer);
    const sdg = await open(c);
    try {
      const w = await sdg.readWindow({ bounds: c.bounds, crs: c.crs, width: c.width, height: c.height });
      const layers = c.boundary ? 2 : 1;
      assert.equal(w.dtype, c.dtype, 'dtype');
      assert.deepEqual(w.shape, [layers, c.height, c.width], 'shape');
      let diff = 0;
      let burned = 0;
      for (let i = 0; i < expected.length; i++) {
        if (w.data[i] !== expected[i]) diff++;
        if (expected[i] !== (c.background ?? 0)) burned++;
      }
      assert.equal(diff, 0, `pixels unlike ${gdal}'s (${c.command})`);
      assert.ok(burned > 0 && burned < expected.length, `the box holds features and background (${burned} of ${expected.length})`);
    } finally {
      await sdg.close();
    }
  });
}

test('vector: a flow of labels zipped with an image comes out aligned on the same boxes', async () => {
  const labels = await open({ vector: 'olinda.gpkg', mode: 'instance' });
  const image = await SpatialDataGenerator.open(await testEnv().sharedSource('L7_ETMs.tif'), { indexes: 1 });
  try {
    const samples = image.regularGrid(2000, 2000).take(6);
    assert.equal(labels.meta.vector?.featureCount, 470, 'feature count');
    assert.equal(labels.meta.vector?.layer, 'olinda', 'layer');
    let n = 0;
    for await (const [l, i] of zip(labels.flow(samples, 32, 32, { batchSize: 3 }), image.flow(samples, 32, 32, { batchSize: 3 }))) {
      assert.deepEqual(l.shape, [3, 32, 32, 1], 'labels [batch, h, w, 1]');
      assert.deepEqual(i.shape, [3, 32, 32], 'image band');
      n += l.shape[0];
    }
    assert.equal(n, 6, 'every sample');
    // One box read by itself equals the flow's sample (the same boxes, the same grid).
    const one = await labels.readWindow({ bounds: samples.bounds(0), crs: samples.crs ?? undefined, width: 32, height: 32 });
    const first = (await labels.flow(samples.take(1), 32, 32, { batchSize: 1 })[Symbol.asyncIterator]().next()).value as { data: ArrayLike<number> };
    assert.deepEqual(Array.from(first.data as ArrayLike<number>), Array.from(one.data), 'flow sample = readWindow');
  } finally {
    await labels.close();
    await image.close();
  }
});

test('vector: a GeoJSON object is a source, its CRS from the sourceCrs option when it has none', async () => {
  const fc = await testEnv().fixtureJson<Record<string, unknown>>('rasterize/no-crs.geojson');
  const sdg = await SpatialDataGenerator.open(fc, { burn: 'v', sourceCrs: 'EPSG:2169' });
  try {
    assert.equal(sdg.meta.vector?.driver, 'GeoJSON');
    const w = await sdg.readWindow({ bounds: [60000, 70000, 100000, 130000], crs: 'EPSG:2169', width: 40, height: 60 });
    const values = new Set(Array.from(w.data));
    assert.deepEqual([...values].sort(), [0, 3, 5], 'the two lines burn their v');
    const samples = sdg.regularGrid(10000, 10000);
    assert.ok(samples.length >= 6, `a grid over the layer's extent (${samples.length} boxes)`);
  } finally {
    await sdg.close();
  }
});

test('vector errors: missing attribute, text attribute, instance with burn, unknown layer, not a vector, empty layer', async () => {
  const gpkg = { vector: 'olinda.gpkg' };
  await assert.rejects(open({ ...gpkg, burn: 'nope' }), ArgumentError, { message: /burn.*numeric attribute of .*olinda\.gpkg.*V014/ });
  await assert.rejects(open({ ...gpkg, burn: 'NM_BAIR' }), ArgumentError, { message: /NM_BAIR is String/ });
  await assert.rejects(open({ ...gpkg, burn: 1, mode: 'instance' }), ArgumentError, { message: /mode 'instance'/ });
  await assert.rejects(open({ vector: 'two-layers.gpkg', layer: 'roads' }), ArgumentError, { message: /census, cantons/ });
  await assert.rejects(open(gpkg, { mode: 'panoptic' }), ArgumentError, { message: /mode/ });
  await assert.rejects(open(gpkg, { background: Number.NaN }), ArgumentError, { message: /background/ });
  const tif = await testEnv().sharedSource('elev.tif');
  await assert.rejects(SpatialDataGenerator.open(tif, { burn: 1 }), SourceError, { message: /cannot open it as a vector layer/ });
  await assert.rejects(SpatialDataGenerator.open({ type: 'FeatureCollection', features: [] }, { burn: 1 }), SourceError, { message: /empty \(0 features\)/ });
  const labels = await open(gpkg);
  try {
    assert.throws(() => labels.regularGrid(64, 64, { units: 'pixels' }), ArgumentError, { message: /vector layer, which has no pixels/ });
  } finally {
    await labels.close();
  }
});

test('vector: a shapefile by path reads its sidecars (.dbf, .prj) in Node and Deno', async () => {
  if (testEnv().runtime === 'browser') return; // one File cannot carry a shapefile's sidecars: the GeoPackage cases above cover it
  const sdg = await SpatialDataGenerator.open(testEnv().sharedPath('lux.shp'), { burn: 'POP', dtype: 'int32' });
  const ref = await open({ vector: 'lux.fgb', burn: 'POP', dtype: 'int32' });
  try {
    const box = { bounds: [60000, 70000, 100000, 130000] as [number, number, number, number], crs: 'EPSG:2169', width: 40, height: 60 };
    const a = await sdg.readWindow(box);
    const b = await ref.readWindow(box);
    assert.deepEqual(Array.from(a.data), Array.from(b.data), 'shapefile = its FlatGeobuf copy');
    assert.equal(sdg.meta.vector?.driver, 'ESRI Shapefile');
  } finally {
    await sdg.close();
    await ref.close();
  }
});

test('vector: boxes far from every feature are background only', async () => {
  const sdg = await open({ vector: 'lux.fgb', burn: 7, background: 3 });
  try {
    const w = await sdg.readWindow({ bounds: [0, 0, 1000, 1000], crs: 'EPSG:2169', width: 8, height: 8 });
    assert.deepEqual([...new Set(Array.from(w.data))], [3], 'background');
    const s = SampleSet.fromBounds([[0, 0, 1000, 1000]], 'EPSG:2169');
    for await (const b of sdg.flow(s, 8, 8)) assert.deepEqual([...new Set(Array.from(b.data as ArrayLike<number>))], [3]);
  } finally {
    await sdg.close();
  }
});

test('vector: hostile bytes are refused with a SourceError naming them; absurd coordinates still give a whole window of burn value or background', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  await assert.rejects(SpatialDataGenerator.open(enc('{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'), { burn: 1 }), SourceError, {
    code: 'SOURCE_UNREADABLE',
    message: /^bytes: GDAL cannot open it as a vector layer/,
  });
  await assert.rejects(SpatialDataGenerator.open(enc('hello world'), { vector: true }), SourceError, { message: /^bytes: GDAL cannot open it as a vector layer/ });
  await assert.rejects(SpatialDataGenerator.open(await testEnv().fixtureBytes('rasterize/olinda.gpkg'), { mode: 'instance', layer: '"; DROP TABLE olinda; --' }), ArgumentError, {
    message: /one of the layers of bytes: olinda/,
  });
  const far = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [1e300, 1e300],
          [-1e300, 1e300],
          [0, -1e300],
          [1e300, 1e300],
        ],
      ],
    },
  };
  const sdg = await SpatialDataGenerator.open({ type: 'FeatureCollection', features: [far] }, { burn: 1, sourceCrs: 'EPSG:3857' });
  try {
    const w = await sdg.readWindow({ bounds: [0, 0, 1000, 1000], crs: 'EPSG:3857', width: 8, height: 8 });
    assert.equal(w.data.length, 64, 'a whole window');
    assert.ok(
      Array.from(w.data).every((v) => v === 0 || v === 1),
      'only the burn value or the background',
    );
  } finally {
    await sdg.close();
  }
});

test('vector: attributes count classes per sample from a vector layer, as native gdal_rasterize burns them', async () => {
  for (const name of ['olinda-semantic-31985', 'lux-pop-2169']) {
    const c = cases.find((x) => x.name === name)!;
    const expected = new ARRAYS[c.dtype]((await testEnv().fixtureBytes(`rasterize/${c.out}`)).slice().buffer);
    const want = new Map<number, number>();
    for (const v of expected) want.set(v, (want.get(v) ?? 0) + 1);
    const sdg = await open(c);
    try {
      const s = await attributes(sdg, SampleSet.fromBounds([c.bounds], c.crs), { width: c.width, height: c.height, stats: ['classCounts'] });
      const got = new Map(s.columnNames.filter((n) => n.startsWith('class_')).map((n) => [Number(n.slice(6)), s.column(n)[0] as number]));
      assert.ok(want.size > 1, `${name}: several classes`);
      for (const [v, n] of want) assert.equal(got.get(v), n, `${name}: pixels of class ${v}`);
    } finally {
      await sdg.close();
    }
  }
});

test("vector: features() gives the layer as a GeoJSON mask in its CRS; masks from it select as geopandas' do", async () => {
  const f = await testEnv().fixtureJson<{ crs: string; boxes: number[][]; classes: number[]; slivers: number[] }>('masks/lux-cantons.json');
  const sdg = await open({ vector: 'lux.fgb', burn: 1, dtype: 'uint8' });
  try {
    const { geojson, crs } = await sdg.features();
    assert.equal(geojson.features.length, 12, 'the 12 cantons');
    assert.equal(crs, 'EPSG:4326');
    assert.equal(geojson.crs?.properties.name, 'EPSG:4326');
    const samples = SampleSet.fromBounds(f.boxes, f.crs).withColumn(
      'row',
      Float64Array.from(f.boxes, (_, i) => i),
    );
    const within = new Set(Array.from(samples.within(geojson).column('row')));
    const meets = new Set(Array.from(samples.intersects(geojson).column('row')));
    const slivers = new Set(f.slivers);
    let wrong = 0;
    f.boxes.forEach((_, i) => {
      const got = within.has(i) ? 2 : meets.has(i) ? 1 : 0;
      if (got !== f.classes[i] && !(slivers.has(i) && got === 2)) wrong++;
    });
    assert.equal(wrong, 0, 'boxes classified unlike geopandas');
  } finally {
    await sdg.close();
  }
  const raster = await SpatialDataGenerator.open(await testEnv().sharedSource('elev.tif'));
  try {
    await assert.rejects(raster.features(), ArgumentError, { message: /vector source/ });
  } finally {
    await raster.close();
  }
});

test('vector: a layer over HTTP (FlatGeobuf, GeoPackage, GeoJSON by URL) rasterizes as the local file does', async () => {
  for (const name of ['lux-pop-2169', 'olinda-semantic-31985', 'lux-instance-3035']) {
    const c = cases.find((x) => x.name === name)!;
    const expected = new ARRAYS[c.dtype]((await testEnv().fixtureBytes(`rasterize/${c.out}`)).slice().buffer);
    const url = remoteUrl('ok', `vector/${c.vector}`);
    const sdg = await SpatialDataGenerator.open(url, {
      vector: true,
      ...(c.burn !== undefined ? { burn: c.burn } : {}),
      ...(c.mode ? { mode: c.mode } : {}),
      dtype: c.dtype,
    });
    try {
      assert.equal(sdg.source, url);
      const w = await sdg.readWindow({ bounds: c.bounds, crs: c.crs, width: c.width, height: c.height });
      let diff = 0;
      for (let i = 0; i < expected.length; i++) if (w.data[i] !== expected[i]) diff++;
      assert.equal(diff, 0, `${name}: pixels unlike native gdal_rasterize`);
      const served = await remoteServed(`/ok/vector/${c.vector}`);
      assert.ok(served.requests > 0 && served.bytes > 0, `${name}: read over HTTP (${served.requests} requests)`);
    } finally {
      await sdg.close();
    }
  }
});

test('vector: a remote FlatGeobuf with its R-tree is read in place: a box fetches a small part of the file, with the pixels of a full copy', async () => {
  const url = remoteUrl('lat-5', 'vector/squares.fgb');
  const whole = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const copy = await SpatialDataGenerator.open(whole, { vector: true, burn: 'cls', dtype: 'uint8' });
  const before = (await remoteServed('/lat-5/vector/squares.fgb')).bytes; // counted since the last reset
  const inPlace = await SpatialDataGenerator.open(url, { burn: 'cls', dtype: 'uint8' });
  try {
    assert.equal(inPlace.meta.vector?.featureCount, 40000);
    const boxes = SampleSet.fromBounds(
      [
        [500950, 9000950, 502230, 9002230],
        [515000, 9015000, 516280, 9016280],
      ],
      'EPSG:31985',
    );
    for (let i = 0; i < boxes.length; i++) {
      const a = await inPlace.readSample(boxes, i, 128, 128);
      const b = await copy.readSample(boxes, i, 128, 128);
      assert.deepEqual(Array.from(a.data), Array.from(b.data), `box ${i}: the same pixels as the full copy`);
      assert.ok(new Set(a.data).size >= 4, `box ${i}: several classes burned`);
    }
    const fetched = (await remoteServed('/lat-5/vector/squares.fgb')).bytes - before;
    assert.ok(fetched < whole.length / 4, `opening and two boxes fetched ${fetched} of ${whole.length} bytes`);
    const { geojson } = await inPlace.features();
    assert.equal(geojson.features.length, 40000, 'features() reads the whole layer when asked');
    // Instances (each feature's position) and the replay bridge (pages that are not isolated, edge).
    const replay = new EnginePool({ workers: 1, byteBridge: 'replay' });
    const ids = await SpatialDataGenerator.open(url, { mode: 'instance', engine: replay });
    const idsCopy = await SpatialDataGenerator.open(whole, { vector: true, mode: 'instance' });
    try {
      const a = await ids.readSample(boxes, 1, 64, 64);
      const b = await idsCopy.readSample(boxes, 1, 64, 64);
      assert.deepEqual(Array.from(a.data), Array.from(b.data), 'instance ids through the replay bridge equal the full copy');
      assert.ok(new Set(a.data).size > 100, 'many instances in the box');
      // A remote GeoPackage (copied at open) through the replay bridge too.
      const gpkg = await SpatialDataGenerator.open(remoteUrl('ok', 'vector/olinda.gpkg'), { mode: 'instance', engine: replay });
      assert.equal(gpkg.meta.vector?.featureCount, 470);
      await gpkg.close();
    } finally {
      await ids.close();
      await idsCopy.close();
      await replay.terminate();
    }
  } finally {
    await inPlace.close();
    await copy.close();
  }
});

test('vector: the FlatGeobuf header check takes only a real indexed FlatGeobuf (hostile or truncated headers are copied, not read in place)', async () => {
  const fgb = await testEnv().fixtureBytes('rasterize/lux.fgb');
  assert.equal(flatGeobufIndexed(fgb.subarray(0, 4096)), true, 'lux.fgb has its R-tree');
  assert.equal(flatGeobufIndexed(fgb.subarray(0, 10)), false, 'truncated before the header');
  assert.equal(flatGeobufIndexed(await testEnv().fixtureBytes('rasterize/olinda.gpkg')), false, 'a GeoPackage');
  const bad = fgb.slice(0, 4096);
  new DataView(bad.buffer).setUint32(12, 0xfffffff0, true); // the root table far past the bytes
  assert.equal(flatGeobufIndexed(bad), false, 'a root offset past the end');
  const loop = fgb.slice(0, 4096);
  const root = 12 + new DataView(loop.buffer).getUint32(12, true);
  new DataView(loop.buffer).setInt32(root, 0x7ffffff0, true); // the vtable before the header
  assert.equal(flatGeobufIndexed(loop), false, 'a vtable outside the header');
  assert.equal(flatGeobufIndexed(new Uint8Array(0)), false, 'no bytes');
});
