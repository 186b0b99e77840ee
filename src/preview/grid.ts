/**
 * previewGrid: the raster's first band with sample boxes drawn over it (outlines, or a choropleth of
 * a column with its labelled colour bar), the extent's coordinates on the frame, and a title.
 */
import { rotationOf } from '../samples/augment.js';
import type { SpatialDataGenerator } from '../generator/spatial-data-generator.js';
import type { SampleSet } from '../samples/sample-set.js';
import { transformBounds, transformer, sameCrs } from '../crs/index.js';
import { polygonsOf } from '../samples/mask.js';
import { COLORBAR_HEIGHT, Canvas, drawColorbar, drawTitle, GREY, titleHeight } from './canvas.js';
import { colour, type Colormap } from './colormap.js';
import { formatNumber, textHeight, textWidth } from './font.js';
import type { PngImage } from './png.js';

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
  /** A title above the picture. */
  title?: string;
  /** The extent's coordinates written on the frame (default true). */
  coordinates?: boolean;
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
  // The background stretched between its 2nd and 98th percentiles (a few bright pixels do not darken it).
  const sorted = Float64Array.from(raster.filter((v) => !Number.isNaN(v))).sort();
  const lo = sorted.length ? sorted[Math.floor(0.02 * (sorted.length - 1))] : 0;
  const hi = sorted.length ? sorted[Math.ceil(0.98 * (sorted.length - 1))] : 1;
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
  const turns = Float64Array.from({ length: samples.length }, (_, i) => rotationOf(samples, i) || 0);
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
    } else if (turns[i]) {
      // A turned box (samples.augment({ rotate })): its four corners turned about the centre.
      const t = (turns[i] * Math.PI) / 180;
      const [cx, cy, hw, hh] = [(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2];
      const corner = ([u, v]: number[]) => [(cx + u * Math.cos(t) - v * Math.sin(t) - ext[0]) * sx, (ext[3] - (cy + u * Math.sin(t) + v * Math.cos(t))) * sy];
      const pts = [
        [-hw, -hh],
        [hw, -hh],
        [hw, hh],
        [-hw, hh],
        [-hw, -hh],
      ].map(corner);
      for (let k = 1; k < pts.length; k++) {
        const [[ax, ay], [bx, by]] = [pts[k - 1], pts[k]];
        const n = Math.ceil(Math.hypot(bx - ax, by - ay)) + 1;
        for (let q = 0; q <= n; q++) put(Math.round(ax + ((bx - ax) * q) / n), Math.round(ay + ((by - ay) * q) / n));
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
  return frame(
    px,
    W,
    H,
    ext,
    crs,
    options,
    col && options.colorbar !== false && Number.isFinite(clo) ? { map: options.colormap ?? 'viridis', lo: clo, hi: chi, label: options.column! } : null,
  );
}

/** The map in a figure: title, the extent's coordinates around it, a colour bar under it. */
function frame(
  px: Uint8Array,
  W: number,
  H: number,
  ext: number[],
  crs: string,
  options: PreviewGridOptions,
  bar: { map: Colormap; lo: number; hi: number; label: string } | null,
): PngImage {
  const coords = options.coordinates !== false;
  const labels = coords ? [ext[0], ext[2], ext[1], ext[3]].map((v) => formatNumber(Number(v.toPrecision(7)))) : [];
  const left = coords ? Math.max(textWidth(labels[2], 1), textWidth(labels[3], 1)) + 8 : 0;
  const top = titleHeight(options.title) + (coords ? 4 : 0);
  const crsText = /^[A-Z]+:\d+$/.test(crs) ? crs : 'CRS WITHOUT CODE';
  const under = (coords ? textHeight(1) * 2 + 12 : 0) + (bar ? COLORBAR_HEIGHT + 4 : 0);
  const c = new Canvas(Math.max(W + left + 8, bar || options.title ? 240 : 0), top + H + under + 2);
  drawTitle(c, options.title);
  c.blit(px, W, H, left, top);
  if (coords) {
    c.line(left - 1, top - 1, left + W, top - 1, GREY);
    c.line(left - 1, top + H, left + W, top + H, GREY);
    c.line(left - 1, top - 1, left - 1, top + H, GREY);
    c.line(left + W, top - 1, left + W, top + H, GREY);
    c.text(labels[0], left, top + H + 4);
    c.text(labels[1], left + W - textWidth(labels[1], 1), top + H + 4);
    c.text(labels[3], left - 4 - textWidth(labels[3], 1), top);
    c.text(labels[2], left - 4 - textWidth(labels[2], 1), top + H - textHeight(1));
    c.text(crsText, left + (W - textWidth(crsText, 1)) / 2, top + H + 4 + textHeight(1) + 4, 1, GREY);
  }
  if (bar) drawColorbar(c, left, top + H + (coords ? textHeight(1) * 2 + 12 : 4), Math.max(W, 160), bar.map, bar.lo, bar.hi, bar.label);
  return c.png();
}
