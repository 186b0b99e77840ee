/**
 * Pictures: a mosaic of samples, and the sample grid drawn over the raster, as PNG bytes (written to
 * a file in Node and Deno, shown in a page or a notebook elsewhere).
 */
import { encode } from 'fast-png';
import { ArgumentError } from '../errors/index.js';
import type { Batch } from '../generator/sample.js';
import type { SpatialDataGenerator } from '../generator/spatial-data-generator.js';
import type { SampleSet } from '../samples/sample-set.js';
import { transformBounds, sameCrs } from '../crs/index.js';
import { colour, type Colormap } from './colormap.js';

export type { Colormap } from './colormap.js';

export interface PreviewSamplesOptions {
  colormap?: Colormap;
  /** Layer (band) to show (default 0). */
  layer?: number;
  /** Value range mapped onto the colormap (default: min and max of the shown samples). */
  range?: [number, number];
  /** Samples per row (default: up to 8). */
  columns?: number;
  /** At most this many samples (default 32). */
  limit?: number;
  /** Values treated as no data (shown grey), besides NaN. */
  nodata?: number | null;
  /** Pixels of each sample cell (default: the sample size, at least 48). */
  cell?: number;
}

/** A PNG mosaic of the samples of a batch (one layer, coloured). */
export function previewSamples(batch: Batch, options: PreviewSamplesOptions = {}): Uint8Array {
  if (!batch || !ArrayBuffer.isView(batch.data) || !Array.isArray(batch.shape)) throw new ArgumentError('batch', 'a Batch', batch);
  const [n, a, b, c] = batch.shape;
  const [h, w, layers] = batch.layout === 'band' ? [b, c, a] : batch.layout === 'squeezed' ? [a, b, 1] : [a, b, c];
  const layer = options.layer ?? 0;
  if (!(layer >= 0 && layer < layers)) throw new ArgumentError('layer', `a layer from 0 to ${layers - 1}`, layer);
  const count = Math.min(n, options.limit ?? 32);
  const cols = Math.min(count, options.columns ?? 8);
  const rows = Math.ceil(count / cols);
  const cell = Math.max(options.cell ?? Math.max(h, w, 48), 1);
  const gap = 2;
  const W = cols * (cell + gap) + gap;
  const H = rows * (cell + gap) + gap;
  const at = (k: number, y: number, x: number) =>
    batch.layout === 'band' ? batch.data[((k * layers + layer) * h + y) * w + x] : batch.data[((k * h + y) * w + x) * layers + layer];
  const isNo = (v: number) => Number.isNaN(v) || (options.nodata !== undefined && options.nodata !== null && v === options.nodata);
  let [lo, hi] = options.range ?? [Infinity, -Infinity];
  if (!options.range) {
    for (let k = 0; k < count; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const v = at(k, y, x);
          if (!isNo(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
  }
  const px = new Uint8Array(W * H * 4).fill(255);
  const map = options.colormap ?? 'viridis';
  for (let k = 0; k < count; k++) {
    const ox = gap + (k % cols) * (cell + gap);
    const oy = gap + Math.floor(k / cols) * (cell + gap);
    for (let yy = 0; yy < cell; yy++) {
      for (let xx = 0; xx < cell; xx++) {
        const v = at(k, Math.floor((yy * h) / cell), Math.floor((xx * w) / cell));
        const rgb: [number, number, number] = isNo(v) ? [200, 200, 200] : colour(map, map === 'classes' ? v : (v - lo) / (hi - lo || 1));
        const o = ((oy + yy) * W + ox + xx) * 4;
        px[o] = rgb[0];
        px[o + 1] = rgb[1];
        px[o + 2] = rgb[2];
      }
    }
  }
  return encode({ width: W, height: H, data: px, channels: 4, depth: 8 });
}

export interface PreviewGridOptions {
  /** Longest side of the picture in pixels (default 512). */
  size?: number;
  /** Colour the boxes by this numeric column (viridis); default white outlines. */
  column?: string;
  colormap?: Colormap;
}

/** A PNG of the raster's first band with the sample boxes drawn over it. */
export async function previewGrid(sdg: SpatialDataGenerator, samples: SampleSet, options: PreviewGridOptions = {}): Promise<Uint8Array> {
  const size = options.size ?? 512;
  const crs = samples.crs ?? sdg.crs;
  const src = sameCrs(crs, sdg.sourceCrs) ? sdg.bounds : transformBounds(sdg.bounds, sdg.sourceCrs, crs);
  const tb = samples.length ? samples.totalBounds : src;
  const ext = [Math.min(src[0], tb[0]), Math.min(src[1], tb[1]), Math.max(src[2], tb[2]), Math.max(src[3], tb[3])];
  const aspect = (ext[2] - ext[0]) / (ext[3] - ext[1]);
  const W = Math.max(1, Math.round(aspect >= 1 ? size : size * aspect));
  const H = Math.max(1, Math.round(aspect >= 1 ? size / aspect : size));
  const raster = (await sdg.readWindow({ bounds: ext, crs, width: W, height: H, bands: [1], dtype: 'float64', nodata: Number.NaN, resampling: 'average' })).data;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of raster) if (!Number.isNaN(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const px = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const v = raster[i];
    const [r, g, b] = Number.isNaN(v) ? [235, 235, 235] : colour('gray', (v - lo) / (hi - lo || 1));
    px.set([r, g, b, 255], i * 4);
  }
  const col = options.column ? samples.column(options.column) : null;
  let clo = Infinity;
  let chi = -Infinity;
  if (col) for (const v of col) if (typeof v === 'number' && !Number.isNaN(v)) (clo = Math.min(clo, v)), (chi = Math.max(chi, v));
  const sx = W / (ext[2] - ext[0]);
  const sy = H / (ext[3] - ext[1]);
  for (let i = 0; i < samples.length; i++) {
    const [x0, y0, x1, y1] = samples.bounds(i);
    const c0 = Math.round((x0 - ext[0]) * sx);
    const c1 = Math.round((x1 - ext[0]) * sx) - 1;
    const r0 = Math.round((ext[3] - y1) * sy);
    const r1 = Math.round((ext[3] - y0) * sy) - 1;
    const v = col ? col[i] : null;
    const rgb = typeof v === 'number' && !Number.isNaN(v) ? colour(options.colormap ?? 'viridis', (v - clo) / (chi - clo || 1)) : [255, 64, 64];
    const put = (x: number, y: number) => {
      if (x >= 0 && x < W && y >= 0 && y < H) px.set([rgb[0], rgb[1], rgb[2], 255], (y * W + x) * 4);
    };
    for (let x = c0; x <= c1; x++) put(x, r0), put(x, r1);
    for (let y = r0; y <= r1; y++) put(c0, y), put(c1, y);
  }
  return encode({ width: W, height: H, data: px, channels: 4, depth: 8 });
}
