/** The engine API as exposed over Comlink, shared by the worker and the in-thread (edge) entry. */
import * as Comlink from 'comlink';
import type { CrsInfo, EngineAssetConfig, EngineWorkerApi, RasterMeta, WindowRequest, WindowResult, WorkerSource } from '../src/engine/types.js';
import { EngineError } from '../src/errors/index.js';
import { GdalEngine } from './gdal-engine.js';

export function createEngineApi(): EngineWorkerApi {
  let engine: GdalEngine | null = null;
  let starting: Promise<GdalEngine> | null = null;
  const ready = (): GdalEngine => {
    if (!engine) throw new EngineError('ENGINE_FAILED', 'the engine was used before init()');
    return engine;
  };
  return {
    async init(config: EngineAssetConfig) {
      const t0 = performance.now();
      starting ??= GdalEngine.create(config);
      engine = await starting;
      return { initMs: performance.now() - t0 };
    },
    async resolveCrs(input: string): Promise<CrsInfo> {
      return ready().resolveCrs(input);
    },
    async open(id: number, source: WorkerSource, label: string): Promise<RasterMeta> {
      return ready().open(id, source, label);
    },
    async read(id: number, request: WindowRequest): Promise<WindowResult> {
      const r = ready().read(id, request);
      return Comlink.transfer(r, [r.data.buffer]);
    },
    async close(id: number) {
      ready().close(id);
    },
    async stats() {
      return ready().stats();
    },
  };
}
