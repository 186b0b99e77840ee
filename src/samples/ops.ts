/** Sample-set operations that need more than the table: reprojection, point grids, splits, shards, balance. */
import { ArgumentError } from '../core/errors.js';
import { sameCrs, transformBounds } from '../crs/index.js';
import type { Footprint } from '../grid/footprint.js';
import { allocBoxes, createRng, permutation } from '../grid/index.js';
import { normalizeColumns, SampleSet, type Column, type ColumnValue } from './sample-set.js';

/** Reprojects the boxes: each becomes the envelope of its densified edges in `crs`. */
export function toCrs(s: SampleSet, crs: string, densify = 21): SampleSet {
  if (!s.crs) throw new ArgumentError('samples.crs', 'a CRS on the sample set to reproject from', s.crs);
  const b = allocBoxes(s.length);
  for (let i = 0; i < s.length; i++) {
    [b.minx[i], b.miny[i], b.maxx[i], b.maxy[i]] = transformBounds(s.bounds(i), s.crs, crs, densify);
  }
  return new SampleSet(b, crs, columnsOf(s));
}

/** Each box's valid fraction in a footprint; boxes in another CRS are measured as their envelopes there. */
export function validFractions(s: SampleSet, fp: Footprint): Float64Array {
  if (!fp || typeof fp.fractionOf !== 'function') throw new ArgumentError('footprint', 'a Footprint (from await sdg.footprint())', fp);
  const there = fp.crs && s.crs && !sameCrs(s.crs, fp.crs) ? toCrs(s, fp.crs) : s;
  const out = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = fp.fractionOf(there.minx[i], there.miny[i], there.maxx[i], there.maxy[i]);
  return out;
}

/** Boxes of width×height (CRS units) centred on points; the points' properties become columns. */
export function pointGrid(points: unknown, width: number, height: number, options: { crs?: string | null } = {}): SampleSet {
  if (!(width > 0) || !(height > 0)) throw new ArgumentError('width/height', 'positive sizes in CRS units', [width, height]);
  const feats = pointFeatures(points);
  const b = allocBoxes(feats.length);
  const names = new Set<string>();
  feats.forEach((f) => Object.keys(f.properties).forEach((k) => names.add(k)));
  const cols: Record<string, ColumnValue[]> = {};
  for (const k of names) cols[k] = new Array(feats.length).fill(null);
  feats.forEach((f, i) => {
    const [x, y] = f.xy;
    b.minx[i] = x - width / 2;
    b.maxx[i] = x + width / 2;
    b.miny[i] = y - height / 2;
    b.maxy[i] = y + height / 2;
    for (const [k, v] of Object.entries(f.properties)) cols[k][i] = typeof v === 'number' || typeof v === 'string' ? v : v == null ? null : JSON.stringify(v);
  });
  return new SampleSet(b, options.crs ?? null, normalizeColumns(cols));
}

function pointFeatures(points: unknown): { xy: [number, number]; properties: Record<string, unknown> }[] {
  if (Array.isArray(points)) {
    return points.map((p, i) => {
      if (!Array.isArray(p) || p.length < 2 || !p.slice(0, 2).every(Number.isFinite)) throw new ArgumentError(`points[${i}]`, '[x, y]', p);
      return { xy: [p[0], p[1]] as [number, number], properties: {} };
    });
  }
  const fc = points as { type?: string; features?: { geometry?: { type: string; coordinates: number[] }; properties?: Record<string, unknown> }[] };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new ArgumentError('points', 'a GeoJSON FeatureCollection of points or a list of [x, y]', points);
  return fc.features.map((f, i) => {
    if (f.geometry?.type !== 'Point') throw new ArgumentError(`points.features[${i}].geometry`, 'a Point', f.geometry?.type);
    return { xy: [f.geometry.coordinates[0], f.geometry.coordinates[1]], properties: f.properties ?? {} };
  });
}

export function columnsOf(s: SampleSet): Map<string, Column> {
  return new Map(s.columnNames.map((n) => [n, s.column(n)]));
}

/** `n` distinct rows drawn at random (all rows, shuffled, when n >= length); reproducible from `seed`. */
export function sampleRows(s: SampleSet, n: number, seed: number | string = 0, weights?: ArrayLike<number>): SampleSet {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError('n', 'a non-negative integer', n);
  const rng = createRng(seed);
  if (!weights) return s.select(permutation(s.length, rng).subarray(0, Math.min(n, s.length)));
  return s.select(weightedDraw(weights, n, rng));
}

/** Rows drawn with replacement with probability proportional to `weights`. */
export function weightedDraw(weights: ArrayLike<number>, n: number, rng: ReturnType<typeof createRng>): Int32Array {
  const cum = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new ArgumentError(`weights[${i}]`, 'a finite, non-negative weight', w);
    total += w;
    cum[i] = total;
  }
  if (!(total > 0)) throw new ArgumentError('weights', 'at least one positive weight', total);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = rng.next() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    out[k] = lo;
  }
  return out;
}

/** Rows of `a` then rows of `b` (same CRS); columns missing on one side are filled with NaN / null. */
export function concat(a: SampleSet, b: SampleSet): SampleSet {
  if (a.crs !== b.crs) throw new ArgumentError('concat', `sample sets in the same CRS (reproject one with toCrs)`, [a.crs, b.crs]);
  const n = a.length + b.length;
  const box = allocBoxes(n);
  for (const k of ['minx', 'miny', 'maxx', 'maxy'] as const) {
    box[k].set(a[k], 0);
    box[k].set(b[k], a.length);
  }
  const names = new Set([...a.columnNames, ...b.columnNames]);
  const cols = new Map<string, Column>();
  for (const name of names) {
    const ca = a.hasColumn(name) ? a.column(name) : null;
    const cb = b.hasColumn(name) ? b.column(name) : null;
    const numeric = (!ca || ca instanceof Float64Array) && (!cb || cb instanceof Float64Array);
    if (numeric) {
      const col = new Float64Array(n).fill(Number.NaN);
      if (ca) col.set(ca as Float64Array, 0);
      if (cb) col.set(cb as Float64Array, a.length);
      cols.set(name, col);
    } else {
      cols.set(name, [
        ...(ca ? Array.from(ca as ArrayLike<ColumnValue>) : new Array(a.length).fill(null)),
        ...(cb ? Array.from(cb as ArrayLike<ColumnValue>) : new Array(b.length).fill(null)),
      ]);
    }
  }
  return new SampleSet(box, a.crs, cols);
}
