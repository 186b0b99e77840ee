/** Checks read options at the API boundary: wrong values are rejected before any work. */
import { ArgumentError } from '../core/errors.js';
import { DATA_TYPES, RESAMPLING_METHODS, isFloat, type DataType, type Resampling } from '../core/pixels.js';
import type { Bounds } from '../core/box.js';
import type { RasterMeta, WindowRequest } from './protocol.js';

export const MAX_SIZE = 16384;

export interface ReadWindowOptions {
  /** [minx, miny, maxx, maxy] in `crs`. */
  bounds: Bounds | number[];
  /** CRS of the box and of the output grid (EPSG:n, WKT or PROJ string); default: the raster's. */
  crs?: string;
  width: number;
  height: number;
  /** Any gdalwarp `-r` method; default 'nearest'. */
  resampling?: Resampling;
  /** 1-based band numbers; default every band. */
  bands?: number[] | number;
  /** Output data type; default the raster's. */
  dtype?: DataType;
  /**
   * Value for pixels without data. Default: the source's nodata; else none, so that pixels outside
   * the source are 0, as gdalwarp and Keras Spatial give them (pass `nodata: NaN` for NaN there).
   */
  nodata?: number | null;
  /**
   * Add a validity layer after the bands: 1 where the pixel came from the source, 0 where it did not
   * (outside the source, or only source nodata under it); GDAL's `-dstalpha` density above zero.
   */
  mask?: boolean;
  /** Read the source's overviews when the window is coarser than it (default true, as gdalwarp; false: `-ovr NONE`, as a warped VRT). */
  overviews?: boolean;
  /**
   * Turn the output grid this many degrees counter-clockwise about the box's centre: GDAL warps into
   * a rotated grid of width×height pixels over the box's frame (what `samples.augment({ rotate })` asks).
   */
  rotation?: number;
  signal?: AbortSignal;
}

export function checkBounds(name: string, b: unknown): Bounds {
  if ((!Array.isArray(b) && !(b instanceof Float64Array)) || (b as ArrayLike<number>).length !== 4) {
    throw new ArgumentError(name, '[minx, miny, maxx, maxy] (4 numbers)', b);
  }
  const [minx, miny, maxx, maxy] = Array.from(b as ArrayLike<unknown>);
  for (const v of [minx, miny, maxx, maxy]) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(name, 'finite numbers [minx, miny, maxx, maxy]', b);
  }
  if (!((minx as number) < (maxx as number)) || !((miny as number) < (maxy as number))) {
    throw new ArgumentError(name, 'a box with minx < maxx and miny < maxy (positive area)', b);
  }
  return [minx, miny, maxx, maxy] as Bounds;
}

export function checkSize(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SIZE) {
    throw new ArgumentError(name, `an integer from 1 to ${MAX_SIZE}`, v);
  }
  return v;
}

export function checkResampling(v: unknown): Resampling {
  if (v === undefined) return 'nearest';
  if (typeof v !== 'string' || !(RESAMPLING_METHODS as readonly string[]).includes(v)) {
    throw new ArgumentError('resampling', `one of ${RESAMPLING_METHODS.join(', ')}`, v);
  }
  return v as Resampling;
}

export function checkBands(v: unknown, count: number): number[] {
  if (v === undefined) return Array.from({ length: count }, (_, i) => i + 1);
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) throw new ArgumentError('bands', `a band number or a non-empty list of band numbers from 1 to ${count}`, v);
  for (const b of list) {
    if (typeof b !== 'number' || !Number.isInteger(b) || b < 1 || b > count) {
      throw new ArgumentError('bands', `band numbers from 1 to ${count} (the raster has ${count} band${count === 1 ? '' : 's'})`, v);
    }
  }
  return [...list] as number[];
}

export function checkDtype(v: unknown, meta: RasterMeta): DataType {
  if (v === undefined) {
    return (DATA_TYPES as readonly string[]).includes(meta.dtype) ? (meta.dtype as DataType) : 'float64';
  }
  if (typeof v !== 'string' || !(DATA_TYPES as readonly string[]).includes(v)) {
    throw new ArgumentError('dtype', `one of ${DATA_TYPES.join(', ')}`, v);
  }
  return v as DataType;
}

export function defaultNodata(v: unknown, meta: RasterMeta, bands: number[], dtype: DataType): number | null {
  if (v === null) return null;
  if (v !== undefined) {
    if (typeof v !== 'number') throw new ArgumentError('nodata', 'a number, NaN or null', v);
    if (Number.isNaN(v) && !isFloat(dtype)) throw new ArgumentError('nodata', `a value representable in ${dtype} (NaN needs float32 or float64)`, v);
    return v;
  }
  const src = meta.nodatavals[bands[0] - 1];
  if (src !== null && src !== undefined && (isFloat(dtype) || !Number.isNaN(src))) return src;
  return null;
}

export function checkMask(v: unknown): boolean {
  if (v === undefined || v === false) return false;
  if (v !== true) throw new ArgumentError('mask', 'true (a validity layer after the bands) or false', v);
  return true;
}

export function checkCrs(v: unknown, fallback: string | null): string {
  if (v === undefined) {
    if (!fallback) throw new ArgumentError('crs', 'a CRS (the raster has none of its own)', v);
    return fallback;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new ArgumentError('crs', 'a CRS string: EPSG:n, WKT or a PROJ string', v);
  return v.trim();
}

export function toWindowRequest(opts: ReadWindowOptions, meta: RasterMeta): WindowRequest {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('readWindow options', 'an object { bounds, width, height, ... }', opts);
  const bounds = checkBounds('bounds', opts.bounds);
  const width = checkSize('width', opts.width);
  const height = checkSize('height', opts.height);
  const resampling = checkResampling(opts.resampling);
  const bands = checkBands(opts.bands, meta.count);
  const dtype = checkDtype(opts.dtype, meta);
  const nodata = defaultNodata(opts.nodata, meta, bands, dtype);
  const crs = checkCrs(opts.crs, meta.crs ? (meta.crs.epsg ? `EPSG:${meta.crs.epsg}` : meta.crs.wkt) : null);
  const mask = checkMask(opts.mask);
  if (opts.overviews !== undefined && typeof opts.overviews !== 'boolean') throw new ArgumentError('overviews', 'true or false', opts.overviews);
  const rotation = opts.rotation ?? 0;
  if (typeof rotation !== 'number' || !Number.isFinite(rotation)) throw new ArgumentError('rotation', 'a finite angle in degrees', opts.rotation);
  return {
    bounds,
    crs,
    width,
    height,
    resampling,
    bands,
    dtype,
    nodata,
    ...(mask ? { mask } : {}),
    ...(opts.overviews === false ? { overviews: false } : {}),
    ...(rotation % 360 !== 0 ? { rotation: rotation % 360 } : {}),
  };
}
