/**
 * One window warped from a dataset's sources into the reused target grid (target-grids.ts): GDAL's
 * mask-free kernels where they give gdalwarp's values, gdalwarp's own way otherwise, then the pixels
 * copied out (and the validity layer made 0/1).
 */
import type { RasterMeta, WindowRequest, WindowResult } from '../src/engine/protocol.js';
import type { GdalModule } from './gdal-module.js';
import { heapView, type TargetGrid, type TargetGrids } from './target-grids.js';
import { holds, type WarpHow, wroteValue } from './warp-args.js';
import { bytesPerPixel } from '../src/core/pixels.js';
import type { WarpInput } from './warp-sources.js';

/** GDALWarp of `sources` into the target dataset, one of warpArgs' ways (the engine's, with its error handling). */
export type WarpInto = (sources: number[], targetDs: number, how: WarpHow) => void;

/** What a dataset's fast warps have shown: the share of its recent windows holding a nodata pixel (an average over about 20). */
export interface FastWarps {
  nodataShare: number;
}

/** The engine's counts of fast warps made with an alpha layer and of fast warps warped again. */
export interface WarpCounts {
  fastWithAlpha: number;
  warpedAgain: number;
}

/** Past this share of windows with nodata, a fast warp takes the alpha layer (about 5 % more work than without). */
const ALPHA_SHARE = 0.05;
/** Largest fast target with an alpha layer (bytes): past it, a window holding nodata is warped again, so a huge window needs no second buffer. */
const ALPHA_BYTES = 64 * 2 ** 20;

export function warpWindow(
  g: GdalModule,
  targets: TargetGrids,
  picked: WarpInput[],
  d: { parts: { meta: RasterMeta }[]; fast: FastWarps },
  req: WindowRequest,
  warp: WarpInto,
  counts: WarpCounts,
): WindowResult {
  const { M } = g;
  const { width, height, dtype } = req;
  const nb = req.bands.length;
  const layers = nb + (req.mask ? 1 : 0);
  const plane = width * height;
  const n = plane * layers;
  const sources = picked.map((s) => s.ds);
  /** A target of `k` layers placed over the window, its bands filled with nodata (0 without) and any layer after them with 0. */
  const ready = (k: number): TargetGrid => {
    const t = targets.get(width, height, k, dtype, req.crs);
    targets.place(t, req.bounds, width, height, req.rotation);
    const view = heapView(M, dtype, t.ptr, plane * k);
    view.fill(req.nodata ?? 0, 0, plane * nb);
    if (k > nb) view.fill(0, plane * nb);
    return t;
  };
  if (sources.length === 1 && !req.mask && !picked[0].parts.some((i) => d.parts[i].meta.alpha)) {
    // GDAL's mask-free kernels: no destination nodata, the target initialised to it instead. They
    // differ from gdalwarp's only where a value GDAL wrote equals the nodata value (gdalwarp moves
    // it to the next value), and only such a window must be warped again the general way. Without
    // more to go on, any window holding a nodata pixel is. Where many do (windows off the source's
    // edge or over its nodata), the fast warp also makes an alpha layer saying where GDAL wrote:
    // pixels nothing was written to keep the nodata value, as gdalwarp leaves them, without a second warp.
    const nodata = req.nodata;
    const alpha = nodata !== null && d.fast.nodataShare >= ALPHA_SHARE && plane * (nb + 1) * bytesPerPixel(dtype) <= ALPHA_BYTES;
    const fast = ready(alpha ? nb + 1 : nb);
    warp(sources, fast.ds, alpha ? 'fast-alpha' : 'fast');
    if (alpha) counts.fastWithAlpha++;
    const hasNodata = nodata !== null && holds(heapView(M, dtype, fast.ptr, plane * nb), nodata);
    d.fast.nodataShare += ((hasNodata ? 1 : 0) - d.fast.nodataShare) / 20;
    if (!hasNodata || (alpha && !wroteValue(heapView(M, dtype, fast.ptr, plane * (nb + 1)), nb, plane, nodata))) return result(targets.copyOut(fast, dtype, n));
    const target = ready(nb);
    warp(sources, target.ds, 'exact');
    counts.warpedAgain++;
    return result(targets.copyOut(target, dtype, n));
  }
  const target = ready(layers);
  if (sources.length > 0) warp(sources, target.ds, 'exact');
  return result(targets.copyOut(target, dtype, n));

  function result(data: ReturnType<TargetGrids['copyOut']>): WindowResult {
    if (req.mask) for (let i = plane * nb; i < n; i++) data[i] = data[i] > 0 ? 1 : 0;
    return { data, shape: [layers, height, width], dtype, nodata: req.nodata, heapBytes: M.HEAPU8.buffer.byteLength };
  }
}
