/**
 * `samples.augment({ jitter, scale, rotate, copies, seed })`: new boxes made from each box, in map
 * units and reproducible from the seed — shifted, rescaled about their centre and turned (a
 * `rotation` column in degrees counter-clockwise, which flows read through a rotated grid warped by
 * GDAL, never by resampling the array again). Columns are kept; `source` gives each new row's row.
 */
import { ArgumentError } from '../core/errors.js';
import { allocBoxes, createRng } from '../grid/index.js';
import { SampleSet, type Column } from './sample-set.js';

export interface BoxAugment {
  /** Shift of the centre, uniform in [-jitter, jitter] on each axis (map units). */
  jitter?: number;
  /** Size factor, log-uniform in [min, max] (e.g. [0.8, 1.25]), the same for width and height. */
  scale?: [number, number];
  /** Turn, uniform in [-rotate, rotate] degrees, added to the `rotation` column. */
  rotate?: number;
  /** New boxes per box (default 1). */
  copies?: number;
  seed?: number | string;
}

export function augmentBoxes(s: SampleSet, options: BoxAugment): SampleSet {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('augment', 'an object { jitter?, scale?, rotate?, copies?, seed? }', options);
  for (const k of Object.keys(options)) {
    if (!['jitter', 'scale', 'rotate', 'copies', 'seed'].includes(k)) {
      throw new ArgumentError(`augment.${k}`, 'one of jitter, scale, rotate, copies, seed (flips and quarter turns are the flow option augment)', k);
    }
  }
  const jitter = options.jitter ?? 0;
  if (typeof jitter !== 'number' || !(jitter >= 0) || !Number.isFinite(jitter)) throw new ArgumentError('augment.jitter', 'a distance ≥ 0 in map units', jitter);
  const scale = options.scale ?? [1, 1];
  if (!Array.isArray(scale) || scale.length !== 2 || !scale.every((v) => typeof v === 'number' && v > 0 && Number.isFinite(v)) || scale[0] > scale[1]) {
    throw new ArgumentError('augment.scale', '[min, max] size factors with 0 < min ≤ max', scale);
  }
  const rotate = options.rotate ?? 0;
  if (typeof rotate !== 'number' || !(rotate >= 0 && rotate <= 180)) throw new ArgumentError('augment.rotate', 'an angle from 0 to 180 degrees', rotate);
  const copies = options.copies ?? 1;
  if (!Number.isInteger(copies) || copies < 1 || copies * s.length > 50_000_000)
    throw new ArgumentError('augment.copies', 'an integer ≥ 1 (at most 50,000,000 boxes in all)', copies);
  const rng = createRng(options.seed ?? 0);
  const n = s.length * copies;
  const b = allocBoxes(n);
  const source = new Float64Array(n);
  const turns = new Float64Array(n);
  const had = s.hasColumn('rotation') ? (s.column('rotation') as Float64Array) : null;
  const [l0, l1] = [Math.log(scale[0]), Math.log(scale[1])];
  for (let c = 0, k = 0; c < copies; c++) {
    for (let i = 0; i < s.length; i++, k++) {
      const dx = (2 * rng.next() - 1) * jitter;
      const dy = (2 * rng.next() - 1) * jitter;
      const f = Math.exp(l0 + rng.next() * (l1 - l0));
      const a = (2 * rng.next() - 1) * rotate;
      const cx = (s.minx[i] + s.maxx[i]) / 2 + dx;
      const cy = (s.miny[i] + s.maxy[i]) / 2 + dy;
      const hw = ((s.maxx[i] - s.minx[i]) / 2) * f;
      const hh = ((s.maxy[i] - s.miny[i]) / 2) * f;
      b.minx[k] = cx - hw;
      b.maxx[k] = cx + hw;
      b.miny[k] = cy - hh;
      b.maxy[k] = cy + hh;
      source[k] = i;
      const prev = had ? had[i] : 0;
      turns[k] = (Number.isNaN(prev) ? 0 : prev) + a;
    }
  }
  const cols = new Map<string, Column>();
  for (const name of s.columnNames) {
    if (name === 'rotation' || name === 'source') continue;
    const col = s.column(name);
    cols.set(name, col instanceof Float64Array ? Float64Array.from({ length: n }, (_, k) => col[source[k]]) : Array.from({ length: n }, (_, k) => col[source[k]]));
  }
  cols.set('source', source);
  if (rotate > 0 || had) cols.set('rotation', turns);
  return new SampleSet(b, s.crs, cols);
}

/** A row's `rotation` column (degrees counter-clockwise; samples.augment({ rotate }) writes it), 0 where absent or NaN. */
export function rotationOf(samples: SampleSet, index: number): number {
  if (!samples.hasColumn('rotation')) return 0;
  const v = samples.column('rotation')[index];
  return typeof v === 'number' && Number.isNaN(v) ? 0 : (v as number);
}
