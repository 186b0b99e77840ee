/**
 * Where windows are warped to: MEM datasets over buffers in WebAssembly memory (no file per sample),
 * one per grid shape, data type and CRS, the last MAX_TARGETS kept for reuse (least recently used goes).
 */
import { boxGeoTransform, type Bounds } from '../src/core/box.js';
import { CrsError, EngineError } from '../src/core/errors.js';
import { arrayClassFor, bytesPerPixel, typedArrayFor, type DataType, type PixelArray } from '../src/core/pixels.js';
import { GDAL_TYPE_NAMES } from './describe.js';
import type { GdalModule } from './gdal-module.js';

export interface TargetGrid {
  ds: number;
  ptr: number;
  bytes: number;
}

const GA_UPDATE = 1;
const MAX_TARGETS = 8;

export class TargetGrids {
  private readonly targets = new Map<string, TargetGrid>();
  /** The six doubles of a geotransform, in WebAssembly memory. */
  private readonly gtPtr: number;

  constructor(
    private readonly g: GdalModule,
    private readonly lastError: () => string,
  ) {
    this.gtPtr = g.M._malloc(48);
  }

  /** Puts the target's `width`×`height` pixels over `bounds` (north up, or turned `rotation` degrees counter-clockwise about its centre). */
  place(target: TargetGrid, bounds: Bounds, width: number, height: number, rotation = 0): void {
    this.g.M.HEAPF64.set(boxGeoTransform(bounds, width, height, rotation), this.gtPtr >>> 3);
    this.g.GDALSetGeoTransform(target.ds, this.gtPtr);
  }

  /**
   * The target's first `n` pixels copied out of WebAssembly memory into a fresh buffer, which is
   * transferred, not copied, to the host (a new view: GDAL may have grown memory, replacing its buffer).
   */
  copyOut(target: TargetGrid, dtype: DataType, n: number): PixelArray {
    const data = typedArrayFor(dtype, n);
    data.set(heapView(this.g.M, dtype, target.ptr, n) as never);
    return data;
  }

  /** A MEM dataset over a buffer in WebAssembly memory, reused for every read with the same grid shape and CRS. */
  get(width: number, height: number, nb: number, dtype: DataType, crs: string): TargetGrid {
    const key = `${width}x${height}x${nb}:${dtype}:${crs}`;
    const hit = this.targets.get(key);
    if (hit) {
      this.targets.delete(key);
      this.targets.set(key, hit);
      return hit;
    }
    if (this.targets.size >= MAX_TARGETS) {
      const [oldKey, old] = this.targets.entries().next().value as [string, TargetGrid];
      this.targets.delete(oldKey);
      this.g.GDALClose(old.ds);
      this.g.M._free(old.ptr);
    }
    const g = this.g;
    const bytes = width * height * nb * bytesPerPixel(dtype);
    if (bytes > 2 ** 31 - 1)
      throw new EngineError(
        'ENGINE_FAILED',
        `a ${width}x${height}x${nb} ${dtype} window is ${(bytes / 2 ** 30).toFixed(1)} GiB, more than WebAssembly memory can hold (2 GiB per window): read smaller windows`,
        { input: `${width}x${height}x${nb}` },
      );
    const ptr = g.M._malloc(bytes);
    if (!ptr) throw new EngineError('ENGINE_FAILED', `out of WebAssembly memory allocating ${bytes} bytes for a ${width}x${height}x${nb} ${dtype} window`);
    const ds = g.GDALOpen(`MEM:::DATAPOINTER=${ptr},PIXELS=${width},LINES=${height},BANDS=${nb},DATATYPE=${GDAL_TYPE_NAMES[dtype]}`, GA_UPDATE);
    if (!ds) {
      g.M._free(ptr);
      throw new EngineError('ENGINE_FAILED', `cannot create the target grid: ${this.lastError()}`);
    }
    g.CPLErrorReset();
    if (g.GDALSetProjection(ds, crs) !== 0) {
      const gdalMessage = this.lastError();
      g.GDALClose(ds);
      g.M._free(ptr);
      throw new CrsError('CRS_INVALID', `CRS ${shorten(crs)} is not a coordinate reference system GDAL/PROJ understands${gdalMessage ? ` (${gdalMessage})` : ''}`, {
        input: shorten(crs),
        gdalMessage,
      });
    }
    const t = { ds, ptr, bytes };
    this.targets.set(key, t);
    return t;
  }
}

/** A typed-array view of `n` pixels of `dtype` at `ptr` in WebAssembly memory (as it is now). */
export function heapView(M: { HEAPU8: Uint8Array }, dtype: DataType, ptr: number, n: number): PixelArray {
  return new (arrayClassFor(dtype))(M.HEAPU8.buffer, ptr, n);
}

export function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
