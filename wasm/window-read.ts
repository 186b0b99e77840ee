/**
 * One window warped from a dataset's sources into the reused target grid (target-grids.ts): GDAL's
 * mask-free kernels where they give gdalwarp's values, gdalwarp's own way otherwise, then the pixels
 * copied out (and the validity layer made 0/1).
 */
import type { RasterMeta, WindowRequest, WindowResult } from '../src/engine/protocol.js';
import type { GdalModule } from './gdal-module.js';
import { heapView, type TargetGrid, type TargetGrids } from './target-grids.js';
import { wroteValue } from './warp-args.js';
import type { WarpInput } from './warp-sources.js';

/** GDALWarp of `sources` into the target dataset, the fast or the exact way (the engine's, with its error handling). */
export type WarpInto = (sources: number[], targetDs: number, how: 'fast' | 'exact') => void;

export function warpWindow(g: GdalModule, targets: TargetGrids, picked: WarpInput[], parts: { meta: RasterMeta }[], req: WindowRequest, warp: WarpInto): WindowResult {
  const { M } = g;
  const { width, height, dtype } = req;
  const nb = req.bands.length;
  const layers = nb + (req.mask ? 1 : 0);
  const target = targets.get(width, height, layers, dtype, req.crs);
  targets.place(target, req.bounds, width, height, req.rotation);
  const plane = width * height;
  const n = plane * layers;
  const sources = picked.map((s) => s.ds);
  const init = (t: TargetGrid, alpha: boolean) => {
    const view = heapView(M, dtype, t.ptr, plane * (nb + (alpha ? 1 : 0)));
    view.fill(req.nodata ?? 0, 0, plane * nb);
    if (alpha) view.fill(0, plane * nb);
  };
  if (sources.length === 1 && !req.mask && !picked[0].parts.some((i) => parts[i].meta.alpha)) {
    // GDAL's mask-free kernels: no destination nodata, the target initialised to it instead. They
    // differ from gdalwarp's only where a value GDAL wrote equals the nodata value (gdalwarp moves
    // it to the next value). The fast warp's alpha layer says where GDAL wrote, so only a window
    // with such a value is warped again the general way; pixels nothing was written to (outside
    // the source, or over its nodata) keep the nodata value, as gdalwarp leaves them.
    const covered = req.nodata !== null;
    const fast = covered ? targets.get(width, height, nb + 1, dtype, req.crs) : target;
    if (covered) targets.place(fast, req.bounds, width, height, req.rotation);
    init(fast, covered);
    warp(sources, fast.ds, 'fast');
    if (!covered || !wroteValue(heapView(M, dtype, fast.ptr, plane * (nb + 1)), nb, plane, req.nodata as number)) return result(targets.copyOut(fast, dtype, n));
    init(target, false);
    warp(sources, target.ds, 'exact');
  } else if (sources.length > 0) {
    init(target, !!req.mask);
    warp(sources, target.ds, 'exact');
  } else init(target, !!req.mask);
  return result(targets.copyOut(target, dtype, n));

  function result(data: ReturnType<TargetGrids['copyOut']>): WindowResult {
    if (req.mask) for (let i = plane * nb; i < n; i++) data[i] = data[i] > 0 ? 1 : 0;
    return { data, shape: [layers, height, width], dtype, nodata: req.nodata, heapBytes: M.HEAPU8.buffer.byteLength };
  }
}
