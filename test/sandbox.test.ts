/** The sandbox per source: hostile VRTs, files beside a source, sources sharing a worker, CRS strings that name files. */
import { assert, remoteReset, remoteServed, remoteUrl, test, testEnv } from './lib/harness.js';
import { liveWorkers } from '../src/testing.js';
import { CrsError, EnginePool, openRaster, parseCrs, SourceError } from '../src/index.js';
import { scratchDir } from './lib/files.js';

const BOX = { bounds: [5.8, 49.5, 6.4, 50.1] as [number, number, number, number], width: 24, height: 20, resampling: 'bilinear' as const };
const enc = (s: string) => new TextEncoder().encode(s);

/** A one-band VRT of `w`×`h` bytes whose source element is `source`. */
function vrt(source: string, w = 10, h = 10, band = '<VRTRasterBand dataType="Byte" band="1">'): string {
  return `<VRTDataset rasterXSize="${w}" rasterYSize="${h}"><GeoTransform>0,1,0,0,0,-1</GeoTransform>${band}${source}</VRTRasterBand></VRTDataset>`;
}
const simple = (file: string, rel = '0') =>
  `<SimpleSource><SourceFilename relativeToVRT="${rel}">${file}</SourceFilename><SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="10" ySize="10"/><DstRect xOff="0" yOff="0" xSize="10" ySize="10"/></SimpleSource>`;

/** A user's folder: a DEM, a secret beside it, and a file outside the folder. */
async function userFolder() {
  const dir = await scratchDir('sandbox');
  await dir.write('user/dem.tif', await testEnv().sharedBytes('elev.tif'));
  await dir.write('user/secret.txt', enc('TOP SECRET '.repeat(1000)));
  await dir.write('outside.tif', await testEnv().sharedBytes('elev.tif'));
  return dir;
}

test('a VRT whose source is MEM:::DATAPOINTER (WebAssembly memory) is refused at open, however it is spelled', async () => {
  const spellings = [
    'MEM:::DATAPOINTER=1024,PIXELS=10,LINES=10',
    'mem:::DATAPOINTER=0,PIXELS=10,LINES=10',
    '&#77;EM:::DATAPOINTER=1024,PIXELS=10,LINES=10',
    '&amp;#77;EM&#58;::DATAPOINTER=1',
  ];
  for (const s of spellings) {
    const e = await assert.rejects(openRaster(enc(vrt(simple(s))), { name: 'evil.vrt' }), SourceError, { code: 'SOURCE_UNSAFE', input: 'evil.vrt' });
    assert.match(e.message, /not a plain file name|not opened/, s);
  }
});

test('VRT escape hatches are refused: raw bands, /vsi paths, inline XML datasets, Python, DOCTYPE, attributes naming files', async () => {
  const cases: [string, string][] = [
    [
      'raw band',
      vrt(
        '<SourceFilename relativeToVRT="1">secret.txt</SourceFilename><ImageOffset>0</ImageOffset>',
        10,
        10,
        '<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">',
      ),
    ],
    ['/vsimem', vrt(simple('/vsimem/other.tif'))],
    ['/vsisubfile', vrt(simple('/VSISUBFILE/0_100,x.tif'))],
    ['inline VRT', vrt(simple('&lt;VRTDataset rasterXSize="1" rasterYSize="1"/&gt;'))],
    [
      'python',
      vrt(
        '<PixelFunctionLanguage>Python</PixelFunctionLanguage><PixelFunctionType>f</PixelFunctionType>',
        10,
        10,
        '<VRTRasterBand dataType="Byte" band="1" subClass="VRTDerivedRasterBand">',
      ),
    ],
    ['doctype', `<!DOCTYPE x [<!ENTITY e "MEM:::">]>${vrt(simple('&e;'))}`],
    ['attribute', vrt('<SimpleSource SourceFilename="MEM:::DATAPOINTER=1"><SourceBand>1</SourceBand></SimpleSource>')],
    ['a source by URL', vrt(simple('https://example.com/a.tif'))],
  ];
  for (const [what, xml] of cases) await assert.rejects(openRaster(enc(xml), { name: `${what}.vrt` }), SourceError, { code: 'SOURCE_UNSAFE', input: `${what}.vrt` });
});

test('XML and JSON rasters other than VRT (which can name services and files) are refused', async () => {
  const wms = '<GDAL_WMS><Service name="TMS"><ServerUrl>http://127.0.0.1:9/tile/{z}/{x}/{y}.png</ServerUrl></Service></GDAL_WMS>';
  const e = await assert.rejects(openRaster(enc(wms), { name: 'wms.xml' }), SourceError, { code: 'SOURCE_UNREADABLE', input: 'wms.xml' });
  assert.match(e.message, /not a VRT/);
  await assert.rejects(openRaster(enc('{"type":"FeatureCollection","features":[]}'), { name: 'stac.json' }), SourceError, { code: 'SOURCE_UNREADABLE' });
});

test('a VRT given as bytes may not refer to files; one that refers to none opens', async () => {
  await assert.rejects(openRaster(enc(vrt(simple('dem.tif', '1'))), { name: 'a.vrt' }), SourceError, { code: 'SOURCE_UNSAFE', input: 'a.vrt' });
  const r = await openRaster(enc(vrt('', 7, 5)), { name: 'empty.vrt' });
  assert.deepEqual([r.meta.width, r.meta.height], [7, 5]);
  await r.close();
});

test('a local raster: GDAL sees the file and its sidecars, never the rest of its folder', async () => {
  const dir = await userFolder();
  await dir.write('user/dem.tif.aux.xml', enc('<PAMDataset><Metadata><MDI key="NOTE">sidecar</MDI></Metadata></PAMDataset>'));
  const pool = new EnginePool({ workers: 1 });
  const r = await openRaster(dir.path('user/dem.tif'), { engine: pool });
  const [w] = liveWorkers(pool);
  const files = (await w.call((api) => api.debug('sandbox-files'))) as string[];
  assert.deepEqual(files.map((f) => f.replace(/^\/src\/[0-9a-f]{16}\//, '')).sort(), ['dem.tif', 'dem.tif.aux.xml']);
  assert.equal(new Set(files.map((f) => f.split('/')[2])).size, 1, 'one folder for the source');
  assert.equal((await r.readWindow(BOX)).data.length, 24 * 20);
  await r.close();
  assert.deepEqual(await w.call((api) => api.debug('sandbox-files')), [], 'nothing left after close');
  await pool.terminate();
}, ['node', 'deno']);

test('a PAM sidecar (.aux.xml) is read: its nodata applies', async () => {
  const dir = await scratchDir('sandbox');
  await dir.write('lc.tif', await testEnv().sharedBytes('lc.tif'));
  await dir.write('lc.tif.aux.xml', enc('<PAMDataset><PAMRasterBand band="1"><NoDataValue>11</NoDataValue></PAMRasterBand></PAMDataset>'));
  const r = await openRaster(dir.path('lc.tif'));
  assert.equal(r.meta.nodata, 11);
  await r.close();
}, ['node', 'deno']);

test('a raw-band VRT beside a secret is refused naming the VRT; the secret is never read as pixels', async () => {
  const dir = await userFolder();
  await dir.write(
    'user/raw.vrt',
    enc(
      vrt(
        '<SourceFilename relativeToVRT="1">secret.txt</SourceFilename><ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>10</LineOffset>',
        10,
        10,
        '<VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">',
      ),
    ),
  );
  const e = await assert.rejects(openRaster(dir.path('user/raw.vrt')), SourceError, { code: 'SOURCE_UNSAFE', input: dir.path('user/raw.vrt') });
  assert.match(e.message, /raw band/);
}, ['node', 'deno']);

test('a local VRT reads the files it names inside its folder (relative, absolute, nested) with the same pixels', async () => {
  const dir = await userFolder();
  const box = { bounds: [5.8, 49.5, 6.4, 50.1] as [number, number, number, number], width: 30, height: 30 };
  const direct = await openRaster(dir.path('user/dem.tif'));
  const expected = Array.from((await direct.readWindow(box)).data);
  const info = direct.meta;
  await direct.close();
  const [a, b, c, d, e, f] = info.transform!; // rasterio's affine order; GDAL's is c, a, b, f, d, e
  const gt = [c, a, b, f, d, e].join(',');
  const whole = (src: string) =>
    `<VRTDataset rasterXSize="${info.width}" rasterYSize="${info.height}"><SRS>EPSG:4326</SRS><GeoTransform>${gt}</GeoTransform><VRTRasterBand dataType="Int16" band="1"><NoDataValue>-32768</NoDataValue><SimpleSource>${src}<SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="${info.width}" ySize="${info.height}"/><DstRect xOff="0" yOff="0" xSize="${info.width}" ySize="${info.height}"/></SimpleSource></VRTRasterBand></VRTDataset>`;
  await dir.write('user/rel.vrt', enc(whole('<SourceFilename relativeToVRT="1">dem.tif</SourceFilename>')));
  await dir.write('user/abs.vrt', enc(whole(`<SourceFilename relativeToVRT="0">${dir.abs('user/dem.tif')}</SourceFilename>`)));
  await dir.write('user/sub/nested.vrt', enc(whole('<SourceFilename relativeToVRT="1">../rel.vrt</SourceFilename>')));
  for (const name of ['user/rel.vrt', 'user/abs.vrt']) {
    const r = await openRaster(dir.path(name));
    assert.deepEqual(Array.from((await r.readWindow(box)).data), expected, name);
    await r.close();
  }
  // A nested VRT in a sub-folder may name files of that sub-folder's parents only inside the folder the user opened.
  await assert.rejects(openRaster(dir.path('user/sub/nested.vrt')), SourceError, { code: 'SOURCE_UNSAFE' });
  await dir.write('user/outer.vrt', enc(whole('<SourceFilename relativeToVRT="1">sub/inner.vrt</SourceFilename>')));
  await dir.write('user/sub/inner.vrt', enc(whole('<SourceFilename relativeToVRT="1">dem2.tif</SourceFilename>')));
  await dir.write('user/sub/dem2.tif', await testEnv().sharedBytes('elev.tif'));
  const nested = await openRaster(dir.path('user/outer.vrt'));
  assert.deepEqual(Array.from((await nested.readWindow(box)).data), expected, 'outer.vrt → sub/inner.vrt → sub/dem2.tif');
  await nested.close();
}, ['node', 'deno']);

test('a local VRT naming a file outside its folder (../, absolute, symlink) is a SourceError naming it', async () => {
  const dir = await userFolder();
  await dir.write('user/up.vrt', enc(vrt(simple('../outside.tif', '1'))));
  await dir.write('user/abs.vrt', enc(vrt(simple(dir.abs('outside.tif')))));
  await dir.write('user/missing.vrt', enc(vrt(simple('nope.tif', '1'))));
  for (const name of ['user/up.vrt', 'user/abs.vrt']) {
    const e = await assert.rejects(openRaster(dir.path(name)), SourceError, { code: 'SOURCE_UNSAFE', input: dir.path(name) });
    assert.match(e.message, /outside\.tif, outside the folder/, name);
  }
  await assert.rejects(openRaster(dir.path('user/missing.vrt')), SourceError, { code: 'SOURCE_NOT_FOUND' });
  if (await dir.symlink('../outside.tif', 'user/link.tif')) {
    await dir.write('user/link.vrt', enc(vrt(simple('link.tif', '1'))));
    await assert.rejects(openRaster(dir.path('user/link.vrt')), SourceError, { code: 'SOURCE_UNSAFE' });
  }
}, ['node', 'deno']);

test("two sources in one worker: GDAL working for one cannot read the other's files, even by their exact path", async () => {
  const dir = await userFolder();
  const pool = new EnginePool({ workers: 1 });
  const a = await openRaster(dir.path('user/dem.tif'), { engine: pool, name: 'A' });
  const b = await openRaster(await testEnv().sharedBytes('lc.tif'), { engine: pool, name: 'B' });
  const [w] = liveWorkers(pool);
  const files = (await w.call((api) => api.debug('sandbox-files'))) as string[];
  const demPath = files.find((f) => f.endsWith('/dem.tif'))!;
  const id = (r: unknown) => (r as { dataset: { id: number } }).dataset.id;
  const [idA, idB] = [id(a), id(b)];
  assert.equal(await w.call((api) => api.debug('probe', idA, demPath)), 95, "A's own file opens for A (the probe works)");
  await assert.rejects(
    w.call((api) => api.debug('probe', idB, demPath)),
    SourceError,
    { code: 'SOURCE_UNSAFE', input: 'B' },
  );
  await a.close();
  await b.close();
  await pool.terminate();
}, ['node', 'deno']);

test('CRS strings that name files or carry options are CrsErrors, on the host and in the engine', async () => {
  const bad = [
    '/src/1/lux.prj',
    'EPSG:4326 -co TILED=YES',
    '+proj=longlat +init=/etc/x:1',
    '+proj=longlat +nadgrids=/src/1/x.gsb',
    'GEOGCS["x"] trailing',
    '../shared/data/lux.prj',
  ];
  for (const s of bad) assert.throws(() => parseCrs(s), CrsError, { code: 'CRS_INVALID' });
  const r = await openRaster(await testEnv().sharedSource('elev.tif'), { name: 'elev.tif' });
  for (const s of bad) await assert.rejects(r.readWindow({ ...BOX, crs: s }), CrsError, { code: 'CRS_INVALID' });
  assert.equal((await r.readWindow({ ...BOX, crs: 'EPSG:4326' })).data.length, 24 * 20, 'EPSG:4326 itself is fine');
  await r.close();
});

test("another source cannot read a remote source's file in the same worker, so that source's credentials are never used for it", async () => {
  await remoteReset();
  const pool = new EnginePool({ workers: 1 });
  const a = await openRaster(remoteUrl('auth-t0k3n', 'elev.tif'), { engine: pool, remote: { headers: { Authorization: 'Bearer t0k3n' } } });
  const b = await openRaster(await testEnv().sharedBytes('lc.tif'), { engine: pool, name: 'B' });
  const [w] = liveWorkers(pool);
  const path = ((await w.call((api) => api.debug('sandbox-files'))) as string[]).find((f) => f.endsWith('/elev.tif'))!;
  const id = (r: unknown) => (r as { dataset: { id: number } }).dataset.id;
  const before = await remoteServed('/auth-t0k3n/elev.tif');
  await assert.rejects(
    w.call((api) => api.debug('probe', id(b), path)),
    SourceError,
    { code: 'SOURCE_UNSAFE', input: 'B' },
  );
  assert.equal((await remoteServed('/auth-t0k3n/elev.tif')).requests, before.requests, 'no request was sent for B');
  assert.equal(await w.call((api) => api.debug('probe', id(a), path)), 95, 'the source itself reads it');
  await a.close();
  await b.close();
  await pool.terminate();
}, ['node', 'deno']);
