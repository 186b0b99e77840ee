/**
 * Chips: one file per sample, written once and read back many times (Keras Spatial's
 * `flow_to_numpy` and `FileCache`). `exportChips` writes `.npy` (what the flow yields, after the
 * preprocess callbacks) or georeferenced GeoTIFF (the sample's pixels in the samples' CRS, written by
 * GDAL, so a chip opens in any GIS); `flowFromFiles` reads `.npy` chips back in batches.
 */
import { ArgumentError, SourceError } from '../core/errors.js';
import { type ProgressOption, progressReporter } from '../runtime/progress.js';
import type { PixelArray } from '../core/pixels.js';
import { currentRuntime } from '../runtime/index.js';
import type { SpatialDataGenerator } from '../generator/spatial-data-generator.js';
import type { Interleave, Layout } from '../core/layout.js';
import type { Batch } from '../generator/sample.js';
import type { SampleSet } from '../samples/sample-set.js';
import { rotationOf } from '../samples/augment.js';
import { type FormatName, outputFormat } from './formats.js';
import { decodeNpy } from './npy.js';
import { finishFolder, prepareFolder, type PreparedFolder } from './output-folder.js';

export interface ExportChipsOptions {
  /** 'npy' (numpy.load reads them), 'geotiff' or 'cog' (georeferenced, written by GDAL). */
  format: FormatName;
  /** Folder the chips go to (created if missing, in Node and Deno); it must be empty, or see `overwrite`. */
  dir: string;
  /**
   * Export into a folder that holds an earlier export: its files that this export does not write
   * are removed (files of anything else there make it an ArgumentError; nothing else is removed).
   * Without it, a folder that holds any file is refused. (Node and Deno, with the default writer.)
   */
  overwrite?: boolean;
  width: number;
  height: number;
  /** File names: `${prefix}${row}.npy` / `.tif` (default 'chip_'). */
  prefix?: string;
  /** How to write a file (default: node:fs in Node and Deno; required in browsers). */
  writeFile?: (path: string, bytes: Uint8Array) => Promise<void>;
  /** GeoTIFF creation options (default DEFLATE compression). */
  creationOptions?: string[];
  batchSize?: number;
  signal?: AbortSignal;
  /** `(done, total) => …` after each file, or true: a bar on a terminal, a `geotensor-progress` event in browsers. */
  progress?: ProgressOption;
  /** @deprecated Use `progress: (done, total) => …`; this option goes in the next release. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Writes one file per sample and returns the sample set with a `file` column (the paths written)
 * and a `layout` column. Every format holds the sample as the flow gives it (preprocess callbacks
 * applied); GeoTIFF and COG chips are georeferenced on the sample's box. Each file appears under its
 * name only when complete; with the default writer, `manifest.json` (format, size, layout, CRS and
 * the files, relative to the folder) is written last, so a folder with one holds a whole export.
 */
export async function exportChips(sdg: SpatialDataGenerator, samples: SampleSet, options: ExportChipsOptions): Promise<SampleSet> {
  const format = outputFormat(options?.format);
  if (typeof options.dir !== 'string' || !options.dir) throw new ArgumentError('dir', 'a folder path', options.dir);
  const write = options.writeFile ?? defaultWriter();
  const prefix = options.prefix ?? 'chip_';
  if (typeof prefix !== 'string' || /[\\/]/.test(prefix)) throw new ArgumentError('prefix', 'a file name prefix without / or \\', prefix);
  const files: string[] = new Array(samples.length).fill(null);
  const dir = options.dir.replace(/[\\/]+$/, '');
  const rt = currentRuntime();
  const folder: PreparedFolder | null = options.writeFile ? null : await prepareFolder(rt, dir, { overwrite: options.overwrite, prefix, extension: format.extension });
  const crs = samples.crs ?? sdg.crs;
  const nodata = sdg.effectiveNodata();
  let done = 0;
  const bar = progressReporter('exportChips', samples.length, options.progress ?? options.onProgress);
  let layout: Layout = 'pixel';
  for await (const b of sdg.flow(samples, options.width, options.height, { batchSize: options.batchSize ?? 16, signal: options.signal })) {
    layout = b.layout;
    if (b.times && format.extension !== 'npy')
      throw new ArgumentError('format', `'npy' for samples with a time axis (a ${format.extension} chip holds one date)`, format.extension);
    const per = b.data.length / b.indices.length;
    for (let k = 0; k < b.indices.length; k++) {
      const row = b.indices[k];
      const data = b.data.subarray(k * per, (k + 1) * per) as PixelArray;
      const bytes = await format.encode(
        { data, shape: b.shape.slice(1), layout: b.layout, bounds: samples.bounds(row), rotation: rotationOf(samples, row), crs, nodata },
        { engine: sdg.engine, creationOptions: options.creationOptions },
      );
      const path = `${dir}/${prefix}${row}.${format.extension}`;
      await write(path, bytes);
      files[row] = path;
      bar.tick(++done);
    }
  }
  bar.end();
  if (folder) {
    const names = files.map((f) => (f === null ? null : f.slice(dir.length + 1)));
    await finishFolder(rt, dir, folder, { geotensor: 1, format: options.format, width: options.width, height: options.height, layout, crs, count: samples.length, files: names });
  }
  return samples.withColumn('file', files).withColumn('layout', new Array(samples.length).fill(layout));
}

function defaultWriter(): (path: string, bytes: Uint8Array) => Promise<void> {
  const rt = currentRuntime();
  if (rt.name === 'browser') throw new ArgumentError('writeFile', 'a function (path, bytes) => Promise<void> to write files in a browser', undefined);
  return (path, bytes) => rt.writeFile(path, bytes, 'dir');
}

export interface FlowFromFilesOptions {
  batchSize?: number;
  /**
   * How the chips' layers are laid out: 'pixel' ([h, w, c], default) or 'band' ([c, h, w]); chips of
   * two dimensions are 'squeezed'. Given a SampleSet from exportChips, its `layout` column is used.
   */
  interleave?: Interleave;
  /** How to read a file (default: from disk in Node and Deno, by fetch in browsers). */
  readFile?: (path: string) => Promise<Uint8Array>;
}

/**
 * A chip that is a batch of one ([1, c, h, w] or [1, h, w, c]: what Keras Spatial's `flow_to_numpy`
 * writes, `arr_<i>.npy`) is read as its one sample, so batches stay 4-D.
 */
function batchOfOne<T extends { shape: number[] }>(c: T): T {
  return c.shape.length === 4 && c.shape[0] === 1 ? { ...c, shape: c.shape.slice(1) } : c;
}

/**
 * Batches of `.npy` chips (as written by exportChips, or by Keras Spatial's `flow_to_numpy`: pass
 * `interleave: 'band'` for its default layout): files in order, stacked; every chip must have
 * the same shape and type. Iterable again for each epoch. Batch layout: [batch, ...chip shape].
 */
export function flowFromFiles(files: readonly string[] | SampleSet, options: FlowFromFilesOptions = {}): AsyncIterable<Batch> {
  const set = Array.isArray(files) ? null : (files as SampleSet);
  const list = set ? (set.column('file') as string[]) : [...(files as readonly string[])];
  const fromSet = set?.hasColumn('layout') ? (set.column('layout') as string[])[0] : undefined;
  const interleave = options.interleave ?? (fromSet === 'band' ? 'band' : 'pixel');
  if (interleave !== 'pixel' && interleave !== 'band') throw new ArgumentError('interleave', "'pixel' or 'band'", interleave);
  if (list.length === 0 || list.some((f) => typeof f !== 'string' || !f)) throw new ArgumentError('files', 'file paths (or a SampleSet with a file column)', list);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError('batchSize', 'an integer ≥ 1', batchSize);
  const read = options.readFile ?? ((p: string) => currentRuntime().readFile(p));
  return {
    async *[Symbol.asyncIterator]() {
      let first: { shape: number[]; dtype: string; name: string } | null = null;
      for (let s = 0; s < list.length; s += batchSize) {
        const names = list.slice(s, s + batchSize);
        const chips = await Promise.all(names.map(async (n) => ({ n, c: batchOfOne(decodeNpy(await read(n), n)) })));
        for (const { n, c } of chips) {
          first ??= { shape: c.shape, dtype: c.dtype, name: n };
          if (c.dtype !== first.dtype || c.shape.join() !== first.shape.join()) {
            throw new SourceError(
              'SOURCE_UNREADABLE',
              `${n}: is ${c.dtype} [${c.shape}], but ${first.name} is ${first.dtype} [${first.shape}]; chips of one flow need one shape and type`,
              { input: n },
            );
          }
        }
        const per = chips[0].c.data.length;
        const Ctor = chips[0].c.data.constructor as new (n: number) => PixelArray;
        const data = new Ctor(per * chips.length);
        chips.forEach(({ c }, k) => data.set(c.data as never, k * per));
        const shape = [chips.length, ...first!.shape];
        yield { data, shape, dtype: chips[0].c.dtype, indices: Int32Array.from(names.map((_, k) => s + k)), layout: shape.length === 4 ? interleave : 'squeezed' } as Batch;
      }
    },
  };
}
