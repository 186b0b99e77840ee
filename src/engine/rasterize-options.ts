/**
 * Vector sources read as label rasters: the options users give (`burn`, `mode`, `allTouched`...),
 * checked and completed into the engine's RasterizeSpec, and how a source is known to be a vector.
 */
import { ArgumentError } from '../core/errors.js';
import { DATA_TYPES, type DataType } from '../core/pixels.js';
import type { RasterizeSpec } from './protocol.js';

export interface VectorOptions {
  /**
   * Read the source as a vector layer rasterized through each box (default: when `burn` or `mode`
   * is given, the source is a GeoJSON object, or its name ends in .geojson, .json, .shp, .gpkg,
   * .fgb, .kml or .gpx).
   */
  vector?: boolean;
  /** A numeric attribute burned inside each feature, or one value for all (default 1). */
  burn?: string | number;
  /** 'semantic' (default): the burn value; 'instance': each feature its position in the layer, 1, 2, ... */
  mode?: 'semantic' | 'instance';
  /** Burn every pixel a feature touches, not only those whose centre it covers (gdal_rasterize -at). */
  allTouched?: boolean;
  /** One more layer: 1 on the features' outlines (polygon rings, lines), else 0. */
  boundary?: boolean;
  /** The value of pixels no feature covers (default 0). */
  background?: number;
  /** The layer of a multi-layer file (GeoPackage): default the first. */
  layer?: string;
  /** The CRS of the vector's coordinates, for files without one (or to override it). */
  sourceCrs?: string;
}

const VECTOR_NAME = /\.(geojson|json|shp|gpkg|fgb|kml|gpx)(\?.*)?$/i;

/** Whether `source` is read as a vector, by the options or by what it is. */
export function isVectorInput(source: unknown, options: VectorOptions): boolean {
  if (options.vector !== undefined) {
    if (typeof options.vector !== 'boolean') throw new ArgumentError('vector', 'true or false', options.vector);
    return options.vector;
  }
  if (options.burn !== undefined || options.mode !== undefined) return true;
  if (isGeoJsonObject(source)) return true;
  const name = typeof source === 'string' ? source : source instanceof URL ? source.pathname : typeof File !== 'undefined' && source instanceof File ? source.name : '';
  return VECTOR_NAME.test(name);
}

/** A GeoJSON FeatureCollection, Feature or geometry given as an object. */
export function isGeoJsonObject(v: unknown): v is { type: string } {
  if (!v || typeof v !== 'object' || ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v instanceof URL) return false;
  if (typeof Blob !== 'undefined' && v instanceof Blob) return false; // a Blob's `type` is its MIME type
  return typeof (v as { type?: unknown }).type === 'string';
}

/** The engine's spec from the user's options: every field checked, defaults filled in. */
export function toRasterizeSpec(options: VectorOptions & { dtype?: DataType }): RasterizeSpec {
  const mode = options.mode ?? 'semantic';
  if (mode !== 'semantic' && mode !== 'instance') throw new ArgumentError('mode', "'semantic' or 'instance'", mode);
  const burn = options.burn ?? 1;
  if (typeof burn === 'string') {
    if (!burn.trim()) throw new ArgumentError('burn', 'an attribute name or a number', burn);
  } else if (typeof burn !== 'number' || !Number.isFinite(burn)) throw new ArgumentError('burn', 'an attribute name or a finite number', burn);
  if (mode === 'instance' && options.burn !== undefined) throw new ArgumentError('burn', "no burn value with mode 'instance' (each feature burns its own id)", burn);
  const background = options.background ?? 0;
  if (typeof background !== 'number' || !Number.isFinite(background)) throw new ArgumentError('background', 'a finite number', background);
  for (const k of ['allTouched', 'boundary'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new ArgumentError(k, 'true or false', options[k]);
  }
  if (options.layer !== undefined && (typeof options.layer !== 'string' || !options.layer)) throw new ArgumentError('layer', 'a layer name', options.layer);
  if (options.sourceCrs !== undefined && (typeof options.sourceCrs !== 'string' || !options.sourceCrs.trim()))
    throw new ArgumentError('sourceCrs', 'a CRS string', options.sourceCrs);
  const dtype = options.dtype ?? defaultDtype(mode, burn, background);
  if (!DATA_TYPES.includes(dtype)) throw new ArgumentError('dtype', DATA_TYPES.join(', '), dtype);
  return {
    burn,
    mode,
    allTouched: options.allTouched ?? false,
    boundary: options.boundary ?? false,
    background,
    dtype,
    ...(options.layer !== undefined ? { layer: options.layer } : {}),
    ...(options.sourceCrs !== undefined ? { crs: options.sourceCrs.trim() } : {}),
  };
}

/** uint8 for class values 0–255, int32 for instance ids and other integers, else float32. */
function defaultDtype(mode: string, burn: string | number, background: number): DataType {
  if (mode === 'instance') return 'int32';
  if (typeof burn === 'string') return 'float32';
  const ints = Number.isInteger(burn) && Number.isInteger(background);
  if (ints && Math.min(burn, background) >= 0 && Math.max(burn, background) <= 255) return 'uint8';
  return ints ? 'int32' : 'float32';
}
