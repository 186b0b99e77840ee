/**
 * previewCurve: a line chart of values per epoch (a training loss, one or more series) with axes,
 * ticks at round values, epoch numbers, a legend and a title.
 */
import { ArgumentError } from '../core/errors.js';
import { BLACK, Canvas, drawLegend, drawTitle, GREY, legendHeight, titleHeight, type Rgb } from './canvas.js';
import { formatNumber, textHeight, textWidth } from './font.js';
import type { PngImage } from './png.js';

export interface PreviewCurveOptions {
  width?: number;
  height?: number;
  /** A title above the chart. */
  title?: string;
  /** Axis labels (default 'epoch' and 'loss'). */
  xLabel?: string;
  yLabel?: string;
  /** More series drawn beside the first (e.g. { 'val loss': [...] }); the first is named `name`. */
  series?: Record<string, ArrayLike<number>>;
  /** Name of the first series in the legend (default: the y label). */
  name?: string;
}

const COLOURS: Rgb[] = [
  [33, 113, 181],
  [230, 85, 13],
  [49, 163, 84],
  [117, 107, 177],
];

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `target` of them. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A PNG chart of `values` per epoch (1, 2, …); shows itself in Deno's Jupyter kernel. */
export function previewCurve(values: ArrayLike<number>, options: PreviewCurveOptions = {}): PngImage {
  const all: [string, number[]][] = [[options.name ?? options.yLabel ?? 'loss', Array.from(values ?? [], Number)]];
  for (const [k, v] of Object.entries(options.series ?? {})) all.push([k, Array.from(v, Number)]);
  const finite = all.flatMap(([, v]) => v.filter((x) => Number.isFinite(x)));
  if (finite.length === 0) throw new ArgumentError('values', 'at least one finite number', values);
  const W = options.width ?? 480;
  const H = options.height ?? 300;
  const n = Math.max(...all.map(([, v]) => v.length));
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi === lo) [lo, hi] = [lo - Math.abs(lo || 1) * 0.05, hi + Math.abs(hi || 1) * 0.05];
  // The axis runs from a round tick below the lowest value to one above the highest.
  const yt = niceTicks(lo, hi);
  const step = yt.length > 1 ? yt[1] - yt[0] : Math.abs(hi - lo) || 1;
  if (yt[0] > lo) yt.unshift(Number((yt[0] - step).toPrecision(12)));
  if (yt[yt.length - 1] < hi) yt.push(Number((yt[yt.length - 1] + step).toPrecision(12)));
  lo = yt[0];
  hi = yt[yt.length - 1];
  const labels = all.length > 1 ? all.map(([k]) => k) : [];
  const legendH = labels.length ? legendHeight(labels, W - 16) : 0;
  const top = titleHeight(options.title) + 8;
  const left = 14 + Math.max(...yt.map((v) => textWidth(formatNumber(v), 1))) + 6;
  const right = W - 12;
  const bottom = H - 14 - textHeight(1) * 2 - 8 - legendH;
  if (!(bottom - top > 20 && right - left > 20)) throw new ArgumentError('width/height', 'a chart at least about 120×120 pixels', [W, H]);
  const c = new Canvas(W, H);
  drawTitle(c, options.title);
  const X = (i: number) => left + ((right - left) * i) / Math.max(1, n - 1);
  const Y = (v: number) => bottom - ((bottom - top) * (v - lo)) / (hi - lo);
  for (const v of yt) {
    const y = Math.round(Y(v));
    c.line(left, y, right, y, [232, 232, 232]);
    c.rect(left - 4, y, 4, 1, BLACK);
    const s = formatNumber(v);
    c.text(s, left - 6 - textWidth(s, 1), y - 3);
  }
  const xt = niceTicks(1, n, Math.min(10, n)).filter((e) => Number.isInteger(e) && e >= 1 && e <= n);
  for (const e of xt) {
    const x = Math.round(X(e - 1));
    c.rect(x, bottom, 1, 4, BLACK);
    const s = String(e);
    c.text(s, x - textWidth(s, 1) / 2, bottom + 7);
  }
  c.line(left, top, left, bottom, BLACK);
  c.line(left, bottom, right, bottom, BLACK);
  const xl = options.xLabel ?? 'epoch';
  c.text(xl, (left + right - textWidth(xl, 1)) / 2, bottom + 7 + textHeight(1) + 5, 1, GREY);
  const yl = options.yLabel ?? 'loss';
  for (let i = 0; i < yl.length; i++) c.text(yl[i], 3, (top + bottom) / 2 - (yl.length * 9) / 2 + i * 9, 1, GREY);
  all.forEach(([, v], s) => {
    const rgb = COLOURS[s % COLOURS.length];
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) continue;
      if (i > 0 && Number.isFinite(v[i - 1])) c.line(X(i - 1), Y(v[i - 1]), X(i), Y(v[i]), rgb, 2);
      c.rect(Math.round(X(i)) - 2, Math.round(Y(v[i])) - 2, 5, 5, rgb);
    }
  });
  if (labels.length)
    drawLegend(
      c,
      8,
      H - legendH,
      W - 16,
      labels,
      labels.map((_, i) => COLOURS[i % COLOURS.length]),
    );
  return c.png();
}
