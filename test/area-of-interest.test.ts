/**
 * The area of interest the engine hands GDAL once per dataset (wasm/area-of-interest.ts): how it is
 * derived, and when the engine hands it over. That it is the one GDAL computes itself, and gives
 * the same pixels: area-of-interest-gdal.test.ts (Node).
 */
import { assert, test, testEnv } from './lib/harness.js';
import { workerStats } from '../src/testing.js';
import { EnginePool, openRaster } from '../src/index.js';
import { fromCorners, geographicWkt, NO_AREA } from '../wasm/area-of-interest.js';

/** Amersfoort / RD New as GDAL 2 wrote it: a datum with TOWGS84, which GDAL's CloneGeogCS leaves out. */
export const RD_NEW_TOWGS84 =
  'PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128],TOWGS84[565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Oblique_Stereographic"],PARAMETER["latitude_of_origin",52.15616055555555],PARAMETER["central_meridian",5.38763888888889],PARAMETER["scale_factor",0.9999079],PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],UNIT["metre",1]]';

test('the geographic CRS GDAL takes the area in, from WKT1: TOWGS84 left out; compound CRSs, grads and bound grids left to GDAL', () => {
  const geog = geographicWkt(RD_NEW_TOWGS84);
  assert.equal(
    geog,
    'GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
    'the GEOGCS node without TOWGS84',
  );
  const wgs84 =
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AXIS["Latitude",NORTH],AXIS["Longitude",EAST]]';
  assert.equal(geographicWkt(wgs84), wgs84, 'a geographic CRS is its own');
  assert.equal(geographicWkt(`COMPD_CS["x",${wgs84},VERT_CS["h",VERT_DATUM["v",2005],UNIT["metre",1]]]`), null, 'compound');
  const grads =
    'GEOGCS["NTF (Paris)",DATUM["Nouvelle_Triangulation_Francaise_Paris",SPHEROID["Clarke 1880 (IGN)",6378249.2,293.466021293627]],PRIMEM["Paris",2.33722917],UNIT["grad",0.0157079632679489]]';
  assert.equal(geographicWkt(grads), null, 'angles in grads');
  assert.equal(geographicWkt(wgs84.replace(']],PRIMEM', '],EXTENSION["PROJ4_GRIDS","conus"]],PRIMEM')), null, 'a datum bound to grids');
  assert.equal(geographicWkt('GEOCCS["g",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["metre",1]]'), null, 'geocentric');
  assert.equal(geographicWkt('PROJCS["p \\"GEOGCS[\\"",PROJECTION["x"]]'), null, 'no GEOGCS node (a name holding its text does not count)');
});

test('the area from the transformed corners: failed corners left out, west and east of a top edge across the antimeridian swapped, none when no corner or a box off the globe', () => {
  assert.equal(fromCorners([10, 12, 10, 12], [50, 50, 48, 48]), '10,48,12,50');
  assert.equal(fromCorners([10, Number.POSITIVE_INFINITY, 10, 12], [50, Number.POSITIVE_INFINITY, 48, 48]), '10,48,12,50', 'a failed corner');
  assert.equal(fromCorners([179, -179, 179, -179], [10, 10, 9, 9]), '179,9,-179,10', 'across the antimeridian');
  const huge = 1e308 * 10;
  assert.equal(fromCorners([huge, huge, huge, huge], [huge, huge, huge, huge]), NO_AREA, 'no corner');
  assert.equal(fromCorners([10, 200, 10, 200], [50, 50, 48, 48]), NO_AREA, 'off the globe');
  assert.equal(
    fromCorners([0.1 + 0.2, 1, 0.1 + 0.2, 1], [2, 2, 1, 1])
      .split(',')
      .map(Number)[0],
    0.1 + 0.2,
    'written to read back as the same double',
  );
});

test('the engine hands GDAL the area on reads from one source; a mosaic read through several sources lets GDAL compute each', async () => {
  const engine = new EnginePool({ workers: 1 });
  const given = async () => (await workerStats(engine))[0].areaGiven;
  const r = await openRaster(await testEnv().sharedSource('L7_ETMs.tif'), { engine });
  const [x0, y0, x1, y1] = r.meta.bounds!;
  const before = await given();
  await r.readWindow({ bounds: [x0, y0, (x0 + x1) / 2, (y0 + y1) / 2], width: 32, height: 32 });
  await r.readWindow({ bounds: [-34.9, -8.0, -34.85, -7.96], crs: 'EPSG:4326', width: 32, height: 32 });
  assert.equal((await given()) - before, 2, 'one file: both reads, in its CRS and in another');
  const tiles = await Promise.all(['nw.tif', 'ne_32725.tif', 'sw.tif', 'se.tif'].map((t) => testEnv().fixtureSource(`mosaic/${t}`)));
  const m = await openRaster(tiles, { engine });
  const nw = await openRaster(tiles[0], { engine });
  const [a, b, c, d] = nw.meta.bounds!;
  const atStart = await given();
  await m.readWindow({ bounds: m.meta.bounds!, width: 32, height: 32 });
  assert.equal((await given()) - atStart, 0, 'a mosaic window over tiles in two CRSs (two sources)');
  await m.readWindow({ bounds: [a + (c - a) / 4, b + (d - b) / 4, c - (c - a) / 4, d - (d - b) / 4], width: 32, height: 32 });
  assert.equal((await given()) - atStart, 1, 'a mosaic window inside one tile (one source: the VRT of the tiles on one grid)');
  await Promise.all([r.close(), m.close(), nw.close()]);
  await engine.terminate();
});
