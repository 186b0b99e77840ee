// The `geotensor` command (dist/cli.js) run as a user runs it: outputs, files, exit codes, errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, flowFromFiles, readSamples, readVector, SpatialDataGenerator, terminateEngine } from '../dist/index.js';

const S = '../shared/data';
const dir = mkdtempSync(join(tmpdir(), 'geotensor-cli-'));
const cli = (...args) => spawnSync('node', ['dist/cli.js', ...args], { encoding: 'utf8' });
let passed = 0;
let failed = 0;
async function t(name, f) {
  try {
    await f();
    passed++;
    console.log(`ok - cli: ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - cli: ${name}\n  ${e.message}`);
  }
}
const check = (cond, msg) => {
  if (!cond) throw new Error(msg);
};

await t('--help lists the commands; exit 0', () => {
  const r = cli('--help');
  check(r.status === 0 && /info .*\n[\s\S]*grid [\s\S]*extract /.test(r.stdout), `${r.status} ${r.stdout}`);
});
await t('info prints the description; --json is JSON', () => {
  const r = cli('info', `${S}/elev.tif`);
  check(r.status === 0 && /95 x 90 pixels, 1 band\(s\) of int16, nodata -32768/.test(r.stdout) && /EPSG:4326/.test(r.stdout), r.stdout + r.stderr);
  const j = JSON.parse(cli('info', `${S}/elev.tif`, '--json').stdout);
  check(j.width === 95 && j.crs.epsg === 4326, JSON.stringify(j).slice(0, 200));
});
await t('a missing source: exit 1 and a message naming it', () => {
  const r = cli('info', `${S}/nope.tif`);
  check(r.status === 1 && r.stderr.includes(`${S}/nope.tif: no such file`), `${r.status} ${r.stderr}`);
});
await t('grid writes the boxes of regularGrid as GeoJSON with its CRS', async () => {
  const r = cli('grid', `${S}/elev.tif`, '--size', '0.2', '0.2', '--overlap', '0.5', '-o', `${dir}/g.geojson`);
  const fc = JSON.parse(readFileSync(`${dir}/g.geojson`, 'utf8'));
  const sdg = await SpatialDataGenerator.open(`${S}/elev.tif`);
  const expected = sdg.regularGrid(0.2, 0.2, { overlap: 0.5 });
  check(r.status === 0 && fc.features.length === expected.length && fc.crs.properties.name === 'urn:ogc:def:crs:EPSG::4326', `${fc.features.length} vs ${expected.length}`);
  const b = fc.features[3].geometry.coordinates[0];
  check(JSON.stringify([b[0][0], b[0][1], b[2][0], b[2][1]]) === JSON.stringify(expected.bounds(3)), 'box 3 differs');
  await sdg.close();
});
await t('grid --mask keeps the boxes that intersect the polygons (as SampleSet.intersects)', async () => {
  const r = cli('grid', `${S}/elev.tif`, '--size', '0.05', '0.05', '--mask', `${S}/lux.shp`, '-o', `${dir}/m.geojson`);
  const n = JSON.parse(readFileSync(`${dir}/m.geojson`, 'utf8')).features.length;
  const sdg = await SpatialDataGenerator.open(`${S}/elev.tif`);
  const v = await readVector(`${S}/lux.shp`);
  const expected = sdg.regularGrid(0.05, 0.05).intersects(v.geojson, { crs: v.crs }).length;
  check(r.status === 0 && n === expected && n > 0 && r.stdout.includes(`${n} samples (of `), `${n} vs ${expected}: ${r.stdout}`);
  await sdg.close();
});
await t('grid --random --seed is reproducible', () => {
  cli('grid', `${S}/elev.tif`, '--size', '0.1', '0.1', '--random', '7', '--seed', '3', '-o', `${dir}/r1.geojson`);
  cli('grid', `${S}/elev.tif`, '--size', '0.1', '0.1', '--random', '7', '--seed', '3', '-o', `${dir}/r2.geojson`);
  const a = readFileSync(`${dir}/r1.geojson`, 'utf8');
  check(JSON.parse(a).features.length === 7 && a === readFileSync(`${dir}/r2.geojson`, 'utf8'), 'random grids differ');
});
await t('extract writes one npy chip per sample and samples.geojson with the file names', () => {
  const r = cli('extract', `${S}/elev.tif`, '--samples', `${dir}/g.geojson`, '--size', '16', '12', '--format', 'npy', '-o', `${dir}/chips`);
  const n = JSON.parse(readFileSync(`${dir}/g.geojson`, 'utf8')).features.length;
  const files = readdirSync(`${dir}/chips`).filter((f) => f.endsWith('.npy'));
  const chip = decodeNpy(new Uint8Array(readFileSync(`${dir}/chips/chip_0.npy`)));
  const out = JSON.parse(readFileSync(`${dir}/chips/samples.geojson`, 'utf8'));
  check(
    r.status === 0 && files.length === n && chip.shape.join() === '12,16,1' && chip.dtype === 'int16' && out.features[0].properties.file === 'chip_0.npy',
    `${r.status} ${files.length}/${n} ${chip.shape} ${r.stderr}`,
  );
  check(/extract npy: \d+\/\d+/.test(r.stderr), 'no progress reported');
});
await t('samples.geojson names chips relative to itself: readSamples finds them from any working directory', async () => {
  const set = await readSamples(`${dir}/chips/samples.geojson`);
  const files = set.column('file');
  check(files[0] === `${dir}/chips/chip_0.npy`, files[0]);
  let n = 0;
  for await (const b of flowFromFiles(set, { batchSize: 4 })) n += b.shape[0];
  check(n === set.length, `${n} chips read of ${set.length}`);
  const m = JSON.parse(readFileSync(`${dir}/chips/manifest.json`, 'utf8'));
  check(m.format === 'npy' && m.count === set.length && m.files[0] === 'chip_0.npy', JSON.stringify(m).slice(0, 200));
});
await t('extract into a folder that holds an export: exit 1 naming it; --overwrite replaces it and removes stale chips', () => {
  const few = cli('grid', `${S}/elev.tif`, '--size', '0.4', '0.4', '-o', `${dir}/few.geojson`);
  const nFew = JSON.parse(readFileSync(`${dir}/few.geojson`, 'utf8')).features.length;
  const before = readdirSync(`${dir}/chips`).filter((f) => f.endsWith('.npy')).length;
  check(few.status === 0 && nFew < before, `${nFew} vs ${before}`);
  const refused = cli('extract', `${S}/elev.tif`, '--samples', `${dir}/few.geojson`, '--size', '8', '8', '-o', `${dir}/chips`);
  check(
    refused.status === 1 && refused.stderr.includes(`${dir}/chips`) && /overwrite/.test(refused.stderr) && !/\n\s+at /.test(refused.stderr),
    `${refused.status} ${refused.stderr}`,
  );
  const r = cli('extract', `${S}/elev.tif`, '--samples', `${dir}/few.geojson`, '--size', '8', '8', '--format', 'geotiff', '-o', `${dir}/chips`, '--overwrite');
  const left = readdirSync(`${dir}/chips`).sort();
  const tifs = left.filter((f) => f.endsWith('.tif'));
  check(
    r.status === 0 && tifs.length === nFew && !left.some((f) => f.endsWith('.npy')) && left.includes('manifest.json') && left.includes('samples.geojson'),
    `${r.status} ${left.join(' ')} ${r.stderr}`,
  );
});
await t('bad input names the input, exits 1, and prints no stack trace', () => {
  const onePolygon = (ring) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] });
  writeFileSync(
    `${dir}/nullcoords.geojson`,
    onePolygon([
      [6, 49.6],
      [null, 49.6],
      [6.1, 49.7],
      [6, 49.6],
    ]),
  );
  writeFileSync(
    `${dir}/metres.geojson`,
    onePolygon([
      [500000, 4000000],
      [501000, 4000000],
      [501000, 4001000],
      [500000, 4000000],
    ]),
  );
  const cases = [
    [['extract', `${S}/elev.tif`, '--samples', `${dir}/nullcoords.geojson`, '--size', '8', '8', '-o', `${dir}/n1`], `${dir}/nullcoords.geojson: features[0]`],
    [
      ['extract', `${S}/elev.tif`, '--samples', `${dir}/metres.geojson`, '--size', '8', '8', '-o', `${dir}/n2`],
      `${dir}/metres.geojson: features[0] has the position (500000, 4000000)`,
    ],
    [['grid', `${S}/elev.tif`, '--size', '0.2', '0.2', '-o', `${dir}/g.geojson/sub/x.geojson`], `${dir}/g.geojson/sub/x.geojson`],
  ];
  for (const [args, named] of cases) {
    const r = cli(...args);
    check(r.status === 1 && r.stderr.includes(named) && !/\n\s+at /.test(r.stderr), `${args[0]}: ${r.status} ${r.stderr}`);
  }
});
await t("--overlap takes a fraction or, as Keras Spatial's CLI, a percent; 25 (no %) is a usage error", () => {
  const a = cli('grid', `${S}/elev.tif`, '--size', '0.2', '0.2', '--overlap', '25%', '-o', `${dir}/p1.geojson`);
  const b = cli('grid', `${S}/elev.tif`, '--size', '0.2', '0.2', '--overlap', '0.25', '-o', `${dir}/p2.geojson`);
  const c = cli('grid', `${S}/elev.tif`, '--size', '0.2', '0.2', '--overlap', '25', '-o', `${dir}/p3.geojson`);
  check(a.status === 0 && b.status === 0 && readFileSync(`${dir}/p1.geojson`, 'utf8') === readFileSync(`${dir}/p2.geojson`, 'utf8'), `${a.status} ${b.status} ${a.stderr}`);
  check(c.status === 2 && /--overlap: expected a fraction from 0 to < 1 \(0\.25\) or a percent \(25%\), got "25"/.test(c.stderr), `${c.status} ${c.stderr}`);
});
await t('usage errors: exit 2 with a message naming the option', () => {
  const a = cli('grid', `${S}/elev.tif`, '--size', '1', '-o', `${dir}/x.geojson`);
  const b = cli('extract', `${S}/elev.tif`, '--samples', `${dir}/g.geojson`, '--size', '8', '8', '--format', 'png', '-o', `${dir}/y`);
  const c = cli('bogus');
  const d = cli('grid', `${S}/elev.tif`, '--size', '1', '1');
  check(a.status === 2 && /--size: expected two numbers/.test(a.stderr), a.stderr);
  check(b.status === 2 && /--format: expected npy or geotiff, got "png"/.test(b.stderr), b.stderr);
  check(c.status === 2 && /unknown command 'bogus'/.test(c.stderr), c.stderr);
  check(d.status === 2 && /required option '-o, --output <file>' not specified/.test(d.stderr), d.stderr);
});
await terminateEngine();
rmSync(dir, { recursive: true, force: true });
console.log(`cli: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
