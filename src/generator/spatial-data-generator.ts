/**
 * SpatialDataGenerator: Keras Spatial's generator over one raster source. Samples are boxes in map
 * coordinates (a SampleSet); each is warped by the engine into the sample set's CRS at the asked
 * size, so several generators read through the same boxes come out aligned pixel for pixel.
 */
import { ArgumentError, SampleError, SourceError } from '../core/errors.js';
import { bytesPerPixel, dtypeOf, type DataType, type PixelArray, type Resampling } from '../core/pixels.js';
import type { RasterMeta } from '../engine/protocol.js';
import { type FeatureCollectionLike, openRaster, Raster, type RasterSource, type Window } from '../engine/raster.js';
import type { RasterReader } from '../engine/raster-stack.js';
import { TimeStack } from '../stac/time-stack.js';
import { eachStep, joinSteps, sampleInterval } from './time-samples.js';
import type { EnginePool } from '../engine/pool.js';
import type { RemoteStats } from '../remote/types.js';
import { checkBands, checkCrs, checkDtype, checkResampling, checkMask, checkSize, defaultNodata, type ReadWindowOptions } from '../engine/validate.js';
import { sameCrs, transformBounds } from '../crs/index.js';
import { randomGrid, regularGrid } from '../samples/grids.js';
import type { Bounds } from '../core/box.js';
import type { SampleSet } from '../samples/sample-set.js';
import { allBands, checkInterleave, openSource, registerSourceCrs } from './open-source.js';
import { CallbackChain, type PreprocessCallback } from './callbacks.js';
import { Flow, type FlowOptions, type SampleReader } from './flow.js';
import { KerasWindows, kerasGrid } from './keras-alignment.js';
import { fromBandSequential, type Interleave, type Layout, sampleDims, sampleShape, withLayer } from '../core/layout.js';
import { filledSample, type SampleArray } from './sample.js';
import type { GeneratorOptions, GeneratorProfile, GeneratorRandomGridOptions, GridOptions } from './generator-options.js';

export type { GeneratorOptions, GeneratorProfile, GeneratorRandomGridOptions, GridOptions } from './generator-options.js';
import { GRID_MOVED, MASK_MOVED, OPEN_MOVED, refuseKerasForms } from './keras-forms.js';
import type { Footprint } from '../grid/footprint.js';
import { type FootprintOptions, readFootprint } from './footprint.js';
import { rotationOf } from '../samples/augment.js';

export class SpatialDataGenerator {
  private raster: RasterReader;
  private explicitIndexes: boolean;
  private _indexes: number | number[];
  private _crs: string | null;
  private readonly callbacks = new CallbackChain();
  /** The last footprint `footprint()` read (for `randomGrid` with `minValid`); reset by `setSource`. */
  private lastFootprint: Footprint | undefined;
  interleave: Interleave;
  resampling: Resampling;
  dtype: DataType | undefined;
  nodata: number | null | undefined;
  /** Samples carry a validity layer after their others (the `mask` option). */
  mask: boolean;
  width: number;
  height: number;

  private constructor(
    raster: RasterReader,
    private readonly options: GeneratorOptions,
  ) {
    this.raster = raster;
    this.explicitIndexes = options.indexes !== undefined;
    this._indexes = options.indexes ?? allBands(raster.meta);
    checkBands(this._indexes, raster.meta.count);
    this._crs = options.crs ?? null;
    this.interleave = checkInterleave(options.interleave);
    this.resampling = checkResampling(options.resampling);
    this.dtype = options.dtype === undefined ? undefined : checkDtype(options.dtype, raster.meta);
    this.nodata = options.nodata;
    this.mask = checkMask(options.mask);
    this.width = options.width === undefined ? 0 : checkSize('width', options.width);
    this.height = options.height === undefined ? 0 : checkSize('height', options.height);
  }

  /** Opens the source; a missing file or unreadable source fails here with a SourceError. */
  static async open(source: RasterSource | object, options: GeneratorOptions = {}): Promise<SpatialDataGenerator> {
    refuseKerasForms(options as Record<string, unknown>, OPEN_MOVED);
    if (options.mask !== undefined && typeof options.mask !== 'boolean') throw new ArgumentError('mask', MASK_MOVED, options.mask);
    const raster = await openSource(source, options);
    return new SpatialDataGenerator(raster, options);
  }

  /** The engine reading this generator's source. */
  get engine(): EnginePool {
    return this.raster.enginePool;
  }

  /** Requests, bytes fetched and cache hits of a remote source so far (null for local sources). */
  sourceStats(): RemoteStats | null {
    return this.raster.sourceStats();
  }

  /** Keras Spatial's `meta` (rasterio profile of the source) plus bounds and res. */
  get meta(): RasterMeta {
    return this.raster.meta;
  }

  /** Bounds of the source in its own CRS. */
  get bounds(): Bounds {
    return this.requireGeoref().bounds!;
  }

  get res(): [number, number] {
    const m = this.requireGeoref();
    if (!m.res) throw new ArgumentError('units', `sizes in CRS units: ${this.raster.label} is a vector layer, which has no pixels`, 'pixels');
    return m.res;
  }

  /** The source's CRS as a string (EPSG:n when it has a code, else WKT). */
  get sourceCrs(): string {
    const c = this.requireGeoref().crs!;
    return c.epsg ? `EPSG:${c.epsg}` : c.wkt1;
  }

  /** The generator's CRS: set at open or by `crs =`, else the source's. */
  get crs(): string {
    return this._crs ?? this.sourceCrs;
  }

  set crs(v: string) {
    this._crs = checkCrs(v, null);
  }

  get indexes(): number | number[] {
    return this._indexes;
  }

  set indexes(v: number | number[]) {
    checkBands(v, this.meta.count);
    this._indexes = v;
    this.explicitIndexes = true;
  }

  get source(): string {
    return this.raster.label;
  }

  get profile(): GeneratorProfile {
    return { width: this.width, height: this.height, crs: this.crs, interleave: this.interleave, resampling: this.resampling };
  }

  set profile(p: GeneratorProfile) {
    if (typeof p !== 'object' || p === null) throw new ArgumentError('profile', 'an object { width, height, crs, interleave, resampling }', p);
    this.width = p.width ? checkSize('profile.width', p.width) : 0;
    this.height = p.height ? checkSize('profile.height', p.height) : 0;
    this._crs = p.crs ? checkCrs(p.crs, null) : null;
    this.interleave = checkInterleave(p.interleave);
    this.resampling = checkResampling(p.resampling);
  }

  /** A vector source's features as GeoJSON in its CRS (a mask for `within` / `intersects`); a raster is an ArgumentError. */
  features(options: { signal?: AbortSignal } = {}): Promise<{ geojson: FeatureCollectionLike; crs: string }> {
    return this.raster.features(options);
  }

  /** Replaces the source (the old one is closed). Band indexes reset to all bands unless set explicitly. */
  async setSource(source: RasterSource): Promise<void> {
    const next = await openRaster(source, { engine: this.options.engine });
    try {
      registerSourceCrs(next);
      if (this.explicitIndexes) checkBands(this._indexes, next.meta.count);
    } catch (e) {
      await next.close();
      throw e;
    }
    const old = this.raster;
    this.raster = next;
    this.lastFootprint = undefined;
    if (!this.explicitIndexes) this._indexes = allBands(next.meta);
    await old.close();
  }

  async close(): Promise<void> {
    await this.raster.close();
  }

  /** A regular grid over the source's extent in the generator's CRS (Keras Spatial semantics). */
  regularGrid(width: number, height: number, options: GridOptions = {}): SampleSet {
    refuseKerasForms(options as Record<string, unknown>, GRID_MOVED);
    const [extent, w, h] = this.gridFrame(width, height, options.units);
    return regularGrid(extent, w, h, { overlap: options.overlap ?? 0, crs: this.crs });
  }

  /**
   * `count` random boxes inside the source's extent in the generator's CRS, reproducible from `seed`;
   * with `minValid`, only boxes at least that valid in the footprint (`options.footprint`, else the
   * last one `await footprint()` computed).
   */
  randomGrid(width: number, height: number, count: number, options: GeneratorRandomGridOptions = {}): SampleSet {
    refuseKerasForms(options as Record<string, unknown>, GRID_MOVED);
    const [extent, w, h] = this.gridFrame(width, height, options.units);
    const footprint = options.footprint ?? (options.minValid === undefined ? undefined : this.lastFootprint);
    if (options.minValid !== undefined && !footprint) {
      throw new ArgumentError(
        'minValid',
        `a footprint to measure it against: call await sdg.footprint() first (or pass options.footprint) for ${this.raster.label}`,
        options.minValid,
      );
    }
    const { seed, rng, minValid, time, timeSpan } = options;
    return randomGrid(extent, w, h, count, { crs: this.crs, seed, rng, minValid, footprint, time, timeSpan });
  }

  /**
   * The source's valid-data footprint in the generator's CRS (cells where any band has data,
   * GDAL's warp validity at `resolution`), remembered for `randomGrid(…, { minValid })`.
   */
  async footprint(options: FootprintOptions = {}): Promise<Footprint> {
    if (!this.meta.res) throw new ArgumentError('footprint', `a raster source: ${this.raster.label} is a vector layer, whose features are its footprint`, this.raster.label);
    if (this.raster instanceof TimeStack)
      throw new ArgumentError('footprint', `a source without a time axis (${this.raster.label} has dates: open it without time for its footprint)`, 'time');
    const [extent, rx, ry] = this.gridFrame(1, 1, 'pixels');
    const bands = typeof this._indexes === 'number' ? [this._indexes] : this._indexes;
    this.lastFootprint = await readFootprint({ raster: this.raster, crs: this.crs, extent, pixel: [rx, ry], bands }, options);
    return this.lastFootprint;
  }

  /** Batches of `width`×`height` samples read through the boxes of `samples`. */
  flow(samples: SampleSet, width?: number, height?: number, options: FlowOptions = {}): Flow {
    const w = checkSize('width', width ?? (this.width || undefined));
    const h = checkSize('height', height ?? (this.height || undefined));
    if (!samples || typeof (samples as SampleSet).bounds !== 'function') throw new ArgumentError('samples', 'a SampleSet', samples);
    const alignment = options.alignment ?? 'exact';
    if (alignment !== 'exact' && alignment !== 'keras-spatial') throw new ArgumentError('alignment', "'exact' or 'keras-spatial'", alignment);
    if (alignment === 'keras-spatial' && this.raster instanceof TimeStack) throw new ArgumentError('alignment', "'exact' for a source with a time axis", alignment);
    if (alignment === 'keras-spatial' && samples.length === 0)
      throw new ArgumentError('samples', "at least one sample with alignment: 'keras-spatial' (its first row sets the resolution)", samples.length);
    const reader: SampleReader = {
      workers: this.raster.engineSize,
      layout: this.layout,
      readSample:
        alignment === 'keras-spatial'
          ? this.kerasReader(samples, w, h)
          : (s: SampleSet, i: number, sw: number, sh: number, signal?: AbortSignal, preprocess = true) => this.readSample(s, i, sw, sh, signal, preprocess),
      ...(alignment === 'exact' ? { prefetchSample: (s: SampleSet, i: number, sw: number, sh: number, signal?: AbortSignal) => this.prefetchSample(s, i, sw, sh, signal) } : {}),
      cacheHasRoom: () => this.raster.sourceStats()?.cacheEvictions === 0,
      // Several samples per engine call where workers wait for remote bytes (a replayed call would redo them all).
      ...(alignment === 'exact' && this.raster instanceof Raster && this.raster.enginePool.blocking
        ? { readSamples: (s: SampleSet, is: number[], sw: number, sh: number, signal?: AbortSignal, pre = true) => this.readSamples(s, is, sw, sh, signal, pre) }
        : {}),
      fillSample: (shape: number[], like?: SampleArray) => {
        if (!(this.raster instanceof TimeStack)) return this.filled(shape, like);
        const step = this.filled([1, ...shape.slice(2)], like);
        return joinSteps(
          Array.from({ length: shape[1] }, () => step),
          Array.from({ length: shape[1] }, () => null),
        );
      },
      rawShape: (sw: number, sh: number) => {
        const squeeze = typeof this._indexes === 'number' && !this.mask;
        const c = typeof this._indexes === 'number' ? 1 : this._indexes.length;
        const one = sampleShape(c + (this.mask ? 1 : 0), sh, sw, this.interleave, squeeze);
        return this.raster instanceof TimeStack ? [1, this.raster.steps, ...one.slice(1)] : one;
      },
      bytesPerValue: bytesPerPixel(this.dtype ?? checkDtype(undefined, this.meta)),
    };
    return new Flow(reader, samples, w, h, options);
  }

  /** A sample of `shape` filled with nodata (0 in the validity layer), of the type of `like`. */
  private filled(shape: number[], like?: SampleArray): SampleArray {
    // Same type as the flow's other samples (callbacks may have changed it); NaN for floats.
    const dtype = like ? dtypeOf(like.data) : (this.dtype ?? checkDtype(undefined, this.meta));
    return filledSample(shape, dtype, like && this.callbacks.size ? null : this.effectiveNodata(), this.mask, this.layout);
  }

  /**
   * Keras Spatial's name for {@link flow}; as in Keras Spatial, the batch size may also be given
   * positionally: `flowFromDataframe(samples, 128, 128, 16)`.
   */
  flowFromDataframe(samples: SampleSet, width?: number, height?: number, options: FlowOptions | number = {}): Flow {
    return this.flow(samples, width, height, typeof options === 'number' ? { batchSize: options } : options);
  }

  /** Adds (or replaces) a callback run on every sample, in insertion order: `fn(sample, ...args)`. */
  addPreprocessCallback(name: string, fn: PreprocessCallback, ...args: unknown[]): void {
    this.callbacks.add(name, fn, args);
  }

  delPreprocessCallback(name: string): boolean {
    return this.callbacks.delete(name);
  }

  get preprocessCallbacks(): string[] {
    return this.callbacks.names;
  }

  /** Any box of the source, with the generator's settings as defaults (no callbacks applied). */
  readWindow(options: Partial<ReadWindowOptions> & Pick<ReadWindowOptions, 'bounds' | 'width' | 'height'>): Promise<Window> {
    return this.raster.readWindow({
      crs: this.crs,
      resampling: this.resampling,
      bands: this._indexes,
      dtype: this.dtype,
      nodata: this.nodata,
      mask: this.mask,
      ...options,
    });
  }

  /** Starts fetching the bytes row `index` will read (remote tiled sources; flows call it ahead of their reads). */
  prefetchSample(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal): void {
    void this.raster.prefetch(this.sampleWindow(samples, index, width, height, signal));
  }

  /** One sample (row `index` of `samples`) as the flow produces it, callbacks applied (and then the validity layer, with `mask`). */
  async readSample(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal, preprocess = true): Promise<SampleArray> {
    const opts = this.sampleWindow(samples, index, width, height, signal);
    if (this.raster instanceof TimeStack) {
      const w = await this.raster.readWindow(opts);
      return joinSteps(await eachStep(w, (data, layers) => this.toSample(data, layers, height, width, samples, index, preprocess)), w.times);
    }
    const w = await this.raster.readWindow(opts);
    return this.toSample(w.data, w.shape[0], height, width, samples, index, preprocess);
  }

  /** Rows `indices` of `samples` read in one engine call (a plain raster), each as `readSample` gives it or with its own error. */
  private readSamples(samples: SampleSet, indices: number[], width: number, height: number, signal?: AbortSignal, preprocess = true): Promise<SampleArray>[] {
    const reads = (this.raster as Raster).readWindows(indices.map((i) => this.sampleWindow(samples, i, width, height, signal)));
    return indices.map(async (i, k) => {
      const w = (await reads)[k];
      if (w instanceof Error) throw w;
      return this.toSample(w.data, w.shape[0], height, width, samples, i, preprocess);
    });
  }

  /** The window row `index` of `samples` is read through: its box, turn and (a source with a time axis) its interval. */
  private sampleWindow(samples: SampleSet, index: number, width: number, height: number, signal?: AbortSignal) {
    const within = this.raster instanceof TimeStack ? sampleInterval(samples, index) : undefined;
    return { ...this.windowOptions(samples.crs), bounds: samples.bounds(index), width, height, signal, rotation: rotationOf(samples, index), ...(within ? { within } : {}) };
  }

  /** What every read of this generator's samples asks the engine, in `crs` (the sample set's). */
  private windowOptions(crs: string | null) {
    return { crs: crs ?? this.crs, resampling: this.resampling, bands: this._indexes, dtype: this.dtype, nodata: this.nodata, mask: this.mask };
  }

  /** Band-sequential pixels of a sample ([layers, h, w], the validity layer last) laid out, through the callbacks. */
  private async toSample(data: PixelArray, layers: number, h: number, wd: number, samples: SampleSet, index: number, preprocess: boolean): Promise<SampleArray> {
    const c = this.mask ? layers - 1 : layers;
    const squeeze = typeof this._indexes === 'number';
    const lay: Layout = squeeze ? 'squeezed' : this.interleave;
    const values = this.mask ? data.subarray(0, c * h * wd) : data;
    const crs = samples.crs ?? this.crs;
    let sample: SampleArray = {
      data: fromBandSequential(values, { c, h, w: wd }, lay),
      shape: sampleShape(c, h, wd, this.interleave, squeeze),
      bounds: samples.bounds(index),
      crs,
      layout: lay,
    };
    if (preprocess && this.callbacks.size) sample = await this.callbacks.run(sample, index);
    if (!this.mask) return sample;
    const d = sampleDims(sample.shape.slice(1), sample.layout ?? lay);
    if (d.h !== h || d.w !== wd) {
      throw new SampleError('SAMPLE_FAILED', `sample ${index}: the preprocess callbacks made it ${d.h}x${d.w} pixels, and its validity layer (mask: true) is ${h}x${wd}`, {
        input: `sample ${index}`,
      });
    }
    const out = withLayer(sample.data, sample.shape.slice(1), sample.layout ?? lay, data.subarray(c * h * wd), this.interleave);
    return { ...sample, ...out };
  }

  /** Keras Spatial's reads (flow option alignment: 'keras-spatial'): windows of one warped VRT over the samples. */
  private kerasReader(samples: SampleSet, width: number, height: number): SampleReader['readSample'] {
    if (samples.hasColumn('rotation')) throw new ArgumentError('alignment', "'exact' for turned boxes (a rotation column): Keras Spatial's windows are north up", 'keras-spatial');
    // As a warped VRT, which reads the full-resolution source (never its overviews).
    const opts = { ...this.windowOptions(samples.crs), overviews: false };
    const windows = new KerasWindows(kerasGrid(samples, width, height), async (bounds, bw, bh, signal) => {
      const w = await this.raster.readWindow({ ...opts, bounds, width: bw, height: bh, signal });
      return { data: w.data, layers: w.shape[0] };
    });
    return async (s, i, sw, sh, signal, preprocess = true) => {
      const w = await windows.read(s, i, sw, sh, signal);
      return this.toSample(w.data, w.layers, sh, sw, s, i, preprocess);
    };
  }

  /** How samples are laid out: the interleave, or 'squeezed' for a single band index without a validity layer. */
  private get layout(): Layout {
    return typeof this._indexes === 'number' && !this.mask ? 'squeezed' : this.interleave;
  }

  /** The nodata value samples carry (the `nodata` option, else the source's, else null: pixels outside the source are 0). */
  effectiveNodata(): number | null {
    const bands = typeof this._indexes === 'number' ? [this._indexes] : this._indexes;
    const dtype = this.dtype ?? checkDtype(undefined, this.meta);
    return defaultNodata(this.nodata, this.meta, bands, dtype);
  }

  private gridFrame(width: number, height: number, units: 'native' | 'pixels' = 'native'): [Bounds, number, number] {
    if (units !== 'native' && units !== 'pixels') throw new ArgumentError('units', "'native' or 'pixels'", units);
    const src = this.bounds;
    const same = sameCrs(this.crs, this.sourceCrs);
    const extent = same ? src : transformBounds(src, this.sourceCrs, this.crs);
    if (units === 'native') return [extent, width, height];
    const [rx, ry] = same ? this.res : [(extent[2] - extent[0]) / this.meta.width, (extent[3] - extent[1]) / this.meta.height];
    return [extent, width * rx, height * ry];
  }

  private requireGeoref(): RasterMeta {
    const m = this.raster.meta;
    if (!m.bounds || !m.crs) throw new SourceError('SOURCE_NOT_GEOREFERENCED', `${this.raster.label}: has no georeferencing (CRS and geotransform)`, { input: this.raster.label });
    return m;
  }
}
