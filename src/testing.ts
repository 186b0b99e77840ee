/**
 * Test-only entry (dist/testing.js, not in the package's exports): engine internals the suite
 * inspects — live workers, their stats, the WebAssembly-abort hook. Not public API.
 */
import { type EnginePool, liveWorkers } from './engine/pool.js';
import type { EngineStats } from './engine/protocol.js';

export { liveWorkers };

/** Each live worker's stats, in the pool's order. */
export function workerStats(pool: EnginePool): Promise<EngineStats[]> {
  return Promise.all(liveWorkers(pool).map((w) => w.call((api) => api.stats())));
}
export { polygonize, signedArea } from './grid/polygonize.js';
export { readTiffIndex, tileRanges } from './engine/tiff-index.js';
export { flatGeobufIndexed } from './engine/fgb-header.js';
export { sharedStoreBytes } from './engine/byte-bridge.js';
