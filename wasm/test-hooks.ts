/** What tests ask of the engine to reach states no input should: here, memory exhausted. */
import { EngineError } from '../src/core/errors.js';
import type { GdalModule } from './gdal-module.js';

/** Takes all of WebAssembly memory, then makes GDAL allocate (`scratch`) until it aborts. */
export function exhaustMemory(g: GdalModule, scratch: () => void): void {
  const { M } = g;
  for (let size = 1 << 30; size >= 8; ) {
    if (!M._malloc(size)) size >>>= 1;
  }
  // GDAL's own allocations now fail: C++ `new` cannot throw in this build, so GDAL aborts.
  for (let i = 0; i < 1000 && !g.aborted; i++) scratch();
  if (!g.aborted) throw new EngineError('ENGINE_FAILED', 'memory exhausted but GDAL did not abort');
}
