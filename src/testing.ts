/**
 * Test-only entry (dist/testing.js, not in the package's exports): engine internals the suite
 * inspects — live workers, their stats, the WebAssembly-abort hook. Not public API.
 */
export { liveWorkers } from './engine/pool.js';
export { polygonize, signedArea } from './grid/polygonize.js';
export { readTiffIndex, tileRanges } from './engine/tiff-index.js';
export { flatGeobufIndexed } from './engine/fgb-header.js';
