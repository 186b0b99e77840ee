/** gdalwarp's arguments for one window (see GdalEngine.warp), and the checks around them. */
import type { WindowRequest } from '../src/engine/protocol.js';
import type { GdalModule } from './gdal-module.js';
import type { PixelArray } from '../src/core/pixels.js';
import { SampleError } from '../src/core/errors.js';
import { shorten } from './target-grids.js';

/** How a window is warped: see warpArgs. */
export type WarpHow = 'fast' | 'fast-alpha' | 'exact';

/**
 * 'exact' is gdalwarp's own way (-dstnodata, INIT_DEST=NO_DATA); 'fast' leaves the destination
 * without nodata (GDAL then picks its mask-free kernels) and initialises it to the nodata value;
 * 'fast-alpha' also asks for an alpha layer after the bands (GDAL keeps those kernels: a
 * destination density is all they allow), which says where GDAL wrote a value. `area`: the source's
 * AREA_OF_INTEREST (warp-sources.ts warpArea, null for several sources), or null.
 */
export function warpArgs(req: WindowRequest, sourceCount: number, count: number, how: WarpHow, sourceNodata: number[] | null = null, area: string | null = null): string[] {
  const args = ['-q', '-r', req.resampling];
  // The source's area of interest, computed once (area-of-interest.ts), instead of by GDAL on every warp.
  if (area !== null) args.push('-to', `AREA_OF_INTEREST=${area}`);
  // The source nodata given at open, for the bands read in their order (as gdalwarp pairs -srcnodata with -srcband).
  if (sourceNodata) {
    const values = req.bands.map((b) => nodataString(sourceNodata[b - 1]));
    args.push('-srcnodata', values.every((v) => v === values[0]) ? values[0] : values.join(' '));
  }
  if (req.overviews === false) args.push('-ovr', 'NONE');
  const init = req.nodata === null ? '0' : nodataString(req.nodata);
  // One source: GDAL initialises the target (as gdalwarp does). Several: the target is already filled
  // with nodata, and INIT_DEST would make each source erase what the sources before it drew.
  if (how !== 'exact') args.push('-wo', `INIT_DEST=${init}`, '-dstnodata', 'None');
  else {
    if (sourceCount === 1) args.push('-wo', `INIT_DEST=${req.nodata === null ? '0' : 'NO_DATA'}`);
    if (req.nodata !== null) args.push('-dstnodata', nodataString(req.nodata));
  }
  // An alpha layer after the bands: the caller's mask, or where a fast warp wrote a value.
  const alpha = req.mask || how === 'fast-alpha';
  if (alpha) args.push('-dstalpha');
  if (alpha || !isIdentityBands(req.bands, count)) {
    req.bands.forEach((b, i) => args.push('-srcband', String(b), '-dstband', String(i + 1)));
  }
  return args;
}

function isIdentityBands(bands: number[], count: number): boolean {
  return bands.length === count && bands.every((b, i) => b === i + 1);
}

/** The error of a window GDAL could not warp (its message, if any, said). */
export function warpFailure(label: string, req: WindowRequest, gdalMessage: string): SampleError {
  return new SampleError('SAMPLE_FAILED', `${label}: GDAL could not warp the window [${req.bounds.join(', ')}] in ${shorten(req.crs)}${gdalMessage ? `: ${gdalMessage}` : ''}`, {
    input: label,
    gdalMessage,
    bounds: [...req.bounds],
  });
}

/** GDALWarp of `sources` (datasets, later drawn over earlier) into `targetDs` with gdalwarp's `args`: GDAL's result (0 on failure). */
export function gdalWarp(g: GdalModule, args: string[], sources: number[], targetDs: number, badOptions: () => Error): number {
  const { M } = g;
  return g.withOptions('WarpApp', args, (opts) => {
    if (!opts) throw badOptions();
    const srcList = M._malloc(4 * sources.length);
    M.HEAPU32.set(sources, srcList >>> 2);
    g.CPLErrorReset();
    g.takeMessages();
    try {
      return g.GDALWarp(null, targetDs, sources.length, srcList, opts, 0);
    } finally {
      M._free(srcList);
    }
  });
}

/**
 * True when any value of `a` is `v` (NaN: any NaN). The typed array's own `includes` (SameValueZero:
 * NaN finds NaN, 0 finds -0, as `===` does for the rest), a native scan: a JavaScript loop over a
 * view whose type changes from read to read cost about 5 % of a W1 sample's worker time.
 */
export function holds(a: PixelArray, v: number): boolean {
  return (a as Float64Array).includes(v);
}

/**
 * True when a value GDAL wrote equals `v` (NaN: is NaN): `a` holds `planes` planes of `plane` values,
 * then an alpha plane, non-zero where GDAL wrote.
 */
export function wroteValue(a: PixelArray, planes: number, plane: number, v: number): boolean {
  const alpha = planes * plane;
  for (let p = 0; p < planes; p++) {
    const values = a.subarray(p * plane, (p + 1) * plane) as Float64Array;
    if (Number.isNaN(v)) {
      for (let i = 0; i < plane; i++) if (Number.isNaN(values[i]) && a[alpha + i] !== 0) return true;
      continue;
    }
    for (let i = values.indexOf(v); i >= 0; i = values.indexOf(v, i + 1)) if (a[alpha + i] !== 0) return true;
  }
  return false;
}

function nodataString(v: number): string {
  return Number.isNaN(v) ? 'nan' : String(v);
}
