/** Grids as SampleSets (the pure box generators live in src/grid). */
import { ArgumentError } from '../core/errors.js';
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
}

/** Keras Spatial's `regular_grid` over an extent; sizes in the extent's units. */
export function regularGrid(bounds: Bounds | number[], width: number, height: number, options: RegularGridOptions = {}): SampleSet {
  noMask(options);
  return new SampleSet(regularGridBoxes(bounds as Bounds, width, height, options.overlap ?? 0), options.crs ?? null);
}

/** Keras Spatial's `random_grid`, deterministic for a seed; boxes fully inside the extent. */
export function randomGrid(bounds: Bounds | number[], width: number, height: number, count: number, options: RandomGridOptions = {}): SampleSet {
  noMask(options);
  return new SampleSet(randomGridBoxes(bounds as Bounds, width, height, count, options.seed ?? 0, options.rng), options.crs ?? null);
}

/** Keras Spatial's `mask=` argument of the grids (which raised there): here a sample set operation. */
function noMask(options: object): void {
  if (options && 'mask' in options)
    throw new ArgumentError('mask', 'a sample set operation: regularGrid(…).intersects(mask) or .within(mask)', (options as { mask: unknown }).mask);
}
