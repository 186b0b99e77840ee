/**
 * Coordinate reference systems on the TypeScript side (grids, sample boxes, vector masks), with
 * proj4. A CRS may be given as `EPSG:n`, WKT (1 or 2, with or without an EPSG code) or a PROJ string.
 * proj4 knows few EPSG codes by itself: others are registered from GDAL's definitions (the engine
 * resolves them) or by the user with `registerCrs`.
 */
import proj4 from 'proj4';
import { CrsError } from '../errors/index.js';

export type LinearUnit = 'metre' | 'US survey foot' | 'foot' | 'degree' | 'unknown';

export interface Crs {
  /** The string the user gave (or the registered name). */
  readonly input: string;
  /** EPSG code when known. */
  readonly epsg: number | null;
  /** Unit of the coordinates. */
  readonly units: LinearUnit;
  /** Metres per coordinate unit (NaN for degrees). */
  readonly metresPerUnit: number;
  readonly isGeographic: boolean;
  /** The proj4 definition used for transforms. */
  readonly definition: string;
}

const cache = new Map<string, Crs>();

/** Registers a definition (PROJ string or WKT1) under a name such as `EPSG:3443`. */
export function registerCrs(name: string, definition: string): void {
  const key = normalizeName(name);
  try {
    proj4.defs(key, definition);
    proj4(key); // parse now so a bad definition fails here
  } catch (e) {
    throw new CrsError('CRS_INVALID', `cannot register ${name}: proj4 cannot parse its definition (${(e as Error).message})`, { input: name });
  }
  for (const k of [...cache.keys()]) if (normalizeName(k) === key) cache.delete(k);
}

export function isCrsKnown(input: string): boolean {
  try {
    parseCrs(input);
    return true;
  } catch {
    return false;
  }
}

function normalizeName(s: string): string {
  const m = /^\s*(epsg|esri)\s*:\s*(\d+)\s*$/i.exec(s);
  return m ? `${m[1].toUpperCase()}:${m[2]}` : s.trim();
}

/** Parses a CRS; throws CrsError naming the input when proj4 cannot use it. */
export function parseCrs(input: string): Crs {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new CrsError('CRS_INVALID', `CRS: expected EPSG:n, WKT or a PROJ string, got ${JSON.stringify(input)}`, { input: String(input) });
  }
  const hit = cache.get(input);
  if (hit) return hit;
  const name = normalizeName(input);
  let def: string | undefined;
  let epsg: number | null = null;
  const m = /^EPSG:(\d+)$/.exec(name);
  if (m) {
    epsg = Number(m[1]);
    if (!proj4.defs(name)) {
      throw new CrsError('CRS_INVALID', `${name} is not known to proj4 here; open a raster in it first (GDAL resolves it), or call registerCrs('${name}', wkt)`, { input });
    }
    def = name;
  } else {
    def = input.trim();
    const id = /ID\["EPSG",\s*(\d+)\]\s*\]\s*$|AUTHORITY\["EPSG",\s*"(\d+)"\]\s*\]\s*$/.exec(def);
    if (id) epsg = Number(id[1] ?? id[2]);
  }
  let proj: ReturnType<typeof proj4.Proj>;
  try {
    proj = proj4.Proj(def);
  } catch (e) {
    throw new CrsError('CRS_INVALID', `CRS ${short(input)}: proj4 cannot parse it (${(e as Error)?.message ?? e})`, { input: short(input) });
  }
  const p = proj as unknown as { projName?: string; units?: string; to_meter?: number };
  const isGeographic = p.projName === 'longlat';
  const { units, metresPerUnit } = unitsOf(p, isGeographic);
  const crs: Crs = { input, epsg, units, metresPerUnit, isGeographic, definition: def };
  cache.set(input, crs);
  return crs;
}

function unitsOf(p: { units?: string; to_meter?: number }, geographic: boolean): { units: LinearUnit; metresPerUnit: number } {
  if (geographic) return { units: 'degree', metresPerUnit: Number.NaN };
  const u = (p.units ?? '').toLowerCase();
  const tm = p.to_meter;
  if (u === 'us-ft' || u.includes('us survey') || (tm && Math.abs(tm - 1200 / 3937) < 1e-12)) return { units: 'US survey foot', metresPerUnit: 1200 / 3937 };
  if (u === 'ft' || u === 'foot' || (tm && Math.abs(tm - 0.3048) < 1e-12)) return { units: 'foot', metresPerUnit: 0.3048 };
  if (u === 'm' || u === 'metre' || u === 'meter' || tm === 1 || (!u && !tm)) return { units: 'metre', metresPerUnit: 1 };
  return { units: 'unknown', metresPerUnit: tm ?? Number.NaN };
}

/** A function transforming [x, y] from one CRS to another (identity when they are the same). */
export function transformer(from: string, to: string): (xy: [number, number]) => [number, number] {
  const a = parseCrs(from);
  const b = parseCrs(to);
  if (a.definition === b.definition) return (xy) => [xy[0], xy[1]];
  const t = proj4(a.definition, b.definition);
  return (xy) => t.forward(xy) as [number, number];
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
