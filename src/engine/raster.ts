/**
 * `openRaster`: the engine's public face. A raster is opened once (in each worker that reads it)
 * and stays open until `close()`; `readWindow` returns the pixels of a box in any CRS at any size.
 */
import type { Bounds, CrsInfo, RasterMeta, WindowResult, WorkerSource } from './types.js';
import { ArgumentError, EngineError, GeotensorError, SourceError } from '../errors/index.js';
import { currentRuntime } from '../runtime/index.js';
import { RemoteFile, isRemoteUrl } from '../source/remote.js';
import type { ByteSourceStats, RemoteOptions } from '../source/types.js';
import { byteSource, registerByteSource, unregisterByteSource, withBytes } from './byte-bridge.js';
import { mosaicMeta, partsFor } from './mosaic.js';
import { defaultEngine, type EnginePool, type EngineWorker } from './pool.js';
import { toWindowRequest, type ReadWindowOptions } from './validate.js';

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
}

export interface Window extends WindowResult {
  bounds: Bounds;
  crs: string;
}

let nextId = 1;

export class Raster {
  private closed = false;

  private constructor(
    readonly meta: RasterMeta,
    readonly label: string,
    private readonly id: number,
    private readonly source: WorkerSource,
    private readonly engine: EnginePool,
    private readonly fileIds: number[],
  ) {}

  /**
   * Opens a raster (or, given a list, a mosaic of rasters). Fails here, with a SourceError (or a
   * RemoteError for URLs), if it is missing or not a raster.
   */
  static async open(input: RasterSource, options: OpenRasterOptions = {}): Promise<Raster> {
    const engine = options.engine ?? defaultEngine();
    const fileIds: number[] = [];
    try {
      let source: WorkerSource;
      let label: string;
      if (Array.isArray(input)) {
        if (input.length === 0) throw new ArgumentError('source', 'a file or a non-empty list of files', input);
        const parts = [];
        for (const item of input as readonly RasterFile[]) parts.push(await toWorkerSource(item, undefined, options, fileIds));
        source = { kind: 'mosaic', parts };
        label = parts.length === 1 ? parts[0].label : `mosaic of ${parts.length} files (${parts[0].label}, ...)`;
      } else {
        ({ source, label } = await toWorkerSource(input as RasterFile, options.name, options, fileIds));
      }
      const id = nextId++;
      const meta = await engine.use((worker) => openIn(worker, id, source, label, options.signal));
      const opened = new Raster(meta, label, id, source, engine, fileIds);
      if (!meta.parts) return opened;
      try {
        return new Raster(mosaicMeta(label, meta.parts, (source as { parts: { label: string }[] }).parts.map((p) => p.label)), label, id, source, engine, fileIds);
      } catch (e) {
        await opened.close(); // files that cannot form a mosaic: nothing stays open in the workers
        throw e;
      }
    } catch (e) {
      for (const f of fileIds) unregisterByteSource(f);
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
    if (this.closed) throw new EngineError('ENGINE_CLOSED', `${this.label}: raster is closed`, { input: this.label });
    const req = toWindowRequest(options, this.meta);
    if (this.meta.parts) req.parts = partsFor(this.meta, req.bounds, req.crs);
    const attempt = () =>
      this.engine.use(async (worker) => {
        await this.ensureOpen(worker, options.signal);
        return withBytes(worker, this.label, () => worker.call((api) => api.read(this.id, req), options.signal), options.signal);
      });
    let r;
    try {
      r = await attempt();
    } catch (e) {
      // The worker died under this read (killed, WASM abort, timeout): retry once on a fresh worker.
      if (!(e instanceof EngineError && e.details.workerDied) || this.closed) throw e;
      try {
        r = await attempt();
      } catch (e2) {
        if (e2 instanceof GeotensorError) Object.assign(e2.details, { retried: true });
        throw e2;
      }
    }
    return { ...r, bounds: req.bounds, crs: req.crs };
  }

  /** Resolves a CRS string with GDAL (WKT1 for proj4, WKT2, EPSG code). */
  async resolveCrs(crs: string): Promise<CrsInfo> {
    if (typeof crs !== 'string' || !crs.trim()) throw new ArgumentError('crs', 'a CRS string', crs);
    return this.engine.use((worker) => worker.call((api) => api.resolveCrs(crs.trim())));
  }

  /** Closes the dataset in every worker. Further reads fail with ENGINE_CLOSED. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.engine.live().map(async (w) => {
        if (!w.opened.has(this.id)) return;
        w.opened.delete(this.id);
        await w.call((api) => api.close(this.id)).catch(() => undefined);
      }),
    );
    for (const f of this.fileIds) unregisterByteSource(f);
  }

  /**
   * What reading the source's bytes has cost so far, for remote files (summed over the files of a
   * mosaic): requests, bytes fetched, cache hits and misses, retries. Null for local sources.
   */
  sourceStats(): ByteSourceStats | null {
    const all = this.fileIds.map((f) => byteSource(f)?.stats()).filter((s): s is ByteSourceStats => !!s);
    if (all.length === 0) return null;
    return all.reduce((a, b) => ({
      requests: a.requests + b.requests,
      bytesFetched: a.bytesFetched + b.bytesFetched,
      cacheHits: a.cacheHits + b.cacheHits,
      cacheMisses: a.cacheMisses + b.cacheMisses,
      retries: a.retries + b.retries,
      size: a.size + b.size,
    }));
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

  private ensureOpen(worker: EngineWorker, signal?: AbortSignal): Promise<unknown> {
    return worker.opened.get(this.id) ?? openIn(worker, this.id, this.source, this.label, signal);
  }
}

/** Opens dataset `id` in one worker, shared by concurrent callers; forgotten again if it fails. */
function openIn(worker: EngineWorker, id: number, source: WorkerSource, label: string, signal?: AbortSignal): Promise<RasterMeta> {
  const p = withBytes(worker, label, () => worker.call((api) => api.open(id, source, label), signal), signal);
  worker.opened.set(id, p);
  p.catch(() => worker.opened.delete(id));
  return p;
}

/** Opens a raster (see {@link Raster.open}). */
export function openRaster(input: RasterSource, options?: OpenRasterOptions): Promise<Raster> {
  return Raster.open(input, options);
}

async function toWorkerSource(input: RasterFile, name: string | undefined, options: OpenRasterOptions, fileIds: number[]): Promise<{ source: WorkerSource; label: string }> {
  if (typeof input === 'string' || input instanceof URL) {
    const s = input instanceof URL ? input.href : input;
    if (s.trim() === '') throw new ArgumentError('source', 'a path, URL, File, Blob, ArrayBuffer or Uint8Array', input);
    if (isRemoteUrl(s)) {
      const file = await RemoteFile.open(s, options.remote, options.signal);
      const fileId = registerByteSource(file);
      fileIds.push(fileId);
      return { source: { kind: 'lazy', fileId, name: file.name, size: file.size, blockSize: file.blockSize }, label: file.label };
    }
    if (s.startsWith('file:')) {
      const { fileURLToPath } = await import('node:url');
      return currentRuntime().pathSource(fileURLToPath(s));
    }
    return currentRuntime().pathSource(s);
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

