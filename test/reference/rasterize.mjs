#!/usr/bin/env node
// Native references for vector sources: the vector fixtures (GeoPackage, FlatGeobuf, GeoJSON made
// by ogr2ogr from ../shared/data's shapefiles) and, per case, native `gdal_rasterize` of the layer
// into a grid made by `gdal_create` for the box, CRS and size (GDAL reprojects the features into the
// grid's CRS). The layer is prepared as the engine prepares it (wasm/vector-source.ts): `gt_id` =
// the feature's position (1-based), `gt_burn` = the burned attribute, outlines by -nlt
// MULTILINESTRING. Run: node test/reference/rasterize.mjs (CI runs it before the tests).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = resolve(here, '../../../shared/data');
const out = resolve(here, '../fixtures/rasterize');
const tmp = resolve(here, '../.cache/rasterize-tmp');
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
mkdirSync(join(out, 'windows'), { recursive: true });
const run = (cmd, args) => execFileSync(cmd, ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

// The vector fixtures, in the formats a single File carries (shapefiles need their sidecars).
for (const f of ['olinda.gpkg', 'lux.fgb', 'lux.geojson', 'two-layers.gpkg', 'lines-points.geojson', 'no-crs.geojson']) rmSync(join(out, f), { force: true });
run('ogr2ogr', ['-f', 'GPKG', join(out, 'olinda.gpkg'), join(data, 'olinda1.shp'), '-nln', 'olinda']);
run('ogr2ogr', ['-f', 'FlatGeobuf', join(out, 'lux.fgb'), join(data, 'lux.shp')]);
run('ogr2ogr', ['-f', 'GeoJSON', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=9', join(out, 'lux.geojson'), join(data, 'lux.shp')]);
run('ogr2ogr', ['-f', 'GPKG', join(out, 'two-layers.gpkg'), join(data, 'olinda1.shp'), '-nln', 'census']);
run('ogr2ogr', ['-f', 'GPKG', '-update', join(out, 'two-layers.gpkg'), join(data, 'lux.shp'), '-nln', 'cantons']);
// Lines and points (not polygons), in a projected CRS named by a GeoJSON `crs` member.
const lp = {
  type: 'FeatureCollection',
  crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2169' } },
  features: [
    {
      type: 'Feature',
      properties: { v: 3 },
      geometry: {
        type: 'LineString',
        coordinates: [
          [61000, 71000],
          [99000, 129000],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { v: 5 },
      geometry: {
        type: 'MultiLineString',
        coordinates: [
          [
            [60500, 128000],
            [99500, 72000],
          ],
          [
            [80000, 70500],
            [80000, 129500],
          ],
        ],
      },
    },
    { type: 'Feature', properties: { v: 7 }, geometry: { type: 'Point', coordinates: [70000, 80000] } },
    {
      type: 'Feature',
      properties: { v: 9 },
      geometry: {
        type: 'MultiPoint',
        coordinates: [
          [90000, 120000],
          [65000, 125000],
        ],
      },
    },
  ],
};
writeFileSync(join(out, 'lines-points.geojson'), JSON.stringify(lp));
// Coordinates in metres with no CRS: GeoJSON says degrees, so the test must name the CRS (sourceCrs).
writeFileSync(join(out, 'no-crs.geojson'), JSON.stringify({ type: 'FeatureCollection', features: lp.features.slice(0, 2) }));

const TYPES = { uint8: 'Byte', int32: 'Int32', float32: 'Float32', uint16: 'UInt16' };
const OLINDA_UTM = [291000, 9111000, 295000, 9115000];
const OLINDA_DEG = [-34.9, -8.03, -34.86, -7.99];
const LUX_2169 = [60000, 70000, 100000, 130000];
const cases = [
  { name: 'olinda-semantic-31985', vector: 'olinda.gpkg', bounds: OLINDA_UTM, crs: 'EPSG:31985', width: 64, height: 64, burn: 1, dtype: 'uint8' },
  { name: 'olinda-instance-31985', vector: 'olinda.gpkg', bounds: OLINDA_UTM, crs: 'EPSG:31985', width: 64, height: 64, mode: 'instance', dtype: 'int32' },
  { name: 'olinda-attr-alltouched-31985', vector: 'olinda.gpkg', bounds: OLINDA_UTM, crs: 'EPSG:31985', width: 50, height: 40, burn: 'V014', allTouched: true, dtype: 'float32' },
  { name: 'olinda-semantic-4326', vector: 'olinda.gpkg', bounds: OLINDA_DEG, crs: 'EPSG:4326', width: 48, height: 48, burn: 2, background: 9, dtype: 'uint8' },
  { name: 'olinda-alltouched-4326', vector: 'olinda.gpkg', bounds: OLINDA_DEG, crs: 'EPSG:4326', width: 48, height: 48, burn: 1, allTouched: true, dtype: 'uint8' },
  { name: 'olinda-boundary-31985', vector: 'olinda.gpkg', bounds: OLINDA_UTM, crs: 'EPSG:31985', width: 64, height: 64, mode: 'instance', boundary: true, dtype: 'int32' },
  { name: 'lux-pop-2169', vector: 'lux.fgb', bounds: LUX_2169, crs: 'EPSG:2169', width: 40, height: 60, burn: 'POP', dtype: 'int32' },
  { name: 'lux-instance-3035', vector: 'lux.geojson', bounds: [4030000, 2930000, 4080000, 2990000], crs: 'EPSG:3035', width: 50, height: 60, mode: 'instance', dtype: 'uint16' },
  { name: 'cantons-instance-2169', vector: 'two-layers.gpkg', layer: 'cantons', bounds: LUX_2169, crs: 'EPSG:2169', width: 40, height: 60, mode: 'instance', dtype: 'int32' },
  { name: 'lines-points-2169', vector: 'lines-points.geojson', bounds: LUX_2169, crs: 'EPSG:2169', width: 40, height: 60, burn: 'v', dtype: 'uint8' },
  { name: 'lines-points-alltouched-2169', vector: 'lines-points.geojson', bounds: LUX_2169, crs: 'EPSG:2169', width: 40, height: 60, burn: 'v', allTouched: true, dtype: 'uint8' },
  { name: 'lines-points-boundary-2169', vector: 'lines-points.geojson', bounds: LUX_2169, crs: 'EPSG:2169', width: 40, height: 60, boundary: true, dtype: 'uint8' },
];

const written = [];
for (const c of cases) {
  const src = join(out, c.vector);
  const plain = join(tmp, `${c.name}-plain.fgb`);
  const indexed = join(tmp, `${c.name}-indexed.fgb`);
  const lines = join(tmp, `${c.name}-lines.fgb`);
  run('ogr2ogr', ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=NO', '-nln', 'features', '-skipfailures', plain, src, ...(c.layer ? [c.layer] : [])]);
  const attr = typeof c.burn === 'string' && c.mode !== 'instance' ? `, "${c.burn}" AS gt_burn` : '';
  run('ogr2ogr', ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=YES', '-nln', 'features', '-dialect', 'OGRSQL', '-sql', `SELECT FID+1 AS gt_id${attr} FROM features`, indexed, plain]);
  const bands = c.boundary ? 2 : 1;
  const grid = join(tmp, `${c.name}.tif`);
  const [minx, miny, maxx, maxy] = c.bounds;
  const init = [String(c.background ?? 0), ...(c.boundary ? ['0'] : [])];
  execFileSync('gdal_create', [
    '-of',
    'GTiff',
    '-outsize',
    String(c.width),
    String(c.height),
    '-bands',
    String(bands),
    '-ot',
    TYPES[c.dtype],
    '-a_srs',
    c.crs,
    '-a_ullr',
    String(minx),
    String(maxy),
    String(maxx),
    String(miny),
    '-burn',
    ...init,
    grid,
  ]);
  const burn = c.mode === 'instance' ? ['-a', 'gt_id'] : typeof c.burn === 'string' ? ['-a', 'gt_burn'] : ['-burn', String(c.burn ?? 1)];
  run('gdal_rasterize', ['-b', '1', ...burn, ...(c.allTouched ? ['-at'] : []), '-l', 'features', indexed, grid]);
  if (c.boundary) {
    run('ogr2ogr', ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=YES', '-nln', 'features', '-nlt', 'MULTILINESTRING', '-skipfailures', lines, indexed]);
    run('gdal_rasterize', ['-b', '2', '-burn', '1', '-l', 'features', lines, grid]);
  }
  const bin = join(tmp, `${c.name}.bin`);
  run('gdal_translate', ['-of', 'ENVI', '-co', 'INTERLEAVE=BSQ', grid, bin]);
  writeFileSync(join(out, 'windows', `${c.name}.bin`), readFileSync(bin));
  written.push({
    ...c,
    out: `windows/${c.name}.bin`,
    command: `gdal_rasterize -b 1 ${burn.join(' ')}${c.allTouched ? ' -at' : ''} -l features ${c.vector} (grid: gdal_create ${c.width}x${c.height} ${c.crs})`,
  });
}
const version = execFileSync('gdalinfo', ['--version']).toString().trim();
writeFileSync(join(out, 'cases.json'), JSON.stringify({ gdal: version, cases: written }, null, 1));
console.log(`rasterize references: ${written.length} cases (${version})`);
