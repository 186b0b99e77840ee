/**
 * Per-sample attributes (Keras Spatial's AttributeGenerator): every sample is read once through the
 * batch API and summarised into new columns; global statistics pool those columns; `normalize` is a
 * ready preprocess callback.
 */
import { ArgumentError } from '../core/errors.js';
import { dims, offset } from '../core/layout.js';
import { normalizeColumns, type SampleSet } from '../samples/sample-set.js';
import { type ProgressOption, progressReporter } from '../runtime/progress.js';
import type { Batch, SampleArray } from './sample.js';
import { SpatialDataGenerator } from './spatial-data-generator.js';

export type StatName = 'min' | 'max' | 'mean' | 'std' | 'sum' | 'count' | 'nodata' | 'classCounts';
const STATS: StatName[] = ['min', 'max', 'mean', 'std', 'sum', 'count', 'nodata', 'classCounts'];

export interface AttributeOptions {
  /** Sample width in pixels (with a generator; batches bring their own size). */
  width?: number;
  height?: number;
  /** With batches: the value that counts as nodata (default none; NaN always does). */
  nodata?: number | null;
  /** Statistics per sample (default min, max, mean, std, count, nodata). Nodata pixels are excluded and counted in `nodata`. */
  stats?: StatName[];
  /** With `classCounts`: the most distinct classes counted (default 1024); more is an ArgumentError, as is a value that is not a whole number. */
  maxClasses?: number;
  /** Columns computed by your own functions of the sample (raw pixels, before preprocess callbacks). */
  custom?: Record<string, (sample: SampleArray, index: number) => number | string | null>;
  batchSize?: number;
  signal?: AbortSignal;
  /** `(done, total) => …` after each batch, or true: a bar on a terminal, a `geotensor-progress` event in browsers. */
  progress?: ProgressOption;
  /** @deprecated Use `progress: (done, total) => …`; this option goes in the next release. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The sample set with new columns: `min`, `max`, ... (suffixed `_b1`, `_b2` ... for several layers),
 * `class_<v>` for class counts. The pixels come from a generator (read through `samples` at
 * width×height) or from batches already made (a flow, `flowFromFiles`), whose `indices` name the rows.
 */
export async function attributes(source: SpatialDataGenerator | AsyncIterable<Batch>, samples: SampleSet, options: AttributeOptions): Promise<SampleSet> {
  const stats = options.stats ?? ['min', 'max', 'mean', 'std', 'count', 'nodata'];
  for (const s of stats) if (!STATS.includes(s)) throw new ArgumentError('stats', `names from ${STATS.join(', ')}`, s);
  const bar = progressReporter('attributes', samples.length, options.progress ?? options.onProgress);
  const n = samples.length;
  const sdg = source instanceof SpatialDataGenerator ? source : null;
  const nodata = sdg ? sdg.effectiveNodata() : (options.nodata ?? null);
  if (!sdg && (typeof source !== 'object' || source === null || typeof (source as AsyncIterable<Batch>)[Symbol.asyncIterator] !== 'function')) {
    throw new ArgumentError('source', 'a SpatialDataGenerator or an async iterable of batches', source);
  }
  const batches: AsyncIterable<Batch> = sdg
    ? sdg.flow(samples, options.width as number, options.height as number, { batchSize: options.batchSize ?? 32, signal: options.signal, preprocess: false })
    : (source as AsyncIterable<Batch>);
  const isNoValue = (v: number, _p?: number) => Number.isNaN(v) || (nodata !== null && v === nodata);
  const numeric = new Map<string, Float64Array>();
  const col = (name: string) => {
    let c = numeric.get(name);
    if (!c) numeric.set(name, (c = new Float64Array(n).fill(Number.NaN)));
    return c;
  };
  const customCols = new Map<string, (number | string | null)[]>();
  const classNames = new Set<string>();
  const classCounts: Map<number, number>[][] = [];
  const maxClasses = options.maxClasses ?? 1024;
  if (!Number.isInteger(maxClasses) || maxClasses < 1) throw new ArgumentError('maxClasses', 'a positive integer', options.maxClasses);
  let done = 0;
  for await (const batch of batches) {
    if (batch.times) throw new ArgumentError('source', 'samples without a time axis (open the STAC source without time for per-sample attributes)', 'time');
    const d = dims(batch);
    const b = d.n;
    const per = batch.data.length / b;
    // A generator with a validity layer (mask: true): that layer says which pixels are nodata.
    const masked = sdg?.mask === true;
    const layers = masked ? d.c - 1 : d.c;
    const hw = d.h * d.w;
    for (let k = 0; k < b; k++) {
      const row = batch.indices[k];
      if (!(row >= 0 && row < n)) throw new ArgumentError('batch.indices', `rows of the sample set (0 to ${n - 1})`, row);
      const base = k * per;
      // Within one layer pixel p = y·w + x sits at a fixed step from the layer's first pixel in any layout.
      const starts = Array.from({ length: d.c }, (_, l) => offset(d, batch.layout, k, 0, 0, l));
      const step = offset(d, batch.layout, k, d.w > 1 ? 0 : 1, d.w > 1 ? 1 : 0, 0) - starts[0];
      const at = (l: number, p: number) => batch.data[starts[l] + p * step];
      const isNo = masked ? (v: number, p: number) => at(layers, p) === 0 || isNoValue(v) : isNoValue;
      for (let l = 0; l < layers; l++) {
        const sfx = layers > 1 ? `_b${l + 1}` : '';
        let mn = Infinity;
        let mx = -Infinity;
        let sum = 0;
        let cnt = 0;
        let nod = 0;
        for (let p = 0; p < hw; p++) {
          const v = at(l, p);
          if (isNo(v, p)) {
            nod++;
            continue;
          }
          if (v < mn) mn = v;
          if (v > mx) mx = v;
          sum += v;
          cnt++;
        }
        const mean = cnt ? sum / cnt : Number.NaN;
        let ss = 0;
        if (stats.includes('std')) {
          for (let p = 0; p < hw; p++) {
            const v = at(l, p);
            if (!isNo(v, p)) ss += (v - mean) * (v - mean);
          }
        }
        const values: Record<string, number> = {
          min: cnt ? mn : Number.NaN,
          max: cnt ? mx : Number.NaN,
          mean,
          std: cnt ? Math.sqrt(ss / cnt) : Number.NaN,
          sum,
          count: cnt,
          nodata: nod,
        };
        for (const s of stats) if (s !== 'classCounts') col(`${s}${sfx}`)[row] = values[s];
        if (stats.includes('classCounts')) {
          const m = new Map<number, number>();
          for (let p = 0; p < hw; p++) {
            const v = at(l, p);
            if (isNo(v, p)) continue;
            if (!Number.isInteger(v)) {
              throw new ArgumentError(
                'stats',
                `classCounts of class values (whole numbers); sample ${row} has ${v} (a continuous raster? count the classes of a label raster)`,
                'classCounts',
              );
            }
            m.set(v, (m.get(v) ?? 0) + 1);
          }
          (classCounts[l] ??= [])[row] = m;
          for (const v of m.keys()) classNames.add(`${v}${sfx ? `|${l}` : ''}`);
          if (classNames.size > maxClasses) {
            throw new ArgumentError(
              'maxClasses',
              `at least the ${classNames.size} distinct classes found by sample ${row} (or fewer classes: is this a label raster?)`,
              maxClasses,
            );
          }
        }
      }
      if (options.custom) {
        const sample = { data: batch.data.subarray(base, base + per), shape: [1, ...batch.shape.slice(1)] } as SampleArray;
        for (const [name, fn] of Object.entries(options.custom)) {
          let c = customCols.get(name);
          if (!c) customCols.set(name, (c = new Array(n).fill(null)));
          c[row] = fn(sample, row);
        }
      }
    }
    done += b;
    bar.tick(done);
  }
  bar.end();
  let out = samples;
  for (const [name, c] of numeric) out = out.withColumn(name, c);
  for (const key of [...classNames].sort((a, b) => parseFloat(a) - parseFloat(b))) {
    const [v, l] = key.split('|');
    const layer = l === undefined ? 0 : Number(l);
    const name = `class_${v}${l === undefined ? '' : `_b${layer + 1}`}`;
    out = out.withColumn(
      name,
      Float64Array.from({ length: n }, (_, i) => classCounts[layer]?.[i]?.get(Number(v)) ?? 0),
    );
  }
  for (const [name, col] of Object.entries(normalizeColumns(Object.fromEntries(customCols)))) out = out.withColumn(name, col);
  return out;
}

export interface GlobalStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  count: number;
}

/** Global statistics from per-sample columns: min of mins, max of maxes, pooled mean and std (weighted by counts). */
export function globalStats(samples: SampleSet, suffix = ''): GlobalStats {
  const get = (name: string) => samples.column(`${name}${suffix}`) as Float64Array;
  const mins = get('min');
  const maxs = get('max');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    if (mins[i] < min) min = mins[i];
    if (maxs[i] > max) max = maxs[i];
  }
  let mean = Number.NaN;
  let std = Number.NaN;
  let count = Number.NaN;
  if (samples.hasColumn(`mean${suffix}`) && samples.hasColumn(`count${suffix}`)) {
    const means = get('mean');
    const counts = get('count');
    const stds = samples.hasColumn(`std${suffix}`) ? get('std') : null;
    let n = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < samples.length; i++) {
      const c = counts[i];
      if (!(c > 0)) continue;
      n += c;
      s1 += c * means[i];
      if (stds) s2 += c * (stds[i] * stds[i] + means[i] * means[i]);
    }
    count = n;
    mean = s1 / n;
    if (stds) std = Math.sqrt(Math.max(0, s2 / n - mean * mean));
  }
  return { min, max, mean, std, count };
}

/**
 * A preprocess callback scaling values from [gmin, gmax] to [0, 1] (NaN stays NaN), as a Float32Array:
 * every layer, or with `{ layer }` only that one (0-based, as Keras Spatial's `normalize(arr, gmin,
 * gmax, layer)`), the others kept as they are.
 */
export function normalize(gmin: number, gmax: number, options: { layer?: number } = {}): (sample: SampleArray) => SampleArray {
  if (!Number.isFinite(gmin) || !Number.isFinite(gmax) || !(gmax > gmin)) throw new ArgumentError('normalize', 'finite gmin < gmax', [gmin, gmax]);
  const scale = 1 / (gmax - gmin);
  const layer = options.layer;
  if (layer !== undefined && (!Number.isInteger(layer) || layer < 0)) throw new ArgumentError('normalize layer', 'a layer index ≥ 0', layer);
  return (sample) => {
    const data = Float32Array.from(sample.data as ArrayLike<number>);
    const lay = sample.layout ?? (sample.shape.length === 3 ? 'squeezed' : 'pixel');
    const d = dims({ shape: sample.shape, layout: lay }); // a sample's shape has its leading 1
    if (layer !== undefined && layer >= d.c) throw new ArgumentError('normalize layer', `a layer index below ${d.c}`, layer);
    for (let l = 0; l < d.c; l++) {
      if (layer !== undefined && l !== layer) continue;
      for (let y = 0; y < d.h; y++)
        for (let x = 0; x < d.w; x++) {
          const k = offset(d, lay, 0, y, x, l);
          data[k] = (data[k] - gmin) * scale;
        }
    }
    return { ...sample, data };
  };
}
