/**
 * Overview factors as GDAL counts them (GDALComputeOvFactor), and the virtual overviews gdalbuildvrt
 * gives a mosaic VRT of files on one grid: the factors of every file's overviews, less those a file
 * lacks (a file too small for a factor, under 128 pixels both ways, ends the check for it). Imports nothing.
 */

/** The decimation factor of an overview of ow×oh pixels of a raster of w×h. */
export function overviewFactor(w: number, h: number, ow: number, oh: number): number {
  if (w !== 1 && w >= h / 2) return Math.floor(0.5 + w / ow);
  return Math.floor(0.5 + h / oh);
}

export interface OverviewSource {
  width: number;
  height: number;
  /** Overview sizes [width, height], finest first. */
  overviews?: [number, number][];
}

function factorsOf(p: OverviewSource): number[] {
  return (p.overviews ?? []).map(([ow, oh]) => overviewFactor(p.width, p.height, ow, oh));
}

/** The factors of a VRT's OverviewList over `parts` (ascending; empty: no virtual overviews). */
export function virtualOverviewFactors(parts: OverviewSource[]): number[] {
  const set = new Set<number>();
  for (const p of parts) for (const f of factorsOf(p)) set.add(f);
  let factors = [...set].sort((a, b) => a - b);
  for (const p of parts) {
    const own = factorsOf(p);
    const keep: number[] = [];
    for (let i = 0; i < factors.length; i++) {
      const f = factors[i];
      if (p.width / f < 128 && p.height / f < 128) {
        keep.push(...factors.slice(i)); // too small from here on: not checked further
        break;
      }
      if (own.includes(f)) keep.push(f);
    }
    factors = keep;
  }
  return factors;
}

/** The smallest overview factor of any of `sources` (Infinity when none has overviews). */
export function smallestOverviewFactor(sources: OverviewSource[]): number {
  return Math.min(Infinity, ...sources.flatMap(factorsOf));
}
