/**
 * Coordinate reference systems on the TypeScript side (grids, sample boxes, vector masks), with
 * proj4. A CRS may be given as `EPSG:n`, WKT (1 or 2, with or without an EPSG code) or a PROJ string.
 * proj4 knows few EPSG codes by itself: the others come from the EPSG table (epsg-table.ts, 5,571
 * codes from PROJ's database, loaded by `loadEpsgTable`: every async entry point does it), from
 * GDAL's definitions (the engine resolves them) or from the user with `registerCrs`.
 */
import proj4 from 'proj4';
import { crsTextProblem } from '../core/crs-text.js';
import { CrsError } from '../core/errors.js';

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
/** Transformers by `from\u0000to`, at most MAX_TRANSFORMERS (the oldest goes first). */
const transformers = new Map<string, (xy: [number, number]) => [number, number]>();
const MAX_TRANSFORMERS = 64;
/** EPSG code → PROJ string, once the table is loaded (see loadEpsgTable). */
let epsgTable: Map<string, string> | null = null;

/** Makes every code of the EPSG table (lines "code definition") known to parseCrs. */
export function installEpsgTable(text: string): void {
  if (epsgTable) return;
  const t = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0) t.set(line.slice(0, i), line.slice(i + 1));
  }
  epsgTable = t;
}

/** Loads the EPSG table once (a chunk of its own in bundles, about 65 KB gzip); afterwards every code of it is known synchronously. */
let tableLoad: Promise<void> | null = null;
export function loadEpsgTable(): Promise<void> {
  tableLoad ??= import('./epsg-table.js').then(
    (m) => installEpsgTable(m.EPSG_TABLE),
    (e) => {
      tableLoad = null; // a chunk that failed to load (offline page): the next call tries again
      throw e;
    },
  );
  return tableLoad;
}

/** True once the EPSG table is loaded. */
export function hasEpsgTable(): boolean {
  return epsgTable !== null;
}

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
  transformers.clear();
}

export function isCrsKnown(input: string): boolean {
  return parseCrsOrNull(input) !== null;
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
  const problem = crsTextProblem(input);
  if (problem && !proj4.defs(normalizeName(input))) throw new CrsError('CRS_INVALID', `CRS ${short(input)}: ${problem}`, { input: short(input) });
  const name = normalizeName(input);
  let def: string | undefined;
  let epsg: number | null = null;
  const m = /^EPSG:(\d+)$/.exec(name);
  if (m) {
    epsg = Number(m[1]);
    const fromTable = proj4.defs(name) ? undefined : epsgTable?.get(m[1]);
    if (fromTable) proj4.defs(name, fromTable);
    if (!proj4.defs(name)) {
      throw new CrsError(
        'CRS_INVALID',
        epsgTable
          ? `${name} is not in the EPSG table (deprecated, or a method proj4 lacks): call await loadCrs('${name}') (GDAL's PROJ database), or registerCrs`
          : `${name} is not known here yet: await loadCrs() once (it loads every EPSG code; openRaster, SpatialDataGenerator.open and readVector do it too), or await loadCrs('${name}')`,
        { input },
      );
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
  const key = `${from}\u0000${to}`;
  const known = transformers.get(key);
  if (known) return known;
  const a = parseCrs(from);
  const b = parseCrs(to);
  let f: (xy: [number, number]) => [number, number];
  if (a.definition === b.definition) f = (xy) => [xy[0], xy[1]];
  else {
    const [pa, pb] = [proj4.Proj(a.definition), proj4.Proj(b.definition)];
    if (hopsThroughWgs84(pa, pb)) {
      // proj4 takes a datum shift (TOWGS84) through WGS84 and makes a WGS84 projection anew for
      // every point (most of a point's time); the same two steps with one WGS84 made here.
      const [t1, t2] = [proj4(pa, WGS84), proj4(WGS84, pb)];
      f = (xy) => t2.forward(t1.forward(xy)) as [number, number];
    } else {
      const t = proj4(pa, pb);
      f = (xy) => t.forward(xy) as [number, number];
    }
  }
  // proj4 parses both definitions anew on every call (WKT: milliseconds), so the pairs in use are kept.
  if (transformers.size >= MAX_TRANSFORMERS) transformers.delete(transformers.keys().next().value as string);
  transformers.set(key, f);
  return f;
}

const WGS84 = proj4.Proj('WGS84');

type Datum = { datum?: { datum_type: number }; datumCode?: string };

/** proj4's own test (checkNotWGS) for a transform it takes through WGS84: a 3- or 7-parameter or grid shift on a side, the other side not WGS84. */
function hopsThroughWgs84(a: Datum, b: Datum): boolean {
  const shifted = (p: Datum) => !!p.datum && [1, 2, 3].includes(p.datum.datum_type); // PJD_3PARAM, PJD_7PARAM, PJD_GRIDSHIFT
  return !!a.datum && !!b.datum && ((shifted(a) && b.datumCode !== 'WGS84') || (shifted(b) && a.datumCode !== 'WGS84'));
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * The envelope of a box after transforming `densify` points along each edge (rasterio's
 * transform_bounds): the smallest box in `to` that holds the transformed box.
 */
export function transformBounds(bounds: readonly [number, number, number, number], from: string, to: string, densify = 21): [number, number, number, number] {
  if (from === to && bounds.every(Number.isFinite) && bounds[0] <= bounds[2] && bounds[1] <= bounds[3]) {
    parseCrs(from); // an unknown CRS still fails, as below
    return [bounds[0], bounds[1], bounds[2], bounds[3]];
  }
  const t = transformer(from, to);
  const [x0, y0, x1, y1] = bounds;
  let minx = Infinity;
  let miny = Infinity;
  let maxx = -Infinity;
  let maxy = -Infinity;
  const add = (x: number, y: number) => {
    const [u, v] = t([x, y]);
    if (!Number.isFinite(u) || !Number.isFinite(v)) return;
    if (u < minx) minx = u;
    if (u > maxx) maxx = u;
    if (v < miny) miny = v;
    if (v > maxy) maxy = v;
  };
  for (let i = 0; i <= densify + 1; i++) {
    const f = i / (densify + 1);
    const x = x0 + (x1 - x0) * f;
    const y = y0 + (y1 - y0) * f;
    add(x, y0);
    add(x, y1);
    add(x0, y);
    add(x1, y);
  }
  if (!(minx <= maxx && miny <= maxy)) {
    throw new CrsError('CRS_INVALID', `box [${bounds.join(', ')}] cannot be transformed from ${short(from)} to ${short(to)}`, { input: short(to) });
  }
  return [minx, miny, maxx, maxy];
}

/** True when two CRS strings name the same definition (same string, or same EPSG code). */
export function sameCrs(a: string, b: string): boolean {
  if (a === b) return true;
  const ca = parseCrsOrNull(a);
  const cb = parseCrsOrNull(b);
  if (!ca || !cb) return false;
  return (ca.epsg !== null && ca.epsg === cb.epsg) || ca.definition === cb.definition;
}

function parseCrsOrNull(s: string): Crs | null {
  try {
    return parseCrs(s);
  } catch {
    return null;
  }
}
