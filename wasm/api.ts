/** The engine API as exposed over Comlink, shared by the worker and the in-thread (edge) entry. */
import * as Comlink from 'comlink';
import type {
  CrsInfo,
  EncodeRequest,
  EngineAssetConfig,
  EngineWorkerApi,
  RasterMeta,
  WindowRequest,
  WindowResult,
  DatasetSpec,
  OpenOptions,
  WindowBatch,
} from '../src/engine/protocol.js';
import { EngineError, GeotensorError, serializeError } from '../src/core/errors.js';
import { GdalEngine } from './gdal-engine.js';

/**
 * Errors that leave the WebAssembly instance unusable (GDAL abort, out-of-bounds access, stack
 * overflow) are marked `fatal`: the host then terminates this worker, starts a new one and retries.
 */
function fatalOrSelf(e: unknown, engine: GdalEngine | null): unknown {
  const msg = (e as Error)?.message ?? String(e);
  const aborted = engine?.aborted;
  if (aborted || e instanceof WebAssembly.RuntimeError || /^Aborted\(|unreachable|memory access out of bounds|Maximum call stack/.test(msg)) {
    return new EngineError('ENGINE_FAILED', `GDAL (WebAssembly) aborted: ${aborted ?? msg}`, { fatal: true });
  }
  return e;
}

export function createEngineApi(): EngineWorkerApi {
  let engine: GdalEngine | null = null;
  let starting: Promise<GdalEngine> | null = null;
  /** Calls of read and readMany served (EngineStats.readCalls). */
  let readCalls = 0;
  /** Whether init was handed a compiled module (EngineStats.compiledGiven). */
  let compiledGiven = false;
  const ready = (): GdalEngine => {
    if (!engine) throw new EngineError('ENGINE_FAILED', 'the engine was used before init()');
    if (engine.aborted) throw new EngineError('ENGINE_FAILED', `GDAL (WebAssembly) aborted earlier: ${engine.aborted}`, { fatal: true });
    return engine;
  };
  const guard =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await f(...a);
      } catch (e) {
        throw fatalOrSelf(e, engine);
      }
    };
  const api: EngineWorkerApi = {
    async init(config: EngineAssetConfig) {
      compiledGiven = config.wasm instanceof WebAssembly.Module;
      starting ??= GdalEngine.create(config);
      engine = await starting;
    },
    async resolveCrs(input: string): Promise<CrsInfo> {
      return ready().resolveCrs(input);
    },
    async open(id: number, source: DatasetSpec, label: string, options?: OpenOptions): Promise<RasterMeta> {
      return ready().open(id, source, label, options);
    },
    async read(id: number, request: WindowRequest): Promise<WindowResult> {
      readCalls++;
      const r = ready().read(id, request);
      return Comlink.transfer(r, [r.data.buffer]);
    },
    async readMany(id: number, requests: WindowRequest[]): Promise<WindowBatch> {
      const e = ready();
      readCalls++;
      const items = requests.map((req): WindowBatch['items'][number] => {
        try {
          return e.read(id, req);
        } catch (err) {
          // GDAL aborted, or bytes to fetch first (replay): the whole call fails, as a single read would.
          const f = fatalOrSelf(err, engine);
          if (f !== err || (err instanceof GeotensorError && err.details.needBytes)) throw f;
          return { error: serializeError(err) };
        }
      });
      // Each window's own buffer (copied once out of WebAssembly memory), all transferred in one message.
      const heapBytes = Math.max(0, ...items.map((r) => ('data' in r ? (r.heapBytes ?? 0) : 0)));
      return Comlink.transfer({ items, heapBytes }, [...new Set(items.flatMap((r) => ('data' in r ? [r.data.buffer] : [])))]);
    },
    async features(id: number) {
      const bytes = ready().features(id);
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    async close(id: number) {
      ready().close(id);
    },
    async stats() {
      return { ...ready().stats(), readCalls, compiledGiven };
    },
    async encode(request: EncodeRequest) {
      const bytes = ready().encode(request);
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    async beginRaster(id, spec) {
      ready().stripWriter(spec.crs).begin(id, spec);
    },
    async writeRows(id, row0, rows, data) {
      ready().stripWriter().write(id, row0, rows, data);
    },
    async endRaster(id) {
      const bytes = ready().stripWriter().end(id);
      return Comlink.transfer(bytes, [bytes.buffer]);
    },
    async abortRaster(id) {
      ready().stripWriter().abort(id);
    },
    async attachBridge(sab: SharedArrayBuffer, port: MessagePort, timeoutMs: number) {
      ready().attachBridge(sab, port, timeoutMs);
    },
    async attachStore(store: SharedArrayBuffer) {
      ready().attachStore(store);
    },
    async supply(fileId: number, first: number, bytes: Uint8Array) {
      ready().supply(fileId, first, bytes);
    },

    async debug(action: string, owner?: number, path?: string): Promise<unknown> {
      return ready().debug(action, Number(owner), String(path));
    },
  };
  for (const k of Object.keys(api) as (keyof EngineWorkerApi)[]) (api as unknown as Record<string, unknown>)[k] = guard(api[k] as never);
  return api;
}
