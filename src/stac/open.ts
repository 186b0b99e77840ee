/**
 * A STAC input as one source: the named assets become the bands, in that order; each asset is the
 * mosaic of its COGs over the items (in date order, later items drawn over earlier ones), warped
 * through every sample box from its own resolution and CRS, so that assets at 10, 20 and 60 m come
 * out aligned on one grid.
 */
import { ArgumentError, GeotensorError, SourceError, redactUrl } from '../core/errors.js';
import type { EnginePool } from '../engine/pool.js';
import { openRaster, type Raster } from '../engine/raster.js';
import { type ProgressOption, progressReporter } from '../runtime/progress.js';
import { RasterStack, type StackMember } from '../engine/raster-stack.js';
import { readStacItems, remoteFor, resolve, toUrl, trustedOrigins } from './read.js';
import { checkQuality, checkTime, TimeStack, type TimeOptions } from './time-stack.js';
import type { ReadItem, StacInput, StacReadOptions } from './types.js';
import type { Bounds } from '../core/box.js';

/** Where an href is used: its item and asset. */
export interface HrefContext {
  item: string;
  asset: string;
}

export interface StacOpenOptions extends StacReadOptions {
  /** Asset keys (e.g. ['B04', 'B03', 'B02', 'B08']): the bands, in this order. */
  assets: string[];
  /** value × scale + offset from each asset's raster:bands (the bands are then float32), and its nodata as the files' source nodata. */
  applyScale?: boolean;
  /** Maps an href (absolute, e.g. s3://bucket/key) to an http(s) URL or path. */
  hrefToUrl?: (href: string, where: HrefContext) => string | URL;
  /** Signs each asset URL before it is read (e.g. a SAS token for Planetary Computer). */
  signHref?: (url: string, where: HrefContext) => string | Promise<string>;
  /** Items without one of the assets: 'error' (default) or 'skip' them for that asset. */
  missingAssets?: 'error' | 'skip';
  /** Report the opening of the assets' files: a callback (done, total), or true for a bar / `geotensor-progress` events. */
  progress?: ProgressOption;
  engine?: EnginePool;
}

/** Opens the assets of a STAC input as the bands of one source (with `time`: a TimeStack of dated steps). */
export async function openStac(input: StacInput, options: StacOpenOptions & { time: TimeOptions }): Promise<TimeStack>;
export async function openStac(input: StacInput, options: StacOpenOptions): Promise<RasterStack>;
export async function openStac(input: StacInput, options: StacOpenOptions & { time?: TimeOptions }): Promise<RasterStack | TimeStack> {
  const assets = checkAssets(options?.assets);
  if (options.missingAssets !== undefined && options.missingAssets !== 'error' && options.missingAssets !== 'skip')
    throw new ArgumentError('missingAssets', "'error' or 'skip'", options.missingAssets);
  for (const k of ['hrefToUrl', 'signHref'] as const) if (options[k] !== undefined && typeof options[k] !== 'function') throw new ArgumentError(k, 'a function', options[k]);
  const time = options.time === undefined ? null : checkTime(options.time);
  if (time?.quality) checkQuality(time.quality, assets); // before any document is read or file opened
  const items = (await readStacItems(input, options)).map((r, i) => ({ r, i })).sort((a, b) => a.r.time - b.r.time || a.i - b.i);
  const where = typeof input === 'string' || input instanceof URL ? redactUrl(String(input)) : 'the STAC input';
  if (items.length === 0) throw new SourceError('SOURCE_NOT_FOUND', `${where}: has no items (nothing to read the assets ${assets.join(', ')} from)`, { input: where });
  const sorted = items.map((x) => x.r);
  const trusted = trustedOrigins(typeof input === 'string' || input instanceof URL ? toUrl(input) : null, options.remote);
  const groups = time ? groupItems(sorted, time.groupBy).filter((g) => g[0].time >= time.window[0] && g[0].time <= time.window[1]) : [sorted];
  if (groups.length === 0) throw new SourceError('SOURCE_NOT_FOUND', `${where}: no item is dated within time.window`, { input: where });
  // Progress: one tick per asset mosaic opened (assets × dates).
  const bar = progressReporter('openStac', groups.length * assets.length, options.progress);
  let opens = 0;
  const ticked = () => bar.tick(++opens);
  if (!time) {
    const stack = await openGroup(sorted, assets, options, where, trusted, ticked);
    bar.end();
    return stack;
  }
  const stacks: (RasterStack | null)[] = groups.map(() => null);
  try {
    await Promise.all(
      groups.map(async (g, k) => {
        stacks[k] = await openGroup(g, assets, options, where, trusted, ticked);
      }),
    );
    bar.end();
    const dates = groups.map((g, k) => ({ datetime: datetimeOf(g[0]), time: g[0].time, bbox: bboxOf(g), stack: stacks[k]! }));
    return new TimeStack(dates, options.time!, `STAC ${where} (${groups.length} dates: ${assets.join(', ')})`);
  } catch (e) {
    await Promise.all(stacks.map((s) => s?.close()));
    throw e;
  }
}

/** The items of one step (all, without time) as one RasterStack of the assets. */
async function openGroup(items: ReadItem[], assets: string[], options: StacOpenOptions, where: string, trusted: ReadonlySet<string>, opened1: () => void): Promise<RasterStack> {
  const plan = await Promise.all(assets.map((a) => assetUrls(a, items, options, where)));
  const opened: (Raster | null)[] = assets.map(() => null);
  try {
    await Promise.all(
      plan.map(async (p, k) => {
        // The user's headers only when every file of the asset is on a trusted origin (the input's, headerOrigins).
        const remote = remoteFor(p.urls, options.remote, trusted);
        // applyScale: raster:bands' nodata is the files' source nodata (as gdalbuildvrt -srcnodata gives it).
        const sourceNodata = options.applyScale && p.nodata ? p.nodata : undefined;
        try {
          opened[k] = await openRaster(p.urls.length === 1 ? p.urls[0] : p.urls, { engine: options.engine, remote, signal: options.signal, sourceNodata });
        } catch (e) {
          if (!(e instanceof ArgumentError && e.details.input === 'sourceNodata')) throw e;
          const asset = assets[k];
          throw new SourceError('SOURCE_UNREADABLE', `${where}, asset ${asset}: raster:bands gives a nodata its files cannot hold (${e.message})`, { input: where, asset });
        }
        opened1();
      }),
    );
    const members: StackMember[] = assets.map((name, k) => ({ name, raster: opened[k]!, scales: plan[k].scales }));
    for (const m of members) {
      if (m.raster.meta.vector) throw new SourceError('SOURCE_UNREADABLE', `${where}: asset ${m.name} is a vector layer, not a raster`, { input: m.raster.label, asset: m.name });
    }
    const dates = items.length === 1 ? items[0].item.id : `${items.length} items`;
    return new RasterStack(members, { label: `STAC ${where} (${dates}: ${assets.join(', ')})`, applyScale: options.applyScale });
  } catch (e) {
    await Promise.all(opened.map((r) => r?.close()));
    throw e;
  }
}

/** Items (in date order) grouped by UTC day or one per item. */
function groupItems(items: ReadItem[], by: 'day' | 'item'): ReadItem[][] {
  if (by === 'item') return items.map((i) => [i]);
  const days = new Map<string, ReadItem[]>();
  for (const i of items) {
    const day = new Date(i.time).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
  }
  return [...days.values()];
}

function datetimeOf(i: ReadItem): string {
  return new Date(i.time).toISOString();
}

/** The union of the items' bbox ([w, s, e, n] or 3-D [w, s, zmin, e, n, zmax]), or null when one has none. */
function bboxOf(items: ReadItem[]): Bounds | null {
  let out: Bounds | null = null;
  for (const { item } of items) {
    const b = item.bbox;
    if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
    const [w, s, e, n] = b.length === 4 ? b : [b[0], b[1], b[3], b[4]];
    if (w > e) return null; // across the antimeridian: meets every box, as far as this check goes
    out = out ? [Math.min(out[0], w), Math.min(out[1], s), Math.max(out[2], e), Math.max(out[3], n)] : [w, s, e, n];
  }
  return out;
}

function checkAssets(a: unknown): string[] {
  if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === 'string' && x.length > 0))
    throw new ArgumentError('assets', "a non-empty list of asset keys, e.g. ['B04', 'B03', 'B02']", a);
  if (new Set(a).size !== a.length) throw new ArgumentError('assets', 'asset keys without repeats', a);
  return a as string[];
}

/** The URLs of one asset over the items (date order), and its bands' scales (from the first item having it). */
async function assetUrls(
  asset: string,
  items: ReadItem[],
  options: StacOpenOptions,
  where: string,
): Promise<{ urls: string[]; scales?: { scale: number; offset: number }[]; nodata?: number[] }> {
  const urls: string[] = [];
  let scales: { scale: number; offset: number }[] | undefined;
  let nodata: { values: number[] | undefined; item: string } | undefined;
  for (const { item, base } of items) {
    const a = item.assets[asset];
    const ctx = { item: item.id, asset };
    if (!a) {
      if (options.missingAssets === 'skip') continue;
      const has = Object.keys(item.assets).slice(0, 12).join(', ');
      throw new SourceError('SOURCE_UNREADABLE', `${where}: item ${item.id} has no asset ${asset} (it has ${has}); pass missingAssets: 'skip' to read the others`, {
        input: where,
        item: item.id,
        asset,
      });
    }
    const label = `${where}, item ${item.id}, asset ${asset}`;
    let url = resolve(a.href, base, label);
    if (options.hrefToUrl) {
      const mapped = options.hrefToUrl(url, ctx);
      url = mapped instanceof URL ? mapped.href : String(mapped);
    }
    if (!/^(https?|file):/i.test(url) && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
      throw new SourceError('SOURCE_UNREADABLE', `${label}: its href is a ${url.split(':')[0]}: URL; pass hrefToUrl to map it to http(s)`, { input: label, item: item.id, asset });
    }
    if (options.signHref) {
      try {
        url = String(await options.signHref(url, ctx));
      } catch (e) {
        if (e instanceof GeotensorError) throw e;
        throw new SourceError('SOURCE_UNREADABLE', `${label}: signHref failed (${(e as Error)?.message ?? e})`.slice(0, 300), { input: label, item: item.id, asset });
      }
    }
    urls.push(url);
    scales ??= scalesOf(a['raster:bands'], label);
    const nd = nodataOf(a['raster:bands'], label);
    nodata ??= { values: nd, item: item.id };
    if (String(nd) !== String(nodata.values)) {
      throw new SourceError(
        'SOURCE_UNREADABLE',
        `${label}: raster:bands gives nodata ${nd ?? 'none'}, but item ${nodata.item} gives ${nodata.values ?? 'none'} for the same asset`,
        {
          input: label,
          item: item.id,
          asset,
        },
      );
    }
  }
  if (urls.length === 0) throw new SourceError('SOURCE_UNREADABLE', `${where}: no item has the asset ${asset}`, { input: where, asset });
  return { urls, scales, nodata: nodata?.values };
}

/** raster:bands' nodata per band (numbers, or 'nan', 'inf', '-inf'), or undefined when no band gives one. */
function nodataOf(bands: unknown, label: string): number[] | undefined {
  if (!Array.isArray(bands)) return undefined; // scalesOf refuses what is not an array
  const values = bands.map((b) => (b as { nodata?: unknown })?.nodata);
  if (values.every((v) => v === undefined)) return undefined;
  return values.map((v, i) => {
    if (typeof v === 'number' && !Number.isNaN(v)) return v;
    const special: Record<string, number> = { nan: Number.NaN, inf: Infinity, '-inf': -Infinity };
    if (typeof v === 'string' && v in special) return special[v];
    throw new SourceError(
      'SOURCE_UNREADABLE',
      `${label}: raster:bands[${i}].nodata is ${v === undefined ? 'missing (other bands give one)' : 'not a number, "nan", "inf" or "-inf"'}`,
      {
        input: label,
      },
    );
  });
}

function scalesOf(bands: unknown, label: string): { scale: number; offset: number }[] | undefined {
  if (bands === undefined) return undefined;
  if (!Array.isArray(bands)) throw new SourceError('SOURCE_UNREADABLE', `${label}: raster:bands is not an array`, { input: label });
  return bands.map((b, i) => {
    const scale = (b as { scale?: unknown })?.scale ?? 1;
    const offset = (b as { offset?: unknown })?.offset ?? 0;
    if (typeof scale !== 'number' || typeof offset !== 'number' || !Number.isFinite(scale) || !Number.isFinite(offset)) {
      throw new SourceError('SOURCE_UNREADABLE', `${label}: raster:bands[${i}] has a scale or offset that is not a finite number`, { input: label });
    }
    return { scale, offset };
  });
}
