/**
 * geotensor: georeferenced rasters to fixed-size tensor batches, on the fly, in Node, Deno and the
 * browser, warped by GDAL compiled to WebAssembly.
 */
export { GeotensorError, ArgumentError, SourceError, CrsError, SampleError, EngineError, RemoteError, AbortError, type ErrorCode, type ErrorDetails } from './core/errors.js';
export type { Bounds } from './core/box.js';
export { RESAMPLING_METHODS, DATA_TYPES, type DataType, type PixelArray, type Resampling } from './core/pixels.js';
export type { CrsInfo, RasterMeta, RasterizeSpec, VectorInfo, EngineAssetConfig, EngineStats, EngineConnection, EngineEndpoint, WasmModule } from './engine/protocol.js';
export { Raster, openRaster, type RasterSource, type RasterFile, type OpenRasterOptions, type Window, type FeatureCollectionLike } from './engine/raster.js';
export type { RemoteOptions, RemoteStats } from './remote/types.js';
/** @deprecated Renamed {@link RemoteStats}; this alias goes in the next release. */
export type { RemoteStats as ByteSourceStats } from './remote/types.js';
export type { ReadWindowOptions } from './engine/validate.js';
export type { EngineLimits } from './engine/limits.js';
export { DEFAULT_LIMITS } from './engine/limits.js';
export { EnginePool, configureEngine, defaultEngine, terminateEngine, type EngineOptions } from './engine/pool.js';
export { loadCrs } from './engine/load-crs.js';
export { parseCrs, registerCrs, transformer, transformBounds, sameCrs, isCrsKnown, type Crs, type LinearUnit } from './crs/index.js';
export { linspace } from './grid/index.js';
export { Footprint, type FootprintGeoJSON } from './grid/footprint.js';
export { orient, inverseOrientation, composeOrientation, orientedSize, type Orientation } from './core/orientation.js';
export type { Augment } from './generator/augment.js';
export type { BoxAugment } from './samples/augment.js';
export type { FootprintOptions } from './generator/footprint.js';
export { createRng, type Rng } from './core/rng.js';
export { SampleSet, type Sample, type Column, type ColumnValue } from './samples/sample-set.js';
export { regularGrid, randomGrid, type RegularGridOptions, type RandomGridOptions } from './samples/grids.js';
export { SpatialDataGenerator, type GeneratorOptions, type GeneratorProfile, type GridOptions, type GeneratorRandomGridOptions } from './generator/spatial-data-generator.js';
export { Flow, type FlowOptions } from './generator/flow.js';
export { zip, Zip } from './generator/zip.js';
export type { VectorOptions } from './engine/rasterize-options.js';
export type { Batch, SampleArray } from './generator/sample.js';
export { dims, offset, type Dims, type Interleave, type Layout } from './core/layout.js';
export type { PreprocessCallback } from './generator/callbacks.js';
export {
  previewSamples,
  previewGrid,
  previewCurve,
  PngImage,
  type PreviewSamplesOptions,
  type PreviewGridOptions,
  type PreviewCurveOptions,
  type Colormap,
} from './preview/index.js';
export { attributes, globalStats, normalize, type AttributeOptions, type StatName, type GlobalStats } from './generator/attributes.js';
export { terrain, type TerrainLayer } from './generator/terrain.js';
export { pointGrid } from './samples/ops.js';
export type { SpatialSplit, SpatialSplitOptions, BalanceOptions, TemporalSplitOptions } from './samples/splits.js';
export { readVector, readSamples, type VectorData, type VectorSource } from './io/vector.js';
export { RasterStack, type RasterReader, type StackMember, type StackOptions } from './engine/raster-stack.js';
export { openStac, type StacOpenOptions, type HrefContext } from './stac/open.js';
export { stacSearch, type StacSearchParams, type StacSearchOptions } from './stac/search.js';
export { readStacItems } from './stac/read.js';
export { TimeStack, type TimeOptions, type TimeStep, type TimeWindow, type QualityOptions } from './stac/time-stack.js';
export type { StacInput, StacItem, StacItemCollection, StacAsset, StacLink, StacRasterBand, StacReadOptions, ReadItem as StacReadItem } from './stac/types.js';
export { SourceIndex, saveSourceIndex, type SourceIndexEntry, type SourceIndexOptions } from './remote/source-index.js';
export { readGeoParquet, toGeoParquet, writeGeoParquet, type GeoParquetReadOptions, type GeoParquetWriteOptions, type ParquetBytes } from './io/geoparquet.js';
export { exportChips, flowFromFiles, type ExportChipsOptions, type FlowFromFilesOptions } from './chips/chips.js';
export { encodeNpy, decodeNpy } from './chips/npy.js';
export { encodeRaster, type EncodeRequest } from './engine/encode.js';
export type { Batches } from './generator/zip.js';
export type { SampleReader } from './generator/flow.js';
export type { GeoJsonFeatureCollection, GeoJsonPolygonFeature } from './samples/sample-set.js';
/** @deprecated Use {@link Bounds}; this alias goes in the next release. */
export type { Bounds as SampleBounds } from './core/box.js';
/** @deprecated Use {@link Bounds}; this alias goes in the next release. */
export type { Bounds as Extent } from './core/box.js';
export type { Boxes } from './grid/index.js';
export type { Bytes } from './io/vector.js';
export type { FlowLike } from './generator/sample.js';
export type { WindowResult } from './engine/protocol.js';
/** @deprecated Renamed {@link EngineConnection}; this alias goes in the next release. */
export type { EngineConnection as WorkerHandle } from './engine/protocol.js';
export { PredictionWriter, type PredictionWriterOptions, type Prediction, type Blend } from './chips/prediction-writer.js';
export type { ProgressOption, ProgressDetail } from './runtime/progress.js';
