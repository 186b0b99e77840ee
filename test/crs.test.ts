/** CRS on the TypeScript side (proj4): EPSG codes, WKT with and without a code, PROJ strings, units. */
import { assert, test } from './lib/harness.js';
import { CrsError, loadCrs, parseCrs, registerCrs, regularGrid, transformBounds, transformer } from '../src/index.js';
import { shared } from './lib/rasters.js';
import proj4 from 'proj4';

test('EPSG:4326 is geographic, in degrees', () => {
  const c = parseCrs('EPSG:4326');
  assert.equal(c.epsg, 4326);
  assert.equal(c.units, 'degree');
  assert.ok(c.isGeographic);
});

test("a raster's WKT without an EPSG code (olinda DEM) is understood, in metres", async () => {
  const r = await shared('olinda_dem_utm25s.tif');
  assert.equal(r.meta.crs!.epsg, null);
  const c = parseCrs(r.meta.crs!.wkt1);
  assert.equal(c.units, 'metre');
  assert.equal(c.isGeographic, false);
  // The DEM's origin in lon/lat, against native gdalinfo's corner (-34.9161655, -7.9498221).
  const [lon, lat] = transformer(r.meta.crs!.wkt1, 'EPSG:4326')([288776.25, 9120760.75]);
  assert.close(lon, -34.9161655, 1e-6, 'lon');
  assert.close(lat, -7.9498221, 1e-6, 'lat');
});

test('EPSG codes proj4 lacks are registered from GDAL; US survey feet are recognised', async () => {
  const r = await shared('keras_spatial_small.tif');
  registerCrs('EPSG:3443', r.meta.crs!.wkt1);
  const c = parseCrs('EPSG:3443');
  assert.equal(c.units, 'US survey foot');
  assert.close(c.metresPerUnit, 1200 / 3937, 1e-15);
  // Native, with the same definition (no datum shift, as GDAL exports EPSG:3443 to WKT1 and PROJ):
  // echo 817000 1445000 | gdaltransform -s_srs "$(gdalsrsinfo -o proj4 EPSG:3443)" -t_srs EPSG:4326
  //   -> -88.9359194162754 40.6327746374789
  // (gdaltransform -s_srs EPSG:3443 gives -88.9359252996136 40.6327822122101: there PROJ picks a
  // NAD83(HARN) -> WGS 84 Helmert from its database, about 0.6 m away. GDAL's warps use PROJ's choice.)
  const [lon, lat] = transformer('EPSG:3443', 'EPSG:4326')([817000, 1445000]);
  assert.close(lon, -88.9359194162754, 1e-9);
  assert.close(lat, 40.6327746374789, 1e-9);
});

test('EPSG:2169 from GDAL matches native PROJ', async () => {
  const r = await shared('elev.tif');
  registerCrs('EPSG:2169', (await r.resolveCrs('EPSG:2169')).wkt1);
  const c = parseCrs('epsg:2169');
  assert.equal(c.units, 'metre');
  // native: echo "5.8 49.5" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2169 -> 53334.4450923288 62871.6845536089
  const [x, y] = transformer('EPSG:4326', 'EPSG:2169')([5.8, 49.5]);
  assert.close(x, 53334.4450923288, 0.01);
  assert.close(y, 62871.6845536089, 0.01);
});

test('PROJ strings work; nonsense and unknown codes are CrsErrors naming the input', () => {
  const c = parseCrs('+proj=utm +zone=25 +south +ellps=GRS80 +units=m +no_defs');
  assert.equal(c.units, 'metre');
  let err: unknown;
  try {
    parseCrs('EPSG:987654');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CrsError && err.input === 'EPSG:987654' && /loadCrs\('EPSG:987654'\)/.test(err.message), String(err));
  err = undefined;
  try {
    parseCrs('');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CrsError, String(err));
  err = undefined;
  try {
    registerCrs('EPSG:1', 'garbage[[');
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CrsError, String(err));
});

test('loadCrs makes a CRS usable without opening a raster in it: a grid and a mask in EPSG:2056, boxes reprojected as PROJ does; ESRI codes from GDAL', async () => {
  await loadCrs(['EPSG:2056']);
  // A CRS outside the EPSG table comes from GDAL's PROJ database (USA Contiguous Albers, ESRI).
  await loadCrs('ESRI:102003');
  assert.equal(parseCrs('ESRI:102003').units, 'metre');
  const [x, y] = transformer('EPSG:4326', 'EPSG:2056')([8.5, 47.4]);
  // pyproj / gdaltransform (PROJ 9): 2680120.1818, 1250450.2793
  assert.close(x, 2680120.1818, 0.01, 'x as PROJ (to 1 cm: the EPSG table has PROJ’s own Helmert)');
  assert.close(y, 1250450.2793, 0.01, 'y as PROJ');
  const grid = regularGrid([2679000, 1249000, 2683000, 1253000], 1000, 1000, { crs: 'EPSG:2056' });
  const mask = {
    type: 'Polygon',
    coordinates: [
      [
        [8.49, 47.39],
        [8.51, 47.39],
        [8.51, 47.41],
        [8.49, 47.41],
        [8.49, 47.39],
      ],
    ],
  };
  const inside = grid.intersects(mask);
  assert.ok(inside.length > 0 && inside.length < grid.length, `${inside.length} of ${grid.length} boxes meet the mask`);
  await assert.rejects(loadCrs('EPSG:999999'), CrsError, { code: 'CRS_INVALID' });
});

test('a CRS string longer than any definition is a CrsError on both sides, and the engine goes on', async () => {
  const huge = `{${'"name":"x",'.repeat(5000)}"type":"GeographicCRS"}`;
  assert.throws(() => parseCrs(huge), CrsError);
  const r = await shared('elev.tif'); // opened once per run: not closed here
  await assert.rejects(r.resolveCrs(huge), CrsError, { message: /more than any CRS definition/ });
  await assert.rejects(r.readWindow({ bounds: r.meta.bounds!, crs: huge, width: 8, height: 8 }), CrsError);
  assert.equal((await r.resolveCrs('EPSG:2169')).epsg, 2169, 'the engine goes on');
});

test('transformers are kept per pair, and registering a name again replaces the ones using it', () => {
  registerCrs('TEST:SHIFT', '+proj=tmerc +lat_0=0 +lon_0=0 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs');
  const a = transformer('EPSG:4326', 'TEST:SHIFT');
  assert.equal(transformer('EPSG:4326', 'TEST:SHIFT'), a, 'the same pair gives the kept transformer');
  assert.close(a([0, 0])[0], 0, 1e-6, 'x at the origin');
  registerCrs('TEST:SHIFT', '+proj=tmerc +lat_0=0 +lon_0=0 +k=1 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs');
  const b = transformer('EPSG:4326', 'TEST:SHIFT');
  assert.ok(b !== a, 'a new transformer after registerCrs');
  assert.close(b([0, 0])[0], 500000, 1e-6, 'x with the new false easting');
});

test('transforms with a datum shift (TOWGS84) give proj4’s own coordinates bit for bit, through one WGS84 made once', () => {
  const defs: Record<string, string> = {
    // The W1 DEM's CRS as GDAL's WKT1 gives it to proj4 (NAD83(HARN), a zero shift), ED50 and Luxembourg 1930 (7 parameters).
    'TEST:HARNFT':
      '+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.999975 +x_0=300000.0000000001 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs',
    'TEST:EDFIFTY': '+proj=utm +zone=31 +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +units=m +no_defs',
    'TEST:LUREF':
      '+proj=tmerc +lat_0=49.8333333333333 +lon_0=6.16666666666667 +k=1 +x_0=80000 +y_0=100000 +ellps=intl +towgs84=-189.681,18.3463,-42.7695,-0.33746,-3.09264,2.53861,0.4598 +units=m +no_defs',
    'TEST:UTMNAD': '+proj=utm +zone=16 +datum=NAD83 +units=m +no_defs',
    'TEST:UTMWGS': '+proj=utm +zone=31 +datum=WGS84 +units=m +no_defs',
  };
  for (const [k, v] of Object.entries(defs)) registerCrs(k, v);
  const pairs: [string, string, [number, number], number][] = [
    ['TEST:HARNFT', 'TEST:UTMNAD', [900000, 1400000], 5000],
    ['TEST:UTMNAD', 'TEST:HARNFT', [330000, 4470000], 1500],
    ['TEST:EDFIFTY', 'EPSG:4326', [450000, 4600000], 20000],
    ['TEST:EDFIFTY', 'TEST:LUREF', [700000, 5500000], 5000],
    ['TEST:LUREF', 'TEST:UTMWGS', [80000, 100000], 3000],
  ];
  for (const [from, to, [x0, y0], step] of pairs) {
    const ours = transformer(from, to);
    const theirs = proj4(defs[from] ?? parseCrs(from).definition, defs[to] ?? parseCrs(to).definition);
    let n = 0;
    for (let i = 0; i < 15; i++) {
      for (let j = 0; j < 15; j++) {
        const p: [number, number] = [x0 + i * step, y0 + j * step];
        const [a, b] = [ours(p), theirs.forward(p)];
        assert.ok(Object.is(a[0], b[0]) && Object.is(a[1], b[1]), `${from} → ${to} at ${p}: ${a} vs proj4's ${b}`);
        n++;
      }
    }
    assert.equal(n, 225);
  }
});

test('a box transformed to the CRS it is in comes back as it was, without proj4; an unknown CRS still fails', async () => {
  await loadCrs('EPSG:3443');
  const box: [number, number, number, number] = [801795.5, 1460734.25, 806807.75, 1465746.5];
  assert.deepEqual(transformBounds(box, 'EPSG:3443', 'EPSG:3443'), box);
  // The same box through proj4 (the code against WKT text of it) lands within a millimetre: the shortcut changes nothing.
  const wkt = parseCrs('EPSG:3443').definition;
  const through = transformBounds(box, 'EPSG:3443', wkt);
  through.forEach((v, i) => assert.ok(Math.abs(v - box[i]) < 1e-3, `${v} vs ${box[i]}`));
  assert.throws(() => transformBounds(box, 'EPSG:999999', 'EPSG:999999'), CrsError);
});
