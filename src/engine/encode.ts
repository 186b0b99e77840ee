/** Pixels with a box and a CRS to GeoTIFF/COG bytes, written by GDAL in the engine. */
import type { EncodeRequest } from './protocol.js';
import { defaultEngine, type EnginePool } from './pool.js';

export type { EncodeRequest } from './protocol.js';

export function encodeRaster(request: EncodeRequest, engine: EnginePool = defaultEngine()): Promise<Uint8Array> {
  return engine.run({ label: 'encodeRaster' }, (api) => api.encode(request));
}
