/** Pixels with a box and a CRS to GeoTIFF/COG bytes, written by GDAL in the engine. */
import { ArgumentError } from '../core/errors.js';
import type { EncodeRequest } from './protocol.js';
import { defaultEngine, type EnginePool } from './pool.js';

export type { EncodeRequest } from './protocol.js';

export function encodeRaster(request: EncodeRequest, engine: EnginePool = defaultEngine()): Promise<Uint8Array> {
  const r = request?.rotation;
  if (r !== undefined && (typeof r !== 'number' || !Number.isFinite(r))) return Promise.reject(new ArgumentError('rotation', 'a finite angle in degrees', r));
  return engine.run({ label: 'encodeRaster' }, (api) => api.encode(request));
}
