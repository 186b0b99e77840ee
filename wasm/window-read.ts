/**
 * One window warped from a dataset's sources into the reused target grid (target-grids.ts): GDAL's
 * mask-free kernels where they give gdalwarp's values, gdalwarp's own way otherwise, then the pixels
 * copied out (and the validity layer made 0/1).
 */
import type { RasterMeta, WindowRequest, WindowResult } from '../src/engine/protocol.js';
import type { GdalModule } from './gdal-module.js';
import { heapView, type TargetGrids } from './target-grids.js';
import { holds } from './warp-args.js';
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
  const init = () => {
    const view = heapView(M, dtype, target.ptr, n);
    view.fill(req.nodata ?? 0, 0, plane * nb);
    if (req.mask) view.fill(0, plane * nb);
  };
  init();
  if (sources.length === 1 && !req.mask && !picked[0].parts.some((i) => parts[i].meta.alpha)) {
    // GDAL's mask-free kernels: no destination nodata, the target initialised to it instead. They
    // differ from gdalwarp's only where a valid value equals the nodata value (gdalwarp moves it to
    // the next value): a window with any pixel equal to nodata is warped again the general way.
    warp(sources, target.ds, 'fast');
    if (req.nodata !== null && holds(heapView(M, dtype, target.ptr, n), req.nodata)) {
      init();
      warp(sources, target.ds, 'exact');
    }
  } else if (sources.length > 0) warp(sources, target.ds, 'exact');
  const data = targets.copyOut(target, dtype, n);
  if (req.mask) for (let i = plane * nb; i < n; i++) data[i] = data[i] > 0 ? 1 : 0;
  return { data, shape: [layers, height, width], dtype, nodata: req.nodata, heapBytes: M.HEAPU8.buffer.byteLength };
}
