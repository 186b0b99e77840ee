/** One sample's pixels in the generator's layout, and the conversions between layouts. */
import type { DataType, PixelArray } from '../engine/types.js';
import { typedArrayFor } from '../engine/types.js';
import { SampleError } from '../errors/index.js';

export type Interleave = 'pixel' | 'band';

/** A sample as preprocess callbacks see it: shape [1, h, w, c] ('pixel'), [1, c, h, w] ('band') or [1, h, w] (single band index). */
export interface SampleArray {
  data: PixelArray;
  shape: number[];
  /** The sample's box and its CRS (given to callbacks, e.g. to know the pixel size). */
  bounds?: readonly [number, number, number, number];
  crs?: string;
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
}

export type Layout = Interleave | 'squeezed';

/** Band-sequential [c, h, w] → the generator's layout. */
/** The shape of one sample of c layers: [1, h, w] (a single band index), [1, c, h, w] ('band') or [1, h, w, c] ('pixel'). */
export function sampleShape(c: number, h: number, w: number, interleave: Interleave, squeeze: boolean): number[] {
  return squeeze ? [1, h, w] : interleave === 'band' ? [1, c, h, w] : [1, h, w, c];
}

export function layout(data: PixelArray, c: number, h: number, w: number, interleave: Interleave, squeeze: boolean): SampleArray {
  const shape = sampleShape(c, h, w, interleave, squeeze);
  if (squeeze || interleave === 'band' || c === 1) return { data, shape };
  const out = typedArrayFor(dtypeOf(data), data.length);
  const hw = h * w;
  for (let b = 0; b < c; b++) {
    const base = b * hw;
    for (let p = 0; p < hw; p++) out[p * c + b] = data[base + p];
  }
  return { data: out, shape };
}

export function dtypeOf(a: PixelArray): DataType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Uint8Array) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint32Array) return 'uint32';
  return 'int32';
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Stacks samples of equal shape and type into one batch. */
export function stack(samples: SampleArray[], indices: Int32Array, layout: Layout): Batch {
  const first = samples[0];
  const per = product(first.shape);
  const dtype = dtypeOf(first.data);
  const out = typedArrayFor(dtype, per * samples.length);
  samples.forEach((s, k) => {
    if (product(s.shape) !== per || s.shape.length !== first.shape.length || s.shape.some((v, i) => v !== first.shape[i])) {
      throw new SampleError('SAMPLE_FAILED', `sample ${indices[k]} has shape [${s.shape}] but sample ${indices[0]} has [${first.shape}]: every sample of a batch must have the same shape (check preprocess callbacks)`, { input: `sample ${indices[k]}` });
    }
    if (dtypeOf(s.data) !== dtype) {
      throw new SampleError('SAMPLE_FAILED', `sample ${indices[k]} is ${dtypeOf(s.data)} but sample ${indices[0]} is ${dtype}: every sample of a batch must have the same data type`, { input: `sample ${indices[k]}` });
    }
    out.set(s.data as never, k * per);
  });
  return { data: out, shape: [samples.length, ...first.shape.slice(1)], dtype, indices, layout };
}
