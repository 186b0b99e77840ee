// Prepares the files the remote tests serve (test/.cache/remote/, made once, reused):
// every raster of ../shared/data converted to a cloud-optimised GeoTIFF, and big.tif, a COG of
// several hundred MB (three Landsat bands of L7_ETMs.tif upsampled 30x, uncompressed, with overviews).
// Uses native GDAL (Debian gdal-bin), which .ci/run installs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';

const out = 'test/.cache/remote';
mkdirSync(out, { recursive: true });
function run(args) {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${args.join(' ')} failed:\n${r.stderr || r.error}`);
    if (r.error?.code === 'ENOENT') console.error('native GDAL is needed to prepare the remote test files: apt-get install -y gdal-bin');
    process.exit(1);
  }
}
const quiet = ['-q', '--config', 'GDAL_PAM_ENABLED', 'NO'];
for (const f of readdirSync('../shared/data').filter((f) => f.endsWith('.tif'))) {
  if (existsSync(`${out}/${f}`)) continue;
  run(['gdal_translate', ...quiet, '-of', 'COG', '-co', 'BLOCKSIZE=256', `../shared/data/${f}`, `${out}/${f}.part`]);
  renameSync(`${out}/${f}.part`, `${out}/${f}`);
}
if (!existsSync(`${out}/big.tif`)) {
  run([
    'gdal_translate',
    ...quiet,
    '-b',
    '1',
    '-b',
    '2',
    '-b',
    '3',
    '-outsize',
    '3000%',
    '3000%',
    '-r',
    'bilinear',
    '-co',
    'TILED=YES',
    '-co',
    'BLOCKXSIZE=512',
    '-co',
    'BLOCKYSIZE=512',
    '../shared/data/L7_ETMs.tif',
    `${out}/big-src.tif`,
  ]);
  run(['gdal_translate', ...quiet, '-of', 'COG', '-co', 'COMPRESS=NONE', '-co', 'BLOCKSIZE=512', '-co', 'BIGTIFF=NO', `${out}/big-src.tif`, `${out}/big.tif.part`]);
  renameSync(`${out}/big.tif.part`, `${out}/big.tif`);
  spawnSync('rm', ['-f', `${out}/big-src.tif`]);
}
// Two versions of one COG on the same grid (the second with other elevations), and a COG on another
// grid: a file that changes after it was put in a source index (test/source-index.test.ts).
mkdirSync(`${out}/versions`, { recursive: true });
for (const [name, args] of [
  ['a.tif', []],
  ['b.tif', ['-scale', '0', '100', '100', '0', '-ot', 'Float32']],
  ['other-grid.tif', ['-outsize', '50%', '50%']],
]) {
  if (existsSync(`${out}/versions/${name}`)) continue;
  run(['gdal_translate', ...quiet, '-of', 'COG', '-co', 'BLOCKSIZE=64', ...args, '../shared/data/olinda_dem_utm25s.tif', `${out}/versions/part-${name}`]);
  renameSync(`${out}/versions/part-${name}`, `${out}/versions/${name}`);
}
// The mosaic tiles of test/fixtures/mosaic, served too (a mosaic of remote files).
mkdirSync(`${out}/mosaic`, { recursive: true });
for (const f of readdirSync('test/fixtures/mosaic').filter((f) => f.endsWith('.tif'))) copyFileSync(`test/fixtures/mosaic/${f}`, `${out}/mosaic/${f}`);
// The same tiles as COGs (64-pixel tiles, overviews): tile prefetch over a mosaic.
mkdirSync(`${out}/mosaic-cog`, { recursive: true });
for (const f of ['nw.tif', 'ne.tif', 'sw.tif', 'se.tif']) {
  if (existsSync(`${out}/mosaic-cog/${f}`)) continue;
  run(['gdal_translate', ...quiet, '-of', 'COG', '-co', 'BLOCKSIZE=64', `test/fixtures/mosaic/${f}`, `${out}/mosaic-cog/part-${f}`]);
  renameSync(`${out}/mosaic-cog/part-${f}`, `${out}/mosaic-cog/${f}`);
}
// The static STAC catalog of test/fixtures/stac (made by test/reference/stac.py), served whole: its
// items are also what the range server's /stacapi/search finds (test/stac.test.ts).
rmSync(`${out}/stac`, { recursive: true, force: true });
cpSync('test/fixtures/stac', `${out}/stac`, { recursive: true });
// Vector sources over HTTP: the vector fixtures of test/fixtures/rasterize.
mkdirSync(`${out}/vector`, { recursive: true });
for (const f of ['lux.fgb', 'olinda.gpkg', 'lux.geojson']) copyFileSync(`test/fixtures/rasterize/${f}`, `${out}/vector/${f}`);
// A larger FlatGeobuf with its packed R-tree (40,000 squares of 80 m every 100 m, class 1-5): a box
// over HTTP should fetch only its features.
if (!existsSync(`${out}/vector/squares.fgb`)) {
  const features = [];
  for (let j = 0; j < 200; j++)
    for (let i = 0; i < 200; i++) {
      const [x, y] = [500000 + i * 100, 9000000 + j * 100];
      const ring = [
        [x, y],
        [x + 80, y],
        [x + 80, y + 80],
        [x, y + 80],
        [x, y],
      ];
      features.push({ type: 'Feature', properties: { cls: 1 + ((i * 7 + j * 3) % 5) }, geometry: { type: 'Polygon', coordinates: [ring] } });
    }
  const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::31985' } };
  writeFileSync(`${out}/vector/squares.geojson`, JSON.stringify({ type: 'FeatureCollection', crs, features }));
  run(['ogr2ogr', '-q', '-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=YES', `${out}/vector/part-squares.fgb`, `${out}/vector/squares.geojson`, '-nln', 'squares']);
  renameSync(`${out}/vector/part-squares.fgb`, `${out}/vector/squares.fgb`);
}
console.log(
  `remote test files ready in ${out}: ${readdirSync(out)
    .filter((f) => f.endsWith('.tif'))
    .map((f) => `${f} (${(statSync(`${out}/${f}`).size / 1e6).toFixed(1)} MB)`)
    .join(', ')}`,
);
