/**
 * The engine worker: one GDAL (WebAssembly) per worker, exposed with Comlink. Runs as a Node
 * worker_threads worker, a Deno Web Worker or a browser module Web Worker.
 */
import * as Comlink from 'comlink';
import type { CrsInfo, EngineAssetConfig, EngineWorkerApi, RasterMeta, WindowRequest, WindowResult, WorkerSource } from '../src/engine/types.js';
import { EngineError } from '../src/errors/index.js';
import { installErrorTransfer } from '../src/engine/error-transfer.js';
import { GdalEngine } from './gdal-engine.js';
import { nodeEndpoint } from '../src/runtime/node-endpoint.js';

let engine: GdalEngine | null = null;
let starting: Promise<GdalEngine> | null = null;

function ready(): GdalEngine {
  if (!engine) throw new EngineError('ENGINE_FAILED', 'the engine worker was used before init()');
  return engine;
}

const api: EngineWorkerApi = {
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

installErrorTransfer();

async function endpoint(): Promise<Comlink.Endpoint> {
  const g = globalThis as { WorkerGlobalScope?: unknown; Deno?: unknown };
  if (typeof g.WorkerGlobalScope !== 'undefined' || typeof g.Deno !== 'undefined') {
    return globalThis as unknown as Comlink.Endpoint;
  }
  const { parentPort } = await import('node:worker_threads');
  return nodeEndpoint(parentPort as never);
}

Comlink.expose(api, await endpoint());
