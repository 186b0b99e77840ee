/** Turns `gdalinfo -json` of an open dataset into Keras Spatial's `meta` (rasterio's profile). */
import type { DataType } from '../src/core/pixels.js';
import { gridExtent } from '../src/core/box.js';
import type { RasterMeta } from '../src/engine/protocol.js';
import { ArgumentError, SourceError } from '../src/core/errors.js';
import { canHold } from '../src/core/pixels.js';
import type { GdalModule } from './gdal-module.js';

export const GDAL_TYPE_NAMES: Record<DataType, string> = {
  uint8: 'Byte',
  int8: 'Int8',
  uint16: 'UInt16',
  int16: 'Int16',
  uint32: 'UInt32',
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
};
const FROM_GDAL: Record<string, DataType> = Object.fromEntries(Object.entries(GDAL_TYPE_NAMES).map(([k, v]) => [v, k as DataType]));

export function dtypeFromGdal(name: string): DataType | string {
  return FROM_GDAL[name] ?? name.toLowerCase();
}

interface GdalInfoJson {
  driverShortName: string;
  files?: string[];
  size: [number, number];
  coordinateSystem?: { wkt: string };
  geoTransform?: number[];
  stac?: Record<string, unknown>;
  bands: {
    band: number;
    type: string;
    block?: [number, number];
    noDataValue?: number | string;
    overviews?: { size: [number, number] }[];
    colorInterpretation?: string;
    mask?: { flags?: string[] };
  }[];
}

export function gdalInfoJson(g: GdalModule, ds: number): GdalInfoJson | null {
  const p = g.withOptions('Info', ['-json', '-nomd', '-norat', '-noct'], (opts) => g.GDALInfo(ds, opts));
  if (!p) return null;
  const text = g.M.UTF8ToString(p) as string;
  g.M._free(p);
  try {
    return JSON.parse(text) as GdalInfoJson;
  } catch {
    // Corrupt files can make gdalinfo print bare nan/inf, which is not JSON: read them as null.
    return JSON.parse(text.replace(/([:[,]\s*)-?(nan|inf|infinity)\b/gi, '$1null')) as GdalInfoJson;
  }
}

function parseNodata(v: number | string | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (/^nan$/i.test(v)) return Number.NaN;
  if (/^-?inf/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function exactGeoTransform(g: GdalModule, ds: number): number[] {
  const p = g.M._malloc(48);
  try {
    g.GDALGetGeoTransform(ds, p);
    return Array.from(new Float64Array(g.M.HEAPF64.buffer, p, 6));
  } finally {
    g.M._free(p);
  }
}

/** GDAL's data type numbers (GDALDataType) of the types geotensor names. */
const GDAL_TYPE_NUMBERS: Record<number, DataType> = { 1: 'uint8', 2: 'uint16', 3: 'int16', 4: 'uint32', 5: 'int32', 6: 'float32', 7: 'float64', 14: 'int8' };

/**
 * Whether an open dataset is the one `meta` describes (from an open of the same bytes elsewhere:
 * another worker, a source index), as far as GDAL's direct answers tell — size, bands, data types,
 * nodata (unless `nodata` is false: given at open) and geotransform — so that gdalinfo need not run
 * again: it costs 20–30 ms a file, nearly all of it PROJ decoding the file's CRS, which a mosaic's
 * VRT never needs from its parts (it carries the CRS itself). The CRS is taken as described. Anything
 * differing means describing the file anew.
 */
export function confirmDescription(g: GdalModule, ds: number, meta: RasterMeta, nodata: boolean): boolean {
  const count = g.GDALGetRasterCount(ds);
  if (g.GDALGetRasterXSize(ds) !== meta.width || g.GDALGetRasterYSize(ds) !== meta.height || count !== meta.count || meta.dtypes.length !== count) return false;
  const has = g.M._malloc(4);
  try {
    for (let b = 0; b < count; b++) {
      const band = g.GDALGetRasterBand(ds, b + 1);
      const type = GDAL_TYPE_NUMBERS[g.GDALGetRasterDataType(band)];
      if (!type || type !== meta.dtypes[b]) return false;
      if (!nodata) continue;
      g.M.HEAP32[has >>> 2] = 0;
      const v = g.GDALGetRasterNoDataValue(band, has);
      const own = g.M.HEAP32[has >>> 2] ? v : null;
      if (!Object.is(own, meta.nodatavals[b])) return false;
    }
  } finally {
    g.M._free(has);
  }
  const t = meta.transform;
  const gt = exactGeoTransform(g, ds);
  const expected = t ? [t[2], t[0], t[1], t[5], t[3], t[4]] : [0, 1, 0, 0, 0, 1];
  return gt.every((v, i) => v === expected[i]);
}

export function describeDataset(g: GdalModule, ds: number, label: string): RasterMeta {
  let info: GdalInfoJson | null;
  try {
    info = gdalInfoJson(g, ds);
  } catch (e) {
    throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL's description of it is unreadable (${(e as Error).message})`, { input: label });
  }
  if (!info) throw new SourceError('SOURCE_UNREADABLE', `${label}: GDAL could not describe it (${g.CPLGetLastErrorMsg()})`, { input: label });
  const [width, height] = info.size;
  const dtypes = info.bands.map((b) => dtypeFromGdal(b.type));
  const nodatavals = info.bands.map((b) => parseNodata(b.noDataValue));
  // Exact doubles from GDALGetGeoTransform (gdalinfo's JSON rounds them to 16 digits).
  const gt = info.geoTransform ? exactGeoTransform(g, ds) : undefined;
  const transform = gt ? ([gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]] as [number, number, number, number, number, number]) : null;
  const { bounds, res } = transform ? gridExtent(transform, width, height) : { bounds: null, res: null };
  const wkt = info.coordinateSystem?.wkt;
  let crs: RasterMeta['crs'] = null;
  if (wkt) {
    const epsg = info.stac?.['proj:epsg'];
    const pj = info.stac?.['proj:projjson'];
    const projjson = pj && typeof pj === 'object' && !Array.isArray(pj) ? (pj as Record<string, unknown>) : null;
    crs = { wkt, wkt1: g.GDALGetProjectionRef(ds), epsg: typeof epsg === 'number' ? epsg : null, projjson };
  }
  return {
    driver: info.driverShortName,
    dtype: dtypes[0] ?? 'uint8',
    dtypes,
    nodata: nodatavals[0] ?? null,
    nodatavals,
    width,
    height,
    count: info.bands.length,
    crs,
    transform,
    bounds,
    res,
    blockSize: info.bands[0]?.block ?? null,
    overviews: (info.bands[0]?.overviews ?? []).map((o) => o.size),
    files: info.files ?? [],
    alpha: info.bands.some((b) => b.colorInterpretation === 'Alpha' || (b.mask?.flags ?? []).some((f) => f === 'ALPHA' || f === 'PER_DATASET')),
  };
}

/** A part's description with the source nodata given at open in place of its own (one value: every band). */
export function withNodata(meta: RasterMeta, nodata: number[], label: string): RasterMeta {
  if (nodata.length !== 1 && nodata.length !== meta.count) throw new ArgumentError('sourceNodata', `one value, or one per band (${label} has ${meta.count} bands)`, nodata);
  const nodatavals = Array.from({ length: meta.count }, (_, b) => nodata[nodata.length === 1 ? 0 : b]);
  nodatavals.forEach((v, b) => {
    if (!canHold(meta.dtypes[b], v)) throw new ArgumentError('sourceNodata', `values the bands of ${label} hold (band ${b + 1} is ${meta.dtypes[b]})`, v);
  });
  return { ...meta, nodata: nodatavals[0], nodatavals };
}
