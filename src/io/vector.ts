/**
 * Vector input for masks and predefined samples: GeoJSON objects or files, and ESRI shapefiles
 * (read by the `shapefile` package; the CRS comes from the .prj).
 */
import * as shapefileModule from 'shapefile';
import { ArgumentError, SourceError } from '../core/errors.js';
import { currentRuntime } from '../runtime/index.js';
import { SampleSet, type GeoJsonFeatureCollection } from '../samples/sample-set.js';
import { loadEpsgTable } from '../crs/index.js';
import { readGeoParquet } from './geoparquet.js';

export interface VectorData {
  geojson: GeoJsonFeatureCollection;
  /** CRS of the coordinates: the .prj's WKT, a GeoJSON `crs` member, or EPSG:4326. */
  crs: string;
}

export type Bytes = ArrayBuffer | Uint8Array | Blob;
export type VectorSource = string | GeoJsonFeatureCollection | { shp: Bytes; dbf?: Bytes; prj?: string | Bytes };

type ShapefileApi = { read(shp: ArrayBuffer, dbf?: ArrayBuffer, options?: { encoding?: string }): Promise<GeoJsonFeatureCollection> };
// ESM builds export read(); Node's CommonJS build arrives as the default export.
const DEFAULT = 'default';
const shapefile: ShapefileApi = (
  (shapefileModule as unknown as { read?: unknown }).read ? shapefileModule : (shapefileModule as unknown as Record<string, ShapefileApi>)[DEFAULT]
) as ShapefileApi;

async function buffer(b: Bytes): Promise<ArrayBuffer> {
  if (b instanceof ArrayBuffer) return b;
  if (b instanceof Uint8Array) return b.slice().buffer as ArrayBuffer;
  return b.arrayBuffer();
}

async function text(b: string | Bytes | undefined): Promise<string | null> {
  if (b === undefined) return null;
  if (typeof b === 'string') return b;
  return new TextDecoder().decode(await buffer(b));
}

function crsMember(fc: { crs?: unknown }): string | null {
  const name = (fc.crs as { properties?: { name?: string } } | undefined)?.properties?.name;
  if (!name) return null;
  const m = /EPSG::?(\d+)/i.exec(name);
  return m ? `EPSG:${m[1]}` : /CRS84$/i.test(name) ? 'EPSG:4326' : name;
}

/**
 * Reads GeoJSON or a shapefile (path, URL in browsers, or bytes) into features and their CRS. Every
 * position must be two or three finite numbers; GeoJSON without a `crs` member is in degrees
 * (RFC 7946), so coordinates outside longitude/latitude ranges are an error naming the first such
 * feature, unless `options.crs` says what they are.
 */
export async function readVector(source: VectorSource, options: { crs?: string } = {}): Promise<VectorData> {
  await loadEpsgTable().catch(() => undefined); // every EPSG code known for the masks made from it
  const v = await readAny(source);
  const label = typeof source === 'string' ? source : 'shp' in (source as object) ? 'shapefile' : 'GeoJSON';
  checkPositions(v.geojson, label, !options.crs && v.crs === 'EPSG:4326' && !v.crsGiven);
  return { geojson: v.geojson, crs: options.crs ?? v.crs };
}

/** Positions of every feature: finite numbers, and within longitude/latitude when `degrees`. */
function checkPositions(fc: GeoJsonFeatureCollection, label: string, degrees: boolean): void {
  const features = Array.isArray(fc.features) ? fc.features : [];
  features.forEach((f, i) => {
    const bad = (why: string): never => {
      throw new SourceError('SOURCE_UNREADABLE', `${label}: features[${i}] ${why}`, { input: label, feature: i });
    };
    const visit = (c: unknown, depth: number): void => {
      if (!Array.isArray(c) || depth > 6) bad(`has coordinates that are not arrays of positions (${JSON.stringify(c)?.slice(0, 60)})`);
      const arr = c as unknown[];
      if (arr.length > 0 && !Array.isArray(arr[0])) {
        if (arr.length < 2 || arr.length > 4 || !arr.every((x) => typeof x === 'number' && Number.isFinite(x)))
          bad(`has a position that is not 2 or 3 finite numbers: ${JSON.stringify(arr).slice(0, 60)}`);
        const [x, y] = arr as number[];
        if (degrees && (Math.abs(x) > 180 || Math.abs(y) > 90)) {
          bad(`has the position (${x}, ${y}), outside longitude/latitude, and the file has no "crs" member (GeoJSON without one is in degrees): add one, or give the crs option`);
        }
        return;
      }
      for (const p of arr) visit(p, depth + 1);
    };
    const geoms = (g: { type?: string; coordinates?: unknown; geometries?: unknown[] } | null | undefined): void => {
      if (!g) return;
      if (g.type === 'GeometryCollection') for (const x of g.geometries ?? []) geoms(x as never);
      else visit(g.coordinates, 0);
    };
    geoms((f as unknown as { geometry?: never })?.geometry);
  });
}

async function readAny(source: VectorSource): Promise<VectorData & { crsGiven?: boolean }> {
  if (typeof source === 'string') {
    const rt = currentRuntime();
    if (/\.shp$/i.test(source)) {
      const base = source.slice(0, -4);
      const [shp, dbf, prj] = await Promise.all([rt.readFile(source), rt.readFile(`${base}.dbf`).catch(() => undefined), rt.readFile(`${base}.prj`).catch(() => undefined)]);
      return readAny({ shp, dbf, prj });
    }
    const bytes = await rt.readFile(source);
    let fc: GeoJsonFeatureCollection;
    try {
      fc = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new SourceError('SOURCE_UNREADABLE', `${source}: is neither a shapefile (.shp) nor valid GeoJSON (${(e as Error).message})`, { input: source });
    }
    return readAny(fc);
  }
  if (source && typeof source === 'object' && 'shp' in source) {
    let fc: GeoJsonFeatureCollection;
    try {
      fc = await shapefile.read(await buffer(source.shp), source.dbf ? await buffer(source.dbf) : undefined);
    } catch (e) {
      throw new SourceError('SOURCE_UNREADABLE', `shapefile: cannot be read (${(e as Error).message})`, { input: 'shapefile' });
    }
    const prj = await text(source.prj);
    return { geojson: fc, crs: prj?.trim() || 'EPSG:4326', crsGiven: !!prj?.trim() };
  }
  const fc = source as GeoJsonFeatureCollection;
  if (!fc || typeof fc !== 'object' || !('type' in fc)) throw new ArgumentError('vector source', 'a GeoJSON object, a .shp/.geojson path, or { shp, dbf, prj } bytes', source);
  const wrapped: GeoJsonFeatureCollection =
    fc.type === 'FeatureCollection'
      ? fc
      : fc.type === 'Feature'
        ? { type: 'FeatureCollection', features: [fc as never] }
        : { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: fc as never, properties: {} }] };
  const member = crsMember(fc);
  return { geojson: wrapped, crs: member ?? 'EPSG:4326', crsGiven: member !== null };
}

/**
 * Predefined samples from polygons (their bounding boxes) in a vector file (GeoJSON, a shapefile, or
 * GeoParquet: a `.parquet` path goes to `readGeoParquet`); properties become columns.
 */
export async function readSamples(source: VectorSource, options: { crs?: string } = {}): Promise<SampleSet> {
  let set: SampleSet;
  if (typeof source === 'string' && /\.(geo)?parquet$/i.test(source.replace(/[?#].*$/, ''))) {
    set = await readGeoParquet(source);
    // The file names its CRS; the option only says what an unknown one (crs: null) is.
    if (options.crs && set.crs === null) set = new SampleSet(set.boxes(), options.crs, new Map(set.columnNames.map((c) => [c, set.column(c)])));
    else if (options.crs && options.crs !== set.crs) throw new ArgumentError('crs', `no crs option for ${source}: the file says its CRS is ${set.crs?.slice(0, 40)}`, options.crs);
  } else {
    const v = await readVector(source, options);
    try {
      set = SampleSet.fromGeoJSON(v.geojson, { crs: v.crs });
    } catch (e) {
      if (typeof source !== 'string' || !(e instanceof ArgumentError)) throw e;
      throw new SourceError('SOURCE_UNREADABLE', `${source}: ${e.message}`, { input: source });
    }
  }
  // A `file` column (chips from exportChips / geotensor extract) is relative to the samples file.
  if (typeof source === 'string' && set.hasColumn('file')) {
    const folder = source.replace(/[^/\\]*$/, '');
    const files = (set.column('file') as unknown[]).map((f) => (typeof f === 'string' && folder && !/^([a-z][a-z0-9+.-]*:|[/\\])/i.test(f) ? `${folder}${f}` : f));
    set = set.withColumn('file', files as never);
  }
  return set;
}
