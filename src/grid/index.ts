/**
 * Sample grids as columnar boxes, pure TypeScript (no engine, no I/O), with Keras Spatial's exact
 * semantics. The sample-space layer wraps these into SampleSets.
 */
import { numpyRng } from '../core/numpy-rng.js';
import type { Bounds } from '../core/box.js';
import { ArgumentError } from '../core/errors.js';
import { createRng } from '../core/rng.js';

export { createRng, permutation, type Rng } from '../core/rng.js';

/** Boxes stored column by column. */
export interface Boxes {
  minx: Float64Array;
  miny: Float64Array;
  maxx: Float64Array;
  maxy: Float64Array;
}

export function allocBoxes(n: number): Boxes {
  return { minx: new Float64Array(n), miny: new Float64Array(n), maxx: new Float64Array(n), maxy: new Float64Array(n) };
}

/** numpy.linspace(start, stop, num) with numpy's arithmetic (i*step + start, last = stop). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** Python's float `a // b` (as numpy computes the grid count), exact where it differs from floor(a / b). */
export function floorDiv(a: number, b: number): number {
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod && b < 0 !== mod < 0) div -= 1;
  let q = Math.floor(div);
  if (div - q > 0.5) q += 1;
  return q;
}

function checkExtent(name: string, e: unknown): Bounds {
  if (!Array.isArray(e) && !ArrayBuffer.isView(e)) throw new ArgumentError(name, '[minx, miny, maxx, maxy]', e);
  const a = Array.from(e as ArrayLike<number>);
  if (a.length !== 4 || a.some((v) => typeof v !== 'number' || !Number.isFinite(v)) || !(a[0] < a[2]) || !(a[1] < a[3])) {
    throw new ArgumentError(name, 'finite [minx, miny, maxx, maxy] with minx < maxx and miny < maxy', e);
  }
  return a as unknown as Bounds;
}

function checkPositive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ArgumentError(name, 'a positive, finite size in map units', v);
  return v;
}

/**
 * Keras Spatial's `regular_grid`: per axis `max(1, floor(extent / (size - size*overlap)))` samples
 * whose origins are `linspace(min, max - size)`, so the first and last samples touch the extent's
 * edges; rows from the bottom (min y) up, x fastest.
 */
export function regularGridBoxes(extent: Bounds, width: number, height: number, overlap = 0): Boxes {
  const [xmin, ymin, xmax, ymax] = checkExtent('bounds', extent);
  checkPositive('width', width);
  checkPositive('height', height);
  if (typeof overlap !== 'number' || !(overlap >= 0 && overlap < 1)) throw new ArgumentError('overlap', 'a fraction in [0, 1)', overlap);
  const nx = Math.max(1, floorDiv(xmax - xmin, width - width * overlap));
  const ny = Math.max(1, floorDiv(ymax - ymin, height - height * overlap));
  if (nx * ny > 50_000_000) throw new ArgumentError('width/height', `sizes giving at most 50,000,000 samples (these give ${nx} x ${ny})`, [width, height]);
  const xs = linspace(xmin, xmax - width, nx);
  const ys = linspace(ymin, ymax - height, ny);
  const b = allocBoxes(nx * ny);
  let k = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++, k++) {
      b.minx[k] = xs[i];
      b.miny[k] = ys[j];
      b.maxx[k] = xs[i] + width;
      b.maxy[k] = ys[j] + height;
    }
  }
  return b;
}

/** Keras Spatial's `random_grid`, seeded: `count` boxes of the given size fully inside the extent. */
export function randomGridBoxes(extent: Bounds, width: number, height: number, count: number, seed: number | string = 0, rngKind: 'geotensor' | 'numpy' = 'geotensor'): Boxes {
  const [xmin, ymin, xmax, ymax] = checkExtent('bounds', extent);
  checkPositive('width', width);
  checkPositive('height', height);
  if (!Number.isInteger(count) || count < 0 || count > 50_000_000) throw new ArgumentError('count', 'an integer from 0 to 50,000,000', count);
  if (width > xmax - xmin || height > ymax - ymin) {
    throw new ArgumentError('width/height', `a sample size that fits inside the extent (${xmax - xmin} x ${ymax - ymin})`, [width, height]);
  }
  if (rngKind !== 'geotensor' && rngKind !== 'numpy') throw new ArgumentError('rng', "'geotensor' or 'numpy'", rngKind);
  if (rngKind === 'numpy' && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) < 2 ** 32)) {
    throw new ArgumentError('seed', "an integer from 0 to 2^32 - 1 with rng 'numpy' (as np.random.seed takes)", seed);
  }
  const b = allocBoxes(count);
  if (rngKind === 'numpy') {
    // Keras Spatial: x = np.random.rand(count) * (xmax - xmin - xsize) + xmin, then y the same way.
    const rng = numpyRng(seed as number);
    for (let k = 0; k < count; k++) b.minx[k] = rng.next() * (xmax - xmin - width) + xmin;
    for (let k = 0; k < count; k++) b.miny[k] = rng.next() * (ymax - ymin - height) + ymin;
    for (let k = 0; k < count; k++) {
      b.maxx[k] = b.minx[k] + width;
      b.maxy[k] = b.miny[k] + height;
    }
    return b;
  }
  const rng = createRng(seed);
  for (let k = 0; k < count; k++) {
    const x = rng.next() * (xmax - xmin - width) + xmin;
    const y = rng.next() * (ymax - ymin - height) + ymin;
    b.minx[k] = x;
    b.miny[k] = y;
    b.maxx[k] = x + width;
    b.maxy[k] = y + height;
  }
  return b;
}
