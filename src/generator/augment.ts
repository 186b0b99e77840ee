/**
 * The flow's `augment` option: a seeded orientation (flips, quarter turns) per sample row and epoch,
 * applied to the sample's array after the callbacks. The same seed gives the same orientation for a
 * row in every flow, so zipped sources stay aligned; batches record it in `batch.transforms`.
 */
import { ArgumentError } from '../core/errors.js';
import { sampleDims } from '../core/layout.js';
import { composeOrientation, MIRROR, orient, orientedSize, type Orientation } from '../core/orientation.js';
import { createRng } from '../grid/index.js';
import type { SampleArray } from './sample.js';

export interface Augment {
  /** Random left–right and top–bottom flips, each with probability ½. */
  flip?: boolean;
  /** A random number of quarter turns (0–3), for square samples. */
  rot90?: boolean;
  /** Seed of the draws (default 0): give zipped flows the same seed. */
  seed?: number | string;
}

/** The orientation of each row per epoch, or null when the option asks for none. */
export function augmenter(a: Augment | undefined, width: number, height: number): ((row: number, epoch: number) => Orientation) | null {
  if (a === undefined) return null;
  if (typeof a !== 'object' || a === null) throw new ArgumentError('augment', 'an object { flip?, rot90?, seed? }', a);
  for (const k of Object.keys(a)) {
    if (!['flip', 'rot90', 'seed'].includes(k)) {
      throw new ArgumentError(`augment.${k}`, 'one of flip, rot90, seed (jitter, scale and rotate make new boxes: samples.augment(...))', k);
    }
  }
  if (a.flip !== undefined && typeof a.flip !== 'boolean') throw new ArgumentError('augment.flip', 'true or false', a.flip);
  if (a.rot90 !== undefined && typeof a.rot90 !== 'boolean') throw new ArgumentError('augment.rot90', 'true or false', a.rot90);
  if (a.seed !== undefined && typeof a.seed !== 'number' && typeof a.seed !== 'string') throw new ArgumentError('augment.seed', 'a number or a string', a.seed);
  if (a.rot90 && width !== height) throw new ArgumentError('augment.rot90', `square samples (a quarter turn of ${width}x${height} is ${height}x${width})`, [width, height]);
  if (!a.flip && !a.rot90) return null;
  const seed = a.seed ?? 0;
  return (row, epoch) => {
    const rng = createRng(`augment:${seed}:${epoch}:${row}`);
    let o = 0;
    if (a.flip && rng.next() < 0.5) o = MIRROR; // left–right
    if (a.flip && rng.next() < 0.5) o = composeOrientation(o, 2 | MIRROR); // top–bottom
    if (a.rot90) o = composeOrientation(o, Math.floor(rng.next() * 4));
    return o;
  };
}

/** The sample in orientation `o` (its shape's h and w swapped by a quarter turn). */
export function orientSample(s: SampleArray, o: Orientation): SampleArray {
  if (o === 0) return s;
  const layout = s.layout ?? 'pixel';
  const d = sampleDims(s.shape.slice(1), layout);
  const [h, w] = orientedSize(d.h, d.w, o);
  const shape = layout === 'squeezed' ? [1, h, w] : layout === 'band' ? [1, d.c, h, w] : [1, h, w, d.c];
  return { ...s, data: orient(s.data, d.h, d.w, d.c, layout, o), shape };
}
