/**
 * `openRaster`: the engine's public face. A raster is opened once (in each worker that reads it)
 * and stays open until `close()`; `readWindow` returns the pixels of a box in any CRS at any size.
 */
import type { Bounds, CrsInfo, RasterMeta, WindowResult, WorkerSource } from './types.js';
import { ArgumentError, EngineError, GeotensorError, SourceError } from '../errors/index.js';
import { currentRuntime } from '../runtime/index.js';
import { defaultEngine, type EnginePool, type EngineWorker } from './pool.js';
import { toWindowRequest, type ReadWindowOptions } from './validate.js';

/** Where raster bytes come from. */
export type RasterSource = string | URL | Blob | ArrayBuffer | Uint8Array;

export interface OpenRasterOptions {
  /** The engine to use (default: the shared default engine). */
  engine?: EnginePool;
  /** A name for messages when the source is bytes or a Blob (default: the File's name). */
  name?: string;
  signal?: AbortSignal;
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
  ) {}

  /** Opens a raster. Fails here, with a SourceError, if it is missing or not a raster. */
  static async open(input: RasterSource, options: OpenRasterOptions = {}): Promise<Raster> {
    const engine = options.engine ?? defaultEngine();
    const { source, label } = await toWorkerSource(input, options.name);
    const id = nextId++;
    const meta = await engine.use((worker) => openIn(worker, id, source, label, options.signal));
    return new Raster(meta, label, id, source, engine);
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
    const attempt = () =>
      this.engine.use(async (worker) => {
        await this.ensureOpen(worker, options.signal);
        return worker.call((api) => api.read(this.id, req), options.signal);
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
  const p = worker.call((api) => api.open(id, source, label), signal);
  worker.opened.set(id, p);
  p.catch(() => worker.opened.delete(id));
  return p;
}

/** Opens a raster (see {@link Raster.open}). */
export function openRaster(input: RasterSource, options?: OpenRasterOptions): Promise<Raster> {
  return Raster.open(input, options);
}

async function toWorkerSource(input: RasterSource, name?: string): Promise<{ source: WorkerSource; label: string }> {
  if (typeof input === 'string' || input instanceof URL) {
    const s = input instanceof URL ? input.href : input;
    if (s.trim() === '') throw new ArgumentError('source', 'a path, URL, File, Blob, ArrayBuffer or Uint8Array', input);
    if (/^https?:\/\//i.test(s)) {
      throw new SourceError('SOURCE_UNREADABLE', `${s.replace(/[?#].*$/, '')}: remote sources are not supported yet; fetch it and pass the bytes`, { input: s.replace(/[?#].*$/, '') });
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

