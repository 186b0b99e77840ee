/**
 * The area of interest GDAL gives PROJ when it warps from a dataset, computed once per dataset
 * instead of on every warp.
 *
 * GDALCreateGenImgProjTransformer2, which every GDALWarp call runs, computes the source's area of
 * interest (GDALComputeAreaOfInterest: the four corners of its extent in its geographic CRS,
 * through a coordinate transformation of their own) unless it is given one, and it does so even
 * when the window's CRS is the source's own and no reprojection follows. That is a quarter of a
 * 128×128 same-CRS warp in this build (0.13 of 0.53 ms). The dataset's extent and CRS do not change
 * between warps, so the engine computes the area once, GDAL's way, and hands it over as the
 * transformer option AREA_OF_INTEREST. Where it cannot compute it exactly as GDAL would
 * (a compound, geocentric or local CRS, angles not in degrees, a datum bound to grids, a CRS GDAL
 * cannot write as WKT1), it hands over nothing and GDAL computes it as before.
 */
import type { GdalModule } from './gdal-module.js';

/** What GDALComputeAreaOfInterest yields when the corners cannot be transformed: GDAL then sets no area. */
export const NO_AREA = '0,0,0,0';

const DEGREE = Math.PI / 180;

/**
 * The value of AREA_OF_INTEREST for warps from `ds` (west, south, east, north in degrees, each
 * written so that GDAL reads back the same double), NO_AREA where GDAL would find none, or null
 * where GDAL should compute it itself.
 */
export function areaOfInterest(g: GdalModule, ds: number): string | null {
  const { M } = g;
  const srs = g.GDALGetSpatialRef(ds);
  if (!srs) return null;
  const geogWkt = geographicWkt(g.exportWkt(srs));
  if (!geogWkt) return null;
  const gt = M._malloc(6 * 8 + 2 * 4 * 8); // the geotransform, then four x and four y
  const geog = g.OSRNewSpatialReference(null);
  let ct = 0;
  try {
    if (g.GDALGetGeoTransform(ds, gt) !== 0) return null;
    const t = Array.from(M.HEAPF64.subarray(gt >>> 3, (gt >>> 3) + 6)) as number[];
    // GDAL computes the area only for a source placed by its geotransform, not by the default one.
    if (t[0] === 0 && t[1] === 1 && t[2] === 0 && t[3] === 0 && t[4] === 0 && Math.abs(t[5]) === 1) return null;
    const [x0, dx, , y0, , dy] = t;
    if (g.OSRSetFromUserInput(geog, geogWkt) !== 0) return null;
    g.OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    ct = g.OCTNewCoordinateTransformation(srs, geog);
    if (!ct) return null;
    // GDAL's corners: the extent's top left, top right, bottom left and bottom right.
    const w = g.GDALGetRasterXSize(ds);
    const h = g.GDALGetRasterYSize(ds);
    const xs = [x0, x0 + w * dx, x0, x0 + w * dx];
    const ys = [y0, y0, y0 + h * dy, y0 + h * dy];
    const px = gt + 48;
    const py = px + 32;
    M.HEAPF64.set(xs, px >>> 3);
    M.HEAPF64.set(ys, py >>> 3);
    g.OCTTransform(ct, 4, px, py, 0);
    const x = Array.from(M.HEAPF64.subarray(px >>> 3, (px >>> 3) + 4)) as number[];
    const y = Array.from(M.HEAPF64.subarray(py >>> 3, (py >>> 3) + 4)) as number[];
    return fromCorners(x, y);
  } finally {
    if (ct) g.OCTDestroyCoordinateTransformation(ct);
    g.OSRDestroySpatialReference(geog);
    M._free(gt);
    // A corner that cannot be transformed is an error GDAL reported: not the next call's.
    g.CPLErrorReset();
    g.takeMessages();
  }
}

const OAMS_TRADITIONAL_GIS_ORDER = 0;

/**
 * GDALComputeAreaOfInterest's reduction of the transformed corners (a corner that failed is
 * HUGE_VAL): the box of those that succeeded, west and east of the top edge swapped when it crosses
 * the antimeridian, NO_AREA when none succeeded or the box is not within ±180° and ±90°.
 */
export function fromCorners(x: number[], y: number[]): string {
  const ok = x.map((v, i) => Number.isFinite(v) && Number.isFinite(y[i]) && Math.abs(v) < 1e300 && Math.abs(y[i]) < 1e300);
  if (!ok.some(Boolean)) return NO_AREA;
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 4; i++) {
    if (!ok[i]) continue;
    west = Math.min(west, x[i]);
    south = Math.min(south, y[i]);
    east = Math.max(east, x[i]);
    north = Math.max(north, y[i]);
  }
  if (ok[0] && ok[1] && x[0] > x[1]) [west, east] = [x[0], x[1]];
  if (!(Math.abs(west) <= 180 && Math.abs(east) <= 180 && Math.abs(south) <= 90 && Math.abs(north) <= 90)) return NO_AREA;
  // String(x) is the shortest text that reads back as the same double, as GDAL's CPLAtof reads it.
  return [west, south, east, north].map(String).join(',');
}

/**
 * The WKT1 of the geographic CRS a projected or geographic CRS's WKT1 is based on, as GDAL's
 * CloneGeogCS makes it: the GEOGCS node, without the datum's TOWGS84 (CloneGeogCS takes the base of
 * a bound CRS). Null where that would not be GDAL's: no GEOGCS at the top, a compound, geocentric or
 * local CRS, or angles in another unit than degrees (GDAL converts them; this does not).
 */
export function geographicWkt(wkt: string): string | null {
  const root = /^([A-Z_]+)\[/.exec(wkt)?.[1];
  let geogcs: string | null;
  if (root === 'GEOGCS') geogcs = wkt;
  else if (root === 'PROJCS') geogcs = childNode(wkt, 'GEOGCS');
  else return null;
  if (!geogcs) return null;
  const unit = childNode(geogcs, 'UNIT');
  const factor = unit ? Number(/^UNIT\["[^"]*",\s*([^,\]]+)/.exec(unit)?.[1]) : Number.NaN;
  if (!(Math.abs(factor - DEGREE) <= 1e-15)) return null;
  if (geogcs.includes('EXTENSION[')) return null; // grids or a PROJ string bound to the datum: CloneGeogCS would drop them
  const datum = childNode(geogcs, 'DATUM');
  const towgs84 = datum && childNode(datum, 'TOWGS84');
  if (!towgs84) return geogcs;
  return geogcs.replace(datum, datum.replace(`,${towgs84}`, ''));
}

/** The first direct child node `name[...]` of the WKT1 node `node` (brackets inside quoted names skipped), or null. */
function childNode(node: string, name: string): string | null {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < node.length; i++) {
    const c = node[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 1 && node.startsWith(`${name}[`, i + 1)) return wholeNode(node, i + 1);
  }
  return null;
}

/** The node starting at `start` through its closing bracket. */
function wholeNode(s: string, start: number): string | null {
  let depth = 0;
  let quoted = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return s.slice(start, i + 1);
  }
  return null;
}
