/**
 * Every EPSG code without opening a raster: the EPSG table (src/crs/epsg-table.ts) against native
 * PROJ (test/reference/epsg-points.py: a point per code, PROJ's best operation, as cs2cs). Where the
 * table's datum shift is PROJ's own (a Helmert or none), proj4 agrees with PROJ to 1 cm.
 */
import { assert, test, testEnv } from './lib/harness.js';
import { CrsError, isCrsKnown, loadCrs, parseCrs, regularGrid, transformer } from '../src/index.js';
import { EPSG_TABLE } from '../src/crs/epsg-table.js';

type Row = [code: number, lon: number, lat: number, x: number, y: number];

/** Metres between two points of a CRS (degrees: at the equator, an upper bound). */
function metres(def: string, dx: number, dy: number): number {
  const f = /\+proj=longlat/.test(def) ? 111_320 : /\+units=us-ft/.test(def) ? 1200 / 3937 : /\+units=ft/.test(def) ? 0.3048 : 1;
  return Math.hypot(dx, dy) * f;
}

test('await loadCrs() makes every EPSG code of the table known without a raster; codes it lacks say how to get them', async () => {
  await loadCrs();
  for (const code of ['EPSG:2056', 'EPSG:31467', 'EPSG:27700', 'EPSG:2169', 'EPSG:3035', 'EPSG:32761', 'EPSG:4258', 'EPSG:5070']) assert.ok(isCrsKnown(code), code);
  assert.equal(parseCrs('EPSG:2056').units, 'metre');
  assert.equal(parseCrs('EPSG:2230').units, 'US survey foot');
  // A grid in a code no raster was opened in, reprojected: the boxes' corners are PROJ's.
  const g = regularGrid([2600000, 1200000, 2610000, 1210000], 5000, 5000, { crs: 'EPSG:2056' }).toCrs('EPSG:4326');
  assert.equal(g.length, 4);
  assert.close(g.bounds(0)[0], 7.4395, 0.01);
  // South-oriented CRSs are left out (proj4 does not apply axis orders), and say so.
  assert.throws(() => parseCrs('EPSG:2048'), CrsError, { message: /not in the EPSG table.*loadCrs/ });
});

test('proj4 with the EPSG table agrees with native PROJ to 1 cm wherever the table has PROJ’s own datum shift (every code at its area of use)', async () => {
  await loadCrs();
  const { proj, points } = await testEnv().fixtureJson<{ proj: string; points: Row[] }>('crs/epsg-points.json');
  // The codes whose table entry is PROJ's bound CRS, not PROJ's own shift (scripts/make-epsg-table.mjs).
  const boundCodes = await testEnv().fixtureJson<Record<string, string>>('crs/epsg-bound.json');
  let within = 0;
  let helmert = 0;
  const off: string[] = [];
  const bound = { n: 0, within1cm: 0, within1m: 0 };
  // The table's own definitions (a CRS registered otherwise, e.g. by registerCrs, is not the table's).
  const table = new Map(EPSG_TABLE.split('\n').map((l) => [Number(l.slice(0, l.indexOf(' '))), l.slice(l.indexOf(' ') + 1)]));
  assert.equal(points.length, table.size, 'a point for every code of the table');
  for (const [code, lon, lat, x, y] of points) {
    const def = table.get(code)!;
    const [u, v] = transformer('EPSG:4326', def)([lon, lat]); // the PROJ string itself, through proj4
    const d = metres(def, u - x, v - y);
    if (String(code) in boundCodes) {
      bound.n++;
      if (d <= 0.01) bound.within1cm++;
      if (d <= 1) bound.within1m++;
      continue;
    }
    helmert++;
    if (d <= 0.01) within++;
    if (d > 0.015) off.push(`EPSG:${code} ${d.toFixed(3)} m`);
  }
  assert.ok(points.length > 5000, `${points.length} codes checked against PROJ ${proj}`);
  // proj4 reverses a 7-parameter Helmert by transposing its rotation, PROJ by reversing its signs: a
  // few millimetres at most, 1.3 cm for EPSG:3167 (Kertau RSO) at its area's centre.
  assert.equal(off.length, 0, `all within 1.5 cm of PROJ ${proj}; off: ${off.slice(0, 10).join(', ')}`);
  assert.ok(within >= helmert - 1, `within 1 cm of PROJ ${proj}: ${within} of ${helmert}`);
  // Where PROJ uses a grid or a method proj4 lacks, the table has PROJ's bound CRS (as GDAL's WKT1):
  // measured, not promised (README: "Correct to GDAL").
  assert.ok(bound.n > 0 && bound.within1m <= bound.n);
});
