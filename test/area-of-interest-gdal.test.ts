/**
 * The area of interest the engine hands GDAL once per dataset (wasm/area-of-interest.ts) is the one
 * GDAL computes on every warp otherwise: checked against GDAL itself, a GDAL of the test's own in
 * this thread (Node only: the test runner of the other runtimes does not bundle GDAL's glue; the
 * engine's part runs everywhere, in area-of-interest.test.ts).
 */
import { assert, test, testEnv } from './lib/harness.js';
import { type GdalModule, loadGdal } from '../wasm/gdal-module.js';
import { areaOfInterest, NO_AREA } from '../wasm/area-of-interest.js';
import { gdalWarp } from '../wasm/warp-args.js';
import { RD_NEW_TOWGS84 } from './area-of-interest.test.js';

const FILES = ['elev.tif', 'L7_ETMs.tif', 'olinda_dem_utm25s.tif', 'lc.tif', 'na.tif', 'keras_spatial_small.tif'];
const TARGETS = ['EPSG:4326', 'EPSG:3857', 'EPSG:4267', 'EPSG:32616'];

let gdal: Promise<GdalModule> | null = null;
/** A GDAL of the test's own, in this thread, with GDAL's debug messages on. */
function ownGdal(): Promise<GdalModule> {
  gdal ??= (async () => {
    const g = await loadGdal({ wasm: 'node_modules/gdal3.js/dist/package/gdal3WebAssembly.wasm', data: 'node_modules/gdal3.js/dist/package/gdal3WebAssembly.data' });
    g.M.FS.mkdir('/aoi');
    g.CPLSetConfigOption('CPL_DEBUG', 'ON');
    return g;
  })();
  return gdal;
}

function wktOf(g: GdalModule, crs: string): string {
  const srs = g.OSRNewSpatialReference(null);
  g.OSRSetFromUserInput(srs, crs);
  const wkt = g.exportWkt(srs);
  g.OSRDestroySpatialReference(srs);
  return wkt;
}

/** A MEM dataset of `w`×`h` float64 pixels over WebAssembly memory, in `wkt`, placed by `gt` (its pixels a gradient). */
function memDataset(g: GdalModule, w: number, h: number, wkt: string, gt: number[]): { ds: number; ptr: number; pixels(): Float64Array } {
  const ptr = g.M._malloc(w * h * 8);
  for (let i = 0; i < w * h; i++) g.M.HEAPF64[(ptr >>> 3) + i] = (i % w) * 7 + Math.floor(i / w) * 13;
  const ds = g.GDALOpen(`MEM:::DATAPOINTER=${ptr},PIXELS=${w},LINES=${h},BANDS=1,DATATYPE=Float64`, 1);
  g.GDALSetProjection(ds, wkt);
  const p = g.M._malloc(48);
  g.M.HEAPF64.set(gt, p >>> 3);
  g.GDALSetGeoTransform(ds, p);
  g.M._free(p);
  return { ds, ptr, pixels: () => new Float64Array(g.M.HEAPF64.subarray(ptr >>> 3, (ptr >>> 3) + w * h)) };
}

/** GDAL's own area of interest for warps from `ds`, from its debug message (printed with %g). */
function gdalsOwnArea(g: GdalModule, ds: number): string {
  const target = memDataset(g, 4, 4, wktOf(g, 'EPSG:4326'), [0, 0.001, 0, 0.004, 0, -0.001]);
  g.takeMessages();
  gdalWarp(g, ['-q'], [ds], target.ds, () => new Error('warp options'));
  const line = g.takeMessages().find((l) => /Computing area of interest/.test(l)) ?? '';
  g.GDALClose(target.ds);
  g.M._free(target.ptr);
  return line.replace(/.*area of interest: /, '').trim();
}

/** printf's %g: six significant digits, trailing zeros dropped. */
function g6(x: number): string {
  if (x === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e < -4 || e >= 6)
    return x
      .toExponential(5)
      .replace(/\.?0+e/, 'e')
      .replace(/e([+-])(\d)$/, 'e$10$2');
  return x
    .toPrecision(6)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** Windows of 48×48 in `crs` over the middle of `area` (degrees), warped with `extra` arguments: their pixels. */
function windows(g: GdalModule, ds: number, crs: string, area: number[], extra: string[]): Float64Array[] {
  const [w, s, e, n] = area;
  const geog = g.OSRNewSpatialReference(null);
  g.OSRSetFromUserInput(geog, 'EPSG:4326');
  g.OSRSetAxisMappingStrategy(geog, 0);
  const to = g.OSRNewSpatialReference(null);
  g.OSRSetFromUserInput(to, crs);
  g.OSRSetAxisMappingStrategy(to, 0);
  const ct = g.OCTNewCoordinateTransformation(geog, to);
  const px = g.M._malloc(32);
  g.M.HEAPF64.set([w + (e - w) * 0.3, w + (e - w) * 0.7, s + (n - s) * 0.3, s + (n - s) * 0.7], px >>> 3);
  g.OCTTransform(ct, 2, px, px + 16, 0);
  const [x0, x1, y0, y1] = Array.from(g.M.HEAPF64.subarray(px >>> 3, (px >>> 3) + 4)) as number[];
  g.M._free(px);
  g.OCTDestroyCoordinateTransformation(ct);
  g.OSRDestroySpatialReference(geog);
  g.OSRDestroySpatialReference(to);
  const size = 48;
  const target = memDataset(g, size, size, wktOf(g, crs), [Math.min(x0, x1), Math.abs(x1 - x0) / size, 0, Math.max(y0, y1), 0, -Math.abs(y1 - y0) / size]);
  const out: Float64Array[] = [];
  for (const r of ['near', 'bilinear', 'cubic']) {
    g.M.HEAPF64.fill(-1, target.ptr >>> 3, (target.ptr >>> 3) + size * size);
    assert.ok(
      gdalWarp(g, ['-q', '-r', r, '-srcband', '1', '-dstband', '1', ...extra], [ds], target.ds, () => new Error('warp options')),
      `warp to ${crs} (${r})`,
    );
    out.push(target.pixels());
  }
  g.GDALClose(target.ds);
  g.M._free(target.ptr);
  g.takeMessages();
  return out;
}

function differing(a: Float64Array[], b: Float64Array[]): number {
  let n = 0;
  a.forEach((x, k) => x.forEach((v, i) => (n += Object.is(v, b[k][i]) ? 0 : 1)));
  return n;
}

test('the area of interest computed once is the one GDAL computes on every warp, and warps given it equal GDAL’s own bit for bit (six rasters, a datum with TOWGS84, NAD27 → WGS 84)', async () => {
  const g = await ownGdal();
  const sources: { name: string; ds: number }[] = [];
  for (const file of FILES) {
    g.M.FS.writeFile(`/aoi/${file}`, await testEnv().sharedBytes(file));
    sources.push({ name: file, ds: g.GDALOpen(`/aoi/${file}`, 0) });
  }
  sources.push({ name: 'Amersfoort with TOWGS84', ds: memDataset(g, 100, 100, RD_NEW_TOWGS84, [150000, 100, 0, 470000, 0, -100]).ds });
  const nad27 = memDataset(g, 200, 200, wktOf(g, 'EPSG:4267'), [-89, 0.002, 0, 41, 0, -0.002]);
  sources.push({ name: 'NAD27 over Illinois', ds: nad27.ds });
  let written = 0;
  for (const { name, ds } of sources) {
    const area = areaOfInterest(g, ds);
    assert.ok(area !== null && area !== NO_AREA, `${name}: an area is computed`);
    const values = area!.split(',').map(Number);
    assert.equal(values.map(g6).join(', '), gdalsOwnArea(g, ds), `${name}: the area GDAL prints (%g)`);
    for (const crs of TARGETS) {
      const own = windows(g, ds, crs, values, []);
      const given = windows(g, ds, crs, values, ['-to', `AREA_OF_INTEREST=${area}`]);
      assert.equal(differing(own, given), 0, `${name} in ${crs}: pixels differing from GDAL computing the area itself`);
      written += own.flatMap((p) => Array.from(p)).filter((v) => v !== -1).length;
    }
  }
  assert.ok(written > 100_000, `the windows hold pixels (${written} written)`);
  // The check can fail: NAD27 → WGS 84 has a transformation per region, and the area picks it.
  const area = areaOfInterest(g, nad27.ds)!.split(',').map(Number);
  const right = windows(g, nad27.ds, 'EPSG:4326', area, []);
  const wrong = windows(g, nad27.ds, 'EPSG:4326', area, ['-to', 'AREA_OF_INTEREST=-150,60,-140,65']);
  assert.ok(differing(right, wrong) > 1000, 'an area elsewhere (Alaska) changes the pixels');
}, ['node']);
