/** The options of SpatialDataGenerator: at open, as a reusable profile, and of its grids. */
import type { DataType, Resampling } from '../core/pixels.js';
import type { Interleave } from '../core/layout.js';
import type { EnginePool } from '../engine/pool.js';
import type { VectorOptions } from '../engine/rasterize-options.js';
import type { StacOpenOptions } from '../stac/open.js';
import type { TimeOptions } from '../stac/time-stack.js';
import type { RemoteOptions } from '../remote/types.js';
import type { RandomGridOptions } from '../samples/grids.js';

export interface GeneratorOptions extends VectorOptions {
  /** A band number (samples without a band axis), a list of band numbers, or all bands (default). */
  indexes?: number | number[];
  /** CRS of the generator's grids and of sample sets without one (default: the source's). */
  crs?: string;
  /** Any gdalwarp resampling (default 'nearest'). */
  resampling?: Resampling;
  /** 'pixel' → [batch, h, w, bands] (default, what tfjs conv layers take); 'band' → [batch, bands, h, w]. */
  interleave?: Interleave;
  /** Output data type (default: the source's). */
  dtype?: DataType;
  /** Value for pixels without data (default: the source's nodata; else none, so pixels outside the source are 0, as gdalwarp and Keras Spatial give them; `NaN` for NaN there). */
  nodata?: number | null;
  /**
   * A validity layer after the others: 1 where the pixel came from the source, 0 where it did not
   * (outside it, or source nodata only). Added after the preprocess callbacks, which never see it.
   */
  mask?: boolean;
  /** Default sample width and height for flows. */
  width?: number;
  height?: number;
  /** The engine (default: the shared default engine). */
  engine?: EnginePool;
  /** For http(s) sources: headers, timeout, retries, block cache size, an AbortSignal (see README, Remote sources). */
  remote?: RemoteOptions;
  /**
   * A STAC source: the asset keys read as its bands, in this order (the source is then a STAC Item
   * or ItemCollection, object or URL, a Collection or Catalog URL, or what `stacSearch` returns).
   */
  assets?: string[];
  /** STAC: value × scale + offset from each asset's raster:bands (float32 bands). */
  applyScale?: boolean;
  /** STAC: maps an asset href (e.g. s3://bucket/key) to an http(s) URL. */
  hrefToUrl?: StacOpenOptions['hrefToUrl'];
  /** STAC: signs each asset URL before it is read (a SAS token, a presigned URL). */
  signHref?: StacOpenOptions['signHref'];
  /**
   * STAC: a time axis. Samples become [1, steps, h, w, c] ('pixel') or [1, steps, c, h, w] ('band'):
   * the `steps` dates (items of one UTC day mosaicked, or each item) meeting the sample's box within
   * `window` (and its own `time_start` / `time_end` columns), the latest (default) or earliest, padded
   * with nodata; batches list them (`batch.times`, `batch.timeMask`).
   */
  time?: TimeOptions;
  /** STAC: items lacking one of the assets are an error (default) or skipped for it. */
  missingAssets?: StacOpenOptions['missingAssets'];
}

/** Settings that are worth re-using on another generator (not the source). */
export interface GeneratorProfile {
  width: number;
  height: number;
  crs: string;
  interleave: Interleave;
  resampling: Resampling;
}

export interface GridOptions {
  overlap?: number;
  /** 'native' (default): sizes in CRS units; 'pixels': sizes in source pixels. */
  units?: 'native' | 'pixels';
}

export interface GeneratorRandomGridOptions extends Omit<RandomGridOptions, 'crs'> {
  /** 'native' (default): sizes in CRS units; 'pixels': sizes in source pixels. */
  units?: 'native' | 'pixels';
}
