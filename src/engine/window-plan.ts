/**
 * Which source pixels a window reads: the overview level gdalwarp picks (-ovr AUTO: the coarsest
 * whose pixels are not coarser than the window's, within 1 %) and the pixel rectangle there that the
 * window's box covers (its envelope in the source CRS, clipped to the raster). Shared by the limits
 * (how many pixels) and the remote prefetch (which tiles).
 */
import { turnedEnvelope } from '../core/box.js';
import { transformBounds } from '../crs/index.js';
import type { RasterMeta, WindowRequest } from './protocol.js';

export interface WindowPlan {
  /** 0: full resolution; k: the k-th overview (meta.overviews[k - 1]). */
  level: number;
  /** Pixel size [x, y] at that level, in source CRS units. */
  res: [number, number];
  /** Columns and rows [c0, r0, c1, r1] (fractional, end exclusive) at that level, clipped to it. */
  pixels: [number, number, number, number];
}

/**
 * The plan of a window over one raster (a mosaic part or a single file); null when unknown or empty.
 * `densify`: points added along each edge of the box when it is transformed (rasterio's 21 by
 * default; fewer for an estimate). `pad`: pixels of the chosen level around the raster that still
 * count (a resampling kernel reaches that far: a box just outside a mosaic part still reads its edge).
 */
export function windowPlan(meta: RasterMeta, req: WindowRequest, densify = 21, pad = 0): WindowPlan | null {
  if (!meta.bounds || !meta.res || !meta.crs) return null;
  let box: readonly number[];
  try {
    const crs = meta.crs.epsg ? `EPSG:${meta.crs.epsg}` : meta.crs.wkt1;
    box = transformBounds(turnedEnvelope(req.bounds, req.rotation), req.crs, crs, densify);
  } catch {
    return null; // a CRS proj4 does not know here
  }
  const [bx0, by0, bx1, by1] = meta.bounds;
  const targetRes = Math.min((box[2] - box[0]) / req.width, (box[3] - box[1]) / req.height);
  let res: [number, number] = [meta.res[0], meta.res[1]];
  let level = 0;
  (req.overviews === false ? [] : (meta.overviews ?? [])).forEach(([ow, oh], k) => {
    const [ox, oy] = [(meta.res![0] * meta.width) / ow, (meta.res![1] * meta.height) / oh];
    if (Math.min(ox, oy) <= targetRes * 1.01) [res, level] = [[ox, oy], k + 1];
  });
  const [px, py] = [pad * res[0], pad * res[1]];
  const x0 = Math.max(box[0], bx0 - px);
  const x1 = Math.min(box[2], bx1 + px);
  const y0 = Math.max(box[1], by0 - py);
  const y1 = Math.min(box[3], by1 + py);
  if (!(x1 > x0 && y1 > y0)) return null;
  return { level, res, pixels: [(x0 - bx0) / res[0], (by1 - y1) / res[1], (x1 - bx0) / res[0], (by1 - y0) / res[1]] };
}
