/**
 * Keras Spatial's arguments given where they do not belong here (batch_size to the constructor, a
 * mask to the grids): an ArgumentError saying where each goes, never silently dropped.
 */
import { ArgumentError } from '../core/errors.js';

/** Keras Spatial arguments that belong elsewhere here: an ArgumentError saying where, never silently dropped. */
export const OPEN_MOVED: Record<string, string> = {
  batchSize: 'the flow option: sdg.flow(samples, width, height, { batchSize })',
  batch_size: 'the flow option: sdg.flow(samples, width, height, { batchSize })',
  preprocess: "a callback: sdg.addPreprocessCallback('name', fn, ...args)",
  callbacks: "a callback: sdg.addPreprocessCallback('name', fn, ...args)",
};
export const MASK_MOVED = 'true or false (a validity layer); a mask of polygons is a sample set operation: sdg.regularGrid(w, h).intersects(mask) or .within(mask)';
export const GRID_MOVED: Record<string, string> = {
  mask: 'a sample set operation: sdg.regularGrid(w, h).intersects(mask) or .within(mask)',
  crs: 'the generator option: SpatialDataGenerator.open(src, { crs }) (grids are in the generator CRS)',
  batchSize: 'the flow option: sdg.flow(samples, width, height, { batchSize })',
};

export function refuseKerasForms(options: Record<string, unknown> | null | undefined, moved: Record<string, string>): void {
  for (const k of Object.keys(options ?? {})) if (k in moved) throw new ArgumentError(k, moved[k], options![k]);
}
