/**
 * Several windows of one raster in one engine call (a flow's samples): each request made and checked
 * on the host as `readWindow` makes it, the windows warped one after another in one worker and sent
 * back in one message — one call's bookkeeping instead of one per window. A window's own
 * error stays its own. When the call itself fails (its worker died again after the pool's retry, a
 * time limit, a source changed since it was indexed), each window is read again on its own, so only
 * a window that fails alone fails; cancellation ends them all.
 */
import type { Bounds } from '../core/box.js';
import { AbortError, deserializeError, EngineError, GeotensorError } from '../core/errors.js';
import type { EnginePool, OpenDataset } from './pool.js';
import type { WindowBatch, WindowRequest, WindowResult } from './protocol.js';
import type { ReadWindowOptions } from './validate.js';

/** A window's pixels with the box and CRS they were read in (`Raster.readWindow`'s answer). */
export interface Window extends WindowResult {
  bounds: Bounds;
  crs: string;
}

/** What a batch needs of its raster. */
export interface BatchSource {
  engine: EnginePool;
  dataset: OpenDataset;
  label: string;
  /** The request `readWindow` would send for these options (validated, checked against the limits). */
  request(options: ReadWindowOptions): WindowRequest;
  /** The same window read alone (`readWindow`). */
  single(options: ReadWindowOptions): Promise<Window>;
}

export async function readWindowBatch(src: BatchSource, list: readonly ReadWindowOptions[]): Promise<(Window | GeotensorError)[]> {
  const signal = list.find((o) => o.signal)?.signal;
  const out: (Window | GeotensorError | null)[] = list.map(() => null);
  const reqs: WindowRequest[] = [];
  const at: number[] = [];
  list.forEach((o, k) => {
    try {
      reqs.push(src.request(o));
      at.push(k);
    } catch (e) {
      out[k] = asError(e);
    }
  });
  if (reqs.length === 0) return out as GeotensorError[];
  let batch: WindowBatch;
  try {
    batch = await src.engine.run({ label: src.label, signal, dataset: src.dataset }, (api) => api.readMany(src.dataset.id, reqs));
  } catch (e) {
    if (e instanceof AbortError || signal?.aborted) throw e;
    // One at a time, in order: a window queued in a worker behind a slow one would count its wait
    // against its own time limit.
    for (const k of at) out[k] = await src.single(list[k]).catch(asError);
    return out as (Window | GeotensorError)[];
  }
  await Promise.all(
    batch.items.map(async (item, j) => {
      const k = at[j];
      if ('error' in item) {
        const err = deserializeError(item.error);
        // A changed source is opened again by readWindow (once), which then reads the window.
        out[k] = err.code === 'SOURCE_CHANGED' ? await src.single(list[k]).catch(asError) : err;
        return;
      }
      out[k] = { ...item, bounds: reqs[j].bounds, crs: reqs[j].crs };
    }),
  );
  return out as (Window | GeotensorError)[];
}

function asError(e: unknown): GeotensorError {
  return e instanceof GeotensorError ? e : new EngineError('ENGINE_FAILED', `engine call failed: ${(e as Error)?.message ?? e}`);
}
