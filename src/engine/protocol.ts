/**
 * The engine's protocol: everything the host side (src/engine/) and the WebAssembly side (wasm/)
 * share, and nothing else. The wire types of the worker API, the blocking bridge's shared-memory
 * layout, how errors cross the boundary, and the endpoint a started engine is reached through.
 * Both sides import this module and the ground floor (src/core/); neither imports the other.
 */
import * as Comlink from 'comlink';
import type { Bounds } from '../core/box.js';
import { deserializeError, isSerializedError, serializeError, type SerializedError } from '../core/errors.js';
import type { DataType, PixelArray, Resampling } from '../core/pixels.js';

/** The CRS of a raster as GDAL reports it. */
export interface CrsInfo {
  /** WKT2 as `gdalinfo` prints it. */
  wkt: string;
  /** WKT1 (GDAL flavour), which proj4 understands. */
  wkt1: string;
  /** The EPSG code when the CRS has one at its root, else null. */
  epsg: number | null;
  /** PROJJSON as `gdalinfo -json` gives it (`stac["proj:projjson"]`), e.g. for GeoParquet; null if GDAL gave none. */
  projjson: Record<string, unknown> | null;
}

/**
 * Keras Spatial's `meta` (rasterio's profile) of an opened raster, plus bounds and res.
 * `transform` is the affine [a, b, c, d, e, f] in rasterio's order: x = a*col + b*row + c,
 * y = d*col + e*row + f.
 */
export interface RasterMeta {
  driver: string;
  /** Data type of the first band (rasterio's `dtype`); `dtypes` has every band's. */
  dtype: DataType | string;
  dtypes: (DataType | string)[];
  /** Nodata of the first band, or null. `nodatavals` has every band's. */
  nodata: number | null;
  nodatavals: (number | null)[];
  width: number;
  height: number;
  count: number;
  crs: CrsInfo | null;
  transform: [number, number, number, number, number, number] | null;
  /** [minx, miny, maxx, maxy] of the raster in its CRS (null without a geotransform). */
  bounds: Bounds | null;
  /** Pixel size [x, y], both positive (null without a geotransform). */
  res: [number, number] | null;
  /** Block (tile or strip) size [width, height] of the first band. */
  blockSize: [number, number] | null;
  /** Sizes [width, height] of the first band's overviews (reduced-resolution copies), finest first. */
  overviews?: [number, number][];
  /** Names of the files GDAL read for this dataset (inside the engine's file system). */
  files: string[];
  /** A band is alpha or the mask is per dataset (GDAL then warps with a density, never its fast kernels). */
  alpha?: boolean;
  /** For a mosaic (several files as one source): each part's own description. */
  parts?: RasterMeta[];
  /** For a vector source read as a raster (rasterized through each box): its layer. */
  vector?: VectorInfo;
}

/** The layer of a vector source, as GDAL's ogrinfo reports it. */
export interface VectorInfo {
  /** GDAL's driver: GeoJSON, ESRI Shapefile, GPKG, FlatGeobuf... */
  driver: string;
  /** The layer rasterized, and every layer of the file. */
  layer: string;
  layers: string[];
  featureCount: number;
  geometryType: string;
  fields: { name: string; type: string }[];
}

/** How a vector source becomes pixels through a box: GDAL's gdal_rasterize options, fixed at open. */
export interface RasterizeSpec {
  /** A numeric attribute burned inside each feature, or one value for every feature. */
  burn: string | number;
  /** 'instance': each feature burns its position in the layer (1, 2, ...), ignoring `burn`. */
  mode: 'semantic' | 'instance';
  /** Every pixel a feature touches, not only those whose centre it covers (-at). */
  allTouched: boolean;
  /** One more layer: 1 on the features' outlines (polygon rings and lines), else 0. */
  boundary: boolean;
  /** The value of pixels no feature covers. */
  background: number;
  dtype: DataType;
  /** The layer to rasterize (default: the first). */
  layer?: string;
  /** CRS of the coordinates, for files that carry none (or to override theirs). */
  crs?: string;
}

/** One file as the worker reads it. */
export type FileSpec = Exclude<DatasetSpec, { kind: 'mosaic' } | { kind: 'vector' }>;

/** What the worker needs to open a raster. */
export type DatasetSpec =
  | { kind: 'path'; path: string }
  | { kind: 'blob'; blob: Blob; name: string }
  | { kind: 'bytes'; bytes: ArrayBuffer; name: string }
  /** Bytes that come from the host block by block (a remote file): see wasm/lazy-file.ts. */
  | { kind: 'lazy'; fileId: number; name: string; size: number; blockSize: number }
  /** Several files read as one source (scene tiles, possibly in different CRSs). */
  | { kind: 'mosaic'; parts: { source: DatasetSpec; label: string }[] }
  /**
   * A vector file (GeoJSON, shapefile, GeoPackage, FlatGeobuf...) rasterized through each box;
   * `inPlace`: a remote FlatGeobuf with a spatial index, queried box by box instead of copied.
   */
  | { kind: 'vector'; source: FileSpec; rasterize: RasterizeSpec; inPlace?: boolean };

/** How a raster is opened, beyond where its bytes are. */
export interface OpenOptions {
  /**
   * The source's nodata per band (one value: every band), in place of what its files say, as
   * `gdalwarp -srcnodata` (a mosaic: `gdalbuildvrt -srcnodata -vrtnodata`). Validated by the host.
   */
  sourceNodata?: number[];
  /**
   * The files' descriptions from an open of the same source elsewhere (another worker; a source
   * index), one per file (a mosaic's parts in order; null: unknown). Each is used when GDAL's direct
   * answers confirm it (wasm/describe.ts confirmDescription), instead of running gdalinfo again.
   */
  described?: (RasterMeta | null)[];
}

/** A read request after validation on the host side: every field filled in. */
export interface WindowRequest {
  bounds: Bounds;
  /** CRS of `bounds` and of the output grid, as a string GDAL accepts (EPSG:n, WKT, PROJ). */
  crs: string;
  width: number;
  height: number;
  resampling: Resampling;
  /** 1-based band numbers. */
  bands: number[];
  dtype: DataType;
  /** Value written where there is no data; null = no nodata (areas outside the source are 0). */
  nodata: number | null;
  /** Mosaics: the parts that may intersect the window (default: all). */
  parts?: number[];
  /** The one mosaic part that holds the whole window with its resampling kernel's reach: warped from that file alone (the same pixels as from the mosaic, without its VRT). */
  fromPart?: number;
  /** One more band after `bands`: 1 where the pixel came from the source, else 0 (GDAL's -dstalpha > 0). */
  mask?: boolean;
  /** false: never read the source's overviews (-ovr NONE). */
  overviews?: boolean;
  /** Degrees counter-clockwise the output grid is turned about the centre of `bounds` (a rotated geotransform). */
  rotation?: number;
}

export interface WindowResult {
  /** Band-sequential pixels: bands × height × width. */
  data: PixelArray;
  /** [bands, height, width]. */
  shape: [number, number, number];
  dtype: DataType;
  nodata: number | null;
  /** The worker's WebAssembly memory after the read (the pool retires workers past its limit). */
  heapBytes?: number;
}

/**
 * The answer to `readMany`: per request, its window (its buffer transferred with the others in one
 * message) or the error that window alone met. A failure of the call itself (a worker that died, GDAL
 * aborted, bytes to fetch first) fails the whole call.
 */
export interface WindowBatch {
  items: (WindowResult | { error: SerializedError })[];
  /** The worker's WebAssembly memory after the reads (the pool retires workers past its limit). */
  heapBytes: number;
}

/**
 * The blocking byte bridge's shared memory, as both sides read it (src/engine/byte-bridge.ts on the
 * host, wasm/lazy-file.ts in the worker): Int32 control words [state, byteLength, ...] in the first
 * HEADER_BYTES, then the data.
 */
export const BRIDGE = { HEADER_BYTES: 16, IDLE: 0, WAITING: 1, DONE: 2, FAILED: 3 } as const;

/**
 * The shared block store, as both sides read it (src/engine/shared-blocks.ts writes it on the host,
 * wasm/lazy-file.ts reads it in workers): blocks of remote files the host has fetched, which a
 * worker copies without asking the host. SETS × WAYS slots; block `index` of file `fileId` may sit
 * only in the WAYS slots of set `storeSet(fileId, index)`. First, per slot, WORDS Int32 words
 * [seq, fileId, index, byteLength, wanted, taken, stamp] — seq is odd while the host writes the
 * slot, and a reader that sees it change while it copies discards the copy (a seqlock); wanted counts
 * the reads the host prefetched the block for, taken the copies workers made, stamp (the host's own)
 * when it was last wanted (the host overwrites slots with taken ≥ wanted, or wanted long ago, first)
 * — then SLOT_BYTES of data per slot.
 */
export const STORE = { SETS: 128, WAYS: 16, WORDS: 8, SLOT_BYTES: 65_536 } as const;

/** The set of the shared block store where block `index` of file `fileId` may sit. */
export function storeSet(fileId: number, index: number): number {
  let h = Math.imul(fileId ^ Math.imul(index, 0x85ebca77), 0x9e3779b1);
  h ^= h >>> 15;
  return h & (STORE.SETS - 1);
}

/** The store's two parts over its shared memory: the slots' Int32 words, then their data. */
export function storeViews(sab: SharedArrayBuffer): { meta: Int32Array; data: Uint8Array } {
  const words = STORE.SETS * STORE.WAYS * STORE.WORDS;
  return { meta: new Int32Array(sab, 0, words), data: new Uint8Array(sab, words * 4) };
}

/** The slot holding block `index` of file `fileId` (its key alone: a reader copying it still checks seq), or -1. */
export function storeSlot(meta: Int32Array, fileId: number, index: number): number {
  const base = storeSet(fileId, index) * STORE.WAYS;
  for (let slot = base; slot < base + STORE.WAYS; slot++) {
    const m = slot * STORE.WORDS;
    if (Atomics.load(meta, m + 1) === fileId && Atomics.load(meta, m + 2) === index) return slot;
  }
  return -1;
}

/** Pixels with their place on the map, to be written as a raster file by GDAL. */
export interface EncodeRequest {
  /** Band-sequential pixels: bands × height × width. */
  data: PixelArray;
  width: number;
  height: number;
  bands: number;
  dtype: DataType;
  bounds: Bounds;
  /** Degrees counter-clockwise the grid is turned about the centre of `bounds` (a rotated geotransform). */
  rotation?: number;
  crs: string;
  nodata: number | null;
  /** GDAL driver: 'GTiff' or 'COG'. */
  format: 'GTiff' | 'COG';
  /** Creation options (-co), e.g. ['COMPRESS=DEFLATE', 'TILED=YES']. */
  creationOptions?: string[];
}

/** The worker-side API (what Comlink exposes). All ids are chosen by the host. */
export interface EngineWorkerApi {
  init(config: EngineAssetConfig): Promise<void>;
  /** Parses a CRS (EPSG:n, WKT, PROJ string) with GDAL. */
  resolveCrs(input: string): Promise<CrsInfo>;
  open(id: number, source: DatasetSpec, label: string, options?: OpenOptions): Promise<RasterMeta>;
  read(id: number, request: WindowRequest): Promise<WindowResult>;
  /** Several windows of one dataset in one call (a flow's samples): see {@link WindowBatch}. */
  readMany(id: number, requests: WindowRequest[]): Promise<WindowBatch>;
  /** A vector source's features (geometries, `gt_id` = position in the layer) as GeoJSON bytes in the layer's CRS. */
  features(id: number): Promise<Uint8Array>;
  close(id: number): Promise<void>;
  stats(): Promise<EngineStats>;
  /** Writes pixels as a georeferenced GeoTIFF or COG (GDAL's drivers) and returns the file's bytes. */
  encode(request: EncodeRequest): Promise<Uint8Array>;
  /** A large raster written in strips of rows (see wasm/strip-writer.ts): begin, write each strip, end (its bytes) or abort. */
  beginRaster(id: number, spec: Omit<EncodeRequest, 'data'>): Promise<void>;
  writeRows(id: number, row0: number, rows: number, data: PixelArray): Promise<void>;
  endRaster(id: number): Promise<Uint8Array>;
  abortRaster(id: number): Promise<void>;
  /** Connects the blocking byte bridge (see wasm/lazy-file.ts): a SharedArrayBuffer and a port to the host. */
  attachBridge(sab: SharedArrayBuffer, port: PortLike, timeoutMs: number): Promise<void>;
  /** Hands in the shared block store (STORE), made once a remote file is open: blocks the host has are copied from it. */
  attachStore(store: SharedArrayBuffer): Promise<void>;
  /** Replay: blocks of lazy file `fileId` from block `first` on, fetched by the host after a miss. */
  supply(fileId: number, first: number, bytes: Uint8Array): Promise<void>;
  /**
   * Test hooks: 'exhaust-memory' allocates until WASM memory runs out, then makes GDAL allocate (it
   * aborts); 'sandbox-files' lists every file of every source's sandbox; 'probe' has GDAL open `path`
   * and read its first pixel while working for dataset `owner` (the sandbox's wall between sources).
   */
  debug(action: 'exhaust-memory' | 'sandbox-files' | 'probe', owner?: number, path?: string): Promise<unknown>;
}

export interface EngineStats {
  openDatasets: number;
  /** Bytes of WebAssembly memory. */
  wasmMemoryBytes: number;
  /** Whether this worker was handed GDAL's module compiled (the host's, shared: the README's "GDAL compiled once per process (or page)") rather than compiling its own. */
  compiledGiven: boolean;
  /** Windows read, and the calls that read them (`readMany` reads several in one: a flow's samples). */
  reads: number;
  readCalls: number;
  /** Files and mount points under the engine's /src (one per open dataset). */
  virtualFiles: number;
  /** Bytes this worker has read from lazily read sources (remote files, Blobs in browsers). */
  lazyBytesRead: number;
  /** Blocks requests this worker made over the blocking bridge, and the milliseconds it waited for their answers (time GDAL stood still for bytes). */
  bridgeRequests: number;
  bridgeWaitMs: number;
  /** Blocks this worker copied from the shared block store (fetched by the host, never asked for). */
  storeBlocks: number;
  /** Files this worker described with gdalinfo, and files it opened from a description given with the open (confirmed, not described again). */
  described: number;
  confirmed: number;
  /** Windows this worker warped with GDAL's mask-free kernels and an alpha layer (see the README's "GDAL's fast kernels"), and fast warps it warped again gdalwarp's way. */
  fastWithAlpha: number;
  warpedAgain: number;
  /** Windows warped from one source with its area of interest handed to GDAL, computed once per dataset (GDAL computes it on every warp otherwise: see the README's "GDAL's fast kernels"). */
  areaGiven: number;
}

/**
 * Where the worker finds GDAL's WebAssembly module and its data package (PROJ and GDAL data).
 * Strings and URLs are fetched (or read from disk in Node and Deno); bytes and a compiled
 * WebAssembly.Module are used as given (edge runtimes that forbid compiling from bytes).
 */
export interface EngineAssetConfig {
  wasm?: string | URL | ArrayBuffer | Uint8Array | WasmModule;
  data?: string | URL | ArrayBuffer | Uint8Array;
  /** GDAL configuration options (e.g. GDAL_CACHEMAX). */
  gdalConfig?: Record<string, string>;
  /**
   * @internal
   * Where else to look when the default files next to the worker cannot be read (set by the browser
   * adapter: the URLs as the host module sees them, which bundlers that copy the worker as a plain
   * asset, such as Rollup's import-meta-assets plugin, rewrite).
   */
  fallback?: { wasm: string; data: string };
}

/** A compiled `WebAssembly.Module` (typed as an object so that Node consumers need no DOM types). */
export type WasmModule = object;

/** A MessagePort as the worker uses it (typed without DOM types). */
export interface PortLike {
  postMessage(message: unknown): void;
}

/**
 * What a started engine is reached through: Comlink's `Endpoint` (a MessagePort, a worker scope, an
 * in-memory pair), described without DOM types so that Node consumers need none.
 */
export interface EngineEndpoint {
  postMessage(message: unknown, transfer?: unknown[]): void;
  addEventListener(type: string, listener: unknown, options?: object): void;
  removeEventListener(type: string, listener: unknown, options?: object): void;
  start?: () => void;
}

/** A started engine (a worker, or GDAL in this thread): a Comlink endpoint plus lifecycle hooks. */
export interface EngineConnection {
  endpoint: EngineEndpoint;
  /** Called once if the engine dies (uncaught error, exit, WebAssembly abort). */
  onDeath(cb: (reason: string) => void): void;
  terminate(): Promise<void> | void;
  /** Node: keep the process alive while calls are in flight (ref), not when the engine is idle (unref). */
  ref?(): void;
  unref?(): void;
}

/**
 * Makes thrown errors cross the worker boundary with their class, code and details intact
 * (Comlink's default keeps only name, message and stack). Both sides install it.
 */
let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const builtin = Comlink.transferHandlers.get('throw');
  if (!builtin) return;
  Comlink.transferHandlers.set('throw', {
    canHandle: builtin.canHandle,
    serialize(v: { value: unknown }) {
      return [serializeError(v.value), []];
    },
    deserialize(s: SerializedError): never {
      throw isSerializedError(s) ? deserializeError(s) : s;
    },
  } as Comlink.TransferHandler<unknown, unknown>);
}

interface NodePort {
  postMessage(msg: unknown, transfer?: readonly unknown[]): void;
  on(ev: 'message', l: (data: unknown) => void): unknown;
  off(ev: 'message', l: (data: unknown) => void): unknown;
  start?: () => void;
}

type Listener = EventListenerOrEventListenerObject;

/** A Comlink endpoint over a Node worker_threads Worker or MessagePort (as comlink's node-adapter). */
export function nodeEndpoint(port: NodePort): Comlink.Endpoint {
  const listeners = new WeakMap<Listener, (data: unknown) => void>();
  return {
    postMessage: (msg: unknown, transfer?: Transferable[]) => port.postMessage(msg, transfer),
    addEventListener: (_type: string, eh: Listener) => {
      const l = (data: unknown) => {
        const ev = { data } as MessageEvent;
        if (typeof eh === 'function') eh(ev);
        else eh.handleEvent(ev);
      };
      port.on('message', l);
      listeners.set(eh, l);
    },
    removeEventListener: (_type: string, eh: Listener) => {
      const l = listeners.get(eh);
      if (!l) return;
      port.off('message', l);
      listeners.delete(eh);
    },
    start: port.start?.bind(port),
  } as Comlink.Endpoint;
}
