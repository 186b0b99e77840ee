/**
 * The engine itself: GDAL in WebAssembly, datasets kept open across reads (each in its sandbox, see
 * sandbox.ts), windows warped straight into WebAssembly memory (target-grids.ts) — no file written
 * per sample. Runtime-neutral: the worker wraps it with Comlink; edge runtimes use it in-thread.
 */
import type {
  CrsInfo,
  EncodeRequest,
  FileSpec,
  EngineAssetConfig,
  EngineStats,
  OpenOptions,
  RasterMeta,
  WindowRequest,
  WindowResult,
  DatasetSpec,
} from '../src/engine/protocol.js';
import { ArgumentError, EngineError, SampleError, SourceError } from '../src/core/errors.js';
import { confirmDescription, describeDataset, withNodata } from './describe.js';
import { type GdalModule, loadGdal } from './gdal-module.js';
import { BlockingBridge, LazyFiles, NO_OWNER } from './lazy-file.js';
import { encodeRaster } from './encode.js';
import { type PartFile, Sandbox } from './sandbox.js';
import { type LocalFiles, localFiles } from './runtime.js';
import { CrsLookup, checkCrsText } from './crs-lookup.js';
import { TargetGrids } from './target-grids.js';
import { StripWriter } from './strip-writer.js';
import { type VectorLayer, VectorSources } from './vector-source.js';
import { gdalWarp, type WarpHow, warpArgs, warpFailure } from './warp-args.js';
import { type FastWarps, type WarpCounts, warpWindow } from './window-read.js';
import { buildSources, closeSources, pickSources, type WarpInput, warpArea } from './warp-sources.js';
import { exhaustMemory } from './test-hooks.js';

interface Part {
  ds: number;
  file: PartFile;
  label: string;
  meta: RasterMeta;
}

interface OpenDataset {
  label: string;
  meta: RasterMeta;
  parts: Part[];
  sources: WarpInput[];
  /** The source nodata given at open (OpenOptions.sourceNodata), per band, in place of the files' own; else null. */
  sourceNodata: number[] | null;
  /** A lazy read failed or missed under it: GDAL's state may hold the failure, so re-open before the next read. */
  stale: boolean;
  /** What its fast warps have shown so far (window-read.ts), from its first read. */
  fast?: FastWarps;
  /** A vector source: rasterized through each box instead of warped. */
  vector?: VectorLayer;
  /** Its file, kept while a remote FlatGeobuf is read in place. */
  vectorFile?: PartFile;
}

export class GdalEngine {
  private readonly datasets = new Map<number, OpenDataset>();
  private readonly targets: TargetGrids;
  private readonly crs: CrsLookup;
  private readonly lazy: LazyFiles;
  private readonly files: Sandbox;
  private gtPtr = 0;
  private reads = 0;
  /** Files described with gdalinfo or confirmed from a given description; fast warps (window-read.ts). */
  private readonly counts: WarpCounts & { described: number; confirmed: number; areaGiven: number } = {
    described: 0,
    confirmed: 0,
    fastWithAlpha: 0,
    warpedAgain: 0,
    areaGiven: 0,
  };
  /** Large rasters being written strip by strip (the prediction writer). */
  private readonly strips: StripWriter;
  private readonly vectors: VectorSources;

  private constructor(
    private readonly g: GdalModule,
    local: LocalFiles | null,
  ) {
    this.gtPtr = g.M._malloc(48);
    // WKT1 (what proj4 reads on the TypeScript side) carries the datum shift PROJ would use
    // (TOWGS84), so proj4 and GDAL agree on where a box is.
    g.CPLSetConfigOption('OSR_ADD_TOWGS84_ON_EXPORT_TO_WKT1', 'YES');
    // A mosaic's VRT keeps every part open (GDAL's default of 100 reopens parts beyond it on every read).
    g.CPLSetConfigOption('GDAL_MAX_DATASET_POOL_SIZE', '4096');
    this.lazy = new LazyFiles(g.M.FS);
    this.files = new Sandbox(g.M, this.lazy, local);
    this.targets = new TargetGrids(g, () => this.lastError());
    this.strips = new StripWriter(g, () => this.lastError());
    this.crs = new CrsLookup(g, this.gtPtr, () => this.lastError());
    this.vectors = new VectorSources(
      g,
      () => this.lastError(),
      (label) => this.checkLazy(label, ''),
    );
  }

  static async create(config: EngineAssetConfig = {}): Promise<GdalEngine> {
    return new GdalEngine(await loadGdal(config), await localFiles());
  }

  /** Connects the blocking bridge: from now on lazy files wait for their bytes instead of failing. */
  attachBridge(sab: SharedArrayBuffer, port: { postMessage(m: unknown): void }, timeoutMs: number): void {
    this.lazy.bridge = new BlockingBridge(sab, port, timeoutMs);
  }

  attachStore(store: SharedArrayBuffer): void {
    this.lazy.attachStore(store);
  }

  supply(fileId: number, first: number, bytes: Uint8Array): void {
    this.lazy.supply(fileId, first, bytes);
  }

  async open(id: number, source: DatasetSpec, label: string, options: OpenOptions = {}): Promise<RasterMeta> {
    if (this.datasets.has(id)) throw new EngineError('ENGINE_FAILED', `dataset id ${id} is already open`, { input: label });
    this.workFor(id, label, true);
    const nodata = options.sourceNodata ?? null;
    if (source.kind === 'vector') {
      if (nodata) throw new ArgumentError('sourceNodata', 'a raster source (a vector layer has no source nodata)', label);
      return this.openVector(id, source, label);
    }
    const leaves = source.kind === 'mosaic' ? source.parts : [{ source, label }];
    if (leaves.length === 0) throw new SourceError('SOURCE_UNREADABLE', `${label}: a mosaic needs at least one file`, { input: label });
    const parts: Part[] = [];
    try {
      for (const leaf of leaves) {
        if (leaf.source.kind === 'mosaic' || leaf.source.kind === 'vector')
          throw new SourceError('SOURCE_UNREADABLE', `${leaf.label}: mosaics cannot be nested or hold vectors`, { input: leaf.label });
        const part = await this.openPart(leaf.source, leaf.label, id, options.described?.[parts.length] ?? null, !nodata);
        parts.push(part);
        if (nodata) part.meta = withNodata(part.meta, nodata, leaf.label);
      }
    } catch (e) {
      for (const p of parts) this.closePart(p, !isNeedBytes(e));
      throw e;
    }
    const meta = source.kind === 'mosaic' ? { ...parts[0].meta, files: parts.flatMap((p) => p.meta.files), parts: parts.map((p) => p.meta) } : parts[0].meta;
    const d: OpenDataset = { label, meta, parts, sources: [], sourceNodata: nodata && meta.nodatavals.map((v) => v as number), stale: false };
    try {
      this.workFor(id, label, true); // after the awaits above
      this.buildSources(d);
    } catch (e) {
      for (const p of parts) this.closePart(p, true);
      throw e;
    }
    this.datasets.set(id, d);
    return meta;
  }

  /** A vector file: copied into an indexed layer (its sandbox folder goes once read), or a remote FlatGeobuf with its R-tree read in place (its file stays). */
  private async openVector(id: number, source: Extract<DatasetSpec, { kind: 'vector' }>, label: string): Promise<RasterMeta> {
    const file = await this.files.create(source.source, label, id, true);
    let layer: VectorLayer | null = null;
    try {
      this.workFor(id, label);
      let opened: ReturnType<VectorSources['open']>;
      try {
        opened = this.vectors.open(file.path, source.rasterize, label, source.inPlace === true && source.source.kind === 'lazy');
      } finally {
        this.checkLazy(label, '');
      }
      layer = opened.layer;
      const meta: RasterMeta = { ...opened.meta, crs: this.crs.resolve(opened.crs) };
      this.datasets.set(id, { label, meta, parts: [], sources: [], sourceNodata: null, stale: false, vector: layer, ...(layer.direct ? { vectorFile: file } : {}) });
      if (!layer.direct) this.files.remove(file, true);
      return meta;
    } catch (e) {
      if (layer) this.vectors.close(layer);
      this.files.remove(file, !isNeedBytes(e)); // replay: the bytes fetched for this open are kept for its next try
      throw e;
    }
  }

  /** The datasets a window is warped from (warp-sources.ts). */
  private buildSources(d: OpenDataset): void {
    d.sources = buildSources(
      d.parts,
      this.g.M.FS,
      (vrt) => this.openFile(vrt, d.label),
      (ds) => this.g.GDALClose(ds),
    );
  }

  private closeSources(d: OpenDataset): void {
    closeSources(d.sources, this.g.M.FS, (ds) => this.g.GDALClose(ds));
    d.sources = [];
  }

  /** Opens one file; `described` (from an open elsewhere) is used when GDAL confirms it (nodata too, unless given at open). */
  private async openPart(source: FileSpec, label: string, owner: number, described: RasterMeta | null, ownNodata: boolean): Promise<Part> {
    const file = await this.files.create(source, label, owner);
    // Another call may have run while this one awaited (calls interleave at awaits): work for this dataset again.
    this.workFor(owner, label, true);
    let ds = 0;
    try {
      try {
        this.files.inspect(file, source, label, owner);
      } catch (e) {
        this.checkLazy(label, ''); // remote bytes not here yet (replay), or the host's error
        throw e;
      }
      ds = this.openFile(file.path, label);
      const confirmed = !!described && confirmDescription(this.g, ds, described, ownNodata);
      // A description from another process names that process's sandbox files: this one's then.
      const meta = confirmed ? (described!.files.includes(file.path) ? described! : { ...described!, files: [file.path] }) : describeDataset(this.g, ds, label);
      this.counts[confirmed ? 'confirmed' : 'described']++;
      this.checkLazy(label, ''); // gdalinfo reads too (overview directories): not on missed bytes either
      return { ds, file, label, meta };
    } catch (e) {
      if (ds) this.g.GDALClose(ds);
      this.files.remove(file, !isNeedBytes(e));
      throw e;
    }
  }

  /** GDALOpen, with lazy-file misses and remote errors turned into their own errors. */
  private openFile(path: string, label: string): number {
    this.g.CPLErrorReset();
    this.g.takeMessages();
    const ds = this.g.GDALOpen(path, 0);
    const gdalMessage = ds ? '' : this.lastError();
    try {
      this.checkLazy(label, gdalMessage);
    } catch (e) {
      if (ds) this.g.GDALClose(ds);
      throw e;
    }
    if (!ds) throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL cannot open it as a raster${gdalMessage ? ` (${gdalMessage})` : ''}`, { input: label, gdalMessage });
    return ds;
  }

  /**
   * After a GDAL call over lazy files: blocks that were missing (replay) or a host error (HTTP 404,
   * timeout...) make the call fail even if GDAL carried on, so no result is built on missing bytes.
   */
  private checkLazy(label: string, gdalMessage: string): void {
    const need = this.lazy.takeMisses();
    const err = this.lazy.takeError();
    if (err) {
      if (gdalMessage && !err.details.gdalMessage) err.details.gdalMessage = gdalMessage;
      throw err;
    }
    if (need.length) throw new EngineError('ENGINE_FAILED', `${label}: ${need.length} runs of blocks are not in the worker yet`, { input: label, needBytes: need });
  }

  /** GDAL works for dataset `id` now (its files alone may be read); `opening`: its header blocks are kept (LazyFiles.pinning). */
  private workFor(id: number, label: string, opening = false): void {
    this.lazy.beginCall(id, label, opening);
  }

  resolveCrs(input: string): CrsInfo {
    this.workFor(NO_OWNER, 'CRS');
    return this.crs.resolve(input);
  }

  read(id: number, req: WindowRequest): WindowResult {
    const d = this.datasets.get(id);
    if (!d) throw new EngineError('ENGINE_CLOSED', `dataset id ${id} is not open in this engine`);
    if (d.vector) {
      checkCrsText(req.crs);
      this.reads++;
      return this.vectorCall(id, d, () => this.vectors.read(d.vector!, this.targets, req, d.label));
    }
    if (!d.meta.transform || !d.meta.crs) {
      throw new SourceError('SOURCE_NOT_GEOREFERENCED', `${d.label}: has no ${!d.meta.transform ? 'geotransform' : 'CRS'}, so map-coordinate windows cannot be read from it`, {
        input: d.label,
      });
    }
    checkCrsText(req.crs);
    this.workFor(id, d.label);
    if (d.stale) this.reopen(d);
    d.fast ??= { nodataShare: 0 };
    const picked = pickSources(d.sources, d.parts, req);
    const area = warpArea(this.g, picked, d.parts);
    if (area !== null) this.counts.areaGiven++;
    const warp = (sources: number[], targetDs: number, how: WarpHow) => this.warp(d, sources, targetDs, req, how, area);
    const r = warpWindow(this.g, this.targets, picked, { parts: d.parts, fast: d.fast }, req, warp, this.counts);
    this.reads++;
    return r;
  }

  /**
   * GDALWarp of one or more sources (a mosaic: later parts drawn over earlier ones) into the target.
   * `how`: gdalwarp's own way or GDAL's mask-free kernels (see warpArgs).
   */
  private warp(d: OpenDataset, sources: number[], targetDs: number, req: WindowRequest, how: WarpHow, area: string | null): void {
    const g = this.g;
    const args = warpArgs(req, sources.length, d.meta.count, how, d.sourceNodata, area);
    const out = gdalWarp(
      g,
      args,
      sources,
      targetDs,
      () => new SampleError('SAMPLE_FAILED', `${d.label}: invalid warp options ${args.join(' ')}: ${this.lastError()}`, { input: d.label }),
    );
    const gdalMessage = out ? '' : this.lastError();
    try {
      this.checkLazy(d.label, gdalMessage);
    } catch (e) {
      d.stale = true;
      throw e;
    }
    if (!out) throw warpFailure(d.label, req, gdalMessage);
  }

  /** Re-opens the parts of a dataset after a failed lazy read (their bytes are cached by now). */
  private reopen(d: OpenDataset): void {
    this.closeSources(d);
    for (const p of d.parts) {
      if (p.ds) this.g.GDALClose(p.ds);
      p.ds = 0;
    }
    for (const p of d.parts) p.ds = this.openFile(p.file.path, p.label);
    this.buildSources(d);
    d.stale = false;
  }

  /** A vector source's features as GeoJSON (vector-source.ts). */
  features(id: number): Uint8Array {
    const d = this.datasets.get(id);
    if (!d?.vector) throw new ArgumentError('source', 'a vector source to list the features of', d ? d.label : `dataset ${id}`);
    return this.vectorCall(id, d, () => this.vectors.geojson(d.vector!, d.label));
  }

  /** GDAL works for a vector dataset (its own files when read in place), guarded against missed remote bytes. */
  private vectorCall<T>(id: number, d: OpenDataset, f: () => T): T {
    this.workFor(d.vectorFile ? id : NO_OWNER, d.label);
    return this.vectors.guarded(d.vector!, d.label, f);
  }

  close(id: number): void {
    const d = this.datasets.get(id);
    if (!d) return;
    this.workFor(id, d.label);
    this.datasets.delete(id);
    if (d.vector) this.vectors.close(d.vector);
    if (d.vectorFile) this.files.remove(d.vectorFile, true);
    this.closeSources(d);
    for (const p of d.parts) this.closePart(p, true);
  }

  private closePart(p: Part, forget: boolean): void {
    if (p.ds) this.g.GDALClose(p.ds);
    this.files.remove(p.file, forget);
  }

  /** Pixels to GeoTIFF/COG bytes (see encode.ts). */
  encode(req: EncodeRequest): Uint8Array {
    checkCrsText(req.crs, 'crs');
    this.workFor(NO_OWNER, 'encode');
    return encodeRaster(this.g, this.gtPtr, req, () => this.lastError());
  }

  /** The writer of rasters in strips (strip-writer.ts), for GDAL work that reads no source. */
  stripWriter(crs?: string): StripWriter {
    if (crs !== undefined) checkCrsText(crs, 'crs');
    this.workFor(NO_OWNER, 'encode');
    return this.strips;
  }

  stats(): Omit<EngineStats, 'readCalls' | 'compiledGiven'> {
    const { datasets, reads, files, lazy, counts } = this;
    return { openDatasets: datasets.size, wasmMemoryBytes: this.g.M.HEAPU8.buffer.byteLength, reads, virtualFiles: files.count(), ...lazy.stats(), ...counts };
  }

  get aborted(): string | null {
    return this.g.aborted;
  }

  /** Test hooks (EngineWorkerApi.debug): memory exhausted; every sandbox's files; GDAL reading `path`'s first pixel while working for dataset `owner`. */
  debug(action: string, owner: number, path: string): unknown {
    if (action === 'exhaust-memory') return exhaustMemory(this.g, () => this.crs.scratchDataset());
    if (action === 'sandbox-files') return this.files.list();
    if (action !== 'probe') throw new EngineError('INVALID_ARGUMENT', `unknown debug action ${String(action)}`);
    this.workFor(owner, this.datasets.get(owner)?.label ?? `dataset ${owner}`);
    const ds = this.openFile(path, path);
    try {
      const meta = describeDataset(this.g, ds, path);
      this.checkLazy(path, '');
      return meta.width;
    } finally {
      this.g.GDALClose(ds);
    }
  }

  private lastError(): string {
    const msg = this.g.CPLGetLastErrorMsg();
    const lines = this.g.takeMessages().filter((l) => /ERROR/.test(l));
    return msg || lines.join('; ');
  }
}

function isNeedBytes(e: unknown): boolean {
  return e instanceof EngineError && Array.isArray(e.details.needBytes);
}
