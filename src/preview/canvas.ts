/**
 * An RGBA picture being drawn: pixels, rectangles, lines, text, and the parts figures share (a
 * title band, a labelled colour bar, a legend of classes), encoded as PNG at the end.
 */
import { colour, type Colormap } from './colormap.js';
import { drawText, formatNumber, textHeight, textWidth } from './font.js';
import { PngImage } from './png.js';

export type Rgb = readonly [number, number, number];
export const BLACK: Rgb = [0, 0, 0];
export const GREY: Rgb = [110, 110, 110];

export class Canvas {
  readonly px: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.px = new Uint8Array(width * height * 4).fill(255);
  }

  set(x: number, y: number, rgb: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const o = (yi * this.width + xi) * 4;
    this.px[o] = rgb[0];
    this.px[o + 1] = rgb[1];
    this.px[o + 2] = rgb[2];
    this.px[o + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, rgb: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.set(xx, yy, rgb);
  }

  line(x0: number, y0: number, x1: number, y1: number, rgb: Rgb, thick = 1): void {
    const n = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
    for (let k = 0; k <= n; k++) {
      const x = x0 + ((x1 - x0) * k) / n;
      const y = y0 + ((y1 - y0) * k) / n;
      for (let d = 0; d < thick; d++) this.set(x, y + d, rgb);
    }
  }

  text(s: string, x: number, y: number, scale = 1, rgb: Rgb = BLACK): void {
    drawText(s, Math.round(x), Math.round(y), scale, (px, py) => this.set(px, py, rgb));
  }

  /** Copies RGBA pixels (w×h) to (x, y). */
  blit(src: Uint8Array, w: number, h: number, x: number, y: number): void {
    for (let r = 0; r < h; r++) {
      if (y + r < 0 || y + r >= this.height) continue;
      const from = src.subarray(r * w * 4, (r + 1) * w * 4);
      this.px.set(from.subarray(0, Math.max(0, Math.min(w, this.width - x)) * 4), ((y + r) * this.width + x) * 4);
    }
  }

  png(): PngImage {
    return PngImage.encode(this.width, this.height, this.px);
  }
}

const TITLE_SCALE = 2;

/** Height of a figure's title band (0 without a title). */
export function titleHeight(title: string | undefined): number {
  return title ? textHeight(TITLE_SCALE) + 12 : 0;
}

export function drawTitle(c: Canvas, title: string | undefined): void {
  if (!title) return;
  // Large when it fits, else small (vertically centred in the same band), cut only if still too long.
  const scale = textWidth(title, TITLE_SCALE) <= c.width - 12 ? TITLE_SCALE : 1;
  const fit = fitText(title, c.width - 12, scale);
  c.text(fit, Math.max(6, (c.width - textWidth(fit, scale)) / 2), 6 + (textHeight(TITLE_SCALE) - textHeight(scale)) / 2, scale);
}

/** The text, cut with '...' to fit `width` pixels at `scale`. */
export function fitText(s: string, width: number, scale: number): string {
  if (textWidth(s, scale) <= width) return s;
  let t = s;
  while (t.length > 1 && textWidth(`${t}...`, scale) > width) t = t.slice(0, -1);
  return `${t}...`;
}

/** Height of a colour bar with its labels. */
export const COLORBAR_HEIGHT = 14 + 4 + textHeight(1) + 4 + textHeight(1) + 6;

/**
 * A horizontal colour bar from `lo` to `hi` at (x, y), `w` wide: ticks at both exact ends and in the
 * middle, their values below, and `label` (what the colours are) under them.
 */
export function drawColorbar(c: Canvas, x: number, y: number, w: number, map: Colormap, lo: number, hi: number, label?: string): void {
  for (let i = 0; i < w; i++) c.rect(x + i, y, 1, 14, colour(map, i / Math.max(1, w - 1)));
  const ty = y + 14 + 4;
  const ticks: [number, number][] = [
    [x, lo],
    [x + w - 1, hi],
  ];
  if (hi !== lo) ticks.push([x + (w - 1) / 2, (lo + hi) / 2]);
  for (const [tx, v] of ticks) {
    c.rect(Math.round(tx), y + 14, 1, 3, BLACK);
    const s = formatNumber(v);
    const tw = textWidth(s, 1);
    c.text(s, Math.min(Math.max(tx - tw / 2, x), x + w - tw), ty);
  }
  if (label) {
    const fit = fitText(label, w, 1);
    c.text(fit, x + (w - textWidth(fit, 1)) / 2, ty + textHeight(1) + 4, 1, GREY);
  }
}

/** Rows needed for a legend of `n` entries in `w` pixels. */
export function legendHeight(entries: string[], w: number): number {
  return legendLayout(entries, w).rows * (textHeight(1) + 8) + 4;
}

function legendLayout(entries: string[], w: number) {
  const cellW = Math.max(...entries.map((e) => textWidth(e, 1))) + 14 + 12;
  const perRow = Math.max(1, Math.floor(w / cellW));
  return { cellW, perRow, rows: Math.ceil(entries.length / perRow) };
}

/** A legend: a swatch of each colour and its text, in rows. */
export function drawLegend(c: Canvas, x: number, y: number, w: number, entries: string[], colours: Rgb[]): void {
  const { cellW, perRow } = legendLayout(entries, w);
  entries.forEach((e, i) => {
    const cx = x + (i % perRow) * cellW;
    const cy = y + Math.floor(i / perRow) * (textHeight(1) + 8);
    c.rect(cx, cy, 10, textHeight(1), colours[i]);
    c.text(e, cx + 14, cy);
  });
}
