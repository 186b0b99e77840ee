/**
 * SampleSet: the table of samples (Keras Spatial's GeoDataFrame of boxes). Boxes are stored column by
 * column in typed arrays, with a CRS and named attribute columns. Every operation returns a new set.
 */
import type { Bounds } from '../core/box.js';
import type { Boxes } from '../grid/index.js';
import { allocBoxes } from '../grid/index.js';
import { ArgumentError } from '../core/errors.js';
import { classify } from './mask.js';
import { concat, sampleRows, toCrs, validFractions } from './ops.js';
import type { Footprint } from '../grid/footprint.js';
import { augmentBoxes, type BoxAugment } from './augment.js';
import { balance, shard, spatialSplit, temporalSplit, type BalanceOptions, type SpatialSplit, type SpatialSplitOptions, type TemporalSplitOptions } from './splits.js';

export type ColumnValue = number | string | null;
export type Column = Float64Array | ColumnValue[];

export interface Sample {
  index: number;
  bounds: Bounds;
  properties: Record<string, ColumnValue>;
}

export interface GeoJsonPolygonFeature {
  type: 'Feature';
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  properties: Record<string, ColumnValue>;
}

export interface GeoJsonFeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: { type: string; coordinates: unknown } | null; properties?: Record<string, unknown> | null }[];
  crs?: unknown;
}

export class SampleSet implements Iterable<Sample> {
  readonly minx: Float64Array;
  readonly miny: Float64Array;
  readonly maxx: Float64Array;
  readonly maxy: Float64Array;
  /** CRS of the boxes (EPSG:n, WKT or PROJ string); null if unknown. */
  readonly crs: string | null;
  private readonly cols: ReadonlyMap<string, Column>;

  constructor(boxes: Boxes, crs: string | null = null, columns: ReadonlyMap<string, Column> | Record<string, Column> = new Map()) {
    const n = boxes.minx.length;
    if (boxes.miny.length !== n || boxes.maxx.length !== n || boxes.maxy.length !== n) {
      throw new ArgumentError('boxes', 'four columns of equal length', [boxes.minx.length, boxes.miny.length, boxes.maxx.length, boxes.maxy.length]);
    }
    this.minx = boxes.minx;
    this.miny = boxes.miny;
    this.maxx = boxes.maxx;
    this.maxy = boxes.maxy;
    this.crs = crs;
    const map = columns instanceof Map ? columns : new Map(Object.entries(columns));
    for (const [name, col] of map) {
      if (col.length !== n) throw new ArgumentError(`column ${name}`, `${n} values (one per sample)`, col.length);
    }
    this.cols = map;
  }

  /** Builds a set from a list of [minx, miny, maxx, maxy] boxes. */
  static fromBounds(list: readonly (readonly number[])[], crs: string | null = null, columns: Record<string, Column> = {}): SampleSet {
    const b = allocBoxes(list.length);
    list.forEach((box, i) => {
      if (box?.length !== 4) throw new ArgumentError(`bounds[${i}]`, '[minx, miny, maxx, maxy]', box);
      [b.minx[i], b.miny[i], b.maxx[i], b.maxy[i]] = box;
    });
    return new SampleSet(b, crs, columns);
  }

  /**
   * Polygons (and multipolygons) become their bounding boxes; properties become columns.
   * Points need a size: use `pointGrid` for those.
   */
  static fromGeoJSON(fc: GeoJsonFeatureCollection, options: { crs?: string | null } = {}): SampleSet {
    if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      throw new ArgumentError('GeoJSON', 'a FeatureCollection', fc);
    }
    const n = fc.features.length;
    const b = allocBoxes(n);
    const names = new Set<string>();
    fc.features.forEach((f, i) => {
      if (!f || typeof f !== 'object' || Array.isArray(f)) throw new ArgumentError(`features[${i}]`, 'a GeoJSON Feature', f);
      const p = f.properties;
      if (p !== undefined && p !== null && (typeof p !== 'object' || Array.isArray(p))) throw new ArgumentError(`features[${i}].properties`, 'an object or null', p);
      Object.keys(p ?? {}).forEach((k) => names.add(k));
    });
    const cols: Record<string, ColumnValue[]> = {};
    for (const k of names) cols[k] = new Array(n).fill(null);
    fc.features.forEach((f, i) => {
      const g = f.geometry;
      if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
        throw new ArgumentError(`features[${i}].geometry`, 'a Polygon or MultiPolygon (use pointGrid for points)', g?.type ?? g);
      }
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      const visit = (c: unknown): void => {
        if (Array.isArray(c) && c.length > 0 && !Array.isArray(c[0])) {
          if (c.length < 2 || c.length > 4 || !c.every((x) => typeof x === 'number' && Number.isFinite(x))) {
            throw new ArgumentError(`features[${i}].geometry.coordinates`, 'positions of 2 or 3 finite numbers', c);
          }
          x0 = Math.min(x0, c[0] as number);
          x1 = Math.max(x1, c[0] as number);
          y0 = Math.min(y0, c[1] as number);
          y1 = Math.max(y1, c[1] as number);
        } else if (Array.isArray(c)) c.forEach(visit);
        else throw new ArgumentError(`features[${i}].geometry.coordinates`, 'arrays of positions', c);
      };
      visit(g.coordinates);
      if (!(x0 < x1 && y0 < y1)) throw new ArgumentError(`features[${i}].geometry`, 'a polygon with a positive area', g.coordinates);
      b.minx[i] = x0;
      b.miny[i] = y0;
      b.maxx[i] = x1;
      b.maxy[i] = y1;
      for (const [k, v] of Object.entries(f.properties ?? {})) cols[k][i] = typeof v === 'number' || typeof v === 'string' ? v : v == null ? null : JSON.stringify(v);
    });
    return new SampleSet(b, options.crs ?? null, normalizeColumns(cols));
  }

  get length(): number {
    return this.minx.length;
  }

  bounds(i: number): Bounds {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new ArgumentError('index', `an integer from 0 to ${this.length - 1}`, i);
    return [this.minx[i], this.miny[i], this.maxx[i], this.maxy[i]];
  }

  /** [minx, miny, maxx, maxy] of all boxes. */
  get totalBounds(): Bounds {
    if (this.length === 0) return [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
    return [min(this.minx), min(this.miny), max(this.maxx), max(this.maxy)];
  }

  /** Keras Spatial's `sample_size`: mean box [width, height] in CRS units. */
  get sampleSize(): [number, number] {
    let w = 0;
    let h = 0;
    for (let i = 0; i < this.length; i++) {
      w += this.maxx[i] - this.minx[i];
      h += this.maxy[i] - this.miny[i];
    }
    return [w / this.length, h / this.length];
  }

  get columnNames(): string[] {
    return [...this.cols.keys()];
  }

  column(name: string): Column {
    const c = this.cols.get(name);
    if (!c) throw new ArgumentError('column', `one of ${this.columnNames.join(', ') || '(no columns)'}`, name);
    return c;
  }

  hasColumn(name: string): boolean {
    return this.cols.has(name);
  }

  /** A new set with the column added or replaced. */
  withColumn(name: string, values: Column | ArrayLike<number>): SampleSet {
    const col: Column = Array.isArray(values) || values instanceof Float64Array ? (values as Column) : Float64Array.from(values as ArrayLike<number>);
    const map = new Map(this.cols);
    map.set(name, col);
    return new SampleSet(this.boxes(), this.crs, map);
  }

  /**
   * A new set with the same boxes in a new CRS label (no reprojection).
   * @deprecated Relabelling boxes without reprojecting them is rarely right: use `toCrs` (reprojects) or `SampleSet.fromBounds(bounds, crs)`. Goes in the next release.
   */
  withCrs(crs: string | null): SampleSet {
    return new SampleSet(this.boxes(), crs, this.cols);
  }

  /** The rows at `indices`, in that order. */
  select(indices: ArrayLike<number>): SampleSet {
    const n = indices.length;
    const b = allocBoxes(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      if (!(i >= 0 && i < this.length)) throw new ArgumentError('indices', `row numbers from 0 to ${this.length - 1}`, i);
      b.minx[k] = this.minx[i];
      b.miny[k] = this.miny[i];
      b.maxx[k] = this.maxx[i];
      b.maxy[k] = this.maxy[i];
    }
    const map = new Map<string, Column>();
    for (const [name, col] of this.cols) {
      map.set(name, col instanceof Float64Array ? Float64Array.from({ length: n }, (_, k) => col[indices[k]]) : Array.from({ length: n }, (_, k) => col[indices[k]]));
    }
    return new SampleSet(b, this.crs, map);
  }

  /** The first `n` rows. */
  take(n: number): SampleSet {
    return this.select(range(Math.max(0, Math.min(n, this.length))));
  }

  /** Rows for which `predicate(sample)` is true. */
  filter(predicate: (sample: Sample) => boolean): SampleSet {
    const keep: number[] = [];
    for (const s of this) if (predicate(s)) keep.push(s.index);
    return this.select(keep);
  }

  /** Row `i` with its properties. */
  get(i: number): Sample {
    const properties: Record<string, ColumnValue> = {};
    for (const [name, col] of this.cols) properties[name] = col[i];
    return { index: i, bounds: this.bounds(i), properties };
  }

  *[Symbol.iterator](): Iterator<Sample> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** The boxes as a GeoJSON FeatureCollection of polygons, with the columns as properties. */
  toGeoJSON(): { type: 'FeatureCollection'; features: GeoJsonPolygonFeature[] } {
    const features: GeoJsonPolygonFeature[] = [];
    for (const s of this) {
      const [x0, y0, x1, y1] = s.bounds;
      features.push({
        type: 'Feature',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        },
        properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, typeof v === 'number' && Number.isNaN(v) ? null : v])),
      });
    }
    return { type: 'FeatureCollection', features };
  }

  /** Rows whose `column` value satisfies `predicate`. */
  where(column: string, predicate: (value: ColumnValue) => boolean): SampleSet {
    const col = this.column(column);
    const keep: number[] = [];
    for (let i = 0; i < this.length; i++) if (predicate(col[i])) keep.push(i);
    return this.select(keep);
  }

  /**
   * Boxes that intersect the mask (Keras Spatial's `mask_samples`, non-strict): GeoJSON polygons or a
   * Footprint, reprojected to this set's CRS.
   */
  intersects(mask: unknown, options: { crs?: string } = {}): SampleSet {
    const c = classify(this, { geojson: mask, crs: options.crs });
    return this.select(indicesWhere(c, (v) => v > 0));
  }

  /** Boxes wholly within the mask (Keras Spatial's `mask_samples`, strict). */
  within(mask: unknown, options: { crs?: string } = {}): SampleSet {
    const c = classify(this, { geojson: mask, crs: options.crs });
    return this.select(indicesWhere(c, (v) => v === 2));
  }

  /**
   * Each box's valid fraction (0 to 1) in a footprint (`await sdg.footprint()`), e.g.
   * `s.withColumn('valid', s.validFraction(fp)).where('valid', (v) => v >= 0.9)`.
   */
  validFraction(footprint: Footprint): Float64Array {
    return validFractions(this, footprint);
  }

  /**
   * New boxes from these: shifted (`jitter`, map units), rescaled (`scale`: [min, max]) and turned
   * (`rotate`: degrees, a `rotation` column read through a rotated grid), `copies` per box,
   * reproducible from `seed`; columns kept, `source` = the row each came from.
   */
  augment(options: BoxAugment): SampleSet {
    return augmentBoxes(this, options);
  }

  /** The boxes reprojected to `crs` (envelopes of densified edges); columns kept. */
  toCrs(crs: string, densify = 21): SampleSet {
    return toCrs(this, crs, densify);
  }

  /** `n` distinct random rows (seeded); with `weights`, drawn with replacement proportionally. */
  sample(n: number, options: { seed?: number | string; weights?: ArrayLike<number> | string } = {}): SampleSet {
    const w = typeof options.weights === 'string' ? (this.column(options.weights) as Float64Array) : options.weights;
    return sampleRows(this, n, options.seed, w);
  }

  concat(other: SampleSet): SampleSet {
    return concat(this, other);
  }

  /** Whole blocks of space to train/validation/test: parts never overlap. */
  spatialSplit(options: SpatialSplitOptions): SpatialSplit {
    return spatialSplit(this, options);
  }

  /** Parts in time, earlier first (train before validation), from the time_start / time_end columns. */
  temporalSplit(options: TemporalSplitOptions): SpatialSplit {
    return temporalSplit(this, options);
  }

  /** A deterministic, disjoint slice for data-parallel worker `index` of `count`. */
  shard(count: number, index: number): SampleSet {
    return shard(this, count, index);
  }

  /** Class balance on a column: undersample, oversample or a weight column. */
  balance(column: string, options: BalanceOptions = {}): SampleSet {
    return balance(this, column, options);
  }

  boxes(): Boxes {
    return { minx: this.minx, miny: this.miny, maxx: this.maxx, maxy: this.maxy };
  }

  toString(): string {
    return `SampleSet(${this.length} samples${this.crs ? ` in ${this.crs.length > 30 ? `${this.crs.slice(0, 27)}...` : this.crs}` : ''}${this.cols.size ? `; columns ${this.columnNames.join(', ')}` : ''})`;
  }
}

function min(a: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}
function max(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}
/** Columns of only numbers (or nulls) become Float64Arrays (null → NaN); others stay lists. */
export function normalizeColumns(cols: Record<string, ColumnValue[]>): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const [k, vals] of Object.entries(cols)) {
    out[k] = vals.every((v) => typeof v === 'number' || v === null) ? Float64Array.from(vals, (v) => (v === null ? Number.NaN : (v as number))) : vals;
  }
  return out;
}

function indicesWhere(a: Uint8Array, f: (v: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (f(a[i])) out.push(i);
  return out;
}

function range(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
