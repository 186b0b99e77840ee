/**
 * Pictures: a mosaic of samples, and the sample grid drawn over the raster, as PNG bytes (written to
 * a file in Node and Deno, shown in a page or a notebook elsewhere).
 */
import { ArgumentError } from '../core/errors.js';
import { dims, offset } from '../core/layout.js';
import type { Batch } from '../generator/sample.js';
import type { SpatialDataGenerator } from '../generator/spatial-data-generator.js';
import type { SampleSet } from '../samples/sample-set.js';
import { transformBounds, transformer, sameCrs } from '../crs/index.js';
import { polygonsOf } from '../samples/mask.js';
import { colour, type Colormap } from './colormap.js';
import { drawText, formatNumber, textWidth } from './font.js';
import { PngImage } from './png.js';

export { PngImage } from './png.js';
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
  /** Add a colour bar with the value range under the mosaic (default false; never for 'classes'). */
  colorbar?: boolean;
}

/** A PNG mosaic of the samples of a batch (one layer, coloured); shows itself in Deno's Jupyter kernel. */
export function previewSamples(batch: Batch, options: PreviewSamplesOptions = {}): PngImage {
  if (!batch || !ArrayBuffer.isView(batch.data) || !Array.isArray(batch.shape)) throw new ArgumentError('batch', 'a Batch', batch);
  const d = dims(batch);
  const { n, h, w, c: layers } = d;
  const layer = options.layer ?? 0;
  if (!(layer >= 0 && layer < layers)) throw new ArgumentError('layer', `a layer from 0 to ${layers - 1}`, layer);
  const count = Math.min(n, options.limit ?? 32);
  const cols = Math.min(count, options.columns ?? 8);
  const rows = Math.ceil(count / cols);
  const cell = Math.max(options.cell ?? Math.max(h, w, 48), 1);
  const gap = 2;
  const W = cols * (cell + gap) + gap;
  const H = rows * (cell + gap) + gap;
  const at = (k: number, y: number, x: number) => batch.data[offset(d, batch.layout, k, y, x, layer)];
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
  if (options.colorbar && map !== 'classes') return withColorbar(px, W, H, map, lo, hi);
  return PngImage.encode(W, H, px);
}

/** The picture with a colour bar (the colormap from lo to hi, both labelled) appended below it. */
function withColorbar(px: Uint8Array, W: number, H: number, map: Colormap, lo: number, hi: number): PngImage {
  const scale = 2;
  const barH = 12;
  const W2 = Math.max(W, 160);
  const H2 = H + 6 + barH + 4 + 5 * scale + 4;
  const out = new Uint8Array(W2 * H2 * 4).fill(255);
  for (let y = 0; y < H; y++) out.set(px.subarray(y * W * 4, (y + 1) * W * 4), y * W2 * 4);
  const x0 = 8;
  const x1 = W2 - 8;
  for (let x = x0; x < x1; x++) {
    const [r, g, b] = colour(map, (x - x0) / Math.max(1, x1 - x0 - 1));
    for (let y = H + 6; y < H + 6 + barH; y++) out.set([r, g, b, 255], (y * W2 + x) * 4);
  }
  const put = (x: number, y: number) => {
    if (x >= 0 && x < W2 && y >= 0 && y < H2) out.set([0, 0, 0, 255], (y * W2 + x) * 4);
  };
  const ty = H + 6 + barH + 4;
  drawText(formatNumber(lo), x0, ty, scale, put);
  const hiText = formatNumber(hi);
  drawText(hiText, x1 - textWidth(hiText, scale), ty, scale, put);
  return PngImage.encode(W2, H2, out);
}

/** A line chart of `values` (e.g. a training loss per epoch) with its range labelled. */
export function previewCurve(values: ArrayLike<number>, options: { width?: number; height?: number } = {}): PngImage {
  const v = Array.from(values).filter((x) => Number.isFinite(x));
  if (v.length === 0) throw new ArgumentError('values', 'at least one finite number', values);
  const W = options.width ?? 320;
  const H = options.height ?? 160;
  const px = new Uint8Array(W * H * 4).fill(255);
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const left = 40;
  const bottom = H - 12;
  const top = 8;
  const right = W - 8;
  const put = (x: number, y: number, rgb: [number, number, number] = [0, 0, 0]) => {
    if (x >= 0 && x < W && y >= 0 && y < H) px.set([...rgb, 255], (Math.round(y) * W + Math.round(x)) * 4);
  };
  for (let y = top; y <= bottom; y++) put(left, y, [120, 120, 120]);
  for (let x = left; x <= right; x++) put(x, bottom, [120, 120, 120]);
  drawText(formatNumber(hi), 2, top, 2, (x, y) => put(x, y));
  drawText(formatNumber(lo), 2, bottom - 10, 2, (x, y) => put(x, y));
  const X = (i: number) => left + ((right - left) * i) / Math.max(1, v.length - 1);
  const Y = (a: number) => bottom - ((bottom - top) * (a - lo)) / (hi - lo || 1);
  for (let i = 0; i < v.length; i++) {
    if (i > 0) {
      const steps = Math.ceil(Math.hypot(X(i) - X(i - 1), Y(v[i]) - Y(v[i - 1]))) + 1;
      for (let s = 0; s <= steps; s++) {
        const t = s / steps;
        const x = X(i - 1) + (X(i) - X(i - 1)) * t;
        const y = Y(v[i - 1]) + (Y(v[i]) - Y(v[i - 1])) * t;
        put(x, y, [33, 145, 140]);
        put(x, y + 1, [33, 145, 140]);
      }
    }
    for (let d = -2; d <= 2; d++) for (let e = -2; e <= 2; e++) put(X(i) + d, Y(v[i]) + e, [68, 1, 84]);
  }
  return PngImage.encode(W, H, px);
}

export interface PreviewGridOptions {
  /** Longest side of the picture in pixels (default 512). */
  size?: number;
  /** Colour the boxes by this numeric column (viridis): a choropleth of the samples; default red outlines. */
  column?: string;
  colormap?: Colormap;
  /** Fill the boxes (half transparent) instead of outlining them (default: true with a column). */
  fill?: boolean;
  /** With a column: a colour bar of its range under the picture (default true). */
  colorbar?: boolean;
  /** Polygons (GeoJSON, e.g. an area of interest) drawn as outlines, in `crs` (default EPSG:4326). */
  outline?: { geojson: unknown; crs?: string };
}

/** A PNG of the raster's first band with the sample boxes drawn over it; shows itself in Deno's Jupyter kernel. */
export async function previewGrid(sdg: SpatialDataGenerator, samples: SampleSet, options: PreviewGridOptions = {}): Promise<PngImage> {
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
  const fill = options.fill ?? !!col;
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
    if (fill && col) {
      for (let y = Math.max(0, r0); y <= Math.min(H - 1, r1); y++)
        for (let x = Math.max(0, c0); x <= Math.min(W - 1, c1); x++) {
          const o = (y * W + x) * 4;
          for (let k = 0; k < 3; k++) px[o + k] = Math.round(px[o + k] * 0.35 + rgb[k] * 0.65);
        }
    } else {
      for (let x = c0; x <= c1; x++) put(x, r0), put(x, r1);
      for (let y = r0; y <= r1; y++) put(c0, y), put(c1, y);
    }
  }
  if (options.outline) {
    const tr = transformer(options.outline.crs ?? 'EPSG:4326', crs);
    const toPx = (p: number[]): [number, number] => {
      const [x, y] = tr([p[0], p[1]]);
      return [(x - ext[0]) * sx, (ext[3] - y) * sy];
    };
    const dot = (x: number, y: number) => {
      for (let d = 0; d < 2; d++) {
        const xi = Math.round(x) + d;
        const yi = Math.round(y);
        if (xi >= 0 && xi < W && yi >= 0 && yi < H) px.set([0, 200, 255, 255], (yi * W + xi) * 4);
      }
    };
    for (const poly of polygonsOf(options.outline.geojson, 'outline'))
      for (const ring of poly)
        for (let i = 1; i < ring.length; i++) {
          const [ax, ay] = toPx(ring[i - 1] as number[]);
          const [bx, by] = toPx(ring[i] as number[]);
          const n = Math.ceil(Math.hypot(bx - ax, by - ay)) + 1;
          for (let k = 0; k <= n; k++) dot(ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n);
        }
  }
  if (col && options.colorbar !== false && Number.isFinite(clo)) return withColorbar(px, W, H, options.colormap ?? 'viridis', clo, chi);
  return PngImage.encode(W, H, px);
}
