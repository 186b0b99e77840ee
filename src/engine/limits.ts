/**
 * Resource limits of the engine, so a hostile file or an oversized request ends in a typed error
 * naming the source and the limit, before the host or a worker runs out of memory or time.
 */
import { ArgumentError, SampleError } from '../core/errors.js';
import { bytesPerPixel } from '../core/pixels.js';
import { windowPlan } from './window-plan.js';
import type { RasterMeta, WindowRequest } from './protocol.js';

export interface EngineLimits {
  /** Bytes of one window's pixels (width × height × bands × bytes per pixel). Default 1 GiB. */
  windowBytes?: number;
  /**
   * Source pixels (per band) GDAL may have to read for one window, at the overview level it warps
   * from. Default 2^30: a tiny file claiming 10^6 × 10^6 pixels read whole is refused at once.
   */
  sourcePixels?: number;
  /**
   * WebAssembly memory of a worker after a call (its heap never shrinks): above this, the worker is
   * retired once idle and a fresh one takes its place. Default 1.5 GiB.
   */
  workerMemoryBytes?: number;
}

export const DEFAULT_LIMITS: Required<EngineLimits> = { windowBytes: 2 ** 30, sourcePixels: 2 ** 30, workerMemoryBytes: 1.5 * 2 ** 30 };

export function checkLimits(l: EngineLimits | undefined): Required<EngineLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(l ?? {})) {
    if (!(k in DEFAULT_LIMITS)) throw new ArgumentError(`limits.${k}`, `one of ${Object.keys(DEFAULT_LIMITS).join(', ')}`, k);
    if (typeof v !== 'number' || !(v > 0)) throw new ArgumentError(`limits.${k}`, 'a positive number', v);
    out[k as keyof EngineLimits] = v;
  }
  return out;
}

/** Refuses a window whose pixels, or the source pixels behind them, are over the limits. */
export function checkWindow(meta: RasterMeta, req: WindowRequest, label: string, limits: Required<EngineLimits>): void {
  const bytes = req.width * req.height * (req.bands.length + (req.mask ? 1 : 0)) * bytesPerPixel(req.dtype);
  if (bytes > limits.windowBytes) {
    throw new ArgumentError('width × height × bands', `at most ${limits.windowBytes} bytes for one window of ${label} (engine limits.windowBytes)`, `${bytes} bytes`);
  }
  const parts = meta.parts ? (req.parts ?? meta.parts.map((_, i) => i)).map((i) => meta.parts![i]) : [meta];
  for (const part of parts) {
    const n = sourcePixels(part, req);
    if (n > limits.sourcePixels) {
      throw new SampleError(
        'SAMPLE_FAILED',
        `${label}: the window [${req.bounds.join(', ')}] needs about ${Math.round(n)} source pixels per band (${part.width} x ${part.height} pixels, no overview coarse enough); the limit is ${limits.sourcePixels} (engine limits.sourcePixels): read a smaller box or add overviews`,
        { input: label, bounds: [...req.bounds] },
      );
    }
  }
}

/**
 * About the source pixels GDAL reads for the window, at the overview level gdalwarp picks (-ovr
 * AUTO); 0 when unknown. The box goes through 3 points per edge, not 21: an estimate against a
 * limit, made on the host thread for every read.
 */
function sourcePixels(meta: RasterMeta, req: WindowRequest): number {
  const plan = windowPlan(meta, req, 3);
  if (!plan) return 0;
  const [c0, r0, c1, r1] = plan.pixels;
  return (c1 - c0) * (r1 - r0);
}
