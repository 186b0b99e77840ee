/**
 * Sample and batch layout: the one place that knows where pixel (k, y, x, layer) sits in a batch.
 * 'pixel' is [n, h, w, c] (what tfjs conv layers take), 'band' is [n, c, h, w] (PyTorch's order),
 * 'squeezed' is [n, h, w] (a single band index). Every reader of batches that needs to know where a
 * pixel is (attributes, previews, zip, chips, the prediction writer) goes through `dims` and `offset`.
 */
import { dtypeOf, type PixelArray, typedArrayFor } from './pixels.js';

export type Interleave = 'pixel' | 'band';
export type Layout = Interleave | 'squeezed';

/** Sizes of a batch: n samples of h×w pixels with c layers. */
export interface Dims {
  n: number;
  h: number;
  w: number;
  c: number;
}

/** The shape of one sample of c layers: [1, h, w] (squeezed), [1, c, h, w] ('band') or [1, h, w, c] ('pixel'). */
export function sampleShape(c: number, h: number, w: number, interleave: Interleave, squeeze: boolean): number[] {
  return squeeze ? [1, h, w] : interleave === 'band' ? [1, c, h, w] : [1, h, w, c];
}

/**
 * n, h, w, c of a batch (shape [n, h, w, c], [n, c, h, w] or [n, h, w] by its layout; with a time
 * axis after n, [n, steps, ...], the dims of one step).
 */
export function dims(batch: { shape: readonly number[]; layout: Layout }): Dims {
  const s = batch.shape;
  const t = s.length > (batch.layout === 'squeezed' ? 3 : 4) ? 1 : 0;
  if (batch.layout === 'squeezed') return { n: s[0], h: s[1 + t], w: s[2 + t], c: 1 };
  if (batch.layout === 'band') return { n: s[0], c: s[1 + t], h: s[2 + t], w: s[3 + t] };
  return { n: s[0], h: s[1 + t], w: s[2 + t], c: s[3 + t] };
}

/** h, w, c of one sample without its batch dimension ([h, w, c], [c, h, w] or [h, w]). */
export function sampleDims(shape: readonly number[], layout: Layout): Dims {
  return dims({ shape: [1, ...shape], layout });
}

/** Index into a batch's data of sample k, row y, column x, layer l. */
export function offset(d: Dims, layout: Layout, k: number, y: number, x: number, l: number): number {
  return layout === 'band' ? ((k * d.c + l) * d.h + y) * d.w + x : ((k * d.h + y) * d.w + x) * d.c + l;
}

/** Band-sequential [c, h, w] pixels (what GDAL returns) in `layout` (a new array for 'pixel' with c > 1). */
export function fromBandSequential(data: PixelArray, d: Omit<Dims, 'n'>, layout: Layout): PixelArray {
  if (layout !== 'pixel' || d.c === 1) return data;
  const out = typedArrayFor(dtypeOf(data), data.length);
  const hw = d.h * d.w;
  for (let b = 0; b < d.c; b++) {
    const base = b * hw;
    for (let p = 0; p < hw; p++) out[p * d.c + b] = data[base + p];
  }
  return out;
}

/** One sample (k) of a batch as band-sequential [c, h, w] pixels of the same type (what GDAL writes). */
export function toBandSequential(batch: { data: PixelArray; shape: readonly number[]; layout: Layout }, k: number): PixelArray {
  const d = dims(batch);
  const per = d.c * d.h * d.w;
  if (batch.layout !== 'pixel' || d.c === 1) return batch.data.subarray(k * per, (k + 1) * per);
  const out = typedArrayFor(dtypeOf(batch.data), per);
  let i = 0;
  for (let l = 0; l < d.c; l++) for (let y = 0; y < d.h; y++) for (let x = 0; x < d.w; x++) out[i++] = batch.data[offset(d, 'pixel', k, y, x, l)];
  return out;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * One sample ([1, h, w, c], [1, c, h, w] or squeezed [1, h, w]) with one more layer after its
 * others, in `interleave` (a squeezed sample gains a layer axis): a new array of the sample's type.
 */
export function withLayer(
  data: PixelArray,
  shape: readonly number[],
  layout: Layout,
  layer: ArrayLike<number>,
  interleave: Interleave,
): { data: PixelArray; shape: number[]; layout: Interleave } {
  const d = sampleDims(shape, layout);
  const hw = d.h * d.w;
  const c = d.c + 1;
  const out = typedArrayFor(dtypeOf(data), hw * c);
  const to: Interleave = layout === 'squeezed' ? interleave : layout;
  if (to === 'band') {
    if (layout === 'pixel' && d.c > 1) for (let l = 0; l < d.c; l++) for (let p = 0; p < hw; p++) out[l * hw + p] = data[p * d.c + l];
    else out.set(data as never);
    for (let p = 0; p < hw; p++) out[d.c * hw + p] = layer[p];
    return { data: out, shape: [1, c, d.h, d.w], layout: 'band' };
  }
  for (let p = 0; p < hw; p++) {
    for (let l = 0; l < d.c; l++) out[p * c + l] = layout === 'pixel' ? data[p * d.c + l] : data[l * hw + p];
    out[p * c + d.c] = layer[p];
  }
  return { data: out, shape: [1, d.h, d.w, c], layout: 'pixel' };
}
