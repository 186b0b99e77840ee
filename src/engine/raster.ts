/**
 * `openRaster`: the engine's public face. A raster is opened once (in each worker that reads it)
 * and stays open until `close()`; `readWindow` returns the pixels of a box in any CRS at any size.
 */
import { turnedEnvelope } from '../core/box.js';
import type { CrsInfo, RasterMeta, WindowResult, DatasetSpec, FileSpec, RasterizeSpec, WindowRequest } from './protocol.js';
import { isGeoJsonObject } from './rasterize-options.js';
import { ArgumentError, EngineError, type GeotensorError, SourceError } from '../core/errors.js';
import { currentRuntime } from '../runtime/index.js';
import type { CacheBudget } from '../remote/cache-budget.js';
import { RemoteFile, isRemoteUrl } from '../remote/remote.js';
import { sumStats } from '../remote/stats.js';
import type { RemoteStats, RemoteOptions } from '../remote/types.js';
import { blockReader, registerBlockReader, unregisterBlockReader } from './byte-bridge.js';
import { mosaicMeta, partsFor, windowParts } from './mosaic.js';
import { defaultEngine, type EnginePool, type OpenDataset } from './pool.js';
import { toWindowRequest, type ReadWindowOptions } from './validate.js';
import { checkWindow } from './limits.js';
import { TilePrefetch } from './prefetch.js';
import { readWindowBatch, type Window } from './window-batch.js';
import { describedFromIndex, recordInIndex } from './indexed-description.js';
import { flatGeobufIndexed } from './fgb-header.js';
import { loadEpsgTable } from '../crs/index.js';

export type { Window };

/** One file: a local path, an http(s) URL, a File/Blob or bytes. */
export type RasterFile = string | URL | Blob | ArrayBuffer | Uint8Array;
/** Where raster bytes come from: one file, or several read as one mosaic. */
export type RasterSource = RasterFile | readonly RasterFile[];

export interface OpenRasterOptions {
  /** The engine to use (default: the shared default engine). */
  engine?: EnginePool;
  /** A name for messages when the source is bytes or a Blob (default: the File's name). */
  name?: string;
  signal?: AbortSignal;
  /** Options for http(s) sources: headers, timeout, retries, cache size, an AbortSignal. */
  remote?: RemoteOptions;
  /** Read the source as a vector layer, rasterized by GDAL through each window (see rasterize-options.ts). */
  rasterize?: RasterizeSpec;
  /**
   * The source's nodata, in place of what its files say (or where they say none): one value for
   * every band, or one per band. As `gdalwarp -srcnodata` (a mosaic: `gdalbuildvrt -srcnodata`):
   * those pixels are left out of resampling and become the window's nodata.
   */
  sourceNodata?: number | number[];
}

/** A GeoJSON FeatureCollection as GDAL writes it (with a `crs` member naming its CRS). */
export interface FeatureCollectionLike {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }[];
  crs?: { type: 'name'; properties: { name: string } };
}

let nextId = 1;

export class Raster {
  private closed = false;
  /** Tile prefetching, made when first asked: a prefetcher per remote file (none for other sources). */
  private prefetchers: Map<number, TilePrefetch> | undefined;

  /** The name used in messages: the path, the URL without credentials and query, or the Blob's name. */
  readonly label: string;

  /** How to open the source again (a file opened from a source index that changed since). */
  private reopen: (() => Promise<Raster>) | null = null;

  private constructor(
    readonly meta: RasterMeta,
    private dataset: OpenDataset,
    private readonly engine: EnginePool,
    private fileIds: number[],
  ) {
    this.label = dataset.label;
  }

  /**
   * Opens a raster (or, given a list, a mosaic of rasters). Fails here, with a SourceError (or a
   * RemoteError for URLs), if it is missing or not a raster.
   */
  static async open(input: RasterSource | object, options: OpenRasterOptions = {}): Promise<Raster> {
    const engine = options.engine ?? defaultEngine();
    const fileIds: number[] = [];
    // The remote files of this source share one cache budget (remote.cacheBytes).
    const shared: { budget?: CacheBudget } = {};
    // Every EPSG code becomes known on the TypeScript side while the engine opens the source.
    const table = loadEpsgTable().catch(() => undefined);
    try {
      let source: DatasetSpec;
      let label: string;
      if (options.rasterize) {
        if (options.sourceNodata !== undefined) throw new ArgumentError('sourceNodata', 'a raster source (a vector layer rasterized has no source nodata)', options.sourceNodata);
        if (Array.isArray(input)) throw new ArgumentError('source', 'one vector file (a list is a mosaic of rasters)', input);
        const file: RasterFile = isGeoJsonObject(input) ? geoJsonBytes(input) : (input as RasterFile);
        const leaf = await toDatasetSpec(file, options.name ?? (isGeoJsonObject(input) ? 'GeoJSON' : undefined), options, fileIds, shared);
        // A remote FlatGeobuf with its R-tree is read where it is: each box fetches only its features.
        const remote = leaf.source.kind === 'lazy' ? blockReader(leaf.source.fileId) : null;
        const inPlace = !!remote && flatGeobufIndexed(await remote.readBlocks(0, 1, options.signal));
        source = { kind: 'vector', source: leaf.source as FileSpec, rasterize: options.rasterize, ...(inPlace ? { inPlace } : {}) };
        label = leaf.label;
      } else if (Array.isArray(input)) {
        if (input.length === 0) throw new ArgumentError('source', 'a file or a non-empty list of files', input);
        // Remote parts are probed concurrently (16 at a time): a list of 1,000 URLs opens in round trips of 16, not 1,000.
        const parts = await allSettledInOrder(
          (input as readonly RasterFile[]).map((item) => () => toDatasetSpec(item, undefined, options, fileIds, shared)),
          16,
        );
        source = { kind: 'mosaic', parts };
        label = parts.length === 1 ? parts[0].label : `mosaic of ${parts.length} files (${parts[0].label}, ...)`;
      } else {
        ({ source, label } = await toDatasetSpec(input as RasterFile, options.name, options, fileIds, shared));
      }
      const id = nextId++;
      const sourceNodata = checkSourceNodata(options.sourceNodata);
      // Files a source index gave come with their descriptions: the worker confirms them instead of running gdalinfo.
      const described = describedFromIndex(source);
      const open = { ...(sourceNodata ? { sourceNodata } : {}), ...(described ? { described } : {}) };
      const dataset: OpenDataset = { id, spec: source, label, ...(Object.keys(open).length ? { options: open } : {}) };
      const meta = await engine.open(dataset, options.signal);
      await table;
      const fromIndex = await recordInIndex(source, meta);
      const opened = new Raster(meta, dataset, engine, fileIds);
      if (fromIndex) opened.reopen = () => Raster.open(input, options);
      if (!meta.parts) return opened;
      try {
        const mosaic = new Raster(
          mosaicMeta(
            label,
            meta.parts,
            (source as { parts: { label: string }[] }).parts.map((p) => p.label),
          ),
          dataset,
          engine,
          fileIds,
        );
        mosaic.reopen = opened.reopen;
        return mosaic;
      } catch (e) {
        await opened.close(); // files that cannot form a mosaic: nothing stays open in the workers
        throw e;
      }
    } catch (e) {
      for (const f of fileIds) unregisterBlockReader(f);
      throw e;
    }
  }

  /** Keras Spatial's `meta` (rasterio profile) plus bounds and res. */
  describe(): RasterMeta {
    return this.meta;
  }

  /**
   * The pixels of `bounds` (in `crs`, default the raster's) warped to width×height, band-sequential,
   * exactly as `gdalwarp -te … -ts … -t_srs … -r …` gives them.
   */
  async readWindow(options: ReadWindowOptions): Promise<Window> {
    const req = this.request(options);
    const read = () => this.engine.run({ label: this.label, signal: options.signal, dataset: this.dataset }, (api) => api.read(this.dataset.id, req));
    let r: WindowResult;
    try {
      r = await read();
    } catch (e) {
      if ((e as { code?: string }).code !== 'SOURCE_CHANGED' || !this.reopen) throw e;
      await this.reopenChanged(e as Error);
      r = await read();
    }
    return { ...r, bounds: req.bounds, crs: req.crs };
  }

  /**
   * Several windows in one engine call, each as `readWindow` gives it or with its own error (see
   * window-batch.ts); what a flow uses where the engine's workers wait for remote bytes.
   * @internal
   */
  readWindows(list: readonly ReadWindowOptions[]): Promise<(Window | GeotensorError)[]> {
    const src = {
      engine: this.engine,
      dataset: this.dataset,
      label: this.label,
      request: (o: ReadWindowOptions) => this.request(o),
      single: (o: ReadWindowOptions) => this.readWindow(o),
    };
    return readWindowBatch(src, list);
  }

  /** The engine's request for a window: validated, a mosaic's parts picked, checked against the limits. */
  private request(options: ReadWindowOptions): WindowRequest {
    if (this.closed) throw new EngineError('ENGINE_CLOSED', `${this.label}: raster is closed`, { input: this.label });
    const req = toWindowRequest(options, this.meta);
    if (this.meta.parts) {
      const { parts, sole } = windowParts(this.meta, turnedEnvelope(req.bounds, req.rotation), req.crs, req.width, req.height, req.resampling);
      req.parts = parts;
      if (sole !== null && !req.rotation) req.fromPart = sole;
    }
    checkWindow(this.meta, req, this.label, this.engine.limits);
    return req;
  }

  /**
   * A file opened from a source index changed since it was indexed (its first range request said so):
   * forget it there, open the source again from the network (which indexes it anew) and read that,
   * if its grid is the one this raster has; otherwise the change is the caller's to see.
   */
  private async reopenChanged(cause: Error): Promise<void> {
    const reopen = this.reopen;
    this.reopen = null; // once: a file that changes again is an error like any other
    for (const f of this.fileIds) {
      const r = blockReader(f);
      if (r instanceof RemoteFile && r.fromIndex) await r.forgetInIndex();
    }
    const fresh = await reopen!();
    // The same grid, bands and types (the sandbox's file names differ between opens).
    const grid = (m: RasterMeta) => JSON.stringify(m, (k, v) => (k === 'files' ? undefined : v));
    if (grid(fresh.meta) !== grid(this.meta)) {
      await fresh.close();
      throw new SourceError('SOURCE_CHANGED', `${this.label}: changed since it was indexed, and so did its size, grid or bands: open it again (${cause.message})`, {
        input: this.label,
      });
    }
    const [oldDataset, oldFiles] = [this.dataset, this.fileIds];
    this.dataset = fresh.dataset;
    this.fileIds = fresh.fileIds;
    this.prefetchers = undefined;
    fresh.closed = true; // this raster owns its dataset now
    await this.engine.closeDataset(oldDataset.id);
    for (const f of oldFiles) unregisterBlockReader(f);
  }

  /**
   * A vector source's features (geometries, and `gt_id`: each feature's position in the layer) as a
   * GeoJSON FeatureCollection in the layer's CRS, with a `crs` member naming it — what
   * `SampleSet.within` / `intersects` take as a mask.
   */
  async features(options: { signal?: AbortSignal } = {}): Promise<{ geojson: FeatureCollectionLike; crs: string }> {
    if (this.closed) throw new EngineError('ENGINE_CLOSED', `${this.label}: raster is closed`, { input: this.label });
    if (!this.meta.vector || !this.meta.crs) throw new ArgumentError('source', `a vector source to list the features of (${this.label} is a raster)`, this.label);
    const bytes = await this.engine.run({ label: this.label, signal: options.signal, dataset: this.dataset }, (api) => api.features(this.dataset.id));
    let geojson: FeatureCollectionLike;
    try {
      geojson = JSON.parse(new TextDecoder().decode(bytes)) as FeatureCollectionLike;
    } catch {
      throw new SourceError('SOURCE_UNREADABLE', `${this.label}: GDAL's GeoJSON of its features could not be parsed`, { input: this.label });
    }
    const crs = this.meta.crs.epsg ? `EPSG:${this.meta.crs.epsg}` : this.meta.crs.wkt;
    geojson.crs = { type: 'name', properties: { name: crs } };
    return { geojson, crs };
  }

  /**
   * Starts fetching the tiles a window will read (remote tiled GeoTIFFs and COGs; nothing for other
   * sources), so that the read finds them in the block cache. Never fails: it is advice.
   */
  async prefetch(options: ReadWindowOptions): Promise<void> {
    try {
      this.prefetchers ??= this.makePrefetchers();
      if (this.closed || this.prefetchers.size === 0) return;
      const req = toWindowRequest(options, this.meta);
      // A mosaic: each remote part the window meets, planned on that part's own grid and CRS.
      const parts = this.meta.parts ? partsFor(this.meta, turnedEnvelope(req.bounds, req.rotation), req.crs) : [-1];
      await Promise.all(parts.map((i) => this.prefetchers!.get(i)?.run(req, options.signal)));
    } catch {
      // a bad request fails in readWindow, with its message
    }
  }

  /** A prefetcher per remote file: key -1 for a single file, else the mosaic part's index. */
  private makePrefetchers(): Map<number, TilePrefetch> {
    const out = new Map<number, TilePrefetch>();
    if (this.meta.vector) return out;
    const spec = this.dataset.spec;
    const leaves = spec.kind === 'mosaic' ? spec.parts.map((p) => p.source) : [spec];
    leaves.forEach((leaf, i) => {
      const r = leaf.kind === 'lazy' ? blockReader(leaf.fileId) : null;
      const meta = this.meta.parts ? this.meta.parts[i] : this.meta;
      if (r instanceof RemoteFile && meta) out.set(this.meta.parts ? i : -1, new TilePrefetch(r, meta));
    });
    return out;
  }

  /** Resolves a CRS string with GDAL (WKT1 for proj4, WKT2, EPSG code). */
  async resolveCrs(crs: string): Promise<CrsInfo> {
    if (typeof crs !== 'string' || !crs.trim()) throw new ArgumentError('crs', 'a CRS string', crs);
    return this.engine.run({ label: crs }, (api) => api.resolveCrs(crs.trim()));
  }

  /** Closes the dataset in every worker. Further reads fail with ENGINE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.closeDataset(this.dataset.id);
    for (const f of this.fileIds) unregisterBlockReader(f);
  }

  /**
   * What reading the source's bytes has cost so far, for remote files (summed over the files of a
   * mosaic): requests, bytes fetched, cache hits and misses, retries. Null for local sources.
   */
  sourceStats(): RemoteStats | null {
    return sumStats(this.fileIds.map((f) => blockReader(f)?.stats()));
  }

  /** The engine this raster is read by. */
  get enginePool(): EnginePool {
    return this.engine;
  }

  /** Number of workers of the engine this raster is read by. */
  get engineSize(): number {
    return this.engine.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function checkSourceNodata(v: unknown): number[] | null {
  if (v === undefined) return null;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === 'number'))
    throw new ArgumentError('sourceNodata', 'a number (NaN allowed) or a non-empty list of them, one per band', v);
  return list as number[];
}

/** A GeoJSON object as the bytes of a .geojson file (GDAL reads it like any other). */
function geoJsonBytes(v: object): Uint8Array {
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch (e) {
    throw new ArgumentError('source', 'a GeoJSON object that JSON.stringify accepts', (e as Error).message);
  }
  return new TextEncoder().encode(text);
}

/** Opens a raster (see {@link Raster.open}). */
export function openRaster(input: RasterSource | object, options?: OpenRasterOptions): Promise<Raster> {
  return Raster.open(input, options);
}

/** Runs the tasks at most `limit` at a time; their results in order, or the first failure once every task has ended. */
async function allSettledInOrder<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < tasks.length; k = next++) {
      try {
        out[k] = { status: 'fulfilled', value: await tasks[k]() };
      } catch (reason) {
        out[k] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  const failed = out.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return out.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function toDatasetSpec(
  input: RasterFile,
  name: string | undefined,
  options: OpenRasterOptions,
  fileIds: number[],
  shared: { budget?: CacheBudget },
): Promise<{ source: DatasetSpec; label: string }> {
  if (typeof input === 'string' || input instanceof URL) {
    const s = input instanceof URL ? input.href : input;
    if (s.trim() === '') throw new ArgumentError('source', 'a path, URL, File, Blob, ArrayBuffer or Uint8Array', input);
    if (isRemoteUrl(s)) {
      const file = await RemoteFile.open(s, options.remote, options.signal, shared);
      const fileId = registerBlockReader(file);
      fileIds.push(fileId);
      return { source: { kind: 'lazy', fileId, name: file.name, size: file.size, blockSize: file.blockSize }, label: file.label };
    }
    return { source: { kind: 'path', path: await currentRuntime().localFile(s) }, label: s };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const label = name ?? ((input as File).name || 'blob');
    if (input.size === 0) throw new SourceError('SOURCE_UNREADABLE', `${label}: is empty (0 bytes)`, { input: label });
    return { source: { kind: 'blob', blob: input, name: label }, label };
  }
  if (input instanceof ArrayBuffer || input instanceof Uint8Array) {
    const label = name ?? 'bytes';
    const bytes = input instanceof Uint8Array ? (input.slice().buffer as ArrayBuffer) : input.slice(0);
    if (bytes.byteLength === 0) throw new SourceError('SOURCE_UNREADABLE', `${label}: is empty (0 bytes)`, { input: label });
    return { source: { kind: 'bytes', bytes, name: label }, label };
  }
  throw new ArgumentError('source', 'a path, URL, File, Blob, ArrayBuffer or Uint8Array', input);
}
