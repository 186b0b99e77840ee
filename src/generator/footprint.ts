/**
 * `readFootprint`: the valid-data footprint of a generator's source in the generator's CRS, read by
 * GDAL (a nearest-neighbour warp of the validity layer, `-dstalpha`, from the coarsest overview
 * fine enough) in tiles, so a footprint of any size stays within the engine's window limits.
 */
import type { Bounds } from '../core/box.js';
import { ArgumentError, SampleError } from '../core/errors.js';
import type { RasterReader } from '../engine/raster-stack.js';
import { checkBounds } from '../engine/validate.js';
import { Footprint } from '../grid/footprint.js';
import { type ProgressOption, progressReporter } from '../runtime/progress.js';

export interface FootprintOptions {
  /**
   * Cell size in the generator's CRS units (a number, or [x, y]). Default: cells of about the
   * source's own size, coarsened so the longer side has at most 1024 cells.
   */
  resolution?: number | [number, number];
  /** Area to cover, in the generator's CRS (default: the source's extent there). */
  bounds?: Bounds | number[];
  /** Bands whose data count (default: the generator's); a cell is valid where any of them has data, as GDAL warps. */
  bands?: number[] | number;
  signal?: AbortSignal;
  progress?: ProgressOption;
}

/** Output cells per tile side: a tile is one engine read. */
const TILE = 512;
/** Cells of a footprint at most (a Uint8Array each, plus a summed-area table of 8 bytes each). */
const MAX_CELLS = 2 ** 26;

export interface FootprintFrame {
  raster: RasterReader;
  crs: string;
  /** The source's extent in `crs`. */
  extent: Bounds;
  /** Default cell size in `crs` units: the source's pixel size there. */
  pixel: [number, number];
  bands: number[];
}

export async function readFootprint(frame: FootprintFrame, options: FootprintOptions = {}): Promise<Footprint> {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('footprint options', 'an object { resolution?, bounds?, bands? }', options);
  const [x0, y0, x1, y1] = options.bounds === undefined ? frame.extent : checkBounds('bounds', options.bounds);
  const [rx, ry] = resolutionOf(options.resolution, frame.pixel, x1 - x0, y1 - y0);
  const width = Math.max(1, Math.ceil((x1 - x0) / rx - 1e-9));
  const height = Math.max(1, Math.ceil((y1 - y0) / ry - 1e-9));
  if (width * height > MAX_CELLS) {
    throw new ArgumentError('resolution', `a cell size giving at most ${MAX_CELLS} cells over [${x0}, ${y0}, ${x1}, ${y1}] (this gives ${width} x ${height})`, options.resolution);
  }
  // The grid starts at the north-west corner; the last row and column may reach past the extent.
  const bounds: Bounds = [x0, y1 - height * ry, x0 + width * rx, y1];
  const bands = options.bands === undefined ? frame.bands : Array.isArray(options.bands) ? options.bands : [options.bands];
  const valid = new Uint8Array(width * height);
  const tiles: [number, number][] = [];
  for (let tr = 0; tr < height; tr += TILE) for (let tc = 0; tc < width; tc += TILE) tiles.push([tc, tr]);
  const bar = progressReporter('footprint', tiles.length, options.progress);
  let done = 0;
  for (const [tc, tr] of tiles) {
    const w = Math.min(TILE, width - tc);
    const h = Math.min(TILE, height - tr);
    const tile: Bounds = [bounds[0] + tc * rx, bounds[3] - (tr + h) * ry, bounds[0] + (tc + w) * rx, bounds[3] - tr * ry];
    const win = await frame.raster.readWindow({ bounds: tile, crs: frame.crs, width: w, height: h, bands, resampling: 'nearest', mask: true, signal: options.signal });
    const layer = win.data.subarray((win.shape[0] - 1) * w * h);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) valid[(tr + r) * width + tc + c] = layer[r * w + c] ? 1 : 0;
    bar.tick(++done);
  }
  bar.end();
  const fp = new Footprint(frame.crs, bounds, width, height, valid);
  if (fp.validPixels === 0) {
    throw new SampleError(
      'SAMPLE_FAILED',
      `${frame.raster.label}: no valid pixel in [${x0}, ${y0}, ${x1}, ${y1}] (${frame.crs}) at ${rx} x ${ry}: the footprint is empty (every pixel is nodata or outside the source)`,
      {
        input: frame.raster.label,
        bounds: [x0, y0, x1, y1],
      },
    );
  }
  return fp;
}

function resolutionOf(r: unknown, pixel: [number, number], dx: number, dy: number): [number, number] {
  if (r === undefined) {
    const k = Math.max(1, Math.max(dx / pixel[0], dy / pixel[1]) / 1024);
    return [pixel[0] * k, pixel[1] * k];
  }
  const pair = typeof r === 'number' ? [r, r] : r;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new ArgumentError('resolution', 'a positive cell size in the CRS units (a number or [x, y])', r);
  }
  return pair as [number, number];
}
