/**
 * `Footprint`: where a raster has valid data, as a north-up grid of valid (1) / invalid (0) cells in
 * one CRS — what `SpatialDataGenerator.footprint()` reads through GDAL. It answers the valid
 * fraction of any box in constant time (a summed-area table, cells cut by the box counted by the
 * area they share with it; outside the grid counts as invalid) and gives its polygons as GeoJSON.
 * Pure TypeScript over typed arrays (no engine, no I/O).
 */
import type { Bounds } from '../core/box.js';
import { ArgumentError } from '../core/errors.js';
import { polygonize, type PixelRing } from './polygonize.js';

export interface FootprintGeoJSON {
  type: 'FeatureCollection';
  /** The CRS of the coordinates, as GeoJSON before RFC 7946 named it (masks and GDAL read it). */
  crs?: { type: 'name'; properties: { name: string } };
  features: {
    type: 'Feature';
    geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
    properties: { validPixels: number; validFraction: number; area: number };
  }[];
}

export class Footprint {
  /** Valid cells before row r and column c: (width + 1) × (height + 1) entries. */
  private readonly sat: Float64Array;
  readonly validPixels: number;

  /**
   * @param bounds the grid's [minx, miny, maxx, maxy] in `crs`
   * @param valid width × height cells, row 0 north, non-zero where valid
   */
  constructor(
    readonly crs: string | null,
    readonly bounds: Bounds,
    readonly width: number,
    readonly height: number,
    readonly valid: Uint8Array,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || valid.length !== width * height) {
      throw new ArgumentError('footprint', `a grid of ${width} x ${height} cells`, `${valid.length} cells`);
    }
    if (bounds.length !== 4 || !bounds.every(Number.isFinite) || !(bounds[0] < bounds[2]) || !(bounds[1] < bounds[3])) {
      throw new ArgumentError('footprint.bounds', 'finite [minx, miny, maxx, maxy] with minx < maxx and miny < maxy', bounds);
    }
    const vw = width + 1;
    const sat = new Float64Array(vw * (height + 1));
    for (let r = 0; r < height; r++) {
      let run = 0;
      for (let c = 0; c < width; c++) {
        run += valid[r * width + c] ? 1 : 0;
        sat[(r + 1) * vw + c + 1] = sat[r * vw + c + 1] + run;
      }
    }
    this.sat = sat;
    this.validPixels = sat[sat.length - 1];
  }

  /** Cell size [x, y] in map units. */
  get resolution(): [number, number] {
    const [x0, y0, x1, y1] = this.bounds;
    return [(x1 - x0) / this.width, (y1 - y0) / this.height];
  }

  /** Fraction of the grid's cells that are valid. */
  get validFraction(): number {
    return this.validPixels / (this.width * this.height);
  }

  /** Valid area in square map units. */
  get area(): number {
    const [rx, ry] = this.resolution;
    return this.validPixels * rx * ry;
  }

  /** Valid fraction of a box in the footprint's CRS, in [0, 1] (within 1e-9 of 0 or 1 is 0 or 1). */
  fractionOf(minx: number, miny: number, maxx: number, maxy: number): number {
    if (!(maxx > minx && maxy > miny)) return 0;
    const [x0, , , y1] = this.bounds;
    const [rx, ry] = this.resolution;
    const c0 = (minx - x0) / rx;
    const c1 = (maxx - x0) / rx;
    const r0 = (y1 - maxy) / ry;
    const r1 = (y1 - miny) / ry;
    const a = this.integral(c1, r1) - this.integral(c0, r1) - this.integral(c1, r0) + this.integral(c0, r0);
    const f = a / ((c1 - c0) * (r1 - r0));
    // Rounding of the box's cell coordinates must not make a wholly valid box 0.9999999999 (minValid: 1).
    return f >= 1 - 1e-9 ? 1 : f <= 1e-9 ? 0 : f;
  }

  /** Valid cells in [0, c] × [0, r] (fractional cell coordinates): the table, interpolated bilinearly, which is exact. */
  private integral(c: number, r: number): number {
    c = Math.min(this.width, Math.max(0, c));
    r = Math.min(this.height, Math.max(0, r));
    const i = Math.min(this.width - 1, Math.floor(c));
    const j = Math.min(this.height - 1, Math.floor(r));
    const fx = c - i;
    const fy = r - j;
    const vw = this.width + 1;
    const s = this.sat;
    const a = s[j * vw + i];
    const b = s[j * vw + i + 1];
    const d = s[(j + 1) * vw + i];
    const e = s[(j + 1) * vw + i + 1];
    return a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + d * (1 - fx) * fy + e * fx * fy;
  }

  /** The valid area as polygons (4-connected, as `gdal_polygonize`): one exterior ring each, then its holes. */
  polygons(): number[][][][] {
    const [x0, , , y1] = this.bounds;
    const [rx, ry] = this.resolution;
    const toMap = (ring: PixelRing): number[][] => {
      const pts: number[][] = [];
      for (let k = 0; k < ring.length; k += 2) pts.push([x0 + ring[k] * rx, y1 - ring[k + 1] * ry]);
      return pts;
    };
    return polygonize(this.valid, this.width, this.height).map((p) => [toMap(p.exterior), ...p.holes.map(toMap)]);
  }

  /**
   * A FeatureCollection of one MultiPolygon feature (the valid area), with a `crs` member naming the
   * CRS, which `SampleSet.within`/`intersects` read when no `crs` option is given.
   */
  toGeoJSON(): FootprintGeoJSON {
    const fc: FootprintGeoJSON = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'MultiPolygon', coordinates: this.polygons() },
          properties: { validPixels: this.validPixels, validFraction: this.validFraction, area: this.area },
        },
      ],
    };
    if (this.crs) fc.crs = { type: 'name', properties: { name: this.crs } };
    return fc;
  }
}
