/**
 * previewSamples: a mosaic of a batch's samples — one layer through a colour map (with a labelled
 * colour bar, or a legend of classes), or three layers as an RGB / false-colour composite with a
 * percentile stretch — each cell numbered with its sample row, under an optional title.
 */
import { ArgumentError } from '../core/errors.js';
import { dims, offset } from '../core/layout.js';
import type { Batch } from '../generator/sample.js';
import { COLORBAR_HEIGHT, Canvas, drawColorbar, drawLegend, drawTitle, legendHeight, titleHeight, type Rgb } from './canvas.js';
import { colour, type Colormap } from './colormap.js';
import { formatNumber, textHeight, textWidth } from './font.js';
import type { PngImage } from './png.js';

export interface PreviewSamplesOptions {
  colormap?: Colormap;
  /** Layer (band) to show (default 0). */
  layer?: number;
  /**
   * Three layers shown as red, green and blue (an RGB or false-colour composite, e.g. [3, 2, 1] for
   * Landsat's near infrared, red and green), each stretched between its `stretch` percentiles.
   */
  rgb?: [number, number, number];
  /** Percentiles each composite layer is stretched between (default [2, 98]). */
  stretch?: [number, number];
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
  /** Add a colour bar with the value range under the mosaic (default false); with 'classes', a legend (default true). */
  colorbar?: boolean;
  /** What the values are, written under the colour bar (e.g. 'elevation (m)'). */
  label?: string;
  /** Names of classes for the legend ('classes'): { 0: 'land', 1: 'water' }. */
  classNames?: Record<number, string>;
  /** A title above the mosaic. */
  title?: string;
  /** Number each cell with its sample row (`batch.indices`) (default true). */
  numbers?: boolean;
}

const GAP = 2;

/** A PNG mosaic of the samples of a batch; shows itself in Deno's Jupyter kernel. */
export function previewSamples(batch: Batch, options: PreviewSamplesOptions = {}): PngImage {
  if (!batch || !ArrayBuffer.isView(batch.data) || !Array.isArray(batch.shape)) throw new ArgumentError('batch', 'a Batch', batch);
  const d = dims(batch);
  const { n, h, w, c: layers } = d;
  const shown = options.rgb ?? [options.layer ?? 0];
  if (options.rgb && (!Array.isArray(options.rgb) || options.rgb.length !== 3)) throw new ArgumentError('rgb', 'three layer numbers [red, green, blue]', options.rgb);
  for (const l of shown)
    if (!(Number.isInteger(l) && l >= 0 && l < layers)) throw new ArgumentError(options.rgb ? 'rgb' : 'layer', `layers from 0 to ${layers - 1}`, options.rgb ?? l);
  const [pLo, pHi] = options.stretch ?? [2, 98];
  if (!(pLo >= 0 && pLo < pHi && pHi <= 100)) throw new ArgumentError('stretch', 'two percentiles 0 ≤ low < high ≤ 100', options.stretch);
  const count = Math.min(n, options.limit ?? 32);
  const cols = Math.min(count, options.columns ?? 8);
  const rows = Math.ceil(count / cols);
  const cell = Math.max(options.cell ?? Math.max(h, w, 48), 1);
  const map = options.colormap ?? 'viridis';
  const isNo = (v: number) => Number.isNaN(v) || (options.nodata !== undefined && options.nodata !== null && v === options.nodata);
  const at = (k: number, y: number, x: number, l: number) => batch.data[offset(d, batch.layout, k, y, x, l)];
  const valid = (l: number) => {
    const out: number[] = [];
    for (let k = 0; k < count; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (!isNo(at(k, y, x, l))) out.push(at(k, y, x, l));
    return out;
  };
  // The value range of each shown layer: percentiles for a composite, min and max (or `range`) otherwise.
  const ranges = shown.map((l) => {
    if (!options.rgb && options.range) return options.range;
    const v = valid(l).sort((a, b) => a - b);
    if (!v.length) return [0, 1];
    if (!options.rgb) return [v[0], v[v.length - 1]];
    const q = (p: number) => v[Math.min(v.length - 1, Math.max(0, Math.round((p / 100) * (v.length - 1))))];
    return [q(pLo), q(pHi)];
  }) as [number, number][];
  const classes = map === 'classes' && !options.rgb ? [...new Set(valid(shown[0]))].sort((a, b) => a - b).slice(0, 32) : [];
  const legendEntries = classes.map((v) => (options.classNames?.[v] !== undefined ? `${v} ${options.classNames[v]}` : formatNumber(v)));
  const gridW = cols * (cell + GAP) + GAP;
  const W = Math.max(gridW, options.title || options.colorbar || classes.length || options.rgb ? 240 : 0);
  const top = titleHeight(options.title);
  const gridH = rows * (cell + GAP) + GAP;
  const showBar = !!options.colorbar && !options.rgb && map !== 'classes';
  const showLegend = classes.length > 0 && options.colorbar !== false;
  const below = showBar ? COLORBAR_HEIGHT + 4 : showLegend ? legendHeight(legendEntries, W - 16) + 6 : options.rgb ? textHeight(1) + 10 : 0;
  const c = new Canvas(W, top + gridH + below);
  drawTitle(c, options.title);
  const ox0 = Math.floor((W - gridW) / 2);
  for (let k = 0; k < count; k++) {
    const ox = ox0 + GAP + (k % cols) * (cell + GAP);
    const oy = top + GAP + Math.floor(k / cols) * (cell + GAP);
    for (let yy = 0; yy < cell; yy++) {
      const y = Math.floor((yy * h) / cell);
      for (let xx = 0; xx < cell; xx++) {
        const x = Math.floor((xx * w) / cell);
        let rgb: Rgb;
        if (options.rgb) {
          const v = shown.map((l) => at(k, y, x, l));
          rgb = v.some(isNo) ? [200, 200, 200] : (v.map((a, i) => Math.round(255 * clamp01((a - ranges[i][0]) / (ranges[i][1] - ranges[i][0] || 1)))) as unknown as Rgb);
        } else {
          const v = at(k, y, x, shown[0]);
          const [lo, hi] = ranges[0];
          rgb = isNo(v) ? [200, 200, 200] : colour(map, map === 'classes' ? v : (v - lo) / (hi - lo || 1));
        }
        c.set(ox + xx, oy + yy, rgb);
      }
    }
    if (options.numbers !== false && cell >= 24) {
      const label = String(batch.indices?.[k] ?? k);
      c.rect(ox, oy, textWidth(label, 1) + 4, textHeight(1) + 4, [255, 255, 255]);
      c.text(label, ox + 2, oy + 2);
    }
  }
  const y0 = top + gridH + 4;
  if (showBar) drawColorbar(c, 8, y0, W - 16, map, ranges[0][0], ranges[0][1], options.label);
  else if (showLegend)
    drawLegend(
      c,
      8,
      y0,
      W - 16,
      legendEntries,
      classes.map((v) => colour('classes', v)),
    );
  else if (options.rgb) {
    const s = `R G B = LAYERS ${shown.join(' ')}, STRETCH ${pLo}-${pHi}%`;
    c.text(s, 8, y0 + 2, 1, [90, 90, 90]);
  }
  return c.png();
}

function clamp01(t: number): number {
  return Math.min(1, Math.max(0, t));
}
