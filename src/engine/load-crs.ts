/**
 * Every CRS GDAL's PROJ database knows, usable on the TypeScript side (grids, masks, box
 * reprojection) without opening a raster in it first: `await loadCrs('EPSG:2169')` asks the engine
 * for its definition (WKT1 with the datum shift PROJ would use) and registers it with proj4.
 */
import { ArgumentError } from '../core/errors.js';
import { isCrsKnown, registerCrs } from '../crs/index.js';
import { defaultEngine, type EnginePool } from './pool.js';

export async function loadCrs(crs: string | string[], options: { engine?: EnginePool } = {}): Promise<void> {
  const list = Array.isArray(crs) ? crs : [crs];
  const engine = options.engine ?? defaultEngine();
  for (const c of list) {
    if (typeof c !== 'string' || !c.trim()) throw new ArgumentError('crs', 'a CRS string such as EPSG:2169', c);
    if (isCrsKnown(c)) continue;
    const info = await engine.run({ label: c }, (api) => api.resolveCrs(c.trim())); // a CrsError if GDAL cannot use it
    registerCrs(c, info.wkt1);
  }
}
