/**
 * Predictions back onto the map: model outputs per sample box (any bands, any size) are resampled
 * (bilinear) onto one output grid and blended where boxes overlap (in tiles made where predictions
 * fall: blend-grid.ts), then written by GDAL strip by strip as a tiled, compressed GeoTIFF or a COG,
 * georeferenced, with nodata where no sample fell.
 */
import { ArgumentError } from '../core/errors.js';
import type { DataType, PixelArray } from '../core/pixels.js';
import { type Bounds, turnedEnvelope } from '../core/box.js';
import { type Layout, offset, sampleDims } from '../core/layout.js';
import { inverseOrientation, orient } from '../core/orientation.js';
import { bytesPerPixel } from '../core/pixels.js';
import * as Comlink from 'comlink';
import { defaultEngine, type EnginePool } from '../engine/pool.js';
import { BlendGrid } from './blend-grid.js';
import { currentRuntime } from '../runtime/index.js';
import type { SampleSet } from '../samples/sample-set.js';
import { rotationOf } from '../samples/augment.js';

export type Blend = 'mean' | 'max' | 'distance';

/** Bytes of pixels per strip handed to GDAL. */
const STRIP_BYTES = 16 << 20;
let rasterIds = 0;

export interface PredictionWriterOptions {
  /** Extent of the output in `crs` (default with forSamples: the samples' total bounds). */
  bounds: Bounds;
  /** CRS of the boxes and of the output. */
  crs: string;
  /** Output pixel size in CRS units: one number or [x, y]. */
  resolution: number | [number, number];
  /** Bands of each prediction (default 1). */
  bands?: number;
  /**
   * Overlaps: 'mean' (plain average), 'max', or 'distance' (default: weights falling linearly from
   * the box centre to its edges, which hides the seams between samples).
   */
  blend?: Blend;
  /** Output type (default float32). */
  dtype?: DataType;
  /** Value where no sample fell (default NaN for float types, else 0). */
  nodata?: number;
  /**
   * Bytes the writer may use at its peak: the blend's sums and weights (float32, in tiles made where
   * predictions fall, counted as if they covered the grid) and the encoded file. Default 2 GiB; a
   * larger output grid is an ArgumentError at construction, before anything is allocated.
   */
  memoryBytes?: number;
}

/** One prediction: a typed array with its shape and layout ([h, w, bands] 'pixel' or [bands, h, w] 'band'; [h, w] for one band). */
export interface Prediction {
  data: ArrayLike<number>;
  shape: number[];
  layout?: 'pixel' | 'band';
}

export class PredictionWriter {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  readonly bounds: Bounds;
  readonly crs: string;
  private readonly rx: number;
  private readonly ry: number;
  private readonly blend: Blend;
  private readonly grid: BlendGrid;
  private added = 0;

  constructor(private readonly options: PredictionWriterOptions) {
    const b = options?.bounds;
    if (b?.length !== 4 || !b.every(Number.isFinite) || !(b[2] > b[0] && b[3] > b[1])) throw new ArgumentError('bounds', '[minx, miny, maxx, maxy] with max > min', b);
    if (typeof options.crs !== 'string' || !options.crs) throw new ArgumentError('crs', 'a CRS string', options.crs);
    const [rx, ry] = typeof options.resolution === 'number' ? [options.resolution, options.resolution] : (options.resolution ?? []);
    if (!(rx > 0) || !(ry > 0)) throw new ArgumentError('resolution', 'a positive pixel size (or [x, y])', options.resolution);
    this.blend = options.blend ?? 'distance';
    if (!['mean', 'max', 'distance'].includes(this.blend)) throw new ArgumentError('blend', "'mean', 'max' or 'distance'", options.blend);
    this.bands = options.bands ?? 1;
    if (!Number.isInteger(this.bands) || this.bands < 1) throw new ArgumentError('bands', 'an integer ≥ 1', options.bands);
    this.width = Math.max(1, Math.round((b[2] - b[0]) / rx));
    this.height = Math.max(1, Math.round((b[3] - b[1]) / ry));
    if (this.width * this.height * this.bands > 2 ** 28)
      throw new ArgumentError('resolution', `an output of at most 2^28 values (this one is ${this.width}x${this.height}x${this.bands})`, options.resolution);
    const budget = options.memoryBytes ?? 2 ** 31;
    if (typeof budget !== 'number' || !(budget > 0)) throw new ArgumentError('memoryBytes', 'a positive number of bytes', options.memoryBytes);
    // Sums (4 bytes a value) and weights (4 a pixel) over the whole grid at worst, and the encoded file
    // (at worst as large as its pixels); strips of rows are passed to GDAL a few megabytes at a time.
    const out = this.width * this.height * this.bands * bytesPerPixel(options.dtype ?? 'float32');
    const peak = this.width * this.height * (4 * this.bands + 4) + out + Math.min(out, STRIP_BYTES);
    if (peak > budget) {
      throw new ArgumentError(
        'resolution',
        `an output grid within memoryBytes (${budget} bytes); ${this.width}x${this.height}x${this.bands} needs about ${peak} bytes: use a coarser resolution, a smaller extent (write it in parts), or raise memoryBytes`,
        options.resolution,
      );
    }
    this.rx = (b[2] - b[0]) / this.width;
    this.ry = (b[3] - b[1]) / this.height;
    this.bounds = [b[0], b[1], b[2], b[3]];
    this.crs = options.crs;
    this.grid = new BlendGrid(this.width, this.height, this.bands, this.blend === 'max');
  }

  /** A writer over the extent of `samples`, in their CRS. */
  static forSamples(samples: SampleSet, options: Omit<PredictionWriterOptions, 'bounds' | 'crs'> & Partial<Pick<PredictionWriterOptions, 'bounds' | 'crs'>>): PredictionWriter {
    const crs = options.crs ?? samples.crs;
    if (!crs) throw new ArgumentError('crs', 'a CRS (the samples have none)', crs);
    return new PredictionWriter({ ...options, bounds: options.bounds ?? samples.totalBounds, crs });
  }

  /**
   * Adds one prediction for the box `bounds` (in the writer's CRS), its grid turned `rotation`
   * degrees counter-clockwise about the box's centre (a `rotation` column, from `samples.augment`).
   */
  add(bounds: Bounds, p: Prediction, rotation = 0): void {
    const [h, w, nb, at] = this.reader(p);
    if (nb !== this.bands) throw new ArgumentError('prediction', `${this.bands} band(s)`, `${nb} bands (shape ${p.shape})`);
    const [x0, y0, x1, y1] = bounds;
    if (!(x1 > x0 && y1 > y0)) throw new ArgumentError('bounds', 'a box with max > min', bounds);
    if (typeof rotation !== 'number' || !Number.isFinite(rotation)) throw new ArgumentError('rotation', 'a finite angle in degrees', rotation);
    const [ex0, ey0, ex1, ey1] = turnedEnvelope(bounds, rotation % 360);
    const [ox, oy] = [this.bounds[0], this.bounds[3]];
    const c0 = Math.max(0, Math.ceil((ex0 - ox) / this.rx - 0.5));
    const c1 = Math.min(this.width - 1, Math.floor((ex1 - ox) / this.rx - 0.5));
    const r0 = Math.max(0, Math.ceil((oy - ey1) / this.ry - 0.5));
    const r1 = Math.min(this.height - 1, Math.floor((oy - ey0) / this.ry - 0.5));
    const bw = x1 - x0;
    const bh = y1 - y0;
    const values = new Float64Array(nb);
    // The prediction's value at (u, v): fractional column and row in it, bilinear.
    const put = (r: number, c: number, u: number, v: number, wt: number) => {
      const ux = Math.min(w - 1, Math.max(0, u));
      const vy = Math.min(h - 1, Math.max(0, v));
      const i0 = Math.floor(ux);
      const i1 = Math.min(w - 1, i0 + 1);
      const j0 = Math.floor(vy);
      const j1 = Math.min(h - 1, j0 + 1);
      const fx = ux - i0;
      const fy = vy - j0;
      for (let b = 0; b < nb; b++) {
        values[b] = (at(j0, i0, b) * (1 - fx) + at(j0, i1, b) * fx) * (1 - fy) + (at(j1, i0, b) * (1 - fx) + at(j1, i1, b) * fx) * fy;
      }
      this.grid.add(r, c, values, wt);
    };
    const distance = this.blend === 'distance';
    if (rotation % 360 === 0) {
      for (let r = r0; r <= r1; r++) {
        const y = oy - (r + 0.5) * this.ry;
        const wy = distance ? Math.max(1e-3, 1 - Math.abs((2 * (y - y0)) / bh - 1)) : 1;
        for (let c = c0; c <= c1; c++) {
          const x = ox + (c + 0.5) * this.rx;
          const wt = distance ? wy * Math.max(1e-3, 1 - Math.abs((2 * (x - x0)) / bw - 1)) : 1;
          put(r, c, ((x - x0) / bw) * w - 0.5, ((y1 - y) / bh) * h - 0.5, wt);
        }
      }
    } else {
      // Output pixel centres in the box's own frame: (u, v) from its centre, turned back by -rotation.
      const t = (rotation * Math.PI) / 180;
      const [cos, sin] = [Math.cos(t), Math.sin(t)];
      const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
      for (let r = r0; r <= r1; r++) {
        const dy = oy - (r + 0.5) * this.ry - cy;
        for (let c = c0; c <= c1; c++) {
          const dx = ox + (c + 0.5) * this.rx - cx;
          const u = (dx * cos + dy * sin) / bw; // -½ … ½ across the box
          const v = (-dx * sin + dy * cos) / bh;
          if (Math.abs(u) > 0.5 || Math.abs(v) > 0.5) continue;
          const wt = distance ? Math.max(1e-3, 1 - Math.abs(2 * u)) * Math.max(1e-3, 1 - Math.abs(2 * v)) : 1;
          put(r, c, (u + 0.5) * w - 0.5, (0.5 - v) * h - 0.5, wt);
        }
      }
    }
    this.added++;
  }

  /**
   * Adds a batch of model outputs for the rows `indices` of `samples` (a flow's `batch.indices`).
   * With `transforms` (a flow's `batch.transforms`, from its `augment` option) each output is first
   * turned back to the map's orientation.
   */
  addBatch(
    samples: SampleSet,
    indices: ArrayLike<number>,
    outputs: { data: ArrayLike<number>; shape: number[]; layout?: 'pixel' | 'band' | 'squeezed' },
    transforms?: ArrayLike<number>,
  ): void {
    const n = outputs.shape[0];
    if (n !== indices.length) throw new ArgumentError('outputs', `${indices.length} predictions (one per index)`, `${n} (shape ${outputs.shape})`);
    if (transforms !== undefined && transforms.length !== n)
      throw new ArgumentError('transforms', `${n} orientations (batch.transforms of the same batch)`, `${transforms.length}`);
    const per = outputs.data.length / n;
    const shape = outputs.shape.slice(1);
    const layout: Layout = shape.length === 2 ? 'squeezed' : outputs.layout === 'band' ? 'band' : 'pixel';
    const d = sampleDims(shape, layout);
    for (let k = 0; k < n; k++) {
      const o = transforms ? transforms[k] : 0;
      if (!(Number.isInteger(o) && o >= 0 && o < 8)) throw new ArgumentError(`transforms[${k}]`, 'an orientation code from 0 to 7 (batch.transforms)', o);
      if (o & 1 && d.h !== d.w) throw new ArgumentError('outputs', `square predictions to undo a quarter turn`, `${d.h}x${d.w}`);
      let data: ArrayLike<number> = Float64Array.from(Array.prototype.slice.call(outputs.data, k * per, (k + 1) * per) as number[]);
      if (o) data = orient(data as Float64Array, d.h, d.w, d.c, layout, inverseOrientation(o));
      this.add(samples.bounds(indices[k]), { data, shape, layout: layout === 'band' ? 'band' : 'pixel' }, rotationOf(samples, indices[k])); // 'squeezed' samples are [h, w]
    }
  }

  /** The blended raster, whole: band-sequential pixels, nodata where no sample fell (toBytes and write never make it). */
  pixels(): PixelArray {
    return this.grid.rows(0, this.height, this.options.dtype ?? 'float32', this.nodata);
  }

  get nodata(): number {
    const dtype = this.options.dtype ?? 'float32';
    return this.options.nodata ?? (dtype === 'float32' || dtype === 'float64' ? Number.NaN : 0);
  }

  /** Number of predictions added. */
  get count(): number {
    return this.added;
  }

  /** GeoTIFF (tiled, DEFLATE) or COG bytes, written by GDAL a strip of rows at a time. */
  async toBytes(options: { format?: 'GTiff' | 'COG'; creationOptions?: string[]; engine?: EnginePool; signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const format = options.format ?? 'GTiff';
    if (format !== 'GTiff' && format !== 'COG') throw new ArgumentError('format', "'GTiff' or 'COG'", format);
    const creationOptions = options.creationOptions ?? (format === 'COG' ? ['COMPRESS=DEFLATE'] : ['TILED=YES', 'COMPRESS=DEFLATE']);
    const dtype = this.options.dtype ?? 'float32';
    const spec = { width: this.width, height: this.height, bands: this.bands, dtype, bounds: this.bounds, crs: this.crs, nodata: this.nodata, format, creationOptions };
    const step = Math.max(1, Math.floor(STRIP_BYTES / (this.width * this.bands * bytesPerPixel(dtype))));
    const engine = options.engine ?? defaultEngine();
    return engine.session(options.signal, async (call) => {
      const id = ++rasterIds;
      await call((api) => api.beginRaster(id, spec));
      try {
        for (let r = 0; r < this.height; r += step) {
          const rows = Math.min(step, this.height - r);
          const data = this.grid.rows(r, rows, dtype, this.nodata);
          await call((api) => api.writeRows(id, r, rows, Comlink.transfer(data, [data.buffer])));
        }
        return await call((api) => api.endRaster(id));
      } catch (e) {
        await call((api) => api.abortRaster(id)).catch(() => undefined);
        throw e;
      }
    });
  }

  /** Writes the file (Node and Deno; in a browser use toBytes). */
  async write(path: string, options: { format?: 'GTiff' | 'COG'; creationOptions?: string[]; engine?: EnginePool } = {}): Promise<void> {
    const rt = currentRuntime();
    if (rt.name === 'browser') throw new ArgumentError('path', 'Node or Deno to write files (use toBytes() in a browser)', path);
    await rt.writeFile(path, await this.toBytes(options), 'path');
  }

  private reader(p: Prediction): [number, number, number, (j: number, i: number, b: number) => number] {
    if (!p?.data || !Array.isArray(p.shape)) throw new ArgumentError('prediction', '{ data, shape }', p);
    if (p.shape.length !== 2 && p.shape.length !== 3) throw new ArgumentError('prediction.shape', '[h, w], [h, w, bands] or [bands, h, w]', p.shape);
    const lay: Layout = p.shape.length === 2 ? 'squeezed' : (p.layout ?? 'pixel');
    const d = sampleDims(p.shape, lay);
    const data = p.data;
    return [d.h, d.w, d.c, (j, i, b) => data[offset(d, lay, 0, j, i, b)]];
  }
}
