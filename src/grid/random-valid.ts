/**
 * Random boxes whose valid fraction (against a `Footprint`) is at least `minValid`: rejection
 * sampling with the seeded generator, each candidate drawn as `randomGridBoxes` draws its boxes, so
 * the same seed gives the same boxes everywhere. Before drawing, a lattice of candidate positions
 * (at the footprint's cell size) estimates the share of positions that qualify, which sets the
 * attempt cap; an impossible request fails after a short search with the best fraction found.
 */
import type { Bounds } from '../core/box.js';
import { ArgumentError, SampleError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { Footprint } from './footprint.js';
import { allocBoxes, type Boxes } from './index.js';

/** Lattice positions probed for feasibility at most (per axis the cell size, coarsened to fit). */
const PROBES = 1 << 20;

export function randomValidBoxes(extent: Bounds, width: number, height: number, count: number, fp: Footprint, minValid: number, seed: number | string = 0): Boxes {
  if (!Number.isInteger(count) || count < 0 || count > 50_000_000) throw new ArgumentError('count', 'an integer from 0 to 50,000,000', count);
  if (typeof minValid !== 'number' || !(minValid >= 0 && minValid <= 1)) throw new ArgumentError('minValid', 'a fraction in [0, 1]', minValid);
  const [xmin, ymin, xmax, ymax] = extent;
  const sx = xmax - xmin - width;
  const sy = ymax - ymin - height;
  const b = allocBoxes(count);
  if (count === 0) return b;
  const best = probe(xmin, ymin, sx, sy, width, height, fp, minValid);
  // Enough attempts for the acceptance rate the lattice saw, many times over; when no lattice
  // position qualified, a short search (a qualifying box may sit between lattice positions).
  const maxAttempts = best.hits === 0 ? 100_000 : Math.max(100_000, Math.ceil((200 * count) / best.rate));
  const rng = createRng(seed);
  let k = 0;
  let attempts = 0;
  while (k < count) {
    if (++attempts > maxAttempts) {
      if (k === 0) {
        throw new SampleError(
          'SAMPLE_FAILED',
          `no ${width} x ${height} box inside [${xmin}, ${ymin}, ${xmax}, ${ymax}] has a valid fraction of at least ${minValid} in the footprint (the best found has ${round(best.max)}): lower minValid or use smaller boxes`,
          { input: 'minValid', bounds: [xmin, ymin, xmax, ymax] },
        );
      }
      throw new SampleError(
        'SAMPLE_FAILED',
        `found ${k} of ${count} boxes with a valid fraction of at least ${minValid} after ${maxAttempts} draws (about ${round(100 * best.rate)}% of positions qualify): lower minValid or count`,
        { input: 'minValid' },
      );
    }
    const x = rng.next() * sx + xmin;
    const y = rng.next() * sy + ymin;
    const f = fp.fractionOf(x, y, x + width, y + height);
    if (f > best.max) best.max = f;
    if (f < minValid) continue;
    b.minx[k] = x;
    b.miny[k] = y;
    b.maxx[k] = x + width;
    b.maxy[k] = y + height;
    k++;
  }
  return b;
}

/** Qualifying lattice positions, the share of them, and the best fraction seen. */
function probe(xmin: number, ymin: number, sx: number, sy: number, w: number, h: number, fp: Footprint, minValid: number): { hits: number; rate: number; max: number } {
  const [rx, ry] = fp.resolution;
  let nx = Math.min(4096, Math.max(1, Math.ceil(sx / rx)) + 1);
  let ny = Math.min(4096, Math.max(1, Math.ceil(sy / ry)) + 1);
  while (nx * ny > PROBES) {
    nx = Math.ceil(nx / 2);
    ny = Math.ceil(ny / 2);
  }
  let hits = 0;
  let max = 0;
  for (let j = 0; j < ny; j++) {
    const y = ymin + (ny === 1 ? 0 : (sy * j) / (ny - 1));
    for (let i = 0; i < nx; i++) {
      const x = xmin + (nx === 1 ? 0 : (sx * i) / (nx - 1));
      const f = fp.fractionOf(x, y, x + w, y + h);
      if (f > max) max = f;
      if (f >= minValid) hits++;
    }
  }
  return { hits, rate: hits / (nx * ny), max };
}

const round = (v: number): string => String(Math.round(v * 1000) / 1000);
