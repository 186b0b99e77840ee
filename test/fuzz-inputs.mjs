// `npm run fuzz` (second part; FUZZ_N cases, default 2,000): hostile VRTs and GeoJSON sample files.
//
// VRTs: templates (simple, complex, raw-band, nested, warped, overview, mask sources) whose file
// names, attributes and text are mutated with names that try to leave the sandbox (MEM:::, /vsi*,
// ../, absolute paths outside the folder, another source's sandbox path, inline XML, entities) —
// written next to a user's raster whose every pixel is 7, opened from a local path and read, in a
// pool of one worker where another source (every pixel 211) and a secret file (bytes 165) are open
// too. Every outcome must be a success or a GeotensorError, and a success must hold only the user's
// values (7, or 0 where no data): any other value is a read outside the sandbox.
// GeoJSON: a samples FeatureCollection with coordinates, types and members mutated; readSamples must
// give a GeotensorError or finite boxes within longitude/latitude.
// Ends with "fuzz-inputs: N passed, N failed".
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { liveWorkers } from '../dist/testing.js';
import { createRng, encodeRaster, EnginePool, GeotensorError, openRaster, readSamples } from '../dist/index.js';

const N = Number(process.env.FUZZ_N ?? 2000);
const SEED = process.env.FUZZ_SEED ?? 'geotensor-fuzz-inputs';
const rng = createRng(SEED);
const pick = (a) => a[rng.int(a.length)];
const dir = resolve(`.test-build/fuzz-inputs-${process.pid}`);
mkdirSync(`${dir}/user/sub`, { recursive: true });
mkdirSync(`${dir}/outside`, { recursive: true });
const pool = new EnginePool({ workers: 1, callTimeoutMs: 20000 });

const constant = async (v) =>
  encodeRaster(
    { data: new Uint8Array(64 * 64).fill(v), width: 64, height: 64, bands: 1, dtype: 'uint8', bounds: [0, 0, 64, 64], crs: 'EPSG:32632', nodata: null, format: 'GTiff' },
    pool,
  );
writeFileSync(`${dir}/user/dem.tif`, await constant(7));
writeFileSync(`${dir}/user/sub/dem2.tif`, await constant(7));
writeFileSync(`${dir}/user/secret.txt`, new Uint8Array(64 * 64 * 4).fill(165));
writeFileSync(`${dir}/outside/other.tif`, await constant(211));
// Another user's source, open in the same worker for the whole run.
const other = await openRaster(await constant(211), { engine: pool, name: 'other.tif' });
await other.readWindow({ bounds: [0, 0, 64, 64], width: 4, height: 4 });
const [worker] = liveWorkers(pool);
const otherPath = (await worker.call((api) => api.debug('sandbox-files'))).find((f) => f.endsWith('/other.tif'));

const names = [
  'dem.tif',
  'sub/dem2.tif',
  'secret.txt',
  '../outside/other.tif',
  `${dir}/outside/other.tif`,
  `${dir}/user/dem.tif`,
  otherPath,
  '/src',
  '/etc/passwd',
  'MEM:::DATAPOINTER=1024,PIXELS=64,LINES=64',
  '&#77;EM:::DATAPOINTER=0,PIXELS=64,LINES=64',
  '/vsimem/x.tif',
  '/vsisubfile/0_100,secret.txt',
  '/vsizip/dem.tif.zip/x.tif',
  '&lt;VRTDataset rasterXSize="64" rasterYSize="64"/&gt;',
  'GTIFF_DIR:1:dem.tif',
  'nested.vrt',
  'self.vrt',
  '',
  ' dem.tif',
  'dem.tif\u0000.txt',
  'http://127.0.0.1:9/x.tif',
];
const band = (inner, extra = '') => `<VRTRasterBand dataType="Byte" band="1"${extra}>${inner}</VRTRasterBand>`;
const src = (name, rel = '1', kind = 'SimpleSource') =>
  `<${kind}><SourceFilename relativeToVRT="${rel}">${name}</SourceFilename><SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="64" ySize="64"/><DstRect xOff="0" yOff="0" xSize="64" ySize="64"/></${kind}>`;
const ds = (inner, extra = '') => `<VRTDataset rasterXSize="64" rasterYSize="64"${extra}><SRS>EPSG:32632</SRS><GeoTransform>0,1,0,64,0,-1</GeoTransform>${inner}</VRTDataset>`;
const templates = [
  (n) => ds(band(src(n))),
  (n) => ds(band(src(n, '1', 'ComplexSource'))),
  (n) =>
    ds(
      band(
        `<SourceFilename relativeToVRT="1">${n}</SourceFilename><ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>64</LineOffset>`,
        ' subClass="VRTRawRasterBand"',
      ),
    ),
  (n) => ds(band(src('dem.tif') + src(n))),
  (n) => ds(`<MaskBand>${band(src(n))}</MaskBand>${band(src('dem.tif'))}`),
  (n) =>
    ds(`${band(src('dem.tif'))}<OverviewList resampling="nearest">2</OverviewList>`).replace(
      '</VRTRasterBand>',
      `<Overview><SourceFilename relativeToVRT="1">${n}</SourceFilename><SourceBand>1</SourceBand></Overview></VRTRasterBand>`,
    ),
  (n) => ds(`<GDALWarpOptions><SourceDataset relativeToVRT="1">${n}</SourceDataset></GDALWarpOptions>${band('')}`, ' subClass="VRTWarpedDataset"'),
  (n) => ds(band(src(n, '0'))),
];
const xmlMutations = [
  (s) => s,
  (s) => s.replace(/relativeToVRT="1"/g, 'relativeToVRT="0"'),
  (s) => s.replace('<SimpleSource>', '<SimpleSource SourceFilename="MEM:::DATAPOINTER=0">'),
  (s) => s.replace(/<\/VRTDataset>$/, ''),
  (s) => `<!DOCTYPE x [<!ENTITY e "MEM:::">]>${s}`,
  (s) => s.replace('<SourceFilename', '<![CDATA[x]]><SourceFilename'),
  (s) => s.replace(/SourceFilename/g, 'sourcefilename'),
  (s) => s.replace('Byte', pick(['Int16', 'Float32', 'UInt64', ''])),
];

const user = new Set([0, 7]);
const outcomes = new Map();
let failed = 0;
const count = (k) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
const t0 = performance.now();
writeFileSync(`${dir}/user/nested.vrt`, ds(band(src('dem.tif'))));
for (let i = 0; i < N; i++) {
  let name = pick(names);
  if (rng.int(4) === 0)
    name = name
      .split('')
      .map((c) => (rng.int(12) === 0 ? String.fromCharCode(32 + rng.int(95)) : c))
      .join('');
  let xml = pick(xmlMutations)(pick(templates)(name));
  if (rng.int(5) === 0) {
    const at = rng.int(xml.length);
    xml = xml.slice(0, at) + pick(['<', '>', '&', '"', '&amp;', '/>', '</SimpleSource>', 'MEM:::']) + xml.slice(at + 1);
  }
  writeFileSync(`${dir}/user/self.vrt`, ds(band(src('dem.tif'))));
  writeFileSync(`${dir}/user/case.vrt`, xml);
  try {
    const r = await openRaster(`${dir}/user/case.vrt`, { engine: pool });
    try {
      const w = await r.readWindow({ bounds: [0, 0, 64, 64], width: 16, height: 16 });
      const foreign = Array.from(w.data).find((v) => !user.has(v) && !Number.isNaN(v));
      if (foreign !== undefined) {
        failed++;
        count('READ OUTSIDE THE SANDBOX');
        console.log(`not ok - vrt #${i}: a pixel of ${foreign}\n  ${xml}`);
      } else count('vrt: read');
    } finally {
      await r.close();
    }
  } catch (e) {
    if (e instanceof GeotensorError) count(`vrt: ${e.name}/${e.code}`);
    else {
      failed++;
      count('vrt: NOT A GeotensorError');
      console.log(`not ok - vrt #${i}: ${e?.stack ?? e}\n  ${xml}`);
    }
  }
}

const base = () => ({
  type: 'FeatureCollection',
  features: Array.from({ length: 3 }, (_, k) => ({
    type: 'Feature',
    properties: { id: k, file: `chip_${k}.npy` },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [6 + k / 10, 49.6],
          [6.1 + k / 10, 49.6],
          [6.1 + k / 10, 49.7],
          [6 + k / 10, 49.7],
          [6 + k / 10, 49.6],
        ],
      ],
    },
  })),
});
const values = [null, true, false, 'x', '6.1', [], {}, [[]], 1e308, -1e308, 500000, 4000000, -181, 91, 0, Number.MAX_VALUE];
const mutateJson = (v, depth = 0) => {
  if (Array.isArray(v)) return rng.int(8) === 0 ? pick(values) : rng.int(10) === 0 ? v.slice(0, rng.int(v.length + 1)) : v.map((x) => mutateJson(x, depth + 1));
  if (v && typeof v === 'object') {
    if (rng.int(12) === 0) return pick(values);
    const o = {};
    for (const [k, x] of Object.entries(v)) if (rng.int(20) !== 0) o[k] = mutateJson(x, depth + 1);
    if (rng.int(15) === 0) o.crs = pick([{ type: 'name', properties: { name: 'EPSG:32632' } }, { type: 'name', properties: { name: '/etc/passwd' } }, 'x', null]);
    return o;
  }
  return rng.int(6) === 0 ? pick(values) : v;
};
for (let i = 0; i < N; i++) {
  const fc = mutateJson(base());
  try {
    const set = await readSamples(fc);
    const geographic = !fc?.crs;
    for (let k = 0; k < set.length; k++) {
      const b = set.bounds(k);
      const bad = !b.every(Number.isFinite) || (geographic && (Math.abs(b[0]) > 180 || Math.abs(b[2]) > 180 || Math.abs(b[1]) > 90 || Math.abs(b[3]) > 90));
      if (bad) {
        failed++;
        count('GeoJSON: ACCEPTED A BAD BOX');
        console.log(`not ok - geojson #${i}: box ${b}\n  ${JSON.stringify(fc).slice(0, 300)}`);
        break;
      }
    }
    count('geojson: read');
  } catch (e) {
    if (e instanceof GeotensorError) count(`geojson: ${e.name}/${e.code}`);
    else {
      failed++;
      count('geojson: NOT A GeotensorError');
      console.log(`not ok - geojson #${i}: ${e?.stack ?? e}\n  ${JSON.stringify(fc).slice(0, 300)}`);
    }
  }
}
await other.close();
await pool.terminate();
rmSync(dir, { recursive: true, force: true });
console.log(`\ncases: ${N} VRTs and ${N} GeoJSON sample files in ${((performance.now() - t0) / 1000).toFixed(1)} s (seed ${SEED})`);
for (const [k, v] of [...outcomes.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(6)}  ${k}`);
console.log(`fuzz-inputs: ${2 * N - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
