#!/usr/bin/env node
// Writes the reference outputs of native GDAL (Debian gdal-bin) that the engine tests compare
// against: `gdalinfo -json` of every raster in ../shared/data, and `gdalwarp` windows for a set of
// boxes, CRSs, sizes, resamplings and data types. Run: node test/reference/generate.mjs
// The outputs are committed so `npm test` works without gdal-bin; CI regenerates them first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const data = resolve(here, '../../../shared/data');
const out = resolve(here, '../fixtures/reference');
const tmp = resolve(here, '../.cache/reference-tmp');

const files = ['elev.tif', 'L7_ETMs.tif', 'olinda_dem_utm25s.tif', 'lc.tif', 'na.tif', 'keras_spatial_small.tif'];
const ALL = ['nearest', 'bilinear', 'cubic', 'cubicspline', 'lanczos', 'average', 'rms', 'mode', 'max', 'min', 'med', 'q1', 'q3', 'sum'];

// Each case: source, box, CRS of the box and output grid, size, resampling, output type, and the
// nodata the engine uses by default (source nodata; NaN for floats without; none for integers).
const cases = [];
const add = (c) => cases.push({ name: `${c.file.replace(/\.tif$/, '')}-${c.tag}-${c.resampling}-${c.dtype}`, ...c });
for (const r of ['nearest', 'bilinear', 'cubic']) {
  add({ tag: 'same', file: 'elev.tif', bounds: [5.8, 49.5, 6.4, 50.1], crs: 'EPSG:4326', width: 48, height: 40, resampling: r, dtype: 'int16', nodata: -32768 });
  add({ tag: '2169', file: 'elev.tif', bounds: [60000, 70000, 100000, 130000], crs: 'EPSG:2169', width: 40, height: 60, resampling: r, dtype: 'float32', nodata: -32768 });
  add({ tag: 'same', file: 'L7_ETMs.tif', bounds: [290000, 9112000, 296000, 9118000], crs: 'EPSG:31985', width: 60, height: 60, resampling: r, dtype: 'uint8', nodata: null });
  add({ tag: '4326', file: 'L7_ETMs.tif', bounds: [-34.905, -8.029, -34.851, -7.975], crs: 'EPSG:4326', width: 48, height: 48, resampling: r, dtype: 'uint8', nodata: null });
  add({
    tag: '31985',
    file: 'olinda_dem_utm25s.tif',
    bounds: [290000, 9112000, 296000, 9118000],
    crs: 'EPSG:31985',
    width: 60,
    height: 60,
    resampling: r,
    dtype: 'float32',
    nodata: 'nan',
  });
  add({
    tag: 'same',
    file: 'keras_spatial_small.tif',
    bounds: [817000, 1445000, 817500, 1445500],
    crs: 'EPSG:3443',
    width: 32,
    height: 32,
    resampling: r,
    dtype: 'float32',
    nodata: 'nan',
  });
  add({
    tag: '4326',
    file: 'keras_spatial_small.tif',
    bounds: [-88.9359, 40.6328, -88.9341, 40.6342],
    crs: 'EPSG:4326',
    width: 32,
    height: 24,
    resampling: r,
    dtype: 'float32',
    nodata: 'nan',
  });
}
for (const r of ALL) {
  add({ tag: '2169-down', file: 'elev.tif', bounds: [55000, 65000, 95000, 125000], crs: 'EPSG:2169', width: 20, height: 30, resampling: r, dtype: 'float32', nodata: -32768 });
}
add({ tag: 'partly-outside', file: 'elev.tif', bounds: [5.5, 49.3, 6.2, 49.9], crs: 'EPSG:4326', width: 40, height: 40, resampling: 'nearest', dtype: 'int16', nodata: -32768 });
add({ tag: 'outside', file: 'elev.tif', bounds: [10, 40, 11, 41], crs: 'EPSG:4326', width: 8, height: 8, resampling: 'nearest', dtype: 'int16', nodata: -32768 });
add({
  tag: 'partly-outside',
  file: 'olinda_dem_utm25s.tif',
  bounds: [280000, 9105000, 292000, 9114000],
  crs: 'EPSG:31985',
  width: 40,
  height: 30,
  resampling: 'bilinear',
  dtype: 'float32',
  nodata: 'nan',
});
add({ tag: 'same', file: 'lc.tif', bounds: [3092415, -78585, 3344415, 59415], crs: null, width: 84, height: 46, resampling: 'nearest', dtype: 'uint8', nodata: null });
add({ tag: '5070', file: 'lc.tif', bounds: [3150000, -60000, 3300000, 40000], crs: 'EPSG:5070', width: 30, height: 20, resampling: 'mode', dtype: 'uint8', nodata: null });
add({ tag: 'same', file: 'na.tif', bounds: [-180, -90, 180, 90], crs: 'EPSG:4326', width: 20, height: 10, resampling: 'nearest', dtype: 'float32', nodata: 'nan' });
add({ tag: 'antimeridian', file: 'na.tif', bounds: [150, -30, 210, 30], crs: 'EPSG:4326', width: 12, height: 12, resampling: 'nearest', dtype: 'float32', nodata: 'nan' });

const GDAL_TYPES = { uint8: 'Byte', int16: 'Int16', float32: 'Float32' };

function gdalVersion() {
  return execFileSync('gdalinfo', ['--version']).toString().trim();
}

function main() {
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  mkdirSync(join(out, 'meta'), { recursive: true });
  mkdirSync(join(out, 'windows'), { recursive: true });
  for (const f of files) {
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', join(data, f)]).toString());
    const trimmed = {
      driverShortName: info.driverShortName,
      size: info.size,
      geoTransform: info.geoTransform,
      wkt: info.coordinateSystem?.wkt ?? null,
      epsg: info.stac?.['proj:epsg'] ?? null,
      bands: info.bands.map((b) => ({ type: b.type, noDataValue: b.noDataValue ?? null, block: b.block })),
    };
    writeFileSync(join(out, 'meta', `${f}.json`), JSON.stringify(trimmed, null, 1));
  }
  const written = [];
  for (const c of cases) {
    const dst = join(tmp, `${c.name}.bin`);
    const args = ['-q', '-overwrite', '-of', 'ENVI', '-te', ...c.bounds.map(String), '-ts', String(c.width), String(c.height), '-r', c.resampling, '-ot', GDAL_TYPES[c.dtype]];
    if (c.crs) args.push('-t_srs', c.crs);
    if (c.nodata === 'nan') args.push('-dstnodata', 'nan');
    args.push(join(data, c.file), dst);
    execFileSync('gdalwarp', args);
    const bytes = readFileSync(dst);
    writeFileSync(join(out, 'windows', `${c.name}.bin`), bytes);
    written.push({ ...c, file: c.file, out: `windows/${c.name}.bin`, command: `gdalwarp ${args.slice(0, -2).join(' ')} ${c.file} out.bin` });
  }
  writeFileSync(join(out, 'cases.json'), JSON.stringify({ gdal: gdalVersion(), cases: written }, null, 1));

  // Per-sample statistics: native gdalwarp of each box, then gdalinfo -stats (nodata excluded).
  const stats = [];
  const boxes = [
    [60000, 70000, 70000, 80000],
    [70000, 90000, 80000, 100000],
    [85000, 110000, 95000, 120000],
    [50000, 60000, 60000, 70000],
  ];
  boxes.forEach((b, k) => {
    const dst = join(tmp, `stats-${k}.tif`);
    execFileSync('gdalwarp', [
      '-q',
      '-overwrite',
      '-of',
      'GTiff',
      '-te',
      ...b.map(String),
      '-ts',
      '20',
      '20',
      '-r',
      'bilinear',
      '-ot',
      'Float32',
      '-t_srs',
      'EPSG:2169',
      join(data, 'elev.tif'),
      dst,
    ]);
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', '-stats', dst], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
    const band = info.bands[0];
    // gdalinfo finds no valid pixel in a box wholly outside the data: no statistics, count 0
    const valid = band.minimum === undefined ? 0 : Number(band.metadata?.['']?.STATISTICS_VALID_PERCENT ?? 100);
    stats.push({
      bounds: b,
      crs: 'EPSG:2169',
      width: 20,
      height: 20,
      resampling: 'bilinear',
      file: 'elev.tif',
      min: band.minimum ?? null,
      max: band.maximum ?? null,
      mean: band.mean ?? null,
      std: band.stdDev ?? null,
      count: Math.round((valid * 400) / 100),
      command: `gdalwarp -te ${b.join(' ')} -ts 20 20 -r bilinear -ot Float32 -t_srs EPSG:2169 elev.tif out.tif && gdalinfo -stats out.tif`,
    });
  });
  writeFileSync(join(out, 'stats.json'), JSON.stringify({ gdal: gdalVersion(), cases: stats }, null, 1));
  rmSync(tmp, { recursive: true, force: true });
  console.log(`reference: ${files.length} gdalinfo, ${written.length} gdalwarp windows from ${gdalVersion()} -> ${out}`);
}

main();
