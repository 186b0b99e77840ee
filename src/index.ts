/**
 * geotensor: georeferenced rasters to fixed-size tensor batches, on the fly, in Node, Deno and the
 * browser, warped by GDAL compiled to WebAssembly.
 */
export * from './errors/index.js';
export type { Bounds, CrsInfo, DataType, PixelArray, RasterMeta, Resampling, EngineAssetConfig, EngineStats } from './engine/types.js';
export { RESAMPLING_METHODS, DATA_TYPES } from './engine/types.js';
export { Raster, openRaster, type RasterSource, type RasterFile, type OpenRasterOptions, type Window } from './engine/raster.js';
export type { RemoteOptions, ByteSourceStats } from './source/types.js';
export type { ReadWindowOptions } from './engine/validate.js';
export { EnginePool, configureEngine, defaultEngine, terminateEngine, type EngineOptions } from './engine/pool.js';
export { parseCrs, registerCrs, transformer, transformBounds, sameCrs, isCrsKnown, type Crs, type LinearUnit } from './crs/index.js';
export { linspace, createRng, type Rng } from './grid/index.js';
export { SampleSet, type Sample, type Column, type ColumnValue } from './samples/sample-set.js';
export { regularGrid, randomGrid, type RegularGridOptions, type RandomGridOptions } from './samples/grids.js';
export { SpatialDataGenerator, type GeneratorOptions, type GeneratorProfile, type GridOptions } from './generator/spatial-data-generator.js';
export { Flow, type FlowOptions } from './generator/flow.js';
export { zip, Zip } from './generator/zip.js';
export type { Batch, SampleArray, Interleave, Layout } from './generator/sample.js';
export type { PreprocessCallback } from './generator/callbacks.js';
export { toTensor, toDataset, type DatasetOptions } from './tf/index.js';
export { previewSamples, previewGrid, previewCurve, PngImage, type PreviewSamplesOptions, type PreviewGridOptions, type Colormap } from './preview/index.js';
export { attributes, globalStats, normalize, type AttributeOptions, type StatName, type GlobalStats } from './generator/attributes.js';
export { terrain, type TerrainLayer } from './generator/terrain.js';
export { pointGrid } from './samples/ops.js';
export type { SpatialSplit, SpatialSplitOptions, BalanceOptions } from './samples/splits.js';
export { readVector, readSamples, type VectorData, type VectorSource } from './samples/vector.js';
export { exportChips, flowFromFiles, type ExportChipsOptions, type FlowFromFilesOptions } from './chips/chips.js';
export { encodeNpy, decodeNpy } from './chips/npy.js';
export { encodeRaster, type EncodeRequest } from './engine/encode.js';
export type { Batches } from './generator/zip.js';
export type { SampleReader } from './generator/flow.js';
export type { GeoJsonFeatureCollection, GeoJsonPolygonFeature, Bounds as SampleBounds } from './samples/sample-set.js';
export type { Boxes, Extent } from './grid/index.js';
export type { Bytes } from './samples/vector.js';
export type { FlowLike } from './tf/index.js';
export type { EngineWorker } from './engine/pool.js';
export type { WorkerHandle } from './runtime/types.js';
export type { EngineWorkerApi, WindowRequest, WindowResult, WorkerSource } from './engine/types.js';
export { PredictionWriter, type PredictionWriterOptions, type Prediction, type Blend } from './chips/prediction-writer.js';
export type { ProgressOption, ProgressDetail } from './generator/progress.js';
