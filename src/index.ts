/**
 * geotensor: georeferenced rasters to fixed-size tensor batches, on the fly, in Node, Deno and the
 * browser, warped by GDAL compiled to WebAssembly.
 */
export * from './errors/index.js';
export type { Bounds, CrsInfo, DataType, PixelArray, RasterMeta, Resampling, EngineAssetConfig, EngineStats } from './engine/types.js';
export { RESAMPLING_METHODS, DATA_TYPES } from './engine/types.js';
export { Raster, openRaster, type RasterSource, type OpenRasterOptions, type Window } from './engine/raster.js';
export type { ReadWindowOptions } from './engine/validate.js';
export { EnginePool, configureEngine, defaultEngine, terminateEngine, type EngineOptions } from './engine/pool.js';
export { parseCrs, registerCrs, transformer, isCrsKnown, type Crs, type LinearUnit } from './crs/index.js';
