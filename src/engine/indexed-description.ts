/**
 * Files' descriptions kept in a source index (see remote/source-index.ts): recorded when a remote
 * file is first opened, and given with the next process's open so that its first worker need not run
 * gdalinfo on each file again (the worker confirms each against GDAL's direct answers: size, bands,
 * types, nodata, geotransform). An index file is input like any other: a description that is not the
 * shape the engine writes, or whose CRS is not a plain CRS definition, is not used (the file is then
 * described as usual).
 */
import { gridExtent } from '../core/box.js';
import { crsTextProblem } from '../core/crs-text.js';
import { blockReader } from './byte-bridge.js';
import type { DatasetSpec, RasterMeta } from './protocol.js';
import { RemoteFile } from '../remote/remote.js';

/** The files of a spec: a mosaic's parts in order, a vector layer's file, else the file itself. */
function leaves(spec: DatasetSpec): DatasetSpec[] {
  return spec.kind === 'mosaic' ? spec.parts.map((p) => p.source) : spec.kind === 'vector' ? [spec.source] : [spec];
}

function remoteOf(leaf: DatasetSpec): RemoteFile | null {
  const r = leaf.kind === 'lazy' ? blockReader(leaf.fileId) : undefined;
  return r instanceof RemoteFile ? r : null;
}

/** Each leaf's description from its source index (null where there is none or it does not check out); null when no leaf has one. */
export function describedFromIndex(spec: DatasetSpec): (RasterMeta | null)[] | null {
  if (spec.kind === 'vector') return null;
  const out = leaves(spec).map((leaf) => checkDescription(remoteOf(leaf)?.indexedDescription));
  return out.some((m) => m) ? out : null;
}

/** Records each remote leaf (not given by its index) in its source index, with its description; whether any came from an index. */
export async function recordInIndex(spec: DatasetSpec, meta: RasterMeta): Promise<boolean> {
  let fromIndex = false;
  const all = leaves(spec);
  for (const [i, leaf] of all.entries()) {
    const r = remoteOf(leaf);
    if (!r) continue;
    fromIndex ||= r.fromIndex;
    const own = spec.kind === 'vector' ? undefined : meta.parts ? meta.parts[i] : meta; // a vector layer: its file alone
    await r.recordInIndex(own as unknown as Record<string, unknown>); // a no-op without an index, or for a file the index gave
  }
  return fromIndex;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const int = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const pair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every(int);

/** `x` as a description when it has the shape the engine writes (and plain CRS text), else null. */
export function checkDescription(x: unknown): RasterMeta | null {
  if (!x || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (!int(m.width) || !int(m.height) || !int(m.count) || (m.count as number) < 1 || typeof m.driver !== 'string') return null;
  const count = m.count as number;
  if (!Array.isArray(m.dtypes) || m.dtypes.length !== count || !m.dtypes.every((t) => typeof t === 'string')) return null;
  if (!Array.isArray(m.nodatavals) || m.nodatavals.length !== count || !m.nodatavals.every((v) => v === null || typeof v === 'number')) return null;
  if (!Array.isArray(m.transform) || m.transform.length !== 6 || !m.transform.every(num)) return null;
  if (!Array.isArray(m.bounds) || m.bounds.length !== 4 || !m.bounds.every(num) || !Array.isArray(m.res) || m.res.length !== 2 || !m.res.every(num)) return null;
  if (m.blockSize !== null && !pair(m.blockSize)) return null;
  if (!Array.isArray(m.overviews) || !m.overviews.every(pair) || !Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string')) return null;
  if (m.alpha !== undefined && typeof m.alpha !== 'boolean') return null;
  if (m.parts !== undefined || m.vector !== undefined) return null;
  const crs = m.crs as Record<string, unknown> | null;
  if (crs !== null) {
    if (!crs || typeof crs !== 'object' || typeof crs.wkt !== 'string' || typeof crs.wkt1 !== 'string') return null;
    if (crsTextProblem(crs.wkt) || crsTextProblem(crs.wkt1)) return null;
    if (!(crs.epsg === null || int(crs.epsg)) || !(crs.projjson === null || (typeof crs.projjson === 'object' && !Array.isArray(crs.projjson)))) return null;
  }
  // Bounds and pixel size as describe.ts derives them from the geotransform (which the worker confirms).
  const { bounds, res } = gridExtent(m.transform as number[], m.width as number, m.height as number);
  return { ...(m as unknown as RasterMeta), dtype: m.dtypes[0] as string, nodata: m.nodatavals[0] as number | null, bounds, res };
}
