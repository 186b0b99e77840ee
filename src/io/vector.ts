/**
 * Vector input for masks and predefined samples: GeoJSON objects or files, and ESRI shapefiles
 * (read by the `shapefile` package; the CRS comes from the .prj).
 */
import * as shapefileModule from 'shapefile';
import { ArgumentError, SourceError } from '../core/errors.js';
import { currentRuntime } from '../runtime/index.js';
import { SampleSet, type GeoJsonFeatureCollection } from '../samples/sample-set.js';

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

/** Reads GeoJSON or a shapefile (path, URL in browsers, or bytes) into features and their CRS. */
export async function readVector(source: VectorSource): Promise<VectorData> {
  if (typeof source === 'string') {
    const rt = currentRuntime();
    if (/\.shp$/i.test(source)) {
      const base = source.slice(0, -4);
      const [shp, dbf, prj] = await Promise.all([rt.readFile(source), rt.readFile(`${base}.dbf`).catch(() => undefined), rt.readFile(`${base}.prj`).catch(() => undefined)]);
      return readVector({ shp, dbf, prj });
    }
    const bytes = await rt.readFile(source);
    let fc: GeoJsonFeatureCollection;
    try {
      fc = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new SourceError('SOURCE_UNREADABLE', `${source}: is neither a shapefile (.shp) nor valid GeoJSON (${(e as Error).message})`, { input: source });
    }
    return readVector(fc);
  }
  if (source && typeof source === 'object' && 'shp' in source) {
    let fc: GeoJsonFeatureCollection;
    try {
      fc = await shapefile.read(await buffer(source.shp), source.dbf ? await buffer(source.dbf) : undefined);
    } catch (e) {
      throw new SourceError('SOURCE_UNREADABLE', `shapefile: cannot be read (${(e as Error).message})`, { input: 'shapefile' });
    }
    const prj = await text(source.prj);
    return { geojson: fc, crs: prj?.trim() || 'EPSG:4326' };
  }
  const fc = source as GeoJsonFeatureCollection;
  if (!fc || typeof fc !== 'object' || !('type' in fc)) throw new ArgumentError('vector source', 'a GeoJSON object, a .shp/.geojson path, or { shp, dbf, prj } bytes', source);
  const wrapped: GeoJsonFeatureCollection =
    fc.type === 'FeatureCollection'
      ? fc
      : fc.type === 'Feature'
        ? { type: 'FeatureCollection', features: [fc as never] }
        : { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: fc as never, properties: {} }] };
  return { geojson: wrapped, crs: crsMember(fc) ?? 'EPSG:4326' };
}

/** Predefined samples from polygons (their bounding boxes) in a vector file; properties become columns. */
export async function readSamples(source: VectorSource, options: { crs?: string } = {}): Promise<SampleSet> {
  const v = await readVector(source);
  return SampleSet.fromGeoJSON(v.geojson, { crs: options.crs ?? v.crs });
}
