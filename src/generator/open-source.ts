/** Opening a generator's source: raster or vector, checked for what samples in map coordinates need. */
import { ArgumentError, SourceError } from '../core/errors.js';
import type { Interleave } from '../core/layout.js';
import { isCrsKnown, registerCrs } from '../crs/index.js';
import type { RasterMeta } from '../engine/protocol.js';
import { openRaster, type RasterSource } from '../engine/raster.js';
import { RasterStack, type RasterReader } from '../engine/raster-stack.js';
import { openStac } from '../stac/open.js';
import { TimeStack } from '../stac/time-stack.js';
import type { StacInput } from '../stac/types.js';
import type { GeneratorOptions } from './generator-options.js';
import { isVectorInput, toRasterizeSpec } from '../engine/rasterize-options.js';
import { checkCrs } from '../engine/validate.js';

/**
 * Opens the source (a vector layer — GeoJSON, shapefile, GeoPackage, FlatGeobuf... — is rasterized
 * by GDAL through each box), checks that it is georeferenced and that GDAL knows the asked CRS.
 * The source is closed again when a check fails.
 */
export async function openSource(source: RasterSource | object, options: GeneratorOptions): Promise<RasterReader> {
  let raster: RasterReader;
  if (source instanceof RasterStack || source instanceof TimeStack) raster = source;
  else if (options.assets !== undefined) raster = await openStac(source as StacInput, { ...options, assets: options.assets });
  else if (options.time !== undefined) throw new ArgumentError('time', 'a STAC source opened with assets (time steps are its dates)', options.time);
  else {
    const rasterize = isVectorInput(source, options) ? toRasterizeSpec(options) : undefined;
    raster = await openRaster(source, { engine: options.engine, remote: options.remote, rasterize });
  }
  try {
    const m = raster.meta;
    if (!m.crs || (!m.transform && !m.vector)) {
      throw new SourceError(
        'SOURCE_NOT_GEOREFERENCED',
        `${raster.label}: has no ${!m.transform ? 'geotransform' : 'CRS'}, so samples in map coordinates cannot be placed on it (assign one, e.g. gdal_translate -a_srs / -a_ullr)`,
        { input: raster.label },
      );
    }
    registerSourceCrs(raster);
    if (options.crs !== undefined) await resolveUserCrs(raster, checkCrs(options.crs, null));
    return raster;
  } catch (e) {
    await raster.close();
    throw e;
  }
}

/** Makes the source's EPSG code usable by proj4 on the TypeScript side (grids, masks). */
export function registerSourceCrs(raster: RasterReader): void {
  const c = raster.meta.crs;
  if (c?.epsg && !isCrsKnown(`EPSG:${c.epsg}`)) registerCrs(`EPSG:${c.epsg}`, c.wkt1);
}

async function resolveUserCrs(raster: RasterReader, crs: string): Promise<void> {
  const info = await raster.resolveCrs(crs); // a CrsError here if GDAL cannot use it
  if (!isCrsKnown(crs)) registerCrs(crs, info.wkt1);
}

export function allBands(meta: RasterMeta): number[] {
  return Array.from({ length: meta.count }, (_, i) => i + 1);
}

export function checkInterleave(v: unknown): Interleave {
  if (v === undefined) return 'pixel';
  if (v !== 'pixel' && v !== 'band') throw new ArgumentError('interleave', "'pixel' or 'band'", v);
  return v;
}
