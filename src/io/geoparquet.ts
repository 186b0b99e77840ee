/**
 * Sample tables as GeoParquet 1.1: a `geometry` column of WKB polygons (the boxes), a `bbox` covering
 * struct (xmin, ymin, xmax, ymax) readers can filter on, the attribute columns, and the `geo` metadata
 * with the CRS as PROJJSON (GDAL's, asked of the engine), as GeoParquet readers (DuckDB, geopandas,
 * GDAL) expect; this reads what they write (SNAPPY, ZSTD, GZIP or no compression; WKB polygons and
 * multipolygons become their bounding boxes). Parquet itself is hyparquet's (loaded on first use).
 *
 * A file nobody trusts is checked before it is decoded: the row count and the bytes its column chunks
 * say they expand to are held to limits (`maxRows`, `maxBytes`), every page's decompressed size is
 * counted against `maxBytes`, and every geometry is bounds-checked (src/io/wkb.ts).
 */
import { ArgumentError, CrsError, GeotensorError, SourceError } from '../core/errors.js';
import { isCrsKnown } from '../crs/index.js';
import { loadCrs } from '../engine/load-crs.js';
import { defaultEngine, type EnginePool } from '../engine/pool.js';
import { allocBoxes } from '../grid/index.js';
import { currentRuntime } from '../runtime/index.js';
import { normalizeColumns, SampleSet, type ColumnValue } from '../samples/sample-set.js';
import { boxesToWkb, wkbEnvelope } from './wkb.js';

export interface GeoParquetWriteOptions {
  /** Page compression: 'snappy' (the default, what pyarrow and GDAL write) or 'none'. */
  compression?: 'snappy' | 'none';
  /** Rows per row group (default 100,000): readers skip whole groups by their `bbox` statistics. */
  rowGroupSize?: number;
  /** The engine that turns the CRS into PROJJSON (default: the shared one). */
  engine?: EnginePool;
}

export interface GeoParquetReadOptions {
  /** Refuse files with more rows (default 20,000,000). */
  maxRows?: number;
  /** Refuse files whose columns expand to more bytes (default 2 GiB). */
  maxBytes?: number;
  /** The engine that reads a PROJJSON CRS without an EPSG code (default: the shared one). */
  engine?: EnginePool;
}

export type ParquetBytes = Uint8Array | ArrayBuffer | Blob;

const GEOMETRY = 'geometry';
const COVERING = 'bbox';

/** Whether the bytes start and end with Parquet's magic `PAR1`. */
export function isParquet(b: Uint8Array): boolean {
  const m = (at: number) => b[at] === 0x50 && b[at + 1] === 0x41 && b[at + 2] === 0x52 && b[at + 3] === 0x31;
  return b.length >= 12 && m(0) && m(b.length - 4);
}

/** The set as GeoParquet 1.1 bytes (see the module's comment for what is in them). */
export async function toGeoParquet(samples: SampleSet, options: GeoParquetWriteOptions = {}): Promise<Uint8Array> {
  if (!(samples instanceof SampleSet)) throw new ArgumentError('samples', 'a SampleSet', samples);
  const rowGroupSize = options.rowGroupSize ?? 100_000;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1) throw new ArgumentError('rowGroupSize', 'a positive integer', rowGroupSize);
  const compression = options.compression ?? 'snappy';
  if (compression !== 'snappy' && compression !== 'none') throw new ArgumentError('compression', "'snappy' or 'none'", compression);
  for (const name of samples.columnNames) {
    if (name === GEOMETRY || name === COVERING)
      throw new ArgumentError(`column ${name}`, `a name other than '${GEOMETRY}' and '${COVERING}' (GeoParquet's geometry and its covering)`, name);
  }
  const crs = samples.crs === null ? null : await projjsonOf(samples.crs, options.engine);
  const n = samples.length;
  const { minx, miny, maxx, maxy } = samples;
  const geometry = boxesToWkb(minx, miny, maxx, maxy);
  const bbox = new Array<{ xmin: number; ymin: number; xmax: number; ymax: number }>(n);
  for (let i = 0; i < n; i++) bbox[i] = { xmin: minx[i], ymin: miny[i], xmax: maxx[i], ymax: maxy[i] };
  // Every geometry differs: stored plain (no dictionary tried).
  const columnData: { name: string; data: unknown[] | Float64Array; statistics?: boolean; encoding?: string; codec?: string }[] = [
    { name: GEOMETRY, data: geometry, statistics: false, encoding: 'PLAIN' },
    { name: COVERING, data: bbox },
  ];
  const schema: Record<string, unknown>[] = [
    { name: 'root', num_children: 2 + samples.columnNames.length },
    { name: GEOMETRY, type: 'BYTE_ARRAY', repetition_type: 'REQUIRED' },
    { name: COVERING, repetition_type: 'REQUIRED', num_children: 4 },
    ...['xmin', 'ymin', 'xmax', 'ymax'].map((name) => ({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' })),
  ];
  for (const name of samples.columnNames) {
    const col = samples.column(name);
    if (col instanceof Float64Array) {
      columnData.push({ name, data: col.some(Number.isNaN) ? Array.from(col, (v) => (Number.isNaN(v) ? null : v)) : col });
      schema.push({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    } else {
      // Lists of strings (numbers among them are written as their text).
      columnData.push({ name, data: col.map((v) => (v === null || v === undefined ? null : String(v))) });
      schema.push({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    }
  }
  const geo = {
    version: '1.1.0',
    primary_column: GEOMETRY,
    columns: {
      [GEOMETRY]: {
        encoding: 'WKB',
        geometry_types: ['Polygon'],
        crs,
        ...(n > 0 ? { bbox: samples.totalBounds } : {}),
        covering: { bbox: { xmin: [COVERING, 'xmin'], ymin: [COVERING, 'ymin'], xmax: [COVERING, 'xmax'], ymax: [COVERING, 'ymax'] } },
      },
    },
  };
  const { parquetWriteBuffer } = await import('hyparquet-writer/src/index.js');
  const buf = parquetWriteBuffer({
    columnData: columnData as never,
    schema: schema as never,
    codec: compression === 'none' ? 'UNCOMPRESSED' : 'SNAPPY',
    rowGroupSize,
    kvMetadata: [{ key: 'geo', value: JSON.stringify(geo) }],
    createdBy: 'geotensor',
  });
  return new Uint8Array(buf);
}

/** Writes the set as a GeoParquet file (whole or not at all: a temporary name, then a rename). */
export async function writeGeoParquet(samples: SampleSet, path: string, options: GeoParquetWriteOptions = {}): Promise<void> {
  if (typeof path !== 'string' || !path) throw new ArgumentError('path', 'a file path', path);
  const bytes = await toGeoParquet(samples, options);
  await currentRuntime().writeFile(path, bytes, 'GeoParquet file');
}

/** GDAL's PROJJSON for the CRS; EPSG:4326 is written as OGC:CRS84, GeoParquet's longitude-first default. */
async function projjsonOf(crs: string, engine: EnginePool | undefined): Promise<Record<string, unknown>> {
  const input = /^\s*EPSG:4326\s*$/i.test(crs) ? 'OGC:CRS84' : crs.trim();
  const info = await (engine ?? defaultEngine()).run({ label: crs }, (api) => api.resolveCrs(input));
  if (!info.projjson) throw new CrsError('CRS_INVALID', `CRS ${crs.slice(0, 60)}: GDAL gave no PROJJSON for it`, { input: crs.slice(0, 60) });
  return info.projjson;
}

/**
 * A sample set from GeoParquet (a path, a URL in browsers, or bytes): each geometry's bounding box
 * is a sample, the other columns are its columns (numbers, booleans and integers as numbers, the rest
 * as text), the CRS is the `geo` metadata's (EPSG:n when it has an EPSG code, else GDAL's WKT1; absent
 * means OGC:CRS84, read as EPSG:4326).
 */
export async function readGeoParquet(source: string | ParquetBytes, options: GeoParquetReadOptions = {}): Promise<SampleSet> {
  const label = typeof source === 'string' ? source.replace(/\?.*$/, '') : 'GeoParquet bytes';
  const maxRows = options.maxRows ?? 20_000_000;
  const maxBytes = options.maxBytes ?? 2 ** 31;
  if (!(Number.isInteger(maxRows) && maxRows >= 0)) throw new ArgumentError('maxRows', 'a non-negative integer', maxRows);
  if (!(maxBytes > 0)) throw new ArgumentError('maxBytes', 'a positive number of bytes', maxBytes);
  const bytes = await bytesOf(source);
  const bad = (why: string): SourceError => new SourceError('SOURCE_UNREADABLE', `${label}: ${why}`, { input: label });
  if (!isParquet(bytes)) throw bad('is not a Parquet file (no PAR1 magic at its start and end)');
  const pq = await import('hyparquet/src/index.js');
  const file = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  let meta: ReturnType<typeof pq.parquetMetadata>;
  try {
    meta = pq.parquetMetadata(file, { geoparquet: false });
  } catch (e) {
    throw bad(`has a Parquet footer that cannot be read (${(e as Error).message})`);
  }
  const n = Number(meta.num_rows);
  if (!(Number.isSafeInteger(n) && n >= 0)) throw bad(`says it has ${meta.num_rows} rows`);
  if (n > maxRows) throw bad(`has ${n} rows, more than maxRows (${maxRows})`);
  if (meta.row_groups.reduce((s, g) => s + Number(g.num_rows), 0) !== n) throw bad('has row groups whose row counts do not add up to its row count');
  const geo = geoMetadata(meta.key_value_metadata, bad);
  const top = pq.parquetSchema(meta).children;
  const names = top.map((c) => c.element.name);
  const geomCol = top.find((c) => c.element.name === geo.primary);
  if (!geomCol || geomCol.children.length > 0 || geomCol.element.type !== 'BYTE_ARRAY')
    throw bad(`has no top-level binary column '${geo.primary}' (its geo metadata's primary_column)`);
  const skip = new Set([...geo.geometryColumns, ...geo.coverings]);
  const attrs = names.filter((name) => !skip.has(name));
  const wanted = new Set([geo.primary, ...attrs]);
  let expands = 0;
  for (const g of meta.row_groups) for (const c of g.columns) if (c.meta_data && wanted.has(c.meta_data.path_in_schema[0])) expands += Number(c.meta_data.total_uncompressed_size);
  if (!(expands <= maxBytes)) throw bad(`has columns that expand to ${expands} bytes, more than maxBytes (${maxBytes})`);
  const codecs = new Set<string>();
  for (const g of meta.row_groups) for (const c of g.columns) if (c.meta_data && wanted.has(c.meta_data.path_in_schema[0])) codecs.add(c.meta_data.codec);
  for (const c of codecs) if (!CODECS.has(c)) throw bad(`is compressed with ${String(c).slice(0, 20)}; geotensor reads SNAPPY, ZSTD, GZIP and uncompressed Parquet`);
  const compressors = await guardedCompressors(codecs, maxBytes, pq.snappyUncompress);

  const chunks = new Map<string, { start: number; data: ArrayLike<unknown> }[]>([...wanted].map((k) => [k, []]));
  try {
    await pq.parquetRead({
      file,
      metadata: meta,
      columns: [...wanted],
      utf8: false,
      compressors,
      onChunk: (c) => chunks.get(c.columnName)?.push({ start: c.rowStart, data: c.columnData as ArrayLike<unknown> }),
    });
  } catch (e) {
    if (e instanceof GeotensorError) throw e;
    throw bad(`has data that cannot be decoded (${(e as Error).message})`);
  }
  const assemble = (name: string): unknown[] => {
    const out = new Array<unknown>(n).fill(null);
    for (const { start, data } of chunks.get(name) ?? []) {
      for (let k = 0; k < data.length && start + k < n; k++) if (start + k >= 0) out[start + k] = data[k];
    }
    return out;
  };
  const boxes = allocBoxes(n);
  const geoms = assemble(geo.primary);
  for (let i = 0; i < n; i++) {
    const g = geoms[i];
    if (!(g instanceof Uint8Array)) throw bad(`row ${i}: has ${g === null ? 'no geometry' : 'a geometry that is not WKB bytes'}`);
    const env = wkbEnvelope(g);
    if (typeof env === 'string') throw bad(`row ${i}: its geometry ${env}`);
    [boxes.minx[i], boxes.miny[i], boxes.maxx[i], boxes.maxy[i]] = env;
  }
  const text = new TextDecoder();
  const cols: Record<string, ColumnValue[]> = {};
  for (const name of attrs) {
    const el = top.find((c) => c.element.name === name)?.element;
    const dateOnly = el?.converted_type === 'DATE' || el?.logical_type?.type === 'DATE';
    cols[name] = assemble(name).map((v) => toColumnValue(v, text, dateOnly));
  }
  const crs = await crsOf(geo.crs, label, options.engine);
  return new SampleSet(boxes, crs, normalizeColumns(cols));
}

async function bytesOf(source: string | ParquetBytes): Promise<Uint8Array> {
  if (typeof source === 'string') return currentRuntime().readFile(source);
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  throw new ArgumentError('GeoParquet source', 'a path, a URL, or bytes (Uint8Array, ArrayBuffer, Blob)', source);
}

interface GeoInfo {
  primary: string;
  geometryColumns: string[];
  coverings: string[];
  crs: unknown;
}

function geoMetadata(kv: { key: string; value?: string }[] | undefined, bad: (why: string) => SourceError): GeoInfo {
  const raw = kv?.find((e) => e.key === 'geo')?.value;
  if (raw === undefined) throw bad("is Parquet without GeoParquet's 'geo' metadata (no geometry column is named)");
  let geo: { primary_column?: unknown; columns?: Record<string, { encoding?: unknown; crs?: unknown; covering?: { bbox?: Record<string, unknown> } }> };
  try {
    geo = JSON.parse(raw);
  } catch {
    throw bad("has 'geo' metadata that is not JSON");
  }
  const primary = geo?.primary_column;
  const columns = geo?.columns;
  if (typeof primary !== 'string' || !columns || typeof columns !== 'object' || !columns[primary] || typeof columns[primary] !== 'object') {
    throw bad("has 'geo' metadata without a primary_column described in its columns");
  }
  const col = columns[primary];
  const encoding = typeof col.encoding === 'string' ? col.encoding : '';
  if (encoding.toUpperCase() !== 'WKB') throw bad(`has its geometry in the '${String(col.encoding).slice(0, 40)}' encoding; geotensor reads WKB`);
  const coverings = Object.values(columns).flatMap((c) => {
    const path = c?.covering?.bbox?.xmin;
    return Array.isArray(path) && typeof path[0] === 'string' ? [path[0]] : [];
  });
  return { primary, geometryColumns: Object.keys(columns), coverings, crs: 'crs' in col ? col.crs : undefined };
}

/** The GeoParquet CRS as geotensor names CRSs (EPSG:n, else GDAL's WKT1), known to proj4 afterwards. */
async function crsOf(crs: unknown, label: string, engine: EnginePool | undefined): Promise<string | null> {
  if (crs === undefined) return 'EPSG:4326'; // OGC:CRS84, longitude first: how geotensor reads EPSG:4326
  if (crs === null) return null;
  const bad = (why: string) => new CrsError('CRS_INVALID', `${label}: its geometry CRS ${why}`, { input: label });
  const id = (crs as { id?: { authority?: unknown; code?: unknown } }).id;
  let name: string;
  if (typeof crs === 'string') name = crs;
  else if (typeof crs !== 'object' || Array.isArray(crs)) throw bad('is neither PROJJSON nor null');
  else if (id && String(id.authority).toUpperCase() === 'EPSG' && /^\d{1,6}$/.test(String(id.code))) name = `EPSG:${id.code}`;
  else if (id && String(id.authority).toUpperCase() === 'OGC' && /^CRS84$/i.test(String(id.code))) return 'EPSG:4326';
  else {
    const text = JSON.stringify(crs);
    const info = await (engine ?? defaultEngine())
      .run({ label }, (api) => api.resolveCrs(text))
      .catch((e: Error) => {
        throw e instanceof CrsError ? bad(`is not one GDAL/PROJ understands (${e.gdalMessage ?? e.message})`.slice(0, 300)) : e;
      });
    if (info.epsg === null) {
      // GDAL's own WKT1 of it: proj4 reads it or nothing will (asking the engine again would not help).
      if (!isCrsKnown(info.wkt1)) throw bad('cannot be used here: proj4 cannot read the WKT1 GDAL gives for it');
      return info.wkt1;
    }
    name = `EPSG:${info.epsg}`;
  }
  await loadCrs(name, { engine }).catch((e: Error) => {
    throw e instanceof GeotensorError ? bad(`(${name.slice(0, 40)}) cannot be used: ${e.message}`.slice(0, 300)) : e;
  });
  return name;
}

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;

const CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'ZSTD', 'GZIP']);

/**
 * Decompressors for the codecs the file uses (ZSTD from fzstd, GZIP from fflate, loaded only then),
 * each counting its page's declared size against the limit before allocating it.
 */
async function guardedCompressors(codecs: Set<string>, maxBytes: number, snappy: (input: Uint8Array, output: Uint8Array) => void): Promise<Record<string, Decompress>> {
  const zstd = codecs.has('ZSTD') ? (await import('fzstd')).decompress : null;
  const gunzip = codecs.has('GZIP') ? (await import('fflate')).gunzipSync : null;
  let total = 0;
  const guard =
    (codec: string, f: Decompress): Decompress =>
    (input, length) => {
      total += length;
      if (!(length >= 0) || total > maxBytes) throw new SourceError('SOURCE_UNREADABLE', `a ${codec} page expands past maxBytes (${maxBytes})`, {});
      return f(input, length);
    };
  return {
    SNAPPY: guard('SNAPPY', (input, length) => {
      const out = new Uint8Array(length);
      snappy(input, out);
      return out;
    }),
    ...(zstd ? { ZSTD: guard('ZSTD', (input, length) => zstd(input, new Uint8Array(length))) } : {}),
    ...(gunzip ? { GZIP: guard('GZIP', (input, length) => gunzip(input, { out: new Uint8Array(length) })) } : {}),
  };
}

/** A Parquet value as a column value: dates as ISO text (DATE columns as YYYY-MM-DD), nested values as JSON. */
function toColumnValue(v: unknown, text: TextDecoder, dateOnly: boolean): ColumnValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : dateOnly ? v.toISOString().slice(0, 10) : v.toISOString();
  if (v instanceof Uint8Array) return text.decode(v);
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
}
