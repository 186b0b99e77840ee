/**
 * Every CRS usable on the TypeScript side (grids, masks, box reprojection) without opening a raster
 * in it first. `await loadCrs()` loads the EPSG table (5,571 codes from PROJ's database, with PROJ's
 * own datum shifts; openRaster, SpatialDataGenerator.open and readVector load it too); a CRS the table
 * does not have (`loadCrs('ESRI:102003')`, a deprecated code) is asked of the engine: GDAL's PROJ
 * database gives its definition (WKT1 with the datum shift PROJ would use), registered with proj4.
 */
import { ArgumentError } from '../core/errors.js';
import { isCrsKnown, loadEpsgTable, registerCrs } from '../crs/index.js';
import { defaultEngine, type EnginePool } from './pool.js';

export async function loadCrs(crs?: string | string[], options: { engine?: EnginePool } = {}): Promise<void> {
  await loadEpsgTable();
  if (crs === undefined) return;
  const list = Array.isArray(crs) ? crs : [crs];
  const engine = options.engine ?? defaultEngine();
  for (const c of list) {
    if (typeof c !== 'string' || !c.trim()) throw new ArgumentError('crs', 'a CRS string such as EPSG:2169', c);
    if (isCrsKnown(c)) continue;
    const info = await engine.run({ label: c }, (api) => api.resolveCrs(c.trim())); // a CrsError if GDAL cannot use it
    registerCrs(c, info.wkt1);
  }
}
