/** Grids as SampleSets (the pure box generators live in src/grid). */
import { ArgumentError, CrsError } from '../core/errors.js';
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
}

/** Keras Spatial's `regular_grid` over an extent; sizes in the extent's units. */
export function regularGrid(bounds: Bounds | number[], width: number, height: number, options: RegularGridOptions = {}): SampleSet {
  noMask(options);
  return new SampleSet(regularGridBoxes(bounds as Bounds, width, height, options.overlap ?? 0), options.crs ?? null);
}

/** Keras Spatial's `random_grid`, deterministic for a seed; boxes fully inside the extent. */
export function randomGrid(bounds: Bounds | number[], width: number, height: number, count: number, options: RandomGridOptions = {}): SampleSet {
  noMask(options);
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

/** Keras Spatial's `mask=` argument of the grids (which raised there): here a sample set operation. */
function noMask(options: object): void {
  if (options && 'mask' in options)
    throw new ArgumentError('mask', 'a sample set operation: regularGrid(…).intersects(mask) or .within(mask)', (options as { mask: unknown }).mask);
}
