/**
 * Sample tables as GeoParquet 1.1, in Node, Deno and Chromium: files DuckDB wrote (fixtures made by
 * test/fixtures/geoparquet/make.mjs: SNAPPY, ZSTD, GZIP; polygons, a multipolygon, integers, booleans,
 * dates, nulls) read to the values DuckDB was given; geotensor's own files read back identically (CRS
 * included); hostile files refused with a SourceError naming the input. The million-row check against
 * DuckDB's own reader is test/geoparquet-duckdb.mjs (Node).
 */
import { assert, test, testEnv } from './lib/harness.js';
import { scratchDir } from './lib/files.js';
import { ArgumentError, CrsError, GeotensorError, readGeoParquet, readSamples, SampleSet, SourceError, toGeoParquet, writeGeoParquet } from '../src/index.js';
import expected from './fixtures/geoparquet/expected.json' with { type: 'json' };

const { boxes, columns } = expected as unknown as { boxes: number[][]; columns: Record<string, (number | string | boolean | null)[]> };

for (const codec of ['snappy', 'zstd', 'gzip']) {
  test(`GeoParquet written by DuckDB (${codec}) reads to the values DuckDB was given`, async () => {
    const s = await readGeoParquet(await testEnv().fixtureSource(`geoparquet/duckdb-${codec}.parquet`));
    assert.equal(s.crs, 'EPSG:4326', 'no crs member: OGC:CRS84');
    assert.equal(s.length, boxes.length);
    for (let i = 0; i < s.length; i++) assert.deepEqual(s.bounds(i), boxes[i], `row ${i}: the envelope of its polygon`);
    assert.deepEqual(s.columnNames, ['id', 'big', 'flag', 'w', 'cls', 'day']);
    assert.deepEqual([...s.column('id')], columns.id);
    assert.deepEqual(
      [...s.column('big')],
      columns.big.map((v) => (v === null ? Number.NaN : Number(v))),
    );
    assert.deepEqual(
      [...s.column('flag')],
      columns.flag.map((v) => (v === null ? Number.NaN : v ? 1 : 0)),
    );
    assert.deepEqual(
      [...s.column('w')],
      columns.w.map((v) => (v === null ? Number.NaN : v)),
    );
    assert.deepEqual(s.column('cls'), columns.cls);
    assert.deepEqual(s.column('day'), columns.day);
  });
}

test('GeoParquet round trip: boxes, numbers, NaN, text, nulls and the CRS come back identically', async () => {
  const n = 2500;
  const b = Array.from({ length: n }, (_, i) => [400000 + i * 0.1 + 1 / 3, 5500000 - i * 7.25, 400100 + i * 0.1 + 1 / 3, 5500050 - i * 7.25 + Math.PI]);
  const s = SampleSet.fromBounds(b, 'EPSG:32616', {
    label: Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : i % 5)),
    weight: Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e-300),
    split: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : ['train', 'val', 'tést'][i % 3])),
  });
  const bytes = await toGeoParquet(s, { rowGroupSize: 1000 });
  const r = await readGeoParquet(bytes);
  assert.equal(r.crs, 'EPSG:32616');
  assert.equal(r.length, n);
  for (const k of ['minx', 'miny', 'maxx', 'maxy'] as const) assert.deepEqual([...r[k]], [...s[k]], k);
  assert.deepEqual(r.columnNames, ['label', 'weight', 'split']);
  assert.deepEqual([...r.column('label')], [...s.column('label')]);
  assert.deepEqual([...r.column('weight')], [...s.column('weight')]);
  assert.deepEqual(r.column('split'), s.column('split'));
});

test('GeoParquet CRS: EPSG:4326 as OGC:CRS84 and back, unknown as null, a CRS without a code as its WKT', async () => {
  const wgs = await readGeoParquet(await toGeoParquet(SampleSet.fromBounds([[6, 49, 6.5, 50]], 'EPSG:4326')));
  assert.equal(wgs.crs, 'EPSG:4326');
  assert.equal((await readGeoParquet(await toGeoParquet(SampleSet.fromBounds([[0, 0, 1, 1]], null)))).crs, null);
  const laea = await readGeoParquet(
    await toGeoParquet(SampleSet.fromBounds([[0, 0, 1, 1]], '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs')),
  );
  assert.ok(laea.crs?.startsWith('PROJCS[') && /Lambert_Azimuthal_Equal_Area/.test(laea.crs), laea.crs ?? 'null');
  // The crs member is GDAL's PROJJSON with its EPSG code.
  const meta = geoOf(await toGeoParquet(SampleSet.fromBounds([[0, 0, 1, 1]], 'EPSG:2169')));
  const crs = meta.columns.geometry.crs as { type: string; id: { authority: string; code: number } };
  assert.deepEqual([crs.type, crs.id.authority, crs.id.code], ['ProjectedCRS', 'EPSG', 2169]);
  assert.equal(meta.version, '1.1.0');
  assert.deepEqual(meta.columns.geometry.covering, { bbox: { xmin: ['bbox', 'xmin'], ymin: ['bbox', 'ymin'], xmax: ['bbox', 'xmax'], ymax: ['bbox', 'ymax'] } });
  assert.deepEqual(meta.columns.geometry.bbox, [0, 0, 1, 1]);
  // An empty set is a valid file.
  const empty = await readGeoParquet(await toGeoParquet(SampleSet.fromBounds([], 'EPSG:2169')));
  assert.deepEqual([empty.length, empty.crs], [0, 'EPSG:2169']);
});

test('writeGeoParquet and readSamples(".parquet"), with chip paths relative to the file', async () => {
  const dir = await scratchDir('geoparquet');
  const s = SampleSet.fromBounds(
    [
      [0, 0, 10, 10],
      [10, 0, 20, 10],
    ],
    'EPSG:2169',
    { file: ['chips/a.tif', 'chips/b.tif'] },
  );
  await writeGeoParquet(s, dir.path('samples.parquet'));
  assert.deepEqual(await dir.list(), ['samples.parquet'], 'no temporary file left');
  const r = await readSamples(dir.path('samples.parquet'));
  assert.deepEqual(r.column('file'), [`${dir.root}/chips/a.tif`, `${dir.root}/chips/b.tif`]);
  assert.equal(r.crs, 'EPSG:2169');
  await assert.rejects(readSamples(dir.path('samples.parquet'), { crs: 'EPSG:3035' }), ArgumentError);
  await assert.rejects(toGeoParquet(s.withColumn('bbox', [1, 2])), ArgumentError);
}, ['node', 'deno']);

function geoOf(bytes: Uint8Array): { version: string; columns: { geometry: Record<string, unknown> } } {
  // The footer's JSON, found as text (the test does not parse Parquet with the code under test).
  const text = new TextDecoder('latin1').decode(bytes);
  const at = text.indexOf('{"version"');
  let depth = 0;
  for (let k = at; k < text.length; k++) {
    if (text[k] === '{') depth++;
    if (text[k] === '}' && --depth === 0) return JSON.parse(new TextDecoder().decode(bytes.subarray(at, k + 1)));
  }
  throw new Error('no geo metadata');
}

const hostile = (await import('./fixtures/geoparquet/hostile.json', { with: { type: 'json' } })).default as { file: string; says: string }[];

test('hostile GeoParquet: each a typed error naming the input and what is wrong', async () => {
  const good = await toGeoParquet(SampleSet.fromBounds([[0, 0, 1, 1]], null));
  const footer = good.slice();
  new DataView(footer.buffer).setUint32(footer.length - 8, 0x7fffffff, true);
  const cases: [string, Uint8Array | string | Blob, string, object?][] = [
    ['not Parquet', new TextEncoder().encode('{"type":"FeatureCollection","features":[]}'), 'is not a Parquet file'],
    ['truncated', good.subarray(0, good.length - 9), 'is not a Parquet file'],
    ['a footer length past the file', footer, 'has a Parquet footer that cannot be read'],
    ['more rows than maxRows', good, 'more than maxRows (0)', { maxRows: 0 }],
    ['more bytes than maxBytes', good, 'more than maxBytes (10)', { maxBytes: 10 }],
  ];
  for (const h of hostile) cases.push([h.file, await testEnv().fixtureSource(`geoparquet/${h.file}`), h.says]);
  for (const [what, source, says, options] of cases) {
    const e = await readGeoParquet(source, options).then(
      () => null,
      (x) => x,
    );
    assert.ok(e instanceof (what === 'hostile-bad-crs.parquet' ? CrsError : SourceError), `${what}: a typed error, got ${e}`);
    assert.ok(e.message.includes(says), `${what}: ${e.message}`);
    const label = typeof source === 'string' ? source : 'GeoParquet bytes';
    assert.ok(e.message.startsWith(`${label}: `), `${what}: names the input (${e.message})`);
  }
});

test('GeoParquet with mutated bytes: a sample set or a typed error, never another failure', async () => {
  const good = await toGeoParquet(
    SampleSet.fromBounds(
      Array.from({ length: 60 }, (_, i) => [i, 0, i + 1, 2]),
      'EPSG:2169',
      { v: Float64Array.from({ length: 60 }, (_, i) => i / 3), s: Array.from({ length: 60 }, (_, i) => `row ${i}`) },
    ),
    { rowGroupSize: 25 },
  );
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let read = 0;
  let refused = 0;
  for (let k = 0; k < 250; k++) {
    const b = good.slice();
    const flips = 1 + Math.floor(rand() * 6);
    for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try {
      const s = await readGeoParquet(b, { maxBytes: 1 << 22 });
      assert.ok(s.length <= 60, `at most the 60 rows there are (${s.length})`);
      read++;
    } catch (e) {
      assert.ok(e instanceof GeotensorError, `mutation ${k}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      refused++;
    }
  }
  assert.equal(read + refused, 250);
  assert.ok(refused > 0 && read > 0, `${read} read, ${refused} refused`);
});
