/**
 * Output formats: one interface for every file geotensor writes from pixels (chips, predictions).
 * A format turns one georeferenced sample into file bytes; a new format is one file beside this one
 * plus its line in `FORMATS` (src/chips/formats.ts).
 */
import type { Bounds } from '../core/box.js';
import type { Layout } from '../core/layout.js';
import type { PixelArray } from '../core/pixels.js';
import type { EnginePool } from '../engine/pool.js';

/** One sample's pixels in a layout, with where they are on the map. */
export interface GeoSample {
  /** The pixels without a batch dimension: [h, w, c] ('pixel'), [c, h, w] ('band') or [h, w] ('squeezed'). */
  data: PixelArray;
  shape: number[];
  layout: Layout;
  bounds: Bounds;
  /** Degrees counter-clockwise the sample's grid is turned about the box's centre (its `rotation` column). */
  rotation?: number;
  crs: string;
  nodata: number | null;
}

export interface OutputFormat {
  /** File name extension, without the dot. */
  readonly extension: string;
  /** The file's bytes. `creationOptions` are GDAL's `-co` for formats GDAL writes. */
  encode(sample: GeoSample, options: { engine?: EnginePool; creationOptions?: string[] }): Promise<Uint8Array>;
}
