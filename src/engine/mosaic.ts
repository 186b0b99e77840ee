/**
 * Several files as one source: the grid of the first file (its CRS, pixel size and alignment)
 * extended over the union of every file's bounds; windows are warped from the files that intersect
 * them, later files drawn over earlier ones.
 */
import type { Bounds } from '../core/box.js';
import type { RasterMeta } from './protocol.js';
import { SourceError } from '../core/errors.js';
import { smallestOverviewFactor } from '../core/overviews.js';
import { transformBounds } from '../crs/index.js';

function crsOf(m: RasterMeta): string {
  return m.crs!.wkt1;
}

/** The description of a mosaic from its parts' descriptions. */
export function mosaicMeta(label: string, parts: RasterMeta[], labels: string[]): RasterMeta {
  parts.forEach((p, i) => {
    if (!p.crs || !p.transform || !p.bounds || !p.res) {
      throw new SourceError('SOURCE_NOT_GEOREFERENCED', `${labels[i]}: has no georeferencing, so it cannot be part of the mosaic ${label}`, { input: labels[i] });
    }
  });
  const first = parts[0];
  parts.forEach((p, i) => {
    if (p.count !== first.count)
      throw new SourceError('SOURCE_UNREADABLE', `${labels[i]}: has ${p.count} bands, but ${labels[0]} has ${first.count}; the files of a mosaic need the same bands`, {
        input: labels[i],
      });
    if (p.dtype !== first.dtype)
      throw new SourceError('SOURCE_UNREADABLE', `${labels[i]}: is ${p.dtype}, but ${labels[0]} is ${first.dtype}; the files of a mosaic need the same data type`, {
        input: labels[i],
      });
  });
  const grid = gridOver(first, parts.slice(1));
  return {
    ...first,
    driver: 'mosaic',
    ...grid,
    files: parts.flatMap((p) => p.files),
    parts,
  };
}

/** `bounds` (in `crs`) in each part's CRS, transformed once per distinct CRS; null where it cannot be. */
function boundsInParts(parts: RasterMeta[], bounds: Bounds, crs: string): (Bounds | null)[] {
  const byCrs = new Map<string, Bounds | null>();
  return parts.map((p) => {
    // As window-plan.ts names a part's CRS: its EPSG code where GDAL identified one (a box given in
    // that code then needs no transform; proj4 would take it through a datum shift and back).
    const to = p.crs?.epsg ? `EPSG:${p.crs.epsg}` : crsOf(p);
    if (!byCrs.has(to)) {
      let b: Bounds | null;
      try {
        b = transformBounds(bounds, crs, to);
      } catch {
        b = null;
      }
      byCrs.set(to, b);
    }
    return byCrs.get(to)!;
  });
}

/**
 * The grid of `first` (its CRS, pixel size and alignment) extended over its bounds and every other
 * raster's (transformed into its CRS).
 */
export function gridOver(first: RasterMeta, others: RasterMeta[]): Pick<RasterMeta, 'width' | 'height' | 'transform' | 'bounds'> {
  const to = crsOf(first);
  let [minx, miny, maxx, maxy] = first.bounds!;
  for (const p of others) {
    const b = sameDefinition(p, first) ? p.bounds! : transformBounds(p.bounds!, crsOf(p), to);
    minx = Math.min(minx, b[0]);
    miny = Math.min(miny, b[1]);
    maxx = Math.max(maxx, b[2]);
    maxy = Math.max(maxy, b[3]);
  }
  const [rx, ry] = first.res!;
  const [, , ox, , , oy] = first.transform!;
  // Keep the first file's pixel alignment.
  minx = ox + Math.floor((minx - ox) / rx + 1e-9) * rx;
  maxx = ox + Math.ceil((maxx - ox) / rx - 1e-9) * rx;
  maxy = oy - Math.floor((oy - maxy) / ry + 1e-9) * ry;
  miny = oy - Math.ceil((oy - miny) / ry - 1e-9) * ry;
  const width = Math.round((maxx - minx) / rx);
  const height = Math.round((maxy - miny) / ry);
  return { width, height, transform: [rx, 0, minx, 0, -ry, maxy], bounds: [minx, miny, maxx, maxy] };
}

/** Indices of the parts whose bounds (padded by a pixel) meet `bounds` given in `crs`. */
export function partsFor(meta: RasterMeta, bounds: Bounds, crs: string): number[] {
  return hits(meta, boundsInParts(meta.parts ?? [], bounds, crs));
}

function hits(meta: RasterMeta, inParts: (Bounds | null)[]): number[] {
  const out: number[] = [];
  (meta.parts ?? []).forEach((p, i) => {
    const b = inParts[i];
    if (!b) {
      out.push(i); // cannot tell: let GDAL decide
      return;
    }
    const [rx, ry] = p.res!;
    const [a0, a1, a2, a3] = p.bounds!;
    if (b[0] <= a2 + rx && b[2] >= a0 - rx && b[1] <= a3 + ry && b[3] >= a1 - ry) out.push(i);
  });
  return out;
}

function sameDefinition(a: RasterMeta, b: RasterMeta): boolean {
  return a.crs!.wkt1 === b.crs!.wkt1;
}

/** Each mosaic's smallest overview factor, worked out once (every read asks; O(parts) each time). */
const smallestFactors = new WeakMap<RasterMeta[], number>();
function smallestFactorOf(parts: RasterMeta[]): number {
  let f = smallestFactors.get(parts);
  if (f === undefined) smallestFactors.set(parts, (f = smallestOverviewFactor(parts)));
  return f;
}

/** How far below an overview's factor a window's downsampling stays for no overview to be picked. */
const OVERVIEW_MARGIN = 1.25;

/** How far (in source pixels, before any downsampling) each resampling's kernel reaches. */
const KERNEL_REACH: Record<string, number> = { nearest: 1, bilinear: 1, cubic: 2, cubicspline: 2, lanczos: 3 };

/**
 * The parts a window of `bounds` (in `crs`) read at width×height with `resampling` meets, and the
 * part that alone holds it, the kernel's reach included (scaled when the window is downsampled, plus
 * a pixel), with no other part meeting it: warping from that part alone gives the mosaic's pixels
 * without going through its VRT. `sole` is null when there is no such part.
 */
export function windowParts(meta: RasterMeta, bounds: Bounds, crs: string, width: number, height: number, resampling: string): { parts: number[]; sole: number | null } {
  const inParts = boundsInParts(meta.parts ?? [], bounds, crs);
  const parts = hits(meta, inParts);
  if (parts.length !== 1) return { parts, sole: null };
  const i = parts[0];
  const p = meta.parts![i];
  const b = inParts[i];
  if (!b || !p.bounds || !p.res) return { parts, sole: null };
  const [rx, ry] = p.res;
  const scale = Math.max(1, (b[2] - b[0]) / (width * rx), (b[3] - b[1]) / (height * ry));
  const reach = Math.ceil((KERNEL_REACH[resampling] ?? 1) * scale) + 1;
  const [a0, a1, a2, a3] = p.bounds;
  const inside = b[0] - reach * rx >= a0 && b[2] + reach * rx <= a2 && b[1] - reach * ry >= a1 && b[3] + reach * ry <= a3;
  // Downsampled enough for GDAL to pick an overview, the part's own levels and the VRT's virtual ones
  // (only factors every part of its grid has) may differ: then the VRT, as gdalwarp reads it.
  const noOverview = scale * OVERVIEW_MARGIN < smallestFactorOf(meta.parts!);
  return { parts, sole: inside && noOverview ? i : null };
}
