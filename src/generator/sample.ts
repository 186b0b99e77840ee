/** One sample and one batch as flows yield them; stacking samples into a batch. Layout: core/layout.ts. */
import type { Bounds } from '../core/box.js';
import { SampleError } from '../core/errors.js';
import { type Layout, offset, product, sampleDims } from '../core/layout.js';
import { type DataType, dtypeOf, type PixelArray, typedArrayFor } from '../core/pixels.js';

export type { Interleave, Layout } from '../core/layout.js';

/** A sample as preprocess callbacks see it: shape [1, h, w, c] ('pixel'), [1, c, h, w] ('band') or [1, h, w] (single band index). */
export interface SampleArray {
  data: PixelArray;
  shape: number[];
  /** The sample's box and its CRS (given to callbacks, e.g. to know the pixel size). */
  bounds?: Bounds;
  crs?: string;
  /** How its layers are laid out ('pixel' [1, h, w, c], 'band' [1, c, h, w], 'squeezed' [1, h, w]); given to callbacks. */
  layout?: Layout;
  /** With a time axis ([1, steps, ...]): each step's date (ISO 8601), null for a padded step. */
  times?: (string | null)[];
}

/** A batch of samples: data of length product(shape); `indices` are the SampleSet rows in it, in order. */
export interface Batch {
  data: PixelArray;
  shape: number[];
  dtype: DataType;
  indices: Int32Array;
  /** 'pixel': [b, h, w, c]; 'band': [b, c, h, w]; 'squeezed': [b, h, w] (a single band index). */
  layout: Layout;
  /** Rows that failed and were left out (flow option onError: 'skip'). */
  skipped?: Int32Array;
  /** Rows that failed and were filled with nodata (flow option onError: 'fill'). */
  filled?: Int32Array;
  /**
   * With the flow option `augment`: each sample's orientation, in order (0 = as read; see
   * core/orientation.ts: quarter turns counter-clockwise in bits 0–1 after a left–right mirror, bit 2).
   */
  transforms?: Uint8Array;
  /**
   * A source with a time axis (STAC with `time`): shape [b, steps, ...one step as `layout` says];
   * each sample's dates, step by step (null for a padded step, filled with nodata).
   */
  times?: (string | null)[][];
  /** [b × steps], row-major: 1 where the step has a date, 0 where it is padding. */
  timeMask?: Uint8Array;
}

/** Stacks samples of equal shape and type into one batch. */
export function stack(samples: SampleArray[], indices: Int32Array, layout: Layout): Batch {
  const first = samples[0];
  const per = product(first.shape);
  const dtype = dtypeOf(first.data);
  const out = typedArrayFor(dtype, per * samples.length);
  samples.forEach((s, k) => {
    if (product(s.shape) !== per || s.shape.length !== first.shape.length || s.shape.some((v, i) => v !== first.shape[i])) {
      throw new SampleError(
        'SAMPLE_FAILED',
        `sample ${indices[k]} has shape [${s.shape}] but sample ${indices[0]} has [${first.shape}]: every sample of a batch must have the same shape (check preprocess callbacks)`,
        { input: `sample ${indices[k]}` },
      );
    }
    if (dtypeOf(s.data) !== dtype) {
      throw new SampleError(
        'SAMPLE_FAILED',
        `sample ${indices[k]} is ${dtypeOf(s.data)} but sample ${indices[0]} is ${dtype}: every sample of a batch must have the same data type`,
        { input: `sample ${indices[k]}` },
      );
    }
    out.set(s.data as never, k * per);
  });
  const batch: Batch = { data: out, shape: [samples.length, ...first.shape.slice(1)], dtype, indices, layout };
  if (first.times) {
    const steps = first.times.length;
    batch.times = samples.map((s) => s.times ?? Array.from({ length: steps }, () => null));
    batch.timeMask = Uint8Array.from(batch.times.flat(), (t) => (t === null ? 0 : 1));
  }
  return batch;
}

/** Anything that yields batches: a flow, a zip of flows, `flowFromFiles`. */
export type FlowLike = AsyncIterable<Batch>;

/** A sample of `shape` and `dtype` filled with `nodata` (0 without), its validity layer (`mask`: the last) with 0. */
export function filledSample(shape: number[], dtype: DataType, nodata: number | null, mask: boolean, layout: Layout): SampleArray {
  const data = typedArrayFor(dtype, product(shape));
  data.fill(nodata ?? 0);
  if (mask) {
    const d = sampleDims(shape.slice(1), layout);
    for (let y = 0; y < d.h; y++) for (let x = 0; x < d.w; x++) data[offset({ ...d, n: 1 }, layout, 0, y, x, d.c - 1)] = 0;
  }
  return { data, shape };
}
