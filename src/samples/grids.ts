/** Grids as SampleSets (the pure box generators live in src/grid). */
import { ArgumentError, CrsError } from '../core/errors.js';
import { instant } from '../core/instant.js';
import { createRng } from '../core/rng.js';
import { sameCrs } from '../crs/index.js';
import type { Footprint } from '../grid/footprint.js';
import { randomValidBoxes } from '../grid/random-valid.js';
import type { Bounds } from '../core/box.js';
import { randomGridBoxes, regularGridBoxes } from '../grid/index.js';
import { SampleSet } from './sample-set.js';

export interface RegularGridOptions {
  /** Fraction of overlap between neighbouring samples, in [0, 1). */
  overlap?: number;
  /** CRS of the extent and of the samples. */
  crs?: string | null;
}

export interface RandomGridOptions {
  crs?: string | null;
  /** Seed of the random generator (default 0): the same seed gives the same boxes everywhere. */
  seed?: number | string;
  /**
   * 'geotensor' (default, any seed) or 'numpy': numpy's legacy generator, so that `seed: n` gives the
   * boxes Keras Spatial's `random_grid` gives after `np.random.seed(n)`.
   */
  rng?: 'geotensor' | 'numpy';
  /**
   * Only boxes whose valid fraction in `footprint` is at least this (in [0, 1]): rejection sampling,
   * deterministic for a seed. Needs `footprint` (a generator passes its own).
   */
  minValid?: number;
  /** The valid-data footprint `minValid` is measured against (from `await sdg.footprint()`), in the boxes' CRS. */
  footprint?: Footprint;
  /**
   * Draw in time too: each sample gets an interval of `timeSpan` days at a random start in
   * [start, end − timeSpan] (ISO text, Dates or milliseconds), as `time_start` / `time_end` columns
   * (ISO 8601) that a STAC source with `time` reads dates within. The boxes are those without it.
   */
  time?: [string | number | Date, string | number | Date];
  /** Length of each sample's interval in days (default 30, at most the window). */
  timeSpan?: number;
}

/** Keras Spatial's `regular_grid` over an extent; sizes in the extent's units. */
export function regularGrid(bounds: Bounds | number[], width: number, height: number, options: RegularGridOptions = {}): SampleSet {
  noMask(options);
  return new SampleSet(regularGridBoxes(bounds as Bounds, width, height, options.overlap ?? 0), options.crs ?? null);
}

/** Keras Spatial's `random_grid`, deterministic for a seed; boxes fully inside the extent. */
export function randomGrid(bounds: Bounds | number[], width: number, height: number, count: number, options: RandomGridOptions = {}): SampleSet {
  noMask(options);
  const set = randomBoxes(bounds, width, height, count, options);
  return options.time === undefined ? set : withTimes(set, options.time, options.timeSpan ?? 30, options.seed ?? 0);
}

function randomBoxes(bounds: Bounds | number[], width: number, height: number, count: number, options: RandomGridOptions): SampleSet {
  const boxes = randomGridBoxes(bounds as Bounds, width, height, options.minValid === undefined ? count : 0, options.seed ?? 0, options.rng);
  if (options.minValid === undefined) return new SampleSet(boxes, options.crs ?? null);
  const fp = options.footprint;
  if (!fp || typeof fp.fractionOf !== 'function') throw new ArgumentError('footprint', 'a Footprint (from await sdg.footprint()) to measure minValid against', fp);
  if (options.rng === 'numpy') throw new ArgumentError('rng', "'geotensor' with minValid (numpy's order of draws cannot reject boxes)", options.rng);
  const crs = options.crs ?? fp.crs;
  if (crs && fp.crs && !sameCrs(crs, fp.crs)) {
    throw new CrsError('CRS_INVALID', `the footprint is in ${fp.crs} and the boxes in ${crs}: compute the footprint in the boxes' CRS`, { input: 'footprint.crs' });
  }
  return new SampleSet(randomValidBoxes(bounds as Bounds, width, height, count, fp, options.minValid, options.seed ?? 0), crs ?? null);
}

const DAY = 86_400_000;

/** Seeded intervals of `spanDays` in the window, one per sample, as time_start / time_end columns. */
function withTimes(set: SampleSet, window: [unknown, unknown], spanDays: number, seed: number | string): SampleSet {
  const [t0, t1] = Array.isArray(window) && window.length === 2 ? [instant(window[0]), instant(window[1])] : [Number.NaN, Number.NaN];
  if (!(t0 <= t1)) throw new ArgumentError('time', '[start, end]: ISO dates, Dates or milliseconds, start before end', window);
  const span = spanDays * DAY;
  if (!(span >= 0) || span > t1 - t0) throw new ArgumentError('timeSpan', `days from 0 to the window's ${((t1 - t0) / DAY).toFixed(1)}`, spanDays);
  const rng = createRng(`${seed}:time`); // apart from the boxes' draws: the same boxes with or without time
  const starts = Array.from({ length: set.length }, () => t0 + Math.floor(rng.next() * (t1 - t0 - span + 1)));
  return set
    .withColumn(
      'time_start',
      starts.map((t) => new Date(t).toISOString()),
    )
    .withColumn(
      'time_end',
      starts.map((t) => new Date(t + span).toISOString()),
    );
}

/** Keras Spatial's `mask=` argument of the grids (which raised there): here a sample set operation. */
function noMask(options: object): void {
  if (options && 'mask' in options)
    throw new ArgumentError('mask', 'a sample set operation: regularGrid(…).intersects(mask) or .within(mask)', (options as { mask: unknown }).mask);
}
