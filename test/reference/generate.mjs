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
// nodata the engine uses by default (the source's; else none: 0 outside the source, as gdalwarp).
const cases = [];
const add = (c) => cases.push({ name: `${(c.file ?? c.fixture.replace(/^.*\//, '')).replace(/\.tif$/, '')}-${c.tag}-${c.resampling}-${c.dtype}`, ...c });
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
    nodata: null,
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
    nodata: null,
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
    nodata: null,
  });
}
for (const r of ALL) {
  add({ tag: '2169-down', file: 'elev.tif', bounds: [55000, 65000, 95000, 125000], crs: 'EPSG:2169', width: 20, height: 30, resampling: r, dtype: 'float32', nodata: -32768 });
}
add({ tag: 'partly-outside', file: 'elev.tif', bounds: [5.5, 49.3, 6.2, 49.9], crs: 'EPSG:4326', width: 40, height: 40, resampling: 'nearest', dtype: 'int16', nodata: -32768 });
add({ tag: 'outside', file: 'elev.tif', bounds: [10, 40, 11, 41], crs: 'EPSG:4326', width: 8, height: 8, resampling: 'nearest', dtype: 'int16', nodata: -32768 });
// The Olinda DEM (float32, no nodata) in a box partly outside it: 0 there, as gdalwarp gives it.
const olindaOutside = {
  file: 'olinda_dem_utm25s.tif',
  bounds: [280000, 9105000, 292000, 9114000],
  crs: 'EPSG:31985',
  width: 40,
  height: 30,
  resampling: 'bilinear',
  dtype: 'float32',
  nodata: null,
};
add({ tag: 'partly-outside', ...olindaOutside });
add({ tag: 'same', file: 'lc.tif', bounds: [3092415, -78585, 3344415, 59415], crs: null, width: 84, height: 46, resampling: 'nearest', dtype: 'uint8', nodata: null });
add({ tag: '5070', file: 'lc.tif', bounds: [3150000, -60000, 3300000, 40000], crs: 'EPSG:5070', width: 30, height: 20, resampling: 'mode', dtype: 'uint8', nodata: null });
add({ tag: 'same', file: 'na.tif', bounds: [-180, -90, 180, 90], crs: 'EPSG:4326', width: 20, height: 10, resampling: 'nearest', dtype: 'float32', nodata: null });
add({ tag: 'antimeridian', file: 'na.tif', bounds: [150, -30, 210, 30], crs: 'EPSG:4326', width: 12, height: 12, resampling: 'nearest', dtype: 'float32', nodata: null });

// The edge cases of the engine's warp (it takes GDAL's mask-free kernels where it can, see
// wasm/gdal-engine.ts): every resampling on sources without nodata (one and five float bands, six
// byte bands, reprojected), an alpha source (RGBA, edges of partial density), and a valid value
// equal to nodata (bilinear halfway between -1 and 1 with nodata 0: gdalwarp moves it off nodata).
for (const r of ALL) {
  add({
    tag: 'nonodata',
    file: 'keras_spatial_small.tif',
    bounds: [816900, 1444900, 817700, 1445600],
    crs: 'EPSG:3443',
    width: 37,
    height: 29,
    resampling: r,
    dtype: 'float32',
    nodata: null,
  });
  add({ tag: 'multiband', file: 'L7_ETMs.tif', bounds: [-34.91, -8.03, -34.86, -7.98], crs: 'EPSG:4326', width: 30, height: 30, resampling: r, dtype: 'uint8', nodata: null });
}
for (const r of ['nearest', 'bilinear', 'cubic', 'average']) {
  add({ tag: 'alpha', fixture: 'warp/rgba.tif', bounds: [-34.92, -8.04, -34.85, -7.97], crs: 'EPSG:31985', width: 40, height: 36, resampling: r, dtype: 'uint8', nodata: null });
}
// The checker (Int16 columns of -1 and 1, nodata 0): bilinear and the like give 0 between them.
const checker = { fixture: 'warp/checker.tif', crs: 'EPSG:32631', width: 15, height: 15, dtype: 'int16', nodata: 0 };
for (const r of ['bilinear', 'cubic', 'cubicspline', 'lanczos']) {
  add({ tag: 'equal-nodata', ...checker, bounds: [500005, 4999845, 500155, 4999995], resampling: r });
}

// Windows that run off a source with nodata, where the fast path's alpha layer tells the pixels
// nothing was written to (left at nodata) from values GDAL wrote that equal nodata (which gdalwarp
// moves): every resampling reprojected, several bands with a source nodata, and the checker's valid
// values equal to nodata next to its edge.
for (const r of ALL) {
  add({ tag: 'edge-nodata', file: 'elev.tif', bounds: [30000, 40000, 70000, 80000], crs: 'EPSG:2169', width: 40, height: 40, resampling: r, dtype: 'float32', nodata: -32768 });
}
for (const r of ['nearest', 'bilinear', 'cubic']) {
  add({
    tag: 'edge-nodata',
    fixture: 'mosaic/rgb.tif',
    bounds: [-34.95, -8.1, -34.851, -7.975],
    crs: 'EPSG:4326',
    width: 48,
    height: 48,
    resampling: r,
    dtype: 'float32',
    nodata: -1,
    sourceNodata: [0],
  });
}
for (const r of ['bilinear', 'cubic']) {
  add({ tag: 'edge-nodata', ...checker, bounds: [500100, 4999800, 500250, 4999950], resampling: r });
}

// Validity layers (readWindow's mask: true) against gdalwarp -dstalpha: the alpha band above zero.
add({ tag: 'alpha-out', ...olindaOutside, mask: true });
add({
  tag: 'alpha-out',
  file: 'elev.tif',
  bounds: [5.5, 49.3, 6.2, 49.9],
  crs: 'EPSG:4326',
  width: 40,
  height: 40,
  resampling: 'cubic',
  dtype: 'float32',
  nodata: -32768,
  mask: true,
});
add({
  tag: 'alpha-out',
  file: 'L7_ETMs.tif',
  bounds: [-34.95, -8.1, -34.851, -7.975],
  crs: 'EPSG:4326',
  width: 48,
  height: 48,
  resampling: 'nearest',
  dtype: 'uint8',
  nodata: null,
  mask: true,
});

// A source nodata given at open (openRaster's sourceNodata) against gdalwarp -srcnodata: per band (a
// pixel is nodata where every band holds its value, as gdalwarp's UNIFIED_SRC_NODATA with -srcnodata)
// and one value for all bands, on the source grid and reprojected.
for (const [tag, values] of [
  ['srcnodata3', [62, 51, 39]],
  ['srcnodata1', [255]],
]) {
  add({
    tag,
    fixture: 'mosaic/rgb.tif',
    bounds: [290000, 9112000, 296000, 9118000],
    crs: 'EPSG:31985',
    width: 210,
    height: 210,
    resampling: 'nearest',
    dtype: 'float32',
    nodata: -1,
    sourceNodata: values,
  });
  add({
    tag,
    fixture: 'mosaic/rgb.tif',
    bounds: [-34.905, -8.029, -34.851, -7.975],
    crs: 'EPSG:4326',
    width: 48,
    height: 48,
    resampling: 'bilinear',
    dtype: 'float32',
    nodata: -1,
    sourceNodata: values,
  });
}

/** The small sources of those cases, made with native GDAL into test/fixtures/warp/. */
function makeSources() {
  const dir = resolve(here, '../fixtures/warp');
  mkdirSync(dir, { recursive: true });
  // 16x16 Int16, columns alternating -1 and 1, nodata 0, 10 m pixels.
  const px = new Int16Array(256).map((_, i) => (i % 2 ? 1 : -1));
  writeFileSync(join(tmp, 'checker.bin'), Buffer.from(px.buffer));
  writeFileSync(
    join(tmp, 'checker.hdr'),
    'ENVI\nsamples = 16\nlines = 16\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\ndata type = 2\ninterleave = bsq\nbyte order = 0\n',
  );
  execFileSync('gdal_translate', [
    '-q',
    '-of',
    'GTiff',
    '-a_srs',
    'EPSG:32631',
    '-a_ullr',
    '500000',
    '5000000',
    '500160',
    '4999840',
    '-a_nodata',
    '0',
    join(tmp, 'checker.bin'),
    join(dir, 'checker.tif'),
  ]);
  // RGB of the Landsat scene warped to EPSG:4326 with an alpha band (0 outside the rotated footprint).
  execFileSync('gdal_translate', ['-q', '-b', '3', '-b', '2', '-b', '1', join(data, 'L7_ETMs.tif'), join(tmp, 'rgb.tif')]);
  execFileSync('gdalwarp', [
    '-q',
    '-overwrite',
    '-t_srs',
    'EPSG:4326',
    '-dstalpha',
    '-r',
    'bilinear',
    '-ts',
    '120',
    '120',
    '-co',
    'COMPRESS=DEFLATE',
    join(tmp, 'rgb.tif'),
    join(dir, 'rgba.tif'),
  ]);
}

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
  makeSources();
  const written = [];
  for (const c of cases) {
    const dst = join(tmp, `${c.name}.bin`);
    const args = ['-q', '-overwrite', '-of', 'ENVI', '-te', ...c.bounds.map(String), '-ts', String(c.width), String(c.height), '-r', c.resampling, '-ot', GDAL_TYPES[c.dtype]];
    if (c.crs) args.push('-t_srs', c.crs);
    if (c.nodata === 'nan') args.push('-dstnodata', 'nan');
    if (c.nodata !== null && c.fixture) args.push('-dstnodata', String(c.nodata));
    if (c.mask) args.push('-dstalpha');
    if (c.sourceNodata) args.push('-srcnodata', c.sourceNodata.join(' '));
    args.push(c.fixture ? resolve(here, '../fixtures', c.fixture) : join(data, c.file), dst);
    execFileSync('gdalwarp', args);
    const bytes = readFileSync(dst);
    writeFileSync(join(out, 'windows', `${c.name}.bin`), bytes);
    written.push({ ...c, file: c.file, out: `windows/${c.name}.bin`, command: `gdalwarp ${args.slice(0, -2).join(' ')} ${c.file ?? c.fixture} out.bin` });
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
