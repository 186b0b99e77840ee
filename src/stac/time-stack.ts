/**
 * A STAC source with time: its items grouped into dated steps (the items of one UTC day mosaicked,
 * or each item its own step), each step a RasterStack of the assets. A window reads, for its box,
 * the `steps` dates whose items meet the box (their STAC bbox) within the time window — the latest,
 * the earliest, or all of them — in date order, padded with nodata after them when fewer exist.
 */
import type { Bounds } from '../core/box.js';
import { ArgumentError, EngineError, SampleError } from '../core/errors.js';
import { instant } from '../core/instant.js';
import { typedArrayFor } from '../core/pixels.js';
import { transformBounds } from '../crs/index.js';
import { gridOver } from '../engine/mosaic.js';
import type { RasterMeta } from '../engine/protocol.js';
import type { Window } from '../engine/raster.js';
import { ComposedSource, type RasterReader } from '../engine/composed-source.js';
import type { RasterStack } from '../engine/raster-stack.js';
import type { ReadWindowOptions } from '../engine/validate.js';
import { toWindowRequest } from '../engine/validate.js';

export interface TimeOptions {
  /** Dates per sample: the time axis of every batch. */
  steps: number;
  /** Which dates when more meet a box: 'latest' (default), 'earliest', or 'all' (more than `steps` is then a SampleError). */
  pick?: 'latest' | 'earliest' | 'all';
  /** Only dates in [start, end] (ISO strings, Dates or milliseconds; inclusive). */
  window?: [string | number | Date, string | number | Date];
  /** 'day' (default): the items of one UTC day are one step, mosaicked; 'item': each item is a step. */
  groupBy?: 'day' | 'item';
  /**
   * A quality asset (one of `assets`, e.g. Sentinel-2's SCL): a date whose pixels in the sample's box
   * are `bad` (values listed, or a predicate) over `maxFraction` of the box is left out (`'drop'`,
   * default: the next date is taken instead) or kept as padding (`'mask'`).
   */
  quality?: QualityOptions;
}

export interface QualityOptions {
  asset: string;
  bad: number[] | ((value: number) => boolean);
  /** Largest fraction of bad pixels a date may have (default 0). */
  maxFraction?: number;
  action?: 'drop' | 'mask';
}

/** One dated step: its items' stack of assets. */
export interface TimeStep {
  /** The step's date: the first item's datetime (ISO 8601). */
  datetime: string;
  time: number;
  /** Union of its items' STAC bbox (WGS 84 degrees), or null when an item has none (then it meets every box). */
  bbox: Bounds | null;
  stack: RasterStack;
}

/** A window of a time stack: `steps` blocks of layers, one after another, and each block's date (null: padding). */
export interface TimeWindow extends Window {
  times: (string | null)[];
}

export class TimeStack extends ComposedSource implements RasterReader {
  readonly meta: RasterMeta;
  readonly label: string;
  readonly steps: number;
  readonly pick: 'latest' | 'earliest' | 'all';
  private readonly window: [number, number];
  private readonly quality: { band: number; isBad: (v: number) => boolean; maxFraction: number; action: 'drop' | 'mask' } | null;

  constructor(
    readonly dates: TimeStep[],
    options: TimeOptions,
    label: string,
  ) {
    super(() => dates.map((d) => d.stack), 'a STAC time series');
    const t = checkTime(options);
    this.steps = t.steps;
    this.pick = t.pick;
    this.window = t.window;
    this.label = label;
    this.quality = t.quality ? checkQuality(t.quality, dates[0].stack.bandNames) : null;
    const metas = dates.map((d) => d.stack.meta);
    this.meta = { ...metas[0], ...gridOver(metas[0], metas.slice(1)), files: metas.flatMap((m) => m.files) };
  }

  /** Band names of each step (the assets). */
  get bandNames(): string[] {
    return this.dates[0].stack.bandNames;
  }

  describe(): RasterMeta {
    return this.meta;
  }

  /** Every date meeting the box (its items' bbox) within the window and `within`, in date order. */
  candidates(bounds: Bounds, crs: string, within?: [number, number]): TimeStep[] {
    let box: Bounds | null;
    try {
      box = transformBounds(bounds, crs, 'EPSG:4326');
    } catch {
      box = null; // cannot tell: every date is a candidate
    }
    const [t0, t1] = within ? [Math.max(this.window[0], within[0]), Math.min(this.window[1], within[1])] : this.window;
    const meets = (b: Bounds | null) => !box || !b || (b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]);
    return this.dates.filter((d) => d.time >= t0 && d.time <= t1 && meets(d.bbox));
  }

  /** The dates a box gets: those meeting it within the window (and `within`, a sample's own interval), picked and in date order. */
  stepsFor(bounds: Bounds, crs: string, within?: [number, number]): TimeStep[] {
    const found = this.candidates(bounds, crs, within);
    if (found.length <= this.steps) return found;
    if (this.pick === 'all') {
      throw new SampleError('SAMPLE_FAILED', `${this.label}: ${found.length} dates meet the box [${bounds.join(', ')}], more than steps (${this.steps}) with pick: 'all'`, {
        input: this.label,
      });
    }
    return this.pick === 'latest' ? found.slice(found.length - this.steps) : found.slice(0, this.steps);
  }

  /** Every step of the box through the same grid: [steps × layers, h, w], padded steps nodata (and mask 0). */
  async readWindow(options: ReadWindowOptions & { within?: [number, number] }): Promise<TimeWindow> {
    if (this.closed) throw new EngineError('ENGINE_CLOSED', `${this.label}: source is closed`, { input: this.label });
    const req = toWindowRequest(options, this.meta);
    const chosen = this.quality ? await this.clearSteps(options, req.bounds, req.crs) : this.stepsFor(req.bounds, req.crs, options.within);
    const reads = await Promise.all(chosen.map((d) => d?.stack.readWindow({ ...options, crs: req.crs })));
    const layers = req.bands.length + (req.mask ? 1 : 0);
    const block = layers * req.width * req.height;
    const plane = req.width * req.height;
    const data = typedArrayFor(req.dtype, block * this.steps);
    for (let k = 0; k < this.steps; k++) {
      const r = reads[k];
      if (r) data.set(r.data as never, k * block);
      else {
        data.fill(req.nodata ?? 0, k * block, k * block + req.bands.length * plane);
        if (req.mask) data.fill(0, k * block + req.bands.length * plane, (k + 1) * block);
      }
    }
    const times = Array.from({ length: this.steps }, (_, k) => chosen[k]?.datetime ?? null);
    return { data, shape: [layers * this.steps, req.height, req.width], dtype: req.dtype, nodata: req.nodata, bounds: req.bounds, crs: req.crs, times };
  }

  /**
   * The dates a box gets when a quality asset rules: candidates in pick order, each date's quality
   * band read (nearest) through the box and its bad fraction measured; too cloudy dates dropped (the
   * next candidate taken) or kept as padding ('mask'); then in date order.
   */
  private async clearSteps(options: ReadWindowOptions & { within?: [number, number] }, bounds: Bounds, crs: string): Promise<(TimeStep | null)[]> {
    const q = this.quality!;
    const all = this.candidates(bounds, crs, options.within);
    if (this.pick === 'latest') all.reverse();
    const kept: (TimeStep | null)[] = [];
    let clear = 0;
    for (const d of all) {
      if (this.pick !== 'all' && kept.length >= this.steps) break;
      const w = await d.stack.readWindow({ ...options, crs, bands: [q.band], resampling: 'nearest', mask: false, dtype: undefined, nodata: undefined });
      let badCount = 0;
      for (let i = 0; i < w.data.length; i++) if (q.isBad(w.data[i])) badCount++;
      if (badCount <= q.maxFraction * w.data.length) {
        kept.push(d);
        clear++;
      } else if (q.action === 'mask') kept.push(null);
    }
    if (this.pick === 'all' && kept.length > this.steps) {
      throw new SampleError('SAMPLE_FAILED', `${this.label}: ${clear} clear dates meet the box [${bounds.join(', ')}], more than steps (${this.steps}) with pick: 'all'`, {
        input: this.label,
      });
    }
    const dated = kept.filter((d): d is TimeStep => d !== null).sort((a, b) => a.time - b.time);
    return [...dated, ...kept.filter((d) => d === null)];
  }

  async prefetch(options: ReadWindowOptions & { within?: [number, number] }): Promise<void> {
    try {
      const req = toWindowRequest(options, this.meta);
      await Promise.all(this.stepsFor(req.bounds, req.crs, options.within).map((d) => d.stack.prefetch(options)));
    } catch {
      // advice only: the read reports the problem
    }
  }
}

export function checkQuality(q: QualityOptions, assets: string[]): { band: number; isBad: (v: number) => boolean; maxFraction: number; action: 'drop' | 'mask' } {
  if (!q || typeof q !== 'object') throw new ArgumentError('time.quality', '{ asset, bad, maxFraction, action }', q);
  const band = assets.indexOf(q.asset) + 1;
  if (band === 0) throw new ArgumentError('time.quality.asset', `one of the assets (${assets.join(', ')})`, q.asset);
  let isBad: (v: number) => boolean;
  if (typeof q.bad === 'function') isBad = q.bad;
  else if (Array.isArray(q.bad) && q.bad.every((v) => typeof v === 'number')) {
    const set = new Set(q.bad);
    isBad = (v) => set.has(v);
  } else throw new ArgumentError('time.quality.bad', 'a list of values or a predicate', q.bad);
  const maxFraction = q.maxFraction ?? 0;
  if (typeof maxFraction !== 'number' || !(maxFraction >= 0 && maxFraction <= 1)) throw new ArgumentError('time.quality.maxFraction', 'a fraction from 0 to 1', q.maxFraction);
  const action = q.action ?? 'drop';
  if (action !== 'drop' && action !== 'mask') throw new ArgumentError('time.quality.action', "'drop' or 'mask'", q.action);
  return { band, isBad, maxFraction, action };
}

export function checkTime(t: TimeOptions): Required<Pick<TimeOptions, 'steps' | 'pick' | 'groupBy'>> & { window: [number, number]; quality?: QualityOptions } {
  if (!t || typeof t !== 'object') throw new ArgumentError('time', '{ steps, pick, window, groupBy }', t);
  if (!Number.isInteger(t.steps) || t.steps < 1 || t.steps > 1000) throw new ArgumentError('time.steps', 'an integer from 1 to 1000', t.steps);
  const pick = t.pick ?? 'latest';
  if (pick !== 'latest' && pick !== 'earliest' && pick !== 'all') throw new ArgumentError('time.pick', "'latest', 'earliest' or 'all'", t.pick);
  const groupBy = t.groupBy ?? 'day';
  if (groupBy !== 'day' && groupBy !== 'item') throw new ArgumentError('time.groupBy', "'day' or 'item'", t.groupBy);
  let window: [number, number] = [-Infinity, Infinity];
  if (t.window !== undefined) {
    const w = Array.isArray(t.window) && t.window.length === 2 ? [instant(t.window[0]), instant(t.window[1])] : [];
    if (w.length !== 2 || !(w[0] <= w[1])) throw new ArgumentError('time.window', '[start, end]: ISO dates, Dates or milliseconds, start before end', t.window);
    window = w as [number, number];
  }
  return { steps: t.steps, pick, groupBy, window, quality: t.quality };
}
